"""The documents of a year, made as a clerk makes them from the README: the report of the
sample, the pact, the proposal and ballots, the count filled in, the minutes and the tờ trình,
and the letters; and how to read the administrative layout back from a `.docx`."""

import shutil
from pathlib import Path
from typing import Any

import openpyxl
from typer.testing import CliRunner

from ipstat.cli import app
from tests.conftest import VALID

runner = CliRunner()
SAMPLE = Path(__file__).parents[1] / "sample_data" / "2016"
EMULATION = (
    Path(__file__).parents[1] / "sample_data" / "thi-dua-2016"
)  # scripts/make_emulation_sample.py
MEMBERS = ["Vĩnh Phúc", "Ninh Bình", "Hà Nam", "Hải Dương", "Hưng Yên", "Hà Nội"]
SELF = [15, 14, 14, 13, 12, 12]  # Ninh Bình and Hà Nam tie for the second flag
DAY = "10/02/2017"  # the 2016 summary conference (../shared/reference)


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def fill(path: Path, sheet: str, values: dict[str, Any], column: int = 3) -> None:
    book = openpyxl.load_workbook(path)
    for row in book[sheet].iter_rows():
        if str(row[0].value) in values:
            row[column].value = values[str(row[0].value)]
    book.save(path)


def count(path: Path, present: Any, votes: dict[tuple[str, str], tuple[Any, Any]]) -> None:
    """The count sheet filled in: members present (B3) and each row's votes for and against."""
    book = openpyxl.load_workbook(path)
    sheet = book["Kiểm phiếu"]
    sheet["B3"] = present
    for row in sheet.iter_rows(min_row=7):
        key = (row[0].value, row[1].value)
        if key in votes:
            row[3].value, row[4].value = votes[key]
    book.save(path)


# Flag: Vĩnh Phúc proposed, Ninh Bình and Hà Nam tied for the last place; Bằng khen: the others,
# and the two tied members should the vote leave them out of the flag.
VOTES = {
    ("Cờ thi đua", "Vĩnh Phúc"): (6, 0),
    ("Cờ thi đua", "Ninh Bình"): (5, 1),
    ("Cờ thi đua", "Hà Nam"): (2, 4),
    ("Bằng khen", "Hải Dương"): (6, 0),
    ("Bằng khen", "Hưng Yên"): (4, 2),
    ("Bằng khen", "Hà Nội"): (3, 3),
    ("Bằng khen", "Ninh Bình"): (6, 0),
    ("Bằng khen", "Hà Nam"): (5, 1),
}


def emulation_sources(folder: Path) -> dict[str, Path]:
    """Six members' yearly forms and registrations made by `ipstat template`, filled in; last
    year's document; the adjustments of the criterion the secretariat scores."""
    yearly, registered = folder / "nhan-ve", folder / "dang-ky"
    for i, member in enumerate(MEMBERS):
        form = yearly / f"{i}.xlsx"
        assert run("template", "--year", "2016", "--member", member, "-o", str(form))[0] == 0
        fill(form, "Chỉ tiêu", VALID)
        fill(form, "Tự chấm điểm", {"II.1": SELF[i], "II.2": 10, "II.3": 4.5})
        registration = registered / f"{i}.xlsx"
        made = run("template", "--registration", "--year", "2016", "--member", member,
                   "-o", str(registration))  # fmt: skip
        assert made[0] == 0
        fill(registration, "Đăng ký", {"fdi_new_capital": 190, "ddi_new_capital": 2000,
                                       "fdi_disbursed_year": 100})  # fmt: skip
    adjustments = folder / "dieu-chinh.xlsx"
    assert run("template", "--adjustments", "--year", "2016", "-o", str(adjustments))[0] == 0
    book = openpyxl.load_workbook(adjustments)
    for row in book["Điều chỉnh"].iter_rows(min_row=4):
        if row[0].value in MEMBERS:
            row[2].value, row[3].value = 10, "Gửi báo cáo đúng hạn"
    book.save(adjustments)
    import json

    provinces = {m: {"export_usd": 1000, "budget_vnd": 400, "workers": 30000} for m in MEMBERS}
    previous = folder / "tong-hop-2015.json"
    previous.write_text(
        json.dumps({"year": 2015, "provinces": provinces, "bloc": {}, "derived": {},
                    "totals": {}, "indicators": [], "members": [], "missing": []}),
        encoding="utf-8",
    )  # fmt: skip
    return {"yearly": yearly, "registrations": registered, "previous": previous,
            "adjustments": adjustments}  # fmt: skip


def score_args(sources: dict[str, Path], out: Path, *extra: str) -> list[str]:
    return [
        "score", str(sources["yearly"]), "--registrations", str(sources["registrations"]),
        "--previous", str(sources["previous"]), "--adjustments", str(sources["adjustments"]),
        "--out", str(out), "--date", DAY, *extra,
    ]  # fmt: skip


# The sample's vote at the conference: nine members present, every candidate approved.
SAMPLE_VOTES = {
    ("Cờ thi đua", "Hải Dương"): (9, 0),
    ("Cờ thi đua", "Nam Định"): (8, 1),
    ("Bằng khen", "Hà Nam"): (9, 0),
    ("Bằng khen", "Hưng Yên"): (7, 2),
    ("Bằng khen", "Bắc Ninh"): (8, 1),
    ("Bằng khen", "Vĩnh Phúc"): (6, 3),
    ("Bằng khen", "Hải Phòng"): (7, 2),
    ("Bằng khen", "Quảng Ninh"): (5, 4),
}


def make_year_documents(folder: Path) -> dict[str, Path]:
    """Every `.docx` of the year, by kind, as the README's commands write them for the sample
    (`sample_data/2016`, `sample_data/thi-dua-2016`)."""
    out = folder / "ket-qua"
    code, stdout, stderr = run("aggregate", str(SAMPLE), "--out", str(out), "--docx", "--date", DAY)
    assert code == 0, stdout + stderr
    sources = {
        "yearly": EMULATION / "nhan-ve",
        "registrations": EMULATION / "dang-ky",
        "adjustments": EMULATION / "dieu-chinh-2016.xlsx",
    }
    scoring = [
        "score", str(sources["yearly"]), "--registrations", str(sources["registrations"]),
        "--adjustments", str(sources["adjustments"]), "--out", str(out), "--date", DAY,
    ]  # fmt: skip
    code, stdout, stderr = run(*scoring, "--docx", "--ballots")
    assert code == 0, stdout + stderr
    sheet = folder / "kiem-phieu-2016.xlsx"
    shutil.copy(out / "kiem-phieu-2016.xlsx", sheet)
    count(sheet, 9, SAMPLE_VOTES)
    code, stdout, stderr = run(*scoring, "--tally", str(sheet))
    assert code == 0, stdout + stderr
    code, stdout, stderr = run(
        "pact", str(sources["registrations"]), "--year", "2016", "--out", str(out),
        "--date", "20/02/2016",
    )  # fmt: skip
    assert code == 0, stdout + stderr
    inbox = folder / "nhan-ve-2016"
    inbox.mkdir()
    shutil.copy(SAMPLE / "bieu-ha-nam-2016.xlsx", inbox)
    letters = folder / "thu"
    run("status", str(inbox), "--letters", str(letters), "--date", "15/01/2017")
    return {
        "bao-cao": out / "bao-cao-2016.docx",
        "de-nghi-khen-thuong": out / "de-nghi-khen-thuong-2016.docx",
        "phieu-binh-xet": out / "phieu-binh-xet-2016.docx",
        "bien-ban": out / "bien-ban-binh-xet-2016.docx",
        "to-trinh": out / "to-trinh-khen-thuong-2016.docx",
        "giao-uoc": out / "giao-uoc-thi-dua-2016.docx",
        "thu-nhac": letters / "thu-nhac-ha-noi-2016.docx",
    }
