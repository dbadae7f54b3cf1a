"""The bloc's plan completion (`aggregate --registrations`): this year's bloc total against the
sum of the members' registered plans, for each indicator that every member registered."""

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from ipstat.bloc.totals import Aggregate, percent
from ipstat.reading.located import Submission


def plan_completion(agg: Aggregate, registrations: Iterable[Submission]) -> dict[str, Any]:
    """Code → the members' total, the plans' total and the completion in percent. Only the
    aggregated members count; an indicator one of them did not register is left out."""
    plans = {str(r.member): r.values() for r in registrations if r.member in agg.provinces}
    if set(plans) != set(agg.members):
        return {}
    shared = set.intersection(*(set(values) for values in plans.values())) if plans else set()
    completion: dict[str, Any] = {}
    for code in agg.totals:
        if code not in shared:
            continue
        planned = sum((plans[m][code] for m in agg.members), Decimal(0))
        actual = agg.totals[code]
        completion[code] = {
            "actual": actual,
            "plan": planned,
            "completion_percent": percent(actual, planned),
        }
    return completion
