"""The data contract (`schemas/`) as checked values: a typo there fails at start, not in a total.

The types are frozen stdlib dataclasses; pydantic loads and checks them from the TOML files
(`_check`), and each type's `__post_init__` checks what one field alone cannot. Importing
pydantic costs more than validating all the workbooks of a bloc, so it is imported only when
a contract is not already in the cache of checked contracts.
"""

import calendar
import datetime as dt
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar, Literal, TypeVar

from ipstat.contract import cache as contract_cache
from ipstat.contract.textnorm import fold, fold_words
from ipstat.errors import os_error_text
from ipstat.resources import data_dir

T = TypeVar("T")
Kind = Literal["count", "money", "area"]
Severity = Literal["error", "warning", "note"]

DEFAULT_BLOC = "dbsh-2016"

# Rule ids the code itself emits; each must be described (with its severity) in rules.toml.
BUILTIN_RULES = frozenset(
    {
        "unreadable-file",
        "missing-sheet",
        "missing-header",
        "missing-info",
        "unknown-member",
        "invalid-year",
        "year-mismatch",
        "missing-value",
        "duplicate-code",
        "formula-without-value",
        "non-numeric-value",
        "negative-value",
        "fractional-count",
        "unit-mismatch",
        "text-number",
        "unit-converted",
        "unknown-code",
        "duplicate-member",
        "mixed-years",
        "missing-member",
        "cumulative-drop",
        # emulation: registrations, self-scores, `ipstat score` (emulation-scoring.md)
        "missing-plan",
        "non-positive-plan",
        "self-score-out-of-range",
        "missing-self-score",
        "unscorable-criterion",
        "adjustment-without-reason",
        "adjustment-out-of-range",
        "adjustment-unknown-member",
        "adjustment-unknown-criterion",
        "duplicate-adjustment",
        "adjustment-unscored-member",
        "unusual-name",
        "value-out-of-range",
        "too-many-digits",
        "error-value",
        "display-format",
        "ambiguous-sheet",
        "ambiguous-column",
        "duplicate-info",
        "member-read-as",
        "year-outside-bloc",
        "legacy-encoding",
        "jump-vs-previous",
        "superseded-version",
    }
)


class ContractError(Exception):
    """`schemas/` (or a bloc file given by the user) is not a valid contract."""


class Checked:
    """Base of the contract's types: pydantic refuses a key it does not know (a typo)."""

    __pydantic_config__: ClassVar[dict[str, str]] = {"extra": "forbid"}


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
    kind: Literal["member", "year", "text", "date"]
    # A name printed in the bloc's documents: longer, or with markup characters, is a warning.
    max_length: int | None = None


@dataclass(frozen=True, kw_only=True)
class Section(Checked):
    id: str
    title: str


@dataclass(frozen=True, kw_only=True)
class Indicator(Checked):
    code: str
    label: str
    unit: str
    kind: Kind
    section: str

    @property
    def is_count(self) -> bool:
        return self.kind == "count"


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
    figures_sheet: SheetSpec
    registration_sheet: SheetSpec
    self_score_sheet: SheetSpec
    adjustment_sheet: SheetSpec
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

    @cached_property
    def by_code(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}


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


_OPS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
    "<": operator.lt,
    ">": operator.gt,
}
_COMPARISON = re.compile(r"^(?P<left>[^<>=]+?)\s*(?P<op><=|>=|==|<|>)\s*(?P<right>[^<>=]+)$")
_TERM = re.compile(r"^(?:[a-z_][a-z0-9_]*|[0-9]+(?:\.[0-9]+)?)$")

Term = str | Decimal


@dataclass(frozen=True, kw_only=True)
class Comparison(Checked):
    """`a + b <= c`: sums of indicator codes and numbers, compared."""

    left: tuple[Term, ...]
    op: str
    right: tuple[Term, ...]

    @classmethod
    def parse(cls, text: str) -> "Comparison":
        match = _COMPARISON.match(text.strip())
        if match is None:
            raise ValueError(f"“{text}” không phải là một phép so sánh")
        return cls(left=_terms(match["left"]), op=match["op"], right=_terms(match["right"]))

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise ValueError(f"Không có phép so sánh “{self.op}”")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t for t in (*self.left, *self.right) if isinstance(t, str))

    def holds(self, values: dict[str, Decimal]) -> bool:
        return _OPS[self.op](_sum(self.left, values), _sum(self.right, values))


def _terms(side: str) -> tuple[Term, ...]:
    terms: list[Term] = []
    for raw in side.split("+"):
        term = raw.strip()
        if not _TERM.match(term):
            raise ValueError(f"“{term}” không phải là mã chỉ tiêu hay con số")
        terms.append(term if term[0].isalpha() or term[0] == "_" else Decimal(term))
    return tuple(terms)


def _sum(terms: Iterable[Term], values: dict[str, Decimal]) -> Decimal:
    return sum((values[t] if isinstance(t, str) else t for t in terms), Decimal(0))


@dataclass(frozen=True, kw_only=True)
class Check(Checked):
    rule: str
    expect: str
    when: str | None = None
    hint: str = ""

    def __post_init__(self) -> None:
        _ = self.expectation, self.condition  # a typo in an expression fails at load

    @cached_property
    def expectation(self) -> Comparison:
        return Comparison.parse(self.expect)

    @cached_property
    def condition(self) -> Comparison | None:
        return Comparison.parse(self.when) if self.when else None

    @property
    def anchor(self) -> str:
        """The indicator whose cell carries the finding."""
        return self.expectation.codes[0]

    @property
    def codes(self) -> tuple[str, ...]:
        return (*(self.condition.codes if self.condition else ()), *self.expectation.codes)


@dataclass(frozen=True, kw_only=True)
class Rule(Checked):
    severity: Severity
    title: str


@dataclass(frozen=True, kw_only=True)
class Rules(Checked):
    rules: dict[str, Rule]
    checks: tuple[Check, ...]

    def __post_init__(self) -> None:
        for rule_id in self.rules:
            if not re.fullmatch(r"[a-z]+(?:-[a-z]+)*", rule_id):
                raise ValueError(
                    f"Mã quy tắc “{rule_id}” phải là chữ thường không dấu nối bằng gạch ngang, "
                    "vd. “missing-value”"
                )
        missing = BUILTIN_RULES - self.rules.keys()
        if missing:
            raise ValueError(
                f"Quy tắc chưa được mô tả trong rules.toml: {', '.join(sorted(missing))}"
            )
        for check in self.checks:
            if check.rule not in self.rules:
                raise ValueError(f"Phép kiểm tra dùng quy tắc không có: “{check.rule}”")


@dataclass(frozen=True, kw_only=True)
class Member(Checked):
    name: str
    slug: str
    aliases: tuple[str, ...] = ()
    absorbed: tuple[str, ...] = ()  # merged in from outside the bloc's earlier membership
    board: str = ""  # the board's own name, where it is not "Ban Quản lý các KCN tỉnh <name>"

    @property
    def board_name(self) -> str:
        """Whom letters are addressed to."""
        return self.board or f"Ban Quản lý các KCN tỉnh {self.name}"


# The reporting years ipstat accepts, in a workbook and on the command line.
FIRST_YEAR, LAST_YEAR = 1990, 2200


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
    lead: str | None = None  # the Khối trưởng this year: its board sends the bloc's letters

    def __post_init__(self) -> None:
        unique([m.name for m in self.members], "Thành viên")
        unique([m.slug for m in self.members], "Tên viết tắt (slug)")
        for old, new in self.predecessors.items():
            if new not in self.names:
                raise ValueError(
                    f"Đơn vị cũ “{old}” được gộp vào “{new}”, "
                    f"nhưng “{new}” không phải là thành viên của Khối"
                )
        if self.deadline is not None:
            _ = self.deadline_for(2000)  # a leap year: "02-29" is a deadline some years
        if self.lead is not None and self.lead not in self.names:
            raise ValueError(f"Khối trưởng “{self.lead}” không phải là thành viên của Khối")

    def deadline_for(self, year: int) -> dt.date | None:
        """The deadline for the reports of `year`, which falls in the year after."""
        if self.deadline is None:
            return None
        match = re.fullmatch(r"(\d\d)-(\d\d)", self.deadline)
        if match is None:
            raise ValueError(
                f"Hạn nộp “{self.deadline}” không đúng dạng tháng-ngày MM-DD, vd. “01-20”"
            )
        month, day = int(match[1]), int(match[2])
        if (month, day) == (2, 29) and not calendar.isleap(year + 1):
            day = 28
        try:
            return dt.date(year + 1, month, day)
        except ValueError:
            raise ValueError(f"Hạn nộp “{self.deadline}” không phải là một ngày có thật") from None

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


@dataclass(frozen=True, kw_only=True)
class YearOverYear(Checked):
    """What `aggregate --previous` compares, and how far a cumulative figure may fall."""

    headline: tuple[str, ...]
    cumulative: tuple[str, ...]
    cumulative_drop_percent: Decimal
    flows: tuple[str, ...] = ()  # figures of the year alone, checked against last year's
    jump_factor: Decimal = Decimal(5)  # a flow this many times last year's (or a this-th) warns

    def __post_init__(self) -> None:
        if self.jump_factor <= 1:
            raise ValueError(f"jump_factor ({self.jump_factor}) phải lớn hơn 1")


@dataclass(frozen=True, kw_only=True)
class Contract(Checked):
    form: Form
    units: Units
    rules: Rules
    comparison: YearOverYear
    bloc: Bloc

    def __post_init__(self) -> None:
        known = self.form.by_code
        for ind in self.form.indicators:
            if ind.kind != "count" and self.units.dimension_of(ind.unit) is None:
                raise ValueError(
                    f"Chỉ tiêu “{ind.code}”: đơn vị “{ind.unit}” không có trong units.toml"
                )
        for check in self.rules.checks:
            for code in check.codes:
                if code not in known:
                    raise ValueError(f"Phép kiểm tra “{check.rule}”: không có chỉ tiêu “{code}”")
        comparison = self.comparison
        for code in (*comparison.headline, *comparison.cumulative, *comparison.flows):
            if code not in known:
                raise ValueError(f"comparison.toml: không có chỉ tiêu “{code}”")

    def severity(self, rule: str) -> Severity:
        return self.rules.rules[rule].severity


def unique(items: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item in seen:
            raise ValueError(f"{what} “{item}” xuất hiện hai lần")
        seen.add(item)


def read_schema(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ContractError(f"Không đọc được tệp {path}: {os_error_text(exc)}.") from exc


def parse_toml(path: Path, content: bytes) -> dict[str, Any]:
    import tomllib  # noqa: PLC0415

    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ContractError(
            f"Tệp {path} không phải UTF-8 (dòng {line}); hãy lưu lại tệp với bảng mã UTF-8."
        ) from exc
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message is English; only where it is (line, column) is kept.
        where = re.search(r"at line (\d+), column (\d+)", str(exc))
        at = f" ở dòng {where[1]}, cột {where[2]}" if where else ""
        raise ContractError(f"Tệp {path} sai cú pháp TOML{at}.") from exc


def bloc_path(bloc: str | Path | None, schemas: Path) -> Path:
    """A bloc given by id (`dbsh-2016`) is a file under `schemas/blocs/`; otherwise it is a path."""
    if bloc is None:
        return schemas / "blocs" / f"{DEFAULT_BLOC}.toml"
    candidate = schemas / "blocs" / f"{bloc}.toml"
    if isinstance(bloc, str) and "/" not in bloc and candidate.is_file():
        return candidate
    if not Path(bloc).is_file():
        known = sorted(path.stem for path in (schemas / "blocs").glob("*.toml"))
        raise ContractError(
            f"Không có Khối “{bloc}”. Các Khối có sẵn: {', '.join(known) or '(không có)'}; "
            "hoặc ghi đường dẫn đến một tệp .toml."
        )
    return Path(bloc)


def load_contract(schemas: Path | None = None, bloc: str | Path | None = None) -> Contract:
    """Read and check `schemas/` (or another folder of the same layout) and a bloc.

    Checking builds pydantic's validators, which costs more than reading all the workbooks;
    a contract already checked is taken from a cache keyed by the files' exact bytes.
    """
    folder = schemas or data_dir("schemas")
    parts = {
        "form": folder / "form.toml",
        "units": folder / "units.toml",
        "rules": folder / "rules.toml",
        "comparison": folder / "comparison.toml",
        "bloc": bloc_path(bloc, folder),
    }
    contents = {name: read_schema(path) for name, path in parts.items()}
    key = contract_cache.key(contents.values(), Path(__file__))
    cached = contract_cache.get(key, Contract)
    if cached is not None:
        return cached
    raw = {name: parse_toml(parts[name], content) for name, content in contents.items()}
    contract = _check(raw, folder)
    contract_cache.put(key, contract)
    return contract


def _check(raw: dict[str, Any], folder: Path) -> Contract:
    return checked(Contract, raw, f"Bộ quy ước trong {folder}")


def checked(kind: type[T], raw: object, what: str) -> T:
    """pydantic builds a contract type from TOML data, checking every type and value; the
    error names `what` and every field that is wrong."""
    from pydantic import TypeAdapter, ValidationError  # noqa: PLC0415

    from ipstat.contract.problems import problem_text  # noqa: PLC0415

    try:
        return TypeAdapter(kind).validate_python(raw)
    except ValidationError as exc:
        problems = "; ".join(
            ": ".join(filter(None, (".".join(str(p) for p in err["loc"]), problem_text(err))))
            for err in exc.errors()
        )
        raise ContractError(f"{what} không hợp lệ: {problems}") from exc
