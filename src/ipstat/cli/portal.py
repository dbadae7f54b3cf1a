"""The intake portal's commands: `links` (the secret access links) and `serve`."""

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ipstat.base.errors import IpstatError
from ipstat.cli.app import (
    BlocOption,
    DeadlineOption,
    InboxArgument,
    Period,
    PeriodOption,
    PreviousOption,
    SchemasOption,
    YearOption,
    deadline_or_fail,
    fail,
    load_contract_or_fail,
    load_scoring_or_fail,
)


def links(
    inbox: InboxArgument,
    year: YearOption = None,
    base_url: Annotated[
        str,
        typer.Option(
            "--base-url",
            help="Địa chỉ gốc mà thành viên mở được, vd. http://192.168.1.10:8765.",
        ),
    ] = "http://127.0.0.1:8765",
    rotate: Annotated[
        bool,
        typer.Option("--rotate", help="Tạo bộ đường dẫn mới; các đường dẫn cũ ngừng hoạt động."),
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="In tài liệu JSON ra màn hình và không in gì khác ở đó."),
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option("-o", "--out", help="Ghi thêm danh sách đường dẫn ra tệp .md hoặc .docx."),
    ] = None,
    bloc: BlocOption = None,
    schemas: SchemasOption = None,
) -> None:
    """Tạo đường dẫn bí mật của cổng tiếp nhận.

    Mỗi thành viên một đường dẫn, văn phòng Khối một; chỉ hiện một lần khi tạo."""
    from ipstat.commands.links import issue_links, portal_year, write_links  # noqa: PLC0415

    if out is not None and out.suffix.lower() not in {".md", ".docx"}:
        fail(f"tệp {out.name}: chỉ ghi được danh sách đường dẫn ra tệp .md hoặc .docx.")
    contract = load_contract_or_fail(schemas, bloc)
    try:
        issued = issue_links(
            inbox,
            contract,
            year=portal_year(inbox, year),
            base_url=base_url,
            rotate=rotate,
        )
    except IpstatError as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps(issued.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(
            f"Đường dẫn năm {issued.year} (chỉ hiện một lần; hãy lưu lại và gửi riêng cho "
            "từng đơn vị):"
        )
        print(f"Văn phòng Khối: {issued.secretariat}")
        for member, url in issued.members.items():
            print(f"{member}: {url}")
    if out is not None:
        try:
            write_links(issued, contract.bloc.name, out)
        except (IpstatError, OSError) as exc:
            fail(f"đã tạo đường dẫn nhưng không ghi được {out}: {exc}. Hãy chép từ màn hình.", 1)
        print(f"Đã ghi danh sách đường dẫn: {out}", file=sys.stderr)


def serve(
    inbox: InboxArgument,
    year: YearOption = None,
    period: PeriodOption = Period.nam,
    bloc: BlocOption = None,
    deadline: DeadlineOption = None,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Địa chỉ nghe; mặc định chỉ máy này. 0.0.0.0: cho cả mạng nội bộ văn phòng.",
        ),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Cổng nghe.", min=0, max=65535)] = 8765,
    uploads_per_hour: Annotated[
        int,
        typer.Option(
            "--uploads-per-hour", help="Số tệp mỗi đường dẫn được gửi trong một giờ.", min=1
        ),
    ] = 30,
    read_timeout: Annotated[
        float,
        typer.Option("--read-timeout", help="Số giây tối đa để đọc một tệp được gửi lên.", min=1),
    ] = 60.0,
    previous: PreviousOption = None,
    schemas: SchemasOption = None,
) -> None:
    """Mở cổng tiếp nhận báo cáo qua trình duyệt.

    Thành viên tự gửi biểu và xem ngay kết quả kiểm tra; chạy cho đến khi bấm Ctrl-C."""
    from ipstat.commands.links import has_links  # noqa: PLC0415
    from ipstat.commands.serve import (  # noqa: PLC0415
        PLAIN_HTTP_WARNING,
        address,
        beyond_this_machine,
        open_desk,
    )
    from ipstat.web.server import serve as run  # noqa: PLC0415
    from ipstat.web.state import Settings  # noqa: PLC0415

    contract = load_contract_or_fail(schemas, bloc)
    due = deadline_or_fail(deadline)
    scoring = load_scoring_or_fail(contract, None, schemas)
    settings = Settings(uploads_per_hour=uploads_per_hour, read_seconds=read_timeout)
    if beyond_this_machine(host):
        print(PLAIN_HTTP_WARNING.format(host=host), file=sys.stderr)

    def started(bound: int) -> None:
        print(
            f"Cổng tiếp nhận năm {desk.year} đang chạy tại {address(host, bound)} "
            "(bấm Ctrl-C để dừng).",
            file=sys.stderr,
            flush=True,
        )

    try:
        desk = open_desk(
            inbox,
            contract,
            year=year,
            period=period.value,
            deadline=due,
            previous=previous,
            scoring=scoring,
        )
        if not has_links(desk.inbox, desk.year):
            print(
                f"Lưu ý: năm {desk.year} chưa có đường dẫn truy cập nên chưa ai vào được cổng; "
                f"hãy chạy `ipstat links {inbox}` để tạo.",
                file=sys.stderr,
            )
        run(desk, host, port, settings, started)
    except IpstatError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        pass
    print("Đã dừng cổng tiếp nhận.", file=sys.stderr)
