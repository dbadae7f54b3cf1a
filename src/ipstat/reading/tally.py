"""The count sheet of the vote (`kiem-phieu-<year>.xlsx`, cycle-documents.md §3), read as every
workbook is: the sheet found by its name, its header by the column titles, each count a whole
number by the one number rule of `values`. What it must match (the ballot) is `bloc/vote.py`'s."""

from dataclasses import dataclass, field
from pathlib import Path

from ipstat.base.errors import WorkbookError
from ipstat.base.findings import Finding
from ipstat.base.text import fold
from ipstat.contract.model import Contract
from ipstat.reading.located import Reading
from ipstat.reading.members import match_member
from ipstat.reading.sheetscan import a1
from ipstat.reading.tables import Table, read_table
from ipstat.reading.values import cell_text, read_number
from ipstat.reading.workbook import open_workbook

# Above the header, in the first column: the labels of the year and of the members present,
# their values in the column beside (written by `outputs/ballots.py`).
YEAR_LABEL = "Năm"
PRESENT_LABEL = "Số thành viên có mặt"


@dataclass(frozen=True)
class CountRow:
    award: str
    member: str  # the bloc's name of the member the cell names, or the cell's text if none
    known: bool  # the cell names a member of the bloc
    votes_for: int
    against: int
    cells: dict[str, str]  # role → A1, for the messages


@dataclass
class Count:
    path: Path
    sheet: str
    year: int | None = None
    year_cell: str = ""
    present: int | None = None
    present_cell: str = ""
    rows: list[CountRow] = field(default_factory=list)
    next_cell: str = "A1"  # where a missing row would be added


def read_count(path: Path, contract: Contract) -> tuple[Count | None, list[Finding]]:
    """The count, and every problem of its cells (`tally-invalid-count`, unreadable, no sheet
    or header); None when it cannot be read at all."""
    reading = Reading(path, contract)
    spec = contract.form.tally_sheet
    try:
        book = open_workbook(path, contract.form.limits)
        table = read_table(book, spec, reading)
    except WorkbookError as exc:
        reading.add("unreadable-file", str(exc))
        return None, reading.findings
    if table is None:
        return None, reading.findings
    count = Count(path, table.sheet, next_cell=a1(len(table.rows), 0))
    _above_header(table, count, reading)
    for index in range(table.header_row + 1, len(table.rows)):
        award, who = cell_text(table.cell(index, "award")), cell_text(table.cell(index, "member"))
        raw_for, raw_against = table.cell(index, "for"), table.cell(index, "against")
        if not (award or who or cell_text(raw_for) or cell_text(raw_against)):
            continue
        cells = {role: table.ref(index, role) for role in ("award", "member", "for", "against")}
        votes_for = _whole(table, index, "for", reading)
        against = _whole(table, index, "against", reading)
        member = match_member(who, contract.bloc, contract.form.member_prefixes)
        name = member.name if member is not None else who
        if votes_for is not None and against is not None:
            count.rows.append(CountRow(award, name, member is not None, votes_for, against, cells))
        count.next_cell = a1(index + 1, 0)
    return count, reading.findings


def _above_header(table: Table, count: Count, reading: Reading) -> None:
    """The year and the members present, each the cell beside its label."""
    wanted = {fold(YEAR_LABEL): "year", fold(PRESENT_LABEL): "present"}
    for index in range(table.header_row):
        row = table.rows[index]
        for column, value in enumerate(row[:-1]):
            role = wanted.get(fold(value)) if isinstance(value, str) else None
            if role is None:
                continue
            cell = a1(index, column + 1)
            number = _number(row[column + 1], cell, table.sheet, reading, what=role)
            if role == "year":
                count.year, count.year_cell = number, cell
            else:
                count.present, count.present_cell = number, cell
    if not count.present_cell:
        reading.add(
            "tally-invalid-count",
            f"không tìm thấy dòng “{PRESENT_LABEL}” phía trên dòng tiêu đề; hãy dùng đúng tệp "
            "kiểm phiếu do `ipstat score --ballots` ghi.",
            sheet=table.sheet,
        )


def _whole(table: Table, index: int, role: str, reading: Reading) -> int | None:
    return _number(table.cell(index, role), table.ref(index, role), table.sheet, reading, role)


_WHAT = {
    "for": "số phiếu đồng ý",
    "against": "số phiếu không đồng ý",
    "present": "số thành viên có mặt",
    "year": "năm",
}


def _number(raw: object, cell: str, sheet: str, reading: Reading, what: str) -> int | None:
    """A count: a whole number ≥ 0, typed as a number or as text; else a finding at `cell`."""
    read = read_number(raw)
    problem = ""
    if read.problem == "empty":
        problem = f"chưa ghi {_WHAT[what]}; hãy ghi một số nguyên (0 nếu không có)."
    elif read.value is None:
        problem = f"“{read.shown}” không phải là {_WHAT[what]}; hãy ghi một số nguyên."
    elif read.value < 0 or read.value != read.value.to_integral_value():
        problem = f"{_WHAT[what]} phải là số nguyên không âm, không phải “{read.shown}”."
    if problem:
        reading.add("tally-invalid-count", problem, sheet=sheet, cell=cell)
        return None
    assert read.value is not None
    return int(read.value)
