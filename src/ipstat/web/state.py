"""What one running portal holds: its desk, the worker processes that read workbooks, the
links (read from the ledger when it changes), the last status taken, and the guards."""

import asyncio
import contextlib
import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

from anyio import to_thread

from ipstat.base.findings import Finding
from ipstat.base.isolated import Bounds, Isolated, Runner
from ipstat.bloc.ledger import Link, ledger_path
from ipstat.checks.validation import workbook_rules
from ipstat.commands import desk as actions
from ipstat.commands import intake
from ipstat.commands.intake import Desk, Stock, UploadCheck
from ipstat.commands.links import find_link
from ipstat.web.guard import Csrf, RateLimit

T = TypeVar("T")
A = TypeVar("A")
Role = Literal["member", "secretariat"]
PRELOAD = ["ipstat.commands.intake", "ipstat.commands.desk"]


@dataclass(frozen=True)
class Settings:
    uploads_per_hour: int = 30
    read_seconds: float = 60.0  # one upload's reading, in its worker
    read_memory: int = 1 << 30  # bytes a worker may take beyond its start
    action_seconds: float = 600.0  # aggregate, letters, score of a whole inbox
    workers: int = 0  # 0: one per core

    def worker_count(self) -> int:
        if self.workers > 0:
            return self.workers
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # Windows, macOS
            return os.cpu_count() or 1


UNREADABLE = {
    "time": "Không đọc xong tệp trong {seconds} giây: tệp có thể bị hỏng, hoặc quá lớn so với "
    "biểu báo cáo. Hãy mở bằng Excel, kiểm tra rồi lưu lại dạng .xlsx và gửi lại.",
    "crash": "Không đọc được tệp: trình đọc dừng lại (tệp hỏng, hoặc cần quá nhiều bộ nhớ). "
    "Hãy mở bằng Excel, kiểm tra rồi lưu lại dạng .xlsx và gửi lại.",
}


class Portal:
    def __init__(self, desk: Desk, settings: Settings | None = None) -> None:
        self.desk = desk
        self.settings = settings or Settings()
        self.runner = Runner(self.settings.worker_count(), PRELOAD)
        self.rate = RateLimit(self.settings.uploads_per_hour)
        self.csrf = Csrf()
        self.max_bytes = desk.contract.form.limits.max_total_bytes
        self._links: tuple[object, dict[str, Link | None]] | None = None
        self._stock: tuple[tuple[object, ...], Stock] | None = None
        self._stock_lock = asyncio.Lock()
        self._forms: dict[str, bytes] = {}
        self._reading: dict[str, asyncio.Lock] = {}  # a link's hash → its uploads' turn
        self.out = actions.out_folder(desk)
        self.reader = intake.check_upload  # what a worker runs on an upload

    @property
    def vocabulary(self) -> "object":
        names = self.desk.scoring.names if self.desk.scoring else {}
        return self.desk.contract.vocabulary.with_names(names)

    async def link(self, token: str, role: Role) -> Link | None:
        """The link of `token` if it is one of `role` for the portal's year."""
        found = await to_thread.run_sync(self._find, token)
        if found is None or found.year != self.desk.year:
            return None
        if (found.member is None) != (role == "secretariat"):
            return None
        if found.member is not None and found.member not in self.desk.contract.bloc.names:
            return None  # made for another bloc (before a merger): no page of this one is its
        return found

    def _find(self, token: str) -> Link | None:
        path = ledger_path(self.desk.inbox)
        try:
            info = path.stat()
            key: object = (info.st_mtime_ns, info.st_size)
        except OSError:
            return None
        if self._links is None or self._links[0] != key:
            self._links = (key, {})
        known = self._links[1]
        with contextlib.suppress(KeyError):
            return known[token]
        found = find_link(self.desk.inbox, token)
        if len(known) > 1000:  # wrong tokens must not grow the memory
            known.clear()  # (another thread may be here too: `found` is returned, not looked up)
        known[token] = found
        return found

    async def isolated(self, function: "object", argument: A, bounds: Bounds) -> T:
        return await to_thread.run_sync(self.runner.run, function, argument, bounds)  # type: ignore[arg-type]

    async def stock(self) -> Stock:
        """The inbox's status, taken again only when a file of it changed."""
        async with self._stock_lock:
            signature = await to_thread.run_sync(intake.inbox_signature, self.desk.inbox)
            if self._stock is not None and self._stock[0] == signature:
                return self._stock[1]
            bounds = Bounds(self.settings.action_seconds, None)
            taken: Stock = await self.isolated(intake.take_stock, self.desk, bounds)
            self._stock = (signature, taken)
            return taken

    def forget_stock(self) -> None:
        self._stock = None

    async def check(self, staged: Path, sender: str = "") -> UploadCheck:
        """An upload read and checked in a worker; a reader that fails is `unreadable-file`.
        The uploads of one link (`sender`) are read one at a time: a burst of slow files from
        one link holds one worker, and the other links and the pages are served meanwhile."""
        bounds = Bounds(self.settings.read_seconds, self.settings.read_memory)
        try:
            async with self._reading.setdefault(sender, asyncio.Lock()):
                return await self.isolated(self.reader, (staged, self.desk), bounds)
        except Isolated as exc:
            text = exc.args[0] if exc.why == "refused" else UNREADABLE[exc.why]
            text = text.format(seconds=int(self.settings.read_seconds))
            finding = Finding(staged.name, "unreadable-file", "error", text)
            return UploadCheck(None, None, False, [finding])

    async def blank_form(self, member: str) -> bytes:
        if member not in self._forms:
            bounds = Bounds(self.settings.action_seconds, None)
            made: bytes = await self.isolated(actions.blank_form, (self.desk, member), bounds)
            self._forms[member] = made
        return self._forms[member]

    def rules(self) -> list[str]:
        return workbook_rules(self.desk.contract)

    @staticmethod
    def now() -> dt.datetime:
        return dt.datetime.now()
