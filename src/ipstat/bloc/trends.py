"""A series' trends: each headline indicator from the first year to the last, like for like
(the members with whole figures at both ends), its compound growth, and its members ranked."""

from decimal import ROUND_HALF_UP, Decimal, localcontext

from ipstat.base.text import vietnamese_key
from ipstat.bloc.series import History, MemberGrowth, Shortfall, Trend
from ipstat.bloc.totals import RATIO_PLACES, percent

GROWTH_PRECISION = 28  # significant digits of the n-th root; the result then keeps RATIO_PLACES


def average_growth(first: Decimal, last: Decimal, years: int) -> Decimal | None:
    """Compound average yearly growth in percent, ((last / first) ** (1 / years) - 1) * 100.

    Computed with Decimal in a context of GROWTH_PRECISION significant digits (the power with a
    fractional exponent is correctly rounded there), then kept to RATIO_PLACES half-up like every
    percentage; display rounds once more, half-up. None where it cannot be said: fewer than one
    year between the figures, or a first figure of 0.
    """
    if years < 1 or first <= 0 or last < 0:
        return None
    with localcontext() as ctx:
        ctx.prec = GROWTH_PRECISION
        ratio = last / first
        root = ratio ** (Decimal(1) / Decimal(years)) if ratio else Decimal(0)
        growth = (root - 1) * 100
    return growth.quantize(RATIO_PLACES, ROUND_HALF_UP)


def comparable(history: History) -> tuple[list[str], list[Shortfall]]:
    """The members whose figures of the first and the last year cover the same units, all of
    which reported, and why each other member is left out (like `aggregate --previous`).

    A member made of the same units at both ends is compared even where both lack a unit
    merged in later (Phú Thọ as Vĩnh Phúc in 2016 and 2019); across the merger it is not.
    A member with figures in neither year is neither compared nor left out: it changes nothing.
    """
    first, last = history.incomplete(history.years[0]), history.incomplete(history.years[-1])
    present = {r.member for r in history.rows if r.year in (history.years[0], history.years[-1])}
    compared: list[str] = []
    left_out: list[Shortfall] = []
    for member in (m for m in dict.fromkeys([*history.members, *first, *last]) if m in present):
        ends = [s[member] for s in (first, last) if member in s]
        if history.years[0] == history.years[-1]:
            ends = ends[:1]
        unreported = any(s.unreported or s.not_included == (member,) for s in ends)
        same_units = len({s.not_included for s in ends}) <= 1 and (
            len(ends) in (0, 2) or history.years[0] == history.years[-1]
        )
        if unreported or not same_units:
            left_out.extend(s for s in ends if s.unreported or s.not_included)
        else:
            compared.append(member)
    return compared, left_out


def trends(history: History) -> list[Trend]:
    """The headline indicators from the first year of the series to the last over the members
    comparable in both years, with those members ranked by their own average growth."""
    first_year, last_year = history.years[0], history.years[-1]
    years = last_year - first_year
    index = history.index
    compared, left_out = comparable(history)
    found = []
    for code in history.headline:
        pairs = [
            (m, index.get((first_year, m, code)), index.get((last_year, m, code))) for m in compared
        ]
        members = [
            MemberGrowth(m, a, b, average_growth(a, b, years))
            for m, a, b in pairs
            if a is not None and b is not None
        ]
        if not members or len(members) != len(pairs):
            continue
        first = sum((m.first for m in members), Decimal(0))
        last = sum((m.last for m in members), Decimal(0))
        ranked = sorted(  # ties in the Vietnamese alphabetical order of names
            (m for m in members if m.growth is not None),
            key=lambda m: (-(m.growth or 0), vietnamese_key(m.member)),
        )
        found.append(
            Trend(
                code=code,
                first_year=first_year,
                last_year=last_year,
                first=first,
                last=last,
                change=last - first,
                change_percent=percent(last - first, first),
                growth=average_growth(first, last, years),
                members=tuple(ranked),
                compared=tuple(compared),
                left_out=tuple(left_out),
            )
        )
    return found
