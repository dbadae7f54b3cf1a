"""The scoring table as data, registrations, self-scores and adjustments: one test per rule."""

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ipstat.base.resources import data_dir
from ipstat.checks.validation import validate_paths
from ipstat.contract.checked import ContractError
from ipstat.contract.model import Contract, load_contract
from ipstat.contract.scoring_table import ScoringTable, load_scoring
from ipstat.outputs.emulation_forms import write_registration_form
from ipstat.outputs.forms import write_form
from ipstat.reading.adjustments import read_adjustments
from tests.test_contract import edit


@pytest.fixture(scope="module")
def table(contract: Contract) -> ScoringTable:
    loaded = load_scoring(contract)
    assert loaded is not None
    return loaded


def test_the_shipped_table_uses_every_method_and_says_it_is_an_example(
    table: ScoringTable,
) -> None:
    text = (data_dir("schemas") / "scoring" / "dbsh.toml").read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("# EXAMPLE ONLY")
    assert {c.method for c in table.criterion} == {"plan", "growth", "self", "manual"}
    assert table.total_max == 100


@pytest.mark.parametrize(
    ("old", "new", "complaint"),
    [
        ('code = "I.2"', 'code = "I.1"', "Tiêu chí “I.1” xuất hiện hai lần"),
        ('group = "II"', 'group = "IV"', "không có nhóm “IV”"),
        (
            'indicator = "export_usd"',
            'indicator = "export_usd_x"',
            "không có chỉ tiêu “export_usd_x”",
        ),
        ('method = "self"', 'method = "selfie"', "method"),
        ("max = 15", "max = 0", "`max` phải lớn hơn 0"),
        ("max = 15", "maxi = 15", "maxi"),
        (
            'method = "manual"',
            'method = "manual"\nindicator = "workers"',
            "“manual” không dùng `indicator`",
        ),
        ("target = 10", "", "target"),
        ("bonus_max = 2", "", "bonus"),
        ("places = 2", "places = 2,", "TOML"),
    ],
)
def test_a_typo_in_the_table_is_a_clear_error(
    tmp_path: Path, contract: Contract, old: str, new: str, complaint: str
) -> None:
    path = tmp_path / "table.toml"
    shutil.copy(data_dir("schemas") / "scoring" / "dbsh.toml", path)
    edit(path, old, new)
    with pytest.raises(ContractError, match=complaint):
        load_scoring(contract, path)


def test_the_bloc_names_its_table(tmp_path: Path) -> None:
    bloc = tmp_path / "b.toml"
    bloc.write_text(
        'id = "x"\nname = "Khối"\nscoring = "dbsh"\n[[members]]\nname = "Cần Thơ"\nslug = "ct"\n',
        encoding="utf-8",
    )
    assert load_scoring(load_contract(bloc=bloc)) is not None


def fill(path: Path, sheet: str, values: dict[str, Any]) -> None:
    book = openpyxl.load_workbook(path)
    for row in book[sheet].iter_rows():
        if str(row[0].value) in values:
            row[3].value = values[str(row[0].value)]
    book.save(path)


def rules(path: Path, contract: Contract, table: ScoringTable) -> list[str]:
    return sorted(f.rule for f in validate_paths([path], contract, 2016, scoring=table).report)


PLANS = {"fdi_new_capital": 200, "ddi_new_capital": 2000, "fdi_disbursed_year": 100}


def registration(tmp_path: Path, contract: Contract, table: ScoringTable) -> Path:
    member = contract.bloc.members[2]
    return write_registration_form(tmp_path / "dk.xlsx", contract, table, 2016, member)


def test_a_filled_registration_validates_clean(
    tmp_path: Path, contract: Contract, table: ScoringTable
) -> None:
    path = registration(tmp_path, contract, table)
    fill(path, "Đăng ký", PLANS)
    validation = validate_paths([path], contract, 2016, scoring=table)
    assert list(validation.report) == []
    [registered] = validation.registrations
    assert registered.member == "Hà Nam" and set(registered.figures) == set(PLANS)
    assert openpyxl.load_workbook(path).sheetnames == ["Hướng dẫn", "Thông tin", "Đăng ký"]


def test_registration_rules(tmp_path: Path, contract: Contract, table: ScoringTable) -> None:
    path = registration(tmp_path, contract, table)
    fill(path, "Đăng ký", {**PLANS, "fdi_new_capital": 0, "ddi_new_capital": "2.000,5"})
    book = openpyxl.load_workbook(path)
    book["Đăng ký"].delete_rows(7)  # fdi_disbursed_year
    book.save(path)
    assert rules(path, contract, table) == ["missing-plan", "non-positive-plan", "text-number"]


def test_self_scores_are_checked_against_the_table(
    tmp_path: Path, contract: Contract, table: ScoringTable
) -> None:
    path = write_form(tmp_path / "y.xlsx", contract, 2016, contract.bloc.members[2], scoring=table)
    from tests.conftest import VALID

    fill(path, "Chỉ tiêu", VALID)
    book = openpyxl.load_workbook(path)
    sheet = book["Tự chấm điểm"]
    assert [r[0].value for r in sheet.iter_rows(min_row=5)] == ["II.1", "II.2", "II.3"]
    assert sheet["C5"].value == 15  # the table's maximum, prefilled
    sheet["D5"], sheet["D6"], sheet["D7"] = 16, "nhiều", 5
    sheet.append(["IX.9", "?", 1, 1])
    book.save(path)
    assert rules(path, contract, table) == [
        "self-score-out-of-range",
        "self-score-out-of-range",
        "unknown-code",
    ]


def adjustments(tmp_path: Path, rows: list[list[Any]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Điều chỉnh"
    sheet.append(["Thành viên", "Mã tiêu chí", "Điểm", "Lý do"])
    for row in rows:
        sheet.append(row)
    path = tmp_path / "dc.xlsx"
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("row", "rule"),
    [
        (["Hà Nam", "III.1", 9, None], "adjustment-without-reason"),
        (["Hà Nam", "III.1", 11, "x"], "adjustment-out-of-range"),
        (["Hà Nam", "I.1", 17.5, "x"], "adjustment-out-of-range"),  # above max + bonus_max
        (["Hà Nam", "III.1", "nhiều", "x"], "adjustment-out-of-range"),
        (["Atlantis", "III.1", 9, "x"], "adjustment-unknown-member"),
        (["Hà Nam", "IX.9", 9, "x"], "adjustment-unknown-criterion"),
    ],
)
def test_adjustment_rules(
    tmp_path: Path, contract: Contract, table: ScoringTable, row: list[Any], rule: str
) -> None:
    found, findings = read_adjustments(adjustments(tmp_path, [row]), contract, table)
    assert found == [] and [f.rule for f in findings] == [rule]
    assert findings[0].sheet == "Điều chỉnh" and findings[0].cell


def test_an_adjustment_may_override_a_computed_criterion_within_its_bonus(
    tmp_path: Path, contract: Contract, table: ScoringTable
) -> None:
    rows: list[list[Any]] = [
        ["HA NAM", "I.1", 17, "Số liệu FDI được Sở KH&ĐT xác nhận lại"],
        ["", "", None, None],
    ]
    [found], findings = read_adjustments(adjustments(tmp_path, rows), contract, table)
    assert findings == [] and (found.member, found.criterion, found.points) == (
        "Hà Nam",
        "I.1",
        Decimal(17),
    )


def test_two_adjustments_of_one_criterion_are_refused(
    tmp_path: Path, contract: Contract, table: ScoringTable
) -> None:
    rows = [["Hà Nam", "III.1", 9, "a"], ["Hà Nam", "III.1", 8, "b"]]
    _, findings = read_adjustments(adjustments(tmp_path, rows), contract, table)
    assert [f.rule for f in findings] == ["duplicate-adjustment"]
