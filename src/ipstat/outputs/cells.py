"""Text stays text in every workbook ipstat writes: never a formula, never a link.

Names, file names and reasons come from input. Written as they are, `=HYPERLINK(…)` would be
a live formula and `http://…` or `external:\\\\host\\x.xlsx` a link: XlsxWriter turns such
strings into formulas and links by default, and openpyxl makes any string starting with `=` a
formula. Control and bidirectional characters (U+202E turns `bieu\\u202eslx.xlsx` around) are
shown as the terminal shows them (`visible`). The only formulas and links in ipstat's workbooks
are the ones it writes on purpose: `write_formula` totals, the annotated copy's links to its
own cells. Every writer goes through the one helper of its library here.
"""

import functools
import re
from pathlib import Path
from typing import Any, TypeVar

from ipstat.base.visible import visible

KEEP = "\t\n"  # a cell's text may wrap onto several lines
# What a text cell turns into something else unless the library is told otherwise.
XLSX_OPTIONS = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
# `_x0041_` in a cell is OOXML's escape of `A`; its underscore escaped, it reads as written.
_OOXML_ESCAPE = re.compile("_x[0-9A-Fa-f]{4}_")

Cell = TypeVar("Cell")


def shown(text: str) -> str:
    """A text cell's content as a reader should see it: controls and overrides made visible."""
    return visible(text, keep=KEEP)


def xlsx_book(path: Path) -> Any:
    """An XlsxWriter workbook whose sheets write every string as shown text: `write`,
    `write_row`, `merge_range` and `write_string` all end in `_write_string`, which its sheets
    override, and the options keep `write` from making formulas, links or numbers of text."""
    import xlsxwriter  # noqa: PLC0415

    book = xlsxwriter.Workbook(str(path), XLSX_OPTIONS)
    book.worksheet_class = _text_worksheet()
    return book


@functools.cache
def _text_worksheet() -> type:
    """Made on first use: XlsxWriter is imported only by the commands that write a workbook."""
    from xlsxwriter.worksheet import Worksheet  # noqa: PLC0415

    class TextWorksheet(Worksheet):  # type: ignore[misc]
        def _write_string(self, row: int, col: int, string: object, cell_format: Any = None) -> Any:
            return super()._write_string(row, col, shown(str(string)), cell_format)

        def write_comment(
            self, row: int, col: int, comment: str, options: dict[str, Any] | None = None
        ) -> Any:
            return super().write_comment(row, col, shown(comment), options)

    return TextWorksheet


def set_value(cell: Cell, value: object) -> Cell:
    """An openpyxl cell's value, text always as text (a string cell, never `=…` as a formula
    nor `#N/A` as an error), shown as the terminal shows it; other values as they are."""
    target: Any = cell
    if isinstance(value, str):
        target.value = _OOXML_ESCAPE.sub(lambda m: "_x005F" + m[0], shown(value))
        target.data_type = "s"
    else:
        target.value = value
    return cell
