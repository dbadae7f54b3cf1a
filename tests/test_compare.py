"""Year over year, and the bloc after the 2025 mergers compared like with like."""

import re
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ipstat.bloc.compare import change_percent
from ipstat.bloc.document import dumps, loads
from ipstat.commands.aggregate import output_paths, publish
from ipstat.contract.model import Contract, load_contract
from ipstat.outputs.report_text import change_phrase, change_words, sentence_changes
from tests.test_publish import SAMPLE, check_golden

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


def test_a_sentence_says_the_year_once() -> None:
    def change(before: str, now: str) -> dict[str, Decimal | None]:
        return {"change_percent": change_percent(Decimal(before), Decimal(now))}

    totals = {"a": change("0", "5"), "b": change("100", "90"), "c": change("100", "120")}
    assert sentence_changes(totals, 2016)("a", "b", "c") == {
        "a": "",
        "b": "giảm 10% so với năm 2016",
        "c": "tăng 20%",
    }
    assert sentence_changes({}, None)("a", "b") == {"a": "", "b": ""}
    assert change_words(change("100", "100.01"), None) == "tương đương năm trước"


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
    assert "So sánh với năm 2016 tính trên 2 thành viên đã gửi báo cáo năm 2017." in report
    assert ") (" not in report
    for sentence in re.split(r"(?<=\.)\s+", report):
        assert sentence.count("so với năm 2016") <= 1, sentence
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
    assert drops[0].message == (
        "Ô D17 (fdi_registered_capital): Tổng vốn đăng ký của dự án FDI của Hà Nam giảm 19,8% "
        "so với năm 2016, từ 1.869,88 triệu USD xuống 1.500 triệu USD; số lũy kế thường không "
        "giảm quá 10%, hãy kiểm tra lại."
    )
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
    assert "Ninh Bình gồm Ninh Bình (cũ), Hà Nam và Nam Định; " in report
    assert (
        "Phú Thọ gồm Vĩnh Phúc, Phú Thọ (cũ) và Hòa Bình, trong đó Phú Thọ (cũ) và Hòa Bình "
        "không có trong số liệu năm 2016; "
    ) in report
    assert (
        "Bắc Ninh gồm Bắc Ninh (cũ) và Bắc Giang, trong đó Bắc Giang không có trong số liệu "
        "năm 2016.\n"
    ) in report
    assert "Hải Phòng gồm Hải Phòng (cũ) và Hải Dương; " in report
    assert "còn gồm" not in report and report.count("Phú Thọ gồm") == 1


def test_an_old_province_name_in_a_2025_workbook_says_where_it_went(
    make_workbook: Make, tmp_path: Path
) -> None:
    from ipstat.reading.submission import read_submission

    _, findings = read_submission(
        make_workbook(member="Hải Dương", year=2025), load_contract(bloc="dbsh-2025")
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


def a_year_before(document: dict[str, Any]) -> dict[str, Any]:
    """The 2016 document made into a 2015 one: every figure moved by -15% to +15%, the
    previous budget in USD and FDI added capital 0 (no percentage can be said of them)."""
    previous = loads(dumps(document))
    previous["year"] = 2015
    for i, figures in enumerate(previous["provinces"].values()):
        for j, code in enumerate(figures):
            factor = Decimal("0.85") + Decimal((i + j) % 7) / 20
            figures[code] = (figures[code] * factor).quantize(Decimal(1))
            if code in {"budget_usd", "fdi_added_capital"}:
                figures[code] = Decimal(0)
    return previous


def test_year_over_year_report_golden(contract: Contract, tmp_path: Path) -> None:
    """Read as an official would: the year once per sentence, no doubled brackets, the
    missing member said once."""
    folder = tmp_path / "nhan-ve"
    folder.mkdir()
    for workbook in SAMPLE.glob("*.xlsx"):
        if workbook.name != "bieu-ha-nam-2016.xlsx":
            shutil.copy(workbook, folder)
    last_year = tmp_path / "tong-hop-2015.json"
    last_year.write_text(dumps(a_year_before(PREVIOUS)), encoding="utf-8")
    published = publish([folder], contract, out=tmp_path / "out", previous=last_year)
    assert published.document is not None
    report = output_paths(tmp_path / "out", 2016)["md"].read_text(encoding="utf-8")
    check_golden("bao-cao-2016-so-sanh-2015.md", report)
    assert report.count("Hà Nam") == 1


def test_last_year_with_fewer_members_compares_those_in_both_and_says_which(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    """Last year 2 of 11 members, this year 3: the bloc's change is over the 2, named."""
    last = loads(LAST_YEAR.read_text(encoding="utf-8"))
    kept = ["Hà Nam", "Hà Nội"]
    last["provinces"] = {m: f for m, f in last["provinces"].items() if m in kept}
    last["members"] = kept
    last["missing"] = [m for m in contract.bloc.names if m not in kept]
    previous = tmp_path / "last.json"
    previous.write_text(dumps(last), encoding="utf-8")
    for member in ("Hà Nam", "Hà Nội", "Bắc Ninh"):
        folder = make_workbook(member=member, year=2017, values={"workers": 1000}).parent
    published = publish([folder], contract, out=tmp_path / "out", previous=previous)
    assert published.document is not None
    comparison = published.document["comparison"]
    assert set(comparison["compared"]) == set(kept)
    assert comparison["only_this_year"] == ["Bắc Ninh"]
    total = comparison["totals"]["workers"]
    assert total["previous"] == previous_of("Hà Nam", "workers") + previous_of("Hà Nội", "workers")
    assert total["current"] == 2000
    report = output_paths(tmp_path / "out", 2017)["md"].read_text(encoding="utf-8")
    assert "so với năm 2016" in report
    assert "tính trên 2 thành viên có số liệu cả hai năm" in report
    assert "không tính Bắc Ninh (không có số liệu năm 2016)" in report
    sheet = openpyxl.load_workbook(output_paths(tmp_path / "out", 2017)["xlsx"])["So sánh"]
    labels = [sheet.cell(row, 1).value for row in range(5, 9)]
    assert "Tổng 2 thành viên so sánh được" in labels
    assert str(sheet["A2"].value).startswith("So sánh với năm 2016 tính trên 2 thành viên")


def test_no_member_in_both_years_is_said(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    last = loads(LAST_YEAR.read_text(encoding="utf-8"))
    last["provinces"] = {"Hà Nội": last["provinces"]["Hà Nội"]}
    last["members"] = ["Hà Nội"]
    previous = tmp_path / "last.json"
    previous.write_text(dumps(last), encoding="utf-8")
    folder = make_workbook(member="Hà Nam", year=2017).parent
    published = publish([folder], contract, out=tmp_path / "out", previous=previous)
    assert published.document is not None
    assert published.document["comparison"]["totals"]["workers"]["previous"] is None
    report = output_paths(tmp_path / "out", 2017)["md"].read_text(encoding="utf-8")
    assert "Không so sánh được với năm 2016: không thành viên nào có số liệu cả hai năm." in report
    assert "so với năm 2016" not in report


def test_a_merged_member_whose_parts_did_not_all_report_last_year_is_not_compared(
    make_workbook: Make, tmp_path: Path
) -> None:
    """Ninh Bình of 2025 is Hà Nam, Nam Định and Ninh Bình; with Hà Nam missing in 2016, the
    part of last year would read as a rise."""
    last = loads(LAST_YEAR.read_text(encoding="utf-8"))
    del last["provinces"]["Hà Nam"]
    last["members"].remove("Hà Nam")
    last["missing"] = ["Hà Nam"]
    previous = tmp_path / "last.json"
    previous.write_text(dumps(last), encoding="utf-8")
    folder = make_workbook(member="Ninh Bình", year=2025).parent
    make_workbook(member="Phú Thọ", year=2025)
    bloc_2025 = load_contract(bloc="dbsh-2025")
    published = publish([folder], bloc_2025, out=tmp_path / "out", previous=previous)
    assert published.document is not None
    comparison = published.document["comparison"]
    assert comparison["compared"] == ["Phú Thọ"]
    assert comparison["partial_previous_year"] == {"Ninh Bình": ["Hà Nam"]}
    assert comparison["provinces"]["Ninh Bình"]["workers"]["previous"] is None
    report = output_paths(tmp_path / "out", 2025)["md"].read_text(encoding="utf-8")
    assert "không tính Ninh Bình (năm 2016 thiếu số liệu của Hà Nam)." in report
