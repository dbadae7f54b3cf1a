"""The portal's pages: Jinja2 templates shipped in the package, autoescaped (nothing a member
sends reaches a page as markup), and the Vietnamese words for what they show."""

import datetime as dt
import json
import mimetypes
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse

from ipstat.base.findings import Finding, Vocabulary
from ipstat.base.formatting import format_datetime
from ipstat.base.visible import visible

SEVERITY = {"error": "Lỗi", "warning": "Cảnh báo", "note": "Ghi chú"}
NOT_FOUND = (
    "Đường dẫn không đúng hoặc đã hết hiệu lực. Hãy dùng đúng đường dẫn văn phòng Khối đã gửi; "
    "nếu đường dẫn đã được đổi, hãy xin văn phòng Khối đường dẫn mới."
)


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("ipstat.web", "templates"),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_shown,
    )
    env.globals["severity"] = lambda s: SEVERITY.get(s, s)
    env.globals["when"] = when
    return env


def _shown(value: object) -> object:
    """Text printed on a page with its controls and bidirectional overrides made visible, as
    the terminal shows them: a name dropped by hand may hold U+202E to read backwards."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return visible(value)
    return value


def when(value: dt.datetime | str | None) -> str:
    """`15/01/2018 09:30`, as `ipstat status` shows a received time."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return format_datetime(value)


def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
    html = environment().get_template(name).render(**context)
    return HTMLResponse(html, status_code=status)


def told(vocabulary: Vocabulary) -> Any:
    """The findings' sentences for people: `Ô D9 (Vốn đăng ký …): …` without the place, which
    the table's columns give."""

    def sentence(finding: Finding) -> str:
        return vocabulary.content(finding)

    return sentence


def problem(message: str, status: int, *, as_json: bool, heading: str = "") -> Response:
    """An answer that says what went wrong, in Vietnamese, as a page or as `{"error": ...}`."""
    if as_json:
        return json_answer({"error": message}, status)
    return page(
        "error.html",
        status,
        heading=heading or "Không thực hiện được yêu cầu",
        message=message,
        bloc=None,
    )


def json_answer(document: object, status: int = 200) -> JSONResponse:
    return JSONResponse(document, status_code=status)


def status_json(document: object) -> Response:
    """Byte for byte what `ipstat status --format json` prints."""
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    return Response(text, media_type="application/json; charset=utf-8")


def wants_json(accept: str) -> bool:
    return "application/json" in accept.lower()


def attachment(name: str) -> str:
    """`Content-Disposition` for a download: an ASCII stand-in and the name itself, encoded."""
    ascii_name = "".join(c if " " <= c <= "~" and c not in '"\\' else "_" for c in name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def download(path: Path) -> Response | None:
    """The file as a download, opened now: one removed since it was listed is None (a 404 for
    the caller), never an error in the middle of the answer."""
    try:
        handle = path.open("rb")
    except OSError:
        return None

    def chunks() -> Iterator[bytes]:
        with handle:
            while block := handle.read(1 << 16):
                yield block

    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    headers = {"content-disposition": attachment(path.name)}
    return StreamingResponse(chunks(), media_type=kind, headers=headers)
