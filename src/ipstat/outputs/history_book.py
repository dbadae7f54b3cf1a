"""The series across years as a workbook for clerks: bloc totals by year, members by year,
line charts, and the documents it was built from.

Written like the consolidated workbook (XlsxWriter, A4 landscape one page wide). A year
without a document is an empty column, so a chart line breaks there instead of inventing a
value. Every text from the documents is written as a string, never read as a formula or link.
"""

from decimal import Decimal
from pathlib import Path
from typing import Any

from ipstat.bloc.series import History
from ipstat.outputs.consolidated import (
    COUNT_FORMAT,
    fraction,
    number_kind,
    printable,
    workbook_styles,
)
from ipstat.outputs.paper import wrapped_height
from ipstat.outputs.render import join_vi
from ipstat.reading.sheetscan import a1

BLOC_SHEET = "Khối"
CHART_SHEET = "Biểu đồ"
SOURCES_SHEET = "Nguồn"
FIRST_YEAR_COL = 3  # Mã, Chỉ tiêu, Đơn vị tính, then one column per year
# Two charts side by side, two such rows a landscape A4 page at 100% (about 980 × 650 px)
CHART_SIZE = {"width": 450, "height": 270}
CHART_STEP = 15  # rows of 20 px from one row of charts to the next
CHART_PAGE = 2 * CHART_STEP
SOURCE_WIDTHS = (8, 22, 34, 40, 12, 14, 10)  # the digest and the bloc's name wrap
OPTIONS = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}


def write_history_book(path: Path, history: History) -> None:
    import xlsxwriter  # noqa: PLC0415

    book = xlsxwriter.Workbook(str(path), OPTIONS)
    styles = workbook_styles(book)
    styles["mapped"] = book.add_format({"italic": True, "font_color": "#7F6000"})
    styles["note"] = book.add_format({"italic": True})
    styles["top"] = book.add_format({"valign": "top"})
    header, rows = _bloc_sheet(book, styles, history)
    _section_sheets(book, styles, history)
    _charts(book, history, header, rows)
    _sources_sheet(book, styles, history)
    book.close()


def _title(history: History) -> str:
    span = history.span
    name = history.bloc or history.documents[-1].bloc
    return f"{name} – số liệu các năm {span[0]}–{span[-1]}"


def _notes(history: History) -> list[str]:
    notes = []
    if history.gaps:
        gaps = ", ".join(str(y) for y in history.gaps)
        notes.append(f"Không có tệp tổng hợp của năm {gaps}: để trống, không ước tính.")
    if history.merged:
        years = ", ".join(str(y) for y in history.mapped_years)
        parts = "; ".join(f"{m} = {' + '.join(olds)}" for m, olds in history.merged.items())
        notes.append(f"Số liệu năm {years} được cộng theo thành viên hiện nay: {parts}.")
        notes += [
            f"Số liệu năm {years} của {member} chưa gồm {join_vi(units)}, vốn không thuộc Khối cũ."
            for member, units in history.absorbed.items()
        ]
    short = [d for d in history.documents if d.missing]
    if short:
        years = ", ".join(str(d.year) for d in short)
        notes.append(
            f"Năm {years} chưa nhận đủ báo cáo: tổng Khối năm đó chỉ gồm các thành viên đã gửi "
            "(dòng “Thành viên chưa gửi báo cáo”), không so sánh trực tiếp được với các năm khác."
        )
    return notes


def _year_header(sheet: Any, row: int, first_col: int, history: History, style: Any) -> None:
    for offset, year in enumerate(history.span):
        sheet.write_string(row, first_col + offset, str(year), style)


def _number(sheet: Any, row: int, col: int, value: Decimal | None, style: Any) -> None:
    if value is not None:
        sheet.write_number(row, col, float(value), style)


def _bloc_sheet(book: Any, styles: dict[str, Any], history: History) -> tuple[int, dict[str, int]]:
    """Indicators × years of bloc totals, then the derived ratios, then who did not report;
    returns the header's row and each code's row."""
    sheet = book.add_worksheet(BLOC_SHEET)
    sheet.write_string(0, 0, _title(history), styles["title"])
    notes = _notes(history)
    for offset, note in enumerate(notes, start=1):
        sheet.write_string(offset, 0, note, styles["note"])
    header = max(4, len(notes) + 2)
    for col, title in enumerate(["Mã", "Chỉ tiêu", "Đơn vị tính"]):
        sheet.write_string(header, col, title, styles["header"])
    _year_header(sheet, header, FIRST_YEAR_COL, history, styles["header"])
    where: dict[str, int] = {}
    row = header + 1
    for ind in history.indicators:
        code = str(ind["code"])
        for col, text in enumerate((code, ind["label"], ind["unit"])):
            sheet.write_string(row, col, str(text))
        for offset, year in enumerate(history.span):
            value = history.totals.get(year, {}).get(code)
            _number(sheet, row, FIRST_YEAR_COL + offset, value, styles[number_kind(ind)])
        where[code] = row
        row += 1
    for derived in history.derived_indicators:
        for col, text in enumerate((derived["code"], derived["label"], derived["unit"])):
            sheet.write_string(row, col, str(text))
        ratio = derived["unit"] == "%"
        style = styles["percent" if ratio else "count"]
        for offset, year in enumerate(history.span):
            value = history.derived.get(year, {}).get(derived["code"])
            if ratio and value is not None:
                sheet.write_number(row, FIRST_YEAR_COL + offset, fraction(value), style)
            else:
                _number(sheet, row, FIRST_YEAR_COL + offset, value, style)
        row += 1
    missing = {d.year: d.missing for d in history.documents if d.missing}
    if missing:
        sheet.write_string(row, 1, "Thành viên chưa gửi báo cáo", styles["note"])
        for offset, year in enumerate(history.span):
            if year in missing:
                sheet.write_string(row, FIRST_YEAR_COL + offset, ", ".join(missing[year]))
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, 1, 50)
    sheet.set_column(2, 2, 12)
    sheet.set_column(FIRST_YEAR_COL, FIRST_YEAR_COL + len(history.span) - 1, 12)
    sheet.freeze_panes(header + 1, FIRST_YEAR_COL)
    printable(sheet, header + 1)
    return header, where


def _section_sheets(book: Any, styles: dict[str, Any], history: History) -> None:
    """Per section, each headline indicator as a block: members × years and the bloc total."""
    labels = history.by_code()
    index = {(r.year, r.member, r.code): r for r in history.rows}
    for section in history.sections:
        codes = [c for c in history.headline if labels[c]["section"] == section["id"]]
        if not codes:
            continue
        sheet = book.add_worksheet(f"Mục {section['id']}")
        sheet.write_string(0, 0, f"{section['id']}. {section['title']}", styles["title"])
        row = 1
        for note in _notes(history):
            sheet.write_string(row, 0, note, styles["note"])
            row += 1
        for code in codes:
            ind = labels[code]
            row += 1
            sheet.write_string(row, 0, f"{ind['label']} ({ind['unit']})", styles["title"])
            row += 1
            sheet.write_string(row, 0, "Thành viên", styles["header"])
            _year_header(sheet, row, 1, history, styles["header"])
            first = row + 1
            for member in history.members:
                row += 1
                sheet.write_string(row, 0, member)
                for offset, year in enumerate(history.span):
                    found = index.get((year, member, code))
                    style = styles["mapped"] if found and found.mapped_from else None
                    style = style or styles[number_kind(ind)]
                    _number(sheet, row, 1 + offset, found.value if found else None, style)
            row += 1
            sheet.write_string(row, 0, "Tổng Khối", styles["total_label"])
            for offset, year in enumerate(history.span):
                total = history.totals.get(year, {}).get(code)
                if total is not None:
                    col = 1 + offset
                    formula = f"=SUM({a1(first, col)}:{a1(row - 1, col)})"
                    style = styles["total_" + number_kind(ind)]
                    sheet.write_formula(row, col, formula, style, float(total))
            row += 1
        sheet.set_column(0, 0, 18)
        sheet.set_column(1, len(history.span), 12)
        printable(sheet, 1)


def _charts(book: Any, history: History, header: int, rows: dict[str, int]) -> None:
    """A native line chart per headline indicator, from the bloc totals on the `Khối` sheet,
    four a page with a break between pages, so no chart prints cut in two."""
    sheet = book.add_worksheet(CHART_SHEET)
    labels = history.by_code()
    last_col = FIRST_YEAR_COL + len(history.span) - 1
    charted = [c for c in history.headline if c in rows]
    for place, code in enumerate(charted):
        chart = book.add_chart({"type": "line"})
        chart.add_series(
            {
                "name": labels[code]["label"],
                "categories": [BLOC_SHEET, header, FIRST_YEAR_COL, header, last_col],
                "values": [BLOC_SHEET, rows[code], FIRST_YEAR_COL, rows[code], last_col],
                "line": {"color": "#2E75B6", "width": 2.25},
                "marker": {"type": "circle", "size": 6},
            }
        )
        chart.set_title(
            {"name": f"{labels[code]['label']} ({labels[code]['unit']})", "name_font": {"size": 11}}
        )
        chart.set_legend({"none": True})
        chart.set_y_axis({"num_format": COUNT_FORMAT})
        chart.show_blanks_as("gap")
        chart.set_size(CHART_SIZE)
        line = place // 2
        row = (line // 2) * CHART_PAGE + 1 + (line % 2) * CHART_STEP
        offset = 10 + (place % 2) * (CHART_SIZE["width"] + 16)
        sheet.insert_chart(row, 0, chart, {"x_offset": offset})
    # no fitting to the page: spreadsheet programs let it override the breaks
    sheet.set_paper(9)
    sheet.set_landscape()
    pages = -(-len(charted) // 4)
    sheet.set_h_pagebreaks([page * CHART_PAGE for page in range(1, pages)])


def _sources_sheet(book: Any, styles: dict[str, Any], history: History) -> None:
    sheet = book.add_worksheet(SOURCES_SHEET)
    sheet.write_string(0, 0, "Các tệp tổng hợp đã dùng", styles["title"])
    titles = ["Năm", "Tệp", "SHA-256", "Khối", "Số thành viên", "Chưa gửi", "Quy đổi"]
    for col, title in enumerate(titles):
        sheet.write_string(1, col, title, styles["header"])
    row = 2
    for used in history.documents:
        sheet.write_number(row, 0, used.year, styles["top"])
        texts = {1: used.path.name, 2: used.sha256, 3: used.bloc, 5: ", ".join(used.missing)}
        for col, text in texts.items():
            sheet.write_string(row, col, text, styles["wrap"])
        sheet.write_number(row, 4, len(used.members), styles["top"])
        sheet.write_string(row, 6, "có" if used.mapped else "", styles["top"])
        height = wrapped_height([(text, SOURCE_WIDTHS[col]) for col, text in texts.items()])
        if height is not None:
            sheet.set_row(row, height)
        row += 1
    for note in _notes(history):
        row += 1
        sheet.write_string(row, 0, note, styles["note"])
    for col, width in enumerate(SOURCE_WIDTHS):
        sheet.set_column(col, col, width)
    printable(sheet, 2)
