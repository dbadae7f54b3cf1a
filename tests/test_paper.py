"""Page set-up of the sheets clerks print, read back from the written file."""

from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment

from ipstat.outputs.paper import (
    LINE_HEIGHT,
    PORTRAIT_CHARACTERS,
    fit_row_heights,
    is_wide,
    print_on_a4,
)


def test_a4_one_page_wide_with_the_header_row_repeated(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in range(1, 120):
        sheet.append([f"r{row}", row, row * 2])
    print_on_a4(sheet, title_row=3, landscape=True)
    book.save(tmp_path / "p.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "p.xlsx").active
    assert sheet is not None
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr is not None
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.print_title_rows == "$3:$3"
    assert sheet.print_area == "'Sheet'!$A$1:$C$119"


def test_wide_sheets_go_landscape() -> None:
    sheet = openpyxl.Workbook().create_sheet("x")
    sheet["A1"], sheet["B1"] = "a", "b"
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = PORTRAIT_CHARACTERS - 40
    assert not is_wide(sheet)
    sheet["C1"] = "c"  # a default-width column more
    assert is_wide(sheet)


def test_rows_grow_to_their_wrapped_text() -> None:
    sheet = openpyxl.Workbook().create_sheet("x")
    sheet.column_dimensions["B"].width = 30
    sheet.append(["short", "fits on one line"])
    sheet.append(["long", "word " * 20])  # 100 letters, about 90 digits wide: three lines
    sheet.append(["two paragraphs", "one\ntwo"])
    sheet.append(["not wrapped", "word " * 20])
    for row in sheet.iter_rows(max_row=3):
        row[1].alignment = Alignment(wrap_text=True)
    fit_row_heights(sheet)
    heights = {row: sheet.row_dimensions[row].height for row in range(1, 5)}
    assert heights == {1: None, 2: 3 * LINE_HEIGHT, 3: 2 * LINE_HEIGHT, 4: None}
