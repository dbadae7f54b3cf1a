"""Last year's figures as a check: a flow figure far from last year's is most often a unit slip
(thousands typed for millions), so it is a warning that names both values."""

from dataclasses import dataclass, field
from decimal import Decimal

from ipstat.base.findings import Finding
from ipstat.base.formatting import format_exact, format_number
from ipstat.base.numbers import plain
from ipstat.base.periods import YEARLY, same_time
from ipstat.contract.model import Contract
from ipstat.reading.located import Submission


@dataclass(frozen=True)
class LastYear:
    """Last year's figures summed into this year's members (see bloc/compare.py), of the same
    period as this year's (the first six months against last year's first six months)."""

    year: int
    provinces: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    absorbed: frozenset[str] = frozenset()  # members that took in units from outside the bloc
    period: str = YEARLY

    def figures(self, member: str) -> dict[str, Decimal]:
        """A member's figures last year; none for a member that took in units of which last
        year's figures know nothing, since a partial sum is no figure of the same member."""
        return {} if member in self.absorbed else self.provinces.get(member, {})


def jump_findings(sub: Submission, last_year: LastYear, contract: Contract) -> list[Finding]:
    """`jump-vs-previous` for each flow more than `jump_factor` times last year's figure or less
    than a `jump_factor`-th of it. A 0 in either year gives no ratio and is not compared."""
    if sub.member is None:
        return []
    before_all = last_year.figures(sub.member)
    factor = contract.comparison.jump_factor
    findings = []
    for code in contract.comparison.flows:
        figure, before = sub.figures.get(code), before_all.get(code)
        if figure is None or not before or not figure.value:
            continue
        now = figure.value
        if now > before * factor:
            how = f"gấp {format_number(now / before)} lần"
        elif now * factor < before:
            how = f"thấp hơn {format_number(before / now)} lần so với"
        else:
            continue
        findings.append(
            Finding(
                file=str(sub.path),
                rule="jump-vs-previous",
                severity=contract.severity("jump-vs-previous"),
                text=f"{format_exact(now)} {how} {same_time(last_year.period, last_year.year)} "
                f"({format_exact(before)}); hãy kiểm tra đơn vị tính.",
                sheet=figure.sheet,
                cell=figure.cell,
                code=code,
                values=(("value", plain(now)), ("previous", plain(before))),
            )
        )
    return findings
