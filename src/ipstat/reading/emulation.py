"""The emulation sheets (emulation-scoring.md §1–2): a registration's planned figures, and the
self-scoring sheet of a yearly workbook. Every reading rule of the yearly form applies."""

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from ipstat.contract.model import Contract
from ipstat.contract.textnorm import fold
from ipstat.reading.formatting import format_exact
from ipstat.reading.numbers import NotANumber, decimal_from_float, parse_vi_number
from ipstat.reading.reader import (
    Figure,
    Reading,
    cell_text,
    coded_rows,
    read_figures,
    read_info,
    read_table,
)
from ipstat.reading.workbook import Cell, RawWorkbook

if TYPE_CHECKING:
    from ipstat.contract.scoring import ScoringTable

_Add = Callable[[str, str], None]


def has_sheet(book: RawWorkbook, name: str) -> bool:
    return any(fold(n) == fold(name) for n in book.sheet_names)


def is_registration(book: RawWorkbook, contract: Contract) -> bool:
    """Recognised by its `Đăng ký` sheet (a yearly workbook has none)."""
    return has_sheet(book, contract.form.registration_sheet.name)


def read_registration(book: RawWorkbook, reading: Reading, scoring: "ScoringTable | None") -> None:
    """Who registers, for which year, and the planned figures; with a scoring table, each
    indicator its `plan` criteria use must be there, and every plan must be > 0."""
    form = reading.contract.form
    submission = reading.submission
    submission.kind = "registration"
    info = read_table(book, form.info_sheet, reading)
    if info is not None:
        read_info(info, reading)
    plans = read_table(book, form.registration_sheet, reading)
    if plans is None:
        return
    start = len(reading.findings)
    rows = read_figures(plans, reading, require_all=False)
    for index in range(start, len(reading.findings)):  # a plan of 0 is refused: never say "ghi 0"
        finding = reading.findings[index]
        if finding.rule == "missing-value" and finding.code in form.by_code:
            indicator = form.by_code[finding.code]
            reading.findings[index] = replace(
                finding,
                message=f"Ô {finding.cell} ({finding.code}): chưa có kế hoạch cho "
                f"“{indicator.label}”; hãy ghi kế hoạch năm ({indicator.unit}), lớn hơn 0.",
            )
    for code, figure in list(submission.figures.items()):
        if figure.value == 0:
            reading.add(
                "non-positive-plan",
                "kế hoạch đăng ký phải lớn hơn 0; hãy ghi chỉ tiêu kế hoạch của năm.",
                sheet=plans.sheet,
                cell=figure.cell,
                code=code,
            )
            del submission.figures[code]
    if scoring is None:
        return
    for code in scoring.plan_indicators:
        if code not in rows:
            indicator = form.by_code[code]
            needed_by = ", ".join(c.code for c in scoring.criterion if c.indicator == code)
            reading.add(
                "missing-plan",
                f"Thiếu kế hoạch “{indicator.label}” ({indicator.unit}) mà tiêu chí "
                f"{needed_by} của biểu chấm điểm cần; hãy thêm dòng có mã {code} vào trang "
                f"“{plans.sheet}”.",
                sheet=plans.sheet,
                code=code,
            )


def read_self_scores(book: RawWorkbook, reading: Reading, scoring: "ScoringTable") -> None:
    """The optional `Tự chấm điểm` sheet: each `self` criterion's points, 0 ≤ points ≤ the
    table's maximum (the sheet's own `Điểm tối đa` column is never trusted)."""
    spec = reading.contract.form.self_score_sheet
    if not has_sheet(book, spec.name):
        return
    table = read_table(book, spec, reading)
    if table is None:
        return
    first_row: dict[str, int] = {}
    scores = reading.submission.self_scores
    for index, code in coded_rows(table):
        code_cell = table.ref(index, "code")
        criterion = scoring.by_code.get(code)
        if criterion is None or criterion.method != "self":
            what = "không có trong biểu chấm điểm" if criterion is None else "không phải tự chấm"
            reading.add(
                "unknown-code",
                f"Tiêu chí “{code}” {what} nên bị bỏ qua; hãy kiểm tra lại mã hoặc xóa dòng này.",
                sheet=table.sheet,
                cell=code_cell,
            )
            continue
        if code in first_row:
            reading.add(
                "duplicate-code",
                f"Tiêu chí đã có ở dòng {first_row[code] + 1}; mỗi tiêu chí chỉ được chấm một "
                "lần, hãy xóa một trong hai dòng.",
                sheet=table.sheet,
                cell=code_cell,
                code=code,
            )
            scores.pop(code, None)
            continue
        first_row[code] = index
        raw = table.cell(index, "value")
        cell = table.ref(index, "value")

        def add(rule: str, message: str, cell: str = cell, code: str = code) -> None:
            reading.add(rule, message, sheet=table.sheet, cell=cell, code=code)

        points = read_points(raw, add, "self-score-out-of-range")
        if points is None:
            continue
        if not 0 <= points <= criterion.max:
            add(
                "self-score-out-of-range",
                f"điểm tự chấm {format_exact(points)} nằm ngoài khoảng 0 đến "
                f"{format_exact(criterion.max)} của tiêu chí “{criterion.label}”; hãy chấm lại.",
            )
            continue
        scores[code] = Figure(code, points, table.sheet, cell, raw)


def read_points(raw: Cell, add: _Add, rule: str) -> Decimal | None:
    """A number of points, as the reading rules read one; an empty cell is no points (yet).
    Anything that is not a number is a finding of `rule`."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool | dt.date | dt.time | dt.timedelta):
        _not_a_number(cell_text(raw), add, rule)
        return None
    if isinstance(raw, float):
        try:
            return decimal_from_float(raw)
        except NotANumber:
            _not_a_number(repr(raw), add, rule)
        return None
    if isinstance(raw, int):
        return Decimal(raw)
    text = str(raw).strip()
    try:
        value = parse_vi_number(text)
    except NotANumber:
        _not_a_number(text, add, rule)
        return None
    add(
        "text-number",
        f"số được nhập dạng chữ “{text}”, đã đọc là {format_exact(value)}; hãy nhập dạng số.",
    )
    return value


def _not_a_number(text: str, add: _Add, rule: str) -> None:
    add(
        rule,
        f"“{text}” không phải là số điểm; hãy nhập một số (ví dụ 14,5).",
    )
