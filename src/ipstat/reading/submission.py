"""One workbook read: this module decides what kind it is (a yearly workbook, or a registration
by its `Đăng ký` sheet) and calls the readers of its sheets."""

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from ipstat.base.errors import WorkbookError
from ipstat.base.findings import Finding
from ipstat.contract.model import Contract
from ipstat.reading.figures import read_figures
from ipstat.reading.info import read_info
from ipstat.reading.located import Reading, Submission
from ipstat.reading.own import (
    ADJUSTMENTS_ACTION,
    ADJUSTMENTS_REASON,
    ANNOTATED_ACTION,
    ANNOTATED_REASON,
    OwnOutputError,
    is_annotated,
)
from ipstat.reading.registration import read_registration
from ipstat.reading.self_scores import read_self_scores
from ipstat.reading.tables import read_table
from ipstat.reading.workbook import open_workbook

MACROS_NOT_RUN = (
    "Sổ làm việc có macro (.xlsm): ipstat đọc các số đã lưu trong tệp và không chạy macro; số "
    "do macro tính mà chưa lưu thì không có ở đây."
)

if TYPE_CHECKING:
    from ipstat.contract.scoring_table import ScoringTable


def read_submission(
    path: Path, contract: Contract, scoring: "ScoringTable | None" = None
) -> tuple[Submission | None, list[Finding]]:
    """Read one workbook. The submission is None when the file could not be read at all;
    `OwnOutputError` when it is an annotated copy ipstat wrote.
    A workbook with a registration sheet is a registration (emulation-scoring.md §1); with
    a scoring table, a yearly workbook's self-scoring sheet is read too."""
    reading = Reading(path, contract)
    form = contract.form
    try:
        book = open_workbook(path, form.limits)
        if is_annotated(book.sheet_names):
            raise OwnOutputError(ANNOTATED_REASON, ANNOTATED_ACTION)
        if book.has_sheet(form.adjustment_sheet.name) and not book.has_sheet(form.info_sheet.name):
            raise OwnOutputError(ADJUSTMENTS_REASON, ADJUSTMENTS_ACTION)  # the secretariat's
        reading.submission.sha256 = hashlib.sha256(book.content).hexdigest()
        reading.submission.modified = book.modified
        if path.suffix.lower() == ".xlsm":
            reading.add("macro-workbook", MACROS_NOT_RUN)
        if book.has_sheet(form.registration_sheet.name):
            read_registration(book, reading, scoring)
            return reading.submission, reading.findings
        info, figures = (
            read_table(book, spec, reading) for spec in (form.info_sheet, form.figures_sheet)
        )
    except WorkbookError as exc:
        reading.findings.clear()  # what was found before the file proved unreadable is moot
        reading.add("unreadable-file", str(exc))
        return None, reading.findings
    if info is not None:
        read_info(info, reading)
    if figures is not None:
        read_figures(figures, reading)
    if scoring is not None and not any(f.rule == "blank-form" for f in reading.findings):
        try:
            read_self_scores(book, reading, scoring)
        except WorkbookError as exc:
            reading.add("unreadable-file", str(exc))
    return reading.submission, reading.findings
