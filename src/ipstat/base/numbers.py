"""Numbers from cells: exact decimals, and the strict Vietnamese rule for numbers typed as text."""

import math
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext

# `.` or a (non-breaking) space between groups of exactly three digits, `,` as decimal mark.
_GROUPED = re.compile(r"[0-9]{1,3}(?:(?P<sep>[. \u00a0\u202f])[0-9]{3})(?:(?P=sep)[0-9]{3})*")
_DIGITS = re.compile(r"[0-9]+")
_MINUS = ("-", "\u2212")
SHOWN_DIGITS = 15  # what Excel keeps and shows of a number: 15 significant digits


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
    return value.copy_negate() if negative else value  # exact: `-` would round to 28 digits


def decimal_from_float(value: float) -> Decimal:
    """What the spreadsheet shows at full precision: the shortest decimal that round-trips the
    float, rounded half-up to 15 significant digits (`=1.1*3` is 3.3, not 3.3000000000000003)."""
    if not math.isfinite(value):
        raise NotANumber(repr(value))
    text = repr(value)
    exact = Decimal(text)
    if len(text) <= SHOWN_DIGITS or significant_digits(exact) <= SHOWN_DIGITS:
        return exact  # (a repr of 15 characters has at most 15 digits)
    with localcontext() as ctx:
        ctx.prec = SHOWN_DIGITS
        ctx.rounding = ROUND_HALF_UP
        shown = +exact
    return _strip_fraction_zeros(shown)


def significant_digits(value: Decimal) -> int:
    """Digits from the first to the last non-zero one (`1500` has 2, `0.0120` has 2)."""
    digits = "".join(map(str, value.as_tuple().digits)).strip("0")
    return len(digits)


def _strip_fraction_zeros(value: Decimal) -> Decimal:
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    kept = list(digits)
    while exponent < 0 and len(kept) > 1 and kept[-1] == 0:
        kept.pop()
        exponent += 1
    return Decimal((sign, tuple(kept), exponent))


def is_whole(value: Decimal) -> bool:
    return value == value.to_integral_value()


def plain(value: Decimal) -> str:
    """Positional notation without trailing zeros (`4841.2`, `1500`, never `1.5E+3`)."""
    if is_whole(value):
        return str(int(value))
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
