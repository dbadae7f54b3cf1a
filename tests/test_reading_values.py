"""Values and names read the way the clerk sees them, or refused with a finding naming the cell:
numbers at Excel's 15 digits, out-of-range numbers, misleading number formats, error values,
ambiguous sheets, columns and info rows, member names read through a fold, merged units."""

import io
import re
import unicodedata
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ipstat.base.findings import Finding
from ipstat.cli import app
from ipstat.contract.blocs import Bloc, Member
from ipstat.contract.model import Contract, load_contract
from ipstat.reading import members
from ipstat.reading.styles import misleading_format
from ipstat.reading.submission import read_submission
from ipstat.reading.workbook import open_workbook, sheet_paths

Make = Callable[..., Path]
runner = CliRunner()
WIDE = {"COLUMNS": "400", "NO_COLOR": "1"}  # a message on one line
CAPITAL = "D7"  # fdi_new_capital's value cell in the form


def findings_of(path: Path, contract: Contract) -> list[Finding]:
    return read_submission(path, contract)[1]


def one(findings: list[Finding], rule: str) -> Finding:
    matching = [f for f in findings if f.rule == rule]
    assert len(matching) == 1, findings
    return matching[0]


def edit_sheet_xml(path: Path, sheet: str, edit: Callable[[str], str]) -> Path:
    """Rewrite one sheet's XML inside the zip, for what openpyxl will not write."""
    content = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        paths = sheet_paths(book.read("xl/workbook.xml"), book.read("xl/_rels/workbook.xml.rels"))
    part = paths[sheet][0]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                changed = edit(data.decode("utf-8"))
                assert changed != data.decode("utf-8")
                data = changed.encode("utf-8")
            target.writestr(info.filename, data)
    path.write_bytes(out.getvalue())
    return path


def set_value_xml(cell: str, xml: str) -> Callable[[str], str]:
    """Replace a cell element (`<c r="D7" …>…</c>`) by the given XML."""
    pattern = re.compile(rf'<c r="{cell}"[^>]*?(?:/>|>.*?</c>)')

    def edit(text: str) -> str:
        return pattern.sub(xml, text, count=1)

    return edit


# Numbers


def test_a_float_cell_is_read_as_excel_shows_it(make_workbook: Make, contract: Contract) -> None:
    submission, findings = read_submission(
        make_workbook(values={"fdi_new_capital": 1.1 * 3}), contract
    )
    assert findings == [] and submission is not None
    assert submission.figures["fdi_new_capital"].value == Decimal("3.3")


@pytest.mark.parametrize(
    ("stored", "shown"), [("inf", "vô hạn"), ("-inf", "vô hạn"), ("NaN", "NaN"), ("1e300", "E+300")]
)
def test_infinite_nan_and_huge_floats_are_refused(
    make_workbook: Make, contract: Contract, stored: str, shown: str
) -> None:
    path = edit_sheet_xml(
        make_workbook(),
        "Chỉ tiêu",
        set_value_xml(CAPITAL, f'<c r="{CAPITAL}" t="n"><v>{stored}</v></c>'),
    )
    submission, findings = read_submission(path, contract)
    finding = one(findings, "value-out-of-range")
    assert finding.severity == "error" and finding.cell == CAPITAL and shown in finding.message
    assert submission is not None and "fdi_new_capital" not in submission.figures


def test_a_number_beyond_the_forms_bound_is_refused(
    make_workbook: Make, contract: Contract
) -> None:
    value = float(contract.form.max_value) * 10
    finding = one(
        findings_of(make_workbook(values={"workers": value}), contract), "value-out-of-range"
    )
    assert finding.code == "workers" and "10.000.000.000.000.000" in finding.message


@pytest.mark.parametrize("text", ["1" * 31, "1.234.567.890.123.456", "0,1234567890123456"])
def test_a_text_number_with_more_than_15_digits_is_refused(
    make_workbook: Make, contract: Contract, text: str
) -> None:
    findings = findings_of(make_workbook(values={"fdi_new_capital": text}), contract)
    finding = one(findings, "too-many-digits")
    assert finding.cell == CAPITAL and text in finding.message
    assert not [f for f in findings if f.rule == "text-number"]


@pytest.mark.parametrize("command", ["validate", "aggregate", "annotate"])
def test_hostile_numbers_never_end_in_a_traceback(
    make_workbook: Make, tmp_path: Path, command: str
) -> None:
    huge = make_workbook("so-lon.xlsx", values={"ddi_new_capital": "1" * 31})
    edit_sheet_xml(
        huge, "Chỉ tiêu", set_value_xml(CAPITAL, f'<c r="{CAPITAL}" t="n"><v>1e300</v></c>')
    )
    if command != "annotate":  # openpyxl cannot open a sheet holding `inf` to annotate it
        infinite = make_workbook("vo-han.xlsx", member="Hà Nội")
        edit_sheet_xml(
            infinite, "Chỉ tiêu", set_value_xml(CAPITAL, f'<c r="{CAPITAL}" t="n"><v>inf</v></c>')
        )
    folder = str(huge.parent)
    args = {
        "validate": ["validate", folder],
        "aggregate": ["aggregate", folder, "--out", str(tmp_path / "out")],
        "annotate": ["validate", folder, "--annotate", str(tmp_path / "ghi-chu")],
    }[command]
    result = runner.invoke(app, args, env=WIDE)
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert (
        "Số vô hạn, không xác định hoặc vượt giới hạn của biểu" in result.stdout
        and "Số có nhiều hơn 15 chữ số có nghĩa" in result.stdout
    )
    if command == "annotate":
        assert (tmp_path / "ghi-chu" / "so-lon.xlsx").is_file()
    else:
        assert "vô hạn" in result.stdout


# Number formats that change what the clerk sees


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("0%", (True, 0, 0)),
        ("0.0%", (True, 0, 1)),
        ("#,##0,,", (False, 2, 0)),
        ('#,##0.0,"tr"', (False, 1, 1)),
        ("0,.00", (False, 1, 2)),
        ("#,##0.00", None),
        ('0" %"', None),
        ("General", None),
        ("[Red]#,##0;[Blue]0%", None),
    ],
)
def test_which_number_formats_mislead(code: str, expected: tuple[bool, int, int] | None) -> None:
    found = misleading_format(code)
    assert (found and (found.percent, found.scale, found.decimals)) == expected


@pytest.mark.parametrize(
    ("value", "number_format", "shown"),
    [(0.56, "0%", "56%"), (0.5625, "0.0%", "56,3%"), (1234567890, "#,##0,,", "1.235")],
)
def test_a_format_that_shows_another_number_is_a_warning(
    make_workbook: Make, contract: Contract, value: float, number_format: str, shown: str
) -> None:
    def style(book: Any) -> None:
        book["Chỉ tiêu"][CAPITAL].number_format = number_format

    submission, findings = read_submission(
        make_workbook(values={"fdi_new_capital": value}, edit=style), contract
    )
    finding = one(findings, "display-format")
    assert finding.severity == "warning" and finding.cell == CAPITAL
    assert f"Excel hiển thị {shown}," in finding.message and number_format in finding.message
    assert submission is not None
    assert submission.figures["fdi_new_capital"].value == Decimal(str(value))


def test_no_style_kept_when_none_misleads(make_workbook: Make, contract: Contract) -> None:
    book = open_workbook(make_workbook(), contract.form.limits)
    assert book.styles.wanted == frozenset() and book.scan("Chỉ tiêu").styles == {}


# Error values


@pytest.mark.parametrize(
    "error",
    [
        "#N/A",
        "#DIV/0!",
        "#REF!",
        "#VALUE!",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#GETTING_DATA",
        "#SPILL!",
        " #N/A ",  # calamine refuses the sheet for a known value with spaces, too
    ],
)
def test_an_error_value_is_named_as_excel_shows_it(
    make_workbook: Make, contract: Contract, error: str
) -> None:
    path = edit_sheet_xml(
        make_workbook(),
        "Chỉ tiêu",
        set_value_xml(CAPITAL, f'<c r="{CAPITAL}" t="e"><f>1/0</f><v>{error}</v></c>'),
    )
    submission, findings = read_submission(path, contract)
    finding = one(findings, "error-value")
    assert finding.severity == "error" and finding.cell == CAPITAL
    assert f"hiển thị lỗi {error.strip()} (" in finding.message
    assert [f.rule for f in findings] == ["error-value"]  # the rest of the sheet is read
    assert submission is not None and len(submission.figures) == 31


def test_an_error_value_in_the_info_sheet(make_workbook: Make, contract: Contract) -> None:
    path = edit_sheet_xml(
        make_workbook(), "Thông tin", set_value_xml("C5", '<c r="C5" t="e"><v>#REF!</v></c>')
    )
    finding = one(findings_of(path, contract), "error-value")
    assert (finding.code, finding.cell, finding.sheet) == ("nam", "C5", "Thông tin")


@pytest.mark.parametrize("year", ["²⁰¹⁶", "٢٠١٦", "２０１６"])
def test_a_year_in_other_unicode_digits_is_invalid(
    make_workbook: Make, contract: Contract, year: str
) -> None:
    finding = one(findings_of(make_workbook(year=year), contract), "invalid-year")
    assert finding.cell == "C5" and year in finding.message


# Ambiguity


@pytest.mark.parametrize("how", ["hidden", "nfd"])
def test_two_sheets_that_match_are_refused(
    make_workbook: Make, contract: Contract, how: str
) -> None:
    other = "CHI TIEU" if how == "hidden" else unicodedata.normalize("NFD", "Chỉ tiêu")

    def copy(book: Any) -> None:
        sheet = book.copy_worksheet(book["Chỉ tiêu"])
        sheet.title = other
        if how == "hidden":
            sheet.sheet_state = "hidden"

    submission, findings = read_submission(make_workbook(edit=copy), contract)
    finding = one(findings, "ambiguous-sheet")
    assert "“Chỉ tiêu”" in finding.message and f"“{other}”" in finding.message
    assert ("(đang ẩn)" in finding.message) == (how == "hidden")
    assert submission is not None and submission.figures == {}


def test_two_columns_with_the_same_title_are_refused(
    make_workbook: Make, contract: Contract
) -> None:
    def second_value_column(book: Any) -> None:
        book["Chỉ tiêu"]["G4"] = "GIÁ TRỊ"

    submission, findings = read_submission(make_workbook(edit=second_value_column), contract)
    finding = one(findings, "ambiguous-column")
    assert finding.sheet == "Chỉ tiêu" and "D4 và G4" in finding.message
    assert submission is not None and submission.figures == {}


def test_a_value_title_merged_over_two_columns_is_refused(
    make_workbook: Make, contract: Contract
) -> None:
    """`Giá trị` over `Năm 2015 | Năm 2016`: reading the first column would be a guess."""

    def two_years(book: Any) -> None:
        sheet = book["Chỉ tiêu"]
        sheet.insert_rows(5)
        sheet["D5"], sheet["E5"] = "Năm 2015", "Năm 2016"
        sheet.merge_cells("D4:E4")
        for row in range(6, sheet.max_row + 1):
            if isinstance(sheet.cell(row, 4).value, int | float):
                sheet.cell(row, 5).value = sheet.cell(row, 4).value

    submission, findings = read_submission(make_workbook(edit=two_years), contract)
    finding = one(findings, "ambiguous-column")
    assert (finding.sheet, finding.cell) == ("Chỉ tiêu", "D4")
    assert "“Giá trị” được gộp qua 2 cột (D4:E4)" in finding.message
    assert submission is not None and submission.figures == {}


def test_a_merged_title_over_the_text_columns_reads_as_before(
    make_workbook: Make, contract: Contract
) -> None:
    def wide_label(book: Any) -> None:
        sheet = book["Chỉ tiêu"]
        sheet.insert_cols(3)  # the label over B:C, the unit and value moved right
        sheet.merge_cells("B4:C4")

    submission, findings = read_submission(make_workbook(edit=wide_label), contract)
    assert not [f for f in findings if f.rule == "ambiguous-column"]
    assert submission is not None and len(submission.figures) == len(contract.form.indicators)


@pytest.mark.parametrize(("code", "value"), [("tinh", "Hà Nội"), ("nam", 2017), ("NAM", 2016)])
def test_an_info_code_given_twice_is_refused(
    make_workbook: Make, contract: Contract, code: str, value: Any
) -> None:
    def twice(book: Any) -> None:
        book["Thông tin"].append([code, "lặp lại", value])

    submission, findings = read_submission(make_workbook(edit=twice), contract)
    finding = one(findings, "duplicate-info")
    assert finding.code == code.casefold() and re.search(r"ô A\d+ và A\d+", finding.message)
    assert submission is not None
    read = submission.member if code == "tinh" else submission.year
    assert read is None


# Member names read through a fold or an alias


def test_the_exact_member_name_gives_no_note(make_workbook: Make, contract: Contract) -> None:
    assert findings_of(make_workbook(member=" Hà Nam "), contract) == []


@pytest.mark.parametrize(
    ("name", "member"), [("Hung Yen", "Hưng Yên"), ("tỉnh Hưng Yên", "Hưng Yên"), ("HN", "Hà Nội")]
)
def test_a_folded_or_aliased_name_is_a_note_not_a_warning(
    make_workbook: Make, name: str, member: str
) -> None:
    path = str(make_workbook(member=name))
    text = runner.invoke(app, ["validate", "--strict", path], env=WIDE)
    assert text.exit_code == 0
    assert "ghi chú" in text.stdout and f"được đọc là “{member}”" in text.stdout
    as_json = runner.invoke(app, ["validate", "--strict", "--format", "json", path])
    assert as_json.exit_code == 0 and '"severity": "note"' in as_json.stdout
    github = runner.invoke(app, ["validate", "--format", "github", path])
    assert github.stdout.startswith("::notice file=")
    junit = runner.invoke(app, ["validate", "--format", "junit", path])
    assert (
        "<system-out>[Thông tin] Ô C4 (tinh): " in junit.stdout and "<failure" not in junit.stdout
    )


def test_notes_do_not_make_an_annotated_copy(make_workbook: Make, tmp_path: Path) -> None:
    path = make_workbook(member="Ha Nam")
    result = runner.invoke(app, ["validate", str(path), "--annotate", str(tmp_path / "ghi-chu")])
    assert result.exit_code == 0 and not (tmp_path / "ghi-chu").exists()


# Bloc awareness


def test_a_later_year_with_the_2016_bloc_is_pointed_to_the_new_bloc(
    make_workbook: Make, contract: Contract
) -> None:
    finding = one(findings_of(make_workbook(year=2025), contract), "year-outside-bloc")
    assert finding.severity == "warning" and finding.cell == "C5"
    assert "hãy chạy lại với --bloc dbsh-2025" in finding.message


def test_an_earlier_year_with_the_2025_bloc_is_pointed_to_the_old_bloc(
    make_workbook: Make,
) -> None:
    path = make_workbook(member="Hà Nội", year=2016)
    finding = one(findings_of(path, load_contract(bloc="dbsh-2025")), "year-outside-bloc")
    assert "từ năm 2025" in finding.message and "--bloc dbsh-2016" in finding.message


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("Hai Duong", "Hải Dương nay thuộc Hải Phòng"),
        ("tinh bac giang", "Bắc Giang nay thuộc Bắc Ninh"),
        ("Hoa Binh", "Hòa Bình nay thuộc Phú Thọ"),
        ("Phú Thọ (cũ)", "Phú Thọ (cũ) nay thuộc Phú Thọ"),
        ("VINH PHUC", "Vĩnh Phúc nay thuộc Phú Thọ"),
    ],
)
def test_every_merged_unit_says_where_it_went_by_its_proper_name(
    make_workbook: Make, name: str, said: str
) -> None:
    path = make_workbook(member=name, year=2025)
    finding = one(findings_of(path, load_contract(bloc="dbsh-2025")), "unknown-member")
    assert said in finding.message


# Member lookup


def test_matching_many_names_is_linear_in_the_bloc(monkeypatch: pytest.MonkeyPatch) -> None:
    size = 2000
    bloc = Bloc(
        id="lon",
        name="Khối lớn",
        members=tuple(
            Member(name=f"Tỉnh số {i}", slug=f"tinh-{i}", aliases=(f"TS{i}",)) for i in range(size)
        ),
        predecessors={f"Tỉnh cũ {i}": f"Tỉnh số {i}" for i in range(size)},
    )
    calls = 0
    key = members.member_key

    def counted(name: str, prefixes: tuple[str, ...]) -> str:
        nonlocal calls
        calls += 1
        return key(name, prefixes)

    monkeypatch.setattr(members, "member_key", counted)
    prefixes = ("tỉnh",)
    found = [members.match_member(f"TINH SO {i}", bloc, prefixes) for i in range(size)]
    assert [m.slug if m else None for m in found] == [f"tinh-{i}" for i in range(size)]
    assert members.former_member("tinh cu 7", bloc, prefixes) == ("Tỉnh cũ 7", "Tỉnh số 7")
    # Building the index: a key per name, alias and former name; then one key per lookup.
    assert calls == 3 * size + size + 1
