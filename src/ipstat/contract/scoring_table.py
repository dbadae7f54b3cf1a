"""The bloc's scoring table (`schemas/scoring/<name>.toml`) as checked values.

Each bloc agrees on its own table every year, so the table is data: pydantic checks it like
the rest of the contract (a typo fails at start) and it is cached the same way.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Literal

from ipstat.base.resources import data_dir
from ipstat.contract import cache as contract_cache
from ipstat.contract.checked import Checked, ContractError, checked, parse_toml, read_schema, unique
from ipstat.contract.model import Contract

Method = Literal["plan", "growth", "self", "manual"]
METHODS: tuple[Method, ...] = ("plan", "growth", "self", "manual")
_BONUS = ("bonus_step", "bonus_points", "bonus_max")


@dataclass(frozen=True, kw_only=True)
class Group(Checked):
    code: str
    label: str


@dataclass(frozen=True, kw_only=True)
class Criterion(Checked):
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
        where = f"Tiêu chí “{self.code}”"
        if self.max <= 0:
            raise ValueError(f"{where}: `max` phải lớn hơn 0")
        needs_indicator = self.method in ("plan", "growth")
        if needs_indicator != (self.indicator is not None):
            verb = "cần có" if needs_indicator else "không dùng"
            raise ValueError(f"{where}: phương pháp “{self.method}” {verb} `indicator`")
        if (self.method == "growth") != (self.target is not None):
            raise ValueError(f"{where}: `target` chỉ dùng và phải có cho phương pháp “growth”")
        if self.target is not None and self.target <= -100:
            raise ValueError(f"{where}: `target` phải lớn hơn -100")
        given = [getattr(self, name) is not None for name in _BONUS]
        if any(given) and (self.method != "plan" or not all(given)):
            raise ValueError(
                f"{where}: hãy ghi đủ cả {', '.join(_BONUS)}, và chỉ cho phương pháp “plan”"
            )
        if self.bonus_step is not None and self.bonus_step <= 0:
            raise ValueError(f"{where}: `bonus_step` phải lớn hơn 0")
        for name in ("bonus_points", "bonus_max"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{where}: `{name}` không được âm")

    @property
    def ceiling(self) -> Decimal:
        """The most points this criterion can give: `max`, plus the plan bonus."""
        return self.max + (self.bonus_max or 0)


@dataclass(frozen=True, kw_only=True)
class Award(Checked):
    name: str
    max_count: int
    min_points: Decimal

    def __post_init__(self) -> None:
        if self.max_count < 1:
            raise ValueError(f"Danh hiệu “{self.name}”: `max_count` phải từ 1 trở lên")


@dataclass(frozen=True, kw_only=True)
class Vote(Checked):
    """How the bloc votes on the proposal (cycle-documents.md §3)."""

    threshold_percent: Decimal  # votes for, as a share of members present, above which: approved
    present_min: int  # fewer members present: no vote is valid

    def __post_init__(self) -> None:
        if not 0 <= self.threshold_percent < 100:
            raise ValueError("[vote] `threshold_percent` phải từ 0 đến dưới 100")
        if self.present_min < 1:
            raise ValueError("[vote] `present_min` phải từ 1 trở lên")

    def approves(self, votes_for: int, present: int) -> bool:
        """Strictly above the threshold: exactly half of those present is not more than half."""
        return votes_for * 100 > self.threshold_percent * present


@dataclass(frozen=True, kw_only=True)
class ScoringTable(Checked):
    name: str
    places: int
    authority: str = ""  # who is asked to confer the awards, as the proposal names it
    group: tuple[Group, ...]
    criterion: tuple[Criterion, ...]
    award: tuple[Award, ...] = ()
    vote: Vote | None = None  # needed by `score --ballots` and `--tally`

    def __post_init__(self) -> None:
        if not 0 <= self.places <= 6:
            raise ValueError(f"`places` ({self.places}) phải từ 0 đến 6")
        unique([g.code for g in self.group], "Nhóm")
        unique([c.code for c in self.criterion], "Tiêu chí")
        unique([a.name for a in self.award], "Danh hiệu")
        groups = {g.code for g in self.group}
        for criterion in self.criterion:
            if criterion.group not in groups:
                raise ValueError(f"Tiêu chí “{criterion.code}”: không có nhóm “{criterion.group}”")
        if not self.criterion:
            raise ValueError("Biểu chưa có tiêu chí nào (`criterion`)")

    @cached_property
    def by_code(self) -> dict[str, Criterion]:
        return {c.code: c for c in self.criterion}

    @cached_property
    def names(self) -> dict[str, str]:
        """Each criterion's label by its code, as people read them."""
        return {c.code: c.label for c in self.criterion}

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
    content = read_schema(path)
    key = contract_cache.key([content], Path(__file__))
    table = contract_cache.get(key, ScoringTable)
    if table is None:
        table = _check(parse_toml(path, content), path)
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
                f"Biểu tiêu chí chấm điểm {path} không hợp lệ: tiêu chí “{criterion.code}”: "
                f"không có chỉ tiêu “{criterion.indicator}”"
            )
