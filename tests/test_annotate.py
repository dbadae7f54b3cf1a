from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from ipstat.checks.validation import validate_paths
from ipstat.cli import app
from ipstat.contract.model import Contract
from ipstat.errors import InputError
from ipstat.outputs.annotate import FILLS, SHEET, annotate_reports, annotated_copy
from ipstat.reading.findings import Finding

Make = Callable[..., Path]


def values(path: Path) -> dict[tuple[str, str], object]:
    book = openpyxl.load_workbook(path)
    return {
        (sheet.title, cell.coordinate): cell.value
        for sheet in book.worksheets
        if sheet.title != SHEET
        for row in sheet.iter_rows()
        for cell in row
    }


def test_annotated_copy(make_workbook: Make, contract: Contract, tmp_path: Path) -> None:
    source = make_workbook(values={"ddi_new_capital": -12.5, "fdi_new_capital": "217,85"})
    original = source.read_bytes()
    report = validate_paths([source], contract).report
    [copy] = annotate_reports(report.files, tmp_path / "gui-lai").written
    assert copy == tmp_path / "gui-lai" / source.name
    assert source.read_bytes() == original
    assert values(copy) == values(source)

    book = openpyxl.load_workbook(copy)
    assert book.sheetnames[0] == SHEET
    figures = book["Chỉ tiêu"]
    assert figures["D9"].fill.fgColor.rgb == "00" + FILLS["error"]
    assert figures["D7"].fill.fgColor.rgb == "00" + FILLS["warning"]
    assert "giá trị âm -12,5" in figures["D9"].comment.text
    assert "negative-value" in figures["D9"].comment.text
    assert figures["D8"].comment is None

    listing = book[SHEET]
    rows = [[c.value for c in row] for row in listing.iter_rows(min_row=5)]
    assert rows[0][:5] == ["Lỗi", "Chỉ tiêu", "D9", "ddi_new_capital", "negative-value"]
    assert rows[1][:5] == ["Cảnh báo", "Chỉ tiêu", "D7", "fdi_new_capital", "text-number"]
    assert listing["C5"].hyperlink.location == "'Chỉ tiêu'!D9"


def test_clean_and_unreadable_workbooks_get_no_copy(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    make_workbook()
    (make_workbook().parent / "broken.xlsx").write_bytes(b"not a workbook")
    report = validate_paths([tmp_path], contract).report
    result = annotate_reports(report.files, tmp_path / "out")
    assert result.written == [] and result.problems == []


def test_never_overwrites_the_original(make_workbook: Make, contract: Contract) -> None:
    source = make_workbook(values={"workers": -1})
    report = validate_paths([source], contract).report
    with pytest.raises(InputError):
        annotate_reports(report.files, source.parent)


def test_cli_annotate(make_workbook: Make, tmp_path: Path) -> None:
    source = make_workbook(values={"workers": -1})
    result = CliRunner().invoke(app, ["validate", str(source), "--annotate", str(tmp_path / "a")])
    assert result.exit_code == 1
    assert (tmp_path / "a" / source.name).is_file()
    assert "Đã ghi bản có ghi chú" in result.stderr


def test_a_workbook_openpyxl_cannot_open_is_skipped_with_a_message(
    make_workbook: Make, contract: Contract, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ipstat.outputs.annotate

    bad, good = make_workbook(values={"workers": -1}), make_workbook(values={"workers": -2})
    report = validate_paths([bad, good], contract).report
    real = ipstat.outputs.annotate.annotated_copy

    def picky(path: Path, findings: list) -> object:  # type: ignore[type-arg]
        if path == bad:
            raise KeyError("xl/styles.xml")
        return real(path, findings)

    monkeypatch.setattr(ipstat.outputs.annotate, "annotated_copy", picky)
    result = annotate_reports(report.files, tmp_path / "out")
    assert result.written == [tmp_path / "out" / good.name]
    assert len(result.problems) == 1 and str(bad) in result.problems[0]


def printed_copy(source: Path, contract: Contract, folder: Path) -> openpyxl.Workbook:
    report = validate_paths([source], contract).report
    [copy] = annotate_reports(report.files, folder).written
    return openpyxl.load_workbook(copy)


def assert_a4_one_page_wide(sheet: Worksheet) -> None:
    assert sheet.page_setup.paperSize == 9, sheet.title  # A4
    assert sheet.sheet_properties.pageSetUpPr is not None
    assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)


def test_findings_sheet_prints_with_wrapped_messages(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    source = make_workbook(values={"workers": "khoảng 35 nghìn", "ddi_new_capital": -1})
    listing = printed_copy(source, contract, tmp_path / "out")[SHEET]
    assert_a4_one_page_wide(listing)
    assert listing.print_title_rows == "$4:$4" and listing["F4"].value == "Nội dung"
    assert listing.page_setup.orientation == "landscape"
    assert (listing.column_dimensions["F"].width or 0) <= 60
    messages = [row[5] for row in listing.iter_rows(min_row=5)]
    assert len(messages) == 2 and all(cell.alignment.wrap_text for cell in messages)
    longest = max(messages, key=lambda cell: len(str(cell.value)))
    assert len(str(longest.value)) > 60
    assert (listing.row_dimensions[int(longest.row or 0)].height or 0) >= 30


def test_copied_sheets_print_with_their_header_row(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    book = printed_copy(make_workbook(values={"workers": -1}), contract, tmp_path / "out")
    for sheet in book.worksheets:
        assert_a4_one_page_wide(sheet)
    assert book["Chỉ tiêu"].print_title_rows == "$4:$4"


def test_a_foreign_sheet_repeats_the_row_above_its_frozen_panes(tmp_path: Path) -> None:
    source = openpyxl.Workbook()
    sheet = source.active
    assert sheet is not None
    sheet.title = "Số liệu"
    sheet.append(["Báo cáo"])
    sheet.append(["Mã", "Giá trị"])
    sheet.append(["workers", -1])
    sheet.freeze_panes = "A3"
    chosen = source.copy_worksheet(sheet)
    chosen.print_title_rows = "1:2"
    source.save(tmp_path / "x.xlsx")
    finding = Finding("x.xlsx", "negative-value", "error", "giá trị âm", "Số liệu", "B3", "workers")
    book = annotated_copy(tmp_path / "x.xlsx", [finding])
    copy = book["Số liệu"]
    assert_a4_one_page_wide(copy)
    assert copy.print_title_rows == "$2:$2" and copy.page_setup.orientation == "portrait"
    assert book[chosen.title].print_title_rows == "$1:$2"  # the member's own choice stays
