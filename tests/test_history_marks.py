"""`ipstat history` as clerks read it: incomplete years marked and never charted, no code
column, one decimal, blocks that print whole, members named in a visible order, and one
document a year."""

import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from ipstat.base.text import vietnamese_key
from ipstat.bloc.series import HistoryError, build_history
from ipstat.bloc.trends import trends
from ipstat.cli import app
from ipstat.commands.history import write_history
from ipstat.contract.model import Contract, load_contract
from ipstat.outputs.history_text import history_context, render_history
from ipstat.outputs.tidy import to_csv, to_json
from tests.test_history import BLOC_2025, falling_series, scaled_year, write_year

runner = CliRunner()


def cells(sheet: Any) -> list[list[Any]]:
    return [[c.value for c in r] for r in sheet.iter_rows()]


@pytest.fixture
def short_book(tmp_path: Path, contract: Contract) -> Path:
    """2016, 2017 (Quảng Ninh did not report), 2018 a gap, 2019 (Hải Dương did not report)."""
    paths = falling_series(tmp_path / "docs", contract)
    write_history(paths, contract, out=tmp_path / "o")
    return tmp_path / "o" / "lich-su-2016-2019.xlsx"


# --- 1. an incomplete year is marked, and never drawn as a point ----------------------------------


def test_incomplete_years_are_marked_on_the_bloc_sheet(short_book: Path) -> None:
    sheet = openpyxl.load_workbook(short_book)["Khối"]
    rows = cells(sheet)
    [header] = [r for r in rows if r[0] == "Chỉ tiêu"]
    assert header[2:6] == ["2016", "2017 (*)", "2018", "2019 (*)"]
    footnotes = [str(r[0]) for r in rows if str(r[0]).startswith("(*) Năm 20")]
    assert footnotes[-2:] == [
        "(*) Năm 2017 chưa nhận được báo cáo của Quảng Ninh: tổng Khối năm 2017 chỉ gồm các "
        "thành viên đã gửi, không so sánh trực tiếp được với các năm khác.",
        "(*) Năm 2019 chưa nhận được báo cáo của Hải Dương: tổng Khối năm 2019 chỉ gồm các "
        "thành viên đã gửi, không so sánh trực tiếp được với các năm khác.",
    ]
    workers = next(r for r in rows if r[0] == "Số lao động đang làm việc")
    assert workers[3] is not None  # the real total of 2017 stays in the table, marked


def test_incomplete_years_are_marked_on_the_section_sheets(short_book: Path) -> None:
    rows = cells(openpyxl.load_workbook(short_book)["Mục A"])
    headers = [r for r in rows if r[0] == "Thành viên"]
    assert headers and all(h[1:5] == ["2016", "2017 (*)", "2018", "2019 (*)"] for h in headers)
    footnote = (
        "(*) Tổng Khối chỉ gồm các thành viên đã gửi báo cáo: năm 2017 thiếu Quảng Ninh; "
        "năm 2019 thiếu Hải Dương."
    )
    assert sum(r[0] == footnote for r in rows) == len(headers)  # under every block


def test_charts_leave_a_gap_for_an_incomplete_year_and_say_why(short_book: Path) -> None:
    book = openpyxl.load_workbook(short_book)
    sheet = book["Biểu đồ"]
    with zipfile.ZipFile(short_book) as archive:
        names = sorted(n for n in archive.namelist() if n.startswith("xl/charts/chart"))
        xml = archive.read(names[0]).decode()
    [categories, values] = re.findall(r"<c:f>'Biểu đồ'!\$(\w+)\$(\d+):\$(\w+)\$\d+</c:f>", xml)
    header_row, data_row = int(categories[1]), int(values[1])
    first = openpyxl.utils.column_index_from_string(categories[0])
    years = [sheet.cell(header_row, first + i).value for i in range(4)]
    drawn = [sheet.cell(data_row, first + i).value for i in range(4)]
    assert years == ["2016", "2017 (*)", "2018", "2019 (*)"]
    assert drawn[0] == pytest.approx(257) and drawn[1:] == [None, None, None]
    assert 'dispBlanksAs val="zero"' not in xml and 'dispBlanksAs val="span"' not in xml
    # Under each chart, on its axis: why the line stops there; and once above the charts.
    axis_title = "(*) Năm 2017, 2019 chưa nhận đủ báo cáo: không vẽ tổng Khối"
    with zipfile.ZipFile(short_book) as archive:
        assert all(axis_title in archive.read(n).decode() for n in names)
    assert str(sheet["A1"].value).startswith("(*) Năm 2017, 2019 chưa nhận đủ báo cáo")
    assert sheet.print_area == "'Biểu đồ'!$A$1:$O$90"  # the charts' own table does not print


def test_a_complete_series_has_no_mark(tmp_path: Path, contract: Contract) -> None:
    paths = [write_year(tmp_path / "docs", year, contract) for year in (2016, 2017)]
    write_history(paths, contract, out=tmp_path / "o", formats=["xlsx", "md"])
    book = openpyxl.load_workbook(tmp_path / "o" / "lich-su-2016-2017.xlsx")
    text = "\n".join(str(v) for name in book.sheetnames for r in cells(book[name]) for v in r)
    assert "(*)" not in text
    assert "(*)" not in (tmp_path / "o" / "lich-su-2016-2017.md").read_text(encoding="utf-8")


def test_the_prose_footnote_names_who_is_missing(tmp_path: Path, contract: Contract) -> None:
    history = build_history(falling_series(tmp_path, contract), contract, mapped=False)
    text = render_history(history)
    assert "| 2016 | 2017 (*) | 2018 | 2019 (*) |" in text
    assert (
        "(*) Năm chưa nhận đủ báo cáo: tổng Khối chỉ gồm các thành viên đã gửi (năm 2017 thiếu "
        "1 thành viên: Quảng Ninh; năm 2019 thiếu 1 thành viên: Hải Dương), không so sánh trực "
        "tiếp được với các năm khác."
    ) in text


# --- 2. no code column where people read ----------------------------------------------------------


def test_the_bloc_sheet_has_no_code_column(short_book: Path, contract: Contract) -> None:
    sheet = openpyxl.load_workbook(short_book)["Khối"]
    codes = {i.code for i in contract.form.indicators} | {d.code for d in contract.form.derived}
    values = {v for r in cells(sheet) for v in r}
    assert "Mã" not in values and not codes & values
    [header] = [n for n, r in enumerate(cells(sheet), 1) if r[0] == "Chỉ tiêu"]
    assert [c.value for c in sheet[header][:3]] == ["Chỉ tiêu", "Đơn vị tính", "2016"]
    assert sheet.freeze_panes == f"C{header + 1}"  # names stay in view, figures scroll


def test_machine_formats_keep_the_codes(tmp_path: Path, contract: Contract) -> None:
    history = build_history(falling_series(tmp_path, contract), contract, mapped=False)
    assert ",workers," in to_csv(history) and '"code": "workers"' in to_json(history)


# --- 3. money to one decimal on every sheet -------------------------------------------------------


@pytest.mark.parametrize("mapped", [False, True])
def test_money_has_one_decimal_on_every_sheet(
    tmp_path: Path, contract: Contract, mapped: bool
) -> None:
    bloc = load_contract(bloc="dbsh-2025") if mapped else contract
    old = [write_year(tmp_path / "docs", year, contract) for year in (2016, 2018)]
    paths = [*old, write_year(tmp_path / "docs", 2025, load_contract(bloc="dbsh-2025"), BLOC_2025)]
    run = write_history(paths, bloc, mapped=mapped, out=tmp_path / "o", formats=["xlsx"])
    book = openpyxl.load_workbook(run.files[0])
    formats: dict[str, set[str]] = {}
    for name in book.sheetnames:
        for row in book[name].iter_rows():
            for cell in row:
                if isinstance(cell.value, int | float) or str(cell.value).startswith("=SUM"):
                    formats.setdefault(cell.number_format, set()).add(name)
    assert set(formats) <= {"#,##0.0", "#,##0", "0.0%", "General"}  # never "#,##0.00"
    assert formats["#,##0.0"] >= {"Khối", "Mục A", "Mục B", "Mục D", "Biểu đồ"}
    assert formats.get("General", {"Nguồn"}) == {"Nguồn"}  # years and counts of documents
    if mapped:  # the italic cells of earlier years summed into today's members too
        section = book["Mục A"]
        italic = [c for r in section.iter_rows() for c in r if c.font.italic and c.data_type == "n"]
        assert italic and {c.number_format for c in italic} == {"#,##0", "#,##0.0"}


# --- 4. a block's title never ends a page ---------------------------------------------------------


def test_each_block_after_the_first_starts_a_page(short_book: Path) -> None:
    book = openpyxl.load_workbook(short_book)
    for name in [n for n in book.sheetnames if n.startswith("Mục")]:
        sheet = book[name]
        rows = [[None], *cells(sheet)]  # rows[n] is row n, as openpyxl and Excel number them
        titles = [n - 1 for n, r in enumerate(rows) if r[0] == "Thành viên"]
        assert len(titles) > 1 or name == "Mục C"
        breaks = sheet.row_breaks.brk  # each `id`: the last row of a page
        assert all(b.man for b in breaks)
        assert [b.id + 1 for b in breaks] == titles[1:]  # every title but the first opens a page
        for last in (b.id for b in breaks):
            assert last not in titles and str(rows[last][0]).startswith(("(*)", "None"))
        # Fitting to the page would override the breaks: a scale instead, one page wide.
        properties = sheet.sheet_properties.pageSetUpPr
        assert properties is None or not properties.fitToPage
        assert sheet.page_setup.scale in (None, 100)  # 4 years fit landscape A4 at full size
        assert sheet.print_title_rows == "$1:$1"


def test_a_long_series_is_scaled_to_the_page_width(tmp_path: Path, contract: Contract) -> None:
    paths = [write_year(tmp_path / "docs", year, contract) for year in (2010, 2025)]
    run = write_history(paths, contract, out=tmp_path / "o", formats=["xlsx"])
    sheet = openpyxl.load_workbook(run.files[0])["Mục A"]
    width = 18 * 7 + 5 + 16 * (12 * 7 + 5)  # px: members, then 16 years
    assert sheet.page_setup.scale == 988 * 100 // width < 100


# --- 5 and 6. members named in a visible order, and no superlative of one -------------------------


def trend_line(tmp_path: Path, contract: Contract, percent_a_year: Callable[[int], Any]) -> str:
    paths = [scaled_year(tmp_path, y, contract, percent_a_year) for y in (2016, 2019)]
    text = render_history(build_history(paths, contract, mapped=False))
    [line] = [x for x in text.splitlines() if "vốn đăng ký của dự án FDI cấp mới" in x]
    return line


# Members in the 2016 document's order: Vĩnh Phúc 0, Ninh Bình 1, Hà Nam 2, Hải Dương 3,
# Hưng Yên 4, Nam Định 5, Thái Bình 6, Hà Nội 7, Bắc Ninh 8, Quảng Ninh 9, Hải Phòng 10.
@pytest.mark.parametrize(
    ("percent_a_year", "expected"),
    [
        (  # the same figure: by name, never in the bloc's order
            lambda i: Decimal(5) if i in (0, 7) else Decimal(1),
            "Tăng nhanh nhất: Hà Nội và Vĩnh Phúc (cùng bình quân 5%/năm); tăng chậm nhất: "
            "Bắc Ninh, Hà Nam, Hải Dương, Hải Phòng, Hưng Yên, Nam Định, Ninh Bình, Quảng Ninh "
            "và Thái Bình (cùng bình quân 1%/năm).",
        ),
        (  # 5.01% and 4.99% both read 5%: by name too, since no other order can be seen
            lambda i: {0: Decimal("5.01"), 7: Decimal("4.99")}.get(i, Decimal(1)),
            "Tăng nhanh nhất: Hà Nội và Vĩnh Phúc (cùng bình quân 5%/năm); ",
        ),
    ],
)
def test_tied_members_are_named_by_name_with_their_figure(
    percent_a_year: Callable[[int], Decimal], expected: str, tmp_path: Path, contract: Contract
) -> None:
    assert expected in trend_line(tmp_path, contract, percent_a_year)


def test_ranked_members_tie_by_vietnamese_name(tmp_path: Path, contract: Contract) -> None:
    paths = [scaled_year(tmp_path, y, contract, lambda i: Decimal(0)) for y in (2016, 2019)]
    history = build_history(paths, contract, mapped=False)
    [capital] = [t for t in trends(history) if t.code == "fdi_new_capital"]
    assert {m.growth for m in capital.members} == {0}  # all tie exactly
    names = [m.member for m in capital.members]
    assert names == sorted(names, key=vietnamese_key) and names[:3] == [
        "Bắc Ninh",
        "Hà Nam",
        "Hà Nội",
    ]


def test_vietnamese_alphabetical_order() -> None:
    names = ["Hưng Yên", "Hải Phòng", "Hà Nội", "Đà Nẵng", "Hà Nam", "Bắc Ninh", "Ba Vì", "Hạ Long"]
    assert sorted(names, key=vietnamese_key) == [
        "Ba Vì", "Bắc Ninh", "Đà Nẵng", "Hạ Long", "Hà Nam", "Hà Nội", "Hải Phòng", "Hưng Yên"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("percent_a_year", "expected"),
    [
        (  # only Hà Nội fell: no "giảm nhiều nhất"
            lambda i: Decimal(-2) if i == 7 else Decimal(i + 1),
            "Tăng nhanh nhất: Hải Phòng (bình quân 11%/năm); chỉ có Hà Nội giảm (bình quân "
            "2%/năm).",
        ),
        (  # only Hà Nội rose: no "tăng nhanh nhất"
            lambda i: Decimal(3) if i == 7 else Decimal(-1 - i),
            "Chỉ có Hà Nội tăng (bình quân 3%/năm); giảm nhiều nhất: Hải Phòng (bình quân "
            "11%/năm).",
        ),
        (  # the only two that fell, by the same figure; the nine others rose alike
            lambda i: Decimal(-2) if i in (7, 0) else Decimal(1),
            "Tăng: Bắc Ninh, Hà Nam, Hải Dương, Hải Phòng, Hưng Yên, Nam Định, Ninh Bình, Quảng "
            "Ninh và Thái Bình (cùng bình quân 1%/năm); chỉ có Hà Nội và Vĩnh Phúc giảm (cùng "
            "bình quân 2%/năm).",
        ),
    ],
)
def test_a_single_member_moving_one_way_is_no_superlative(
    percent_a_year: Callable[[int], Decimal], expected: str, tmp_path: Path, contract: Contract
) -> None:
    line = trend_line(tmp_path, contract, percent_a_year)
    assert line.endswith(" " + expected)


def test_an_analysts_template_gets_an_honest_label(tmp_path: Path, contract: Contract) -> None:
    falls = lambda i: Decimal(-2) if i == 7 else Decimal(i + 1)  # noqa: E731
    paths = [scaled_year(tmp_path, y, contract, falls) for y in (2016, 2019)]
    context = history_context(build_history(paths, contract, mapped=False))
    slowest = context["xu_huong"][0]["cham_nhat"]
    assert slowest["chi_co"] and slowest["nhan"] == "chỉ có một thành viên giảm"
    assert not context["xu_huong"][0]["nhanh_nhat"]["chi_co"]


# --- 7. one document a year -----------------------------------------------------------------------


def test_the_same_file_given_twice_is_an_error(tmp_path: Path, contract: Contract) -> None:
    path = write_year(tmp_path / "docs", 2016, contract)
    with pytest.raises(HistoryError) as caught:
        build_history([path, path], contract, mapped=False)
    assert str(caught.value).startswith(f"Tệp {path} (năm 2016) được chỉ ra hai lần: ")


def test_a_file_given_and_found_in_a_folder_is_an_error(tmp_path: Path, contract: Contract) -> None:
    paths = [write_year(tmp_path / "docs", year, contract) for year in (2016, 2017)]
    with pytest.raises(HistoryError, match="được chỉ ra hai lần") as caught:
        build_history([tmp_path / "docs", paths[1]], contract, mapped=False)
    assert f"Tệp {paths[1]} (năm 2017) " in str(caught.value)


def test_a_copy_is_said_to_be_the_same_document(tmp_path: Path, contract: Contract) -> None:
    path = write_year(tmp_path / "docs", 2016, contract)
    copy = tmp_path / "tong-hop-2016 (1).json"
    copy.write_bytes(path.read_bytes())
    with pytest.raises(HistoryError) as caught:
        build_history([path, copy], contract, mapped=False)
    assert str(caught.value) == (
        f"Hai tệp tổng hợp cùng năm 2016: {path} và {copy} là cùng một tài liệu (nội dung giống "
        "hệt nhau) được đưa vào hai lần. Hãy bỏ bớt một tệp."
    )


def test_two_different_documents_of_a_year_are_an_error(tmp_path: Path, contract: Contract) -> None:
    first = write_year(tmp_path / "a", 2016, contract)
    other = write_year(tmp_path / "b", 2016, contract, ["Vĩnh Phúc", "Hà Nam"])
    with pytest.raises(HistoryError) as caught:
        build_history([first, other], contract, mapped=False)
    message = str(caught.value)
    assert message.startswith(f"Hai tệp tổng hợp cùng năm 2016 có số liệu khác nhau: {first} và ")
    assert str(other) in message and "cùng một tài liệu" not in message


def test_cli_says_a_document_was_given_twice(tmp_path: Path, contract: Contract) -> None:
    path = write_year(tmp_path / "docs", 2016, contract)
    result = runner.invoke(app, ["history", str(path), str(path), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "Traceback" not in result.stderr
    assert f"ipstat: Tệp {path} (năm 2016) được chỉ ra hai lần" in result.stderr
    assert not (tmp_path / "o").exists()
