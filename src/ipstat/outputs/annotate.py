"""Annotated copies to send back to a member: every cell with a finding filled and commented,
and a first sheet listing what to fix with links to the cells. The original is never modified."""

import re
import warnings
import zipfile
from collections.abc import Iterable
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipstat.base.errors import InputError, IpstatError, os_error_text
from ipstat.base.findings import FileReport, Finding, Vocabulary, in_order
from ipstat.base.temporary import TEMP_PREFIX
from ipstat.outputs.atomic import write_atomic
from ipstat.outputs.cells import set_value, shown
from ipstat.outputs.paper import fit_row_heights, is_wide, print_on_a4
from ipstat.reading.own import ANNOTATION_SHEET, has_annotation_sheet

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

SHEET = ANNOTATION_SHEET
FILLS = {"error": "FFC7CE", "warning": "FFEB9C"}  # Excel's own "bad" red and "neutral" yellow
SEVERITY_WORDS = {"error": "Lỗi", "warning": "Cảnh báo"}
AUTHOR = "ipstat"
VALUES_ONLY = frozenset({".xls", ".ods"})  # formats openpyxl cannot open
COORDINATE = re.compile(r"[A-Z]{1,3}[1-9][0-9]{0,6}")
HEADER_ROW = 4
MESSAGE_WIDTH = 60  # characters; longer messages wrap, so the sheet prints one page wide


@dataclass
class Annotated:
    written: list[Path] = field(default_factory=list)
    source_of: dict[Path, Path] = field(default_factory=dict)  # copy → the workbook it copies
    problems: list[str] = field(default_factory=list)  # workbooks that could not be copied
    stale: list[Path] = field(default_factory=list)  # copies of an earlier run, left as they were


UNCOPIABLE = (
    "Không tạo được bản có ghi chú cho {path}: openpyxl không mở lại được tệp này để chép; hãy "
    "xem các lỗi ở trên và sửa trực tiếp trong tệp gốc."
)


def annotate_reports(
    reports: Iterable[FileReport], folder: Path, vocabulary: Vocabulary
) -> Annotated:
    """A copy in `folder` of each readable workbook that has findings. Two workbooks with one
    name (from two subfolders) get two copies (`Bao cao.xlsx`, `Bao cao (2).xlsx`). Copies of an
    earlier run that this run did not write again are left alone and listed in `stale`."""
    result = Annotated()
    wanted = [
        (r, findings)
        for r in reports
        if (findings := [f for f in r.findings if f.severity != "note"])  # notes: nothing to fix
        and not any(f.rule == "unreadable-file" for f in findings)
    ]
    earlier = _copies_in(folder)
    targets = _unique_targets([r for r, _ in wanted], folder)
    for (report, findings), target in zip(wanted, targets, strict=True):
        if target.resolve() == report.path.resolve() or target.parent.resolve() == (
            report.path.parent.resolve()  # `x.xls` would be copied over a member's `x.xlsx`
        ):
            raise InputError(
                f"Thư mục --annotate trùng với thư mục chứa {report.path}; hãy chọn thư mục khác "
                "để không ghi đè lên tệp gốc."
            )
        try:
            book = annotated_copy(report.path, findings, vocabulary)
            write_atomic(target, book.save)
        except OSError as exc:
            if exc.errno is not None:
                result.problems.append(
                    f"Không tạo được bản có ghi chú cho {report.path}: {os_error_text(exc)}."
                )
                continue
            result.problems.append(UNCOPIABLE.format(path=report.path))  # openpyxl's IOError
            continue
        except IpstatError as exc:
            result.problems.append(f"Không tạo được bản có ghi chú cho {report.path}. {exc}")
            continue
        except (KeyError, ValueError, TypeError, AttributeError, zipfile.BadZipFile):
            result.problems.append(UNCOPIABLE.format(path=report.path))
            continue
        result.written.append(target)
        result.source_of[target] = report.path
    written = {p.name.casefold() for p in result.written}
    result.stale = [p for p in earlier if p.name.casefold() not in written]
    return result


def _unique_targets(reports: list[FileReport], folder: Path) -> list[Path]:
    """One name per copy, unique even where case does not count (Windows, macOS)."""
    taken: set[str] = set()
    targets = []
    for report in reports:
        stem, suffix = report.path.stem, _copy_suffix(report.path)
        name, number = copy_name(report.path), 1
        while name.casefold() in taken:
            number += 1
            name = f"{stem} ({number}){suffix}"
        taken.add(name.casefold())
        targets.append(folder / name)
    return targets


def copy_name(path: Path) -> str:
    """The annotated copy's name, as a letter names the attachment (`bieu.xls` → `bieu.xlsx`)."""
    return path.stem + _copy_suffix(path)


def _copy_suffix(path: Path) -> str:
    """A copy is always a workbook openpyxl writes, without macros: an `.xls`, `.ods` or
    `.xlsm` becomes `.xlsx` (openpyxl drops the macros, and Excel refuses an `.xlsm` without)."""
    return ".xlsx" if path.suffix.lower() in {*VALUES_ONLY, ".xlsm"} else path.suffix


def _source_book(path: Path) -> "Workbook":
    """The workbook to annotate: the file itself, or for formats openpyxl cannot open (`.xls`,
    `.ods`) a new workbook holding their values, sheet by sheet. The file was vetted and its
    extent bounded when it was validated."""
    from openpyxl import Workbook, load_workbook  # noqa: PLC0415

    if path.suffix.lower() not in VALUES_ONLY:
        return load_workbook(path)
    from python_calamine import CalamineWorkbook  # noqa: PLC0415

    source = CalamineWorkbook.from_path(str(path))
    book = Workbook()
    book.remove(book.worksheets[0])
    for name in source.sheet_names:
        with warnings.catch_warnings():  # a name over Excel's 31 characters: cut below instead
            warnings.simplefilter("ignore")
            sheet = book.create_sheet(_sheet_title(name, book.sheetnames))
        rows = source.get_sheet_by_name(name).to_python(skip_empty_area=False)  # cells stay put
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value != "":  # calamine's empty cell
                    set_value(sheet.cell(row=r, column=c), value)
        _fit_columns(sheet)
    return book


def _sheet_title(name: str, taken: list[str]) -> str:
    """A sheet name Excel accepts: 31 characters at most, and not one already used."""
    title, number = name[:31], 1
    while title.casefold() in (t.casefold() for t in taken):
        number += 1
        title = f"{name[: 31 - len(str(number)) - 1]}~{number}"
    return title


def _fit_columns(sheet: "Worksheet") -> None:
    """Columns as wide as their text (within reason): the values-only copy has no widths of
    its own, and a name cut at the column's edge cannot be read or printed."""
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value is not None:
                widths[cell.column] = max(widths.get(cell.column, 0), len(str(cell.value)))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)


def _copies_in(folder: Path) -> list[Path]:
    try:
        return sorted(
            p
            for p in folder.glob("*.xlsx")
            if p.is_file()
            and not p.name.startswith(("~$", TEMP_PREFIX))
            and has_annotation_sheet(p)  # a blank form or a consolidated workbook is no copy
        )
    except OSError:
        return []


def annotated_copy(path: Path, findings: list[Finding], vocabulary: Vocabulary) -> "Workbook":
    """The copy a member gets back: names and rule titles where codes stood, since a person
    reads it (`vocabulary`)."""
    from openpyxl.comments import Comment  # noqa: PLC0415
    from openpyxl.styles import PatternFill  # noqa: PLC0415

    book = _source_book(path)
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if _linkable(book, finding):
            assert finding.sheet is not None and finding.cell is not None
            by_cell.setdefault((finding.sheet, finding.cell), []).append(finding)
    for (sheet, ref), found in by_cell.items():
        cell = _anchor(book[sheet], ref)
        worst = "error" if any(f.is_error for f in found) else "warning"
        cell.fill = PatternFill("solid", fgColor=FILLS[worst])
        text = "\n\n".join(
            f"{SEVERITY_WORDS[f.severity]} – {vocabulary.title(f.rule)}: {f.text}" for f in found
        )
        cell.comment = Comment(shown(text), AUTHOR, width=360, height=160)
    _findings_sheet(book, findings, vocabulary)
    _printable_copy(book)
    return book


def _anchor(sheet: "Worksheet", ref: str) -> Any:
    """The cell to mark: a merged range is marked on its top-left cell, the only one that holds
    a value (the others are read-only in openpyxl)."""
    for merged in sheet.merged_cells.ranges:
        if ref in merged:
            return sheet.cell(row=merged.min_row, column=merged.min_col)
    return sheet[ref]


def _link_location(sheet: str, ref: str) -> str:
    """`'Chỉ tiêu'!D9`: a quote in a sheet name is doubled, so the link goes only there."""
    return "'" + sheet.replace("'", "''") + "'!" + ref


def _findings_sheet(book: "Workbook", findings: list[Finding], vocabulary: Vocabulary) -> None:
    from openpyxl.styles import Font, PatternFill  # noqa: PLC0415
    from openpyxl.worksheet.hyperlink import Hyperlink  # noqa: PLC0415

    if SHEET in book.sheetnames:
        del book[SHEET]
    sheet = book.create_sheet(SHEET, 0)
    errors = sum(f.is_error for f in findings)
    heading = set_value(sheet["A1"], headline(errors, len(findings) - errors))
    heading.font = Font(name="Calibri", bold=True, size=13)
    guide = "Bấm vào ô ở cột “Ô” để đến chỗ cần sửa; các ô cần sửa được tô màu và có ghi chú."
    set_value(sheet["A2"], guide)
    for column, title in enumerate(["Mức", "Trang", "Ô", "Chỉ tiêu", "Quy tắc", "Nội dung"], 1):
        set_value(sheet.cell(row=4, column=column), title).font = Font(name="Calibri", bold=True)
    ordered = in_order(findings)
    for row, finding in enumerate(ordered, start=5):
        set_value(
            sheet.cell(row=row, column=1), SEVERITY_WORDS[finding.severity]
        ).fill = PatternFill("solid", fgColor=FILLS[finding.severity])
        set_value(sheet.cell(row=row, column=2), finding.sheet)
        link = sheet.cell(row=row, column=3)
        set_value(link, finding.cell)
        if _linkable(book, finding):
            assert finding.sheet is not None and finding.cell is not None
            link.hyperlink = Hyperlink(
                ref=link.coordinate, location=_link_location(finding.sheet, finding.cell)
            )
            # the look of a link in the font of the sheet (the built-in style has its own size)
            link.font = copy(link.font) + Font(color="0563C1", underline="single")
        set_value(sheet.cell(row=row, column=4), vocabulary.name(finding.code))
        set_value(sheet.cell(row=row, column=5), vocabulary.title(finding.rule))
        set_value(sheet.cell(row=row, column=6), finding.text)
    longest_sheet = max((len(f.sheet or "") for f in findings), default=0)
    widths = (10, max(12, longest_sheet + 4), 8, 24, 26, MESSAGE_WIDTH)  # a sheet name on a line
    for letter, width in zip("ABCDEF", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    book.active = 0
    _printable_findings(sheet)


def headline(errors: int, warnings: int) -> str:
    """`Biểu có 2 lỗi cần sửa`: a count of zero is not written."""
    parts = [f"{errors} lỗi cần sửa"] if errors else []
    parts += [f"{warnings} cảnh báo cần xem lại"] if warnings else []
    return "Biểu có " + " và ".join(parts)


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


def _linkable(book: "Workbook", finding: Finding) -> bool:
    """Only a link to a cell of a sheet of this workbook: never a path, URL or other file."""
    return (
        finding.sheet in {sheet.title for sheet in book.worksheets}
        and finding.sheet != SHEET
        and finding.cell is not None
        and COORDINATE.fullmatch(finding.cell) is not None
    )


def _row_of(cell: str | None) -> int:
    digits = "".join(ch for ch in cell or "" if ch.isdigit())
    return int(digits) if digits else 0
