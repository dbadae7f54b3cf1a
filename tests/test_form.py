from collections.abc import Callable
from pathlib import Path

import openpyxl

from ipstat.contract.model import Contract
from ipstat.outputs.forms import CODE_COLOR, INPUT_FILL, form_filename, write_form
from ipstat.outputs.paper import PORTRAIT_CHARACTERS
from ipstat.reading.submission import read_submission
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


def test_a_blank_form_is_one_error_not_one_per_cell(tmp_path: Path, contract: Contract) -> None:
    path = write_form(tmp_path / "blank.xlsx", contract, 2017)
    _, findings = read_submission(path, contract)
    assert sorted(f.rule for f in findings) == ["blank-form", "missing-info"]


def test_a_form_with_one_figure_asks_for_every_other_value(
    tmp_path: Path, contract: Contract
) -> None:
    path = write_form(tmp_path / "one.xlsx", contract, 2017)
    book = openpyxl.load_workbook(path)
    sheet = book["Chỉ tiêu"]
    next(r for r in sheet.iter_rows() if r[0].value == "workers")[3].value = 100
    book.save(path)
    _, findings = read_submission(path, contract)
    assert sorted(f.rule for f in findings) == ["missing-info"] + ["missing-value"] * 31


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


def test_form_prints_on_a4(tmp_path: Path, contract: Contract) -> None:
    path = write_form(tmp_path / "f.xlsx", contract, 2017, contract.bloc.members[0])
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        assert sheet.page_setup.paperSize == 9, sheet.title  # A4
        assert sheet.sheet_properties.pageSetUpPr is not None
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    figures = book["Chỉ tiêu"]
    assert figures.page_setup.orientation == "landscape"
    assert figures.print_title_rows == "$4:$4" and figures["A4"].value == "Mã"
    assert figures.print_area == "'Chỉ tiêu'!$A$1:$E$40"
    assert book["Thông tin"].print_title_rows == "$3:$3"
    assert book["Thông tin"].page_setup.orientation == "portrait"


def test_guide_lines_wrap_inside_a_portrait_page(tmp_path: Path, contract: Contract) -> None:
    guide = openpyxl.load_workbook(write_form(tmp_path / "f.xlsx", contract, 2017))["Hướng dẫn"]
    assert guide.page_setup.orientation == "portrait"
    assert (guide.column_dimensions["A"].width or 0) <= PORTRAIT_CHARACTERS
    lines = [row[0] for row in guide.iter_rows(min_row=2) if row[0].value]
    assert lines and all(cell.alignment.wrap_text for cell in lines)
    assert guide.sheet_properties.pageSetUpPr is not None
    assert guide.sheet_properties.pageSetUpPr.fitToPage and guide.page_setup.fitToWidth == 1


def test_input_cells_look_like_input_cells(tmp_path: Path, contract: Contract) -> None:
    book = openpyxl.load_workbook(write_form(tmp_path / "f.xlsx", contract, 2017))
    workers = next(r for r in book["Chỉ tiêu"].iter_rows() if r[0].value == "workers")
    code, label, unit, value, note = workers
    for cell in (value, note):
        assert not cell.protection.locked
        assert cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb.endswith(INPUT_FILL)
        assert cell.border.left.style == cell.border.bottom.style == "thin"
    for cell in (code, label, unit):
        assert cell.protection.locked and cell.fill.fill_type is None
        assert cell.border.left.style is None
    assert code.font.color.rgb.endswith(CODE_COLOR) and label.font.color.rgb != code.font.color.rgb
    info = {row[0].value: row[2] for row in book["Thông tin"].iter_rows(min_row=4)}
    assert info["nguoi_lap"].fill.fgColor.rgb.endswith(INPUT_FILL)
