"""The secretariat's adjustments (emulation-scoring.md §4): the `Điều chỉnh` sheet of the
scoring workbook, each row a member's points for one criterion, with its reason."""

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from ipstat.base.errors import WorkbookError
from ipstat.base.findings import Finding
from ipstat.base.formatting import format_exact
from ipstat.contract.model import Contract
from ipstat.reading.located import Reading
from ipstat.reading.members import match_member
from ipstat.reading.tables import read_table
from ipstat.reading.values import cell_text, read_points
from ipstat.reading.workbook import open_workbook

if TYPE_CHECKING:
    from ipstat.contract.scoring_table import ScoringTable


@dataclass(frozen=True)
class Adjustment:
    member: str
    criterion: str
    points: Decimal
    reason: str
    file: str
    sheet: str
    cell: str  # of the points


def read_adjustments(
    path: Path, contract: Contract, scoring: "ScoringTable"
) -> tuple[list[Adjustment], list[Finding]]:
    """Every row in force; a row with neither points nor reason is a blank line of the form."""
    reading = Reading(path, contract)
    try:
        book = open_workbook(path, contract.form.limits)
        table = read_table(book, contract.form.adjustment_sheet, reading)
    except WorkbookError as exc:
        reading.add("unreadable-file", str(exc))
        return [], reading.findings
    if table is None:
        return [], reading.findings
    found: dict[tuple[str, str], Adjustment] = {}
    adjustments: list[Adjustment] = []
    for index in range(table.header_row + 1, len(table.rows)):
        who, code = (
            cell_text(table.cell(index, "member")),
            cell_text(table.cell(index, "criterion")),
        )
        raw, reason = table.cell(index, "points"), cell_text(table.cell(index, "reason"))
        if not cell_text(raw) and not reason:
            continue
        cell = table.ref(index, "points")
        problems = len(reading.findings)

        def add(rule: str, message: str, cell: str = cell) -> None:
            reading.add(rule, message, sheet=table.sheet, cell=cell)

        member = match_member(who, contract.bloc, contract.form.member_prefixes)
        if member is None:
            add(
                "adjustment-unknown-member",
                f"“{who}” không phải là thành viên của {contract.bloc.name}; hãy ghi đúng tên "
                f"thành viên ({', '.join(contract.bloc.names)}).",
                table.ref(index, "member"),
            )
        criterion = scoring.by_code.get(code)
        if criterion is None:
            add(
                "adjustment-unknown-criterion",
                f"Tiêu chí “{code}” không có trong {scoring.name}; hãy ghi đúng mã tiêu chí "
                f"({', '.join(scoring.by_code)}).",
                table.ref(index, "criterion"),
            )
        points = read_points(raw, add, "adjustment-out-of-range")
        if points is None and cell_text(raw) == "":
            add("adjustment-out-of-range", "chưa ghi điểm điều chỉnh; hãy ghi số điểm.")
        if points is not None and criterion is not None and not 0 <= points <= criterion.ceiling:
            add(
                "adjustment-out-of-range",
                f"điểm {format_exact(points)} nằm ngoài khoảng 0 đến "
                f"{format_exact(criterion.ceiling)} của tiêu chí {criterion.code}; hãy sửa lại.",
            )
        if not reason:
            add(
                "adjustment-without-reason",
                "điều chỉnh điểm phải ghi lý do; hãy ghi lý do vào cột “Lý do”.",
                table.ref(index, "reason"),
            )
        if len(reading.findings) > problems or member is None or points is None:
            continue
        adjustment = Adjustment(member.name, code, points, reason, str(path), table.sheet, cell)
        earlier = found.get((member.name, code))
        if earlier is not None:
            add(
                "duplicate-adjustment",
                f"{member.name}, tiêu chí {code} đã được điều chỉnh ở ô {earlier.cell}; mỗi "
                "tiêu chí của một thành viên chỉ điều chỉnh một lần, hãy xóa một dòng.",
            )
            continue
        found[(member.name, code)] = adjustment
        adjustments.append(adjustment)
    return adjustments, reading.findings
