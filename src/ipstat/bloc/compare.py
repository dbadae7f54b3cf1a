"""Year over year: this year's aggregate against last year's document, like with like.

Last year's provinces are first summed into this year's members through the bloc's
`predecessors` (Hà Nam, Nam Định and Ninh Bình into the Ninh Bình of 2025), so a merged
member is compared with the sum of the units it was made of.
"""

from decimal import Decimal
from pathlib import Path
from typing import Any

from ipstat.base.findings import Finding
from ipstat.base.formatting import format_exact, format_number
from ipstat.base.numbers import plain
from ipstat.base.periods import YEARLY, same_time, words
from ipstat.bloc.document import Document, period_of, read_document, require_period
from ipstat.bloc.totals import Aggregate, percent
from ipstat.checks.previous import LastYear
from ipstat.contract.model import Contract


def change_percent(previous: Decimal | None, current: Decimal) -> Decimal | None:
    """None where last year's figure is absent or 0: no percentage can be said then."""
    return percent(current - previous, previous) if previous is not None else None


def map_previous(
    previous: Document, contract: Contract
) -> tuple[dict[str, dict[str, Decimal]], dict[str, list[str]], list[str]]:
    """Last year's provinces summed into this year's members; also which units went where,
    and the units that belong to no member now."""
    mapped: dict[str, dict[str, Decimal]] = {}
    sources: dict[str, list[str]] = {}
    unmapped: list[str] = []
    for old, figures in previous["provinces"].items():
        new = contract.bloc.successor(old)
        if new is None:
            unmapped.append(old)
            continue
        sources.setdefault(new, []).append(old)
        target = mapped.setdefault(new, {})
        for code, value in figures.items():
            target[code] = target.get(code, Decimal(0)) + Decimal(value)
    return mapped, sources, unmapped


def last_year_figures(previous: Document, contract: Contract) -> LastYear:
    """Last year's document as the figures each of this year's members had then."""
    mapped, _, _ = map_previous(previous, contract)
    absorbed = frozenset(m.name for m in contract.bloc.members if m.absorbed)
    return LastYear(int(previous["year"]), mapped, absorbed, period_of(previous))


def read_previous(path: Path, period: str = YEARLY) -> Document:
    """`--previous LAST.json`: an aggregate document of the same period as this run's, like
    with like; anything else is a clear error."""
    wanted = f"--previous của {words(period).report}"
    return require_period(read_document(path), path, period, wanted)


def read_last_year(path: Path, contract: Contract, period: str = YEARLY) -> LastYear:
    """`--previous LAST.json` as last year's figures of each member, of `period`."""
    return last_year_figures(read_previous(path, period), contract)


def compare_years(
    agg: Aggregate, previous: Document, contract: Contract
) -> tuple[dict[str, Any], list[Finding]]:
    """The `comparison` part of the document, and the cumulative-drop warnings by member.

    The bloc's change is said over the members with figures in both years (`compared`), like
    with like: a member that reported in one year only would read as a rise or a fall. Which
    members those are, and who is left out and why, goes with it for the report to say."""
    mapped, sources, unmapped = map_previous(previous, contract)
    partial = _partial(previous, contract, mapped)
    for member in partial:
        del mapped[member]
    codes = [i.code for i in contract.form.indicators]
    compared = [member for member in agg.members if member in mapped]

    def pair(before: Decimal | None, now: Decimal) -> dict[str, Decimal | None]:
        return {"previous": before, "change_percent": change_percent(before, now)}

    def total(code: str) -> dict[str, Decimal | None]:
        """None where no member can be compared or one of them lacks the figure last year."""
        values = [mapped[member].get(code) for member in compared]
        if not compared or any(v is None for v in values):
            return {"previous": None, "current": None, "change_percent": None}
        before = sum((v for v in values if v is not None), Decimal(0))
        now = sum((agg.provinces[member][code] for member in compared), Decimal(0))
        return {"current": now, **pair(before, now)}

    comparison = {
        "previous_year": int(previous["year"]),
        "previous_bloc": previous.get("bloc", {}).get("name"),
        "merged": {new: olds for new, olds in sources.items() if olds != [new]},
        "absorbed": {m.name: list(m.absorbed) for m in contract.bloc.members if m.absorbed},
        "unmapped": unmapped,
        "compared": compared,
        "only_this_year": [m for m in agg.members if m not in mapped and m not in partial],
        "only_previous_year": [member for member in mapped if member not in agg.members],
        "partial_previous_year": partial,
        "headline": list(contract.comparison.headline),
        "totals": {code: total(code) for code in codes},
        "provinces": {
            member: {
                code: pair(mapped.get(member, {}).get(code), agg.provinces[member][code])
                for code in codes
            }
            for member in agg.members
        },
    }
    return comparison, _drops(agg, mapped, int(previous["year"]), contract)


def _partial(
    previous: Document, contract: Contract, mapped: dict[str, dict[str, Decimal]]
) -> dict[str, list[str]]:
    """This year's members made of several of last year's, some of which did not report then:
    last year's part would read as a rise. By member, the units missing last year."""
    partial: dict[str, list[str]] = {}
    for old in previous.get("missing") or []:
        new = contract.bloc.successor(old)
        if new in mapped:
            partial.setdefault(new, []).append(old)
    return partial


def _drops(
    agg: Aggregate, mapped: dict[str, dict[str, Decimal]], year: int, contract: Contract
) -> list[Finding]:
    limit = contract.comparison.cumulative_drop_percent
    labels = contract.form.by_code
    files = {s.member: s for s in agg.sources}
    findings = []
    for member in agg.members:
        for code in contract.comparison.cumulative:
            before = mapped.get(member, {}).get(code)
            now = agg.provinces[member][code]
            change = change_percent(before, now)
            if before is None or change is None or -change <= limit:
                continue
            unit = labels[code].unit
            findings.append(
                files[member].finding(
                    code,
                    "cumulative-drop",
                    f"{labels[code].label} của {member} giảm {format_number(-change)}% so "
                    f"với {same_time(agg.period, year)}, từ {format_exact(before)} {unit} xuống "
                    f"{format_exact(now)} {unit}; số lũy kế thường không giảm quá "
                    f"{format_number(limit)}%, hãy kiểm tra lại.",
                    (("value", plain(now)), ("previous", plain(before))),
                    contract.severity("cumulative-drop"),
                )
            )
    return findings
