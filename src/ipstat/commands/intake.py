"""The portal's desk: a member's upload checked (in a worker), kept in the inbox and recorded
in its ledger, and the inbox's status as `ipstat status` gives it (intake-portal.md).

Nothing here is a second validator: an upload is checked by `validate_paths`, the status is
`track`'s, and the worker functions (`check_upload`, `take_stock`) are what a child process of
`base/isolated.py` runs, so that a hostile workbook costs only its own upload.
"""

import contextlib
import datetime as dt
import hashlib
import os
import re
import shutil
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from ipstat.base.errors import InputError
from ipstat.base.findings import Finding, count_by_severity
from ipstat.base.periods import YEARLY
from ipstat.bloc.inbox import Status
from ipstat.bloc.ledger import Entry, open_ledger
from ipstat.checks.previous import LastYear
from ipstat.checks.validation import OWN_FILES, READ_SUFFIXES, validate_paths
from ipstat.commands.status import Tracked, track
from ipstat.contract.model import Contract
from ipstat.reading.own import output_by_name

if TYPE_CHECKING:
    from ipstat.contract.scoring_table import ScoringTable

UPLOAD_SUFFIXES = frozenset({".xlsx", ".xls", ".ods"})  # intake-portal.md §4; others are 415
STAGING = ".ipstat-dang-nhan"  # hidden: neither `status` nor `validate` of the inbox reads it
# Findings that make an upload no version of this member's: not kept (intake-portal.md §2).
NOT_KEPT_RULES = ("unreadable-file", "mixed-periods", "blank-form", "missing-sheet")
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{i}" for p in ("COM", "LPT") for i in [*range(10), "¹", "²", "³"]
}
NAME_BYTES = 150  # a stem's UTF-8 bytes: file systems take 255 a name, with room for " (2)"


@dataclass(frozen=True)
class Desk:
    """What the portal serves: one inbox, one year (or half-year), checked as `status` does."""

    inbox: Path
    contract: Contract
    year: int
    period: str = YEARLY
    deadline: dt.date | None = None
    previous: Path | None = None
    last_year: LastYear | None = None
    scoring: "ScoringTable | None" = None
    out: Path | None = None  # where the actions write; `ket-qua/<year>` as `aggregate`'s

    def track(self, **extra: Any) -> Tracked:
        """`ipstat status` of the inbox as the portal serves it; `extra`: letters and the like."""
        return track(
            self.inbox,
            self.contract,
            year=self.year,
            period=self.period,
            deadline=self.deadline,
            previous=self.previous,
            scoring=self.scoring,
            **extra,
        )


@dataclass(frozen=True)
class UploadCheck:
    """What the worker found in an upload: whose it is, and the findings of `validate`."""

    member: str | None
    year: int | None
    registration: bool
    findings: list[Finding]


def check_upload(job: tuple[Path, Desk]) -> UploadCheck:
    """Runs in a worker: the staged upload read and checked as `validate` checks it."""
    path, desk = job
    validation = validate_paths(
        [path],
        desk.contract,
        desk.year,
        period=desk.period,
        scoring=desk.scoring,
        last_year=desk.last_year,
    )
    findings = [f for r in validation.report.files for f in r.findings]
    if validation.registrations:
        return UploadCheck(None, None, True, findings)
    submission = validation.submissions[0] if validation.submissions else None
    member = str(submission.member) if submission and submission.member is not None else None
    return UploadCheck(member, submission.year if submission else None, False, findings)


@dataclass
class Received:
    """The answer to an upload: JSON as intake-portal.md §2 gives it."""

    member: str
    file: str | None  # None: refused, not kept
    received: dt.datetime | None
    findings: list[Finding]
    refused: str | None = None  # why it was not kept, in Vietnamese
    known: bool = False  # the same content was already received

    @property
    def status(self) -> Status | None:
        if self.file is None:
            return None
        return "can-sua" if count_by_severity(self.findings).errors else "da-tiep-nhan"

    def as_dict(self) -> dict[str, Any]:
        counts = count_by_severity(self.findings)
        found: dict[str, Any] = {
            "member": self.member,
            "file": self.file,
            "received": self.received.isoformat() if self.received else None,
            "status": self.status,
            "errors": counts.errors,
            "warnings": counts.warnings,
            "findings": [finding_dict(f) for f in self.findings],
        }
        if self.refused is not None:
            found["error"] = self.refused
        return found


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "sheet": finding.sheet,
        "cell": finding.cell,
        "code": finding.code,
        "message": finding.message,
    }


def refusal(check: UploadCheck, member: str) -> str | None:
    """Why an upload to `member`'s link is not kept, or None to keep it."""
    if check.registration:
        return (
            "Đây là bản đăng ký thi đua, không phải biểu báo cáo; hãy gửi bản đăng ký cho văn "
            "phòng Khối theo cách thường lệ."
        )
    for rule in NOT_KEPT_RULES:
        if any(f.rule == rule for f in check.findings):
            return "Tệp không được tiếp nhận: hãy sửa theo các lỗi dưới đây rồi gửi lại."
    if check.member is None:
        return (
            "Biểu không ghi tên thành viên nào của Khối (ô tên tỉnh/thành phố); hãy dùng biểu mẫu "
            "của đơn vị mình (tải ở trang này) rồi gửi lại. Tệp không được lưu."
        )
    if check.member != member:
        return (
            f"Biểu này là của {check.member}, không phải của {member}; đường dẫn này chỉ nhận "
            f"biểu của {member}. Tệp không được lưu."
        )
    return None


def stage(desk: Desk, name: str, data: bytes | BinaryIO) -> Path:
    """The upload as a file under its safe name in a hidden folder of the inbox (removed with
    `unstage`): checked there, then moved into the inbox by `keep`. `data` may be a stream,
    copied a piece at a time (an upload is never held whole in memory)."""
    folder = desk.inbox / STAGING / uuid.uuid4().hex
    folder.mkdir(parents=True)
    path = folder / name
    try:
        with path.open("xb") as target:
            if isinstance(data, bytes):
                target.write(data)
            else:
                shutil.copyfileobj(data, target, 1 << 20)
    except BaseException:
        unstage(path)
        raise
    return path


def unstage(path: Path) -> None:
    """The staged upload's folder removed, and the staging folder once empty (Windows shows
    folders whose names begin with a dot)."""
    shutil.rmtree(path.parent, ignore_errors=True)
    with contextlib.suppress(OSError):  # another upload is being staged
        path.parent.parent.rmdir()


def clear_staging(inbox: Path) -> None:
    """What a stopped server left half-received."""
    shutil.rmtree(inbox / STAGING, ignore_errors=True)


def keep(desk: Desk, member: str, staged: Path, check: UploadCheck, now: dt.datetime) -> Received:
    """The checked upload moved into the inbox under a free name and recorded, in one
    transaction of the ledger (holding the inbox, as `status` does): received is `now`, the
    server's clock. The same content received before is not kept twice."""
    now = now.replace(microsecond=0)
    with staged.open("rb") as data:  # a piece at a time: an upload is never held whole
        sha = hashlib.file_digest(data, "sha256").hexdigest()
    counts = count_by_severity(check.findings)
    moved: Path | None = None
    try:
        with open_ledger(desk.inbox) as ledger:
            known = ledger.get(sha)
            if known is not None and (desk.inbox / known.file).is_file():
                return Received(member, known.file, known.received, check.findings, known=True)
            target = free_name(desk.inbox, staged.name)
            os.replace(staged, target)
            moved = target
            entry = ledger.record(
                Entry(
                    sha,
                    member,
                    check.year,
                    target.name,
                    _after_the_last(ledger.entries, member, now),
                    counts.errors,
                    counts.warnings,
                    desk.period,
                )
            )
    except BaseException:
        if moved is not None:
            moved.unlink(missing_ok=True)  # the ledger did not take it: no half-received file
        raise
    finally:
        unstage(staged)
    return Received(member, target.name, entry.received, check.findings)


def _after_the_last(entries: list[Entry], member: str, now: dt.datetime) -> dt.datetime:
    """`now`, or a second after the member's last version when that is not earlier: the ledger
    keeps whole seconds, and two uploads in one second must still say which came last."""
    last = max((e.received for e in entries if e.member == member), default=None)
    return now if last is None or last < now else last + dt.timedelta(seconds=1)


def safe_name(name: str, member: str) -> str:
    """The member's file name made safe for the inbox: no folder parts, no characters a
    file system refuses, never hidden, never one of ipstat's own names; its suffix kept (the
    caller accepts only UPLOAD_SUFFIXES)."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    suffix = Path(base).suffix.lower()
    stem = re.sub(r"[^\w\s.()\-]", "_", base[: -len(suffix)] if suffix else base)
    stem = re.sub(r"\s+", " ", stem).strip(" ._")[:100]
    while len(stem.encode("utf-8")) > NAME_BYTES:  # Vietnamese letters take 2 or 3 bytes
        stem = stem[:-1]
    stem = stem.strip(" ._")
    fallback = "bieu-" + re.sub(r"[^a-z0-9]+", "-", _ascii(member).lower()).strip("-")
    if not stem or stem.upper().split(".")[0].rstrip() in _RESERVED or stem.startswith("~"):
        stem = fallback
    found = f"{stem}{suffix}"
    if found in OWN_FILES or output_by_name(Path(found)) is not None:
        found = f"{fallback}-{stem}{suffix}"
    return found


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    return folded.encode("ascii", "ignore").decode()


def free_name(folder: Path, name: str) -> Path:
    """`name`, or `stem (2).xlsx`, … when a file of that name is already there."""
    target = folder / name
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 2
    while target.exists():
        target = folder / f"{stem} ({n}){suffix}"
        n += 1
    return target


def upload_suffix_ok(name: str) -> bool:
    suffix = Path(name.replace("\\", "/")).suffix.lower()
    return suffix in UPLOAD_SUFFIXES and suffix in READ_SUFFIXES


@dataclass(frozen=True)
class VersionView:
    """One version of a member's, for the pages."""

    file: str
    received: dt.datetime
    sha256: str
    errors: int
    warnings: int
    in_force: bool
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True)
class Stock:
    """The inbox's status now: the document of `ipstat status --format json`, each member's
    versions (newest first) with their findings, and the unmatched files."""

    document: dict[str, Any]
    versions: dict[str, list[VersionView]]
    files: frozenset[str]  # the inbox's workbooks the pages may offer for download


def take_stock(desk: Desk) -> Stock:
    """Runs in a worker: `ipstat status` of the inbox, recording what arrived by hand."""
    tracked = desk.track()
    status = tracked.status
    versions: dict[str, list[VersionView]] = {}
    files: set[str] = {
        u.file.name for u in status.unmatched if (desk.inbox / u.file.name).is_file()
    }
    for m in status.members:
        shown = [m.version] if m.version else []
        shown += list(reversed(m.superseded))
        versions[m.member.name] = [
            VersionView(
                v.file.name,
                v.received,
                v.sha256,
                v.counts.errors,
                v.counts.warnings,
                v is m.version,
                list(v.findings),
            )
            for v in shown
        ]
        files.update(v.file.name for v in shown)
    return Stock(status.as_dict(), versions, frozenset(files))


def inbox_signature(inbox: Path) -> tuple[object, ...]:
    """What changes when anything `status` reads changes: each entry's name, size and time (the
    ledger aside: `status` itself writes it, and only the portal and `status` do)."""
    if not inbox.is_dir():
        raise InputError(f"Không tìm thấy thư mục nhận báo cáo: {inbox}")
    seen: list[tuple[str, int, int]] = []
    for entry in os.scandir(inbox):
        if entry.name in OWN_FILES or entry.name == STAGING or entry.name.startswith(".ipstat-"):
            continue
        try:
            info = entry.stat()
        except OSError:
            continue
        seen.append((entry.name, info.st_size, info.st_mtime_ns))
    return (dt.date.today(), *sorted(seen))
