"""The commands of the emulation year: the forms sent out (`template`), the pact of targets
(`pact`), and `score` with the vote (`--ballots`, `--tally`)."""

from pathlib import Path
from typing import Annotated, Any

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
    ballots: Annotated[
        bool,
        typer.Option(
            "--ballots",
            help="Ghi thêm phiếu bình xét (.docx, mỗi thành viên một trang) và tệp kiểm phiếu "
            "kiem-phieu-<năm>.xlsx.",
        ),
    ] = False,
    tally: Annotated[
        Path | None,
        typer.Option(
            "--tally",
            help="Tệp kiểm phiếu đã điền: biểu quyết theo mục [vote], ghi biên bản và tờ trình.",
        ),
    ] = None,
    date: DateOption = None,
) -> None:
    """Chấm điểm thi đua, xếp hạng và dự thảo đề nghị khen thưởng."""
    from ipstat.commands.score import score as score_bloc  # noqa: PLC0415

    day = date_or_fail(date)
    if ballots and tally is not None:
        fail(
            "dùng --ballots (trước Hội nghị) hoặc --tally (sau khi kiểm phiếu), không dùng cả hai."
        )
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
            day=day,
            ballots=ballots,
            tally=tally,
        )
    except IpstatError as exc:
        fail(str(exc))
    screen = console(stderr=as_json)
    vocabulary = contract.vocabulary.with_names(table.names)
    outcome(screen, scored.report, scored.document, as_json, "Chưa chấm điểm", vocabulary)
    assert scored.document is not None
    print_notices(screen, scored.notices, vocabulary)
    from ipstat.base.formatting import format_number  # noqa: PLC0415

    places = scored.document["table"]["places"]
    for name, member in scored.document["members"].items():
        total = format_number(member["total"], places, fixed=True)
        screen.print(f"{member['rank']:>3}. {name}: {total} điểm", soft_wrap=True)
    for award in scored.document["awards"]:
        proposed = ", ".join(award["members"]) or "không có"
        tied = f"; đồng điểm, Khối biểu quyết: {', '.join(award['tied'])}" if award["tied"] else ""
        screen.print(f"{award['name']}: {proposed}{tied}", soft_wrap=True)
    _print_vote(screen, scored.document.get("vote"))
    for path in scored.files:
        screen.print(written(path), soft_wrap=True)
    from ipstat.cli.terminal import stale  # noqa: PLC0415

    for path in scored.stale:
        screen.print(stale(path), soft_wrap=True)


RESULT_WORDS = {
    "approved": "đề nghị",
    "undecided": "bằng phiếu, chưa quyết định",
    "below-threshold": "không đủ phiếu",
    "no-place": "hết suất",
    "higher-award": "đã được đề nghị danh hiệu cao hơn",
}


def _print_vote(screen: Any, vote: dict[str, Any] | None) -> None:
    """Each award's candidates with their votes and what the vote decided."""
    if not vote:
        return
    screen.print(
        f"Biểu quyết: {vote['present']}/{vote['members']} thành viên có mặt.", soft_wrap=True
    )
    for award in vote["awards"]:
        shown = "; ".join(
            f"{c['member']} {c['for']}/{vote['present']} ({RESULT_WORDS[c['result']]})"
            for c in award["candidates"]
        )
        screen.print(f"{award['name']}: {shown or 'không có ai'}", soft_wrap=True)


def pact(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="BẢN_ĐĂNG_KÝ...",
            help="Các bản đăng ký thi đua (.xlsx, …) hoặc thư mục chứa chúng.",
        ),
    ],
    year: Annotated[int, typer.Option("--year", help="Năm thi đua.", callback=year_option)],
    out: OutOption = None,
    scoring: Annotated[
        str | None,
        typer.Option("--scoring", help="Biểu chấm điểm: tên trong schemas/scoring hoặc tệp .toml."),
    ] = None,
    date: DateOption = None,
    bloc: BlocOption = None,
    schemas: SchemasOption = None,
) -> None:
    """Lập giao ước thi đua của năm. Từ các bản đăng ký: tiêu chí, chỉ tiêu, chữ ký."""
    from ipstat.cli.terminal import print_report  # noqa: PLC0415
    from ipstat.commands.pact import write_pact  # noqa: PLC0415

    day = date_or_fail(date)
    contract = load_contract_or_fail(schemas, bloc)
    table = load_scoring_or_fail(contract, scoring, schemas)
    if table is None:
        fail(f"{contract.bloc.name} chưa có biểu tiêu chí chấm điểm; hãy dùng --scoring.")
    try:
        done = write_pact(paths, contract, table, year=year, out=out, day=day)
    except IpstatError as exc:
        fail(str(exc))
    screen = console()
    vocabulary = contract.vocabulary
    if not done.files:
        print_report(screen, done.report, vocabulary)
        screen.print(
            "[red]Chưa lập giao ước: hãy sửa các lỗi trên rồi chạy lại. Không ghi tệp nào.[/]"
        )
        raise typer.Exit(1)
    told = [f for f in done.report if not f.is_error]
    if told:
        from ipstat.cli.terminal import findings_table  # noqa: PLC0415

        screen.print(findings_table(told, vocabulary, with_file=True))
    print_notices(screen, done.notices, vocabulary)
    if done.missing:
        screen.print(f"Chưa có bản đăng ký của: {', '.join(done.missing)}.", soft_wrap=True)
    for path in done.files:
        screen.print(written(path), soft_wrap=True)
