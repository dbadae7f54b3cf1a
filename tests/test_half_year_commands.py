"""`--period` beyond aggregate: `validate` naming the period of a workbook of the other one, the
half-year form, scoring (the year's alone), the inbox's July deadline, the half-year series, and
the sample set of the README walk-through."""

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from ipstat.checks.validation import validate_paths
from ipstat.cli import app
from ipstat.contract.model import Contract
from tests.conftest import VALID
from tests.test_periods import half_of

Make = Callable[..., Path]
runner = CliRunner()
ROOT = Path(__file__).parents[1]
SAMPLE_YEAR = ROOT / "sample_data" / "2016"
SAMPLE_HALF = ROOT / "sample_data" / "2016-6-thang"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def cells(path: Path, sheet: str) -> list[list[Any]]:
    book = openpyxl.load_workbook(path)
    return [[c for c in row if c is not None] for row in book[sheet].iter_rows(values_only=True)]


# --- validate -----------------------------------------------------------------------------------


def test_a_workbook_of_the_other_period_is_mixed_periods_naming_file_and_period(
    make_workbook: Make,
) -> None:
    half = make_workbook("bieu-6t.xlsx", period="6T")
    year = make_workbook("bieu-nam.xlsx")
    code, out, _ = run("validate", "--format", "json", str(half))
    [finding] = json.loads(out)["findings"]
    assert code == 1 and finding["rule"] == "mixed-periods" and finding["cell"] == "C6"
    assert "bieu-6t.xlsx ghi kỳ báo cáo “6T”, tức là báo cáo 6 tháng đầu năm" in finding["text"]
    assert "đang xét báo cáo năm (--period nam)" in finding["text"]
    code, out, _ = run("validate", "--period", "6-thang", "--format", "json", str(year))
    [finding] = json.loads(out)["findings"]
    assert code == 1 and finding["rule"] == "mixed-periods" and finding["cell"] is None
    assert "bieu-nam.xlsx không ghi kỳ báo cáo" in finding["text"]
    assert "tức là báo cáo năm" in finding["text"] and "hãy ghi “6 tháng”" in finding["text"]


# --- the form ---------------------------------------------------------------------------------


def test_the_half_year_form_is_titled_so_and_says_its_period(
    tmp_path: Path, contract: Contract
) -> None:
    code, _, _ = run(
        "template", "--year", "2017", "--period", "6-thang", "--all", "-o", str(tmp_path)
    )
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        f"bieu-{m.slug}-2017-6-thang.xlsx" for m in contract.bloc.members
    )
    form = tmp_path / "bieu-ha-nam-2017-6-thang.xlsx"
    assert ["ky", "Kỳ báo cáo", "6 tháng"] in cells(form, "Thông tin")
    figures = cells(form, "Chỉ tiêu")
    assert figures[0] == ["SỐ LIỆU KCN, KCX, KKT 6 THÁNG ĐẦU NĂM 2017 – HÀ NAM"]
    assert ["B. Lũy kế dự án còn hiệu lực đến 30/6"] in figures
    guide = "\n".join(str(row[0]) for row in cells(form, "Hướng dẫn") if row)
    assert guide.startswith("HƯỚNG DẪN ĐIỀN BIỂU BÁO CÁO 6 THÁNG ĐẦU NĂM 2017")
    assert "ghi số của 6 tháng đầu năm 2017 (từ 1/1 đến 30/6/2017): mục A;" in guide
    assert "tại ngày 30/6/2017: mục B (trừ “Vốn đầu tư FDI thực hiện trong năm”" in guide
    assert "Tự chấm điểm" not in openpyxl.load_workbook(form).sheetnames  # scoring: the year's
    # Filled in, it is read back as a half-year workbook, clean.
    book = openpyxl.load_workbook(form)
    for row in book["Chỉ tiêu"].iter_rows():
        if row[0].value in VALID:
            row[3].value = half_of(contract, Decimal("0.5"))[str(row[0].value)]
    book.save(form)
    validation = validate_paths([form], contract, period="6-thang")
    assert validation.submissions[0].period == "6-thang" and not list(validation.report)


def test_the_yearly_form_has_no_period_row(tmp_path: Path) -> None:
    form = tmp_path / "bieu.xlsx"
    assert run("template", "--year", "2017", "--member", "Hà Nam", "-o", str(form))[0] == 0
    assert [row[0] for row in cells(form, "Thông tin")[3:]] == [
        "tinh", "nam", "don_vi", "ngay_lap", "nguoi_lap", "lien_he",
    ]  # fmt: skip


@pytest.mark.parametrize("kind", ["--registration", "--adjustments"])
def test_registrations_and_adjustments_are_the_years(kind: str, tmp_path: Path) -> None:
    target = tmp_path / "x.xlsx"
    code, _, err = run("template", "--year", "2017", "--period", "6-thang", kind, "-o", str(target))
    assert code == 2 and "của cả năm" in err and not target.exists()


# --- scoring ------------------------------------------------------------------------------------


def test_scoring_is_the_years_alone(make_workbook: Make, tmp_path: Path) -> None:
    (tmp_path / "bieu").mkdir()
    half = make_workbook("bieu/ha-nam.xlsx", period="6 tháng")
    registration = tmp_path / "dang-ky.xlsx"
    code, _, _ = run(
        "template",
        "--registration",
        "--year",
        "2016",
        "--member",
        "Hà Nam",
        "-o",
        str(registration),
    )
    assert code == 0
    code, _, err = run(
        "score", str(half), "--registrations", str(registration), "--period", "6-thang"
    )
    assert code == 2 and "chấm điểm thi đua chỉ tính trên báo cáo năm" in err
    out = tmp_path / "out"
    code, screen, _ = run("score", str(half), "--registrations", str(registration), "-o", str(out))
    assert code == 1 and "Biểu của kỳ báo cáo khác" in screen and not out.exists()
