"""A bloc (`schemas/blocs/*.toml`): its members and their boards, the years it holds for, its
deadlines (one a period), the provinces merged into its members, who leads it each year
(`[[terms]]`) and the name that heads its documents."""

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from ipstat.base.periods import HALF_YEAR, YEARLY
from ipstat.base.visible import visible
from ipstat.contract.checked import Checked, unique

DEFAULT_BLOC = "dbsh-2016"
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_INVISIBLE = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# The reporting years ipstat accepts, in a workbook and on the command line.
@dataclass(frozen=True, kw_only=True)
class Member(Checked):
    name: str
    slug: str
    aliases: tuple[str, ...] = ()
    absorbed: tuple[str, ...] = ()  # merged in from outside the bloc's earlier membership
    board: str = ""  # the board's own name, where it is not "Ban Quản lý các KCN tỉnh <name>"

    def __post_init__(self) -> None:
        if not _SLUG.fullmatch(self.slug):  # it names files: `bieu-<slug>-2017.xlsx`
            raise ValueError(
                f"Tên viết tắt (slug) “{self.slug}” của “{self.name}”: chỉ dùng chữ thường không "
                "dấu, chữ số và dấu gạch ngang (vd. “ha-nam”)"
            )
        for text in (self.name, self.board, *self.aliases):
            if any(not c.isprintable() or c in _INVISIBLE for c in text):
                raise ValueError(
                    f"Tên “{visible(text)}” có ký tự điều khiển hoặc ký tự ẩn; hãy ghi lại tên"
                )

    @property
    def board_name(self) -> str:
        """Whom letters are addressed to."""
        return self.board or f"Ban Quản lý các KCN tỉnh {self.name}"


FIRST_YEAR, LAST_YEAR = 1990, 2200


@dataclass(frozen=True, kw_only=True)
class Term(Checked):
    """Who leads the bloc in `year` (elected at the summary conference of the year before): the
    Khối trưởng's board signs the year's documents, and `place` is its province, written in
    their date line. `inferred`: not from a record of the election, to be checked."""

    year: int
    leader: str
    place: str
    deputy: str | None = None
    inferred: bool = False

    def __post_init__(self) -> None:
        if not FIRST_YEAR <= self.year <= LAST_YEAR:
            raise ValueError(f"Năm {self.year} của Khối trưởng nằm ngoài {FIRST_YEAR}–{LAST_YEAR}")
        if not self.place.strip():
            raise ValueError(f"Năm {self.year}: hãy ghi địa danh (`place`) cho dòng ngày tháng")
        if self.deputy == self.leader:
            raise ValueError(f"Năm {self.year}: Khối trưởng và Khối phó là cùng một thành viên")


@dataclass(frozen=True, kw_only=True)
class Bloc(Checked):
    id: str
    name: str
    region: str = ""
    members: tuple[Member, ...]
    predecessors: dict[str, str] = field(default_factory=dict)  # earlier member → member now
    scoring: str | None = None  # the scoring table: a name under schemas/scoring, or a path
    # The years this membership holds for, and the bloc (id) to use before or after them.
    first_year: int | None = None
    last_year: int | None = None
    replaces: str | None = None
    replaced_by: str | None = None
    deadline: str | None = None  # "MM-DD" of the year after the reporting year
    deadline_half_year: str | None = None  # "MM-DD" of the same year, for the first six months
    lead: str | None = None  # replaced by `terms`: said so, never silently ignored
    terms: tuple[Term, ...] = ()  # the Khối trưởng and Khối phó of each year
    # The bloc's name as its documents are headed (capitals, one line each), and its short code
    # in their numbers (`Số:      /TTr-KTĐ`); unset, the name in capitals.
    issuer: tuple[str, ...] = ()
    code: str = "KTĐ"

    def __post_init__(self) -> None:
        unique([m.name for m in self.members], "Thành viên")
        unique([m.slug for m in self.members], "Tên viết tắt (slug)")
        for old, new in self.predecessors.items():
            if new not in self.names:
                raise ValueError(
                    f"Đơn vị cũ “{old}” được gộp vào “{new}”, "
                    f"nhưng “{new}” không phải là thành viên của Khối"
                )
        for period in (YEARLY, HALF_YEAR):  # a leap year: "02-29" is a deadline some years
            _ = self.deadline_for(2000 if period == HALF_YEAR else 1999, period)
        if self.lead is not None:
            raise ValueError(
                f'mục `lead = "{self.lead}"` đã được thay bằng các dòng [[terms]], mỗi năm một '
                f'dòng: year = <năm>, leader = "<Khối trưởng>", deputy = "<Khối phó>", '
                'place = "<địa danh>"'
            )
        unique([str(t.year) for t in self.terms], "Năm của Khối trưởng")
        for term in self.terms:
            for who in filter(None, (term.leader, term.deputy)):
                if who not in self.names:
                    raise ValueError(f"Năm {term.year}: “{who}” không phải là thành viên của Khối")

    def deadline_for(self, year: int, period: str = YEARLY) -> dt.date | None:
        """The deadline for the reports of `year`: the year's falls in the year after, the first
        six months' (`deadline_half_year`) in the same year."""
        half = period == HALF_YEAR
        text = self.deadline_half_year if half else self.deadline
        if text is None:
            return None
        match = re.fullmatch(r"(\d\d)-(\d\d)", text)
        if match is None:
            raise ValueError(f"Hạn nộp “{text}” không đúng dạng tháng-ngày MM-DD, vd. “01-20”")
        month, day = int(match[1]), int(match[2])
        due_year = year if half else year + 1
        if (month, day) == (2, 29) and not calendar.isleap(due_year):
            day = 28
        try:
            return dt.date(due_year, month, day)
        except ValueError:
            raise ValueError(f"Hạn nộp “{text}” không phải là một ngày có thật") from None

    def term(self, year: int) -> Term | None:
        return next((t for t in self.terms if t.year == year), None)

    @property
    def heading(self) -> tuple[str, ...]:
        """The lines of the bloc's name at the head of its documents."""
        return self.issuer or (self.name.upper(),)

    def member(self, name: str) -> Member:
        return next(m for m in self.members if m.name == name)

    def successor(self, name: str) -> str | None:
        """The member an earlier member's figures belong to now (itself, if unchanged)."""
        if name in self.predecessors:
            return self.predecessors[name]
        return name if name in self.names else None

    @property
    def names(self) -> list[str]:
        return [m.name for m in self.members]
