"""The optional `Tự chấm điểm` sheet of a yearly workbook (emulation-scoring.md §2): each `self`
criterion's points, within the table's maximum."""

from typing import TYPE_CHECKING

from ipstat.base.formatting import format_exact
from ipstat.reading.located import Figure, Reading
from ipstat.reading.tables import coded_rows, read_table
from ipstat.reading.values import cell_text, read_points
from ipstat.reading.workbook import RawWorkbook

if TYPE_CHECKING:
    from ipstat.contract.scoring_table import ScoringTable


def read_self_scores(book: RawWorkbook, reading: Reading, scoring: "ScoringTable") -> None:
    """The optional `Tự chấm điểm` sheet: when present, each `self` criterion's points, 0 ≤
    points ≤ the table's maximum (the sheet's own `Điểm tối đa` column is never trusted); a
    blank or absent row is `missing-self-score`, found here rather than weeks later by
    `ipstat score`. A workbook without the sheet is left to `score` (the contract makes the
    sheet optional)."""
    spec = reading.contract.form.self_score_sheet
    if not book.has_sheet(spec.name):
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
            if not cell_text(raw):
                add(
                    "missing-self-score",
                    f"chưa có điểm tự chấm của tiêu chí “{criterion.label}” (tối đa "
                    f"{format_exact(criterion.max)} điểm); hãy ghi điểm vào cột "
                    f"“{spec.columns['value']}”.",
                )
            continue
        if not 0 <= points <= criterion.max:
            add(
                "self-score-out-of-range",
                f"điểm tự chấm {format_exact(points)} nằm ngoài khoảng 0 đến "
                f"{format_exact(criterion.max)} của tiêu chí “{criterion.label}”; hãy chấm lại.",
            )
            continue
        scores[code] = Figure(code, points, table.sheet, cell)
    for criterion in scoring.of_method("self"):
        if criterion.code not in first_row:
            reading.add(
                "missing-self-score",
                f"Thiếu dòng của tiêu chí {criterion.code} “{criterion.label}” (tối đa "
                f"{format_exact(criterion.max)} điểm); hãy thêm dòng có mã {criterion.code} và "
                f"điểm tự chấm vào trang “{table.sheet}”.",
                sheet=table.sheet,
                code=criterion.code,
            )
