from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipstat.reading.formatting import format_exact, format_number
from ipstat.reading.numbers import NotANumber, decimal_from_float, parse_vi_number, plain


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4.841,2", "4841.2"),
        ("771.112", "771112"),
        ("1 234,5", "1234.5"),
        ("1\u00a0234,5", "1234.5"),
        ("0,5", "0.5"),
        ("12", "12"),
        ("-12,5", "-12.5"),
        ("  33.009,6 ", "33009.6"),
    ],
)
def test_vietnamese_text_numbers_are_read(text: str, expected: str) -> None:
    assert parse_vi_number(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    ["4,841.2", "1.5", "12,3,4", "khoảng 50", "1.23", "1.2345", "1.234 567", ",5", "5,", "", "1e3"],
)
def test_ambiguous_text_is_refused(text: str) -> None:
    with pytest.raises(NotANumber):
        parse_vi_number(text)


decimals = st.decimals(min_value=0, max_value=10**12, places=3, allow_nan=False)


@given(decimals)
def test_formatting_then_parsing_round_trips(value: Decimal) -> None:
    assert parse_vi_number(format_exact(value)) == value


@given(st.integers(min_value=0, max_value=999), st.integers(min_value=1, max_value=2))
def test_english_style_decimals_are_never_guessed(whole: int, digits: int) -> None:
    fraction = "5" * digits
    with pytest.raises(NotANumber):
        parse_vi_number(f"{whole}.{fraction}")


@given(st.integers(min_value=1000, max_value=10**9), st.integers(min_value=1, max_value=99))
def test_english_grouping_with_decimals_is_refused(whole: int, cents: int) -> None:
    with pytest.raises(NotANumber):
        parse_vi_number(f"{whole:,}.{cents}")


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_a_float_cell_becomes_its_shortest_decimal(value: float) -> None:
    assert decimal_from_float(value) == Decimal(repr(value))
    assert float(decimal_from_float(value)) == value


def test_float_cells_keep_what_the_spreadsheet_showed() -> None:
    assert decimal_from_float(0.1) + decimal_from_float(0.2) == Decimal("0.3")
    assert decimal_from_float(5207.45) == Decimal("5207.45")


def test_nan_is_not_a_number() -> None:
    with pytest.raises(NotANumber):
        decimal_from_float(float("nan"))


@pytest.mark.parametrize(
    ("value", "expected"),
    [("4841.2", "4841.2"), ("1500", "1500"), ("1.50", "1.5"), ("1E+3", "1000"), ("0.000", "0")],
)
def test_plain_never_uses_exponents(value: str, expected: str) -> None:
    assert plain(Decimal(value)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("4841.2", "4.841,2"),
        ("4841.25", "4.841,3"),
        ("3.45", "3,5"),
        ("33009.6", "33.009,6"),
        ("771112", "771.112"),
        ("56.0", "56"),
        ("45.89", "45,9"),
        ("5207.45", "5.207,5"),
        ("0.05", "0,1"),
    ],
)
def test_display_rounds_half_up_and_drops_trailing_zero(value: str, expected: str) -> None:
    assert format_number(Decimal(value)) == expected
