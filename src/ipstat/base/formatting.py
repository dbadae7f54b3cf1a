"""Numbers written the Vietnamese way (`4.841,2`, `771.112`, `45,9%`), half-up, through Babel."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import cache
from typing import Any

LOCALE = "vi"


@cache
def _locale() -> Any:
    from babel import Locale  # noqa: PLC0415  (Babel's locale data costs time; load it on first use)

    return Locale.parse(LOCALE)


@cache
def _pattern(decimals: int, fixed: bool) -> Any:
    """Babel's parsed pattern, once: parsing it is half the time of formatting a number, and
    the outputs of a large bloc format tens of thousands."""
    from babel.numbers import parse_pattern  # noqa: PLC0415

    return parse_pattern("#,##0" + ("." + ("0" if fixed else "#") * decimals if decimals else ""))


def format_number(value: Decimal | int, decimals: int = 1, *, fixed: bool = False) -> str:
    """At most `decimals` decimals, rounded half-up; a trailing `,0` is dropped (`56`, `45,9`)
    unless `fixed` (`56,0`: a table column with one number of decimals)."""
    quantum = Decimal(1).scaleb(-decimals)
    number = Decimal(value)
    with localcontext() as ctx:
        ctx.rounding = ROUND_HALF_UP
        ctx.prec = max(ctx.prec, number.adjusted() + decimals + 2)  # room for every digit shown
        rounded = number.quantize(quantum)
        text: str = _pattern(decimals, fixed).apply(rounded, _locale())
    return text


def format_exact(value: Decimal | int) -> str:
    """Every decimal the value has, Vietnamese style: for messages quoting what a cell holds."""
    _, digits, exponent = Decimal(value).as_tuple()
    assert isinstance(exponent, int), "a finite number"
    zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    decimals = max(0, -(exponent + zeros)) if any(digits) else 0
    return format_number(value, decimals)


def format_percent(value: Decimal, decimals: int = 1) -> str:
    return format_number(value, decimals) + "%"


def format_date(value: dt.date) -> str:
    """`20/01/2018`, as dates are written in Vietnamese documents."""
    return value.strftime("%d/%m/%Y")


def format_datetime(value: dt.datetime) -> str:
    """`15/01/2018 09:30`."""
    return value.strftime("%d/%m/%Y %H:%M")


def date_words(day: dt.date) -> str:
    """`ngày 05 tháng 01 năm 2018`: as Nghị định 30/2020/NĐ-CP writes dates, a day below 10 and
    the months 1 and 2 take a leading zero (`tháng 3` does not)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"
