"""`--period` beyond aggregate: `validate` naming the period of a workbook of the other one, the
half-year form, scoring (the year's alone), the inbox's July deadline, the half-year series, and
the sample set of the README walk-through."""

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from ipstat.bloc.document import dumps, loads, read_document
from ipstat.bloc.ledger import read_ledger
from ipstat.checks.validation import validate_paths
from ipstat.cli import app
from ipstat.commands.status import track
from ipstat.contract.model import Contract
from ipstat.reading.submission import read_submission
from tests.conftest import VALID
from tests.test_history import write_year
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


def golden_as_half_year(folder: Path) -> Path:
    """The golden 2016 document, said to be the first half of 2016."""
    document = loads((ROOT / "tests" / "golden" / "tong-hop-2016.json").read_text("utf-8"))
    document = {"year": document.pop("year"), "period": "6-thang", **document}
    path = folder / "tong-hop-2016-6-thang.json"
    path.write_text(dumps(document) + "\n", encoding="utf-8")
    return path


def test_last_years_half_year_beside_the_form_and_against_the_figures(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    """--previous is last year's first half for a half-year form and its checks, never a year."""
    half = golden_as_half_year(tmp_path)
    form = tmp_path / "bieu.xlsx"
    args = ["template", "--year", "2017", "--period", "6-thang", "--member", "Hà Nam"]
    assert run(*args, "--previous", str(half), "-o", str(form))[0] == 0
    header = next(row for row in cells(form, "Chỉ tiêu") if "Giá trị" in row)
    assert header[header.index("Giá trị") + 1] == "Cùng kỳ năm trước"
    year = ROOT / "tests" / "golden" / "tong-hop-2016.json"
    code, _, err = run(*args, "--previous", str(year), "-o", str(tmp_path / "other.xlsx"))
    assert code == 2 and "là tệp tổng hợp năm 2016 (cả năm)" in err
    jumped = {**half_of(contract, Decimal("0.5")), "fdi_new_capital": 9999.5}
    workbook = make_workbook(year=2017, period="6T", values=jumped)
    code, out, _ = run(
        "validate",
        str(workbook),
        "--period",
        "6-thang",
        "--previous",
        str(half),
        "--format",
        "json",
    )
    [finding] = json.loads(out)["findings"]
    assert finding["rule"] == "jump-vs-previous" and "lần cùng kỳ năm 2016 (" in finding["text"]


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


# --- the inbox ----------------------------------------------------------------------------------


def test_each_period_has_its_deadline(contract: Contract) -> None:
    import datetime as dt

    assert contract.bloc.deadline_for(2017) == dt.date(2018, 1, 20)
    assert contract.bloc.deadline_for(2017, "6-thang") == dt.date(2017, 7, 20)


def send(make_workbook: Make, name: str, at: str, **kwargs: Any) -> Path:
    path = make_workbook(f"nhan-ve/{name}", **kwargs)
    stamp = dt.datetime.fromisoformat(at).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def test_status_of_the_half_year_by_its_july_deadline(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    inbox = tmp_path / "nhan-ve"
    inbox.mkdir()
    half = half_of(contract, Decimal("0.5"))
    send(make_workbook, "ha-nam.xlsx", "2017-07-12 08:00", year=2017, period="6T", values=half)
    send(make_workbook, "ha-noi.xlsx", "2017-07-21 09:00", year=2017, period="6 tháng",
         member="Hà Nội", values=half)  # fmt: skip
    send(make_workbook, "bac-ninh-nam.xlsx", "2017-07-10 08:00", year=2017, member="Bắc Ninh")
    now = dt.datetime(2017, 7, 25, 10, 0)
    status = track(inbox, contract, period="6-thang", now=now).status
    assert (status.year, status.deadline) == (2017, dt.date(2017, 7, 20))
    by_name = {m.member.name: m for m in status.members}
    assert (by_name["Hà Nam"].status, by_name["Hà Nam"].on_time) == ("da-tiep-nhan", True)
    assert (by_name["Hà Nội"].on_time, by_name["Hà Nội"].days_late) == (False, 1)
    assert by_name["Bắc Ninh"].status == "chua-nop"  # its yearly workbook is not its half-year
    [apart] = status.unmatched
    assert apart.file.name == "bac-ninh-nam.xlsx" and "tức là báo cáo năm" in apart.reason
    assert status.summary().endswith("(hạn 20/07/2017)")
    shape = status.as_dict()
    assert list(shape)[:3] == ["year", "period", "deadline"] and shape["period"] == "6-thang"
    ledger = read_ledger(inbox)
    assert ledger is not None and {e.period for e in ledger.entries} == {"6-thang"}

    # January: the year's inbox is the same folder. The first half's versions were received in
    # July, but they are no yearly report: Hà Nam's first yearly one came late.
    send(make_workbook, "ha-nam-nam.xlsx", "2018-01-25 08:00", year=2017)
    yearly = track(inbox, contract, now=dt.datetime(2018, 1, 26)).status
    hanam = next(m for m in yearly.members if m.member.name == "Hà Nam")
    assert hanam.version is not None and hanam.version.file.name == "ha-nam-nam.xlsx"
    assert (hanam.on_time, hanam.days_late, hanam.superseded) == (False, 5, [])
    assert "period" not in yearly.as_dict()  # a year's status says what it always said
    assert {u.file.name for u in yearly.unmatched} == {"ha-nam.xlsx", "ha-noi.xlsx"}


def test_status_on_the_command_line_says_the_half_year_and_its_deadline(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    inbox = tmp_path / "nhan-ve"
    inbox.mkdir()
    send(make_workbook, "ha-nam.xlsx", "2017-07-12 08:00", year=2017, period="H1",
         values=half_of(contract, Decimal("0.5")))  # fmt: skip
    forgot = runner.invoke(app, ["status", str(inbox)])  # only half-year workbooks there
    assert forgot.exit_code == 2 and "hãy chạy lại với --period 6-thang" in forgot.stderr
    assert not (inbox / "so-theo-doi.sqlite").exists()
    letters = tmp_path / "thu"
    result = runner.invoke(
        app, ["status", str(inbox), "--period", "6-thang", "--letters", str(letters)]
    )
    assert result.exit_code == 1
    assert "Báo cáo 6 tháng đầu năm 2017 – hạn nộp 20/07/2017" in result.stdout
    letter = (letters / "thu-nhac-ha-noi-2017-6-thang.md").read_text(encoding="utf-8")
    assert "V/v gửi báo cáo số liệu các KCN, KCX, KKT 6 tháng đầu năm 2017" in letter
    assert "chậm nhất ngày 20/07/2017" in letter


# --- the series ---------------------------------------------------------------------------------


def half_year_document(folder: Path, year: int, contract: Contract) -> Path:
    """A half-year document as `aggregate --period 6-thang` writes it (here from a year's)."""
    yearly = write_year(folder, year, contract)
    document = loads(yearly.read_text(encoding="utf-8"))
    keys = list(document)
    at = keys.index("year") + 1
    document = (
        {k: document[k] for k in keys[:at]}
        | {"period": "6-thang"}
        | {k: document[k] for k in keys[at:]}
    )
    path = yearly.with_name(f"tong-hop-{year}-6-thang.json")
    path.write_text(dumps(document) + "\n", encoding="utf-8")
    return path


def test_a_half_year_series_and_no_mixing(tmp_path: Path, contract: Contract) -> None:
    docs = tmp_path / "docs"
    halves = [half_year_document(docs, year, contract) for year in (2016, 2017)]  # + the years'
    out = tmp_path / "out"
    code, screen, _ = run("history", str(docs), "--period", "6-thang", "-o", str(out))
    assert code == 0, screen
    assert sorted(p.name for p in out.iterdir()) == [
        f"lich-su-2016-2017-6-thang.{kind}" for kind in ("csv", "json", "md", "xlsx")
    ]
    prose = (out / "lich-su-2016-2017-6-thang.md").read_text(encoding="utf-8")
    assert prose.startswith("# Số liệu 6 tháng đầu năm các KCN, KCX, KKT giai đoạn 2016–2017")
    assert "Mọi số liệu là số 6 tháng đầu năm" in prose
    assert json.loads((out / "lich-su-2016-2017-6-thang.json").read_text())["period"] == "6-thang"
    yearly = tmp_path / "yearly"
    assert run("history", str(docs), "-o", str(yearly))[0] == 0  # the folder's years alone
    assert sorted(p.name for p in yearly.iterdir())[0] == "lich-su-2016-2017.csv"
    mixed = [str(halves[0]), str(docs / "2017" / "tong-hop-2017.json")]
    code, _, err = run("history", *mixed, "--period", "6-thang", "-o", str(tmp_path / "no"))
    assert code == 2 and not (tmp_path / "no").exists()
    assert "không trộn các kỳ báo cáo" in err and "tong-hop-2017.json (năm 2017)" in err
    only = tmp_path / "only-years"
    only.mkdir()
    (only / "tong-hop-2017.json").write_bytes((docs / "2017" / "tong-hop-2017.json").read_bytes())
    code, _, err = run("history", str(only), "--period", "6-thang", "-o", str(tmp_path / "no"))
    assert code == 2 and "chỉ có tệp của kỳ khác; hãy chọn kỳ bằng --period" in err


# --- the sample set of the README -----------------------------------------------------------


def test_the_half_year_sample_is_what_its_script_makes(tmp_path: Path, contract: Contract) -> None:
    script = ROOT / "scripts" / "make_half_year_sample.py"
    done = subprocess.run(
        [sys.executable, str(script), str(SAMPLE_YEAR), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    for shipped in sorted(SAMPLE_HALF.glob("*.xlsx")):
        made, _ = read_submission(tmp_path / shipped.name, contract)
        kept, _ = read_submission(shipped, contract)
        assert made is not None and kept is not None
        assert (made.period, made.values(), made.info) == ("6-thang", kept.values(), kept.info)


def test_the_readme_walk_through_on_the_sample(tmp_path: Path) -> None:
    out = tmp_path / "ket-qua" / "2016"
    code, screen, _ = run("aggregate", str(SAMPLE_HALF), "--period", "6-thang", "-o", str(out))
    assert code == 0, screen
    half = out / "tong-hop-2016-6-thang.json"
    code, screen, _ = run("aggregate", str(SAMPLE_YEAR), "--half-year", str(half), "-o", str(out))
    assert code == 0, screen
    document = read_document(out / "tong-hop-2016.json")
    assert document["warnings"] == [] and len(document["half_year"]["shares"]) == 6
    report = (out / "bao-cao-2016.md").read_text(encoding="utf-8")
    assert "Vốn đăng ký của dự án FDI cấp mới: 6 tháng đầu năm 2.314,1 triệu USD" in report


def test_the_half_year_word_report_is_titled_for_its_six_months(tmp_path: Path) -> None:
    from docx import Document

    out = tmp_path / "ket-qua"
    args = ["--period", "6-thang", "--docx", "--date", "15/07/2016", "-o", str(out)]
    code, screen, _ = run("aggregate", str(SAMPLE_HALF), *args)
    assert code == 0, screen
    word = Document(str(out / "bao-cao-2016-6-thang.docx"))
    texts = [p.text for p in word.paragraphs]
    subject = (
        "Kết quả thu hút đầu tư và sản xuất kinh doanh tại các KCN, KCX, KKT 6 tháng đầu năm 2016"
    )
    assert subject in texts
