"""Excel 97–2003 `.xls` and LibreOffice `.ods`: vetted like `.xlsx` before python-calamine reads
their values, and the fonts of `.xls` text cells, which tell TCVN3/VNI text apart.

python-calamine reads both formats, but it allocates every cell of a sheet's extent and says
only "Cannot detect file format" of an encrypted `.xls`; so the extent is bounded and the
container's problems are named here first, in words a clerk can act on.
"""

import io
from collections.abc import Iterator
from typing import IO, Any

from ipstat.errors import WorkbookError
from ipstat.reading.legacy_text import font_encoding

Fonts = dict[str, dict[tuple[int, int], str]]  # sheet → (row, column) → legacy font name


def xls_fonts(content: bytes, max_rows: int, max_columns: int) -> Fonts:
    """Open the `.xls` with xlrd (styles included): encrypted, damaged and over-size files are
    refused; returns the text cells set in a TCVN3 or VNI font."""
    import xlrd  # noqa: PLC0415  (only for .xls files)

    log = io.StringIO()  # xlrd writes warnings to stdout otherwise, into `--format json`
    try:
        book = xlrd.open_workbook(
            file_contents=content, formatting_info=True, ragged_rows=True, logfile=log
        )
    except xlrd.XLRDError as exc:
        if "encrypted" in str(exc).casefold():
            raise WorkbookError(PASSWORD) from exc
        raise WorkbookError(_DAMAGED) from exc
    except Exception as exc:  # xlrd fails on damaged files with IndexError, struct.error, …
        raise WorkbookError(_DAMAGED) from exc
    fonts: Fonts = {}
    for sheet in book.sheets():
        columns = max((sheet.row_len(r) for r in range(sheet.nrows)), default=0)
        if sheet.nrows > max_rows or columns > max_columns:
            raise WorkbookError(_too_big(sheet.name, sheet.nrows, columns))
        fonts[sheet.name] = dict(_legacy_cells(book, sheet))
    return fonts


def _legacy_cells(book: Any, sheet: Any) -> Iterator[tuple[tuple[int, int], str]]:
    import xlrd  # noqa: PLC0415

    names = [font.name for font in book.font_list]
    if not any(font_encoding(name) for name in names):
        return
    for row in range(sheet.nrows):
        for column in range(sheet.row_len(row)):
            cell = sheet.cell(row, column)
            if cell.ctype != xlrd.XL_CELL_TEXT:
                continue
            name = names[book.xf_list[cell.xf_index].font_index]
            if font_encoding(name):
                yield (row, column), name


def ods_extent(content: IO[bytes], max_rows: int, max_columns: int) -> None:
    """Refuse a `content.xml` whose sheets reach beyond the limits with a filled cell.

    A spreadsheet program writes the empty rest of a sheet as one row repeated a million
    times; only rows and cells that hold something count. The scan is a streaming parse, so
    its cost is linear in the part, which is already bounded in size."""
    from xml.etree.ElementTree import ParseError  # noqa: PLC0415

    from defusedxml.ElementTree import iterparse  # noqa: PLC0415

    try:
        _ods_extent(
            iterparse(content, events=("start", "end"), forbid_dtd=True), max_rows, max_columns
        )
    except (ParseError, ValueError) as exc:  # a damaged part, a repeat count that is no number
        raise WorkbookError(
            "Bảng tính .ods bị hỏng (nội dung content.xml sai); hãy mở bằng LibreOffice hoặc "
            "Excel, lưu lại rồi gửi lại."
        ) from exc


def _ods_extent(events: Any, max_rows: int, max_columns: int) -> None:
    table = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
    office = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
    rows = columns = 0
    name = ""
    for event, element in events:
        tag = element.tag
        if event == "start":
            if tag == table + "table":
                name, rows = element.get(table + "name", ""), 0
            continue
        if tag == table + "table-row":
            repeat = int(element.get(table + "number-rows-repeated", "1"))
            width, filled = 0, 0
            for cell in element:
                span = int(cell.get(table + "number-columns-repeated", "1"))
                width += span
                if cell.get(office + "value-type") or len(cell):
                    filled = width
            rows += repeat
            if filled:
                columns = max(columns, filled)
                if rows > max_rows or columns > max_columns:
                    raise WorkbookError(_too_big(name, rows, columns))
            element.clear()
        elif tag == table + "table":
            element.clear()


def _too_big(sheet: str, rows: int, columns: int) -> str:
    return (
        f"Trang tính “{sheet}” có dữ liệu đến dòng {rows}, cột {columns}: quá lớn so với một "
        "biểu báo cáo; hãy xóa các dòng, cột thừa rồi gửi lại."
    )


PASSWORD = (
    "Tệp được đặt mật khẩu; hãy bỏ mật khẩu (Tệp > Thông tin > Bảo vệ sổ làm việc) rồi gửi lại."
)
_DAMAGED = (
    "Tệp Excel cũ (.xls) bị hỏng hoặc chưa tải về hết; hãy mở bằng Excel, lưu lại rồi gửi lại."
)
