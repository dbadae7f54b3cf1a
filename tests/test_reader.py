"""Each layout or value rule: a workbook that breaks it, and the finding it must give."""

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ipstat.base.findings import Finding
from ipstat.contract.model import Contract
from ipstat.reading.sheetscan import a1
from ipstat.reading.submission import read_submission
from tests.conftest import DELETE

Make = Callable[..., Path]


def findings_of(path: Path, contract: Contract) -> list[Finding]:
    return read_submission(path, contract)[1]


def one(findings: list[Finding], rule: str) -> Finding:
    matching = [f for f in findings if f.rule == rule]
    assert len(matching) == 1, findings
    return matching[0]


def test_valid_workbook_reads_every_figure_exactly(make_workbook: Make, contract: Contract) -> None:
    submission, findings = read_submission(make_workbook(), contract)
    assert findings == []
    assert submission is not None
    assert submission.member == "Hà Nam" and submission.year == 2016
    assert len(submission.figures) == 32
    assert submission.figures["fdi_new_capital"].value == Decimal("217.85")
    assert submission.figures["fdi_new_capital"].cell == "D7"
    assert submission.figures["fdi_new_capital"].sheet == "Chỉ tiêu"


@pytest.mark.parametrize(("row", "column", "ref"), [(0, 0, "A1"), (11, 3, "D12"), (0, 26, "AA1")])
def test_a1_references(row: int, column: int, ref: str) -> None:
    assert a1(row, column) == ref


def test_sheet_names_compare_without_case_diacritics_or_spaces(
    make_workbook: Make, contract: Contract
) -> None:
    def rename(book: Any) -> None:
        book["Chỉ tiêu"].title = "CHI TIEU"
        book["Thông tin"].title = "ThongTin"

    assert findings_of(make_workbook(edit=rename), contract) == []


def test_missing_sheet(make_workbook: Make, contract: Contract) -> None:
    def drop(book: Any) -> None:
        del book["Chỉ tiêu"]

    finding = one(findings_of(make_workbook(edit=drop), contract), "missing-sheet")
    assert finding.severity == "error" and finding.sheet == "Chỉ tiêu"
    assert "Chỉ tiêu" in finding.message


def test_header_found_anywhere_in_first_rows_with_columns_in_any_order(
    make_workbook: Make, contract: Contract
) -> None:
    def shuffle(book: Any) -> None:
        sheet = book["Chỉ tiêu"]
        sheet.insert_rows(1, amount=10)
        sheet.move_range("D1:D60", cols=4)  # value column moved to H

    submission, findings = read_submission(make_workbook(edit=shuffle), contract)
    assert findings == []
    assert submission is not None and submission.figures["workers"].cell.startswith("H")


def test_missing_header(make_workbook: Make, contract: Contract) -> None:
    def rename_header(book: Any) -> None:
        book["Chỉ tiêu"]["D4"] = "Số liệu"

    finding = one(findings_of(make_workbook(edit=rename_header), contract), "missing-header")
    assert finding.sheet == "Chỉ tiêu" and "Giá trị" in finding.message


def test_missing_info(make_workbook: Make, contract: Contract) -> None:
    finding = one(findings_of(make_workbook(member=None), contract), "missing-info")
    assert (finding.code, finding.cell, finding.sheet) == ("tinh", "C4", "Thông tin")


@pytest.mark.parametrize("name", ["HÀ NAM", "Tỉnh Hà Nam", "tinh ha nam", "Hà  Nam"])
def test_member_names_are_matched_loosely(
    make_workbook: Make, contract: Contract, name: str
) -> None:
    submission, findings = read_submission(make_workbook(member=name), contract)
    assert submission is not None and submission.member == "Hà Nam"
    note = one(findings, "member-read-as")
    assert findings == [note] and note.severity == "note" and note.cell == "C4"
    assert note.message.endswith(f"“{name}” được đọc là “Hà Nam”.")


@pytest.mark.parametrize("name", ["TP. Hà Nội", "Thanh pho Ha Noi", "HÀ NỘI"])
def test_city_prefixes_are_ignored(make_workbook: Make, contract: Contract, name: str) -> None:
    submission, _ = read_submission(make_workbook(member=name), contract)
    assert submission is not None and submission.member == "Hà Nội"


def test_unknown_member_suggests_the_closest(make_workbook: Make, contract: Contract) -> None:
    finding = one(findings_of(make_workbook(member="Hà Nan"), contract), "unknown-member")
    assert finding.cell == "C4" and "Hà Nam" in finding.message


@pytest.mark.parametrize("year", ["năm 2016", 16, "20l6"])
def test_invalid_year(make_workbook: Make, contract: Contract, year: Any) -> None:
    finding = one(findings_of(make_workbook(year=year), contract), "invalid-year")
    assert (finding.code, finding.cell) == ("nam", "C5")
    assert "ví dụ 2016" not in finding.message  # not a year to copy onto a 2017 form (QA 21)
    assert "từ 1990 đến 2200" in finding.message


def test_year_as_text_is_accepted(make_workbook: Make, contract: Contract) -> None:
    submission, findings = read_submission(make_workbook(year="2016"), contract)
    assert findings == [] and submission is not None and submission.year == 2016


@pytest.mark.parametrize("value", [None, "", "-", "  "])
def test_missing_value(make_workbook: Make, contract: Contract, value: Any) -> None:
    found = findings_of(make_workbook(values={"ddi_new_capital": value}), contract)
    finding = one(found, "missing-value")
    assert (finding.cell, finding.code, finding.severity) == ("D9", "ddi_new_capital", "error")
    assert finding.message.startswith("Ô D9 (ddi_new_capital):")


def test_missing_row_is_a_missing_value(make_workbook: Make, contract: Contract) -> None:
    finding = one(findings_of(make_workbook(values={"workers": DELETE}), contract), "missing-value")
    assert finding.code == "workers" and finding.cell is None


def test_zero_is_a_value(make_workbook: Make, contract: Contract) -> None:
    found = findings_of(make_workbook(values={"budget_usd": 0}), contract)
    assert found == []


def test_duplicate_code(make_workbook: Make, contract: Contract) -> None:
    path = make_workbook(extra_rows=[["workers", "Số lao động", "người", 5]])
    finding = one(findings_of(path, contract), "duplicate-code")
    assert finding.code == "workers" and finding.cell == "A41"
    submission, _ = read_submission(path, contract)
    assert submission is not None and "workers" not in submission.figures


def test_formula_without_saved_value(make_workbook: Make, contract: Contract) -> None:
    found = findings_of(make_workbook(values={"workers": "=SUM(D6:D8)"}), contract)
    finding = one(found, "formula-without-value")
    assert finding.cell == "D40" and "=SUM(D6:D8)" in finding.message
    assert not [f for f in found if f.rule == "missing-value"]


@pytest.mark.parametrize("value", ["khoảng 50", "4,841.2", "1.5", True])
def test_non_numeric_value(make_workbook: Make, contract: Contract, value: Any) -> None:
    found = findings_of(make_workbook(values={"fdi_new_capital": value}), contract)
    finding = one(found, "non-numeric-value")
    assert finding.cell == "D7" and finding.severity == "error"


def test_date_is_not_a_number(make_workbook: Make, contract: Contract) -> None:
    import datetime as dt

    found = findings_of(make_workbook(values={"workers": dt.date(2016, 12, 31)}), contract)
    assert one(found, "non-numeric-value").cell == "D40"


def test_negative_value(make_workbook: Make, contract: Contract) -> None:
    found = findings_of(make_workbook(values={"ddi_new_capital": -12.5}), contract)
    finding = one(found, "negative-value")
    assert finding.message == "Ô D9 (ddi_new_capital): giá trị âm -12,5; hãy nhập số ≥ 0."


def test_fractional_count(make_workbook: Make, contract: Contract) -> None:
    finding = one(
        findings_of(make_workbook(values={"workers": 34700.5}), contract), "fractional-count"
    )
    assert finding.code == "workers" and "34.700,5" in finding.message


def test_text_number_is_read_with_a_warning(make_workbook: Make, contract: Contract) -> None:
    path = make_workbook(values={"fdi_new_capital": "4.841,2"})
    submission, findings = read_submission(path, contract)
    finding = one(findings, "text-number")
    assert finding.severity == "warning" and finding.cell == "D7"
    assert submission is not None
    assert submission.figures["fdi_new_capital"].value == Decimal("4841.2")


@pytest.mark.parametrize(
    ("code", "unit", "value", "expected", "how"),
    [
        ("fdi_new_capital", "USD", 217_850_000, "217.85", "÷ 1.000.000"),
        ("fdi_new_capital", "nghìn USD", 217_850, "217.85", "÷ 1.000"),
        ("fdi_new_capital", "Tr.USD", 217.85, "217.85", None),
        ("fdi_new_capital", "tỷ USD", 0.21785, "217.85", "× 1.000"),
        ("zones_planned_area", "m²", 27_297_100, "2729.71", "÷ 10.000"),
        ("ddi_new_capital", "triệu đồng", 2_310_670, "2310.67", "÷ 1.000"),
    ],
)
def test_units_of_the_same_dimension_are_converted(
    make_workbook: Make,
    contract: Contract,
    code: str,
    unit: str,
    value: Any,
    expected: str,
    how: str | None,
) -> None:
    path = make_workbook(values={code: value}, units={code: unit})
    submission, findings = read_submission(path, contract)
    assert submission is not None
    assert submission.figures[code].value == Decimal(expected)
    converted = [f for f in findings if f.rule == "unit-converted"]
    if how is None:
        assert converted == []
    else:
        [finding] = converted
        assert finding.severity == "warning" and f"({how})" in finding.message


def test_unit_of_another_dimension(make_workbook: Make, contract: Contract) -> None:
    path = make_workbook(units={"ddi_new_capital": "USD"})
    finding = one(findings_of(path, contract), "unit-mismatch")
    assert (finding.cell, finding.severity) == ("D9", "error")


def test_empty_unit_means_the_catalogue_unit(make_workbook: Make, contract: Contract) -> None:
    assert findings_of(make_workbook(units={"ddi_new_capital": None}), contract) == []


def test_any_unit_text_for_counts(make_workbook: Make, contract: Contract) -> None:
    assert findings_of(make_workbook(units={"workers": "lao động"}), contract) == []


def test_unknown_code(make_workbook: Make, contract: Contract) -> None:
    path = make_workbook(extra_rows=[["fdi_bonus", "Chỉ tiêu lạ", "dự án", 3]])
    finding = one(findings_of(path, contract), "unknown-code")
    assert finding.severity == "warning" and finding.cell == "A41"


def test_title_rows_without_code_are_skipped(make_workbook: Make, contract: Contract) -> None:
    path = make_workbook(extra_rows=[[None, "Người lập biểu", None, "Nguyễn Văn A"]])
    assert findings_of(path, contract) == []


def test_all_findings_in_one_pass(make_workbook: Make, contract: Contract) -> None:
    path = make_workbook(
        member="Atlantis",
        values={"workers": -1, "fdi_new_capital": "abc", "budget_usd": None},
    )
    rules = {f.rule for f in findings_of(path, contract)}
    assert {"unknown-member", "negative-value", "non-numeric-value", "missing-value"} <= rules


@pytest.mark.parametrize(
    ("unit", "said"),
    [
        ("Ban QL [bấm vào](http://x) <b>x</b>", "có ký tự “<”, “>”, “[”, “]”"),
        ("Ban Quản lý\n\n# Tiêu đề giả", "có xuống dòng; có ký tự “#”"),
        ("Ban Quản lý " + "rất " * 40, "dài 171 ký tự (tối đa 150)"),
    ],
)
def test_unusual_unit_name_is_a_warning(
    unit: str, said: str, make_workbook: Make, contract: Contract
) -> None:
    def writing(text: str) -> Callable[[Any], None]:
        def write(book: Any) -> None:
            for row in book[contract.form.info_sheet.name].iter_rows():
                if row[0].value == "don_vi":
                    row[2].value = text

        return write

    findings = findings_of(make_workbook(edit=writing(unit)), contract)
    assert [(f.rule, f.severity, f.cell) for f in findings] == [("unusual-name", "warning", "C6")]
    assert said in findings[0].message
    plain = "Ban Quản lý các Khu công nghiệp, Khu kinh tế tỉnh Hà Nam (cũ) - Phòng 2/3"
    assert findings_of(make_workbook(edit=writing(plain)), contract) == []
