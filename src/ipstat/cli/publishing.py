"""The commands that publish the year's figures: `aggregate`, `report`, `history`, `schema`."""

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ipstat.base.errors import IpstatError
from ipstat.cli.app import (
    BlocOption,
    DateOption,
    JsonOption,
    LatestOption,
    OutOption,
    Paths,
    Period,
    PeriodOption,
    ReportFormat,
    SchemaFormat,
    SchemasOption,
    YearOption,
    console,
    date_or_fail,
    fail,
    load_contract_or_fail,
    load_scoring_or_fail,
    outcome,
    print_notices,
    written,
)

if TYPE_CHECKING:
    from ipstat.contract.model import Contract


def schema(
    output_format: Annotated[
        SchemaFormat, typer.Option("--format", help="table: bảng chỉ tiêu; json: JSON Schema.")
    ] = SchemaFormat.table,
    bloc: BlocOption = None,
    schemas: SchemasOption = None,
) -> None:
    """In danh mục chỉ tiêu, hoặc JSON Schema của một biểu báo cáo."""
    contract = load_contract_or_fail(schemas, bloc)
    if output_format is SchemaFormat.json:
        from ipstat.contract.submission_schema import submission_schema  # noqa: PLC0415

        print(json.dumps(submission_schema(contract), ensure_ascii=False, indent=2))
        return
    from ipstat.cli.terminal import catalogue_table  # noqa: PLC0415

    console().print(catalogue_table(contract))


def aggregate(
    paths: Paths,
    year: YearOption = None,
    period: PeriodOption = Period.nam,
    out: OutOption = None,
    as_json: JsonOption = False,
    previous: Annotated[
        Path | None,
        typer.Option(
            "--previous",
            help="Tệp tổng hợp JSON của năm trước, cùng kỳ báo cáo, để so sánh hai năm.",
        ),
    ] = None,
    half_year: Annotated[
        Path | None,
        typer.Option(
            "--half-year",
            help="Tệp tổng hợp JSON 6 tháng đầu năm của chính năm này (tong-hop-<năm>-6-thang"
            ".json): báo cáo năm ghi 6 tháng đầu năm đạt bao nhiêu phần trăm cả năm, và cảnh "
            "báo số cả năm nhỏ hơn số 6 tháng.",
        ),
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
    date: DateOption = None,
) -> None:
    """Tổng hợp số liệu cả Khối. Kiểm tra mọi biểu, rồi ghi bảng .xlsx, tài liệu .json và dự thảo
    báo cáo .md."""
    from ipstat.commands.aggregate import publish  # noqa: PLC0415

    day = date_or_fail(date)
    contract = load_contract_or_fail(schemas, bloc)
    scoring = load_scoring_or_fail(contract, None, schemas)  # the self-scores are checked too
    try:
        published = publish(
            paths,
            contract,
            year=year,
            period=period.value,
            out=out,
            previous=previous,
            word=docx,
            registrations=registrations,
            scoring=scoring,
            latest=latest,
            half_year=half_year,
            day=day,
        )
    except IpstatError as exc:
        fail(str(exc))
    from ipstat.cli.terminal import print_skipped, print_summary  # noqa: PLC0415

    screen = console(stderr=as_json)
    report = published.run.validation.report
    vocabulary = contract.vocabulary.with_names(scoring.names) if scoring else contract.vocabulary
    outcome(screen, report, published.document, as_json, "Chưa tổng hợp", vocabulary)
    assert published.document is not None
    print_skipped(screen, published.run.validation.report.skipped)
    print_notices(screen, published.notices, contract.vocabulary)
    print_summary(
        screen,
        published.document,
        contract.comparison.headline,
        published.files,
        published.stale,
    )


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
            "-o", "--output", help="Tệp để ghi (md: mặc định in ra màn hình; docx: cạnh tệp JSON)."
        ),
    ] = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", help="md: văn bản Markdown; docx: tệp Word.")
    ] = ReportFormat.md,
    date: DateOption = None,
    bloc: Annotated[
        str | None,
        typer.Option(
            "--bloc", help="Khối của bản Word (mặc định: Khối ghi trong tệp JSON, vd. dbsh-2016)."
        ),
    ] = None,
    schemas: SchemasOption = None,
) -> None:
    """Viết lại dự thảo báo cáo từ tệp tổng hợp JSON. Với mẫu mặc định hoặc mẫu riêng."""
    from ipstat.commands.report import report as write_report  # noqa: PLC0415

    day = date_or_fail(date)
    found: list[Contract] = []

    def bloc_of(data: dict[str, object]) -> "tuple[Contract, str]":
        """The bloc the document names (or --bloc), and the authority of its scoring table."""
        named = data.get("bloc")
        own = named.get("id") if isinstance(named, dict) else None
        contract = load_contract_or_fail(schemas, bloc or (str(own) if own else None))
        found.append(contract)
        table = load_scoring_or_fail(contract, None, schemas)
        return contract, table.authority if table else ""

    try:
        done = write_report(
            document,
            template=template,
            output=output,
            kind=output_format.value,
            bloc_of=bloc_of,
            day=day,
        )
    except IpstatError as exc:
        fail(str(exc))
    if done.written is None:
        sys.stdout.write(done.text)
    else:
        screen = console()
        if found:
            print_notices(screen, done.notices, found[0].vocabulary)
        screen.print(written(done.written), soft_wrap=True)


class HistoryFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"
    md = "md"
    json = "json"


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
    period: PeriodOption = Period.nam,
    schemas: SchemasOption = None,
) -> None:
    """Số liệu của Khối qua các năm. Bảng dữ liệu, bảng tính có biểu đồ, và phần lời về xu hướng."""
    from ipstat.commands.history import FORMATS, write_history  # noqa: PLC0415

    contract = load_contract_or_fail(schemas, bloc)
    formats = [f.value for f in output_format] if output_format else list(FORMATS)
    try:
        run = write_history(
            documents,
            contract,
            mapped=bloc is not None,
            out=out,
            formats=formats,
            template=template,
            period=period.value,
        )
    except IpstatError as exc:
        fail(str(exc))
    screen = console()
    years = ", ".join(str(y) for y in run.history.years)
    half = "6 tháng đầu năm của " if run.history.period == "6-thang" else ""
    screen.print(f"Số liệu {half}các năm {years}.", soft_wrap=True)
    if run.history.gaps:
        gaps = ", ".join(str(y) for y in run.history.gaps)
        screen.print(f"Không có tệp tổng hợp của năm {gaps}: để trống.", soft_wrap=True)
    for path in run.files:
        screen.print(written(path), soft_wrap=True)
