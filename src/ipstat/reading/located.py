"""A workbook as it is read: each figure with its sheet and cell, and the findings so far."""

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Literal

from ipstat.base.findings import Finding, Values
from ipstat.base.periods import YEARLY
from ipstat.contract.model import Contract


@dataclass(frozen=True)
class Figure:
    """One indicator's value (or a criterion's points), in the catalogue's unit, and where it
    came from."""

    code: str
    value: Decimal
    sheet: str
    cell: str


@dataclass
class Submission:
    path: Path
    sha256: str = ""  # of the bytes that were read and checked
    modified: float = 0.0  # their file's modification time, as it was when read
    member: str | None = None
    year: int | None = None
    # The reporting period (`ky`): the year when the row is absent; None when it is unreadable.
    period: str | None = YEARLY
    info: dict[str, str] = field(default_factory=dict)
    info_cells: dict[str, str] = field(default_factory=dict)  # info code → its value's cell
    figures: dict[str, Figure] = field(default_factory=dict)  # a registration: its plans
    kind: Literal["yearly", "registration"] = "yearly"
    self_scores: dict[str, Figure] = field(default_factory=dict)  # criterion code → points

    def values(self) -> dict[str, Decimal]:
        return {code: f.value for code, f in self.figures.items()}


class Reading:
    """Collects the findings of one workbook as it is read."""

    def __init__(self, path: Path, contract: Contract) -> None:
        self.path = path
        self.contract = contract
        self.findings: list[Finding] = []
        self.submission = Submission(path)

    def add(
        self,
        rule: str,
        text: str,
        *,
        sheet: str | None = None,
        cell: str | None = None,
        code: str | None = None,
        values: Values = (),
    ) -> None:
        self.findings.append(
            Finding(
                file=str(self.path),
                rule=rule,
                severity=self.contract.severity(rule),
                text=text,
                sheet=sheet,
                cell=cell,
                code=code,
                values=values,
            )
        )
