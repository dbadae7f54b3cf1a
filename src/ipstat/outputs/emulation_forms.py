"""The forms of the emulation year: the registration of targets a member sends at the start of
the year, and the blank adjustments sheet the secretariat fills for `ipstat score`."""

from pathlib import Path
from typing import TYPE_CHECKING

from ipstat.contract.blocs import Member
from ipstat.contract.model import Contract
from ipstat.outputs.atomic import write_atomic
from ipstat.outputs.cells import set_value
from ipstat.outputs.forms import (
    finish_indicator_sheet,
    header,
    indicator_row,
    info_sheet,
    number_rules,
    sheet_title,
    write_guide,
)
from ipstat.outputs.paper import is_wide, print_on_a4

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from ipstat.contract.scoring_table import ScoringTable


def registration_filename(year: int, member: Member | None) -> str:
    return f"dang-ky-{member.slug}-{year}.xlsx" if member else f"dang-ky-mau-{year}.xlsx"


def build_registration_form(
    contract: Contract, scoring: "ScoringTable", year: int, member: Member | None = None
) -> "Workbook":
    """The registration form (emulation-scoring.md §1): who registers, and a row for each
    indicator a `plan` criterion of the table needs."""
    from openpyxl import Workbook  # noqa: PLC0415

    book = Workbook()
    guide = book.active
    assert guide is not None
    guide.title = "Hướng dẫn"
    spec = contract.form.registration_sheet
    _registration_guide(guide, contract, year)
    info_sheet(book.create_sheet(contract.form.info_sheet.name), contract, year, member)
    sheet = book.create_sheet(spec.name)
    titles = [spec.columns[role] for role in ("code", "label", "unit", "value", "note")]
    who = f" – {member.name}" if member else ""
    sheet_title(sheet, f"ĐĂNG KÝ CHỈ TIÊU THI ĐUA NĂM {year}{who}".upper(), len(titles))
    set_value(sheet.cell(row=2, column=1), "Ghi kế hoạch năm vào cột “Kế hoạch” (số lớn hơn 0).")
    header_row = 4
    header(sheet, header_row, titles)
    whole, decimal = number_rules(sheet, "greaterThan", ">", "Kế hoạch không hợp lệ")
    for row, code in enumerate(scoring.plan_indicators, start=header_row + 1):
        indicator_row(sheet, row, contract.form.by_code[code], whole, decimal)
    finish_indicator_sheet(sheet, header_row)
    book.active = 2
    return book


def write_registration_form(
    path: Path,
    contract: Contract,
    scoring: "ScoringTable",
    year: int,
    member: Member | None = None,
) -> Path:
    book = build_registration_form(contract, scoring, year, member)
    write_atomic(path, book.save)
    return path


def _registration_guide(sheet: "Worksheet", contract: Contract, year: int) -> None:

    info, plans = contract.form.info_sheet.name, contract.form.registration_sheet.name
    lines = [
        f"HƯỚNG DẪN ĐĂNG KÝ CHỈ TIÊU THI ĐUA NĂM {year}",
        "",
        f"1. Trang “{info}”: điền tên tỉnh/thành phố, năm đăng ký ({year}) và người lập biểu.",
        f"2. Trang “{plans}”: ghi kế hoạch năm {year} của đơn vị vào cột “Kế hoạch”, đúng đơn "
        "vị ở cột “Đơn vị tính”; kế hoạch phải lớn hơn 0.",
        "3. Các chỉ tiêu trong trang là các chỉ tiêu mà biểu tiêu chí chấm điểm thi đua của "
        "Khối so sánh với kế hoạch: không xóa dòng nào.",
        "4. Nhập số dạng số; số thập phân dùng dấu phẩy theo cài đặt tiếng Việt (ví dụ 250,5).",
        "5. Không đổi tên trang tính, không sửa cột “Mã”; có thể ghi chú ở cột “Ghi chú”.",
        "6. Lưu tệp dạng .xlsx (không đặt mật khẩu) và gửi cho Thường trực Khối cùng bản giao "
        "ước thi đua.",
    ]
    write_guide(sheet, lines)


def write_adjustment_form(
    path: Path, contract: Contract, scoring: "ScoringTable", year: int
) -> Path:
    write_atomic(path, build_adjustment_form(contract, scoring, year).save)
    return path


def build_adjustment_form(contract: Contract, scoring: "ScoringTable", year: int) -> "Workbook":
    """A blank `Điều chỉnh` sheet for `ipstat score --adjustments`, with a row for each member
    and each criterion only the secretariat scores; rows left without points are ignored."""
    from openpyxl import Workbook  # noqa: PLC0415

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    spec = contract.form.adjustment_sheet
    sheet.title = spec.name
    titles = [spec.columns[role] for role in ("member", "criterion", "points", "reason")]
    sheet_title(sheet, f"ĐIỀU CHỈNH ĐIỂM THI ĐUA NĂM {year}", len(titles))
    header_row = 3
    header(sheet, header_row, titles)
    row = header_row
    for criterion in scoring.of_method("manual"):
        for member in contract.bloc.members:
            row += 1
            set_value(sheet.cell(row=row, column=1), member.name)
            set_value(sheet.cell(row=row, column=2), criterion.code)
    for column, width in zip("ABCD", (16, 12, 10, 60), strict=True):
        sheet.column_dimensions[column].width = width
    print_on_a4(sheet, header_row, landscape=is_wide(sheet))
    return book
