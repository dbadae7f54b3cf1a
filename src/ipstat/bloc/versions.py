"""A member's versions: which workbook is in force, and what the others are.

A version is a distinct content; it was received when the inbox's ledger first saw it, or, for
a content the ledger does not know, when its file was last modified. The version in force is
the one received last. Files of different years, or periods, are never versions of each
other. Where two versions were received within `ORDER_UNSURE` of each other (a folder copied
without its ledger gives every file the time of the copy), the times cannot say which came
last: the files' names may (`bieu (2).xlsx`, `bieu-sua-lan-2.xlsx`), with a warning, or the
clerk is asked, with an error; never a silent pick.
"""

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ipstat.base.findings import Finding
from ipstat.base.formatting import format_datetime
from ipstat.base.text import strip_marks
from ipstat.bloc.ledger import Ledger, read_ledger
from ipstat.checks.validation import Validation
from ipstat.contract.model import Contract
from ipstat.reading.located import Submission

ORDER_UNSURE = dt.timedelta(seconds=60)
# A revision number in a file's name: `(2)` as Windows names a copy, `sua lan 2`, `v2`, `ban 3`,
# or a bare `sua` (a correction: after the unmarked one).
_REVISION = re.compile(r"(?:\((\d+)\)|(?:sua|lan|ban|rev|v)[\s_.-]*(\d+)|(sua))\W*$")


@dataclass(frozen=True)
class Superseded:
    """A workbook left out for a member's version in force: an older version, or a copy."""

    file: str
    sha256: str
    member: str
    received: dt.datetime
    replaced_by: str


def first_seen(copies: Iterable[Submission]) -> dt.datetime:
    """When a content not yet in the ledger was received: its earliest copy's modification
    time when it was read (the file may be gone since), in local time to the second."""
    stamp = min(s.modified for s in copies)
    return dt.datetime.fromtimestamp(stamp).replace(microsecond=0)


def by_content(subs: Iterable[Submission]) -> dict[str, list[Submission]]:
    groups: dict[str, list[Submission]] = {}
    for sub in subs:
        groups.setdefault(sub.sha256, []).append(sub)
    return groups


def order_key(received: dt.datetime, path: Path) -> tuple[dt.datetime, str]:
    """Versions in the order received; the same second is settled by the file's name."""
    return received, path.name


def received_times(subs: Sequence[Submission]) -> dict[Path, dt.datetime]:
    """When each workbook's content was received, by the ledger of its folder (read only, so
    `aggregate` never writes into an inbox) or, for a content not in it, at first sighting."""
    ledgers: dict[Path, Ledger | None] = {}
    times: dict[Path, dt.datetime] = {}
    for sha, copies in by_content(subs).items():
        paths = [s.path for s in copies]
        recorded = []
        for folder in {path.parent for path in paths}:
            if folder not in ledgers:
                ledgers[folder] = read_ledger(folder)
            ledger = ledgers[folder]
            entry = ledger.get(sha) if ledger is not None else None
            if entry is not None:
                recorded.append(entry.received)
        times.update(dict.fromkeys(paths, min(recorded) if recorded else first_seen(copies)))
    return times


def revision(name: str) -> int:
    """The revision a file's name gives (`bieu (2).xlsx` → 2, `bieu-sua.xlsx` → 1), 0 if none."""
    found = _REVISION.search(strip_marks(Path(name).stem).casefold())
    if found is None:
        return 0
    number = found[1] or found[2]
    return int(number) if number else 1


@dataclass(frozen=True)
class Doubt:
    """Versions of a member received too close together for their times to say which is last."""

    member: str
    files: tuple[str, ...]  # in the order taken: the last is the one in force
    by_name: bool  # the names' revisions decided; otherwise nobody can tell


def ordered(
    member: str, items: Sequence[tuple[dt.datetime, Path]]
) -> tuple[list[int], Doubt | None]:
    """The order of a member's versions (indexes into `items`, last received last) and, when
    the last ones were received within ORDER_UNSURE of each other, how their order was
    settled: by the names' revisions, or not at all (then by name, to stay repeatable)."""
    order = sorted(range(len(items)), key=lambda i: order_key(*items[i]))
    last = items[order[-1]][0]
    close = [i for i in order if last - items[i][0] <= ORDER_UNSURE]
    if len(close) < 2:
        return order, None
    revisions = [revision(items[i][1].name) for i in close]
    by_name = len(set(revisions)) == len(revisions)
    if by_name:
        close = [i for _, i in sorted(zip(revisions, close, strict=True))]
        order = [i for i in order if i not in close] + close
    files = tuple(items[i][1].name for i in close)
    return order, Doubt(member, files, by_name)


def doubt_finding(doubt: Doubt, contract: Contract, file: str = "") -> Finding:
    """`version-order-by-name` (warning) or `version-order-unknown` (error)."""
    names = ", ".join(f"“{name}”" for name in doubt.files)
    if doubt.by_name:
        rule = "version-order-by-name"
        text = (
            f"Các bản của {doubt.member} ({names}) được nhận gần như cùng lúc (có thể thư mục "
            "đã được chép sang, mất thời điểm nhận), nên ipstat xếp thứ tự theo tên tệp và dùng "
            f"“{doubt.files[-1]}”; nếu không đúng, hãy xóa các bản cũ khỏi thư mục."
        )
    else:
        rule = "version-order-unknown"
        text = (
            f"Không biết bản nào của {doubt.member} được nhận sau cùng: {names} được nhận gần "
            "như cùng lúc (có thể thư mục đã được chép sang, mất thời điểm nhận) và tên tệp không "
            "cho biết thứ tự; hãy xóa các bản cũ khỏi thư mục, hoặc đặt tên bản sửa có số thứ "
            "tự (vd. “… (2).xlsx”, “…-sua-lan-2.xlsx”), rồi chạy lại."
        )
    return Finding(file, rule, contract.severity(rule), text)


def latest_versions(
    subs: Sequence[Submission], received: dict[Path, dt.datetime]
) -> tuple[list[Submission], list[tuple[Submission, Submission]], list[Doubt]]:
    """Each member's workbook received last, year by year and period by period (every workbook
    naming no member is kept, so that it is still reported); the others, each with the one that
    replaced it; and the doubts about an order the times could not tell."""
    kept: list[Submission] = []
    groups: dict[tuple[str, int | None, str | None], list[Submission]] = {}
    for sub in subs:
        if sub.member is None:
            kept.append(sub)
        else:
            groups.setdefault((sub.member, sub.year, sub.period), []).append(sub)
    replaced: list[tuple[Submission, Submission]] = []
    doubts: list[Doubt] = []
    for (member, _, _), group in groups.items():
        distinct = list(by_content(group).values())  # identical copies: the last name stands
        firsts = [max(copies, key=lambda s: s.path.name) for copies in distinct]
        order, doubt = ordered(member, [(received[s.path], s.path) for s in firsts])
        if doubt is not None and len(distinct) > 1:
            doubts.append(doubt)
        latest = firsts[order[-1]]
        kept.append(latest)
        replaced.extend((old, latest) for old in group if old is not latest)
    return kept, replaced, doubts


def keep_latest(
    validation: Validation,
    received: dict[Path, dt.datetime],
    contract: Contract,
    left_out: str = "không được tổng hợp",
) -> list[Superseded]:
    """Leave out every workbook but each member's latest: from the submissions, and from the
    files reported on, whose findings no longer matter; each is a `superseded-version`, and
    each order the times could not tell is said (`version-order-…`)."""
    kept, replaced, doubts = latest_versions(validation.submissions, received)
    old_paths = {old.path for old, _ in replaced}
    kept_ids = {id(s) for s in kept}
    validation.submissions = [s for s in validation.submissions if id(s) in kept_ids]
    validation.report.files = [r for r in validation.report.files if r.path not in old_paths]
    report = validation.report
    report.bloc_findings.extend(doubt_finding(d, contract) for d in doubts)
    superseded = []
    replaced.sort(key=lambda pair: (str(pair[0].member), received[pair[0].path]))
    for old, new in replaced:
        when = format_datetime(received[old.path])
        what = (
            f"là bản sao giống hệt “{new.path.name}”"
            if old.sha256 == new.sha256
            else f"(nhận {when}) là bản cũ, đã được thay bằng “{new.path.name}” "
            f"(nhận {format_datetime(received[new.path])})"
        )
        report.bloc_findings.append(
            Finding(
                str(old.path),
                "superseded-version",
                contract.severity("superseded-version"),
                f"Tệp “{old.path.name}” của {old.member} {what}; tệp này {left_out}.",
            )
        )
        superseded.append(
            Superseded(
                old.path.name, old.sha256, str(old.member), received[old.path], new.path.name
            )
        )
    return superseded
