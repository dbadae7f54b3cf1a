from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipstat.base.formatting import format_exact, format_number
from ipstat.base.numbers import (
    SHOWN_DIGITS,
    NotANumber,
    decimal_from_float,
    parse_vi_number,
    plain,
    significant_digits,
)


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


@given(st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1), st.integers(0, 30))
def test_a_number_typed_in_a_cell_is_read_as_typed(digits: int, places: int) -> None:
    typed = Decimal(digits).scaleb(-places)  # at most 15 significant digits, as Excel keeps
    assert decimal_from_float(float(typed)) == typed


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_float_cell_is_its_shortest_decimal_at_15_significant_digits(value: float) -> None:
    shortest = Decimal(repr(value))
    read = decimal_from_float(value)
    assert significant_digits(read) <= SHOWN_DIGITS
    assert abs(read - shortest) <= Decimal(5).scaleb(shortest.adjusted() - SHOWN_DIGITS)
    if significant_digits(shortest) <= SHOWN_DIGITS:
        assert read == shortest


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1.1 * 3, "3.3"),
        (0.1 + 0.2, "0.3"),
        (5207.45, "5207.45"),
        (1.2345678901234567e19, "1.23456789012346E+19"),
        (123456789.12345678, "123456789.123457"),
        (0.000123456789012345678, "0.000123456789012346"),
    ],
)
def test_float_cells_are_what_the_spreadsheet_shows(value: float, shown: str) -> None:
    read = decimal_from_float(value)
    assert read == Decimal(shown) and str(read) == shown


@given(st.decimals(min_value=-(10**40), max_value=10**40, allow_nan=False, places=None))
def test_any_finite_decimal_can_be_formatted(value: Decimal) -> None:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if exponent < -60:
        return
    assert parse_vi_number(format_exact(value)) == value
    format_number(value)


@pytest.mark.parametrize("value", ["1E+300", "1" * 31, "0." + "1" * 31, "-1E+100"])
def test_huge_and_long_decimals_are_formatted_without_error(value: str) -> None:
    assert parse_vi_number(format_exact(Decimal(value))) == Decimal(value)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")])
def test_nan_and_infinity_are_not_numbers(value: float) -> None:
    with pytest.raises(NotANumber):
        decimal_from_float(value)


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
