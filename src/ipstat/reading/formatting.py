"""Numbers written the Vietnamese way (`4.841,2`, `771.112`, `45,9%`), half-up, through Babel."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import cache
from typing import Any

LOCALE = "vi"


@cache
def _babel() -> Any:
    from babel import numbers  # noqa: PLC0415  (Babel's locale data costs time; load it on first use)

    return numbers


def format_number(value: Decimal | int, decimals: int = 1) -> str:
    """At most `decimals` decimals, rounded half-up; a trailing `,0` is dropped (`56`, `45,9`)."""
    quantum = Decimal(1).scaleb(-decimals)
    with localcontext() as ctx:
        ctx.rounding = ROUND_HALF_UP
        rounded = Decimal(value).quantize(quantum)
        pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
        text: str = _babel().format_decimal(rounded, format=pattern, locale=LOCALE)
    return text


def format_exact(value: Decimal | int) -> str:
    """Every decimal the value has, Vietnamese style: for messages quoting what a cell holds."""
    exponent = Decimal(value).normalize().as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_number(value, decimals)


def format_percent(value: Decimal, decimals: int = 1) -> str:
    return format_number(value, decimals) + "%"


def format_date(value: dt.date) -> str:
    """`20/01/2018`, as dates are written in Vietnamese documents."""
    return value.strftime("%d/%m/%Y")


def format_datetime(value: dt.datetime) -> str:
    """`15/01/2018 09:30`."""
    return value.strftime("%d/%m/%Y %H:%M")
