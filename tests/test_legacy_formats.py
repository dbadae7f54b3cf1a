"""`.xls` and `.ods` containers: refused with one clear message when they cannot be read."""

import io
import struct
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from ipstat.base.errors import WorkbookError
from ipstat.contract.model import load_contract
from ipstat.reading.legacy_formats import ods_extent, xls_fonts
from tests.legacy_books import to_xls

Make = Callable[..., Path]
LIMITS = replace(load_contract().form.limits, max_rows=5000, max_columns=100)


def test_fonts_of_legacy_text_cells(make_workbook: Make) -> None:
    xls = to_xls(make_workbook(), fonts={("Thông tin", "C4"): ".VnTime"})
    fonts = xls_fonts(xls.read_bytes(), LIMITS)
    assert fonts["Thông tin"] == {(3, 2): ".VnTime"}
    assert fonts["Chỉ tiêu"] == {}


def test_no_legacy_font_no_cells(make_workbook: Make) -> None:
    fonts = xls_fonts(to_xls(make_workbook()).read_bytes(), LIMITS)
    assert all(cells == {} for cells in fonts.values())


def test_encrypted_xls_says_password() -> None:
    import xlwt
    from xlwt.CompoundDoc import XlsDoc

    book = xlwt.Workbook()
    book.add_sheet("A").write(0, 0, 1)
    stream = book.get_biff_data()
    _, length = struct.unpack("<HH", stream[:4])
    filepass = struct.pack("<HHHHH", 0x2F, 6, 0, 0x1234, 0x5678)  # FILEPASS after BOF
    buffer = io.BytesIO()
    XlsDoc().save(buffer, stream[: 4 + length] + filepass + stream[4 + length :])
    with pytest.raises(WorkbookError, match="mật khẩu"):
        xls_fonts(buffer.getvalue(), LIMITS)


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9])
def test_truncated_xls_is_damaged(make_workbook: Make, keep: float, capsys) -> None:
    content = to_xls(make_workbook()).read_bytes()
    with pytest.raises(WorkbookError, match="bị hỏng"):
        xls_fonts(content[: int(len(content) * keep)], LIMITS)
    assert capsys.readouterr().out == ""  # xlrd's warnings never reach stdout


def test_xls_over_the_row_limit(make_workbook: Make) -> None:
    content = to_xls(make_workbook()).read_bytes()
    with pytest.raises(WorkbookError, match="quá lớn"):
        xls_fonts(content, replace(LIMITS, max_rows=10))


def _content(rows_before: int, columns_before: int) -> bytes:
    t = 'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
    o = 'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
    return (
        f'<?xml version="1.0"?><office:document-content {t} {o}><office:body>'
        '<office:spreadsheet><table:table table:name="Chỉ tiêu">'
        f'<table:table-row table:number-rows-repeated="{rows_before}">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
        f'<table:table-row><table:table-cell table:number-columns-repeated="{columns_before}"/>'
        '<table:table-cell office:value-type="float" office:value="1"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048000">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    ).encode()


def test_ods_empty_repeated_rest_of_sheet_is_fine() -> None:
    ods_extent(_content(20, 3), LIMITS)


@pytest.mark.parametrize(("rows", "columns"), [(1_000_000, 0), (10, 3000)])
def test_ods_far_cell_is_refused(rows: int, columns: int) -> None:
    with pytest.raises(WorkbookError, match="Chỉ tiêu"):
        ods_extent(_content(rows, columns), LIMITS)


def test_xls_sheets_together_within_the_cells(make_workbook: Make) -> None:
    """calamine reads every sheet of an `.xls` when it opens the file: their areas add up."""
    content = to_xls(make_workbook()).read_bytes()
    xls_fonts(content, LIMITS)
    with pytest.raises(WorkbookError, match="hơn 100 ô"):
        xls_fonts(content, replace(LIMITS, max_cells=100))


TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"


def _tables(
    *tables: str, declarations: str = f'xmlns:table="{TABLE}" xmlns:office="{OFFICE}"'
) -> bytes:
    return (
        f"<office:document-content {declarations}><office:body><office:spreadsheet>"
        + "".join(tables)
        + "</office:spreadsheet></office:body></office:document-content>"
    ).encode()


def _filled(rows: int, columns: int, name: str = "S", prefix: str = "table") -> str:
    p = prefix
    return (
        f'<{p}:table {p}:name="{name}"><{p}:table-row {p}:number-rows-repeated="{rows}">'
        f'<{p}:table-cell {p}:number-columns-repeated="{columns}" office:value-type="float" '
        f'office:value="1"/></{p}:table-row></{p}:table>'
    )


def test_ods_rows_found_whatever_the_table_prefix_is_bound_to() -> None:
    """calamine finds `table:table-row` by its qualified name, whatever namespace `table` is
    bound to; the scan takes every element of that local name."""
    far = _tables(_filled(6000, 2), declarations=f'xmlns:table="urn:other" xmlns:office="{OFFICE}"')
    with pytest.raises(WorkbookError, match="dòng 6000"):
        ods_extent(far, LIMITS)
    other = _tables(
        _filled(6000, 2, prefix="t"), declarations=f'xmlns:t="{TABLE}" xmlns:office="{OFFICE}"'
    )
    with pytest.raises(WorkbookError, match="dòng 6000"):
        ods_extent(other, LIMITS)


def test_ods_tables_together_within_the_cells() -> None:
    """Each table within the rows and columns, but calamine reads them all at open."""
    limits = replace(LIMITS, max_cells=10_000)
    ods_extent(_tables(*(_filled(50, 50, f"S{i}") for i in range(4))), limits)
    with pytest.raises(WorkbookError, match="hơn 10000 ô"):
        ods_extent(_tables(*(_filled(50, 50, f"S{i}") for i in range(5))), limits)


def test_ods_repeat_that_is_no_number_is_refused() -> None:
    with pytest.raises(WorkbookError, match="không phải là số"):
        ods_extent(_tables(_filled(1, 1).replace('rows-repeated="1"', 'rows-repeated="x"')), LIMITS)
