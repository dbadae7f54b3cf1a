"""The six-month review in `aggregate` (half-year.md §2): the half-year's outputs and words, a
set with every spelling of `ky`, like with like against last year, and the year against its own
first half (`--half-year`)."""

import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ipstat.bloc.document import read_document
from ipstat.cli import app
from ipstat.contract.model import Contract
from tests.conftest import VALID
from tests.test_periods import FOLDED_TOO, SPELLINGS, half_of

Make = Callable[..., Path]
runner = CliRunner()
GOLDEN_YEAR = Path(__file__).parent / "golden" / "tong-hop-2016.json"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def share_of(index: int) -> Decimal:
    return Decimal("0.40") + Decimal(index) / 100


def half_year_set(make: Make, contract: Contract, folder: str, year: int = 2016) -> Path:
    """A workbook of the first six months for every member, each `ky` spelt another way."""
    spellings = [*SPELLINGS, *FOLDED_TOO]
    for index, member in enumerate(contract.bloc.members):
        make(
            f"{folder}/{member.slug}.xlsx",
            member=member.name,
            year=year,
            period=spellings[index],
            values=half_of(contract, share_of(index)),
        )
    return _folder(make, folder)


def _folder(make: Make, folder: str) -> Path:
    return make(f"{folder}/.probe.xlsx").parent


def yearly_set(
    make: Make, contract: Contract, folder: str, year: int = 2016, **values: Any
) -> Path:
    """Every member's year as VALID; `values` by member name change some of its figures."""
    for member in contract.bloc.members:
        make(
            f"{folder}/{member.slug}.xlsx",
            member=member.name,
            year=year,
            values=values.get(member.name, {}),
        )
    return _folder(make, folder)


@pytest.fixture
def make(make_workbook: Make, tmp_path: Path) -> Make:
    """make_workbook into subfolders of tmp_path, made on demand; `.probe` names the folder
    without writing a workbook (hidden files are never read)."""

    def made(name: str, **kwargs: Any) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.name == ".probe.xlsx":
            return path
        return make_workbook(name, **kwargs)

    return made


def test_aggregate_of_the_half_year(make: Make, contract: Contract, tmp_path: Path) -> None:
    """Every spelling of `ky` in one set; the outputs named and worded for the half-year."""
    inbox = half_year_set(make, contract, "6t")
    out = tmp_path / "out"
    code, screen, _ = run("aggregate", str(inbox), "--period", "6-thang", "--out", str(out))
    assert code == 0, screen
    assert sorted(p.name for p in out.iterdir()) == [
        "bao-cao-2016-6-thang.md",
        "tong-hop-2016-6-thang.json",
        "tong-hop-2016-6-thang.xlsx",
    ]
    document = read_document(out / "tong-hop-2016-6-thang.json")
    assert document["period"] == "6-thang" and document["missing"] == []
    assert list(document)[:4] == ["document_version", "form_version", "year", "period"]
    half = {m.name: half_of(contract, share_of(i)) for i, m in enumerate(contract.bloc.members)}
    assert document["totals"]["fdi_new_capital"] == sum(
        Decimal(str(v["fdi_new_capital"])) for v in half.values()
    )
    report = (out / "bao-cao-2016-6-thang.md").read_text(encoding="utf-8")
    assert report.startswith("# Báo cáo tổng hợp số liệu các KCN, KCX, KKT 6 tháng đầu năm 2016")
    assert "\n6 tháng đầu năm 2016, kết quả thu hút đầu tư" in report
    assert "Lũy kế đến ngày 30/6/2016" in report
    assert "Vốn đầu tư thực hiện trong 6 tháng đầu năm đạt" in report
    assert "Trong 6 tháng đầu năm 2016, tổng doanh thu" in report
    assert not re.search(r"(?<!đầu )năm 2016|31/12|trong năm", report), "a year's words"
    assert "6 tháng đầu năm 2016" in screen


def test_half_year_workbooks_in_a_yearly_run_write_nothing(
    make: Make, contract: Contract, tmp_path: Path
) -> None:
    inbox = half_year_set(make, contract, "6t")
    out = tmp_path / "out"
    code, screen, _ = run("aggregate", str(inbox), "--out", str(out))
    assert code == 1 and not out.exists()
    assert screen.count("Biểu của kỳ báo cáo khác") == len(contract.bloc.members)


def publish_half_year(make: Make, contract: Contract, folder: str, year: int, out: Path) -> Path:
    inbox = half_year_set(make, contract, folder, year)
    code, screen, _ = run(
        "aggregate", str(inbox), "--period", "6-thang", "--year", str(year), "--out", str(out)
    )
    assert code == 0, screen
    return out / f"tong-hop-{year}-6-thang.json"


def test_previous_compares_like_with_like(make: Make, contract: Contract, tmp_path: Path) -> None:
    """A half-year is compared with last year's first half, never with last year's year."""
    last = publish_half_year(make, contract, "2016", 2016, tmp_path / "ket-qua-2016")
    spellings = [*SPELLINGS, *FOLDED_TOO]
    for index, member in enumerate(contract.bloc.members):
        year = {c: v * 1.1 if contract.form.by_code[c].is_flow else v for c, v in VALID.items()}
        make(
            f"2017/{member.slug}.xlsx",
            member=member.name,
            year=2017,
            period=spellings[index],
            values=half_of(contract, share_of(index), year),
        )
    out = tmp_path / "out"
    code, screen, _ = run(
        "aggregate",
        str(tmp_path / "2017"),
        "--period",
        "6-thang",
        "--previous",
        str(last),
        "--out",
        str(out),
    )
    assert code == 0, screen
    document = read_document(out / "tong-hop-2017-6-thang.json")
    before = read_document(last)
    pair = document["comparison"]["totals"]["fdi_new_capital"]
    assert pair["previous"] == before["totals"]["fdi_new_capital"]  # the first half of 2016
    report = (out / "bao-cao-2017-6-thang.md").read_text(encoding="utf-8")
    assert "so với cùng kỳ năm 2016" in report
    assert not re.search(r"(so với|tương đương) năm", report)

    refused = tmp_path / "refused"
    code, _, err = run(
        "aggregate",
        str(tmp_path / "2017"),
        "--period",
        "6-thang",
        "--previous",
        str(GOLDEN_YEAR),
        "--out",
        str(refused),
    )
    assert code == 2 and not refused.exists()
    assert "là tệp tổng hợp năm 2016 (cả năm)" in err
    assert "phải là tệp tổng hợp 6 tháng đầu năm" in err and "tong-hop-2016-6-thang.json" in err
    code, _, err = run("aggregate", str(GOLDEN_YEAR.parent), "--previous", str(last))
    assert code == 2 and "là tệp tổng hợp 6 tháng đầu năm 2016, nhưng" in err


def percent_text(part: Decimal, whole: Decimal) -> str:
    """The share as the report must say it, computed here: exact, one decimal half-up, a
    trailing `,0` dropped."""
    share = (part * 100 / whole).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return str(share).replace(".", ",").removesuffix(",0")


def year_with_half(
    make: Make, contract: Contract, tmp_path: Path, **values: Any
) -> tuple[int, str, dict[str, Any], dict[str, Any]]:
    half = publish_half_year(make, contract, "6t", 2016, tmp_path / "half")
    inbox = yearly_set(make, contract, "nam", **values)
    out = tmp_path / "out"
    code, screen, _ = run("aggregate", str(inbox), "--half-year", str(half), "--out", str(out))
    assert code == 0, screen
    return code, screen, read_document(out / "tong-hop-2016.json"), read_document(half)


def test_the_report_says_the_share_of_the_year_made_in_its_first_half(
    make: Make, contract: Contract, tmp_path: Path
) -> None:
    _, _, year, half = year_with_half(make, contract, tmp_path)
    report = (tmp_path / "out" / "bao-cao-2016.md").read_text(encoding="utf-8")
    lines = [line for line in report.splitlines() if "cả năm." in line]
    headline_flows = [c for c in contract.comparison.headline if contract.form.by_code[c].is_flow]
    assert len(lines) == len(headline_flows) > 0
    for code, line in zip(headline_flows, lines, strict=True):
        share = percent_text(half["totals"][code], year["totals"][code])
        assert line.startswith(f"- {contract.form.by_code[code].label}: ")
        assert line.endswith(f"; 6 tháng đầu năm đạt {share}% cả năm."), line
    assert "## Kết quả 6 tháng đầu năm so với cả năm" in report
    assert year["half_year"]["compared"] == contract.bloc.names
    assert not [w for w in year["warnings"] if w["rule"] == "year-below-half-year"]


def test_a_year_below_its_first_half_is_a_warning_naming_both_values(
    make: Make, contract: Contract, tmp_path: Path
) -> None:
    code, screen, year, half = year_with_half(
        make, contract, tmp_path, **{"Hà Nam": {"revenue_usd": 100.5}}
    )
    found = [w for w in year["warnings"] if w["rule"] == "year-below-half-year"]
    [warning] = found  # one member, one indicator: every other flow is above its half
    source = next(s for s in year["sources"] if s["member"] == "Hà Nam")
    assert (warning["file"], warning["code"]) == (source["file"], "revenue_usd")
    assert f"{warning['sheet']}!{warning['cell']}" == source["cells"]["revenue_usd"]
    before = half["provinces"]["Hà Nam"]["revenue_usd"]
    assert warning["values"] == {"value": "100.5", "half_year": str(before)}
    shown = str(before).replace(".", ",")
    assert warning["severity"] == "warning" and code == 0
    assert (
        "Doanh thu (phần tính bằng USD) cả năm 2016 của Hà Nam là 100,5 triệu USD"
        in (warning["text"])
    )
    assert f"nhỏ hơn số 6 tháng đầu năm ({shown} triệu USD" in warning["text"]
    assert "Số cả năm nhỏ hơn số 6 tháng đầu năm" in screen


def test_half_year_is_for_the_yearly_run_and_holds_a_half_year(
    make: Make, contract: Contract, tmp_path: Path
) -> None:
    inbox = yearly_set(make, contract, "nam")
    code, _, err = run("aggregate", str(inbox), "--half-year", str(GOLDEN_YEAR))
    assert code == 2 and "--half-year phải là tệp tổng hợp 6 tháng đầu năm" in err
    half = publish_half_year(make, contract, "6t", 2016, tmp_path / "half")
    out = tmp_path / "out"
    code, _, err = run(
        "aggregate", str(inbox), "--period", "6-thang", "--half-year", str(half), "-o", str(out)
    )
    assert code == 2 and "--half-year chỉ dùng khi tổng hợp cả năm" in err
    later = yearly_set(make, contract, "2017", year=2017)
    code, _, err = run("aggregate", str(later), "--half-year", str(half), "-o", str(out))
    assert code == 2 and not out.exists()
    assert "là tệp tổng hợp 6 tháng đầu năm 2016, không phải của năm 2017" in err
    assert "tong-hop-2017-6-thang.json" in err
