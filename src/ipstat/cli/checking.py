"""The commands that check what members sent: `validate` and `status`."""

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ipstat.base.errors import IpstatError
from ipstat.cli.app import (
    BlocOption,
    DateOption,
    DeadlineOption,
    InboxArgument,
    LatestOption,
    Paths,
    Period,
    PeriodOption,
    PreviousOption,
    SchemasOption,
    StatusFormat,
    ValidateFormat,
    YearOption,
    console,
    date_or_fail,
    deadline_or_fail,
    fail,
    load_contract_or_fail,
    load_scoring_or_fail,
    print_annotated,
)

if TYPE_CHECKING:
    pass


def validate(
    paths: Paths,
    output_format: Annotated[
        ValidateFormat, typer.Option("--format", help="Định dạng kết quả.")
    ] = ValidateFormat.text,
    strict: Annotated[bool, typer.Option("--strict", help="Coi cảnh báo là lỗi.")] = False,
    year: YearOption = None,
    period: PeriodOption = Period.nam,
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
    latest: LatestOption = False,
) -> None:
    """Kiểm tra từng biểu báo cáo theo quy ước; chỉ ra từng ô cần sửa."""
    from ipstat.commands import validate as command  # noqa: PLC0415

    contract = load_contract_or_fail(schemas, bloc)
    scoring = load_scoring_or_fail(contract, None, schemas)
    try:
        report = command.validate(
            paths,
            contract,
            year=year,
            period=period.value,
            scoring=scoring,
            previous=previous,
            annotate=annotate,
            latest=latest,
        )
    except IpstatError as exc:
        fail(str(exc))
    vocabulary = contract.vocabulary.with_names(scoring.names) if scoring else contract.vocabulary
    if output_format is ValidateFormat.text:
        from ipstat.cli.terminal import print_report  # noqa: PLC0415

        print_report(console(), report, vocabulary)
    else:
        from ipstat.outputs import machine as outputs  # noqa: PLC0415

        render = {"json": outputs.to_json, "junit": outputs.to_junit, "github": outputs.to_github}
        text = render[output_format.value](report)
        if text:
            print(text)
    if annotate is not None:  # after the findings: a copy that fails must not hide them
        try:
            annotated = command.annotate(report, annotate, vocabulary)
        except IpstatError as exc:
            fail(str(exc))
        print_annotated(annotated, annotate, machine=output_format is not ValidateFormat.text)
    raise typer.Exit(0 if report.ok(strict) else 1)


def status(
    inbox: InboxArgument,
    year: YearOption = None,
    period: PeriodOption = Period.nam,
    bloc: BlocOption = None,
    deadline: DeadlineOption = None,
    output_format: Annotated[
        StatusFormat,
        typer.Option(
            "--format", help="text: bảng; json: tài liệu JSON ra màn hình (đầu ra chuẩn)."
        ),
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
    portal: Annotated[
        str | None,
        typer.Option(
            "--portal",
            help="Đường dẫn của văn phòng Khối (ipstat links): mỗi thư ghi đường dẫn nộp báo cáo "
            "của thành viên.",
        ),
    ] = None,
    schemas: SchemasOption = None,
    date: DateOption = None,
) -> None:
    """Ai đã nộp, ai cần sửa, ai chưa nộp. Đúng hạn hay trễ; thư nhắc cho người còn thiếu."""
    from ipstat.base.visible import visible  # noqa: PLC0415
    from ipstat.commands.status import track  # noqa: PLC0415

    day = date_or_fail(date)
    contract = load_contract_or_fail(schemas, bloc)
    due = deadline_or_fail(deadline)
    try:
        tracked = track(
            inbox,
            contract,
            year=year,
            period=period.value,
            deadline=due,
            previous=previous,
            letters=letters,
            letter_template=letter_template,
            annotate=annotate,
            scoring=load_scoring_or_fail(contract, None, schemas),
            links=portal_links(inbox, portal, year) if portal and letters else None,
            waiting=lambda holder: print(
                f"Đang chờ: thư mục đang được một lần chạy ipstat khác dùng ({holder})…",
                file=sys.stderr,
            ),
            day=day,
        )
    except IpstatError as exc:
        fail(str(exc))
    if output_format is StatusFormat.json:
        print(json.dumps(tracked.status.as_dict(), ensure_ascii=False, indent=2))
    else:
        from ipstat.cli.terminal import print_status  # noqa: PLC0415

        print_status(console(), tracked.status)
    for path in tracked.letters:
        print(f"Đã ghi thư: {visible(str(path))}", file=sys.stderr)
    for line in tracked.no_letter:
        print(visible(line), file=sys.stderr)
    if letters is not None and not tracked.letters and not tracked.no_letter:
        print("Không cần thư nào: mọi thành viên đã được tiếp nhận.", file=sys.stderr)
    if tracked.annotated is not None and annotate is not None:
        print_annotated(tracked.annotated, annotate, machine=output_format is StatusFormat.json)
    raise typer.Exit(0 if tracked.status.complete else 1)


def portal_links(inbox: Path, portal: str, year: int | None) -> dict[str, str]:
    """Each member's portal link, made again from the secretariat's (`--portal`)."""
    from ipstat.commands.links import SECRETARIAT_PATH, member_links, portal_year  # noqa: PLC0415

    base, found, token = portal.strip().rpartition(SECRETARIAT_PATH)
    if not found or not token or "/" in token:
        fail(f"“{portal}” không phải đường dẫn của văn phòng Khối (…{SECRETARIAT_PATH}…).")
    try:
        links = member_links(inbox, token, portal_year(inbox, year), base)
    except IpstatError as exc:
        fail(str(exc))
    if not links:
        fail(
            "đường dẫn của văn phòng Khối không đúng hoặc đã được đổi (ipstat links --rotate); "
            "hãy dùng đường dẫn mới nhất."
        )
    return links
