"""The commands of the emulation year: the forms sent out (`template`) and `score`."""

from pathlib import Path
from typing import Annotated

import typer

from ipstat.base.errors import IpstatError
from ipstat.cli.app import (
    BlocOption,
    JsonOption,
    LatestOption,
    OutOption,
    Paths,
    Period,
    PeriodOption,
    SchemasOption,
    YearOption,
    console,
    fail,
    load_contract_or_fail,
    load_scoring_or_fail,
    outcome,
    written,
    year_option,
)


def template(
    year: Annotated[int, typer.Option("--year", help="Năm báo cáo.", callback=year_option)],
    period: PeriodOption = Period.nam,
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
            help="Tệp tổng hợp JSON của năm trước (cùng kỳ): mỗi biểu có thêm cột “Năm trước” "
            "(“Cùng kỳ năm trước” với --period 6-thang; khóa) để thành viên đối chiếu.",
        ),
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Ghi đè lên tệp đã có (mặc định: từ chối).")
    ] = False,
) -> None:
    """Tạo biểu mẫu trống để gửi cho các thành viên."""
    from ipstat.commands.template import FormRequest, write_forms  # noqa: PLC0415

    contract = load_contract_or_fail(schemas, bloc)
    scoring = load_scoring_or_fail(contract, None, schemas)
    request = FormRequest(
        year=year,
        member=member,
        all_members=all_members,
        output=output,
        registration=registration,
        adjustments=adjustments,
        previous=previous,
        overwrite=overwrite,
        period=period.value,
    )
    try:
        forms = write_forms(request, contract, scoring)
    except IpstatError as exc:
        fail(str(exc))
    screen = console()
    for path in forms:
        screen.print(written(path), soft_wrap=True)


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
    period: PeriodOption = Period.nam,
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

    contract = load_contract_or_fail(schemas, bloc)
    table = load_scoring_or_fail(contract, scoring, schemas)
    if table is None:
        fail(f"{contract.bloc.name} chưa có biểu tiêu chí chấm điểm; hãy dùng --scoring.")
    try:
        scored = score_bloc(
            paths,
            contract,
            table,
            registrations=registrations,
            previous=previous,
            adjustments=adjustments,
            year=year,
            period=period.value,
            out=out,
            word=docx,
            latest=latest,
        )
    except IpstatError as exc:
        fail(str(exc))
    screen = console(stderr=as_json)
    vocabulary = contract.vocabulary.with_names(table.names)
    outcome(screen, scored.report, scored.document, as_json, "Chưa chấm điểm", vocabulary)
    assert scored.document is not None
    from ipstat.base.formatting import format_number  # noqa: PLC0415

    places = scored.document["table"]["places"]
    for name, member in scored.document["members"].items():
        total = format_number(member["total"], places, fixed=True)
        screen.print(f"{member['rank']:>3}. {name}: {total} điểm", soft_wrap=True)
    for award in scored.document["awards"]:
        proposed = ", ".join(award["members"]) or "không có"
        tied = f"; đồng điểm, Khối biểu quyết: {', '.join(award['tied'])}" if award["tied"] else ""
        screen.print(f"{award['name']}: {proposed}{tied}", soft_wrap=True)
    for path in scored.files:
        screen.print(written(path), soft_wrap=True)
    from ipstat.cli.terminal import stale  # noqa: PLC0415

    for path in scored.stale:
        screen.print(stale(path), soft_wrap=True)
