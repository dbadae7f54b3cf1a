"""The blank form of a period (the year, or its first six months), generated from `schemas/`,
ready to send to a member."""

from collections.abc import Mapping
from copy import copy
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from ipstat.base.periods import HALF_YEAR, YEARLY, span, suffix
from ipstat.contract.blocs import Member
from ipstat.contract.catalogue import Indicator
from ipstat.contract.model import Contract
from ipstat.outputs.atomic import write_atomic
from ipstat.outputs.cells import set_value
from ipstat.outputs.paper import PORTRAIT_CHARACTERS, fit_row_heights, is_wide, print_on_a4
from ipstat.outputs.period_guide import half_year_steps

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

    from ipstat.contract.scoring_table import ScoringTable

COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0##"
INPUT_FILL = "E2EFDA"  # light green: the cells a member fills in (yellow and red mark findings)
INPUT_BORDER = "70AD47"
CODE_COLOR = "7F7F7F"  # the locked codes in grey, there for the machine rather than the reader
FONT = "Calibri"  # the face of the workbook's default style
GUIDE_WIDTH = PORTRAIT_CHARACTERS  # the guide's lines wrap inside an A4 portrait page


def form_filename(year: int, member: Member | None, period: str = YEARLY) -> str:
    stem = f"bieu-{member.slug}-{year}" if member else f"bieu-mau-{year}"
    return f"{stem}{suffix(period)}.xlsx"


def build_form(
    contract: Contract,
    year: int,
    member: Member | None = None,
    *,
    scoring: "ScoringTable | None" = None,
    previous: Mapping[str, Decimal] | None = None,
    period: str = YEARLY,
) -> "Workbook":
    """The form as an openpyxl workbook; `write_form` saves it. With the bloc's scoring table,
    the yearly form has the self-scoring sheet too (scoring is the year's: the half-year form
    has none); with `previous`, the member's figures of the same period last year are shown
    beside the value cells. The half-year form is titled so and its `ky` row is filled in."""
    from openpyxl import Workbook  # noqa: PLC0415

    scoring = scoring if period == YEARLY else None
    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = "Hướng dẫn"
    _guide(guide, contract, year, scoring, period)
    info_sheet(book.create_sheet(contract.form.info_sheet.name), contract, year, member, period)
    _figures(book.create_sheet(contract.form.figures_sheet.name), contract, year, member, period)
    if previous is not None:
        _previous_column(book[contract.form.figures_sheet.name], contract, previous, period)
    if scoring is not None:
        _self_scores(book.create_sheet(contract.form.self_score_sheet.name), contract, scoring)
    book.active = 2
    return book


def write_form(
    path: Path,
    contract: Contract,
    year: int,
    member: Member | None = None,
    *,
    scoring: "ScoringTable | None" = None,
    previous: Mapping[str, Decimal] | None = None,
    period: str = YEARLY,
) -> Path:
    book = build_form(contract, year, member, scoring=scoring, previous=previous, period=period)
    write_atomic(path, book.save)
    return path


def sheet_title(sheet: "Worksheet", text: str, width: int) -> None:
    from openpyxl.styles import Alignment  # noqa: PLC0415

    set_value(sheet.cell(row=1, column=1), text).font = _font(bold=True, size=13)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")


def _font(bold: bool = False, size: int = 11, color: str | None = None) -> "Font":
    """A font that names its face: a nameless one prints in another face in LibreOffice."""
    from openpyxl.styles import Font  # noqa: PLC0415

    return Font(name=FONT, bold=bold, size=size, color=color)


def header(sheet: "Worksheet", row: int, titles: list[str]) -> None:
    from openpyxl.styles import Alignment, PatternFill  # noqa: PLC0415

    fill = PatternFill("solid", fgColor="DDEBF7")
    for column, title in enumerate(titles, start=1):
        cell = set_value(sheet.cell(row=row, column=column), title)
        cell.font = _font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    sheet.freeze_panes = f"A{row + 1}"


def _protect(sheet: "Worksheet") -> None:
    """Codes and labels locked so the form keeps its shape; no password, as the contract asks."""
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False
    sheet.protection.formatRows = False
    _mark_inputs(sheet)


def _mark_inputs(sheet: "Worksheet") -> None:
    """The unlocked cells get a border and a light fill, so a member sees where to write."""
    from openpyxl.styles import Border, PatternFill, Side  # noqa: PLC0415

    side = Side(style="thin", color=INPUT_BORDER)
    for row in sheet.iter_rows():
        for cell in row:
            if not cell.protection.locked:
                cell.fill = PatternFill("solid", fgColor=INPUT_FILL)
                cell.border = Border(left=side, right=side, top=side, bottom=side)


def _grey_codes(sheet: "Worksheet", first_row: int) -> None:
    for (cell,) in sheet.iter_rows(min_row=first_row, max_col=1):
        if cell.value is not None:
            cell.font = _font(color=CODE_COLOR)


def number_rules(
    sheet: "Worksheet",
    operator: Literal["greaterThan", "greaterThanOrEqual"],
    sign: str,
    title: str,
) -> tuple["DataValidation", "DataValidation"]:
    """Excel's own check of a value cell against 0: one rule for counts, one for amounts."""
    from openpyxl.worksheet.datavalidation import DataValidation  # noqa: PLC0415

    whole = DataValidation(type="whole", operator=operator, formula1="0")
    decimal = DataValidation(type="decimal", operator=operator, formula1="0")
    for validation, what in ((whole, f"một số nguyên {sign} 0"), (decimal, f"một số {sign} 0")):
        validation.error = f"Hãy nhập {what}."
        validation.errorTitle = title
        validation.showErrorMessage = True
        sheet.add_data_validation(validation)
    return whole, decimal


def _unlock(sheet: "Worksheet", ref: str) -> None:
    from openpyxl.styles import Protection  # noqa: PLC0415

    sheet[ref].protection = Protection(locked=False)


def info_sheet(
    sheet: "Worksheet",
    contract: Contract,
    year: int,
    member: Member | None,
    period: str = YEARLY,
) -> None:
    """Who reports; the period's row only on the half-year form (absent, a form is a year's)."""
    spec = contract.form.info_sheet
    sheet_title(sheet, "THÔNG TIN ĐƠN VỊ BÁO CÁO", 3)
    header_row = 3
    header(sheet, header_row, [spec.columns["code"], spec.columns["label"], spec.columns["value"]])
    prefilled: dict[str, str | int] = {"nam": year}
    if member is not None:
        prefilled["tinh"] = member.name
        prefilled["don_vi"] = member.board_name  # the bloc's name: Hà Nội is no tỉnh
    fields = [f for f in contract.form.info_fields if f.kind != "period" or period != YEARLY]
    for field in fields:
        if field.kind == "period":
            prefilled[field.code] = contract.form.period(period).label
    for offset, field in enumerate(fields, start=1):
        row = header_row + offset
        label = field.label + (" (bắt buộc)" if field.required else "")
        set_value(sheet.cell(row=row, column=1), field.code)
        set_value(sheet.cell(row=row, column=2), label)
        value = set_value(sheet.cell(row=row, column=3), prefilled.get(field.code))
        if field.kind == "date":
            value.number_format = "DD/MM/YYYY"
        _unlock(sheet, value.coordinate)
    for column, width in zip("ABC", (14, 34, 44), strict=True):
        sheet.column_dimensions[column].width = width
    _grey_codes(sheet, header_row + 1)
    _protect(sheet)
    print_on_a4(sheet, header_row)


def _figures(
    sheet: "Worksheet", contract: Contract, year: int, member: Member | None, period: str
) -> None:
    spec = contract.form.figures_sheet
    roles = ["code", "label", "unit", "value", "note"]
    titles = [spec.columns[role] for role in roles]
    who = f" – {member.name}" if member else ""
    sheet_title(sheet, f"SỐ LIỆU KCN, KCX, KKT {span(period, year)}{who}".upper(), len(titles))
    set_value(sheet.cell(row=2, column=1), "Ghi số vào cột “Giá trị”; không có thì ghi 0.")
    header_row = 4
    header(sheet, header_row, titles)
    whole, decimal = number_rules(sheet, "greaterThanOrEqual", "≥", "Giá trị không hợp lệ")
    row = header_row
    for section in contract.form.sections:
        row += 1
        title = set_value(
            sheet.cell(row=row, column=2), f"{section.id}. {section.title_for(period)}"
        )
        title.font = _font(bold=True)
        for indicator in (i for i in contract.form.indicators if i.section == section.id):
            row += 1
            indicator_row(sheet, row, indicator, whole, decimal)
    finish_indicator_sheet(sheet, header_row)


def indicator_row(
    sheet: "Worksheet",
    row: int,
    indicator: Indicator,
    whole: "DataValidation",
    decimal: "DataValidation",
) -> None:
    """Code, label and unit locked; the value (checked by Excel) and the note to fill."""
    set_value(sheet.cell(row=row, column=1), indicator.code)
    set_value(sheet.cell(row=row, column=2), indicator.label)
    set_value(sheet.cell(row=row, column=3), indicator.unit)
    value = sheet.cell(row=row, column=4)
    value.number_format = COUNT_FORMAT if indicator.is_count else DECIMAL_FORMAT
    (whole if indicator.is_count else decimal).add(value.coordinate)
    _unlock(sheet, value.coordinate)
    _unlock(sheet, f"E{row}")


def finish_indicator_sheet(sheet: "Worksheet", header_row: int) -> None:
    for column, width in zip("ABCDE", (26, 48, 14, 18, 30), strict=True):
        sheet.column_dimensions[column].width = width
    _grey_codes(sheet, header_row + 1)
    _protect(sheet)
    print_on_a4(sheet, header_row, landscape=True)


def _guide(
    sheet: "Worksheet",
    contract: Contract,
    year: int,
    scoring: "ScoringTable | None",
    period: str,
) -> None:
    info, figures = contract.form.info_sheet.name, contract.form.figures_sheet.name
    steps = [
        f"Trang “{info}”: điền tên tỉnh/thành phố, năm báo cáo ({year}) và người lập biểu.",
        f"Trang “{figures}”: ghi số liệu vào cột “Giá trị”, đúng đơn vị ở cột “Đơn vị tính”.",
        "Không bỏ trống ô nào: chỉ tiêu không phát sinh thì ghi 0 (không ghi “-”).",
        "Nhập số dạng số, không nhập dạng chữ; số thập phân dùng dấu phẩy theo cài đặt "
        "tiếng Việt (ví dụ 4.841,2).",
        "Số dự án, số KCN, số lao động là số nguyên; vốn ghi theo triệu USD hoặc tỷ đồng, "
        "diện tích theo ha.",
        "Không đổi tên trang tính, không sửa cột “Mã”; có thể ghi chú ở cột “Ghi chú”.",
        "Nếu dùng công thức, hãy mở và lưu tệp bằng Excel trước khi gửi để lưu kết quả.",
        "Lưu tệp dạng .xlsx (không đặt mật khẩu) và gửi cho Thường trực Khối.",
    ]
    if period == HALF_YEAR:
        info_step, *measured = half_year_steps(contract, year, period)
        steps[0:2] = [info_step, steps[1], *measured]
    if scoring is not None and scoring.of_method("self"):
        spec = contract.form.self_score_sheet
        points = spec.columns["value"]
        criteria = ", ".join(c.code for c in scoring.of_method("self"))
        steps[-1:-1] = [
            f"Trang “{spec.name}”: ghi điểm tự chấm của đơn vị cho từng tiêu chí ({criteria}) "
            f"vào cột “{points}”, từ 0 đến số điểm tối đa của tiêu chí; không bỏ trống ô nào. "
            f"Điểm này được dùng khi Khối chấm điểm thi đua ({scoring.name.lower()}).",
        ]
    title = f"HƯỚNG DẪN ĐIỀN BIỂU BÁO CÁO {span(period, year).upper()}"
    write_guide(sheet, [title, "", *(f"{n}. {step}" for n, step in enumerate(steps, start=1))])


def write_guide(sheet: "Worksheet", lines: list[str]) -> None:
    """A guide's lines, the first as its title, wrapped inside a portrait A4 page."""
    from openpyxl.styles import Alignment  # noqa: PLC0415

    for row, text in enumerate(lines, start=1):
        cell = set_value(sheet.cell(row=row, column=1), text)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if row == 1:
            cell.font = _font(bold=True, size=13)
    sheet.column_dimensions["A"].width = GUIDE_WIDTH
    fit_row_heights(sheet, 2)
    print_on_a4(sheet)


def _self_scores(sheet: "Worksheet", contract: Contract, scoring: "ScoringTable") -> None:
    """One row per `self` criterion, prefilled from the table; only the points are typed."""
    from openpyxl.worksheet.datavalidation import DataValidation  # noqa: PLC0415

    spec = contract.form.self_score_sheet
    titles = [spec.columns[role] for role in ("code", "label", "max", "value", "note")]
    sheet_title(sheet, scoring.name.upper(), len(titles))
    set_value(sheet.cell(row=2, column=1), "Ghi điểm tự chấm của đơn vị vào cột “Điểm tự chấm”.")
    header_row = 4
    header(sheet, header_row, titles)
    for row, criterion in enumerate(scoring.of_method("self"), start=header_row + 1):
        set_value(sheet.cell(row=row, column=1), criterion.code)
        set_value(sheet.cell(row=row, column=2), criterion.label)
        set_value(sheet.cell(row=row, column=3), float(criterion.max))
        points = sheet.cell(row=row, column=4)
        points.number_format = "0.00"
        rule = DataValidation(
            type="decimal", operator="between", formula1="0", formula2=str(criterion.max)
        )
        rule.error = f"Hãy nhập số điểm từ 0 đến {criterion.max}."
        rule.errorTitle = "Điểm không hợp lệ"
        rule.showErrorMessage = True
        sheet.add_data_validation(rule)
        rule.add(points.coordinate)
        _unlock(sheet, points.coordinate)
        _unlock(sheet, f"E{row}")
    for column, width in zip("ABCDE", (10, 56, 12, 14, 30), strict=True):
        sheet.column_dimensions[column].width = width
    _grey_codes(sheet, header_row + 1)
    _protect(sheet)
    print_on_a4(sheet, header_row, landscape=is_wide(sheet))


PREVIOUS_TITLE = "Năm trước"
PREVIOUS_HALF_YEAR_TITLE = "Cùng kỳ năm trước"


def previous_format(contract: Contract, previous: Mapping[str, Decimal]) -> str:
    """One number of decimals for every non-count figure of last year, as many as the most
    precise of them has (two at least, as the consolidated workbook shows), so the column's
    decimal commas line up; `Giá trị`'s free format suits typing, not reading."""
    places = [
        -int(value.normalize().as_tuple().exponent)
        for code, value in previous.items()
        if code in contract.form.by_code and not contract.form.by_code[code].is_count
    ]
    return "#,##0." + "0" * max(2, *places, 0)


def _previous_column(
    sheet: "Worksheet", contract: Contract, previous: Mapping[str, Decimal], period: str
) -> None:
    """Last year's figures in a locked column right of `Giá trị`, for reference only: it is no
    column of the contract, so the reader ignores it. Added to the finished sheet, so the
    form's own layout stays in one place."""
    from openpyxl.styles import PatternFill  # noqa: PLC0415
    from openpyxl.utils import get_column_letter  # noqa: PLC0415

    value_title = contract.form.figures_sheet.columns["value"]
    header = next(c for row in sheet.iter_rows(max_row=10) for c in row if c.value == value_title)
    value_col = int(header.column or 0)
    column = value_col + 1
    widths = {
        c: sheet.column_dimensions[get_column_letter(c)].width
        for c in range(value_col, sheet.max_column + 1)
    }
    sheet.insert_cols(column)
    for c, width in widths.items():
        sheet.column_dimensions[get_column_letter(c if c < column else c + 1)].width = width
    sheet.column_dimensions[get_column_letter(column)].width = widths[value_col]
    for merged in sheet.merged_cells.ranges:
        if merged.min_col <= value_col <= merged.max_col:
            merged.expand(right=1)
    said = PREVIOUS_HALF_YEAR_TITLE if period == HALF_YEAR else PREVIOUS_TITLE
    title: Any = set_value(sheet.cell(row=int(header.row or 0), column=column), said)
    title._style = copy(cast(Any, header)._style)  # the header's look, as openpyxl copies it
    grey = PatternFill("solid", fgColor="EDEDED")
    decimals = previous_format(contract, previous)
    for row in range(int(header.row or 0) + 1, sheet.max_row + 1):
        code = str(sheet.cell(row=row, column=1).value)
        if code not in contract.form.by_code:
            continue
        cell = sheet.cell(row=row, column=column)
        is_count = contract.form.by_code[code].is_count
        cell.number_format = COUNT_FORMAT if is_count else decimals
        cell.fill = grey
        if code in previous:
            set_value(cell, float(previous[code]))
    print_on_a4(sheet, int(header.row or 0), landscape=True)  # the print area takes the column
