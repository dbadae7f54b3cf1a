from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from ipstat.checks.validation import validate_paths
from ipstat.cli import app
from ipstat.contract.model import Contract
from ipstat.errors import InputError
from ipstat.outputs.annotate import FILLS, SHEET, annotate_reports

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


def test_annotated_copy(make_workbook: Make, contract: Contract, tmp_path: Path) -> None:
    source = make_workbook(values={"ddi_new_capital": -12.5, "fdi_new_capital": "217,85"})
    original = source.read_bytes()
    report = validate_paths([source], contract).report
    [copy] = annotate_reports(report.files, tmp_path / "gui-lai").written
    assert copy == tmp_path / "gui-lai" / source.name
    assert source.read_bytes() == original
    assert values(copy) == values(source)

    book = openpyxl.load_workbook(copy)
    assert book.sheetnames[0] == SHEET
    figures = book["Chỉ tiêu"]
    assert figures["D9"].fill.fgColor.rgb == "00" + FILLS["error"]
    assert figures["D7"].fill.fgColor.rgb == "00" + FILLS["warning"]
    assert "giá trị âm -12,5" in figures["D9"].comment.text
    assert "negative-value" in figures["D9"].comment.text
    assert figures["D8"].comment is None

    listing = book[SHEET]
    rows = [[c.value for c in row] for row in listing.iter_rows(min_row=5)]
    assert rows[0][:5] == ["Lỗi", "Chỉ tiêu", "D9", "ddi_new_capital", "negative-value"]
    assert rows[1][:5] == ["Cảnh báo", "Chỉ tiêu", "D7", "fdi_new_capital", "text-number"]
    assert listing["C5"].hyperlink.location == "'Chỉ tiêu'!D9"


def test_clean_and_unreadable_workbooks_get_no_copy(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    make_workbook()
    (make_workbook().parent / "broken.xlsx").write_bytes(b"not a workbook")
    report = validate_paths([tmp_path], contract).report
    result = annotate_reports(report.files, tmp_path / "out")
    assert result.written == [] and result.problems == []


def test_never_overwrites_the_original(make_workbook: Make, contract: Contract) -> None:
    source = make_workbook(values={"workers": -1})
    report = validate_paths([source], contract).report
    with pytest.raises(InputError):
        annotate_reports(report.files, source.parent)


def test_cli_annotate(make_workbook: Make, tmp_path: Path) -> None:
    source = make_workbook(values={"workers": -1})
    result = CliRunner().invoke(app, ["validate", str(source), "--annotate", str(tmp_path / "a")])
    assert result.exit_code == 1
    assert (tmp_path / "a" / source.name).is_file()
    assert "Đã ghi bản có ghi chú" in result.stderr


def test_a_workbook_openpyxl_cannot_open_is_skipped_with_a_message(
    make_workbook: Make, contract: Contract, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import ipstat.outputs.annotate

    bad, good = make_workbook(values={"workers": -1}), make_workbook(values={"workers": -2})
    report = validate_paths([bad, good], contract).report
    real = ipstat.outputs.annotate.annotated_copy

    def picky(path: Path, findings: list) -> object:  # type: ignore[type-arg]
        if path == bad:
            raise KeyError("xl/styles.xml")
        return real(path, findings)

    monkeypatch.setattr(ipstat.outputs.annotate, "annotated_copy", picky)
    result = annotate_reports(report.files, tmp_path / "out")
    assert result.written == [tmp_path / "out" / good.name]
    assert len(result.problems) == 1 and str(bad) in result.problems[0]
