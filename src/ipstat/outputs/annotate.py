"""Annotated copies to send back to a member: every cell with a finding filled and commented,
and a first sheet listing what to fix with links to the cells. The original is never modified."""

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ipstat.errors import InputError
from ipstat.outputs.atomic import write_atomic
from ipstat.outputs.paper import fit_row_heights, is_wide, print_on_a4
from ipstat.reading.findings import FileReport, Finding

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

SHEET = "Lỗi cần sửa"
FILLS = {"error": "FFC7CE", "warning": "FFEB9C"}  # Excel's own "bad" red and "neutral" yellow
SEVERITY_WORDS = {"error": "Lỗi", "warning": "Cảnh báo"}
AUTHOR = "ipstat"
HEADER_ROW = 4
MESSAGE_WIDTH = 60  # characters; longer messages wrap, so the sheet prints one page wide


@dataclass
class Annotated:
    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # workbooks that could not be copied


def annotate_reports(reports: Iterable[FileReport], folder: Path) -> Annotated:
    """A copy in `folder` of each readable workbook that has findings."""
    result = Annotated()
    for report in reports:
        if not report.findings or any(f.rule == "unreadable-file" for f in report.findings):
            continue
        target = folder / report.path.name
        if target.resolve() == report.path.resolve():
            raise InputError(
                f"Thư mục --annotate trùng với thư mục chứa {report.path}; hãy chọn thư mục khác "
                "để không ghi đè lên tệp gốc."
            )
        try:
            book = annotated_copy(report.path, report.findings)
        except (OSError, KeyError, ValueError, TypeError, zipfile.BadZipFile) as exc:
            result.problems.append(f"Không tạo được bản có ghi chú cho {report.path}: {exc}")
            continue
        write_atomic(target, book.save)
        result.written.append(target)
    return result


def annotated_copy(path: Path, findings: list[Finding]) -> "Workbook":
    from openpyxl import load_workbook  # noqa: PLC0415
    from openpyxl.comments import Comment  # noqa: PLC0415
    from openpyxl.styles import PatternFill  # noqa: PLC0415

    book = load_workbook(path)
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if finding.sheet in book.sheetnames and finding.cell:
            by_cell.setdefault((finding.sheet, finding.cell), []).append(finding)
    for (sheet, ref), found in by_cell.items():
        cell = book[sheet][ref]
        worst = "error" if any(f.is_error for f in found) else "warning"
        cell.fill = PatternFill("solid", fgColor=FILLS[worst])
        text = "\n\n".join(f"{SEVERITY_WORDS[f.severity]} ({f.rule}): {f.message}" for f in found)
        cell.comment = Comment(text, AUTHOR, width=360, height=160)
    _findings_sheet(book, findings)
    _printable_copy(book)
    return book


def _findings_sheet(book: "Workbook", findings: list[Finding]) -> None:
    from openpyxl.styles import Font, PatternFill  # noqa: PLC0415
    from openpyxl.worksheet.hyperlink import Hyperlink  # noqa: PLC0415

    if SHEET in book.sheetnames:
        del book[SHEET]
    sheet = book.create_sheet(SHEET, 0)
    errors = sum(f.is_error for f in findings)
    sheet["A1"] = f"Biểu có {errors} lỗi và {len(findings) - errors} cảnh báo cần xem lại"
    sheet["A1"].font = Font(name="Calibri", bold=True, size=13)
    sheet["A2"] = "Bấm vào ô ở cột “Ô” để đến chỗ cần sửa; các ô cần sửa được tô màu và có ghi chú."
    for column, title in enumerate(["Mức", "Trang", "Ô", "Mã chỉ tiêu", "Quy tắc", "Nội dung"], 1):
        sheet.cell(row=4, column=column, value=title).font = Font(name="Calibri", bold=True)
    ordered = sorted(findings, key=lambda f: (not f.is_error, f.sheet or "", _row_of(f.cell)))
    for row, finding in enumerate(ordered, start=5):
        sheet.cell(row=row, column=1, value=SEVERITY_WORDS[finding.severity]).fill = PatternFill(
            "solid", fgColor=FILLS[finding.severity]
        )
        sheet.cell(row=row, column=2, value=finding.sheet)
        link = sheet.cell(row=row, column=3, value=finding.cell)
        if finding.cell and finding.sheet in book.sheetnames:
            link.hyperlink = Hyperlink(
                ref=link.coordinate, location=f"'{finding.sheet}'!{finding.cell}"
            )
            link.style = "Hyperlink"
        sheet.cell(row=row, column=4, value=finding.code)
        sheet.cell(row=row, column=5, value=finding.rule)
        sheet.cell(row=row, column=6, value=finding.message)
    for letter, width in zip("ABCDEF", (10, 12, 8, 24, 26, MESSAGE_WIDTH), strict=True):
        sheet.column_dimensions[letter].width = width
    book.active = 0
    _printable_findings(sheet)


def _printable_findings(sheet: "Worksheet") -> None:
    """Messages wrap, every row reads from the top, the header row repeats on each A4 page."""
    from openpyxl.styles import Alignment, PatternFill  # noqa: PLC0415

    for row in sheet.iter_rows(min_row=HEADER_ROW):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[HEADER_ROW]:
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    fit_row_heights(sheet, HEADER_ROW)
    print_on_a4(sheet, HEADER_ROW, landscape=is_wide(sheet))


def _printable_copy(book: "Workbook") -> None:
    """The member's own sheets print like the form: A4, one page wide, their frozen header row
    (the one just above the frozen panes) on each page, unless they chose titles themselves."""
    for sheet in book.worksheets:
        if sheet.title == SHEET:
            continue
        titles = sheet.print_title_rows
        frozen = _frozen_row(sheet.freeze_panes)
        print_on_a4(sheet, frozen - 1 if frozen > 1 else None, landscape=is_wide(sheet))
        if titles:
            sheet.print_title_rows = titles


def _frozen_row(top_left: str | None) -> int:
    """The first row below the frozen panes, 1 when none are frozen."""
    return _row_of(top_left) or 1


def _row_of(cell: str | None) -> int:
    digits = "".join(ch for ch in cell or "" if ch.isdigit())
    return int(digits) if digits else 0
