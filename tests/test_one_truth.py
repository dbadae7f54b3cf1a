"""One validation of a workbook (issue 18): validate, status, the letter, the annotated copy,
aggregate and score say the same thing about the same file, self-scores included."""

import json
import os
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from ipstat.cli import app
from tests.conftest import VALID

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def fill(path: Path, sheet: str, values: dict[str, Any]) -> None:
    book = openpyxl.load_workbook(path)
    for row in book[sheet].iter_rows():
        if str(row[0].value) in values:
            row[3].value = values[str(row[0].value)]
    book.save(path)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """Ninh Bình's workbook from the bloc's form, with one negative value, one self-score out of
    range and one left blank; Vĩnh Phúc's complete."""
    folder = tmp_path / "nhan-ve"
    for member, slug in (("Ninh Bình", "ninh-binh"), ("Vĩnh Phúc", "vinh-phuc")):
        form = folder / f"bieu-{slug}-2016.xlsx"
        assert run("template", "--year", "2016", "--member", member, "-o", str(form))[0] == 0
        fill(form, "Chỉ tiêu", VALID)
        fill(form, "Tự chấm điểm", {"II.1": 14, "II.2": 10, "II.3": 4.5})
        os.utime(form, (1_484_000_000, 1_484_000_000))
    wrong = folder / "bieu-ninh-binh-2016.xlsx"
    fill(wrong, "Chỉ tiêu", {"workers": -5})
    fill(wrong, "Tự chấm điểm", {"II.1": 99, "II.2": None})
    os.utime(wrong, (1_484_000_000, 1_484_000_000))
    return folder


EXPECTED = {"negative-value", "self-score-out-of-range", "missing-self-score"}


def test_every_command_counts_the_same_errors(inbox: Path, tmp_path: Path) -> None:
    wrong = inbox / "bieu-ninh-binh-2016.xlsx"
    code, out, _ = run("validate", "--format", "json", str(wrong))
    errors = [f for f in json.loads(out)["findings"] if f["severity"] == "error"]
    assert code == 1 and {f["rule"] for f in errors} == EXPECTED and len(errors) == 3

    letters, copies = tmp_path / "thu", tmp_path / "ban-ghi-chu"
    code, out, _ = run(
        "status", str(inbox), "--format", "json", "--letters", str(letters),
        "--annotate", str(copies), "--deadline", "2017-01-20",
    )  # fmt: skip
    members = {m["member"]: m for m in json.loads(out)["members"]}
    assert code == 1
    assert members["Ninh Bình"]["status"] == "can-sua" and members["Ninh Bình"]["errors"] == 3
    assert members["Vĩnh Phúc"]["status"] == "da-tiep-nhan"

    letter = (letters / "thu-nhac-ninh-binh-2016.md").read_text(encoding="utf-8")
    assert "còn 03 lỗi cần sửa" in letter
    assert "Điểm tự chấm" in letter or "điểm tự chấm" in letter
    book = openpyxl.load_workbook(copies / "bieu-ninh-binh-2016.xlsx")
    listed = [row[0].value for row in book["Lỗi cần sửa"].iter_rows(min_row=5)]
    assert listed.count("Lỗi") == 3
    assert book["Tự chấm điểm"]["D6"].comment is not None  # the blank self-score, marked
    named = {row[3].value for row in book["Lỗi cần sửa"].iter_rows(min_row=5)}
    assert not named & {"II.1", "II.2", "II.3"}  # criteria by their names, as indicators are

    code, out, _ = run("aggregate", str(inbox), "--out", str(tmp_path / "ket-qua"))
    assert code == 1 and "Không ghi tệp nào" in out
    assert out.count("│ lỗi") == 3
    assert not (tmp_path / "ket-qua").exists()

    registered = tmp_path / "dang-ky"
    for member, slug in (("Ninh Bình", "ninh-binh"), ("Vĩnh Phúc", "vinh-phuc")):
        form = registered / f"dang-ky-{slug}-2016.xlsx"
        made = run("template", "--registration", "--year", "2016", "--member", member,
                   "-o", str(form))  # fmt: skip
        assert made[0] == 0
        fill(form, "Đăng ký", {"fdi_new_capital": 190, "ddi_new_capital": 2000,
                               "fdi_disbursed_year": 100})  # fmt: skip
    code, out, _ = run(
        "score", str(inbox), "--registrations", str(registered), "--out", str(tmp_path / "td")
    )
    assert code == 1 and out.count("│ lỗi") == 3
    assert not (tmp_path / "td").exists()


def test_a_blank_self_score_is_found_by_validate_not_weeks_later(inbox: Path) -> None:
    code, out, _ = run("validate", str(inbox / "bieu-ninh-binh-2016.xlsx"))
    assert code == 1
    assert "Thiếu điểm tự chấm" in out and "✓" not in out


def test_the_forms_guide_says_how_to_score_oneself(tmp_path: Path) -> None:
    form = tmp_path / "bieu.xlsx"
    assert run("template", "--year", "2017", "--member", "Hà Nam", "-o", str(form))[0] == 0
    guide = "\n".join(
        str(row[0].value) for row in openpyxl.load_workbook(form)["Hướng dẫn"].iter_rows()
    )
    assert "Tự chấm điểm" in guide and "Điểm tự chấm" in guide


def test_a_note_validate_shows_is_shown_by_aggregate_and_kept_in_its_json(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "nhan-ve"
    form = folder / "bieu-nam-dinh-2016.xlsx"
    assert run("template", "--year", "2016", "--member", "Nam Định", "-o", str(form))[0] == 0
    fill(form, "Chỉ tiêu", VALID)
    fill(form, "Tự chấm điểm", {"II.1": 14, "II.2": 10, "II.3": 4.5})
    book = openpyxl.load_workbook(form)
    for row in book["Thông tin"].iter_rows():
        if row[0].value == "tinh":
            row[2].value = "Nam Dinh"
    book.save(form)
    code, out, _ = run("validate", str(form))
    assert code == 0 and "“Nam Dinh” được đọc là “Nam Định”" in out
    code, out, _ = run("aggregate", str(folder), "--out", str(tmp_path / "ra"))
    assert code == 0 and "“Nam Dinh” được đọc là “Nam Định”" in out
    document = json.loads((tmp_path / "ra" / "tong-hop-2016.json").read_text(encoding="utf-8"))
    assert [n["rule"] for n in document["notes"]] == ["member-read-as"]
