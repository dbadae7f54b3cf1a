"""Excel 97–2003 `.xls` and LibreOffice `.ods`: vetted like `.xlsx` before python-calamine reads
their values, and the fonts of `.xls` text cells, which tell TCVN3/VNI text apart.

python-calamine reads both formats, but it allocates every cell of a sheet's extent and says
only "Cannot detect file format" of an encrypted `.xls`; so the extent is bounded and the
container's problems are named here first, in words a clerk can act on.
"""

import io
from collections.abc import Iterator
from typing import Any

from ipstat.base.errors import WorkbookError
from ipstat.contract.catalogue import Limits
from ipstat.reading.container import shown
from ipstat.reading.legacy_text import font_encoding
from ipstat.reading.sheetscan import local, parse, xml_parser

Fonts = dict[str, dict[tuple[int, int], str]]  # sheet → (row, column) → legacy font name


def xls_fonts(content: bytes, limits: Limits) -> Fonts:
    """Open the `.xls` with xlrd (styles included): encrypted, damaged and over-size files are
    refused; returns the text cells set in a TCVN3 or VNI font. calamine reads every sheet of
    an `.xls` when it opens the file, so the sheets' areas together are bounded."""
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
    area = _Area(limits)
    for sheet in book.sheets():
        columns = max((sheet.row_len(r) for r in range(sheet.nrows)), default=0)
        area.sheet(sheet.name, sheet.nrows, columns)
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


class _Area:
    """The cells calamine keeps for the sheets of a file it reads whole: each sheet within the
    rows and columns of the limits, and all of them together within `max_cells`."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.cells = 0

    def sheet(self, name: str, rows: int, columns: int) -> None:
        limits = self.limits
        self.cells += rows * columns
        if rows > limits.max_rows or columns > limits.max_columns:
            raise WorkbookError(_too_big(name, rows, columns))
        if self.cells > limits.max_cells:
            raise WorkbookError(
                f"Các trang tính của tệp có dữ liệu đến hơn {limits.max_cells} ô (trang "
                f"“{shown(name)}” có {rows} dòng × {columns} cột): quá lớn so với một biểu báo "
                "cáo; hãy xóa các trang tính, dòng, cột thừa rồi gửi lại."
            )


# What makes a cell of an `.ods` hold something for calamine: one of these attributes (by local
# name: calamine reads `office:value`, `table:formula`, …), or any element inside it.
_ODS_VALUES = frozenset(
    {"value", "string-value", "date-value", "time-value", "boolean-value", "value-type", "formula"}
)


def ods_extent(content: bytes, limits: Limits) -> None:
    """Refuse a `content.xml` whose sheets reach beyond the limits with a filled cell.

    A spreadsheet program writes the empty rest of a sheet as one row repeated a million times;
    only rows and cells that hold something count. calamine finds rows and cells by their
    qualified names (`table:table-row`, whatever namespace `table` is bound to); this scan
    takes every element of that local name, whatever its prefix."""
    scan = _OdsScan(limits)
    parser = xml_parser()
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parse(parser, content, "nội dung content.xml của bảng tính .ods")
    scan.close_table()


class _OdsScan:
    def __init__(self, limits: Limits) -> None:
        self.area = _Area(limits)
        self.name = ""
        self.rows = self.columns = 0  # the farthest filled row and column of this table
        self.row = 0  # rows so far, repeats counted
        self.row_repeat = 1
        self.column = 0
        self.filled = 0  # of the row being read: its farthest filled column
        self.cell: tuple[int, bool] | None = None  # columns it spans, filled
        self.depth = 0

    def start(self, name: str, attributes: dict[str, str]) -> None:
        if self.cell is not None:
            self.cell = (self.cell[0], True)
            self.depth += 1
            return
        what = local(name)
        if what == "table":
            self.close_table()
            self.name = next((v for k, v in attributes.items() if local(k) == "name"), "")
        elif what == "table-row":
            self.row_repeat = _repeat(attributes, "number-rows-repeated")
            self.column = self.filled = 0
        elif what in ("table-cell", "covered-table-cell"):
            span = _repeat(attributes, "number-columns-repeated")
            self.cell = (span, any(local(k) in _ODS_VALUES for k in attributes))
            self.depth = 0

    def end(self, name: str) -> None:
        if self.cell is not None:
            if self.depth:
                self.depth -= 1
                return
            span, filled = self.cell
            self.cell = None
            self.column += span
            if filled:
                self.filled = self.column
            return
        if local(name) == "table-row":
            self.row += self.row_repeat
            if self.filled:
                self.rows, self.columns = self.row, max(self.columns, self.filled)
                limits = self.area.limits
                if self.rows > limits.max_rows or self.columns > limits.max_columns:
                    raise WorkbookError(_too_big(self.name, self.rows, self.columns))

    def close_table(self) -> None:
        if self.rows:
            self.area.sheet(self.name, self.rows, self.columns)
        self.rows = self.columns = self.row = 0


def _repeat(attributes: dict[str, str], name: str) -> int:
    """A repeat count, the largest if given under two prefixes; calamine refuses what is not a
    number, and so does this scan."""
    counts = [v for k, v in attributes.items() if local(k) == name]
    if not counts:
        return 1
    if not all(count.strip().isascii() and count.strip().isdigit() for count in counts):
        raise WorkbookError(
            "Bảng tính .ods bị hỏng (số lần lặp của dòng hoặc cột không phải là số); hãy mở "
            "bằng LibreOffice hoặc Excel, lưu lại rồi gửi lại."
        )
    return max(int(count) for count in counts)


def _too_big(sheet: str, rows: int, columns: int) -> str:
    return (
        f"Trang tính “{shown(sheet)}” có dữ liệu đến dòng {rows}, cột {columns}: quá lớn so "
        "với một biểu báo cáo; hãy xóa các dòng, cột thừa rồi gửi lại."
    )


PASSWORD = (
    "Tệp được đặt mật khẩu; hãy bỏ mật khẩu (Tệp > Thông tin > Bảo vệ sổ làm việc) rồi gửi lại."
)
_DAMAGED = (
    "Tệp Excel cũ (.xls) bị hỏng hoặc chưa tải về hết; hãy mở bằng Excel, lưu lại rồi gửi lại."
)
