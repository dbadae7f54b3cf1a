import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineWorkbook

from ipstat.bloc.document import loads
from ipstat.commands.aggregate import output_paths, publish
from ipstat.contract.model import Contract
from ipstat.outputs.cells import shown
from ipstat.outputs.consolidated import CHART_ROWS, write_consolidated

GOLDEN_JSON = Path(__file__).parent / "golden" / "tong-hop-2016.json"


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("x") / "tong-hop.xlsx"
    write_consolidated(path, loads(GOLDEN_JSON.read_text(encoding="utf-8")))
    return path


def test_sheets(workbook: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    assert book.sheetnames == ["Tổng hợp", "Mục A", "Mục B", "Mục C", "Mục D", "Biểu đồ", "Nguồn"]


def test_section_sheet_has_members_and_a_bold_total_row(workbook: Path) -> None:
    values = openpyxl.load_workbook(workbook, data_only=True)["Mục A"]
    formulas = openpyxl.load_workbook(workbook)["Mục A"]
    assert values["A4"].value == "Vĩnh Phúc" and values["A14"].value == "Hải Phòng"
    assert values["A15"].value == "Tổng Khối" and values["A15"].font.bold
    assert values["B3"].value == "Số dự án FDI được cấp mới GCNĐKĐT (dự án)"
    assert values["B15"].value == 257 and values["B15"].font.bold
    assert values["C15"].value == pytest.approx(4841.2)
    assert formulas["C15"].value == "=SUM(C4:C14)"
    assert values["C4"].number_format == "#,##0.00"  # two decimals in every money row
    assert values["C15"].number_format == "#,##0.00" and values["B4"].number_format == "#,##0"
    assert formulas.freeze_panes == "B4"


def test_native_charts(workbook: Path) -> None:
    with zipfile.ZipFile(workbook) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2
        xml = archive.read(charts[0]).decode()
    assert "<c:barChart>" in xml and "'Mục B'" in xml


def test_sources_sheet_lists_files_and_every_figure(workbook: Path) -> None:
    sheet = openpyxl.load_workbook(workbook, data_only=True)["Nguồn"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    files = [r for r in rows if isinstance(r[0], str) and r[0].endswith(".xlsx")]
    assert len(files) == 11 and all(len(str(r[1])) == 64 for r in files)
    figures = [r for r in rows if r[4] and str(r[4]).startswith("Chỉ tiêu!")]
    assert len(figures) == 11 * 32
    assert [
        "Hà Nam",
        "workers",
        "Số lao động đang làm việc",
        "bieu-ha-nam-2016.xlsx",
        "Chỉ tiêu!D40",
        34700,
    ] in figures


def test_summary_sheet_has_totals_and_ratios(workbook: Path) -> None:
    sheet = openpyxl.load_workbook(workbook, data_only=True)["Tổng hợp"]
    assert [c.value for c in sheet[5]] == ["Chỉ tiêu", "Đơn vị tính", "Tổng Khối"]
    rows = {r[0].value: r[2] for r in sheet.iter_rows(min_row=6)}
    assert rows["Số lao động đang làm việc"].value == 771112
    ratio = next(cell for label, cell in rows.items() if str(label).startswith("Tỷ lệ vốn FDI"))
    assert ratio.value == pytest.approx(0.55965528)  # a fraction, shown as 56.0%
    assert ratio.number_format == "0.0%"


def assert_a4_landscape(sheet: Worksheet) -> None:
    assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "landscape"


def test_section_sheets_print_one_page_wide(workbook: Path) -> None:
    book = openpyxl.load_workbook(workbook)
    for name in ("Tổng hợp", "Mục A", "Mục D", "Nguồn"):
        sheet = book[name]
        assert_a4_landscape(sheet)
        assert sheet.sheet_properties.pageSetUpPr is not None
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.page_setup.fitToHeight == 0
    assert book["Mục A"].print_title_rows == "$1:$3"
    header = book["Nguồn"].print_title_rows
    assert header is not None and book["Nguồn"][f"A{header.split(':')[0].strip('$')}"].value == (
        "Thành viên"
    )


def test_each_chart_on_its_own_page(workbook: Path) -> None:
    sheet = openpyxl.load_workbook(workbook)["Biểu đồ"]
    assert_a4_landscape(sheet)
    fit = sheet.sheet_properties.pageSetUpPr
    assert fit is None or not fit.fitToPage  # fitting to a page would override the break
    assert [brk.id for brk in sheet.row_breaks.brk] == [CHART_ROWS]
    with zipfile.ZipFile(workbook) as archive:
        drawing = archive.read("xl/drawings/drawing1.xml").decode()
    rows = [int(r) for r in re.findall(r"<xdr:row>(\d+)</xdr:row>", drawing)]
    (top, bottom), (next_top, _) = rows[0:2], rows[2:4]
    assert top < bottom < CHART_ROWS <= next_top  # zero-based rows; the break is before row 31


def test_comparison_prints_three_indicators_a_page(
    make_workbook: Callable[..., Path], contract: Contract, tmp_path: Path
) -> None:
    folder = make_workbook(member="Hà Nam", year=2017).parent
    make_workbook(member="Hà Nội", year=2017)
    publish([folder], contract, out=tmp_path / "out", previous=GOLDEN_JSON)
    book = openpyxl.load_workbook(output_paths(tmp_path / "out", 2017)["xlsx"])
    sheet = book["So sánh"]
    assert_a4_landscape(sheet)
    fit = sheet.sheet_properties.pageSetUpPr
    assert fit is None or not fit.fitToPage
    assert sheet.page_setup.scale in (None, 100)
    assert (sheet.print_title_rows, sheet.print_title_cols) == ("$3:$4", "$A:$A")
    assert sheet.print_area == "'So sánh'!$A$2:$AE$7"  # row 2: whom the comparison is over
    assert str(sheet["A2"].value).startswith("So sánh với năm 2016 tính trên 2 thành viên")
    assert [brk.id for brk in sheet.col_breaks.brk] == [10, 19, 28]
    assert sheet.oddHeader is not None
    assert "So sánh năm 2017 với năm 2016" in (sheet.oddHeader.left.text or "")
    assert sheet["D5"].number_format == "0.0%" and sheet["C5"].number_format == "#,##0"
    assert sheet["F5"].number_format == "#,##0.00" and sheet["E5"].number_format == "#,##0.00"


HOSTILE_NAMES = [
    '=HYPERLINK("http://example.com","Bấm vào đây").xlsx',
    "mailto:thu@example.com.xlsx",
    "\\\\host\\share\\bao-cao.xlsx",
    "http://example.com/bao-cao.xlsx",
    "external:c:\\x.xlsx",
    "=1+1",
    "bieu \x1b[2J\x07.xlsx",
    "_x0041_.xlsx",
    "bieu\u202eslx.xlsx",
    "+cmd|' /C calc'!A0",
    "@SUM(A1)",
]


def test_names_from_input_are_text_never_formulas_or_links(tmp_path: Path) -> None:
    document = loads(GOLDEN_JSON.read_text(encoding="utf-8"))
    for source, name in zip(document["sources"], HOSTILE_NAMES, strict=False):
        source["file"] = name
        source["cells"] = dict.fromkeys(source["cells"], f"{name}!D7")
    path = tmp_path / "tong-hop.xlsx"
    write_consolidated(path, document)
    with zipfile.ZipFile(path) as archive:
        parts = archive.namelist()
        sheets = [archive.read(p).decode() for p in parts if p.startswith("xl/worksheets/sheet")]
    assert not any("hyperlink" in p.lower() for p in parts)
    assert not any("HYPERLINK" in s or "<hyperlink" in s for s in sheets)
    sources = openpyxl.load_workbook(path)["Nguồn"]
    cells = [c for row in sources.iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" and c.hyperlink is None for c in cells)
    as_excel_shows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Nguồn").to_python()
    texts = {value for row in as_excel_shows for value in row}
    for name in HOSTILE_NAMES:  # controls and bidirectional overrides shown, as on the terminal
        assert shown(name) in texts
        assert f"{shown(name)}!D7" in texts
    assert "bieu<U+202E>slx.xlsx" in texts and "bieu ␛[2J␇.xlsx" in texts


def test_superseded_files_listed_with_the_time_as_a_clerk_writes_it(tmp_path: Path) -> None:
    document = loads(GOLDEN_JSON.read_text(encoding="utf-8"))
    document["superseded"] = [
        {
            "file": "bieu-ha-nam-cu.xlsx",
            "sha256": "ab" * 32,
            "member": "Hà Nam",
            "received": "2017-01-15T09:30:00",
            "replaced_by": "bieu-ha-nam-2016.xlsx",
        }
    ]
    path = tmp_path / "tong-hop.xlsx"
    write_consolidated(path, document)
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(path)["Nguồn"].iter_rows()]
    listed = next(r for r in rows if r[0] == "bieu-ha-nam-cu.xlsx")
    assert listed[2:5] == ["Hà Nam", "15/01/2017 09:30", "bieu-ha-nam-2016.xlsx"]
