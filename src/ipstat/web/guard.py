"""What stands between the network and the inbox: the security headers of every answer, the
per-link rate limit, the CSRF tokens of the secretariat's forms, and an upload read within its
size limit before anything is stored (intake-portal.md §3, §4)."""

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from collections.abc import AsyncGenerator, Callable
from typing import BinaryIO, TypeVar

from anyio import to_thread
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

T = TypeVar("T")

# Only the portal's own stylesheet; no script at all; forms post to the portal alone.
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = [
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
]


class SecurityHeaders:
    """Adds HEADERS to every HTTP answer, whichever route (or error) made it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in HEADERS}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = kept + HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RateLimit:
    """At most `limit` uploads per link in any `window` seconds."""

    def __init__(self, limit: int, window: float = 3600.0) -> None:
        self.limit = limit
        self.window = window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            times = self._seen.setdefault(key, deque())
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.limit:
                return False
            times.append(now)
            return True


class Csrf:
    """A token per secretariat link, from a secret of this server's run: a form of another
    site cannot know it, and it changes when the server restarts."""

    def __init__(self) -> None:
        self._key = secrets.token_bytes(32)

    def token(self, link_hash: str) -> str:
        return hmac.new(self._key, link_hash.encode(), hashlib.sha256).hexdigest()

    def valid(self, link_hash: str, given: object) -> bool:
        if not isinstance(given, str):  # bytes: compare_digest refuses a str beyond ASCII
            return False
        sent = given.encode("utf-8", "surrogatepass")
        return hmac.compare_digest(self.token(link_hash).encode(), sent)


class TooLarge(Exception):
    pass


class BadForm(Exception):
    pass


class OddForm(BadForm):
    """A form the parser refused: more than one file, too many fields, a field too large."""


class WrongType(Exception):
    pass


async def read_upload(
    request: Request, limit: int, store: Callable[[str, BinaryIO], T], field: str = "tep"
) -> T:
    """The file of field `field`, refused (`TooLarge`) as soon as the body passes `limit` (plus
    the form's own few bytes), before anything is stored; then `store(name, stream)` (in a
    thread) keeps it, a piece at a time. `BadForm` for anything else."""
    declared = request.headers.get("content-length", "")
    slack = 64 * 1024
    if declared.isdigit() and int(declared) > limit + slack:
        raise TooLarge
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise BadForm

    async def limited() -> AsyncGenerator[bytes, None]:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit + slack:
                raise TooLarge
            yield chunk

    parser = MultiPartParser(request.headers, limited(), max_files=1, max_fields=4)
    try:
        form = await parser.parse()
    except MultiPartException as exc:
        raise OddForm from exc
    try:
        item = form.get(field)
        if not isinstance(item, UploadFile) or not item.filename:
            raise BadForm
        if item.size is not None and item.size > limit:
            raise TooLarge
        await item.seek(0)
        return await to_thread.run_sync(store, item.filename, item.file)
    finally:
        await form.close()
