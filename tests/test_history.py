"""`ipstat history`: series across years with gaps, the 2025 mapping, exact growth, the outputs."""

import csv
import errno
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, localcontext
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from ipstat.base.formatting import format_number, format_percent
from ipstat.bloc.document import DocumentError, dumps, loads, to_document
from ipstat.bloc.frame import load
from ipstat.bloc.series import HistoryError, build_history
from ipstat.bloc.totals import Aggregate, Source, derive, percent, sum_members
from ipstat.bloc.trends import average_growth, trends
from ipstat.cli import app
from ipstat.commands.aggregate import output_paths, publish
from ipstat.commands.history import write_history
from ipstat.contract.model import Contract, load_contract
from ipstat.outputs.atomic import OutputError
from ipstat.outputs.history_text import lower_first, render_history
from ipstat.outputs.tidy import to_csv
from tests.conftest import VALID

GOLDEN = Path(__file__).parent / "golden"
BASE = loads((GOLDEN / "tong-hop-2016.json").read_text(encoding="utf-8"))
YEARS = (2016, 2018, 2019)  # 2017 is the gap
runner = CliRunner()


def grown(member_index: int, year: int, code: str, value: Decimal, counts: set[str]) -> Decimal:
    """Member i's figures grow i% a year from 2016: money kept to 2 decimals, counts whole."""
    factor = (1 + Decimal(member_index) / 100) ** (year - 2016)
    place = Decimal(1) if code in counts else Decimal("0.01")
    return (value * factor).quantize(place, ROUND_HALF_UP)


def document_for(year: int, contract: Contract, provinces: dict[str, dict[str, Decimal]]) -> str:
    """A document as `aggregate` writes it: through Aggregate, derive and to_document."""
    codes = [i.code for i in contract.form.indicators]
    totals = sum_members(provinces, codes)
    agg = Aggregate(
        year=year,
        members=list(provinces),
        missing=[m for m in contract.bloc.names if m not in provinces],
        totals=totals,
        derived=derive(totals, contract),
        provinces=provinces,
        sources=[
            Source(f"bieu-{i}-{year}.xlsx", f"{i:064x}", member, {})
            for i, member in enumerate(provinces)
        ],
    )
    return dumps(to_document(agg, contract)) + "\n"


def write_year(
    folder: Path, year: int, contract: Contract, members: list[str] | None = None
) -> Path:
    counts = {i.code for i in contract.form.indicators if i.kind == "count"}
    base = BASE["provinces"]
    names = members or list(base)
    provinces = {
        name: {
            code: grown(i, year, code, Decimal(base[source][code]), counts) for code in base[source]
        }
        for i, (name, source) in enumerate(
            (n, n if n in base else list(base)[k]) for k, n in enumerate(names)
        )
    }
    path = folder / str(year) / f"tong-hop-{year}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(document_for(year, contract, provinces), encoding="utf-8")
    return path


@pytest.fixture
def series(tmp_path: Path, contract: Contract) -> list[Path]:
    return [write_year(tmp_path / "docs", year, contract) for year in YEARS]


BLOC_2025 = ["Hà Nội", "Hải Phòng", "Quảng Ninh", "Hưng Yên", "Ninh Bình", "Phú Thọ", "Bắc Ninh"]


@pytest.fixture
def across_2025(tmp_path: Path, contract: Contract) -> list[Path]:
    """2016 and 2018 in the old bloc's eleven members, 2025 in the seven after the mergers."""
    old = [write_year(tmp_path / "docs", year, contract) for year in (2016, 2018)]
    return [*old, write_year(tmp_path / "docs", 2025, load_contract(bloc="dbsh-2025"), BLOC_2025)]


# --- the series -----------------------------------------------------------------------------


def test_three_years_with_a_gap(series: list[Path], contract: Contract) -> None:
    history = build_history(series, contract, mapped=False)
    assert history.years == [2016, 2018, 2019]
    assert history.span == [2016, 2017, 2018, 2019] and history.gaps == [2017]
    assert {r.year for r in history.rows} == {2016, 2018, 2019}
    assert len(history.rows) == 3 * 11 * 32
    assert 2017 not in history.totals
    for path in series:
        doc = loads(path.read_text(encoding="utf-8"))
        year = doc["year"]
        for member, figures in doc["provinces"].items():
            for code, value in figures.items():
                assert history.value(year, member, code) == value
        assert history.totals[year] == doc["totals"]


def test_ratios_are_recomputed_from_each_years_sums(series: list[Path], contract: Contract) -> None:
    history = build_history(series, contract, mapped=False)
    for year, totals in history.totals.items():
        expected = percent(totals["fdi_disbursed_total"], totals["fdi_registered_capital"])
        assert history.derived[year]["fdi_disbursed_ratio"] == expected
        assert history.derived[year]["new_projects_total"] == (
            totals["fdi_new_projects"] + totals["ddi_new_projects"]
        )


def test_a_folder_stands_for_its_documents(series: list[Path], contract: Contract) -> None:
    history = build_history([series[0].parents[1]], contract, mapped=False)
    assert history.years == [2016, 2018, 2019]


def test_two_documents_for_one_year_are_refused(
    series: list[Path], contract: Contract, tmp_path: Path
) -> None:
    copy = tmp_path / "ban-sao.json"
    copy.write_bytes(series[1].read_bytes())
    with pytest.raises(HistoryError) as caught:
        build_history([*series, copy], contract, mapped=False)
    message = str(caught.value)
    assert "Hai tệp tổng hợp cùng năm 2018" in message
    assert str(series[1]) in message and str(copy) in message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            '{"files": [], "summary": {}}',
            "không phải là tệp tổng hợp JSON do `ipstat aggregate` ghi",
        ),
        ("[]", "không phải là tệp tổng hợp JSON do `ipstat aggregate` ghi"),
        ("tong-hop", "không phải là tệp tổng hợp JSON"),
        ('{"year": 2016, "bloc": {}}', "không phải là tệp tổng hợp JSON"),  # no key names
        ('{"year": 2016, "table": {}, "awards": []}', "là kết quả chấm điểm"),
    ],
)
def test_a_json_that_is_not_an_aggregate_is_refused(
    content: str, expected: str, contract: Contract, tmp_path: Path
) -> None:
    path = tmp_path / "ket-qua.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DocumentError, match=re.escape(expected)) as caught:
        build_history([path], contract, mapped=False)
    assert str(path) in str(caught.value)


def test_a_document_whose_totals_were_edited_is_refused(
    series: list[Path], contract: Contract
) -> None:
    text = series[0].read_text(encoding="utf-8")
    series[0].write_text(text.replace('"workers": 771112', '"workers": 771113'), encoding="utf-8")
    with pytest.raises(HistoryError, match="workers"):
        build_history(series, contract, mapped=False)


# --- the 2025 mapping -------------------------------------------------------------------------


def test_mapped_series_sums_earlier_members_into_todays(across_2025: list[Path]) -> None:
    history = build_history(across_2025, load_contract(bloc="dbsh-2025"), mapped=True)
    assert history.members == BLOC_2025
    assert history.mapped_years == [2016, 2018]
    doc_2016 = loads(across_2025[0].read_text(encoding="utf-8"))
    parts = ("Ninh Bình", "Hà Nam", "Nam Định")
    rows = {(r.year, r.member, r.code): r for r in history.rows}
    ninh_binh = rows[(2016, "Ninh Bình", "workers")]
    assert ninh_binh.value == sum(doc_2016["provinces"][p]["workers"] for p in parts)
    assert ninh_binh.mapped_from == parts
    assert rows[(2016, "Phú Thọ", "workers")].mapped_from == ("Vĩnh Phúc",)
    assert rows[(2016, "Hà Nội", "workers")].mapped_from == ()
    assert rows[(2025, "Ninh Bình", "workers")].mapped_from == ()
    assert not any(r.member == "Hà Nam" for r in history.rows)
    assert history.totals[2016] == doc_2016["totals"]
    assert history.merged["Ninh Bình"] == list(parts)


def test_unmapped_series_keeps_members_as_they_were(
    across_2025: list[Path], contract: Contract
) -> None:
    history = build_history(across_2025, contract, mapped=False)
    members_2016 = {r.member for r in history.rows if r.year == 2016}
    members_2025 = {r.member for r in history.rows if r.year == 2025}
    assert "Hà Nam" in members_2016 and len(members_2016) == 11
    assert members_2025 == set(BLOC_2025)
    assert not any(r.mapped_from for r in history.rows)
    text = render_history(history)
    assert "Các tệp thuộc các Khối khác nhau" in text and "quy đổi" in text
    assert "được cộng theo các thành viên hiện nay" not in text


def test_the_prose_says_once_how_earlier_years_were_mapped(across_2025: list[Path]) -> None:
    history = build_history(across_2025, load_contract(bloc="dbsh-2025"), mapped=True)
    text = render_history(history)
    assert text.count("được cộng theo các thành viên hiện nay") == 1
    assert "Số liệu năm 2016 và 2018 được cộng theo các thành viên hiện nay: " in text
    assert "Ninh Bình gồm Ninh Bình (cũ), Hà Nam và Nam Định" in text
    assert (
        "Phú Thọ gồm Vĩnh Phúc, Phú Thọ (cũ) và Hòa Bình, trong đó Phú Thọ (cũ) và Hòa Bình "
        "không có trong số liệu năm 2016 và 2018; "
    ) in text
    assert (
        "Bắc Ninh gồm Bắc Ninh (cũ) và Bắc Giang, trong đó Bắc Giang không có trong số liệu "
        "năm 2016 và 2018."
    ) in text


def test_a_member_outside_the_mapping_is_an_error(series: list[Path]) -> None:
    other = load_contract(bloc="dbsh-2025")
    text = series[0].read_text(encoding="utf-8").replace('"Hà Nam"', '"Hà Giang"')
    series[0].write_text(text, encoding="utf-8")
    with pytest.raises(HistoryError, match="Hà Giang không thuộc"):
        build_history(series, other, mapped=True)


# --- average yearly growth --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "years", "expected", "shown"),
    [
        # 1331 / 1000 = 1.1 ** 3 exactly.
        ("1000", "1331", 3, "10.000000", "10%"),
        # 2 ** (1/5) = 1.148698354997035... (a table value): +14.8698354997...%, 6 places half-up.
        ("100", "200", 5, "14.869835", "14,9%"),
        # 0.5 ** (1/2) = 0.7071067811865475...: -29.2893218813...%.
        ("100", "50", 2, "-29.289322", "-29,3%"),
        # One year is the plain change, 8.25% exactly: half-up shows 8,3% (half-even: 8,2%).
        ("4841.2", "5240.599", 1, "8.250000", "8,3%"),
    ],
)
def test_average_growth_against_a_hand_computation(
    first: str, last: str, years: int, expected: str, shown: str
) -> None:
    from ipstat.base.formatting import format_percent

    growth = average_growth(Decimal(first), Decimal(last), years)
    assert growth == Decimal(expected)
    assert growth is not None and format_percent(growth) == shown


def test_average_growth_agrees_with_exp_of_log() -> None:
    """A second method (50 digits, exp(ln(r) / n)) rounds to the same six decimals."""
    first, last, years = Decimal("4841.2"), Decimal("6443.64"), 3
    with localcontext() as ctx:
        ctx.prec = 50
        other = ((last / first).ln() / years).exp() * 100 - 100
    assert average_growth(first, last, years) == other.quantize(Decimal("0.000001"))


@pytest.mark.parametrize(("first", "years"), [("0", 3), ("5", 0)])
def test_no_growth_can_be_said(first: str, years: int) -> None:
    assert average_growth(Decimal(first), Decimal(10), years) is None


def test_trends_rank_members_by_their_own_growth(series: list[Path], contract: Contract) -> None:
    history = build_history(series, contract, mapped=False)
    [capital] = [t for t in trends(history) if t.code == "fdi_new_capital"]
    assert (capital.first, capital.last) == (
        history.totals[2016]["fdi_new_capital"],
        history.totals[2019]["fdi_new_capital"],
    )
    assert capital.growth == average_growth(capital.first, capital.last, 3)
    # Member i grows i% a year, so the last member is fastest and the first (0%) slowest.
    assert capital.members[0].member == "Hải Phòng"
    assert capital.members[-1].member == "Vĩnh Phúc"


# --- like for like: a member who did not report is no fall of the bloc -----------------------


def scaled_year(
    folder: Path,
    year: int,
    contract: Contract,
    percent_a_year: Callable[[int], Decimal],
    missing: tuple[str, ...] = (),
) -> Path:
    """Member i of the 2016 document (in its order) grows `percent_a_year(i)` % a year;
    the `missing` members did not report this year."""
    counts = {i.code for i in contract.form.indicators if i.kind == "count"}
    provinces = {}
    for i, (name, figures) in enumerate(BASE["provinces"].items()):
        factor = (1 + percent_a_year(i) / 100) ** (year - 2016)
        provinces[name] = {
            code: (Decimal(v) * factor).quantize(
                Decimal(1) if code in counts else Decimal("0.01"), ROUND_HALF_UP
            )
            for code, v in figures.items()
        }
    kept = {name: figures for name, figures in provinces.items() if name not in missing}
    path = folder / str(year) / f"tong-hop-{year}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(document_for(year, contract, kept), encoding="utf-8")
    return path


def falling_series(folder: Path, contract: Contract) -> list[Path]:
    """QA's series: every member falls 3.5% a year; Quảng Ninh did not report in 2017, Hải
    Dương in 2019."""
    fall = lambda i: Decimal("-3.5")  # noqa: E731
    return [
        scaled_year(folder, 2016, contract, fall),
        scaled_year(folder, 2017, contract, fall, ("Quảng Ninh",)),
        scaled_year(folder, 2019, contract, fall, ("Hải Dương",)),
    ]


def test_a_member_who_did_not_report_is_not_a_fall_of_the_bloc(
    tmp_path: Path, contract: Contract
) -> None:
    history = build_history(falling_series(tmp_path, contract), contract, mapped=False)
    [capital] = [t for t in trends(history) if t.code == "fdi_new_capital"]
    others = [m for m in BASE["provinces"] if m != "Hải Dương"]
    assert capital.compared == tuple(m for m in history.members if m != "Hải Dương")
    assert capital.first == sum(BASE["provinces"][m]["fdi_new_capital"] for m in others)
    assert capital.last == sum(
        history.value(2019, m, "fdi_new_capital") or Decimal("NaN") for m in others
    )
    assert capital.growth is not None and format_percent(capital.growth) == "-3,5%"
    assert [(s.member, s.year) for s in capital.left_out] == [("Hải Dương", 2019)]
    assert "Hải Dương" not in {m.member for m in capital.members}
    assert history.totals[2016]["fdi_new_capital"] > capital.first  # the raw total stays raw

    text = render_history(history)
    assert text.count("không tính Hải Dương (năm 2019 chưa gửi báo cáo)") == 1
    assert "vốn đăng ký của dự án FDI cấp mới giảm bình quân 3,5%/năm, từ" in text
    assert "Các thành viên đều giảm bình quân 3,5%/năm." in text
    assert "hanh nhất" not in text and "hậm nhất" not in text  # no ranking of equals
    assert "| 2016 | 2017 (*) | 2018 | 2019 (*) |" in text
    assert (
        "(năm 2017 thiếu 1 thành viên: Quảng Ninh; năm 2019 thiếu 1 thành viên: Hải Dương)"
    ) in text


def test_a_mapped_member_missing_a_former_part_is_left_out(
    tmp_path: Path, contract: Contract
) -> None:
    bloc = load_contract(bloc="dbsh-2025")
    history = build_history(falling_series(tmp_path, contract), bloc, mapped=True)
    for trend in trends(history):
        assert "Hải Phòng" not in trend.compared
        assert "Hải Phòng" not in {m.member for m in trend.members}
        assert {"Phú Thọ", "Bắc Ninh", "Ninh Bình"} <= set(trend.compared)  # same units
    [capital] = [t for t in trends(history) if t.code == "fdi_new_capital"]
    assert capital.growth is not None and format_percent(capital.growth) == "-3,5%"
    text = render_history(history)
    assert "tổng của 6 thành viên có đủ số liệu cả hai năm, không tính Hải Phòng (năm 2019 " \
        "chưa nhận được báo cáo của Hải Dương)." in text  # fmt: skip
    assert "Hải Phòng (giảm" not in text and "Hải Phòng (bình quân" not in text


def test_across_the_merger_members_with_units_merged_in_are_left_out(
    across_2025: list[Path],
) -> None:
    history = build_history(across_2025, load_contract(bloc="dbsh-2025"), mapped=True)
    [capital] = [t for t in trends(history) if t.code == "fdi_new_capital"]
    assert set(capital.compared) == {"Hà Nội", "Hải Phòng", "Quảng Ninh", "Hưng Yên", "Ninh Bình"}
    assert capital.first == sum(
        history.value(2016, m, "fdi_new_capital") or Decimal("NaN") for m in capital.compared
    )
    text = render_history(history)
    assert "không tính Phú Thọ (số liệu năm 2016 chưa gồm Phú Thọ (cũ) và Hòa Bình) và " \
        "Bắc Ninh (số liệu năm 2016 chưa gồm Bắc Giang)." in text  # fmt: skip


@pytest.mark.parametrize(
    ("percent_a_year", "expected"),
    [
        # Vĩnh Phúc and Ninh Bình tie at the top, the only two rising: named together, by name.
        (
            lambda i: Decimal(2) if i < 2 else Decimal(-i),
            "Chỉ có Ninh Bình và Vĩnh Phúc tăng (cùng bình quân 2%/năm); "
            "giảm nhiều nhất: Hải Phòng (bình quân 10%/năm).",
        ),
        (
            lambda i: Decimal(-1 - i),
            "Giảm ít nhất: Vĩnh Phúc (bình quân 1%/năm); "
            "giảm nhiều nhất: Hải Phòng (bình quân 11%/năm).",
        ),
        (
            lambda i: Decimal(-i),
            "Không đổi: Vĩnh Phúc; giảm nhiều nhất: Hải Phòng (bình quân 10%/năm).",
        ),
        (
            Decimal,
            "Tăng nhanh nhất: Hải Phòng (bình quân 10%/năm); không đổi: Vĩnh Phúc.",
        ),
        (lambda i: Decimal(0), "vốn đăng ký của dự án FDI cấp mới không đổi: 4.841,2 triệu USD."),
    ],
)
def test_members_are_named_by_the_sign_of_their_growth_ties_together(
    percent_a_year: Callable[[int], Decimal], expected: str, tmp_path: Path, contract: Contract
) -> None:
    paths = [scaled_year(tmp_path, y, contract, percent_a_year) for y in (2016, 2019)]
    text = render_history(build_history(paths, contract, mapped=False))
    [line] = [x for x in text.splitlines() if "vốn đăng ký của dự án FDI cấp mới" in x]
    assert line.endswith(" " + expected)
    assert "Nhanh nhất" not in text and "chậm nhất: " not in line.replace("tăng chậm", "")


# --- outputs ----------------------------------------------------------------------------------


def test_csv_bytes(across_2025: list[Path]) -> None:
    history = build_history(across_2025, load_contract(bloc="dbsh-2025"), mapped=True)
    data = to_csv(history).encode("utf-8")
    header = b"year,member,code,indicator,unit,value,mapped_from,source,sha256\r\n"
    assert data.startswith(b"\xef\xbb\xbf" + header)
    assert data.count(b"\r\n") == len(history.rows) + 1 and b"\n" not in data.replace(b"\r\n", b"")
    assert "Ninh Bình,workers,Số lao động đang làm việc,người,".encode() in data
    assert "Ninh Bình + Hà Nam + Nam Định".encode() in data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [Decimal(r["value"]) for r in rows] == [r.value for r in history.rows]
    assert not [r for r in rows if "e" in r["value"].lower() or "," in r["value"]]


def test_all_outputs_are_written_together(
    series: list[Path], contract: Contract, tmp_path: Path
) -> None:
    run = write_history(series, contract, out=tmp_path / "out")
    assert sorted(p.name for p in run.files) == [
        "lich-su-2016-2019.csv",
        "lich-su-2016-2019.json",
        "lich-su-2016-2019.md",
        "lich-su-2016-2019.xlsx",
    ]
    text = (tmp_path / "out" / "lich-su-2016-2019.json").read_text(encoding="utf-8")
    saved = json.loads(text, parse_float=Decimal)
    assert saved["gaps"] == [2017] and saved["years"] == [2016, 2018, 2019]
    assert len(saved["rows"]) == len(run.history.rows)
    assert saved["rows"][1]["value"] == run.history.rows[1].value
    assert saved["totals"]["2019"] == run.history.totals[2019]


def test_a_failed_output_writes_none(
    series: list[Path], contract: Contract, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ipstat.commands.history

    def broken(path: Path, history: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ipstat.commands.history, "write_history_book", broken)
    with pytest.raises(OutputError, match=r"lich-su-2016-2019\.xlsx: .*đầy"):
        write_history(series, contract, out=tmp_path / "out")
    assert not list((tmp_path / "out").glob("lich-su*"))


@pytest.fixture
def workbook(series: list[Path], contract: Contract, tmp_path: Path) -> Path:
    write_history(series, contract, out=tmp_path / "out", formats=["xlsx"])
    return tmp_path / "out" / "lich-su-2016-2019.xlsx"


def test_workbook_sheets_and_bloc_totals(workbook: Path, series: list[Path]) -> None:
    book = openpyxl.load_workbook(workbook, data_only=True)
    assert book.sheetnames == ["Khối", "Mục A", "Mục B", "Mục C", "Mục D", "Biểu đồ", "Nguồn"]
    sheet = book["Khối"]
    rows = {r[0].value: [c.value for c in r] for r in sheet.iter_rows(min_row=5)}
    assert rows["Chỉ tiêu"][:6] == ["Chỉ tiêu", "Đơn vị tính", "2016", "2017", "2018", "2019"]
    doc_2019 = loads(series[2].read_text(encoding="utf-8"))
    workers, ratio = "Số lao động đang làm việc", "Tỷ lệ vốn FDI đã thực hiện trên tổng vốn đăng ký"
    assert rows[workers][5] == doc_2019["totals"]["workers"]
    assert rows[workers][3] is None  # the gap stays empty
    assert rows[ratio][5] == pytest.approx(  # a fraction, shown as a percent
        float(doc_2019["derived"]["fdi_disbursed_ratio"]) / 100
    )
    ratio_row = next(r for r in sheet.iter_rows(min_row=5) if r[0].value == ratio)
    assert ratio_row[5].number_format == "0.0%"
    assert "Không có tệp tổng hợp của năm 2017" in str(sheet["A2"].value)
    for name in book.sheetnames:
        setup = book[name].page_setup
        assert (setup.orientation, setup.paperSize) == ("landscape", 9)
        if name == "Biểu đồ" or name.startswith("Mục"):
            continue  # page breaks instead: fitting would override them
        assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0  # None: the default 1
        properties = book[name].sheet_properties.pageSetUpPr
        assert properties is not None and properties.fitToPage


def test_workbook_members_by_year_and_sources(workbook: Path, series: list[Path]) -> None:
    book = openpyxl.load_workbook(workbook, data_only=True)
    cells = [[c.value for c in r] for r in book["Mục A"].iter_rows()]
    start = next(
        i for i, r in enumerate(cells) if str(r[0]).startswith("Vốn đăng ký của dự án FDI")
    )
    assert cells[start + 1][:5] == ["Thành viên", "2016", "2017", "2018", "2019"]
    assert cells[start + 2][0] == "Vĩnh Phúc"
    doc_2018 = loads(series[1].read_text(encoding="utf-8"))
    hai_phong = next(r for r in cells[start:] if r[0] == "Hải Phòng")
    assert hai_phong[3] == pytest.approx(
        float(doc_2018["provinces"]["Hải Phòng"]["fdi_new_capital"])
    )
    total = next(r for r in cells[start:] if r[0] == "Tổng Khối")
    assert total[3] == pytest.approx(float(doc_2018["totals"]["fdi_new_capital"]))
    sources = [[c.value for c in r] for r in book["Nguồn"].iter_rows(min_row=3, max_row=5)]
    assert [r[0] for r in sources] == [2016, 2018, 2019]
    assert [r[1] for r in sources] == [p.name for p in series]
    assert all(len(str(r[2])) == 64 for r in sources)


def test_workbook_line_charts_break_at_the_gap(workbook: Path, contract: Contract) -> None:
    with zipfile.ZipFile(workbook) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        xml = archive.read(charts[0]).decode()
    assert len(charts) == len(contract.comparison.headline)
    assert "<c:lineChart>" in xml
    # The years 2016..2019 (the charts' own table right of them) with the empty 2017 column;
    # XlsxWriter leaves out dispBlanksAs when
    # it is "gap", which is also what Excel assumes without it: the line breaks, never drops to 0.
    assert "<c:f>'Biểu đồ'!$R$2:$U$2</c:f>" in xml
    assert 'dispBlanksAs val="zero"' not in xml and 'dispBlanksAs val="span"' not in xml


def test_text_is_never_a_formula(series: list[Path], contract: Contract, tmp_path: Path) -> None:
    text = series[0].read_text(encoding="utf-8").replace('"Hà Nam"', '"=HYPERLINK(1)"')
    series[0].write_text(text, encoding="utf-8")
    write_history(series, contract, out=tmp_path / "out", formats=["xlsx"])
    book = openpyxl.load_workbook(tmp_path / "out" / "lich-su-2016-2019.xlsx")
    values = [c.value for r in book["Mục A"].iter_rows() for c in r]
    assert "=HYPERLINK(1)" in values
    cell = next(c for r in book["Mục A"].iter_rows() for c in r if c.value == "=HYPERLINK(1)")
    assert cell.data_type == "s"


# --- prose ------------------------------------------------------------------------------------


def test_prose_golden(contract: Contract, tmp_path: Path) -> None:
    """Member i grows i% a year; 2017 is a gap, Quảng Ninh did not report in 2018 nor Hải
    Dương in 2019."""
    grow = Decimal
    paths = [
        scaled_year(tmp_path, 2016, contract, grow),
        scaled_year(tmp_path, 2018, contract, grow, ("Quảng Ninh",)),
        scaled_year(tmp_path, 2019, contract, grow, ("Hải Dương",)),
    ]
    text = render_history(build_history(paths, contract, mapped=False))
    golden = GOLDEN / "lich-su-2016-2019.md"
    if os.environ.get("IPSTAT_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), (
        "lich-su-2016-2019.md changed: review it, then run IPSTAT_UPDATE_GOLDEN=1 make test"
    )


def test_an_analysts_history_template(
    series: list[Path], contract: Contract, tmp_path: Path
) -> None:
    template = tmp_path / "mau.md.j2"
    template.write_text(
        "{% for x in xu_huong if x.ma == 'fdi_new_capital' %}"
        "{{ x.dau }}–{{ x.cuoi }}: {{ x.binh_quan | phan_tram }}/năm{% endfor %}; "
        "{{ t[2017].workers | so }}; {{ thieu_nam | noi }}\n",
        encoding="utf-8",
    )
    history = build_history(series, contract, mapped=False)
    [capital] = [t for t in trends(history) if t.code == "fdi_new_capital"]
    from ipstat.base.formatting import format_percent

    assert capital.growth is not None
    expected = f"2016–2019: {format_percent(capital.growth)}/năm; –; 2017\n"
    assert render_history(history, template) == expected


# --- the Python API and the command line ------------------------------------------------------


def test_load_gives_decimals_and_a_float_one_liner(across_2025: list[Path]) -> None:
    table = load(across_2025, bloc="dbsh-2025")
    assert list(table.columns) == [
        "year", "member", "code", "indicator", "unit", "value", "mapped_from", "source", "sha256"
    ]  # fmt: skip
    assert table["value"].dtype == object
    assert all(isinstance(v, Decimal) for v in table["value"])
    ninh_binh = table[(table.year == 2016) & (table.member == "Ninh Bình")]
    assert set(ninh_binh["mapped_from"]) == {"Ninh Bình + Hà Nam + Nam Định"}
    floats = table["value"].astype(float)
    assert floats.dtype == "float64" and len(floats) == len(table)


def test_short_names_without_a_heavy_import(series: list[Path]) -> None:
    code = (
        "import sys, ipstat; assert 'pandas' not in sys.modules; "
        f"d = ipstat.document.load({str(series[0])!r}); print(d['totals']['workers']); "
        f"t = ipstat.history.load({str(series[0].parents[1])!r}); print(len(t))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["771112", str(3 * 11 * 32)]


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_history(series: list[Path], tmp_path: Path) -> None:
    code, out, _ = run(
        "history", *map(str, series), "--out", str(tmp_path / "o"), "--format", "csv"
    )
    assert code == 0
    assert "Số liệu các năm 2016, 2018, 2019." in out and "năm 2017: để trống" in out
    assert [p.name for p in (tmp_path / "o").iterdir()] == ["lich-su-2016-2019.csv"]


def test_cli_refuses_two_documents_for_a_year(series: list[Path], tmp_path: Path) -> None:
    copy = tmp_path / "tong-hop-2016-ban-sao.json"
    copy.write_bytes(series[0].read_bytes())
    code, _, err = run("history", str(series[0]), str(copy), "--out", str(tmp_path / "o"))
    assert code == 2 and "Hai tệp tổng hợp cùng năm 2016" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_cli_refuses_a_json_that_is_not_a_document(tmp_path: Path) -> None:
    path = tmp_path / "loi.json"
    path.write_text('{"files": []}', encoding="utf-8")
    code, _, err = run("history", str(path))
    assert code == 2 and f"{path} không phải là tệp tổng hợp JSON" in err


# --- from workbooks, through aggregate, to history --------------------------------------------

MEMBERS = ("Hà Nam", "Hà Nội")
LATE = "Ninh Bình"  # reports in 2016 and 2018, not in 2019: no fall of the bloc
MONEY = {k for k, v in VALID.items() if isinstance(v, float)}


def workbook_values(member: int, step: int) -> dict[str, Decimal]:
    """Member i's money grows (1 + (i+1)/10) a step; its new FDI projects and workers gain too."""
    factor = (1 + Decimal(member + 1) / 10) ** step
    values = {k: Decimal(str(v)) for k, v in VALID.items()}
    for code in MONEY:
        values[code] = (values[code] * factor).quantize(Decimal("0.01"))
    values["fdi_new_projects"] += step * (member + 1)
    values["workers"] += 1000 * step * (member + 1)
    return values


def growth_by_logs(first: Decimal, last: Decimal, years: int) -> Decimal:
    with localcontext() as ctx:
        ctx.prec = 50
        return ((last / first).ln() / years).exp() * 100 - 100


def test_from_workbooks_through_aggregate_to_history(
    make_workbook: Callable[..., Path], contract: Contract, tmp_path: Path
) -> None:
    steps = {2016: 0, 2018: 2, 2019: 3}
    written: dict[int, dict[str, dict[str, Decimal]]] = {}
    documents = []
    for year, step in steps.items():
        paths = []
        for i, member in enumerate(MEMBERS + ((LATE,) if year != 2019 else ())):
            values = workbook_values(i, step)
            written.setdefault(year, {})[member] = values
            paths.append(
                make_workbook(
                    f"bieu-{i}-{year}.xlsx",
                    member=member,
                    year=year,
                    values={k: float(v) for k, v in values.items()},
                )
            )
        published = publish(paths, contract, out=tmp_path / "ket-qua" / str(year))
        assert published.document is not None, published.run.validation.report
        documents.append(output_paths(tmp_path / "ket-qua" / str(year), year)["json"])

    out = tmp_path / "lich-su"
    status, _, err = run("history", str(tmp_path / "ket-qua"), "--out", str(out))
    assert status == 0, err
    book = openpyxl.load_workbook(out / "lich-su-2016-2019.xlsx")
    assert book.sheetnames[0] == "Khối" and "Nguồn" in book.sheetnames
    data = (out / "lich-su-2016-2019.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbfyear,member,") and "Hà Nội".encode() in data

    # Every figure of the prose, recomputed from what was typed into the workbooks.
    totals = {
        year: {c: sum((m[c] for m in members.values()), Decimal(0)) for c in VALID}
        for year, members in written.items()
    }
    prose = (out / "lich-su-2016-2019.md").read_text(encoding="utf-8")
    # Not received in 2019 (at the top and under the table), left out of the trends once.
    assert prose.count(LATE) == 3
    assert (
        "số liệu năm 2016 và năm 2019 dưới đây là tổng của 2 thành viên có đủ số liệu cả hai "
        f"năm, không tính {LATE} (năm 2019 chưa gửi báo cáo)."
    ) in prose
    assert "| 2016 (*) | 2017 | 2018 (*) | 2019 (*) |" in prose  # 2 or 3 of the 11 reported
    assert "năm 2018 thiếu 8 thành viên: Vĩnh Phúc, Hải Dương, " in prose
    assert f"năm 2019 thiếu 9 thành viên: Vĩnh Phúc, {LATE}, Hải Dương, " in prose
    like = {
        y: {c: sum((written[y][m][c] for m in MEMBERS), Decimal(0)) for c in VALID} for y in written
    }
    labels = contract.form.by_code
    lines = {line.split(", ", 1)[1]: line for line in prose.splitlines() if line.startswith("- ")}
    for code in contract.comparison.headline:
        first, last = like[2016][code], like[2019][code]
        unit = labels[code].unit
        [line] = [v for k, v in lines.items() if k.startswith(lower_first(labels[code].label))]
        expected = {"2016", "2019", format_number(first), format_number(last)}
        if first != last:
            growth = growth_by_logs(first, last, 3)
            change = percent(last - first, first)
            assert change is not None
            members = {
                name: growth_by_logs(written[2016][name][code], written[2019][name][code], 3)
                for name in MEMBERS
            }
            fast, slow = sorted(members, key=lambda n: -members[n])
            word = "tăng" if last > first else "giảm"
            shown = format_percent(abs(growth.quantize(Decimal("0.000001"))))
            assert (
                f"{word} bình quân {shown}/năm, từ {format_number(first)} {unit} năm 2016" in line
            )
            assert f"({word} {format_number(abs(last - first))} {unit}, tức " in line
            top = {1: "Tăng nhanh nhất", 0: "Không đổi", -1: "Giảm ít nhất"}
            bottom = {1: "tăng chậm nhất", 0: "không đổi", -1: "giảm nhiều nhất"}
            sign = {n: (g > 0) - (g < 0) for n, g in members.items()}
            assert (
                f"{top[sign[fast]]}: {fast}" in line and f"; {bottom[sign[slow]]}: {slow}" in line
            )
            expected |= {
                shown.rstrip("%"),
                format_number(abs(last - first)),
                format_number(abs(change)),
                *(format_number(abs(g.quantize(Decimal("0.000001")))) for g in members.values()),
            }
        figures = re.findall(r"\d[\d.]*(?:,\d+)?", line.split(", ", 1)[1])
        assert set(figures) <= expected, (code, line)
    for code in contract.comparison.headline:
        places = 0 if labels[code].kind == "count" else 1

        def cell(value: Decimal, places: int = places) -> str:
            return format_number(value, places, fixed=True)  # one number of decimals a row

        row = f"| {labels[code].label} | {labels[code].unit} | " + " | ".join(
            [cell(totals[2016][code]), "–", cell(totals[2018][code]), cell(totals[2019][code])]
        )  # fmt: skip
        assert row + " |" in prose


def test_a_template_that_fails_while_rendering_names_its_line(
    series: list[Path], contract: Contract, tmp_path: Path
) -> None:
    from ipstat.outputs.render import TemplateProblem

    template = tmp_path / "mau.md.j2"
    template.write_text("Dòng 1\n{{ dau + 'x' }}\n", encoding="utf-8")
    with pytest.raises(TemplateProblem, match=r"mau\.md\.j2, dòng 2"):
        render_history(build_history(series, contract, mapped=False), template)


def test_members_who_did_not_report_are_named_per_year(tmp_path: Path, contract: Contract) -> None:
    paths = [
        write_year(tmp_path / "docs", 2016, contract),
        write_year(tmp_path / "docs", 2017, contract, ["Vĩnh Phúc", "Ninh Bình", "Hà Nam"]),
    ]
    history = build_history(paths, contract, mapped=False)
    assert {r.member for r in history.rows if r.year == 2017} == {
        "Vĩnh Phúc",
        "Ninh Bình",
        "Hà Nam",
    }
    text = render_history(history)
    assert "Năm 2017 chưa nhận được báo cáo của: Hải Dương, Hưng Yên, Nam Định" in text
    assert "Năm 2016 chưa nhận" not in text


def test_workbook_marks_the_years_a_member_did_not_report(
    tmp_path: Path, contract: Contract
) -> None:
    write_history(
        falling_series(tmp_path, contract), contract, out=tmp_path / "o", formats=["xlsx"]
    )
    sheet = openpyxl.load_workbook(tmp_path / "o" / "lich-su-2016-2019.xlsx")["Khối"]
    cells = [[c.value for c in r] for r in sheet.iter_rows()]
    [row] = [r for r in cells if r[0] == "Thành viên chưa gửi báo cáo"]
    assert row[2:6] == [None, "Quảng Ninh", None, "Hải Dương"]
    assert any("Năm 2017, 2019 chưa nhận đủ báo cáo" in str(r[0]) for r in cells[1:4])


def test_mapped_workbook_marks_and_explains_the_mapping(
    across_2025: list[Path], tmp_path: Path
) -> None:
    bloc = load_contract(bloc="dbsh-2025")
    write_history(across_2025, bloc, mapped=True, out=tmp_path / "o", formats=["xlsx"])
    book = openpyxl.load_workbook(tmp_path / "o" / "lich-su-2016-2025.xlsx")
    notes = [book["Khối"].cell(row, 1).value for row in (2, 3, 4, 5)]
    assert any("Ninh Bình = Ninh Bình + Hà Nam + Nam Định" in str(n) for n in notes)
    assert "Số liệu năm 2016, 2018 của Phú Thọ chưa gồm Phú Thọ (cũ) và Hòa Bình" in str(notes)
    sheet = book["Mục A"]
    row = next(r for r in sheet.iter_rows() if r[0].value == "Ninh Bình")
    assert row[1].font.italic and not row[10].font.italic  # 2016 mapped, 2025 as reported
    hanoi = next(r for r in sheet.iter_rows() if r[0].value == "Hà Nội")
    assert not hanoi[1].font.italic


@given(
    st.decimals(min_value="0.01", max_value=10**7, places=2),
    st.decimals(min_value="0.01", max_value=10**7, places=2),
    st.integers(min_value=1, max_value=30),
)
def test_growth_is_the_exact_root_rounded_once(first: Decimal, last: Decimal, years: int) -> None:
    """Against exp(ln(last / first) / years) at 50 digits: never off by more than half a unit
    of the sixth decimal, and it rises exactly when the figure rose."""
    growth = average_growth(first, last, years)
    assert growth is not None
    exact = growth_by_logs(first, last, years)
    assert abs(growth - exact) <= Decimal("0.0000005")
    assert (growth > 0) <= (last > first) and (growth < 0) <= (last < first)


def test_one_year_is_a_series_without_a_trend(contract: Contract, tmp_path: Path) -> None:
    path = write_year(tmp_path / "docs", 2016, contract)
    run = write_history([path], contract, out=tmp_path / "o")
    assert run.files[0].name == "lich-su-2016.xlsx"
    text = (tmp_path / "o" / "lich-su-2016.md").read_text(encoding="utf-8")
    assert text.startswith("# Số liệu các KCN, KCX, KKT năm 2016\n")
    assert "Chỉ có số liệu của năm 2016: chưa tính được xu hướng." in text
    assert all(t.growth is None for t in trends(run.history))


def test_charts_print_whole_four_a_page(workbook: Path) -> None:
    """Each chart within one page, below and across: fitted to the page width with breaks
    ignored, a chart would print cut in two across pages."""
    book = openpyxl.load_workbook(workbook)
    breaks = [b.id for b in book["Biểu đồ"].row_breaks.brk]
    with zipfile.ZipFile(workbook) as archive:
        drawing = archive.read("xl/drawings/drawing1.xml").decode()
        charts = [archive.read(n).decode() for n in archive.namelist() if "charts/chart" in n]
    anchors = re.findall(
        r"<xdr:from><xdr:col>(\d+)</xdr:col><xdr:colOff>(\d+)</xdr:colOff><xdr:row>(\d+)</xdr:row>"
        r".*?<xdr:to><xdr:col>(\d+)</xdr:col><xdr:colOff>(\d+)</xdr:colOff><xdr:row>(\d+)</xdr:row>",
        drawing,
        re.S,
    )
    assert len(anchors) == len(charts) > 4 and len(breaks) == (len(charts) - 1) // 4

    def page(row: int) -> int:
        return sum(row >= b for b in breaks)

    pages = [page(int(top)) for _, _, top, _, _, _ in anchors]
    for (_, _, _top, col, offset, bottom), on in zip(anchors, pages, strict=True):
        assert page(int(bottom)) == on
        assert int(col) * 64 + int(offset) / 9525 <= 988  # px across landscape A4 at 100%
    assert all(pages.count(p) <= 4 for p in pages)
    assert all('formatCode="#,##0"' in xml for xml in charts)  # 52,000 not 52000


def test_sources_sheet_wraps_its_long_texts(workbook: Path) -> None:
    sheet = openpyxl.load_workbook(workbook)["Nguồn"]
    widths = [sheet.column_dimensions[c].width for c in "ABCDEFG"]
    assert sum(widths) <= 145  # one landscape page wide at 100%
    digest = sheet["C3"]
    assert digest.alignment.wrap_text and len(str(digest.value)) > widths[2]
    assert sheet.row_dimensions[3].height >= 30  # two lines


def test_one_workbook_read_as_validate_reads_it(make_workbook: Callable[..., Path]) -> None:
    import ipstat

    submission, findings = ipstat.read_workbook(make_workbook(values={"workers": -1}))
    assert submission is not None and submission.member == "Hà Nam"
    assert [f.rule for f in findings] == ["negative-value"]
    assert submission.values()["fdi_new_capital"] == Decimal("217.85")


@pytest.mark.skipif(os.name != "posix", reason="only POSIX file names can be any bytes")
def test_a_document_name_that_is_not_utf8_is_shown_in_every_output(tmp_path: Path) -> None:
    golden = Path(__file__).parent / "golden" / "tong-hop-2016.json"
    try:
        path = tmp_path / os.fsdecode(b"tong-hop-\xff.json")
        path.write_bytes(golden.read_bytes())
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    out = tmp_path / "ra"
    result = CliRunner().invoke(app, ["history", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "tong-hop-\\xff.json" in (out / "lich-su-2016.csv").read_text(encoding="utf-8")
    document = json.loads((out / "lich-su-2016.json").read_text(encoding="utf-8"))
    assert document["documents"][0]["file"] == "tong-hop-\\xff.json"
    sheet = openpyxl.load_workbook(out / "lich-su-2016.xlsx")["Nguồn"]
    texts = {str(c) for row in sheet.iter_rows(values_only=True) for c in row if c}
    assert "tong-hop-\\xff.json" in texts
