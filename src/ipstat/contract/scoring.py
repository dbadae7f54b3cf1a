"""The bloc's scoring table (`schemas/scoring/<name>.toml`) as checked values.

Each bloc agrees on its own table every year, so the table is data: pydantic checks it like
the rest of the contract (a typo fails at start) and it is cached the same way.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Literal

from ipstat.contract import cache as contract_cache
from ipstat.contract.model import Contract, ContractError, _Checked, _parse, _read, _unique, checked
from ipstat.resources import data_dir

Method = Literal["plan", "growth", "self", "manual"]
METHODS: tuple[Method, ...] = ("plan", "growth", "self", "manual")
_BONUS = ("bonus_step", "bonus_points", "bonus_max")


@dataclass(frozen=True, kw_only=True)
class Group(_Checked):
    code: str
    label: str


@dataclass(frozen=True, kw_only=True)
class Criterion(_Checked):
    code: str
    group: str
    label: str
    max: Decimal
    method: Method
    indicator: str | None = None
    target: Decimal | None = None  # growth: the growth in percent that earns full points
    bonus_step: Decimal | None = None
    bonus_points: Decimal | None = None
    bonus_max: Decimal | None = None

    def __post_init__(self) -> None:
        where = f"criterion {self.code!r}"
        if self.max <= 0:
            raise ValueError(f"{where}: `max` must be > 0")
        needs_indicator = self.method in ("plan", "growth")
        if needs_indicator != (self.indicator is not None):
            verb = "needs" if needs_indicator else "takes no"
            raise ValueError(f"{where}: method {self.method!r} {verb} `indicator`")
        if (self.method == "growth") != (self.target is not None):
            raise ValueError(f"{where}: `target` is for the growth method, and it needs one")
        if self.target is not None and self.target <= -100:
            raise ValueError(f"{where}: `target` must be > -100")
        given = [getattr(self, name) is not None for name in _BONUS]
        if any(given) and (self.method != "plan" or not all(given)):
            raise ValueError(f"{where}: give all of {', '.join(_BONUS)}, and only for `plan`")
        if self.bonus_step is not None and self.bonus_step <= 0:
            raise ValueError(f"{where}: `bonus_step` must be > 0")
        for name in ("bonus_points", "bonus_max"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{where}: `{name}` must be ≥ 0")

    @property
    def ceiling(self) -> Decimal:
        """The most points this criterion can give: `max`, plus the plan bonus."""
        return self.max + (self.bonus_max or 0)


@dataclass(frozen=True, kw_only=True)
class Award(_Checked):
    name: str
    max_count: int
    min_points: Decimal

    def __post_init__(self) -> None:
        if self.max_count < 1:
            raise ValueError(f"award {self.name!r}: `max_count` must be ≥ 1")


@dataclass(frozen=True, kw_only=True)
class ScoringTable(_Checked):
    name: str
    places: int
    authority: str = ""  # who is asked to confer the awards, as the proposal names it
    group: tuple[Group, ...]
    criterion: tuple[Criterion, ...]
    award: tuple[Award, ...] = ()

    def __post_init__(self) -> None:
        if not 0 <= self.places <= 6:
            raise ValueError("`places` must be between 0 and 6")
        _unique([g.code for g in self.group], "group")
        _unique([c.code for c in self.criterion], "criterion")
        _unique([a.name for a in self.award], "award")
        groups = {g.code for g in self.group}
        for criterion in self.criterion:
            if criterion.group not in groups:
                raise ValueError(f"criterion {criterion.code!r}: unknown group {criterion.group!r}")
        if not self.criterion:
            raise ValueError("the table has no criterion")

    @cached_property
    def by_code(self) -> dict[str, Criterion]:
        return {c.code: c for c in self.criterion}

    @cached_property
    def quantum(self) -> Decimal:
        return Decimal(1).scaleb(-self.places)

    def of_method(self, method: Method) -> list[Criterion]:
        return [c for c in self.criterion if c.method == method]

    @property
    def plan_indicators(self) -> list[str]:
        """The indicators a registration must give a plan for, in table order, once each."""
        return list(dict.fromkeys(str(c.indicator) for c in self.of_method("plan")))

    @property
    def total_max(self) -> Decimal:
        return sum((c.max for c in self.criterion), Decimal(0))


def scoring_path(name: str | Path, schemas: Path) -> Path:
    """A table given by name (`dbsh`) is a file under `schemas/scoring/`; otherwise a path."""
    candidate = schemas / "scoring" / f"{name}.toml"
    if isinstance(name, str) and "/" not in name and "\\" not in name and candidate.is_file():
        return candidate
    return Path(name)


def load_scoring(
    contract: Contract, scoring: str | Path | None = None, schemas: Path | None = None
) -> ScoringTable | None:
    """The table given, else the one the bloc file names; None when there is neither."""
    name = scoring if scoring is not None else contract.bloc.scoring
    if name is None:
        return None
    path = scoring_path(name, schemas or data_dir("schemas"))
    content = _read(path)
    key = contract_cache.key([content], Path(__file__))
    table = contract_cache.get(key, ScoringTable)
    if table is None:
        table = _check(_parse(path, content), path)
        contract_cache.put(key, table)
    _check_indicators(table, contract, path)
    return table


def _check(raw: dict[str, object], path: Path) -> ScoringTable:
    return checked(ScoringTable, raw, f"Biểu tiêu chí chấm điểm {path}")


def _check_indicators(table: ScoringTable, contract: Contract, path: Path) -> None:
    known = contract.form.by_code
    for criterion in table.criterion:
        if criterion.indicator is not None and criterion.indicator not in known:
            raise ContractError(
                f"Biểu tiêu chí chấm điểm {path} không hợp lệ: criterion {criterion.code!r}: "
                f"unknown indicator {criterion.indicator!r}"
            )
