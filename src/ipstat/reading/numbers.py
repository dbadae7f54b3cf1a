"""Numbers from cells: exact decimals, and the strict Vietnamese rule for numbers typed as text."""

import math
import re
from decimal import Decimal

# `.` or a (non-breaking) space between groups of exactly three digits, `,` as decimal mark.
_GROUPED = re.compile(r"[0-9]{1,3}(?:(?P<sep>[. \u00a0\u202f])[0-9]{3})(?:(?P=sep)[0-9]{3})*")
_DIGITS = re.compile(r"[0-9]+")
_MINUS = ("-", "\u2212")


class NotANumber(ValueError):
    """Text that is not a number in Vietnamese convention; the value must not be guessed."""


def parse_vi_number(text: str) -> Decimal:
    """`4.841,2` → 4841.2; `771.112` → 771112; `1 234,5` → 1234.5. Anything else is refused."""
    body = text.strip()
    negative = body.startswith(_MINUS)
    if negative:
        body = body[1:].lstrip()
    whole, comma, fraction = body.partition(",")
    if comma and not _DIGITS.fullmatch(fraction):
        raise NotANumber(text)
    if _DIGITS.fullmatch(whole) is None and _GROUPED.fullmatch(whole) is None:
        raise NotANumber(text)
    digits = re.sub(r"[^0-9]", "", whole)
    value = Decimal(f"{digits}.{fraction}" if comma else digits)
    return -value if negative else value


def decimal_from_float(value: float) -> Decimal:
    """The shortest decimal that round-trips the float: what the sheet showed, not its binary."""
    if not math.isfinite(value):
        raise NotANumber(repr(value))
    return Decimal(repr(value))


def is_whole(value: Decimal) -> bool:
    return value == value.to_integral_value()


def plain(value: Decimal) -> str:
    """Positional notation without trailing zeros (`4841.2`, `1500`, never `1.5E+3`)."""
    if is_whole(value):
        return str(int(value))
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
