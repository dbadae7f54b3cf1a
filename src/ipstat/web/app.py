"""The portal's routes (intake-portal.md §2, §3): a member's link `/nop/<token>` and the
secretariat's `/thu-ky/<token>`. Every wrong token is the same 404; every failure is a
Vietnamese page (or `{"error": ...}` for JSON), never a traceback."""

import logging
import re
from pathlib import Path
from typing import Any, BinaryIO

from anyio import to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ipstat.base.errors import IpstatError
from ipstat.base.isolated import Bounds, Isolated
from ipstat.base.periods import YEARLY
from ipstat.bloc.ledger import Link
from ipstat.commands import desk as actions
from ipstat.commands import intake
from ipstat.commands.intake import Desk, Received
from ipstat.commands.links import member_links
from ipstat.web.guard import (
    BadForm,
    OddForm,
    SecurityHeaders,
    TooLarge,
    WrongType,
    read_upload,
)
from ipstat.web.pages import (
    NOT_FOUND,
    attachment,
    download,
    json_answer,
    page,
    problem,
    status_json,
    told,
    wants_json,
)
from ipstat.web.state import Portal, Role, Settings

log = logging.getLogger("ipstat.web")
MEMBER_UNAVAILABLE = (
    "Cổng tiếp nhận đang gặp trục trặc khi đọc hoặc ghi thư mục nhận báo cáo; hãy thử lại sau "
    "ít phút. Nếu vẫn không được, hãy báo văn phòng Khối."
)
LINKS_UNREADABLE = (
    "Cổng tiếp nhận tạm thời không đọc được sổ theo dõi; hãy thử lại sau ít phút, hoặc báo văn "
    "phòng Khối."
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def create_app(desk: Desk, settings: Settings | None = None) -> Any:
    portal = Portal(desk, settings)
    intake.clear_staging(desk.inbox)
    routes = [
        Route("/", _nowhere),
        Route("/nop/{token}", _member(portal, member_page)),
        Route("/nop/{token}/bieu-mau.xlsx", _member(portal, blank_form)),
        Route("/nop/{token}/tep", _member(portal, upload), methods=["POST"]),
        Route("/nop/{token}/trang-thai.json", _member(portal, member_json)),
        Route("/thu-ky/{token}", _secretariat(portal, secretariat_page)),
        Route("/thu-ky/{token}/trang-thai.json", _secretariat(portal, secretariat_json)),
        Route("/thu-ky/{token}/tep/{name}", _secretariat(portal, received_file)),
        Route("/thu-ky/{token}/ghi-chu/{name}", _secretariat(portal, annotated_file)),
        Route("/thu-ky/{token}/ket-qua/{name:path}", _secretariat(portal, output_file)),
        Route("/thu-ky/{token}/{action}", _secretariat(portal, action), methods=["POST"]),
        Mount("/tai-nguyen", StaticFiles(directory=Path(__file__).parent / "static")),
    ]
    app = Starlette(
        routes=routes,
        exception_handlers={HTTPException: _http_error, Exception: _server_error},
    )
    app.state.portal = portal
    return SecurityHeaders(app)


async def _nowhere(request: Request) -> Response:
    return _not_found(request)


def _not_found(request: Request) -> Response:
    return problem(
        NOT_FOUND,
        404,
        as_json=wants_json(request.headers.get("accept", "")),
        heading="Không tìm thấy trang",
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    code = exc.status_code if isinstance(exc, HTTPException) else 500
    if code == 404:
        return _not_found(request)
    if code == 405:
        message = "Địa chỉ này không nhận kiểu yêu cầu đó; hãy dùng các nút trên trang."
    else:
        message = "Yêu cầu không hợp lệ; hãy mở lại trang từ đường dẫn đã được gửi."
    return problem(message, code, as_json=wants_json(request.headers.get("accept", "")))


async def _server_error(request: Request, exc: Exception) -> Response:
    log.error("ipstat: lỗi khi phục vụ %s: %s", _shown_path(request), type(exc).__name__)
    return problem(
        "Máy chủ gặp lỗi khi xử lý yêu cầu này; hãy thử lại sau ít phút, hoặc báo văn phòng Khối.",
        500,
        as_json=wants_json(request.headers.get("accept", "")),
    )


def _shown_path(request: Request) -> str:
    """The path for the console, its secret token left out (a log is read by others)."""
    return re.sub(r"^/(nop|thu-ky)/[^/]+", r"/\1/…", request.url.path)


Handler = Any


def _member(portal: Portal, handler: Handler) -> Handler:
    return _linked(portal, handler, "member")


def _secretariat(portal: Portal, handler: Handler) -> Handler:
    return _linked(portal, handler, "secretariat")


def _linked(portal: Portal, handler: Handler, role: Role) -> Handler:
    async def endpoint(request: Request) -> Response:
        try:
            link = await portal.link(request.path_params["token"], role)
        except Exception as exc:  # the ledger unreadable: the same answer for every token
            log.error("ipstat: không đọc được đường dẫn trong sổ theo dõi: %s", exc)
            as_json = wants_json(request.headers.get("accept", ""))
            return problem(LINKS_UNREADABLE, 503, as_json=as_json)
        if link is None:
            return _not_found(request)
        return await _answering(request, handler(request, portal, link))

    return endpoint


async def _answering(request: Request, answer: Any) -> Response:
    """A library error (the ledger busy or damaged, a worker that failed) as a Vietnamese
    answer with 503, the page or the JSON the request asked for; anything else a 500."""
    try:
        response: Response = await answer
        return response
    except HTTPException as exc:  # Starlette's own (a form it could not parse): its answer
        return await _http_error(request, exc)
    except IpstatError as exc:  # its text names the server's folders: the office's to read
        log.error("ipstat: %s: %s", _shown_path(request), exc)
        told = str(exc) if request.url.path.startswith("/thu-ky/") else MEMBER_UNAVAILABLE
        return problem(told, 503, as_json=wants_json(request.headers.get("accept", "")))
    except Exception as exc:  # a bug: a Vietnamese page, a line on the console, no traceback
        return await _server_error(request, exc)


def _base(request: Request) -> str:
    """The link's own path: the pages' links are relative to it, whatever host it is seen on."""
    kind = "nop" if request.url.path.startswith("/nop/") else "thu-ky"
    return f"/{kind}/{request.path_params['token']}"


def _common(portal: Portal) -> dict[str, Any]:
    return {
        "bloc": portal.desk.contract.bloc.name,
        "year": portal.desk.year,
        "half_year": portal.desk.period != YEARLY,
        "told": told(portal.desk.contract.vocabulary),
    }


def _row(document: dict[str, Any], member: str) -> dict[str, Any]:
    return next(r for r in document["members"] if r["member"] == member)


async def member_page(
    request: Request,
    portal: Portal,
    link: Link,
    answer: Received | None = None,
    *,
    code: int = 200,
    sent_name: str = "",
) -> Response:
    member = str(link.member)
    stock = await portal.stock()
    versions = stock.versions.get(member, [])
    current = next((v for v in versions if v.in_force), None)
    answered = None
    if answer is not None:
        answered = {**answer.as_dict(), "findings": answer.findings}
        answered.update(refused=answer.refused, known=answer.known, shown_name=sent_name)
        answered["received"] = answer.received
    return page(
        "member.html",
        code,
        **_common(portal),
        member=member,
        deadline=_date(stock.document["deadline"]),
        row=_row(stock.document, member),
        versions=versions,
        current=current,
        answer=answered,
        base=_base(request),
        max_mb=portal.max_bytes // 1_000_000,
    )


def _date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


async def member_json(request: Request, portal: Portal, link: Link) -> Response:
    stock = await portal.stock()
    return json_answer(_row(stock.document, str(link.member)))


async def blank_form(request: Request, portal: Portal, link: Link) -> Response:
    data = await portal.blank_form(str(link.member))
    name = f"bieu-mau-{portal.desk.year}.xlsx"
    return Response(data, media_type=XLSX, headers={"content-disposition": attachment(name)})


async def upload(request: Request, portal: Portal, link: Link) -> Response:
    member = str(link.member)
    as_json = wants_json(request.headers.get("accept", ""))
    if not portal.rate.allow(link.token_sha256):
        message = (
            f"Đường dẫn này đã gửi quá {portal.settings.uploads_per_hour} tệp trong một giờ; "
            "hãy đợi ít phút rồi gửi lại."
        )
        return problem(message, 429, as_json=as_json)

    def store(filename: str, stream: BinaryIO) -> Path:
        if not intake.upload_suffix_ok(filename):  # before anything is written
            raise WrongType
        return intake.stage(portal.desk, intake.safe_name(filename, member), stream)

    try:
        staged = await read_upload(request, portal.max_bytes, store)
    except TooLarge:
        message = (
            f"Tệp quá lớn: giới hạn là {portal.max_bytes // 1_000_000} MB. Biểu báo cáo thường "
            "chỉ vài trăm KB; hãy kiểm tra đã chọn đúng tệp. Tệp không được lưu."
        )
        return problem(message, 413, as_json=as_json)
    except OddForm:
        message = (
            "Yêu cầu gửi lên không đúng dạng: mỗi lần chỉ gửi một tệp biểu, bằng nút chọn tệp "
            "trên trang này. Tệp không được lưu."
        )
        return problem(message, 400, as_json=as_json)
    except BadForm:
        message = "Không thấy tệp nào được gửi; hãy chọn tệp biểu rồi bấm “Gửi và kiểm tra”."
        return problem(message, 400, as_json=as_json)
    except WrongType:
        message = (
            "Chỉ nhận tệp biểu dạng .xlsx, .xls hoặc .ods; hãy mở tệp bằng Excel và lưu lại "
            "dạng .xlsx (Sổ làm việc Excel) rồi gửi lại. Tệp không được lưu."
        )
        return problem(message, 415, as_json=as_json)
    received_at = portal.now()  # the authoritative time: when the server had the whole file
    name = staged.name
    try:
        check = await portal.check(staged, link.token_sha256)
    except BaseException:
        intake.unstage(staged)
        raise
    refused = intake.refusal(check, member)
    if refused is not None:
        intake.unstage(staged)
        answer = Received(member, None, None, check.findings, refused)
        code = 422
    else:
        answer = await to_thread.run_sync(
            intake.keep, portal.desk, member, staged, check, received_at
        )
        portal.forget_stock()
        code = 200
    if as_json:
        return json_answer(answer.as_dict(), code)
    return await member_page(
        request, portal, link, answer, code=code, sent_name=answer.file or name
    )


async def secretariat_page(
    request: Request, portal: Portal, link: Link, outcome: Any = None, code: int = 200
) -> Response:
    stock = await portal.stock()
    document = stock.document
    order = [r["member"] for r in document["members"]]
    return page(
        "secretariat.html",
        code,
        **_common(portal),
        summary=_summary(document),
        rows=document["members"],
        unmatched=document["unmatched"],
        versions=[(m, stock.versions.get(m, [])) for m in order],
        outcome=outcome,
        actions=list(actions.ACTIONS.items()),
        csrf=portal.csrf.token(link.token_sha256),
        base=_base(request),
        out=portal.out,
    )


def _summary(document: dict[str, Any]) -> str:
    rows = document["members"]
    count = {
        s: sum(r["status"] == s for r in rows) for s in ("da-tiep-nhan", "can-sua", "chua-nop")
    }
    return (
        f"Đã tiếp nhận {count['da-tiep-nhan']}/{len(rows)}; cần sửa {count['can-sua']}; "
        f"chưa nộp {count['chua-nop']} (hạn {_date(document['deadline'])})"
    )


async def secretariat_json(request: Request, portal: Portal, link: Link) -> Response:
    stock = await portal.stock()
    return status_json(stock.document)


def _inbox_file(portal: Portal, name: str, allowed: frozenset[str]) -> Path | None:
    """A file of the inbox the status lists, by its exact name: nothing else is ever served."""
    if name not in allowed or "/" in name or "\\" in name or name in {".", ".."}:
        return None
    path = portal.desk.inbox / name
    return path if path.is_file() else None


async def received_file(request: Request, portal: Portal, link: Link) -> Response:
    stock = await portal.stock()
    path = _inbox_file(portal, request.path_params["name"], stock.files)
    if path is None:
        return _not_found(request)
    return download(path) or _not_found(request)


async def annotated_file(request: Request, portal: Portal, link: Link) -> Response:
    stock = await portal.stock()
    path = _inbox_file(portal, request.path_params["name"], stock.files)
    if path is None:
        return _not_found(request)
    bounds = Bounds(portal.settings.read_seconds, portal.settings.read_memory)
    try:
        made: str = await portal.isolated(actions.annotated_copy, (portal.desk, path.name), bounds)
    except Isolated as exc:
        message = str(exc) if exc.why == "refused" else "Không tạo được bản có ghi chú cho tệp này."
        return problem(message, 422, as_json=False)
    copy = portal.out / made
    return download(copy) or _not_found(request)


async def output_file(request: Request, portal: Portal, link: Link) -> Response:
    """An output of the year's actions, by its path under the outputs' folder only."""
    name = request.path_params["name"]
    parts = name.split("/")
    if len(parts) > 2 or any(p in {"", ".", ".."} or "\\" in p for p in parts):
        return _not_found(request)
    out = portal.out.resolve()
    path = (out / name).resolve()
    if not path.is_file() or not path.is_relative_to(out):
        return _not_found(request)
    return download(path) or _not_found(request)


async def action(request: Request, portal: Portal, link: Link) -> Response:
    name = request.path_params["action"]
    if name not in actions.ACTIONS:
        return _not_found(request)
    form = await request.form(max_files=0, max_fields=4)
    if not portal.csrf.valid(link.token_sha256, form.get("csrf")):
        message = "Phiên làm việc không hợp lệ (mã xác nhận sai); hãy mở lại trang rồi bấm lại."
        return problem(message, 403, as_json=False)
    links: dict[str, str] = {}
    if name == "thu-nhac":  # each letter carries its member's link, made from this one's
        secretariat = request.path_params["token"]
        base = str(request.base_url).rstrip("/")
        year = portal.desk.year
        links = await to_thread.run_sync(member_links, portal.desk.inbox, secretariat, year, base)
    bounds = Bounds(portal.settings.action_seconds, None)
    try:
        outcome: actions.Outcome = await portal.isolated(
            actions.run_action, (portal.desk, name, links), bounds
        )
    except Isolated as exc:
        message = str(exc) if exc.why == "refused" else "Việc này không chạy xong; hãy thử lại."
        outcome = actions.Outcome(actions.ACTIONS[name], False, messages=[message])
    portal.forget_stock()
    return await secretariat_page(request, portal, link, outcome, 200 if outcome.done else 422)
