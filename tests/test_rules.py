"""Each check between values: a workbook that breaks it, and the finding it must give."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ipstat.base.findings import Finding
from ipstat.checks.rules import check_submission
from ipstat.contract.model import Contract
from ipstat.reading.submission import read_submission

Make = Callable[..., Path]


def check(path: Path, contract: Contract, year: int | None = None) -> list[Finding]:
    submission, findings = read_submission(path, contract)
    assert submission is not None and findings == []
    return check_submission(submission, contract, year)


CASES: list[tuple[str, dict[str, Any], str, str, str]] = [
    ("active-below-new", {"fdi_active_projects": 10}, "fdi_active_projects", "D15", "error"),
    ("active-below-new", {"ddi_active_projects": 7}, "ddi_active_projects", "D16", "error"),
    (
        "disbursed-year-above-total",
        {"fdi_disbursed_year": 1046.5},
        "fdi_disbursed_year",
        "D19",
        "error",
    ),
    (
        "disbursed-year-above-total",
        {"ddi_disbursed_year": 9000},
        "ddi_disbursed_year",
        "D20",
        "error",
    ),
    ("zones-exceed-planned", {"zones_building": 4}, "zones_operating", "D26", "error"),
    (
        "zones-exceed-planned",
        {"zones_building_area": 1646.23},
        "zones_operating_area",
        "D27",
        "error",
    ),
    (
        "capital-without-projects",
        {"fdi_new_projects": 0, "fdi_active_projects": 92},
        "fdi_new_capital",
        "D7",
        "error",
    ),
    ("capital-without-projects", {"ddi_new_projects": 0}, "ddi_new_capital", "D9", "error"),
    ("projects-without-capital", {"fdi_new_capital": 0}, "fdi_new_capital", "D7", "warning"),
    ("projects-without-capital", {"ddi_new_capital": 0}, "ddi_new_capital", "D9", "warning"),
    ("wwtp-above-operating", {"zones_with_wwtp": 6}, "zones_with_wwtp", "D30", "warning"),
    (
        "disbursed-above-registered",
        {"fdi_disbursed_total": 1900},
        "fdi_disbursed_total",
        "D21",
        "warning",
    ),
    (
        "disbursed-above-registered",
        {"ddi_disbursed_total": 20000},
        "ddi_disbursed_total",
        "D22",
        "warning",
    ),
]


@pytest.mark.parametrize(("rule", "values", "code", "cell", "severity"), CASES)
def test_each_check_fires_on_the_cell_to_fix(
    make_workbook: Make,
    contract: Contract,
    rule: str,
    values: dict[str, Any],
    code: str,
    cell: str,
    severity: str,
) -> None:
    findings = check(make_workbook(values=values), contract)
    assert [(f.rule, f.code, f.cell, f.severity) for f in findings] == [
        (rule, code, cell, severity)
    ]
    assert findings[0].message.startswith(f"Ô {cell} ({code}): ")


def test_every_check_in_the_contract_has_a_case(contract: Contract) -> None:
    assert {c.rule for c in contract.rules.checks} == {case[0] for case in CASES}


def test_equality_at_the_bound_passes(make_workbook: Make, contract: Contract) -> None:
    values = {"fdi_active_projects": 12, "fdi_disbursed_year": 1046.49, "zones_planned": 8}
    assert check(make_workbook(values=values), contract) == []


def test_message_names_both_values_in_vietnamese(make_workbook: Make, contract: Contract) -> None:
    [finding] = check(make_workbook(values={"fdi_disbursed_year": 1046.5}), contract)
    assert "Vốn đầu tư FDI thực hiện trong năm (1.046,5)" in finding.message
    assert "không được lớn hơn" in finding.message
    assert "Vốn đầu tư FDI đã thực hiện lũy kế (1.046,49)" in finding.message
    assert "D21" in finding.message


def test_condition_is_stated(make_workbook: Make, contract: Contract) -> None:
    [finding] = check(make_workbook(values={"ddi_new_projects": 0}), contract)
    assert finding.message.startswith("Ô D9 (ddi_new_capital): Khi Số dự án DDI được cấp mới")


def test_check_with_a_missing_value_is_skipped(make_workbook: Make, contract: Contract) -> None:
    submission, findings = read_submission(make_workbook(values={"zones_planned": None}), contract)
    assert [f.rule for f in findings] == ["missing-value"]
    assert submission is not None and check_submission(submission, contract, None) == []


def test_year_mismatch(make_workbook: Make, contract: Contract) -> None:
    [finding] = check(make_workbook(year=2015), contract, year=2016)
    assert (finding.rule, finding.code, finding.severity) == ("year-mismatch", "nam", "error")
    assert "2015" in finding.message and "2016" in finding.message


def test_a_warning_asks_to_check_rather_than_forbids(
    make_workbook: Make, contract: Contract
) -> None:
    [finding] = check(make_workbook(values={"zones_with_wwtp": 6}), contract)
    assert "(6) thường không lớn hơn Số KCN đã đi vào hoạt động (5)" in finding.message
