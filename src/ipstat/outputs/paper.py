"""Page set-up of the openpyxl sheets clerks print (the form, the annotated copies): A4, one page
wide, the header row on every page, whatever the spreadsheet program's defaults are."""

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

# Text width, in Excel's column-width characters (7 px each, 96 px an inch), that fits across
# portrait A4 at 100% with the half-inch margins below (698 px); a wider sheet is printed
# landscape so that fitting it to the width keeps the text readable.
PORTRAIT_CHARACTERS = 98
A4 = 9  # the paper size code in OOXML
EXCEL_DEFAULT_WIDTH = 8.43
LINE_HEIGHT = 15  # points, a line of 11-point text
CHARACTER = 0.9  # an average letter's width in Excel's width unit (a digit's), a little generous


def print_on_a4(sheet: "Worksheet", title_row: int | None = None, landscape: bool = False) -> None:
    """A4, scaled to one page wide (never to one page tall), `title_row` repeated on each page."""
    from openpyxl.worksheet.page import PageMargins  # noqa: PLC0415
    from openpyxl.worksheet.properties import PageSetupProperties  # noqa: PLC0415

    sheet.page_setup.paperSize = A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    properties = sheet.sheet_properties
    if properties.pageSetUpPr is None:
        properties.pageSetUpPr = PageSetupProperties()
    properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.print_options.horizontalCentered = True
    sheet.print_area = f"A1:{sheet.cell(sheet.max_row, sheet.max_column).coordinate}"
    if title_row is not None:
        sheet.print_title_rows = f"{title_row}:{title_row}"


def text_width(sheet: "Worksheet") -> float:
    """The printed width of the used columns, in characters."""
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    total = 0.0
    for column in range(1, sheet.max_column + 1):
        dimension = sheet.column_dimensions.get(get_column_letter(column))
        if dimension is not None and dimension.hidden:
            continue
        width = dimension.width if dimension is not None else None
        total += width or EXCEL_DEFAULT_WIDTH
    return total


def is_wide(sheet: "Worksheet") -> bool:
    return text_width(sheet) > PORTRAIT_CHARACTERS


def fit_row_heights(sheet: "Worksheet", first_row: int = 1) -> None:
    """Rows tall enough for their wrapped text. Spreadsheet programs size rows when text is
    typed, not when a file is opened, so a long message would otherwise print cut to one line."""
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    for number, row in enumerate(sheet.iter_rows(min_row=first_row), start=first_row):
        lines = 1
        for cell in row:
            if cell.value is None or not (cell.alignment and cell.alignment.wrap_text):
                continue
            dimension = sheet.column_dimensions.get(get_column_letter(cell.column))
            width = (dimension.width if dimension is not None else None) or EXCEL_DEFAULT_WIDTH
            lines = max(lines, _lines(str(cell.value), width))
        if lines > 1:
            sheet.row_dimensions[number].height = LINE_HEIGHT * lines


def wrapped_height(texts: "list[tuple[str, float]]") -> float | None:
    """The height, in points, of a row whose wrapped cells hold these (text, column width)
    pairs; None when one line is enough. For XlsxWriter sheets, which cannot be re-read."""
    lines = max((_lines(text, width) for text, width in texts), default=1)
    return LINE_HEIGHT * lines if lines > 1 else None


def _lines(text: str, width: float) -> int:
    """Lines `text` takes in a column `width` characters wide, rounding up."""
    return sum(max(1, math.ceil(len(part) * CHARACTER / width)) for part in text.split("\n"))
