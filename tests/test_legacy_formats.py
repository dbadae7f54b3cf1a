"""`.xls` and `.ods` containers: refused with one clear message when they cannot be read."""

import io
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from ipstat.errors import WorkbookError
from ipstat.reading.legacy_formats import ods_extent, xls_fonts
from tests.legacy_books import to_xls

Make = Callable[..., Path]


def test_fonts_of_legacy_text_cells(make_workbook: Make) -> None:
    xls = to_xls(make_workbook(), fonts={("Thông tin", "C4"): ".VnTime"})
    fonts = xls_fonts(xls.read_bytes(), 5000, 100)
    assert fonts["Thông tin"] == {(3, 2): ".VnTime"}
    assert fonts["Chỉ tiêu"] == {}


def test_no_legacy_font_no_cells(make_workbook: Make) -> None:
    fonts = xls_fonts(to_xls(make_workbook()).read_bytes(), 5000, 100)
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
        xls_fonts(buffer.getvalue(), 5000, 100)


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.9])
def test_truncated_xls_is_damaged(make_workbook: Make, keep: float, capsys) -> None:
    content = to_xls(make_workbook()).read_bytes()
    with pytest.raises(WorkbookError, match="bị hỏng"):
        xls_fonts(content[: int(len(content) * keep)], 5000, 100)
    assert capsys.readouterr().out == ""  # xlrd's warnings never reach stdout


def test_xls_over_the_row_limit(make_workbook: Make) -> None:
    content = to_xls(make_workbook()).read_bytes()
    with pytest.raises(WorkbookError, match="quá lớn"):
        xls_fonts(content, 10, 100)


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
    ods_extent(io.BytesIO(_content(20, 3)), 5000, 100)


@pytest.mark.parametrize(("rows", "columns"), [(1_000_000, 0), (10, 3000)])
def test_ods_far_cell_is_refused(rows: int, columns: int) -> None:
    with pytest.raises(WorkbookError, match="Chỉ tiêu"):
        ods_extent(io.BytesIO(_content(rows, columns)), 5000, 100)
