"""`ipstat score` end to end, on workbooks made by `ipstat template` and filled in here."""

import json
import os
import re
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from ipstat.bloc.document import loads
from ipstat.checks.validation import LEDGER_NAME
from ipstat.cli import app
from tests.conftest import VALID
from tests.markup import HOSTILE, HOSTILE_SHOWN, INJECTED, parse

runner = CliRunner()
MEMBERS = ["Vĩnh Phúc", "Ninh Bình", "Hà Nam", "Hải Dương"]


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def fill(path: Path, sheet: str, values: dict[str, Any], column: int = 3) -> None:
    book = openpyxl.load_workbook(path)
    for row in book[sheet].iter_rows():
        if str(row[0].value) in values:
            row[column].value = values[str(row[0].value)]
    book.save(path)


def previous_document(folder: Path) -> Path:
    provinces = {m: {"export_usd": 1000, "budget_vnd": 400, "workers": 30000} for m in MEMBERS}
    path = folder / "tong-hop-2015.json"
    document = {
        "year": 2015,
        "provinces": provinces,
        **{key: {} for key in ("bloc", "derived", "totals")},
        **{key: [] for key in ("indicators", "members", "missing")},
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Four members: yearly forms with self-scores, registrations, last year, adjustments;
    made once, read only."""
    tmp_path = tmp_path_factory.mktemp("sources")
    yearly, registered = tmp_path / "bieu", tmp_path / "dang-ky"
    for i, member in enumerate(MEMBERS):
        form = yearly / f"{i}.xlsx"
        assert run("template", "--year", "2016", "--member", member, "-o", str(form))[0] == 0
        fill(form, "Chỉ tiêu", VALID)
        fill(form, "Tự chấm điểm", {"II.1": 15 - i, "II.2": 10, "II.3": 4.5})
        registration = registered / f"{i}.xlsx"
        code, _, _ = run(
            "template", "--registration", "--year", "2016", "--member", member,
            "-o", str(registration),
        )  # fmt: skip
        assert code == 0
        fill(registration, "Đăng ký", {"fdi_new_capital": 190, "ddi_new_capital": 2000,
                                       "fdi_disbursed_year": 100})  # fmt: skip
    adjustments = tmp_path / "dieu-chinh.xlsx"
    assert run("template", "--adjustments", "--year", "2016", "-o", str(adjustments))[0] == 0
    book = openpyxl.load_workbook(adjustments)
    sheet = book["Điều chỉnh"]
    for row in sheet.iter_rows(min_row=4):
        if row[0].value in MEMBERS:
            row[2].value = 10
            row[3].value = "Gửi báo cáo đúng hạn"
    book.save(adjustments)
    return {
        "yearly": yearly,
        "registrations": registered,
        "previous": previous_document(tmp_path),
        "adjustments": adjustments,
    }


@pytest.fixture
def year_files(sources: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    return {**sources, "out": tmp_path / "out"}


def score(files: dict[str, Path], *extra: str) -> tuple[int, str, str]:
    return run(
        "score", str(files["yearly"]), "--registrations", str(files["registrations"]),
        "--previous", str(files["previous"]), "--adjustments", str(files["adjustments"]),
        "--out", str(files["out"]), *extra,
    )  # fmt: skip


def test_template_workbooks_score_rank_and_propose(year_files: dict[str, Path]) -> None:
    code, out, err = score(year_files, "--json", "--docx")
    assert code == 0, out + err
    document = loads(out)
    members = document["members"]
    assert list(members) == MEMBERS  # 15, 14, 13, 12 self points on II.1 give the order
    assert [m["rank"] for m in members.values()] == [1, 2, 3, 4]
    first = members["Vĩnh Phúc"]["criteria"]
    # 217,85 of 190 planned: 114,657…% → 15 + one full step of 10 points: 0,5 bonus
    assert first["I.1"]["points"] == Decimal("15.5")
    assert first["I.1"]["inputs"]["ratio"] == Decimal("114.657895")
    assert first["III.1"]["adjustment"] == {"points": 10, "reason": "Gửi báo cáo đúng hạn"}
    for member in members.values():
        assert member["total"] == sum(p["points"] for p in member["criteria"].values())
    files = {p.name for p in year_files["out"].iterdir()}
    assert files == {
        "cham-diem-2016.json",
        "cham-diem-2016.xlsx",
        "de-nghi-khen-thuong-2016.md",
        "de-nghi-khen-thuong-2016.docx",
    }
    proposal = (year_files["out"] / "de-nghi-khen-thuong-2016.md").read_text(encoding="utf-8")
    assert "Căn cứ kết quả chấm điểm" in proposal
    from docx import Document

    from ipstat.outputs.word import FONT

    word = Document(str(year_files["out"] / "de-nghi-khen-thuong-2016.docx"))
    assert word.styles["Normal"].font.name == FONT
    assert any("Căn cứ kết quả chấm điểm" in p.text for p in word.paragraphs)
    book = openpyxl.load_workbook(year_files["out"] / "cham-diem-2016.xlsx")
    assert book.sheetnames == ["Bảng điểm", "Đề nghị khen thưởng", "Điều chỉnh", "Nguồn"]
    sources = list(book["Nguồn"].iter_rows(min_row=4, values_only=True))
    assert len(sources) == 4 * 10  # every point of every member
    plan = next(r for r in sources if r[:2] == ("Hà Nam", "I.1"))
    assert "kế hoạch 190" in str(plan[4]) and "Đăng ký!D5" in str(plan[5])
    texts = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    assert not any("`" in c for c in texts if isinstance(c, str))  # a clerk reads no Markdown


def test_adjustments_round_trip_through_the_written_workbook(
    year_files: dict[str, Path],
) -> None:
    assert score(year_files)[0] == 0
    written = year_files["out"] / "cham-diem-2016.xlsx"
    first = loads((year_files["out"] / "cham-diem-2016.json").read_text(encoding="utf-8"))
    year_files["adjustments"] = written
    assert score(year_files)[0] == 0
    again = loads((year_files["out"] / "cham-diem-2016.json").read_text(encoding="utf-8"))

    def points(document: dict[str, Any]) -> dict[str, Any]:
        return {
            name: {c: (p["points"], p["adjustment"]) for c, p in m["criteria"].items()}
            for name, m in document["members"].items()
        }

    assert points(again) == points(first)
    source = again["members"]["Hà Nam"]["criteria"]["III.1"]["sources"]["adjustment"]
    assert source.startswith("cham-diem-2016.xlsx › Điều chỉnh!C")


def test_a_gap_is_an_error_per_criterion_and_nothing_is_written(
    year_files: dict[str, Path],
) -> None:
    code, out, _ = run(
        "score", str(year_files["yearly"]), "--registrations", str(year_files["registrations"]),
        "--out", str(year_files["out"]),
    )  # fmt: skip
    assert code == 1 and "Không chấm được tiêu chí" in out
    assert not year_files["out"].exists()
    from ipstat.commands.score import score as score_bloc
    from ipstat.contract.model import load_contract
    from ipstat.contract.scoring_table import load_scoring

    contract = load_contract()
    table = load_scoring(contract)
    assert table is not None
    scored = score_bloc(
        [year_files["yearly"]], contract, table, registrations=year_files["registrations"]
    )
    gaps = sorted((f.code, f.message.split(",")[0]) for f in scored.report.errors)
    assert gaps == sorted((c, m) for c in ("I.4", "I.5", "I.6", "III.1") for m in MEMBERS)
    assert scored.document is None and scored.files == []


def test_aggregate_reports_the_plan_completion_of_the_bloc(tmp_path: Path) -> None:
    from ipstat.bloc.document import read_document

    sample = Path(__file__).parents[1] / "sample_data" / "2016"
    folder = tmp_path / "dang-ky"
    assert run("template", "--registration", "--all", "--year", "2016", "-o", str(folder))[0] == 0
    forms = sorted(folder.glob("*.xlsx"))
    assert len(forms) == 11
    for form in forms:  # every member registers the same plans; one leaves out ddi capital
        plans = {"fdi_new_capital": 400, "ddi_new_capital": 3000, "fdi_disbursed_year": 200}
        if form.name.startswith("dang-ky-ha-nam"):
            book = openpyxl.load_workbook(form)
            book["Đăng ký"].delete_rows(6)  # ddi_new_capital: not needed for a total
            book.save(form)
        fill(form, "Đăng ký", plans)
    out = tmp_path / "out"
    code, stdout, stderr = run(
        "aggregate", str(sample), "--registrations", str(folder), "--out", str(out)
    )
    assert (
        code == 1 and "Thiếu chỉ tiêu đăng ký mà biểu chấm điểm cần" in stdout + stderr
    )  # the table needs ddi capital
    assert not out.exists()
    form = folder / "dang-ky-ha-nam-2016.xlsx"
    book = openpyxl.load_workbook(form)
    sheet = book["Đăng ký"]
    sheet.append(["ddi_new_capital", "Vốn DDI", "tỷ đồng", 3000])
    sheet.append(["workers", "Lao động", "người", 40000])  # one member only: not in the report
    book.save(form)
    assert run("aggregate", str(sample), "--registrations", str(folder), "--out", str(out))[0] == 0
    plan = read_document(out / "tong-hop-2016.json")["plan"]
    assert set(plan) == {"fdi_new_capital", "ddi_new_capital", "fdi_disbursed_year"}
    assert plan["fdi_new_capital"]["plan"] == 4400
    assert plan["fdi_new_capital"]["completion_percent"] == Decimal("110.027273")  # 4.841,2 / 4.400
    report = (out / "bao-cao-2016.md").read_text(encoding="utf-8")
    assert "4.841,2 triệu USD, đạt 110% kế hoạch đăng ký (4.400 triệu USD)" in report


def test_validate_recognises_a_registration(tmp_path: Path) -> None:
    form = tmp_path / "dk.xlsx"
    args = ["template", "--registration", "--year", "2016", "--member", "Hà Nam", "-o", str(form)]
    assert run(*args)[0] == 0
    code, out, _ = run("validate", "--format", "json", str(form))
    blank = [f["rule"] for f in json.loads(out)["findings"]]
    assert code == 1 and blank == ["blank-form"]  # the form as sent out: one error, as a report's
    fill(form, "Đăng ký", {"fdi_new_capital": 200})
    code, out, _ = run("validate", "--format", "json", str(form))
    assert code == 1 and out.count('"missing-value"') == 2  # two plans not yet written
    assert "hãy ghi kế hoạch năm (tỷ đồng), lớn hơn 0." in out and "ghi 0" not in out
    fill(form, "Đăng ký", {"fdi_new_capital": 200, "ddi_new_capital": 0, "fdi_disbursed_year": 9})
    code, out, _ = run("validate", "--format", "json", str(form))
    assert code == 1 and [f["rule"] for f in json.loads(out)["findings"]] == ["non-positive-plan"]


def test_score_json_is_alone_on_stdout(year_files: dict[str, Path]) -> None:
    code, out, err = score(year_files, "--json")
    assert code == 0 and out.lstrip().startswith("{") and "Đã ghi" in err
    json.loads(out)


def copied(sources: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    """The sources copied, to change one file: the fixture's stay read only."""
    yearly, adjustments = tmp_path / "bieu", tmp_path / "dieu-chinh.xlsx"
    shutil.copytree(sources["yearly"], yearly)
    shutil.copy(sources["adjustments"], adjustments)
    return {**sources, "yearly": yearly, "adjustments": adjustments, "out": tmp_path / "out"}


def set_adjustment(path: Path, member: str, reason: str) -> str:
    """Writes `member`'s III.1 row of the `Điều chỉnh` sheet; returns its points cell."""
    book = openpyxl.load_workbook(path)
    sheet = book["Điều chỉnh"]
    row = next(r for r in sheet.iter_rows(min_row=4) if r[0].value == member)
    row[1].value, row[2].value, row[3].value = "III.1", 10, reason
    book.save(path)
    return str(row[2].coordinate)


def test_cell_text_never_becomes_markdown_or_html(sources: dict[str, Path], tmp_path: Path) -> None:
    from docx import Document

    files = copied(sources, tmp_path)
    fill(files["yearly"] / "0.xlsx", "Thông tin", {"don_vi": HOSTILE}, column=2)
    set_adjustment(files["adjustments"], "Vĩnh Phúc", HOSTILE)
    code, out, err = score(files, "--docx")
    assert code == 0, out + err
    parsed = parse((files["out"] / "de-nghi-khen-thuong-2016.md").read_text(encoding="utf-8"))
    assert not parsed.kinds & INJECTED
    assert not any("Tiêu đề giả" in h for h in parsed.headings)
    assert sum(HOSTILE_SHOWN in text for text in parsed.texts) == 2  # the unit, and the reason
    word = Document(str(files["out"] / "de-nghi-khen-thuong-2016.docx"))
    headings = [p.text for p in word.paragraphs if p.style and p.style.name != "Normal"]
    assert not any("Tiêu đề giả" in h for h in headings)
    assert sum(HOSTILE_SHOWN in p.text for p in word.paragraphs) == 2


def test_adjustments_findings_name_their_file_and_a_member_not_scored_is_kept(
    sources: dict[str, Path], tmp_path: Path
) -> None:
    files = copied(sources, tmp_path)
    cell = set_adjustment(files["adjustments"], "Quảng Ninh", "Gửi báo cáo đúng hạn")
    code, out, err = score(files)
    assert code == 0, out + err
    assert re.search(r"│ dieu-chinh\.xlsx +│ Điều chỉnh +│ \w+ +│ cảnh báo", out)  # not "Toàn Khối"
    document = loads((files["out"] / "cham-diem-2016.json").read_text(encoding="utf-8"))
    warning = next(w for w in document["warnings"] if w["rule"] == "adjustment-unscored-member")
    assert warning["file"].endswith("dieu-chinh.xlsx") and warning["cell"] == cell
    assert "Quảng Ninh" in warning["message"] and "Quảng Ninh" not in document["members"]
    book = openpyxl.load_workbook(files["out"] / "cham-diem-2016.xlsx")
    rows = list(book["Điều chỉnh"].iter_rows(min_row=4, values_only=True))
    assert ("Quảng Ninh", "III.1", 10, "Gửi báo cáo đúng hạn") in rows
    files["adjustments"] = files["out"] / "cham-diem-2016.xlsx"  # the row survives a re-run
    assert score(files)[0] == 0
    book = openpyxl.load_workbook(files["out"] / "cham-diem-2016.xlsx")
    assert ("Quảng Ninh", "III.1", 10, "Gửi báo cáo đúng hạn") in list(
        book["Điều chỉnh"].iter_rows(min_row=4, values_only=True)
    )
    set_adjustment(files["adjustments"], "Hà Nam", "")  # an error, shown under the file's name
    code, out, _ = score(files)
    heading, problem = out.find(str(files["adjustments"])), out.find("phải ghi lý do")
    assert code == 1 and -1 < heading < problem < out.find("Toàn Khối")


def test_score_latest_uses_each_members_last_version(
    sources: dict[str, Path], tmp_path: Path
) -> None:
    files = copied(sources, tmp_path)
    first = files["yearly"] / "0.xlsx"
    corrected = files["yearly"] / "0-sua.xlsx"
    shutil.copy(first, corrected)
    fill(corrected, "Tự chấm điểm", {"II.1": 1})
    os.utime(first, (1_500_000_000, 1_500_000_000))
    os.utime(corrected, (1_600_000_000, 1_600_000_000))
    code, out, _ = score(files)
    assert code == 1 and "Hai tệp của cùng một thành viên" in out and "--latest" in out
    assert "0-sua.xlsx" in out.split("Hai tệp của cùng một thành viên")[1]
    code, out, err = score(files, "--latest", "--json")
    assert code == 0, out + err
    document = loads(out)
    assert document["members"]["Vĩnh Phúc"]["file"] == "0-sua.xlsx"
    assert document["members"]["Vĩnh Phúc"]["criteria"]["II.1"]["points"] == 1
    [old] = [w for w in document["warnings"] if w["rule"] == "superseded-version"]
    assert old["text"].endswith("tệp này không được dùng để chấm điểm.")  # not "tổng hợp"
    assert not (files["yearly"] / LEDGER_NAME).exists()  # the ledger is only read


def test_the_scoring_outputs_print_readably(year_files: dict[str, Path]) -> None:
    """Wrapped labels get tall rows (a spreadsheet program sizes none when opening a file), no
    text is cut by its column, the sources sheet is readable one landscape page wide, and the
    proposal's short table stays on its portrait page."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from ipstat.outputs.paper import CHARACTER, LINE_HEIGHT
    from ipstat.outputs.score_workbook import METHODS

    assert score(year_files, "--docx")[0] == 0
    book = openpyxl.load_workbook(year_files["out"] / "cham-diem-2016.xlsx")

    def width(sheet: Any, column: str) -> float:
        return float(sheet.column_dimensions[column].width)

    def lines(sheet: Any, cell: Any) -> int:
        return int(-(-len(str(cell.value)) * CHARACTER // width(sheet, cell.column_letter)))

    scores = book["Bảng điểm"]
    assert max(len(m) for m in METHODS.values()) * CHARACTER <= width(scores, "C")
    criteria = [r for r in scores.iter_rows(min_row=4) if r[0].value and r[3].value is not None]
    long = [r for r in criteria if lines(scores, r[1]) > 1]
    assert long  # the plan criteria's labels are longer than their column
    for row in long:
        assert row[1].alignment.wrap_text
        assert scores.row_dimensions[row[1].row or 0].height >= LINE_HEIGHT * lines(scores, row[1])
    proposal = book["Đề nghị khen thưởng"]
    flag = proposal["D4"]
    assert str(flag.value).count("\n") == 1  # two members proposed for the flag
    assert proposal.row_dimensions[4].height >= 2 * LINE_HEIGHT
    assert proposal["C4"].number_format == scores["D5"].number_format == "#,##0.00"
    sources = book["Nguồn"]
    total = sum(width(sources, c) for c in "ABCDEFG")
    assert total * 0.85 <= 141  # printed at 85% or larger across landscape A4
    for row in sources.iter_rows(min_row=4):
        needed = max(lines(sources, c) for c in row if isinstance(c.value, str))
        if needed > 1:
            assert sources.row_dimensions[row[0].row or 0].height >= LINE_HEIGHT * needed

    word = Document(str(year_files["out"] / "de-nghi-khen-thuong-2016.docx"))
    assert [s.orientation for s in word.sections] == [WD_ORIENT.PORTRAIT]
    _header, table, _signature = word.tables  # the administrative layout's two, and the points
    assert table.cell(0, 0).text == "Thành viên" and table.cell(1, 0).text == "Vĩnh Phúc"
    assert table.cell(1, 0).paragraphs[0].alignment != WD_ALIGN_PARAGRAPH.RIGHT
    adjustments = [p.text for p in word.paragraphs if p.text.startswith("- ")]
    assert len(adjustments) == len(MEMBERS)  # one paragraph each, not run together


@pytest.mark.skipif(os.name != "posix", reason="only POSIX file names can be any bytes")
def test_a_file_name_that_is_not_utf8_is_shown_in_every_output(
    sources: dict[str, Path], tmp_path: Path
) -> None:
    yearly = tmp_path / "bieu"
    shutil.copytree(sources["yearly"], yearly)
    try:
        (yearly / "0.xlsx").rename(yearly / os.fsdecode(b"bieu-\xff\xfe.xlsx"))
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    files = {**sources, "yearly": yearly, "out": tmp_path / "out"}
    code, out, err = score(files)
    assert code == 0, repr(out + err)
    document = json.loads((files["out"] / "cham-diem-2016.json").read_text(encoding="utf-8"))
    assert document["members"]["Vĩnh Phúc"]["file"].endswith("bieu-\\xff\\xfe.xlsx")
    sources_sheet = openpyxl.load_workbook(files["out"] / "cham-diem-2016.xlsx")["Nguồn"]
    texts = {str(c) for row in sources_sheet.iter_rows(values_only=True) for c in row if c}
    assert any("bieu-\\xff\\xfe.xlsx" in text for text in texts)
