"""Numbers written the Vietnamese way (`4.841,2`, `771.112`, `45,9%`), half-up, through Babel."""

from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import cache
from typing import Any

LOCALE = "vi"


@cache
def _babel() -> Any:
    from babel import numbers  # noqa: PLC0415  (Babel's locale data costs time; load it on first use)

    return numbers


def format_number(value: Decimal | int, decimals: int = 1, *, fixed: bool = False) -> str:
    """At most `decimals` decimals, rounded half-up; a trailing `,0` is dropped (`56`, `45,9`)
    unless `fixed` (`56,0`: a table column with one number of decimals)."""
    quantum = Decimal(1).scaleb(-decimals)
    with localcontext() as ctx:
        ctx.rounding = ROUND_HALF_UP
        rounded = Decimal(value).quantize(quantum)
        pattern = "#,##0" + ("." + ("0" if fixed else "#") * decimals if decimals else "")
        text: str = _babel().format_decimal(rounded, format=pattern, locale=LOCALE)
    return text


def format_exact(value: Decimal | int) -> str:
    """Every decimal the value has, Vietnamese style: for messages quoting what a cell holds."""
    exponent = Decimal(value).normalize().as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_number(value, decimals)


def format_percent(value: Decimal, decimals: int = 1) -> str:
    return format_number(value, decimals) + "%"
