"""A workbook's reporting period (half-year.md §1): the `ky` row of `Thông tin`, folded like
member names, absent for the year; anything else refused; a workbook of another period than the
one asked is `mixed-periods`, in the one validation every command shares."""

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from ipstat.checks.validation import validate_paths
from ipstat.contract.model import Contract
from tests.conftest import VALID

Make = Callable[..., Path]

# The spellings half-year.md names, and the same folded otherwise (case, marks, spaces).
SPELLINGS = ["6 tháng", "6 thang", "6T", "sáu tháng", "H1"]
FOLDED_TOO = ["6 THÁNG", "6t", "SAU THANG", "h1", "Sáu  Tháng", "6Tháng"]


def half_of(contract: Contract, share: Decimal, year: dict[str, Any] = VALID) -> dict[str, Any]:
    """A member's first six months: its flows a share of the year's, its stocks as at 30 June
    (the year's here, workers a little fewer); every rule still holds."""
    values: dict[str, Any] = {}
    for code, value in year.items():
        indicator = contract.form.by_code[code]
        exact = Decimal(str(value))
        if indicator.is_flow:
            exact *= share
        elif code == "workers":
            exact *= Decimal("0.97")
        quantum = Decimal(1) if indicator.is_count else Decimal("0.01")
        exact = exact.quantize(quantum, ROUND_HALF_UP)
        values[code] = int(exact) if indicator.is_count else float(exact)
    return values


def period_of(path: Path, contract: Contract, period: str = "6-thang") -> tuple[Any, list[str]]:
    validation = validate_paths([path], contract, period=period)
    [submission] = validation.submissions
    return submission.period, [f.rule for f in validation.report]


def test_flows_and_stocks_are_the_contracts(contract: Contract) -> None:
    """Flows: section A, section D but workers, the year's disbursements (half-year.md §1)."""
    form = contract.form
    expected = [
        i.code
        for i in form.indicators
        if i.section == "A" or (i.section == "D" and i.code != "workers")
    ]
    expected += ["fdi_disbursed_year", "ddi_disbursed_year"]
    assert sorted(form.flows) == sorted(expected)


@pytest.mark.parametrize("spelling", [*SPELLINGS, *FOLDED_TOO])
def test_every_spelling_of_ky_is_the_half_year(
    make_workbook: Make, contract: Contract, spelling: str
) -> None:
    path = make_workbook(period=spelling, values=half_of(contract, Decimal("0.5")))
    assert period_of(path, contract) == ("6-thang", [])


@pytest.mark.parametrize("spelling", ["Năm", "NĂM", "nam", " năm ", None, ""])
def test_the_year_is_named_or_is_the_default(
    make_workbook: Make, contract: Contract, spelling: str | None
) -> None:
    """No `ky` row (the yearly form as ever), an empty one, or `Năm`: a yearly workbook."""
    path = make_workbook() if spelling is None else make_workbook(period=spelling)
    assert period_of(path, contract, "nam") == ("nam", [])


def test_any_other_period_is_refused_listing_the_accepted_values(
    make_workbook: Make, contract: Contract
) -> None:
    path = make_workbook(period="Quý II")
    validation = validate_paths([path], contract, period="6-thang")
    [finding] = list(validation.report)
    assert (finding.rule, finding.severity) == ("invalid-period", "error")
    assert (finding.sheet, finding.cell, finding.code) == ("Thông tin", "C6", "ky")
    assert "“Quý II”" in finding.text
    for spelling in ["Năm", *SPELLINGS]:
        assert f"“{spelling}”" in finding.text
    assert validation.submissions[0].period is None  # never guessed, nor called mixed


def test_another_period_than_the_one_asked_is_mixed_periods(
    make_workbook: Make, contract: Contract
) -> None:
    half = make_workbook(period="6T", values=half_of(contract, Decimal("0.5")))
    year = make_workbook()
    for path, period in ((half, "nam"), (year, "6-thang")):
        [finding] = list(validate_paths([path], contract, period=period).report)
        assert (finding.rule, finding.severity, finding.sheet) == (
            "mixed-periods",
            "error",
            "Thông tin",
        )
    assert validate_paths([half, year], contract, period="nam").submissions[0].period == "6-thang"
