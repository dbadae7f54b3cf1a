"""`aggregate`: validate everything, check the bloc, then add up the members exactly."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from ipstat.checks.rules import check_bloc
from ipstat.checks.validation import Validation, validate_paths
from ipstat.contract.model import Contract
from ipstat.reading.findings import Finding
from ipstat.reading.reader import Submission
from ipstat.reading.visible import encodable

RATIO_PLACES = Decimal("0.000001")  # derived percentages keep 6 decimals; display rounds once


@dataclass(frozen=True)
class Source:
    file: str
    sha256: str
    member: str
    cells: dict[str, str]  # indicator code → "Sheet!A1"


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


def build_aggregate(
    subs: list[Submission], contract: Contract, year: int, warnings: list[Finding]
) -> Aggregate:
    order = {name: i for i, name in enumerate(contract.bloc.names)}
    ordered = sorted(subs, key=lambda s: order[str(s.member)])
    provinces = {str(s.member): s.values() for s in ordered}
    codes = [i.code for i in contract.form.indicators]
    totals = sum_members(provinces, codes)
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
    )


def aggregate_paths(
    paths: Iterable[Path], contract: Contract, year: int | None = None
) -> AggregateRun:
    """Validate each workbook and the bloc; add up only when there is no error at all."""
    validation = validate_paths(paths, contract, year)
    bloc_findings, agreed = check_bloc(
        validation.submissions, contract, year, validation.report.skipped
    )
    validation.report.bloc_findings.extend(bloc_findings)
    if validation.report.errors or agreed is None:
        return AggregateRun(validation, None)
    aggregate = build_aggregate(
        validation.submissions, contract, agreed, validation.report.warnings
    )
    return AggregateRun(validation, aggregate)
