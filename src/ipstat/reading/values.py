"""A cell's value as a number, by one rule for every sheet (figures, plans, points).

A number cell is read as the spreadsheet shows it (15 significant digits); a text cell only in
the Vietnamese convention (`4.841,2`), and then with a warning; anything else is a problem the
caller names in its own words. Never a guess.
"""

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from ipstat.base.formatting import format_exact
from ipstat.base.numbers import (
    SHOWN_DIGITS,
    NotANumber,
    decimal_from_float,
    parse_vi_number,
    significant_digits,
)

Cell = object
Add = Callable[[str, str], None]  # a finding: its rule and its text
Problem = Literal["empty", "not-a-number", "undefined", "infinite", "too-many-digits"]


@dataclass(frozen=True)
class Number:
    value: Decimal | None  # None when there is a problem
    problem: Problem | None = None
    shown: str = ""  # the cell as its text, for messages
    from_text: bool = False  # typed as text: read, with a warning
    digits: int = 0  # significant digits of a number typed as text


def cell_text(raw: Cell) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime | dt.date):
        return raw.strftime("%d/%m/%Y")
    return str(raw).strip()


def read_number(raw: Cell) -> Number:
    if isinstance(raw, bool | dt.date | dt.time | dt.timedelta):
        return Number(None, "not-a-number", cell_text(raw))
    if isinstance(raw, float):
        if math.isnan(raw):
            return Number(None, "undefined", "NaN")
        if math.isinf(raw):
            return Number(None, "infinite", repr(raw))
        try:
            return Number(decimal_from_float(raw), shown=repr(raw))
        except NotANumber:
            return Number(None, "not-a-number", repr(raw))
    if isinstance(raw, int):
        return Number(Decimal(raw), shown=str(raw))
    text = "" if raw is None else str(raw).strip()
    if not text:
        return Number(None, "empty")
    try:
        value = parse_vi_number(text)
    except NotANumber:
        return Number(None, "not-a-number", text)
    digits = significant_digits(value)
    if digits > SHOWN_DIGITS:
        return Number(None, "too-many-digits", text, digits=digits)
    return Number(value, shown=text, from_text=True)


def read_points(raw: Cell, add: Add, rule: str) -> Decimal | None:
    """A number of points (a self-score, an adjustment): an empty cell is no points (yet);
    anything that is not a number is a finding of `rule`."""
    read = read_number(raw)
    if read.problem == "empty":
        return None
    if read.value is None:
        add(rule, f"“{read.shown}” không phải là số điểm; hãy nhập một số (ví dụ 14,5).")
        return None
    if read.from_text:
        add(
            "text-number",
            f"số được nhập dạng chữ “{read.shown}”, đã đọc là {format_exact(read.value)}; hãy "
            "nhập dạng số.",
        )
    return read.value
