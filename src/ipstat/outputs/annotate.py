"""Annotated copies to send back to a member: every cell with a finding filled and commented,
and a first sheet listing what to fix with links to the cells. The original is never modified."""

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ipstat.errors import InputError
from ipstat.outputs.atomic import write_atomic
from ipstat.reading.findings import FileReport, Finding

if TYPE_CHECKING:
    from openpyxl import Workbook

SHEET = "Lỗi cần sửa"
FILLS = {"error": "FFC7CE", "warning": "FFEB9C"}  # Excel's own "bad" red and "neutral" yellow
SEVERITY_WORDS = {"error": "Lỗi", "warning": "Cảnh báo"}
AUTHOR = "ipstat"


@dataclass
class Annotated:
    written: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # workbooks that could not be copied


def annotate_reports(reports: Iterable[FileReport], folder: Path) -> Annotated:
    """A copy in `folder` of each readable workbook that has findings."""
    result = Annotated()
    for report in reports:
        findings = [f for f in report.findings if f.severity != "note"]  # nothing to fix
        if not findings or any(f.rule == "unreadable-file" for f in findings):
            continue
        target = folder / report.path.name
        if target.resolve() == report.path.resolve():
            raise InputError(
                f"Thư mục --annotate trùng với thư mục chứa {report.path}; hãy chọn thư mục khác "
                "để không ghi đè lên tệp gốc."
            )
        try:
            book = annotated_copy(report.path, findings)
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
    return book


def _findings_sheet(book: "Workbook", findings: list[Finding]) -> None:
    from openpyxl.styles import Font, PatternFill  # noqa: PLC0415
    from openpyxl.worksheet.hyperlink import Hyperlink  # noqa: PLC0415

    if SHEET in book.sheetnames:
        del book[SHEET]
    sheet = book.create_sheet(SHEET, 0)
    errors = sum(f.is_error for f in findings)
    sheet["A1"] = f"Biểu có {errors} lỗi và {len(findings) - errors} cảnh báo cần xem lại"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = "Bấm vào ô ở cột “Ô” để đến chỗ cần sửa; các ô cần sửa được tô màu và có ghi chú."
    for column, title in enumerate(["Mức", "Trang", "Ô", "Mã chỉ tiêu", "Quy tắc", "Nội dung"], 1):
        sheet.cell(row=4, column=column, value=title).font = Font(bold=True)
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
    for letter, width in zip("ABCDEF", (10, 12, 8, 24, 26, 110), strict=True):
        sheet.column_dimensions[letter].width = width
    book.active = 0


def _row_of(cell: str | None) -> int:
    digits = "".join(ch for ch in cell or "" if ch.isdigit())
    return int(digits) if digits else 0
