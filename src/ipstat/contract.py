"""The data contract (`schemas/`) as checked models: a typo there fails at start, not in a total."""

import operator
import re
import tomllib
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ipstat.resources import data_dir
from ipstat.textnorm import fold, fold_words

Kind = Literal["count", "money", "area"]
Severity = Literal["error", "warning"]

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
    }
)


class ContractError(Exception):
    """`schemas/` (or a bloc file given by the user) is not a valid contract."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class SheetSpec(_Model):
    name: str
    columns: dict[str, str]
    optional: dict[str, bool] = Field(default_factory=dict)

    @property
    def required_columns(self) -> dict[str, str]:
        return {role: title for role, title in self.columns.items() if not self.optional.get(role)}


class InfoField(_Model):
    code: str
    label: str
    required: bool = False
    kind: Literal["member", "year", "text", "date"]


class Section(_Model):
    id: str
    title: str


class Indicator(_Model):
    code: str
    label: str
    unit: str
    kind: Kind
    section: str

    @property
    def is_count(self) -> bool:
        return self.kind == "count"


class Derived(_Model):
    code: str
    label: str
    unit: str
    sum: tuple[str, ...] = ()
    numerator: str | None = None
    denominator: str | None = None

    @model_validator(mode="after")
    def _one_formula(self) -> "Derived":
        if bool(self.sum) == bool(self.numerator and self.denominator):
            raise ValueError(f"{self.code}: give either `sum` or `numerator` and `denominator`")
        return self

    @property
    def inputs(self) -> tuple[str, ...]:
        return self.sum or (str(self.numerator), str(self.denominator))


class Limits(_Model):
    max_file_bytes: int
    max_part_bytes: int
    max_total_bytes: int
    max_rows: int


class Form(_Model):
    version: str
    title: str
    header_search_rows: int
    member_prefixes: tuple[str, ...]
    empty_markers: tuple[str, ...]
    limits: Limits
    info_sheet: SheetSpec
    info_fields: tuple[InfoField, ...]
    figures_sheet: SheetSpec
    sections: tuple[Section, ...]
    indicators: tuple[Indicator, ...]
    derived: tuple[Derived, ...]

    @model_validator(mode="after")
    def _consistent(self) -> "Form":
        codes = [i.code for i in self.indicators] + [d.code for d in self.derived]
        _unique(codes, "indicator code")
        sections = {s.id for s in self.sections}
        for ind in self.indicators:
            if ind.section not in sections:
                raise ValueError(f"{ind.code}: unknown section {ind.section!r}")
        known = {i.code for i in self.indicators}
        for d in self.derived:
            for code in d.inputs:
                if code not in known:
                    raise ValueError(f"{d.code}: unknown indicator {code!r}")
        for sheet in (self.info_sheet, self.figures_sheet):
            if not {"code", "value"} <= sheet.columns.keys():
                raise ValueError(f"sheet {sheet.name!r} needs `code` and `value` columns")
        return self

    @cached_property
    def by_code(self) -> dict[str, Indicator]:
        return {i.code: i for i in self.indicators}


class Dimension(_Model):
    name: str
    unit: str
    accepted: dict[str, Decimal]


class Units(_Model):
    aliases: dict[str, str]
    dimensions: tuple[Dimension, ...]

    def key(self, text: str) -> str:
        """A unit's text folded for comparison, with aliases applied word by word."""
        alias = {fold(k): fold(v) for k, v in self.aliases.items()}
        return "".join(alias.get(word, word) for word in fold_words(text))

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


class Comparison(_Model):
    """`a + b <= c`: sums of indicator codes and numbers, compared."""

    left: tuple[Term, ...]
    op: str
    right: tuple[Term, ...]

    @classmethod
    def parse(cls, text: str) -> "Comparison":
        match = _COMPARISON.match(text.strip())
        if match is None:
            raise ValueError(f"not a comparison: {text!r}")
        return cls(left=_terms(match["left"]), op=match["op"], right=_terms(match["right"]))

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
            raise ValueError(f"not a code or number: {term!r}")
        terms.append(term if term[0].isalpha() or term[0] == "_" else Decimal(term))
    return tuple(terms)


def _sum(terms: Iterable[Term], values: dict[str, Decimal]) -> Decimal:
    return sum((values[t] if isinstance(t, str) else t for t in terms), Decimal(0))


class Check(_Model):
    rule: str
    expect: Comparison
    when: Comparison | None = None
    hint: str = ""

    @field_validator("expect", "when", mode="before")
    @classmethod
    def _parse(cls, value: object) -> object:
        return Comparison.parse(value) if isinstance(value, str) else value

    @property
    def anchor(self) -> str:
        """The indicator whose cell carries the finding."""
        return self.expect.codes[0]

    @property
    def codes(self) -> tuple[str, ...]:
        return (*(self.when.codes if self.when else ()), *self.expect.codes)


class Rule(_Model):
    severity: Severity
    title: str


class Rules(_Model):
    rules: dict[str, Rule]
    checks: tuple[Check, ...]

    @model_validator(mode="after")
    def _known_ids(self) -> "Rules":
        for rule_id in self.rules:
            if not re.fullmatch(r"[a-z]+(?:-[a-z]+)*", rule_id):
                raise ValueError(f"rule id {rule_id!r} is not kebab-case")
        missing = BUILTIN_RULES - self.rules.keys()
        if missing:
            raise ValueError(f"rules without a description: {', '.join(sorted(missing))}")
        for check in self.checks:
            if check.rule not in self.rules:
                raise ValueError(f"check on unknown rule {check.rule!r}")
        return self


class Member(_Model):
    name: str
    slug: str
    aliases: tuple[str, ...] = ()


class Bloc(_Model):
    id: str
    name: str
    region: str = ""
    members: tuple[Member, ...]

    @model_validator(mode="after")
    def _unique_members(self) -> "Bloc":
        _unique([m.name for m in self.members], "member")
        _unique([m.slug for m in self.members], "member slug")
        return self

    @property
    def names(self) -> list[str]:
        return [m.name for m in self.members]


class Contract(_Model):
    form: Form
    units: Units
    rules: Rules
    bloc: Bloc

    @model_validator(mode="after")
    def _cross_checks(self) -> "Contract":
        known = self.form.by_code
        for ind in self.form.indicators:
            if ind.kind != "count" and self.units.dimension_of(ind.unit) is None:
                raise ValueError(f"{ind.code}: unit {ind.unit!r} is not in units.toml")
        for check in self.rules.checks:
            for code in check.codes:
                if code not in known:
                    raise ValueError(f"check {check.rule!r}: unknown indicator {code!r}")
        return self

    def severity(self, rule: str) -> Severity:
        return self.rules.rules[rule].severity


def _unique(items: list[str], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        if item in seen:
            raise ValueError(f"{what} {item!r} appears twice")
        seen.add(item)


def _read_toml(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError as exc:
        raise ContractError(f"Không tìm thấy tệp {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ContractError(f"Tệp {path} sai cú pháp TOML: {exc}") from exc


def bloc_path(bloc: str | Path | None, schemas: Path) -> Path:
    """A bloc given by id (`dbsh-2016`) is a file under `schemas/blocs/`; otherwise it is a path."""
    if bloc is None:
        bloc = DEFAULT_BLOC
    candidate = schemas / "blocs" / f"{bloc}.toml"
    if isinstance(bloc, str) and "/" not in bloc and candidate.is_file():
        return candidate
    return Path(bloc)


def load_contract(schemas: Path | None = None, bloc: str | Path | None = None) -> Contract:
    """Read and check `schemas/` (or another folder of the same layout) and a bloc."""
    folder = schemas or data_dir("schemas")
    parts = {
        "form": folder / "form.toml",
        "units": folder / "units.toml",
        "rules": folder / "rules.toml",
        "bloc": bloc_path(bloc, folder),
    }
    raw = {name: _read_toml(path) for name, path in parts.items()}
    try:
        return Contract.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ContractError(f"Bộ quy ước trong {folder} không hợp lệ: {problems}") from exc


def available_blocs(schemas: Path | None = None) -> list[str]:
    folder = (schemas or data_dir("schemas")) / "blocs"
    return sorted(p.stem for p in folder.glob("*.toml"))
