"""Year over year, and the bloc after the 2025 mergers compared like with like."""

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from ipstat.bloc.compare import change_percent
from ipstat.bloc.document import loads
from ipstat.contract.model import Contract, load_contract
from ipstat.outputs.render import change_phrase
from ipstat.publish import output_paths, publish

Make = Callable[..., Path]
LAST_YEAR = Path(__file__).parent / "golden" / "tong-hop-2016.json"
PREVIOUS = loads(LAST_YEAR.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("before", "now", "phrase"),
    [
        ("100", "112.3", " (tăng 12,3% so với năm 2016)"),
        ("100", "95.9", " (giảm 4,1% so với năm 2016)"),
        ("100", "100.02", " (tương đương năm 2016)"),
        ("0", "5", ""),
        (None, "5", ""),
    ],
)
def test_change_phrases(before: str | None, now: str, phrase: str) -> None:
    previous = Decimal(before) if before is not None else None
    change = {"previous": previous, "change_percent": change_percent(previous, Decimal(now))}
    assert change_phrase(change, 2016) == phrase


def previous_of(member: str, code: str) -> Decimal:
    value: Decimal = PREVIOUS["provinces"][member][code]
    return value


def test_same_bloc_next_year(make_workbook: Make, contract: Contract, tmp_path: Path) -> None:
    capital = previous_of("Hà Nam", "fdi_new_capital") * Decimal("1.123")
    make_workbook(member="Hà Nam", year=2017, values={"fdi_new_capital": float(capital)})
    folder = make_workbook(member="Hà Nội", year=2017, values={"fdi_new_capital": 1000.5}).parent
    published = publish([folder], contract, out=tmp_path / "out", previous=LAST_YEAR)
    assert published.document is not None
    comparison = published.document["comparison"]
    assert comparison["previous_year"] == 2016 and comparison["merged"] == {}
    hanam = comparison["provinces"]["Hà Nam"]["fdi_new_capital"]
    assert hanam["previous"] == previous_of("Hà Nam", "fdi_new_capital")
    assert hanam["change_percent"].quantize(Decimal("0.1")) == Decimal("12.3")
    total = comparison["totals"]["workers"]
    assert total["previous"] == previous_of("Hà Nam", "workers") + previous_of("Hà Nội", "workers")
    report = output_paths(tmp_path / "out", 2017)["md"].read_text(encoding="utf-8")
    assert "So sánh với năm 2016." in report
    assert "so với năm 2016)" in report
    book = openpyxl.load_workbook(output_paths(tmp_path / "out", 2017)["xlsx"], data_only=True)
    sheet = book["So sánh"]
    assert sheet["A5"].value == "Hà Nam" and sheet["A7"].value == "Tổng Khối"
    assert sheet["E3"].value.startswith("Vốn đăng ký của dự án FDI cấp mới")
    assert sheet["E4"].value == "Năm 2016" and sheet["G5"].value == pytest.approx(0.123)
    assert sheet["G5"].number_format == "0.0%"


def test_a_cumulative_figure_falling_too_far_is_a_warning(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    path = make_workbook(member="Hà Nam", year=2017, values={"fdi_registered_capital": 1500})
    published = publish([path], contract, out=tmp_path / "out", previous=LAST_YEAR)
    drops = [f for f in published.run.validation.report.warnings if f.rule == "cumulative-drop"]
    assert [(f.code, f.cell, f.file) for f in drops] == [
        ("fdi_registered_capital", "D17", path.name)
    ]
    assert "giảm 19,8% so với năm 2016" in drops[0].message
    assert published.document is not None
    assert any(w["rule"] == "cumulative-drop" for w in published.document["warnings"])


def test_a_small_fall_is_not_a_warning(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    path = make_workbook(member="Hà Nam", year=2017, values={"fdi_registered_capital": 1800})
    published = publish([path], contract, out=tmp_path / "out", previous=LAST_YEAR)
    assert not [f for f in published.run.validation.report.warnings if f.rule == "cumulative-drop"]


def test_the_2025_bloc_compares_merged_members_with_their_parts(
    make_workbook: Make, tmp_path: Path
) -> None:
    bloc_2025 = load_contract(bloc="dbsh-2025")
    assert len(bloc_2025.bloc.members) == 7
    folder = make_workbook(member="Ninh Bình", year=2025).parent
    make_workbook(member="Phú Thọ", year=2025)
    published = publish([folder], bloc_2025, out=tmp_path / "out", previous=LAST_YEAR)
    assert published.document is not None
    comparison = published.document["comparison"]
    parts = ("Ninh Bình", "Hà Nam", "Nam Định")
    expected = sum(previous_of(p, "workers") for p in parts)
    assert comparison["provinces"]["Ninh Bình"]["workers"]["previous"] == expected
    assert comparison["provinces"]["Phú Thọ"]["workers"]["previous"] == previous_of(
        "Vĩnh Phúc", "workers"
    )
    assert sorted(comparison["merged"]["Ninh Bình"]) == sorted(parts)
    report = output_paths(tmp_path / "out", 2025)["md"].read_text(encoding="utf-8")
    assert "Ninh Bình gồm Ninh Bình, Hà Nam và Nam Định" in report
    assert "Phú Thọ gồm Vĩnh Phúc" in report
    assert "Bắc Ninh còn gồm Bắc Giang, không có trong số liệu năm 2016" in report


def test_an_old_province_name_in_a_2025_workbook_says_where_it_went(
    make_workbook: Make, tmp_path: Path
) -> None:
    from ipstat.reading.reader import read_submission

    _, findings = read_submission(
        make_workbook(member="Hải Dương"), load_contract(bloc="dbsh-2025")
    )
    [finding] = findings
    assert finding.rule == "unknown-member"
    assert "Hải Dương nay thuộc Hải Phòng: hãy ghi “Hải Phòng”." in finding.message


def test_previous_that_is_not_a_document_is_an_error(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    from ipstat.bloc.document import DocumentError

    bad = tmp_path / "x.json"
    bad.write_text("[]", encoding="utf-8")
    with pytest.raises(DocumentError):
        publish([make_workbook()], contract, out=tmp_path / "out", previous=bad)
