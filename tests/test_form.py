from collections.abc import Callable
from pathlib import Path

import openpyxl

from ipstat.contract.model import Contract
from ipstat.outputs.form import form_filename, write_form
from ipstat.reading.reader import read_submission
from tests.conftest import VALID


def fill(path: Path, contract: Contract) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book[contract.form.figures_sheet.name]
    for row in sheet.iter_rows():
        if str(row[0].value) in VALID:
            row[3].value = VALID[str(row[0].value)]
    book.save(path)


def test_a_filled_form_validates_clean(tmp_path: Path, contract: Contract) -> None:
    member = contract.bloc.members[2]
    path = write_form(tmp_path / form_filename(2016, member), contract, 2016, member)
    assert path.name == "bieu-ha-nam-2016.xlsx"
    fill(path, contract)
    submission, findings = read_submission(path, contract)
    assert findings == []
    assert submission is not None and submission.member == "Hà Nam" and submission.year == 2016


def test_a_blank_form_asks_for_every_value(tmp_path: Path, contract: Contract) -> None:
    path = write_form(tmp_path / "blank.xlsx", contract, 2017)
    _, findings = read_submission(path, contract)
    assert sorted(f.rule for f in findings) == ["missing-info"] + ["missing-value"] * 32


def test_form_layout_validation_and_protection(tmp_path: Path, contract: Contract) -> None:
    path = write_form(tmp_path / "f.xlsx", contract, 2016, contract.bloc.members[0])
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Hướng dẫn", "Thông tin", "Chỉ tiêu"]
    assert "HƯỚNG DẪN" in str(book["Hướng dẫn"]["A1"].value)
    sheet = book["Chỉ tiêu"]
    assert sheet.protection.sheet is True and not sheet.protection.password
    rows = {row[0].value: row for row in sheet.iter_rows() if row[0].value in VALID}
    assert len(rows) == 32
    workers, capital = rows["workers"], rows["fdi_new_capital"]
    assert workers[0].protection.locked and workers[1].protection.locked
    assert not workers[3].protection.locked
    assert workers[3].number_format == "#,##0"
    rules = {dv.type: str(dv.sqref) for dv in sheet.data_validations.dataValidation}
    assert workers[3].coordinate in rules["whole"].split()
    assert capital[3].coordinate in rules["decimal"].split()
    info = book["Thông tin"]
    values = {row[0].value: row[2].value for row in info.iter_rows(min_row=4)}
    assert values["tinh"] == "Vĩnh Phúc" and values["nam"] == 2016


def test_form_for_every_member(
    tmp_path: Path, contract: Contract, make_workbook: Callable[..., Path]
) -> None:
    for member in contract.bloc.members:
        write_form(tmp_path / form_filename(2016, member), contract, 2016, member)
    assert len(list(tmp_path.glob("bieu-*-2016.xlsx"))) == 11
