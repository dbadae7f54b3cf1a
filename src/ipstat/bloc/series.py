"""Across the years: the aggregate documents of several years as one series (`History`).

Each year is exactly what its document says; a year without a document is a gap, never an
estimate. With a bloc that records mergers (`predecessors`), earlier years are summed into
today's members by the same mapping the year-over-year comparison uses (`map_previous`).
A series is of one period: the years, or the first six months of each year; a document of the
other period among those given is refused, never mixed in.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from itertools import groupby
from pathlib import Path
from typing import Any

from ipstat.base.errors import IpstatError, os_error_text
from ipstat.base.periods import HALF_YEAR, YEARLY, span, suffix, words
from ipstat.base.visible import encodable
from ipstat.bloc.compare import map_previous
from ipstat.bloc.document import Document, parse_document, period_of
from ipstat.bloc.totals import derive, sum_members
from ipstat.contract.model import Contract

COLUMNS = (
    "year",
    "member",
    "code",
    "indicator",
    "unit",
    "value",
    "mapped_from",
    "source",
    "sha256",
)
DOCUMENT_GLOB = "tong-hop-*.json"


class HistoryError(IpstatError):
    """The documents given cannot make one series (two for a year, not documents, no mapping)."""


@dataclass(frozen=True)
class Used:
    """One document the series was built from, as the `Nguồn` sheet lists it."""

    path: Path
    year: int
    sha256: str
    bloc: str
    members: tuple[str, ...]
    missing: tuple[str, ...]
    mapped: bool  # some of its members were summed or renamed into today's


@dataclass(frozen=True)
class Row:
    year: int
    member: str
    code: str
    value: Decimal
    mapped_from: tuple[str, ...]  # the earlier members summed into `member`; () if as it was
    source: str
    sha256: str


@dataclass(frozen=True)
class Shortfall:
    """Why a member's figures of a year are not the whole member: units that did not report
    that year (as that year's document names them), or units its figures do not include by
    construction (merged in later from outside the bloc, or not in that year's bloc at all)."""

    member: str
    year: int
    unreported: tuple[str, ...] = ()
    not_included: tuple[str, ...] = ()


@dataclass(frozen=True)
class MemberGrowth:
    member: str
    first: Decimal
    last: Decimal
    growth: Decimal | None  # average yearly growth, percent


@dataclass(frozen=True)
class Trend:
    """A headline indicator from the first year of the series to the last, like for like:
    `first` and `last` are summed over the same members (`compared`), those with complete
    figures in both years, so a member that did not report never reads as a fall or a rise."""

    code: str
    first_year: int
    last_year: int
    first: Decimal
    last: Decimal
    change: Decimal
    change_percent: Decimal | None
    growth: Decimal | None  # average yearly growth over last_year - first_year years, percent
    members: tuple[MemberGrowth, ...]  # fastest first; only the `compared` members
    compared: tuple[str, ...] = ()
    left_out: tuple[Shortfall, ...] = ()  # why the other members are not compared


@dataclass
class History:
    documents: list[Used]  # by year
    indicators: list[dict[str, Any]]  # code, label, unit, kind, section: the latest document's
    sections: list[dict[str, Any]]
    derived_indicators: list[dict[str, Any]]
    headline: list[str]
    members: list[str]
    rows: list[Row]
    totals: dict[int, dict[str, Decimal]]
    derived: dict[int, dict[str, Decimal | None]]
    bloc: str | None = None  # the bloc earlier years were mapped into; None: members as they were
    merged: dict[str, list[str]] = field(default_factory=dict)  # member → earlier members in it
    absorbed: dict[str, list[str]] = field(default_factory=dict)  # units not in earlier figures
    shortfalls: dict[int, dict[str, Shortfall]] = field(default_factory=dict)  # year → member
    period: str = YEARLY  # every document's: the years, or their first six months

    @property
    def years(self) -> list[int]:
        return [d.year for d in self.documents]

    @property
    def span(self) -> list[int]:
        """Every calendar year from the first to the last, gaps included."""
        return list(range(self.years[0], self.years[-1] + 1))

    @property
    def gaps(self) -> list[int]:
        return [y for y in self.span if y not in self.years]

    @property
    def short_years(self) -> dict[int, tuple[str, ...]]:
        """The years some members did not report, and who: their bloc totals are not whole."""
        return {d.year: d.missing for d in self.documents if d.missing}

    @property
    def mapped_years(self) -> list[int]:
        return [d.year for d in self.documents if d.mapped]

    def by_code(self) -> dict[str, dict[str, Any]]:
        return {i["code"]: i for i in self.indicators}

    def value(self, year: int, member: str, code: str) -> Decimal | None:
        return self.index.get((year, member, code))

    def incomplete(self, year: int) -> dict[str, Shortfall]:
        """The members whose figures of `year` are not whole, or who have none that year."""
        found = dict(self.shortfalls.get(year, {}))
        present = {r.member for r in self.rows if r.year == year}
        for member in self.members:
            if member not in present and member not in found:
                found[member] = Shortfall(member, year, not_included=(member,))
        return found

    @cached_property
    def index(self) -> dict[tuple[int, str, str], Decimal]:
        return {(r.year, r.member, r.code): r.value for r in self.rows}


def document_paths(paths: Iterable[str | Path], period: str = YEARLY) -> list[Path]:
    """Files as given; a folder stands for the `tong-hop-*.json` files of `period` anywhere
    inside it, by name (`tong-hop-2017-6-thang.json` is a half-year's), so that one folder of
    results may hold both periods."""
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            every = sorted(path.rglob(DOCUMENT_GLOB))
            if not every:
                raise HistoryError(f"Không có tệp {DOCUMENT_GLOB} nào trong thư mục {path}.")
            half = f"*{suffix(HALF_YEAR)}.json"
            inside = [p for p in every if p.match(half) == (period == HALF_YEAR)]
            if not inside:
                raise HistoryError(
                    f"Không có tệp tổng hợp {words(period).name} (tong-hop-<năm>"
                    f"{suffix(period)}.json) nào trong thư mục {path}, chỉ có tệp của kỳ khác; "
                    "hãy chọn kỳ bằng --period."
                )
            found.extend(inside)
        else:
            found.append(path)
    if not found:
        raise HistoryError("Chưa có tệp tổng hợp JSON nào: hãy chỉ ra ít nhất một tệp.")
    return found  # a file named twice stays twice: `_check_one_a_year` says so


def build_history(
    paths: Iterable[str | Path], contract: Contract, *, mapped: bool, period: str = YEARLY
) -> History:
    """The series of the documents at `paths`, each of `period`. With `mapped`, every year is
    expressed in the members of `contract.bloc` through its `predecessors`; otherwise members
    stay as they were."""
    read = [_read(path) for path in document_paths(paths, period)]
    _check_periods(read, period)
    read.sort(key=lambda pair: pair[1]["year"])
    _check_one_a_year(read)
    documents: list[Used] = []
    rows: list[Row] = []
    totals: dict[int, dict[str, Decimal]] = {}
    merged: dict[str, list[str]] = {}
    shortfalls: dict[int, dict[str, Shortfall]] = {}
    for path, doc, sha in read:
        try:
            shortfalls[int(doc["year"])] = _shortfalls(doc, contract, mapped)
            used, year_rows, totals[int(doc["year"])], renamed = _year(
                path, doc, sha, contract, mapped
            )
        except (KeyError, TypeError, ValueError, InvalidOperation, AttributeError) as exc:
            what = f" (thiếu mục {exc})" if isinstance(exc, KeyError) else ""
            raise HistoryError(
                f"{path} không đúng cấu trúc tệp tổng hợp JSON do `ipstat aggregate` ghi{what}."
            ) from exc
        documents.append(used)
        rows.extend(year_rows)
        for member, olds in renamed.items():
            known = merged.setdefault(member, [])
            known.extend(o for o in olds if o not in known)
    latest = read[-1][1]
    return History(
        documents=documents,
        indicators=list(latest["indicators"]),
        sections=list(latest.get("sections", [])),
        derived_indicators=[
            {"code": d.code, "label": d.label, "unit": d.unit} for d in contract.form.derived
        ],
        headline=[
            c
            for c in contract.comparison.headline
            if c in {i["code"] for i in latest["indicators"]}
        ],
        members=_member_order(rows, contract, mapped),
        rows=rows,
        totals=totals,
        derived={year: _derive(t, contract) for year, t in totals.items()},
        bloc=contract.bloc.name if mapped else None,
        merged=merged,
        absorbed={m.name: list(m.absorbed) for m in contract.bloc.members if m.absorbed}
        if mapped and merged
        else {},
        shortfalls=shortfalls,
        period=period,
    )


def _check_periods(read: list[tuple[Path, Document, str]], period: str) -> None:
    """One period in a series: a half-year is no point of a yearly series, nor the reverse."""
    other = [(path, doc) for path, doc, _ in read if period_of(doc) != period]
    if other:
        held = "; ".join(
            f"{path} ({span(period_of(doc), int(doc['year']))})" for path, doc in other
        )
        again = YEARLY if period == HALF_YEAR else HALF_YEAR
        raise HistoryError(
            f"Chuỗi số liệu {words(period).name} (--period {period}) không trộn các kỳ báo cáo, "
            f"nhưng có tệp tổng hợp của kỳ khác: {held}. Hãy bỏ các tệp này, hoặc lập riêng "
            f"chuỗi số liệu của kỳ đó với --period {again}."
        )


def _check_one_a_year(read: list[tuple[Path, Document, str]]) -> None:
    """One document a year: a second one for a year already given is an error, never dropped,
    whether it is the same file named twice, a copy of it, or another document of that year."""
    said: list[str] = []
    for year, group in groupby(read, key=lambda item: int(item[1]["year"])):
        (first, doc, sha), *others = group
        for other, again, other_sha in others:
            if first.resolve() == other.resolve():
                again_as = "" if str(first) == str(other) else f", lần thứ hai là {other}"
                said.append(
                    f"Tệp {first} (năm {year}{again_as}) được chỉ ra hai lần: cùng một tài liệu "
                    "không thể làm thành hai năm của chuỗi số liệu. Hãy chỉ ra mỗi tệp một lần "
                    f"(một thư mục đã gồm mọi tệp {DOCUMENT_GLOB} bên trong nó)."
                )
            elif sha == other_sha or doc == again:
                said.append(
                    f"Hai tệp tổng hợp cùng năm {year}: {first} và {other} là cùng một tài liệu "
                    "(nội dung giống hệt nhau) được đưa vào hai lần. Hãy bỏ bớt một tệp."
                )
            else:
                said.append(
                    f"Hai tệp tổng hợp cùng năm {year} có số liệu khác nhau: {first} và {other}. "
                    "Mỗi năm chỉ dùng được một tệp: hãy giữ tệp đúng (tệp `ipstat aggregate` "
                    "ghi sau cùng) và bỏ tệp kia."
                )
    if said:
        raise HistoryError(" ".join(said))


def _shortfalls(doc: Document, contract: Contract, mapped: bool) -> dict[str, Shortfall]:
    """The members (as the series names them) whose figures of this year are not whole."""
    year = int(doc["year"])
    if not mapped:
        return {name: Shortfall(name, year, unreported=(name,)) for name in doc["missing"]}
    unreported: dict[str, list[str]] = {}
    for old in doc["missing"]:
        new = contract.bloc.successor(old)
        if new is not None:
            unreported.setdefault(new, []).append(old)
    before_merger = contract.bloc.first_year is not None and year < contract.bloc.first_year
    absent = {m.name: m.absorbed for m in contract.bloc.members if m.absorbed and before_merger}
    return {
        member: Shortfall(
            member,
            year,
            unreported=tuple(unreported.get(member, ())),
            not_included=tuple(absent.get(member, ())),
        )
        for member in contract.bloc.names
        if member in unreported or member in absent
    }


def _year(
    path: Path, doc: Document, sha: str, contract: Contract, mapped: bool
) -> tuple[Used, list[Row], dict[str, Decimal], dict[str, list[str]]]:
    """One document's rows and totals, and the members made of earlier ones (`renamed`)."""
    provinces, sources = _members(doc, path, contract, mapped)
    codes = [str(i["code"]) for i in doc["indicators"]]
    totals = sum_members(provinces, codes) if provinces else {}
    _check_totals(doc, totals, path)
    renamed = {m: olds for m, olds in sources.items() if olds != [m]}
    year = int(doc["year"])
    used = Used(
        path=path,
        year=year,
        sha256=sha,
        bloc=str(doc["bloc"].get("name", "")),
        members=tuple(doc["members"]),
        missing=tuple(doc["missing"]),
        mapped=bool(renamed),
    )
    rows = [
        Row(year, m, code, figures[code], tuple(renamed.get(m, ())), encodable(path.name), sha)
        for m, figures in provinces.items()
        for code in codes
    ]
    return used, rows, totals, renamed


def _read(path: Path) -> tuple[Path, Document, str]:
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise HistoryError(f"Không đọc được {path}: {os_error_text(exc)}.") from exc
    return path, parse_document(path, content), hashlib.sha256(content).hexdigest()


def _members(
    doc: Document, path: Path, contract: Contract, mapped: bool
) -> tuple[dict[str, dict[str, Decimal]], dict[str, list[str]]]:
    """This year's figures by member, and which of the document's members each is made of."""
    if not mapped:
        provinces = {
            name: {code: Decimal(v) for code, v in figures.items()}
            for name, figures in doc["provinces"].items()
        }
        return provinces, {name: [name] for name in provinces}
    provinces, sources, unmapped = map_previous(doc, contract)
    if unmapped:
        raise HistoryError(
            f"{path} (năm {doc['year']}): {', '.join(unmapped)} không thuộc "
            f"{contract.bloc.name} và không có trong bảng quy đổi (predecessors) của Khối."
        )
    return provinces, sources


def _check_totals(doc: Document, totals: dict[str, Decimal], path: Path) -> None:
    """The members must add up to the document's own totals: a hand-edited file is refused."""
    wrong = [c for c, v in totals.items() if Decimal(doc["totals"][c]) != v]
    if wrong:
        raise HistoryError(
            f"{path}: tổng Khối không bằng tổng các thành viên ở chỉ tiêu {', '.join(wrong)}; "
            "tệp đã bị sửa sau khi tổng hợp? Hãy chạy lại `ipstat aggregate`."
        )


def _derive(totals: dict[str, Decimal], contract: Contract) -> dict[str, Decimal | None]:
    """Ratios of the year's sums (aggregate.derive); none where the year lacks an input."""
    if all(c in totals for d in contract.form.derived for c in d.inputs):
        return derive(totals, contract)
    return {d.code: None for d in contract.form.derived}


def _member_order(rows: list[Row], contract: Contract, mapped: bool) -> list[str]:
    """The bloc's order for today's members, then the others as they first appear."""
    seen = list(dict.fromkeys(r.member for r in sorted(rows, key=lambda r: -r.year)))
    if not mapped:
        return seen
    return [m for m in contract.bloc.names if m in seen] + [
        m for m in seen if m not in contract.bloc.names
    ]
