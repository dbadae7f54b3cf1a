"""The inbox of a year (or of its first six months): each member's versions, the one in force,
its status, and whether on time. A workbook of the other period is no version of anyone's: it
is listed apart with its `mixed-periods` finding, and each period has its own first receipt.

A version is a distinct content (SHA-256); its received time is when the ledger first saw it
(at first sighting, the file's modification time), so touching or copying a file changes
nothing; re-saving makes new bytes, so a new version. The version in force is the one received
last; on time is judged by the first one received. See contract inbox-tracker.md.
"""

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ipstat.base.errors import InputError
from ipstat.base.findings import (
    Counts,
    FileReport,
    Finding,
    Skipped,
    ValidationReport,
    Vocabulary,
    count_by_severity,
)
from ipstat.base.formatting import format_date
from ipstat.base.periods import YEARLY, words
from ipstat.base.visible import encodable_data, visible
from ipstat.bloc.ledger import Entry, Ledger
from ipstat.bloc.versions import Doubt, by_content, doubt_finding, first_seen, ordered
from ipstat.checks.previous import LastYear
from ipstat.checks.validation import OWN_FILES, Validation, skip_reason, validate_paths
from ipstat.contract.blocs import Member
from ipstat.contract.model import Contract
from ipstat.reading.located import Submission
from ipstat.reading.members import named_in

if TYPE_CHECKING:
    from ipstat.contract.scoring_table import ScoringTable

Status = Literal["chua-nop", "can-sua", "da-tiep-nhan"]
# Why a file names no member, most telling first.
# Why a workbook of the inbox is no member's version, in this order; a blank form is not a
# submission (the form as sent out, returned or dropped in the folder).
_UNMATCHED_RULES = (
    "mixed-periods",
    "unreadable-file",
    "unknown-member",
    "missing-sheet",
    "missing-header",
    "blank-form",
)


@dataclass
class Version:
    sha256: str
    member: str
    year: int | None
    files: list[Path]  # the copies present now; the first is the one shown
    received: dt.datetime
    report: FileReport  # the findings of the content (of its first copy)

    @property
    def file(self) -> Path:
        return self.files[0]

    @property
    def counts(self) -> Counts:
        return count_by_severity(self.report.findings)

    @property
    def findings(self) -> list[Finding]:
        return self.report.findings


@dataclass
class MemberStatus:
    member: Member
    status: Status
    version: Version | None  # in force
    superseded: list[Version]  # older versions, oldest first
    on_time: bool | None
    days_late: int  # of the first version received; for `chua-nop`, days past the deadline so far


@dataclass(frozen=True)
class Unmatched:
    file: Path
    reason: str


@dataclass
class InboxStatus:
    folder: Path
    year: int
    deadline: dt.date
    members: list[MemberStatus]
    unmatched: list[Unmatched] = field(default_factory=list)
    # About the inbox rather than one file: versions whose order the times could not tell.
    findings: list[Finding] = field(default_factory=list)
    period: str = YEARLY

    def count(self, status: Status) -> int:
        return sum(m.status == status for m in self.members)

    @property
    def complete(self) -> bool:
        return all(m.status == "da-tiep-nhan" for m in self.members) and not any(
            f.is_error for f in self.findings
        )

    def summary(self) -> str:
        """`Đã tiếp nhận 8/11; cần sửa 2; chưa nộp 1 (hạn 20/01/2018)`."""
        return (
            f"Đã tiếp nhận {self.count('da-tiep-nhan')}/{len(self.members)}; "
            f"cần sửa {self.count('can-sua')}; chưa nộp {self.count('chua-nop')} "
            f"(hạn {format_date(self.deadline)})"
        )

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of the contract, section 3."""

        def version(v: Version) -> dict[str, Any]:
            return {"file": v.file.name, "received": v.received.isoformat(), "sha256": v.sha256}

        members = []
        for m in self.members:
            v = m.version
            errors, warnings = (v.counts.errors, v.counts.warnings) if v else (0, 0)
            members.append(
                {
                    "member": m.member.name,
                    "status": m.status,
                    "file": v.file.name if v else None,
                    "received": v.received.isoformat() if v else None,
                    "on_time": m.on_time,
                    "days_late": m.days_late,
                    "errors": errors,
                    "warnings": warnings,
                    "sha256": v.sha256 if v else None,
                    "superseded": [version(s) for s in m.superseded],
                }
            )
        found = {
            "year": self.year,
            **({"period": self.period} if self.period != YEARLY else {}),  # a year's: as ever
            "deadline": self.deadline.isoformat(),
            "members": members,
            "unmatched": [{"file": u.file.name, "reason": u.reason} for u in self.unmatched],
            "findings": [f.as_dict() for f in self.findings],
        }
        shown: dict[str, Any] = encodable_data(found)  # type: ignore[assignment]  # names: `\xff`
        return shown


def inbox_files(folder: Path) -> tuple[list[Path], list[Skipped]]:
    """The workbooks directly in the inbox, and every other file in it with why it is not read
    (as `validate` lists them); subfolders (annotated copies, say) are not the inbox, and the
    ledger, Excel's `~$` lock files and hidden files are not listed."""
    if not folder.is_dir():
        raise InputError(f"Không tìm thấy thư mục nhận báo cáo: {folder}")
    workbooks: list[Path] = []
    skipped: list[Skipped] = []
    for path in sorted(folder.iterdir()):
        if path.name in OWN_FILES or path.name.startswith((".", "~$")):
            continue
        reason = skip_reason(path)
        if reason is not None:
            skipped.append(reason)
        elif path.is_file():
            workbooks.append(path)
    return workbooks, skipped


def inbox_status(
    folder: Path,
    contract: Contract,
    ledger: Ledger,
    *,
    year: int | None = None,
    period: str = YEARLY,
    deadline: dt.date | None = None,
    last_year: LastYear | None = None,
    scoring: "ScoringTable | None" = None,
    now: dt.datetime | None = None,
) -> InboxStatus:
    """Read and check every workbook in `folder`, record new versions of `period` in `ledger`,
    and say where each member stands."""
    now = now or dt.datetime.now()
    files, skipped = inbox_files(folder)
    validation = Validation(ValidationReport())
    if files:
        validation = validate_paths(
            files, contract, year, period=period, scoring=scoring, last_year=last_year
        )
    skipped.extend(validation.report.skipped)
    reports = {r.path: r for r in validation.report.files}
    of_period = [
        s for s in validation.submissions if not _of_rule(reports[s.path], "mixed-periods")
    ]
    if year is None and validation.submissions and not of_period:
        other = str(validation.submissions[0].period)
        raise InputError(
            f"Các biểu trong {folder} đều là {words(other).report}, nhưng đang xét "
            f"{words(period).report}; hãy chạy lại với --period {other}."
        )
    year = year or _agreed_year(of_period, folder)
    deadline = deadline or contract.bloc.deadline_for(year, period)
    if deadline is None:
        key = "deadline" if period == YEARLY else "deadline_half_year"
        raise InputError(
            f"Khối “{contract.bloc.name}” chưa có hạn nộp {words(period).report} (mục {key} "
            "trong tệp của Khối); hãy cho hạn nộp bằng --deadline YYYY-MM-DD."
        )
    named = [
        s for s in of_period if s.member is not None and not _of_rule(reports[s.path], "blank-form")
    ]
    versions: dict[str, list[Version]] = {}
    for sha, copies in sorted(by_content(named).items()):
        first, paths = copies[0], [s.path for s in copies]
        report = reports[first.path]
        counts = count_by_severity(report.findings)
        seen = first_seen(copies)
        entry = ledger.record(
            Entry(
                sha,
                str(first.member),
                first.year,
                first.path.name,
                seen,
                counts.errors,
                counts.warnings,
                period,
            )
        )
        paths.sort(key=lambda p: visible(p.name) != entry.file)  # the name first seen, if here
        version = Version(sha, entry.member, entry.year, paths, entry.received, report)
        versions.setdefault(entry.member, []).append(version)
    earliest = first_received(ledger.entries, year, period)
    members, findings = [], []
    for member in contract.bloc.members:
        found, doubt = _member_status(
            member, versions.get(member.name, []), deadline, now, earliest.get(member.name)
        )
        members.append(found)
        if doubt is not None:
            findings.append(doubt_finding(doubt, contract))
    named_paths = {s.path for s in named}
    unmatched = [
        Unmatched(r.path, _reason(r, contract.vocabulary))
        for r in validation.report.files
        if r.path not in named_paths
    ]
    missing = [m.member for m in members if m.status == "chua-nop"]
    unmatched.extend(
        Unmatched(Path(s.file), f"{s.reason}; {s.action}.{_maybe_of(s, missing)}") for s in skipped
    )
    unmatched.sort(key=lambda u: u.file.name)
    return InboxStatus(folder, year, deadline, members, unmatched, findings, period)


def _agreed_year(subs: Sequence[Submission], folder: Path) -> int:
    """The year the workbooks agree on; with none yet (the year's first days), the inbox
    folder's own name (`nhan-ve/2017`, `nhan-ve/2017-6-thang`), as the portal takes it."""
    years = sorted({s.year for s in subs if s.member is not None and s.year is not None})
    if len(years) == 1:
        return years[0]
    named = re.fullmatch(r"((?:19|20)\d\d)(-6-thang)?", folder.name)
    if not years and named:
        return int(named[1])
    if not years:
        raise InputError("Chưa có biểu nào cho biết năm báo cáo; hãy chọn năm bằng --year.")
    listing = "; ".join(
        f"{y}: " + ", ".join(s.path.name for s in subs if s.year == y) for y in years
    )
    raise InputError(f"Các tệp thuộc nhiều năm khác nhau ({listing}); hãy chọn năm bằng --year.")


ONE = dt.timedelta(seconds=1)


def first_received(
    entries: Iterable[Entry], year: int, period: str = YEARLY
) -> dict[str, dt.datetime]:
    """Each member's first version of the year (and period) in the ledger, whether or not its
    file is still in the folder: saving over a file in Excel replaces the first version's
    bytes."""
    first: dict[str, dt.datetime] = {}
    for entry in entries:
        if (
            entry.year == year
            and entry.period == period
            and (entry.member not in first or entry.received < first[entry.member])
        ):
            first[entry.member] = entry.received
    return first


def _member_status(
    member: Member,
    versions: list[Version],
    deadline: dt.date,
    now: dt.datetime,
    first: dt.datetime | None = None,
) -> tuple[MemberStatus, Doubt | None]:
    if not versions:
        late = max((now.date() - deadline).days, 0)
        return MemberStatus(member, "chua-nop", None, [], None, late), None
    order, doubt = ordered(member.name, [(v.received, v.file) for v in versions])
    ordered_versions = [versions[i] for i in order]
    current = ordered_versions[-1]
    earliest_version = min(versions, key=lambda v: v.received)
    # The contract does not say which version is judged on time: the first received, so that
    # a member who sent on time and then corrected (or re-saved) the report is not late; the
    # ledger remembers it even when a re-save replaced its file.
    received = earliest_version.received
    earliest = min(received, first) if first is not None else received
    late = (earliest.date() - deadline).days
    status: Status = "can-sua" if current.counts[0] else "da-tiep-nhan"
    older = ordered_versions[:-1]
    found = MemberStatus(member, status, current, older, late <= 0, max(late, 0))
    return found, doubt


def _maybe_of(skipped: Skipped, missing: list[Member]) -> str:
    """The member not yet sent whose name the skipped file bears, as `aggregate` says it."""
    named = [m.name for m in missing if named_in(m, Path(skipped.file).name)]
    return f" Có thể là báo cáo của {', '.join(named)}, thành viên chưa nộp." if named else ""


def _of_rule(report: FileReport, rule: str) -> bool:
    return any(f.rule == rule for f in report.findings)


def _reason(report: FileReport, vocabulary: Vocabulary) -> str:
    for rule in _UNMATCHED_RULES:
        found = next((f for f in report.findings if f.rule == rule), None)
        if found is not None:
            return vocabulary.told(found)
    tinh = next((f for f in report.findings if f.code == "tinh"), None)
    if tinh is not None:
        return vocabulary.told(tinh)
    return "Không xác định được thành viên gửi biểu."
