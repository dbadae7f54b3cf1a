"""Workbooks in the legacy formats, converted in code from the `.xlsx` fixtures: `.xls` through
xlwt (which also sets cell fonts, for TCVN3/VNI text) and `.ods` through odfpy."""

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

# (sheet, A1 cell) → font name, for the text cells to set in a legacy font.
Fonts = dict[tuple[str, str], str]


def _sheets(xlsx: Path) -> Iterator[tuple[str, list[list[Any]]]]:
    book = load_workbook(xlsx, data_only=True)
    for sheet in book.worksheets:
        yield sheet.title, [[cell.value for cell in row] for row in sheet.iter_rows()]


def to_xls(xlsx: Path, target: Path | None = None, fonts: Fonts | None = None) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    styles: dict[str, Any] = {}
    for name, rows in _sheets(xlsx):
        sheet = book.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                font = (fonts or {}).get((name, _a1(r, c)))
                if font:
                    style = styles.setdefault(font, xlwt.easyxf(f"font: name {font}"))
                    sheet.write(r, c, value, style)
                else:
                    sheet.write(r, c, value)
    path = target or xlsx.with_suffix(".xls")
    book.save(str(path))
    return path


def to_ods(xlsx: Path, target: Path | None = None) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for name, rows in _sheets(xlsx):
        table = Table(name=name)
        for row in rows:
            table_row = TableRow()
            for value in row:
                if value is None:
                    cell = TableCell()
                elif isinstance(value, bool) or not isinstance(value, int | float):
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                else:
                    cell = TableCell(valuetype="float", value=repr(value))
                    cell.addElement(P(text=repr(value)))
                table_row.addElement(cell)
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    path = target or xlsx.with_suffix(".ods")
    path.write_bytes(buffer.getvalue())
    return path


def encode(text: str, encoding: str) -> str:
    """Unicode → the legacy surface text, by inverting viparse's table (for fixtures only)."""
    from viparse.normalize.tcvn3 import TCVN3 as tcvn3
    from viparse.normalize.vni import VNI as vni

    table = {unicode: legacy for legacy, unicode in (tcvn3 if encoding == "tcvn3" else vni).pairs}
    return "".join(table.get(ch, ch) for ch in text)


def _a1(row: int, column: int) -> str:
    from ipstat.reading.sheetscan import a1

    return a1(row, column)


Converter = Callable[..., Path]
