"""The command line: parse arguments, call one library function, turn its result into output."""

import gc
import io
import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from ipstat.base.errors import IpstatError
from ipstat.cli.vietnamese import VietnameseGroup

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from ipstat.base.findings import ValidationReport, Vocabulary
    from ipstat.checks.previous import LastYear
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
        metavar="ĐƯỜNG_DẪN...", help="Tệp biểu (.xlsx, .xls, .ods) hoặc thư mục chứa các tệp."
    ),
]


def _year(value: int | None) -> int | None:
    from ipstat.contract.blocs import FIRST_YEAR, LAST_YEAR  # noqa: PLC0415

    if value is not None and not FIRST_YEAR <= value <= LAST_YEAR:
        raise typer.BadParameter(f"năm {value} nằm ngoài khoảng {FIRST_YEAR}–{LAST_YEAR}.")
    return value


YearOption = Annotated[
    int | None, typer.Option("--year", help="Năm đang tổng hợp.", callback=_year)
]
BlocOption = Annotated[
    str | None,
    typer.Option("--bloc", help="Khối thi đua: mã trong schemas/blocs (dbsh-2016) hoặc tệp .toml."),
]
OutOption = Annotated[
    Path | None, typer.Option("-o", "--out", help="Thư mục ghi kết quả (mặc định ket-qua/<năm>).")
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="In tài liệu JSON ra stdout và không in gì khác ở đó.")
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
        "(jump-vs-previous).",
    ),
]


class StatusFormat(StrEnum):
    text = "text"
    json = "json"


# Redirected output has no width to fit: tables are laid out as wide as their text, so a file
# gets every date and file name whole (rich would otherwise fold them at 80 columns).
REDIRECTED_WIDTH = 10_000


def _console(stderr: bool = False) -> "Console":
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


def _fail(message: str, code: int = 2) -> NoReturn:
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


def _contract(schemas: Path | None, bloc: str | None) -> "Contract":
    """The contract, loaded only by the commands that need it (not `--help`)."""
    from ipstat.contract.checked import ContractError  # noqa: PLC0415
    from ipstat.contract.model import load_contract  # noqa: PLC0415

    try:
        return load_contract(schemas, bloc)
    except ContractError as exc:
        _fail(str(exc))


def _scoring(contract: "Contract", name: str | None, schemas: Path | None) -> "ScoringTable | None":
    from ipstat.contract.checked import ContractError  # noqa: PLC0415
    from ipstat.contract.scoring_table import load_scoring  # noqa: PLC0415

    try:
        return load_scoring(contract, name, schemas)
    except ContractError as exc:
        _fail(str(exc))


@app.command()
def validate(
    paths: Paths,
    output_format: Annotated[
        ValidateFormat, typer.Option("--format", help="Định dạng kết quả.")
    ] = ValidateFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="Coi cảnh báo là lỗi.")] = False,
    year: YearOption = None,
    annotate: Annotated[
        Path | None,
        typer.Option(
            "--annotate",
            help="Thư mục ghi bản sao của mỗi biểu có lỗi, tô màu và ghi chú từng ô cần sửa.",
        ),
    ] = None,
    bloc: BlocOption = None,
    schemas: SchemasOption = None,
    previous: PreviousOption = None,
) -> None:
    """Kiểm tra từng biểu báo cáo theo quy ước; chỉ ra từng ô cần sửa."""
    from ipstat.checks.validation import validate_paths  # noqa: PLC0415

    contract = _contract(schemas, bloc)
    scoring = _scoring(contract, None, schemas)
    try:
        last_year = _last_year(previous, contract)
        exclude = [annotate] if annotate is not None and annotate.is_dir() else []
        report = validate_paths(
            paths,
            contract,
            year,
            scoring=scoring,
            last_year=last_year,
            exclude=exclude,
            keep_submissions=False,
        ).report
    except IpstatError as exc:
        _fail(str(exc))
    if output_format is ValidateFormat.text:
        from ipstat.cli.terminal import print_report  # noqa: PLC0415

        print_report(_console(), report, contract.vocabulary)
    else:
        from ipstat.outputs import machine as outputs  # noqa: PLC0415

        render = {"json": outputs.to_json, "junit": outputs.to_junit, "github": outputs.to_github}
        text = render[output_format.value](report)
        if text:
            print(text)
    if annotate is not None:  # after the findings: a copy that fails must not hide them
        _annotate(report, annotate, contract.vocabulary)
    raise typer.Exit(0 if report.ok(strict) else 1)


def _last_year(previous: Path | None, contract: "Contract") -> "LastYear | None":
    if previous is None:
        return None
    from ipstat.bloc.compare import read_last_year  # noqa: PLC0415

    return read_last_year(previous, contract)


def _annotate(report: "ValidationReport", folder: Path, vocabulary: "Vocabulary") -> None:
    from ipstat.outputs.annotate import annotate_reports  # noqa: PLC0415

    try:
        annotated = annotate_reports(report.files, folder, vocabulary)
    except IpstatError as exc:
        _fail(str(exc))
    _print_annotated(annotated, folder)


def _print_annotated(annotated: "AnnotatedCopies", folder: Path) -> None:
    from ipstat.base.visible import visible  # noqa: PLC0415

    for path in annotated.written:
        source = annotated.source_of[path]
        converted = ", ghi dạng .xlsx" if source.suffix.lower() != path.suffix.lower() else ""
        renamed = (
            "" if source.name == path.name else f" (bản của {visible(str(source))}{converted})"
        )
        print(f"Đã ghi bản có ghi chú: {visible(str(path))}{renamed}", file=sys.stderr)
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


@app.command()
def template(
    year: Annotated[int, typer.Option("--year", help="Năm báo cáo.", callback=_year)],
    member: Annotated[str | None, typer.Option("--member", help="Tên thành viên.")] = None,
    all_members: Annotated[
        bool, typer.Option("--all", help="Một biểu cho mỗi thành viên của Khối.")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Tệp (hoặc thư mục, với --all) để ghi.")
    ] = None,
    bloc: BlocOption = None,
    schemas: SchemasOption = None,
    registration: Annotated[
        bool, typer.Option("--registration", help="Biểu đăng ký chỉ tiêu thi đua đầu năm.")
    ] = False,
    adjustments: Annotated[
        bool,
        typer.Option("--adjustments", help="Trang “Điều chỉnh” trống cho `ipstat score`."),
    ] = False,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            help="Tệp tổng hợp JSON của năm trước: mỗi biểu có thêm cột “Năm trước” (khóa) "
            "để thành viên đối chiếu.",
        ),
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Ghi đè lên tệp đã có (mặc định: từ chối).")
    ] = False,
) -> None:
    """Tạo biểu mẫu trống để gửi cho các thành viên."""
    from ipstat.commands.template import FormRequest, write_forms  # noqa: PLC0415

    contract = _contract(schemas, bloc)
    scoring = _scoring(contract, None, schemas)
    request = FormRequest(
        year=year,
        member=member,
        all_members=all_members,
        output=output,
        registration=registration,
        adjustments=adjustments,
        previous=previous,
        overwrite=overwrite,
    )
    try:
        written = write_forms(request, contract, scoring)
    except IpstatError as exc:
        _fail(str(exc))
    console = _console()
    for path in written:
        console.print(_written(path), soft_wrap=True)


def _written(path: Path) -> "Text":
    from ipstat.cli.terminal import written  # noqa: PLC0415

    return written(path)


@app.command()
def schema(
    output_format: Annotated[
        SchemaFormat, typer.Option("--format", help="table: bảng chỉ tiêu; json: JSON Schema.")
    ] = SchemaFormat.table,
    bloc: BlocOption = None,
    schemas: SchemasOption = None,
) -> None:
    """In danh mục chỉ tiêu, hoặc JSON Schema của một biểu báo cáo."""
    contract = _contract(schemas, bloc)
    if output_format is SchemaFormat.json:
        from ipstat.contract.submission_schema import submission_schema  # noqa: PLC0415

        print(json.dumps(submission_schema(contract), ensure_ascii=False, indent=2))
        return
    from ipstat.cli.terminal import catalogue_table  # noqa: PLC0415

    _console().print(catalogue_table(contract))


@app.command()
def aggregate(
    paths: Paths,
    year: YearOption = None,
    out: OutOption = None,
    as_json: JsonOption = False,
    previous: Annotated[
        Path | None,
        typer.Option("--previous", help="Tệp tổng hợp JSON của năm trước, để so sánh hai năm."),
    ] = None,
    docx: Annotated[
        bool, typer.Option("--docx", help="Ghi thêm dự thảo báo cáo dạng Word (.docx).")
    ] = False,
    bloc: BlocOption = None,
    schemas: SchemasOption = None,
    registrations: Annotated[
        Path | None,
        typer.Option(
            "--registrations", help="Các bản đăng ký thi đua: báo cáo ghi mức đạt kế hoạch."
        ),
    ] = None,
    latest: LatestOption = False,
) -> None:
    """Kiểm tra và tổng hợp cả Khối; ghi bảng .xlsx, tài liệu .json và dự thảo báo cáo .md."""
    from ipstat.commands.aggregate import publish  # noqa: PLC0415

    contract = _contract(schemas, bloc)
    scoring = _scoring(contract, None, schemas) if registrations else None
    try:
        published = publish(
            paths,
            contract,
            year=year,
            out=out,
            previous=previous,
            word=docx,
            registrations=registrations,
            scoring=scoring,
            latest=latest,
        )
    except IpstatError as exc:
        _fail(str(exc))
    from ipstat.cli.terminal import print_skipped, print_summary  # noqa: PLC0415

    console = _console(stderr=as_json)
    report = published.run.validation.report
    _outcome(console, report, published.document, as_json, "Chưa tổng hợp", contract.vocabulary)
    assert published.document is not None
    print_skipped(console, published.run.validation.report.skipped)
    print_summary(console, published.document, contract.comparison.headline, published.files)


def _outcome(
    console: "Console",
    report: "ValidationReport",
    document: dict[str, Any] | None,
    as_json: bool,
    not_done: str,
    vocabulary: "Vocabulary",
) -> None:
    """What a job that writes outputs says first: the findings and exit 1 when nothing was
    written; otherwise the document on stdout with `--json`, and the warnings by file."""
    from ipstat.cli.terminal import findings_table, print_report  # noqa: PLC0415

    if document is None:
        print_report(console, report, vocabulary)
        console.print(f"[red]{not_done}: hãy sửa các lỗi trên rồi chạy lại. Không ghi tệp nào.[/]")
        raise typer.Exit(1)
    if as_json:
        from ipstat.bloc.document import dumps  # noqa: PLC0415

        print(dumps(document))
    if report.warnings:
        console.print(findings_table(report.warnings, vocabulary, with_file=True))


@app.command()
def score(
    paths: Paths,
    registrations: Annotated[
        Path,
        typer.Option("--registrations", help="Tệp hoặc thư mục các bản đăng ký thi đua."),
    ],
    previous: Annotated[
        Path | None,
        typer.Option("--previous", help="Tệp tổng hợp JSON của năm trước (tiêu chí tăng trưởng)."),
    ] = None,
    adjustments: Annotated[
        Path | None,
        typer.Option("--adjustments", help="Tệp có trang “Điều chỉnh” (cham-diem-<năm>.xlsx)."),
    ] = None,
    scoring: Annotated[
        str | None,
        typer.Option("--scoring", help="Biểu chấm điểm: tên trong schemas/scoring hoặc tệp .toml."),
    ] = None,
    year: YearOption = None,
    out: OutOption = None,
    as_json: JsonOption = False,
    docx: Annotated[
        bool, typer.Option("--docx", help="Ghi thêm dự thảo đề nghị khen thưởng dạng Word.")
    ] = False,
    bloc: BlocOption = None,
    schemas: SchemasOption = None,
    latest: LatestOption = False,
) -> None:
    """Chấm điểm thi đua, xếp hạng và dự thảo đề nghị khen thưởng."""
    from ipstat.commands.score import score as score_bloc  # noqa: PLC0415

    contract = _contract(schemas, bloc)
    table = _scoring(contract, scoring, schemas)
    if table is None:
        _fail(f"{contract.bloc.name} chưa có biểu tiêu chí chấm điểm; hãy dùng --scoring.")
    try:
        scored = score_bloc(
            paths,
            contract,
            table,
            registrations=registrations,
            previous=previous,
            adjustments=adjustments,
            year=year,
            out=out,
            word=docx,
            latest=latest,
        )
    except IpstatError as exc:
        _fail(str(exc))
    console = _console(stderr=as_json)
    vocabulary = contract.vocabulary.with_names(table.names)
    _outcome(console, scored.report, scored.document, as_json, "Chưa chấm điểm", vocabulary)
    assert scored.document is not None
    from ipstat.base.formatting import format_number  # noqa: PLC0415

    places = scored.document["table"]["places"]
    for name, member in scored.document["members"].items():
        total = format_number(member["total"], places, fixed=True)
        console.print(f"{member['rank']:>3}. {name}: {total} điểm", soft_wrap=True)
    for award in scored.document["awards"]:
        proposed = ", ".join(award["members"]) or "không có"
        tied = f"; đồng điểm, Khối biểu quyết: {', '.join(award['tied'])}" if award["tied"] else ""
        console.print(f"{award['name']}: {proposed}{tied}", soft_wrap=True)
    for path in scored.files:
        console.print(_written(path), soft_wrap=True)


@app.command()
def status(
    inbox: Annotated[
        Path,
        typer.Argument(
            metavar="THƯ_MỤC_NHẬN", help="Thư mục nhận báo cáo của năm, vd. nhan-ve/2017."
        ),
    ],
    year: YearOption = None,
    bloc: BlocOption = None,
    deadline: Annotated[
        str | None,
        typer.Option("--deadline", help="Hạn nộp YYYY-MM-DD, thay cho hạn trong tệp của Khối."),
    ] = None,
    output_format: Annotated[
        StatusFormat, typer.Option("--format", help="text: bảng; json: tài liệu JSON ra stdout.")
    ] = StatusFormat.text,
    letters: Annotated[
        Path | None,
        typer.Option(
            "--letters", help="Thư mục ghi thư nhắc (.md và .docx) cho thành viên chưa xong."
        ),
    ] = None,
    letter_template: Annotated[
        Path | None, typer.Option("--letter-template", help="Mẫu thư Jinja2 của riêng bạn.")
    ] = None,
    annotate: Annotated[
        Path | None,
        typer.Option(
            "--annotate", help="Thư mục ghi bản có ghi chú của mỗi biểu cần sửa (để gửi kèm thư)."
        ),
    ] = None,
    previous: PreviousOption = None,
    schemas: SchemasOption = None,
) -> None:
    """Ai đã nộp, ai cần sửa, ai chưa nộp; đúng hạn hay trễ; thư nhắc cho người còn thiếu."""
    import datetime as dt  # noqa: PLC0415

    from ipstat.base.visible import visible  # noqa: PLC0415
    from ipstat.commands.status import track  # noqa: PLC0415

    contract = _contract(schemas, bloc)
    due = None
    if deadline is not None:
        import re  # noqa: PLC0415

        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", deadline):
            _fail(f"hạn nộp “{deadline}” không đúng dạng YYYY-MM-DD (vd. 2018-01-20).")
        try:
            due = dt.date.fromisoformat(deadline)
        except ValueError:
            _fail(f"hạn nộp “{deadline}”: không có ngày này trong lịch.")
    try:
        tracked = track(
            inbox,
            contract,
            year=year,
            deadline=due,
            previous=previous,
            letters=letters,
            letter_template=letter_template,
            annotate=annotate,
        )
    except IpstatError as exc:
        _fail(str(exc))
    if output_format is StatusFormat.json:
        print(json.dumps(tracked.status.as_dict(), ensure_ascii=False, indent=2))
    else:
        from ipstat.cli.terminal import print_status  # noqa: PLC0415

        print_status(_console(), tracked.status)
    for path in tracked.letters:
        print(f"Đã ghi thư: {visible(str(path))}", file=sys.stderr)
    for line in tracked.no_letter:
        print(visible(line), file=sys.stderr)
    if tracked.annotated is not None and annotate is not None:
        _print_annotated(tracked.annotated, annotate)
    raise typer.Exit(0 if tracked.status.complete else 1)


@app.command()
def report(
    document: Annotated[
        Path, typer.Argument(metavar="TỆP_JSON", help="Tệp JSON do `ipstat aggregate` ghi.")
    ],
    template: Annotated[
        Path | None, typer.Option("--template", help="Mẫu Jinja2 của riêng bạn.")
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Tệp để ghi (md: mặc định in ra stdout; docx: cạnh tệp JSON)."
        ),
    ] = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="md: văn bản Markdown; docx: tệp Word.")
    ] = ReportFormat.md,
) -> None:
    """Viết lại dự thảo báo cáo từ một tệp tổng hợp JSON, với mẫu mặc định hoặc mẫu riêng."""
    from ipstat.bloc.document import read_document  # noqa: PLC0415
    from ipstat.outputs.atomic import write_atomic, write_text_atomic  # noqa: PLC0415
    from ipstat.outputs.render import render_report  # noqa: PLC0415

    try:
        data = read_document(document)
        text = render_report(data, template)
    except IpstatError as exc:
        _fail(str(exc))
    if output is None and output_format is ReportFormat.md:
        sys.stdout.write(text)
        return
    try:
        if output_format is ReportFormat.docx:
            from ipstat.outputs.word import write_word  # noqa: PLC0415

            output = output or document.with_name(f"bao-cao-{data['year']}.docx")
            write_atomic(output, lambda path: write_word(path, text))
        else:
            assert output is not None
            write_text_atomic(output, text)
    except IpstatError as exc:
        _fail(str(exc))
    _console().print(_written(output), soft_wrap=True)


class HistoryFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    md = "md"
    json = "json"


@app.command()
def history(
    documents: Annotated[
        list[Path],
        typer.Argument(
            metavar="TỆP_JSON...",
            help="Các tệp tổng hợp JSON do `ipstat aggregate` ghi (mỗi năm một tệp), hoặc thư mục "
            "chứa các tệp tong-hop-*.json.",
        ),
    ],
    bloc: Annotated[
        str | None,
        typer.Option(
            "--bloc",
            help="Quy đổi các năm trước theo thành viên hiện nay của Khối này (dbsh-2025); "
            "không có: giữ thành viên như từng năm.",
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("-o", "--out", help="Thư mục ghi kết quả (mặc định ket-qua/lich-su)."),
    ] = None,
    output_format: Annotated[
        list[HistoryFormat] | None,
        typer.Option(
            "--format",
            help="xlsx, csv, md hoặc json; lặp lại để ghi nhiều loại (mặc định: cả bốn).",
        ),
    ] = None,
    template: Annotated[
        Path | None, typer.Option("--template", help="Mẫu Jinja2 của riêng bạn cho phần lời (.md).")
    ] = None,
    schemas: SchemasOption = None,
) -> None:
    """Số liệu của Khối qua các năm: bảng dữ liệu, bảng tính có biểu đồ, và phần lời về xu hướng."""
    from ipstat.commands.history import FORMATS, write_history  # noqa: PLC0415

    contract = _contract(schemas, bloc)
    formats = [f.value for f in output_format] if output_format else list(FORMATS)
    try:
        run = write_history(
            documents,
            contract,
            mapped=bloc is not None,
            out=out,
            formats=formats,
            template=template,
        )
    except IpstatError as exc:
        _fail(str(exc))
    console = _console()
    years = ", ".join(str(y) for y in run.history.years)
    console.print(f"Số liệu các năm {years}.", soft_wrap=True)
    if run.history.gaps:
        gaps = ", ".join(str(y) for y in run.history.gaps)
        console.print(f"Không có tệp tổng hợp của năm {gaps}: để trống.", soft_wrap=True)
    for path in run.files:
        console.print(_written(path), soft_wrap=True)


def main() -> None:
    # The modules imported so far live as long as the process: moved out of the collector's
    # sight, they are not rescanned, while garbage is still collected at the usual pace (higher
    # thresholds kept it: `validate` grew to 103 MiB on 5,000 files, and was slower).
    gc.freeze()
    _reconfigure_streams()
    app()


def _reconfigure_streams() -> None:
    """Never a UnicodeEncodeError on output: redirected output is written in UTF-8 whatever the
    console's code page (cp1252, cp1258), and a console that cannot show a character shows
    `?` instead."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            if stream.isatty():
                stream.reconfigure(errors="replace")
            else:
                stream.reconfigure(encoding="utf-8", errors="replace")
