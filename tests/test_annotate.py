from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner

from ipstat.base.errors import InputError
from ipstat.base.findings import FileReport, Finding, Vocabulary
from ipstat.checks.validation import validate_paths
from ipstat.cli import app
from ipstat.contract.model import Contract
from ipstat.outputs.annotate import FILLS, SHEET, annotate_reports, annotated_copy

Make = Callable[..., Path]


def values(path: Path) -> dict[tuple[str, str], object]:
    book = openpyxl.load_workbook(path)
    return {
        (sheet.title, cell.coordinate): cell.value
        for sheet in book.worksheets
        if sheet.title != SHEET
        for row in sheet.iter_rows()
        for cell in row
    }


def test_annotated_copy(
    make_workbook: Make, contract: Contract, tmp_path: Path, vocabulary: Vocabulary
) -> None:
    source = make_workbook(values={"ddi_new_capital": -12.5, "fdi_new_capital": "217,85"})
    original = source.read_bytes()
    report = validate_paths([source], contract).report
    [copy] = annotate_reports(report.files, tmp_path / "gui-lai", vocabulary).written
    assert copy == tmp_path / "gui-lai" / source.name
    assert source.read_bytes() == original
    assert values(copy) == values(source)

    book = openpyxl.load_workbook(copy)
    assert book.sheetnames[0] == SHEET
    figures = book["Chỉ tiêu"]
    assert figures["D9"].fill.fgColor.rgb == "00" + FILLS["error"]
    assert figures["D7"].fill.fgColor.rgb == "00" + FILLS["warning"]
    assert "giá trị âm -12,5" in figures["D9"].comment.text
    assert "Giá trị âm" in figures["D9"].comment.text
    assert figures["D8"].comment is None

    listing = book[SHEET]
    rows = [[c.value for c in row] for row in listing.iter_rows(min_row=5)]
    assert rows[0][:5] == [
        "Lỗi",
        "Chỉ tiêu",
        "D9",
        "Vốn đăng ký của dự án DDI cấp mới",
        "Giá trị âm",
    ]
    assert rows[1][:5] == [
        "Cảnh báo",
        "Chỉ tiêu",
        "D7",
        "Vốn đăng ký của dự án FDI cấp mới",
        "Số được nhập dạng chữ",
    ]
    assert rows[0][5] == "giá trị âm -12,5; hãy nhập số ≥ 0."  # the place is in its own columns
    assert listing["C5"].hyperlink.location == "'Chỉ tiêu'!D9"


def test_clean_and_unreadable_workbooks_get_no_copy(
    make_workbook: Make, contract: Contract, tmp_path: Path, vocabulary: Vocabulary
) -> None:
    make_workbook()
    (make_workbook().parent / "broken.xlsx").write_bytes(b"not a workbook")
    report = validate_paths([tmp_path], contract).report
    result = annotate_reports(report.files, tmp_path / "out", vocabulary)
    assert result.written == [] and result.problems == []


def test_never_overwrites_the_original(
    make_workbook: Make, contract: Contract, vocabulary: Vocabulary
) -> None:
    source = make_workbook(values={"workers": -1})
    report = validate_paths([source], contract).report
    with pytest.raises(InputError):
        annotate_reports(report.files, source.parent, vocabulary)


def test_cli_annotate(make_workbook: Make, tmp_path: Path) -> None:
    source = make_workbook(values={"workers": -1})
    result = CliRunner().invoke(app, ["validate", str(source), "--annotate", str(tmp_path / "a")])
    assert result.exit_code == 1
    assert (tmp_path / "a" / source.name).is_file()
    assert "Đã ghi bản có ghi chú" in result.stdout  # as aggregate's "Đã ghi" lines
    machine = CliRunner().invoke(
        app, ["validate", str(source), "--format", "json", "--annotate", str(tmp_path / "b")]
    )
    assert "Đã ghi bản có ghi chú" in machine.stderr and "Đã ghi" not in machine.stdout


def test_a_workbook_openpyxl_cannot_open_is_skipped_with_a_message(
    make_workbook: Make,
    contract: Contract,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    vocabulary: Vocabulary,
) -> None:
    import ipstat.outputs.annotate

    bad, good = make_workbook(values={"workers": -1}), make_workbook(values={"workers": -2})
    report = validate_paths([bad, good], contract).report
    real = ipstat.outputs.annotate.annotated_copy

    def picky(path: Path, findings: list, vocabulary: Vocabulary) -> object:  # type: ignore[type-arg]
        if path == bad:
            raise KeyError("xl/styles.xml")
        return real(path, findings, vocabulary)

    monkeypatch.setattr(ipstat.outputs.annotate, "annotated_copy", picky)
    result = annotate_reports(report.files, tmp_path / "out", vocabulary)
    assert result.written == [tmp_path / "out" / good.name]
    assert len(result.problems) == 1 and str(bad) in result.problems[0]


def hostile(
    path: Path, sheet: str = "Chỉ tiêu", cell: str | None = "D9", message: str = ""
) -> Finding:
    return Finding(str(path), "negative-value", "error", message, sheet, cell, "ddi_new_capital")


def test_input_text_is_written_as_text_never_as_a_formula_or_a_link(
    make_workbook: Make, tmp_path: Path, vocabulary: Vocabulary
) -> None:
    source = make_workbook()
    messages = [
        "Ô D9: “\x1b[2J\x07 giá trị \x00lạ”",  # openpyxl refuses control characters
        '=HYPERLINK("http://example.com","Bấm vào đây")',
        "#N/A",
        "mailto:a@example.com",
    ]
    report = FileReport(source, [hostile(source, message=m) for m in messages], [])
    [copy] = annotate_reports([report], tmp_path / "out", vocabulary).written
    book = openpyxl.load_workbook(copy)
    listing = book[SHEET]
    written = {str(listing.cell(row=r, column=6).value) for r in range(5, 9)}
    assert "Ô D9: “␛[2J␇ giá trị ␀lạ”" in written
    assert '=HYPERLINK("http://example.com","Bấm vào đây")' in written
    for row in listing.iter_rows(min_row=5):
        assert all(c.data_type == "s" for c in row if c.value is not None)
        assert all(c.hyperlink is None for c in row if c.column != 3)
    assert "␛[2J" in book["Chỉ tiêu"]["D9"].comment.text


def test_links_go_only_where_we_point_them(
    make_workbook: Make, tmp_path: Path, vocabulary: Vocabulary
) -> None:
    def add_sheet(book: openpyxl.Workbook) -> None:
        book.create_sheet("Bà Rịa's")["B2"] = 1

    source = make_workbook(edit=add_sheet)
    findings = [
        hostile(source, sheet="Bà Rịa's", cell="B2"),
        hostile(source, cell="http://example.com"),
        hostile(source, cell="D9:Z99"),
        hostile(source, sheet="Không có", cell="A1"),
    ]
    [copy] = annotate_reports(
        [FileReport(source, findings, [])], tmp_path / "out", vocabulary
    ).written
    listing = openpyxl.load_workbook(copy)[SHEET]
    links = {r: listing.cell(row=r, column=3).hyperlink for r in range(5, 9)}
    located = {r: link.location for r, link in links.items() if link is not None}
    assert list(located.values()) == ["'Bà Rịa''s'!B2"]
    assert all(link is None or link.target is None for link in links.values())


def test_a_finding_in_a_merged_cell_marks_the_merged_range(
    make_workbook: Make, tmp_path: Path, vocabulary: Vocabulary
) -> None:
    def merge(book: openpyxl.Workbook) -> None:
        book["Chỉ tiêu"].merge_cells("D9:E10")

    source = make_workbook(edit=merge)
    findings = [hostile(source, cell="E10", message="trong ô gộp")]
    result = annotate_reports([FileReport(source, findings, [])], tmp_path / "out", vocabulary)
    assert result.problems == []
    sheet = openpyxl.load_workbook(result.written[0])["Chỉ tiêu"]
    assert "trong ô gộp" in sheet["D9"].comment.text


def test_two_workbooks_with_one_name_get_two_copies(
    make_workbook: Make, contract: Contract, tmp_path: Path, vocabulary: Vocabulary
) -> None:
    first = make_workbook(values={"workers": -1}, member="Hà Nam")
    second = make_workbook(values={"workers": -2}, member="Ninh Bình")
    for path, folder in ((first, "ha-nam"), (second, "ninh-binh")):
        (tmp_path / folder).mkdir()
        path.rename(tmp_path / folder / "Bao cao.xlsx")
    sources = [tmp_path / "ha-nam" / "Bao cao.xlsx", tmp_path / "ninh-binh" / "BAO CAO.xlsx"]
    sources[1] = (tmp_path / "ninh-binh" / "Bao cao.xlsx").rename(sources[1])
    report = validate_paths(sources, contract).report
    result = annotate_reports(report.files, tmp_path / "out", vocabulary)
    out = tmp_path / "out"
    assert result.written == [out / "Bao cao.xlsx", out / "BAO CAO (2).xlsx"]
    assert [result.source_of[p] for p in result.written] == sources
    for copy, source in result.source_of.items():
        assert values(copy) == values(source)


def test_a_name_too_long_fails_only_that_copy(
    make_workbook: Make, contract: Contract, tmp_path: Path, vocabulary: Vocabulary
) -> None:
    name = "b" * 248 + ".xlsx"  # 253 bytes; its second copy would be named 257 bytes
    paths = []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        paths.append(make_workbook(values={"workers": -1}).rename(tmp_path / folder / name))
    report = validate_paths(paths, contract).report
    result = annotate_reports(report.files, tmp_path / "out", vocabulary)
    assert result.written == [tmp_path / "out" / name]
    [problem] = result.problems
    assert str(paths[1]) in problem and "tên tệp hoặc đường dẫn quá dài" in problem


def test_copies_of_an_earlier_run_are_listed_not_removed(
    make_workbook: Make, contract: Contract, tmp_path: Path, vocabulary: Vocabulary
) -> None:
    fixed = make_workbook("ha-nam.xlsx", values={"workers": -1})
    other = make_workbook("ninh-binh.xlsx", values={"workers": -1}, member="Ninh Bình")
    out = tmp_path / "out"
    annotate_reports(validate_paths([fixed, other], contract).report.files, out, vocabulary)
    make_workbook("ha-nam.xlsx")  # the member sent a corrected workbook
    result = annotate_reports(
        validate_paths([fixed, other], contract).report.files, out, vocabulary
    )
    assert result.written == [out / "ninh-binh.xlsx"]
    assert result.stale == [out / "ha-nam.xlsx"] and (out / "ha-nam.xlsx").exists()
    cli = CliRunner().invoke(app, ["validate", str(fixed), str(other), "--annotate", str(out)])
    assert "lần chạy trước" in cli.stderr and "ha-nam.xlsx" in cli.stderr


def test_findings_are_shown_before_annotation_is_attempted(make_workbook: Make) -> None:
    source = make_workbook("ha-nam.xlsx", values={"workers": -1})
    result = CliRunner().invoke(app, ["validate", str(source), "--annotate", str(source.parent)])
    assert result.exit_code == 2 and "Giá trị âm" in result.stdout
    assert "trùng với thư mục chứa" in result.stderr


def printed_copy(source: Path, contract: Contract, folder: Path) -> openpyxl.Workbook:
    report = validate_paths([source], contract).report
    [copy] = annotate_reports(report.files, folder, contract.vocabulary).written
    return openpyxl.load_workbook(copy)


def assert_a4_one_page_wide(sheet: Worksheet) -> None:
    assert sheet.page_setup.paperSize == 9, sheet.title  # A4
    assert sheet.sheet_properties.pageSetUpPr is not None
    assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)


def test_findings_sheet_prints_with_wrapped_messages(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    source = make_workbook(values={"workers": "khoảng 35 nghìn", "ddi_new_capital": -1})
    listing = printed_copy(source, contract, tmp_path / "out")[SHEET]
    assert_a4_one_page_wide(listing)
    assert listing.print_title_rows == "$4:$4" and listing["F4"].value == "Nội dung"
    assert listing.page_setup.orientation == "landscape"
    assert (listing.column_dimensions["F"].width or 0) <= 60
    messages = [row[5] for row in listing.iter_rows(min_row=5)]
    assert len(messages) == 2 and all(cell.alignment.wrap_text for cell in messages)
    longest = max(messages, key=lambda cell: len(str(cell.value)))
    assert len(str(longest.value)) > 60
    assert (listing.row_dimensions[int(longest.row or 0)].height or 0) >= 30


def test_copied_sheets_print_with_their_header_row(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    book = printed_copy(make_workbook(values={"workers": -1}), contract, tmp_path / "out")
    for sheet in book.worksheets:
        assert_a4_one_page_wide(sheet)
    assert book["Chỉ tiêu"].print_title_rows == "$4:$4"


def test_a_foreign_sheet_repeats_the_row_above_its_frozen_panes(
    tmp_path: Path, vocabulary: Vocabulary
) -> None:
    source = openpyxl.Workbook()
    sheet = source.active
    assert sheet is not None
    sheet.title = "Số liệu"
    sheet.append(["Báo cáo"])
    sheet.append(["Mã", "Giá trị"])
    sheet.append(["workers", -1])
    sheet.freeze_panes = "A3"
    chosen = source.copy_worksheet(sheet)
    chosen.print_title_rows = "1:2"
    source.save(tmp_path / "x.xlsx")
    finding = Finding("x.xlsx", "negative-value", "error", "giá trị âm", "Số liệu", "B3", "workers")
    book = annotated_copy(tmp_path / "x.xlsx", [finding], vocabulary)
    copy = book["Số liệu"]
    assert_a4_one_page_wide(copy)
    assert copy.print_title_rows == "$2:$2" and copy.page_setup.orientation == "portrait"
    assert book[chosen.title].print_title_rows == "$1:$2"  # the member's own choice stays


def test_only_annotated_copies_are_called_stale(
    make_workbook: Make, contract: Contract, tmp_path: Path, vocabulary: Vocabulary
) -> None:
    """A blank form or a consolidated workbook in the folder is not a copy of ours (QA 16)."""
    source = make_workbook("ha-nam.xlsx", values={"workers": -1})
    out = tmp_path / "out"
    out.mkdir()
    make_workbook("bieu-mau-2017.xlsx").rename(out / "bieu-mau-2017.xlsx")
    (out / "tong-hop-2017.xlsx").write_bytes(b"not even a zip")
    annotate_reports(validate_paths([source], contract).report.files, out, vocabulary)
    old = out / "ninh-binh.xlsx"
    (out / "ha-nam.xlsx").rename(old)  # a copy from an earlier run, of another workbook
    result = annotate_reports(validate_paths([source], contract).report.files, out, vocabulary)
    assert result.stale == [old]


def test_the_findings_sheet_headline_leaves_out_a_zero_count(
    make_workbook: Make, contract: Contract, vocabulary: Vocabulary
) -> None:
    source = make_workbook(values={"workers": -1})
    [report] = validate_paths([source], contract).report.files
    errors = [f for f in report.findings if f.is_error]
    assert annotated_copy(source, errors, vocabulary)[SHEET]["A1"].value == "Biểu có 1 lỗi cần sửa"
    warning = Finding(str(source), "text-number", "warning", "x")
    both = annotated_copy(source, [*errors, warning], vocabulary)[SHEET]["A1"].value
    assert both == "Biểu có 1 lỗi cần sửa và 1 cảnh báo cần xem lại"


def test_a_copy_that_cannot_be_written_is_one_sentence_then_the_reason(
    make_workbook: Make, contract: Contract, tmp_path: Path, vocabulary: Vocabulary
) -> None:
    """Not "… cho X: Không ghi được …" (QA 21)."""
    source = make_workbook("ha-nam.xlsx", values={"workers": -1})
    out = tmp_path / "out"
    (out / "ha-nam.xlsx").mkdir(parents=True)  # in the way of the copy
    result = annotate_reports(validate_paths([source], contract).report.files, out, vocabulary)
    [problem] = result.problems
    assert problem.startswith(f"Không tạo được bản có ghi chú cho {source}. ")
    assert ": Không" not in problem


def test_a_long_sheet_name_stays_in_its_column_and_links_keep_the_sheets_font(
    make_workbook: Make, tmp_path: Path, vocabulary: Vocabulary
) -> None:
    def self_scores(book: openpyxl.Workbook) -> None:
        book.create_sheet("Tự chấm điểm")["D5"] = 120

    source = make_workbook(edit=self_scores)
    findings = [hostile(source, sheet="Tự chấm điểm", cell="D5", message="quá điểm tối đa")]
    [copy] = annotate_reports(
        [FileReport(source, findings, [])], tmp_path / "out", vocabulary
    ).written
    listing = openpyxl.load_workbook(copy)[SHEET]
    assert listing["B5"].value == "Tự chấm điểm"
    width = listing.column_dimensions["B"].width
    assert width is not None and width >= len("Tự chấm điểm") + 2
    link, text = listing["C5"], listing["D5"]
    assert link.hyperlink is not None and link.font.u == "single"
    assert (link.font.sz, link.font.name) == (text.font.sz, text.font.name)
