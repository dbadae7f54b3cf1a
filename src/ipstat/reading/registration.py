"""A registration workbook (emulation-scoring.md §1): who registers, for which year, and the
planned figures of its `Đăng ký` sheet, read by every rule of the yearly form."""

from typing import TYPE_CHECKING

from ipstat.reading.figures import read_figures
from ipstat.reading.info import read_info
from ipstat.reading.located import Reading
from ipstat.reading.tables import read_table
from ipstat.reading.workbook import RawWorkbook

if TYPE_CHECKING:
    from ipstat.contract.scoring_table import ScoringTable


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
            reading.findings[index] = finding.with_text(
                f"chưa có kế hoạch cho “{indicator.label}”; hãy ghi kế hoạch năm "
                f"({indicator.unit}), lớn hơn 0."
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
