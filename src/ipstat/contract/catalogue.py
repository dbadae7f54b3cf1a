"""The form: its sheets, the indicators and derived figures, the units, and the limits a
workbook is read within (`schemas/form.toml`, `schemas/units.toml`)."""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Literal

from ipstat.base.periods import HALF_YEAR, PERIODS
from ipstat.base.text import fold, fold_words
from ipstat.contract.checked import Checked, unique

Kind = Literal["count", "money", "area"]
Measure = Literal["flow", "stock"]


@dataclass(frozen=True, kw_only=True)
class SheetSpec(Checked):
    name: str
    columns: dict[str, str]
    optional: dict[str, bool] = field(default_factory=dict)

    @property
    def required_columns(self) -> dict[str, str]:
        return {role: title for role, title in self.columns.items() if not self.optional.get(role)}


@dataclass(frozen=True, kw_only=True)
class InfoField(Checked):
    code: str
    label: str
    required: bool = False
    kind: Literal["member", "year", "period", "text", "date"]
    # A name printed in the bloc's documents: longer, or with markup characters, is a warning.
    max_length: int | None = None


@dataclass(frozen=True, kw_only=True)
class Section(Checked):
    id: str
    title: str
    half_year_title: str | None = None

    def title_for(self, period: str | None) -> str:
        return (self.half_year_title or self.title) if period == HALF_YEAR else self.title


@dataclass(frozen=True, kw_only=True)
class Period(Checked):
    """A reporting period, and how a workbook's `ky` row may spell it (half-year.md §1)."""

    id: str
    label: str  # what the forms write
    spellings: tuple[str, ...]

    def __post_init__(self) -> None:
        if fold(self.label) not in {fold(s) for s in self.spellings}:
            raise ValueError(f"Kỳ báo cáo “{self.id}”: “{self.label}” phải có trong `spellings`")


@dataclass(frozen=True, kw_only=True)
class Indicator(Checked):
    code: str
    label: str
    unit: str
    kind: Kind
    section: str
    measure: Measure  # of the period alone, or at its end

    @property
    def is_count(self) -> bool:
        return self.kind == "count"

    @property
    def is_flow(self) -> bool:
        return self.measure == "flow"


@dataclass(frozen=True, kw_only=True)
class Derived(Checked):
    code: str
    label: str
    unit: str
    sum: tuple[str, ...] = ()
    numerator: str | None = None
    denominator: str | None = None

    def __post_init__(self) -> None:
        if bool(self.sum) == bool(self.numerator and self.denominator):
            raise ValueError(
                f"Chỉ tiêu tính “{self.code}”: hãy ghi hoặc `sum`, hoặc cả `numerator` và "
                "`denominator`"
            )

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.sum or (str(self.numerator), str(self.denominator))


@dataclass(frozen=True, kw_only=True)
class Limits(Checked):
    """Bounds on a workbook, checked before anything is parsed (see `reading/workbook.py`)."""

    max_file_bytes: int
    max_entries: int  # parts in the zip
    max_part_bytes: int  # inflated, of one part
    max_total_bytes: int  # inflated, of all parts
    max_rows: int  # of a sheet that is read
    max_columns: int
    max_cells: int  # rows × columns of a sheet's used area, from A1
    max_seconds: float

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if value <= 0:
                raise ValueError(f"limits.{name} ({value}) phải là số dương")
        if self.max_part_bytes > self.max_total_bytes:
            raise ValueError(
                f"limits.max_part_bytes ({self.max_part_bytes}) lớn hơn "
                f"limits.max_total_bytes ({self.max_total_bytes})"
            )


@dataclass(frozen=True, kw_only=True)
class Form(Checked):
    version: str
    title: str
    header_search_rows: int
    member_prefixes: tuple[str, ...]
    empty_markers: tuple[str, ...]
    max_value: Decimal
    limits: Limits
    info_sheet: SheetSpec
    info_fields: tuple[InfoField, ...]
    periods: tuple[Period, ...]
    figures_sheet: SheetSpec
    registration_sheet: SheetSpec
    self_score_sheet: SheetSpec
    adjustment_sheet: SheetSpec
    tally_sheet: SheetSpec
    sections: tuple[Section, ...]
    indicators: tuple[Indicator, ...]
    derived: tuple[Derived, ...]

    def __post_init__(self) -> None:
        codes = [i.code for i in self.indicators] + [d.code for d in self.derived]
        unique(codes, "Mã chỉ tiêu")
        sections = {s.id for s in self.sections}
        for ind in self.indicators:
            if ind.section not in sections:
                raise ValueError(f"Chỉ tiêu “{ind.code}”: không có mục “{ind.section}”")
        known = {i.code for i in self.indicators}
        for d in self.derived:
            for code in d.inputs:
                if code not in known:
                    raise ValueError(f"Chỉ tiêu tính “{d.code}”: không có chỉ tiêu “{code}”")
        for sheet in (self.info_sheet, self.figures_sheet):
            if not {"code", "value"} <= sheet.columns.keys():
                raise ValueError(f"Trang “{sheet.name}” cần có cột `code` và cột `value`")
        if tuple(p.id for p in self.periods) != PERIODS:  # the command line's `--period` values
            raise ValueError(f"`periods` phải là đúng hai kỳ, theo thứ tự: {', '.join(PERIODS)}")
        folded = [{fold(s) for s in p.spellings} for p in self.periods]
        shared = sorted(set.intersection(*folded))  # within a period, "6 thang" is "6 tháng"
        if shared:
            raise ValueError(f"Cách viết kỳ báo cáo “{shared[0]}” thuộc cả hai kỳ")
        if sum(f.kind == "period" for f in self.info_fields) > 1:
            raise ValueError('Chỉ một mã thông tin có `kind = "period"`')

    @cached_property
    def by_code(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}

    @cached_property
    def flows(self) -> tuple[str, ...]:
        """The indicators of a period alone (the first six months' in a half-year workbook)."""
        return tuple(i.code for i in self.indicators if i.is_flow)

    @cached_property
    def period_spellings(self) -> dict[str, str]:
        """Folded spelling → period id."""
        return {fold(s): p.id for p in self.periods for s in p.spellings}

    def period(self, period_id: str) -> Period:
        return next(p for p in self.periods if p.id == period_id)

    @cached_property
    def period_field(self) -> InfoField | None:
        """The `Thông tin` row that names the period (`ky`), if the form has one."""
        return next((f for f in self.info_fields if f.kind == "period"), None)


@dataclass(frozen=True, kw_only=True)
class Dimension(Checked):
    name: str
    unit: str
    accepted: dict[str, Decimal]


KEYS_KEPT = 4096  # unit texts whose folded key Units.key remembers


@dataclass(frozen=True, kw_only=True)
class Units(Checked):
    aliases: dict[str, str]
    dimensions: tuple[Dimension, ...]

    @cached_property
    def _folded_aliases(self) -> dict[str, str]:
        return {fold(k): fold(v) for k, v in self.aliases.items()}

    @cached_property
    def _keys(self) -> dict[str, str]:
        return {}

    def key(self, text: str) -> str:
        """A unit's text folded for comparison, with aliases applied word by word; each text
        is folded once (every figure's unit cell asks, and a bloc writes the same few)."""
        keys = self._keys
        found = keys.get(text)
        if found is None:
            alias = self._folded_aliases
            found = "".join(alias.get(word, word) for word in fold_words(text))
            if len(keys) < KEYS_KEPT:
                keys[text] = found
        return found

    @cached_property
    def factors(self) -> dict[str, tuple[Dimension, Decimal]]:
        """Folded unit → its dimension and the factor to that dimension's catalogue unit."""
        table: dict[str, tuple[Dimension, Decimal]] = {}
        for dim in self.dimensions:
            table[self.key(dim.unit)] = (dim, Decimal(1))
            for unit, factor in dim.accepted.items():
                table[self.key(unit)] = (dim, factor)
        return table

    def dimension_of(self, unit: str) -> Dimension | None:
        found = self.factors.get(self.key(unit))
        return found[0] if found else None
