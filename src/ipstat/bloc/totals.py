"""`aggregate`: validate everything, check the bloc, then add up the members exactly."""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from ipstat.base.findings import Finding, Severity
from ipstat.base.periods import YEARLY
from ipstat.base.visible import encodable
from ipstat.bloc.versions import Superseded, keep_latest, received_times
from ipstat.checks.previous import LastYear
from ipstat.checks.rules import check_bloc
from ipstat.checks.validation import Validation, validate_paths
from ipstat.contract.model import Contract
from ipstat.reading.located import Submission

if TYPE_CHECKING:
    from ipstat.contract.scoring_table import ScoringTable

RATIO_PLACES = Decimal("0.000001")  # derived percentages keep 6 decimals; display rounds once


@dataclass(frozen=True)
class Source:
    file: str
    sha256: str
    member: str
    cells: dict[str, str]  # indicator code → "Sheet!A1"

    def finding(
        self,
        code: str,
        rule: str,
        text: str,
        values: tuple[tuple[str, str], ...],
        severity: Severity,
    ) -> Finding:
        """A finding about one indicator of the bloc's figures, on the cell it was read from."""
        sheet, _, cell = self.cells[code].rpartition("!")
        return Finding(
            file=self.file,
            rule=rule,
            severity=severity,
            text=text,
            sheet=sheet,
            cell=cell,
            code=code,
            values=values,
        )


@dataclass
class Aggregate:
    year: int
    members: list[str]
    missing: list[str]
    totals: dict[str, Decimal]
    derived: dict[str, Decimal | None]
    provinces: dict[str, dict[str, Decimal]]
    sources: list[Source]
    warnings: list[Finding] = field(default_factory=list)
    notes: list[Finding] = field(default_factory=list)  # what needs no fixing, only knowing
    superseded: list[Superseded] = field(default_factory=list)
    period: str = YEARLY  # the whole year, or its first six months


@dataclass
class AggregateRun:
    """The validation of every workbook and of the bloc; the aggregate only if nothing failed."""

    validation: Validation
    aggregate: Aggregate | None


def sum_members(
    provinces: dict[str, dict[str, Decimal]], codes: Iterable[str]
) -> dict[str, Decimal]:
    """Column totals with pandas over `Decimal` objects: exact, whatever the order of the rows."""
    import pandas as pd  # noqa: PLC0415  (0.3 s to import: only aggregate needs it)

    columns = list(codes)
    frame = pd.DataFrame.from_dict(provinces, orient="index", dtype=object).reindex(columns=columns)
    if frame.isna().to_numpy().any():
        raise ValueError("every member must have every indicator before summing")
    sums = frame.sum(axis=0)
    return {code: Decimal(sums[code]) for code in columns}


def percent(part: Decimal, whole: Decimal | None) -> Decimal | None:
    """`part` as a percentage of `whole`, kept to RATIO_PLACES; None where `whole` is 0 or
    absent, since no percentage can be said then. Every percentage in the outputs is this."""
    if not whole:
        return None
    return (part * 100 / whole).quantize(RATIO_PLACES, ROUND_HALF_UP)


def derive(totals: dict[str, Decimal], contract: Contract) -> dict[str, Decimal | None]:
    """Derived figures from the bloc totals: a ratio of sums, never an average of ratios."""
    derived: dict[str, Decimal | None] = {}
    for d in contract.form.derived:
        if d.sum:
            derived[d.code] = sum((totals[c] for c in d.sum), Decimal(0))
            continue
        derived[d.code] = percent(totals[str(d.numerator)], totals[str(d.denominator)])
    return derived


Sum = Callable[[dict[str, dict[str, Decimal]], list[str]], dict[str, Decimal]]


def build_aggregate(
    subs: list[Submission],
    contract: Contract,
    year: int,
    warnings: list[Finding],
    add_up: Sum = sum_members,
    *,
    period: str = YEARLY,
) -> Aggregate:
    order = {name: i for i, name in enumerate(contract.bloc.names)}
    ordered = sorted(subs, key=lambda s: order[str(s.member)])
    provinces = {str(s.member): s.values() for s in ordered}
    codes = [i.code for i in contract.form.indicators]
    totals = add_up(provinces, codes)
    sources = [
        Source(
            file=encodable(s.path.name),  # a name that is not UTF-8 cannot be written as is
            sha256=s.sha256,
            member=str(s.member),
            cells={code: encodable(f"{f.sheet}!{f.cell}") for code, f in s.figures.items()},
        )
        for s in ordered
    ]
    return Aggregate(
        year=year,
        members=list(provinces),
        missing=[m for m in contract.bloc.names if m not in provinces],
        totals=totals,
        derived=derive(totals, contract),
        provinces=provinces,
        sources=sources,
        warnings=warnings,
        period=period,
    )


def aggregate_paths(
    paths: Iterable[Path],
    contract: Contract,
    year: int | None = None,
    *,
    period: str = YEARLY,
    latest: bool = False,
    last_year: LastYear | None = None,
    exclude: Iterable[Path] = (),
    scoring: "ScoringTable | None" = None,
    add_up: Sum = sum_members,
) -> AggregateRun:
    """Validate each workbook and the bloc; add up only when there is no error at all.

    With `latest`, each member's workbook received last is used and the others are left out
    with a warning; `last_year` checks the flow figures against last year's. Every workbook
    must be of `period`. `add_up` sums the members (`sum_members`, unless a test gives another)."""
    validation = validate_paths(
        paths,
        contract,
        year,
        period=period,
        scoring=scoring,
        last_year=last_year,
        exclude=exclude,
    )
    members = Counter(s.member for s in validation.submissions if s.member is not None)
    received = None
    if latest or any(n > 1 for n in members.values()):
        received = received_times(validation.submissions)
    superseded: list[Superseded] = []
    if latest and received is not None:
        superseded = keep_latest(validation, received, contract)
    bloc_findings, agreed = check_bloc(
        validation.submissions,
        contract,
        year,
        skipped=validation.report.skipped,
        received=received,
    )
    validation.report.bloc_findings.extend(bloc_findings)
    if validation.report.errors or agreed is None:
        return AggregateRun(validation, None)
    aggregate = build_aggregate(
        validation.submissions, contract, agreed, validation.report.warnings, add_up, period=period
    )
    aggregate.superseded = superseded
    aggregate.notes = validation.report.notes
    return AggregateRun(validation, aggregate)
