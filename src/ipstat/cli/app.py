"""The `ipstat` command group, the options its commands share, and how they speak: rich on the
terminal (plain when piped), Vietnamese messages on stderr, exit status 2 for a misuse."""

import datetime as dt
import os
import re
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from ipstat.cli.vietnamese import VietnameseGroup

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from ipstat.base.findings import Finding, ValidationReport, Vocabulary
    from ipstat.contract.model import Contract
    from ipstat.contract.scoring_table import ScoringTable
    from ipstat.outputs.annotate import Annotated as AnnotatedCopies

app = typer.Typer(
    cls=VietnameseGroup,
    help="Kiểm tra và tổng hợp số liệu KCN, KCX, KKT của Khối thi đua.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # workbooks hold personal data
    rich_markup_mode=None,
)


class ValidateFormat(StrEnum):
    text = "text"
    json = "json"
    junit = "junit"
    github = "github"


class ReportFormat(StrEnum):
    md = "md"
    docx = "docx"


class SchemaFormat(StrEnum):
    table = "table"
    json = "json"


Paths = Annotated[
    list[Path],
    typer.Argument(
        metavar="ĐƯỜNG_DẪN...",
        help="Tệp biểu (.xlsx, .xlsm, .xls, .ods) hoặc thư mục chứa các tệp.",
    ),
]


def year_option(value: int | None) -> int | None:
    from ipstat.contract.blocs import FIRST_YEAR, LAST_YEAR  # noqa: PLC0415

    if value is not None and not FIRST_YEAR <= value <= LAST_YEAR:
        raise typer.BadParameter(f"năm {value} nằm ngoài khoảng {FIRST_YEAR}–{LAST_YEAR}.")
    return value


def date_or_fail(value: str | None) -> dt.date | None:
    """`--date DD/MM/YYYY`, the date of the documents written: a day of the calendar, in the
    years ipstat accepts."""
    from ipstat.contract.blocs import FIRST_YEAR, LAST_YEAR  # noqa: PLC0415

    if value is None:
        return None
    found = re.fullmatch(r"\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*", value)
    if found is None:
        fail(f"--date: ngày “{value}” không đúng dạng DD/MM/YYYY (vd. 10/02/2017).")
    try:
        day = dt.date(int(found[3]), int(found[2]), int(found[1]))
    except ValueError:
        fail(f"--date: ngày “{value}” không có trong lịch.")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        fail(f"--date: năm {day.year} nằm ngoài khoảng {FIRST_YEAR}–{LAST_YEAR}.")
    return day


def deadline_or_fail(deadline: str | None) -> dt.date | None:
    """`--deadline` as a clerk writes it (20/01/2018) or in ISO form (2018-01-20)."""
    if deadline is None:
        return None
    day = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", deadline)  # as a clerk writes it
    iso = f"{day[3]}-{int(day[2]):02d}-{int(day[1]):02d}" if day else deadline
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", iso):
        fail(f"hạn nộp “{deadline}” không đúng dạng ngày/tháng/năm (vd. 20/01/2018).")
    try:
        return dt.date.fromisoformat(iso)
    except ValueError:
        fail(f"hạn nộp “{deadline}”: không có ngày này trong lịch.")


DateOption = Annotated[
    str | None,
    typer.Option(
        "--date",
        metavar="DD/MM/YYYY",
        help="Ngày của văn bản (dòng địa danh, ngày tháng; văn bản pháp luật còn hiệu lực). "
        "Mặc định: hôm nay.",
    ),
]

InboxArgument = Annotated[
    Path,
    typer.Argument(metavar="THƯ_MỤC_NHẬN", help="Thư mục nhận báo cáo của năm, vd. nhan-ve/2017."),
]
DeadlineOption = Annotated[
    str | None,
    typer.Option("--deadline", help="Hạn nộp (vd. 20/01/2018), thay cho hạn trong tệp của Khối."),
]
YearOption = Annotated[
    int | None, typer.Option("--year", help="Năm đang tổng hợp.", callback=year_option)
]
BlocOption = Annotated[
    str | None,
    typer.Option("--bloc", help="Khối thi đua: mã trong schemas/blocs (dbsh-2016) hoặc tệp .toml."),
]
OutOption = Annotated[
    Path | None, typer.Option("-o", "--out", help="Thư mục ghi kết quả (mặc định ket-qua/<năm>).")
]
JsonOption = Annotated[
    bool,
    typer.Option(
        "--json", help="In tài liệu JSON ra màn hình (đầu ra chuẩn) và không in gì khác ở đó."
    ),
]
LatestOption = Annotated[
    bool,
    typer.Option(
        "--latest", help="Thành viên gửi nhiều bản: dùng bản nhận sau cùng, liệt kê các bản cũ."
    ),
]
SchemasOption = Annotated[
    Path | None, typer.Option("--schemas", help="Thư mục bộ quy ước thay cho bản kèm theo.")
]
PreviousOption = Annotated[
    Path | None,
    typer.Option(
        "--previous",
        help="Tệp tổng hợp JSON của năm trước: cảnh báo số liệu chênh lệch bất thường "
        "so với năm trước.",
    ),
]


class Period(StrEnum):
    """The values of `--period`, as half-year.md names them (`ipstat.base.periods`)."""

    nam = "nam"
    sau_thang = "6-thang"


PeriodOption = Annotated[
    Period,
    typer.Option(
        "--period",
        help="Kỳ báo cáo: nam (cả năm, mặc định) hoặc 6-thang (6 tháng đầu năm, sơ kết). Biểu "
        "hay tệp tổng hợp của kỳ khác bị từ chối.",
    ),
]


class StatusFormat(StrEnum):
    text = "text"
    json = "json"


# Redirected output has no width to fit: tables are laid out as wide as their text, so a file
# gets every date and file name whole (rich would otherwise fold them at 80 columns).
REDIRECTED_WIDTH = 10_000


def console(stderr: bool = False) -> "Console":
    from rich.console import Console  # noqa: PLC0415

    stream = sys.stderr if stderr else sys.stdout
    redirected = not stream.isatty() and "COLUMNS" not in os.environ
    return Console(
        stderr=stderr,
        no_color="NO_COLOR" in os.environ,
        highlight=False,
        emoji=False,
        width=REDIRECTED_WIDTH if redirected else None,
    )


def fail(message: str, code: int = 2) -> NoReturn:
    from ipstat.base.visible import visible  # noqa: PLC0415

    print(f"ipstat: {visible(message)}", file=sys.stderr)  # a line break from input: ␊
    raise typer.Exit(code)


def _print_version(value: bool) -> None:
    if value:
        from ipstat import __version__  # noqa: PLC0415

        print(f"ipstat {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="In số phiên bản rồi thoát.", callback=_print_version, is_eager=True
        ),
    ] = False,
) -> None:
    pass


def load_contract_or_fail(schemas: Path | None, bloc: str | None) -> "Contract":
    """The contract, loaded only by the commands that need it (not `--help`)."""
    from ipstat.contract.checked import ContractError  # noqa: PLC0415
    from ipstat.contract.model import load_contract  # noqa: PLC0415

    try:
        return load_contract(schemas, bloc)
    except ContractError as exc:
        fail(str(exc))


def load_scoring_or_fail(
    contract: "Contract", name: str | None, schemas: Path | None
) -> "ScoringTable | None":
    from ipstat.contract.checked import ContractError  # noqa: PLC0415
    from ipstat.contract.scoring_table import load_scoring  # noqa: PLC0415

    try:
        return load_scoring(contract, name, schemas)
    except ContractError as exc:
        fail(str(exc))


def written(path: Path) -> "Text":
    from ipstat.cli.terminal import written as text  # noqa: PLC0415

    return text(path)


def outcome(
    console: "Console",
    report: "ValidationReport",
    document: dict[str, Any] | None,
    as_json: bool,
    not_done: str,
    vocabulary: "Vocabulary",
) -> None:
    """What a job that writes outputs says first: the findings and exit 1 when nothing was
    written; otherwise the document on stdout with `--json`, and the warnings and notes by
    file (what `validate` showed of the same files)."""
    from ipstat.cli.terminal import findings_table, print_report  # noqa: PLC0415

    if document is None:
        print_report(console, report, vocabulary)
        console.print(f"[red]{not_done}: hãy sửa các lỗi trên rồi chạy lại. Không ghi tệp nào.[/]")
        raise typer.Exit(1)
    if as_json:
        from ipstat.bloc.document import dumps  # noqa: PLC0415

        print(dumps(document))
    if report.warnings or report.notes:
        told = [f for f in report if not f.is_error]
        console.print(findings_table(told, vocabulary, with_file=True))


def print_annotated(annotated: "AnnotatedCopies", folder: Path, *, machine: bool) -> None:
    """What was written goes where `aggregate` says it (stdout), unless a machine format owns
    stdout; problems always go to stderr."""
    from ipstat.base.visible import visible  # noqa: PLC0415

    said = sys.stderr if machine else sys.stdout
    for path in annotated.written:
        source = annotated.source_of[path]
        converted = ", ghi dạng .xlsx" if source.suffix.lower() != path.suffix.lower() else ""
        renamed = (
            "" if source.name == path.name else f" (bản của {visible(str(source))}{converted})"
        )
        print(f"Đã ghi bản có ghi chú: {visible(str(path))}{renamed}", file=said)
    for problem in annotated.problems:
        print(f"ipstat: {visible(problem)}", file=sys.stderr)
    if annotated.stale:
        names = ", ".join(visible(p.name) for p in annotated.stale)
        print(
            f"ipstat: trong {visible(str(folder))} còn {len(annotated.stale)} bản có ghi chú từ "
            "lần chạy trước, lần này không ghi lại (biểu đã hết lỗi, hoặc không có trong lần "
            f"kiểm tra này), để nguyên: {names}. Hãy xóa nếu không cần nữa.",
            file=sys.stderr,
        )


def print_notices(console: "Console", notices: "list[Finding]", vocabulary: "Vocabulary") -> None:
    """What a run says about the data its documents are made from (a citation not checked, a
    Khối trưởng inferred): by the file to edit, never in the documents."""
    if notices:
        from ipstat.cli.terminal import findings_table  # noqa: PLC0415

        console.print("\n[bold]Văn bản[/]")
        console.print(findings_table(notices, vocabulary, with_file=True))
