"""The series across years as a workbook for clerks: bloc totals by year, members by year,
line charts, and the documents it was built from.

Written like the consolidated workbook (XlsxWriter, A4 landscape one page wide). A year
without a document is an empty column, so a chart line breaks there instead of inventing a
value; a year some members did not report is marked `(*)` wherever its bloc total is shown,
and left out of the charts, whose line would otherwise show their absence as a fall. Every
text from the documents is written as a string, never read as a formula or link (`cells`).
"""

from decimal import Decimal
from pathlib import Path
from typing import Any

from ipstat.base.periods import HALF_YEAR
from ipstat.bloc.series import History
from ipstat.outputs.cells import xlsx_book
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
FIRST_YEAR_COL = 2  # Chỉ tiêu, Đơn vị tính, then one column per year (codes: JSON, CSV)
MONEY_FORMAT = "#,##0.0"  # money and areas to one decimal, as the prose and the README write them
SHORT = " (*)"  # after a year some members did not report
# Two charts side by side, two such rows a landscape A4 page at 100% (about 980 × 650 px)
CHART_SIZE = {"width": 450, "height": 270}
CHART_STEP = 15  # rows of 20 px from one row of charts to the next
CHART_PAGE = 2 * CHART_STEP
CHART_COLUMNS = 15  # the charts span columns A–O (960 px), printed; their data is to the right
CHART_DATA_COL = CHART_COLUMNS + 1
SOURCE_WIDTHS = (8, 22, 34, 40, 12, 14, 10)  # the digest and the bloc's name wrap
PAGE_WIDTH = 988  # px across landscape A4 at 100% inside XlsxWriter's 0.7-inch margins
MEMBER_WIDTH, YEAR_WIDTH = 18, 12  # the `Mục` sheets' columns, in characters


def write_history_book(path: Path, history: History) -> None:
    book = xlsx_book(path)
    styles = workbook_styles(book)
    styles["decimal"] = book.add_format({"num_format": MONEY_FORMAT})
    styles["total_decimal"] = book.add_format({"bold": True, "top": 1, "num_format": MONEY_FORMAT})
    mapped = {"italic": True, "font_color": "#7F6000"}
    styles["mapped_count"] = book.add_format({**mapped, "num_format": COUNT_FORMAT})
    styles["mapped_decimal"] = book.add_format({**mapped, "num_format": MONEY_FORMAT})
    styles["note"] = book.add_format({"italic": True})
    styles["wrapped_note"] = book.add_format({"italic": True, "text_wrap": True, "valign": "top"})
    styles["top"] = book.add_format({"valign": "top"})
    _bloc_sheet(book, styles, history)
    _section_sheets(book, styles, history)
    _charts(book, styles, history)
    _sources_sheet(book, styles, history)
    book.close()


def _title(history: History) -> str:
    span = history.span
    name = history.bloc or history.documents[-1].bloc
    half = "6 tháng đầu năm, " if history.period == HALF_YEAR else ""
    return f"{name} – số liệu {half}các năm {span[0]}–{span[-1]}"


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
    if history.short_years:
        years = ", ".join(str(y) for y in history.short_years)
        notes.append(
            f"(*) Năm {years} chưa nhận đủ báo cáo: tổng Khối năm đó chỉ gồm các thành viên đã "
            "gửi, không so sánh trực tiếp được với các năm khác, và không được vẽ trên biểu đồ."
        )
    return notes


def _who_is_missing(history: History) -> str:
    """`năm 2017 thiếu Quảng Ninh; năm 2019 thiếu Hải Dương`."""
    return "; ".join(
        f"năm {year} thiếu {join_vi(list(names))}" for year, names in history.short_years.items()
    )


def _year_label(history: History, year: int) -> str:
    return f"{year}{SHORT}" if year in history.short_years else str(year)


def _year_header(sheet: Any, row: int, first_col: int, history: History, style: Any) -> None:
    for offset, year in enumerate(history.span):
        sheet.write_string(row, first_col + offset, _year_label(history, year), style)


def _number(sheet: Any, row: int, col: int, value: Decimal | None, style: Any) -> None:
    if value is not None:
        sheet.write_number(row, col, float(value), style)


def _bloc_sheet(book: Any, styles: dict[str, Any], history: History) -> None:
    """Indicators × years of bloc totals, then the derived ratios, then who did not report,
    and under the table what each `(*)` year lacks."""
    sheet = book.add_worksheet(BLOC_SHEET)
    sheet.write_string(0, 0, _title(history), styles["title"])
    notes = _notes(history)
    for offset, note in enumerate(notes, start=1):
        sheet.write_string(offset, 0, note, styles["note"])
    header = max(4, len(notes) + 2)
    for col, title in enumerate(["Chỉ tiêu", "Đơn vị tính"]):
        sheet.write_string(header, col, title, styles["header"])
    _year_header(sheet, header, FIRST_YEAR_COL, history, styles["header"])
    row = header + 1
    for ind in history.indicators:
        code = str(ind["code"])
        for col, text in enumerate((ind["label"], ind["unit"])):
            sheet.write_string(row, col, str(text))
        for offset, year in enumerate(history.span):
            value = history.totals.get(year, {}).get(code)
            _number(sheet, row, FIRST_YEAR_COL + offset, value, styles[number_kind(ind)])
        row += 1
    for derived in history.derived_indicators:
        for col, text in enumerate((derived["label"], derived["unit"])):
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
    missing = history.short_years
    if missing:
        sheet.write_string(row, 0, "Thành viên chưa gửi báo cáo", styles["note"])
        for offset, year in enumerate(history.span):
            if year in missing:
                sheet.write_string(row, FIRST_YEAR_COL + offset, ", ".join(missing[year]))
        row += 1
    for year, names in missing.items():
        row += 1
        sheet.write_string(
            row,
            0,
            f"(*) Năm {year} chưa nhận được báo cáo của {join_vi(list(names))}: tổng Khối năm "
            f"{year} chỉ gồm các thành viên đã gửi, không so sánh trực tiếp được với các năm khác.",
            styles["note"],
        )
    sheet.set_column(0, 0, 50)
    sheet.set_column(1, 1, 12)
    sheet.set_column(FIRST_YEAR_COL, FIRST_YEAR_COL + len(history.span) - 1, 12)
    sheet.freeze_panes(header + 1, FIRST_YEAR_COL)
    printable(sheet, header + 1)


def _section_sheets(book: Any, styles: dict[str, Any], history: History) -> None:
    """Per section, each headline indicator as a block: members × years and the bloc total."""
    labels = history.by_code()
    index = {(r.year, r.member, r.code): r for r in history.rows}
    missing = _who_is_missing(history)
    for section in history.sections:
        codes = [c for c in history.headline if labels[c]["section"] == section["id"]]
        if not codes:
            continue
        sheet = book.add_worksheet(f"Mục {section['id']}")
        sheet.write_string(0, 0, f"{section['id']}. {section['title']}", styles["title"])
        last_col = len(history.span)
        row = 1
        for note in _notes(history):
            _wrapped_note(sheet, row, last_col, note, styles["wrapped_note"])
            row += 1
        titles = []
        for code in codes:
            ind = labels[code]
            kind = number_kind(ind)
            row += 1
            titles.append(row)
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
                    style = styles[f"mapped_{kind}" if found and found.mapped_from else kind]
                    _number(sheet, row, 1 + offset, found.value if found else None, style)
            row += 1
            sheet.write_string(row, 0, "Tổng Khối", styles["total_label"])
            for offset, year in enumerate(history.span):
                total = history.totals.get(year, {}).get(code)
                if total is not None:
                    col = 1 + offset
                    formula = f"=SUM({a1(first, col)}:{a1(row - 1, col)})"
                    sheet.write_formula(row, col, formula, styles["total_" + kind], float(total))
            if history.short_years:
                row += 1
                footnote = f"(*) Tổng Khối chỉ gồm các thành viên đã gửi báo cáo: {missing}."
                _wrapped_note(sheet, row, last_col, footnote, styles["wrapped_note"])
            row += 1
        sheet.set_column(0, 0, MEMBER_WIDTH)
        sheet.set_column(1, last_col, YEAR_WIDTH)
        _printable_blocks(sheet, titles, row - 1, last_col)


def _wrapped_note(sheet: Any, row: int, last_col: int, text: str, style: Any) -> None:
    """A note across the table's width, wrapped: overflowing, it would print cut or spill onto
    a page of its own."""
    sheet.merge_range(row, 0, row, last_col, text, style)
    height = wrapped_height([(text, MEMBER_WIDTH + last_col * YEAR_WIDTH)])
    if height is not None:
        sheet.set_row(row, height)


def _printable_blocks(sheet: Any, titles: list[int], last_row: int, last_col: int) -> None:
    """A4 landscape, one page wide, each block after the first on a new page, so a table's
    title never prints alone at the foot of a page. Scaled, not fitted to the page: spreadsheet
    programs let fitting override the breaks."""
    sheet.set_paper(9)
    sheet.set_landscape()
    width = _pixels(MEMBER_WIDTH) + last_col * _pixels(YEAR_WIDTH)
    sheet.set_print_scale(max(10, min(100, PAGE_WIDTH * 100 // width)))
    sheet.print_area(0, 0, last_row, last_col)
    sheet.repeat_rows(0, 0)
    sheet.set_h_pagebreaks(titles[1:])


def _pixels(characters: int) -> int:
    """A column's width on screen and paper, as Excel turns characters into pixels."""
    return characters * 7 + 5


def _charts(book: Any, styles: dict[str, Any], history: History) -> None:
    """A native line chart per headline indicator, four a page with a break between pages, so
    no chart prints cut in two. Their data is a table right of them, the bloc totals with the
    `(*)` years left empty: a gap in the line, never a fall that is only a missing report."""
    sheet = book.add_worksheet(CHART_SHEET)
    labels = history.by_code()
    charted = [c for c in history.headline if c in labels]
    header, rows = _chart_data(sheet, styles, history, charted)
    first_col = CHART_DATA_COL + 1
    last_col = first_col + len(history.span) - 1
    short = ", ".join(str(y) for y in history.short_years)
    for place, code in enumerate(charted):
        chart = book.add_chart({"type": "line"})
        chart.add_series(
            {
                "name": labels[code]["label"],
                "categories": [CHART_SHEET, header, first_col, header, last_col],
                "values": [CHART_SHEET, rows[code], first_col, rows[code], last_col],
                "line": {"color": "#2E75B6", "width": 2.25},
                "marker": {"type": "circle", "size": 6},
            }
        )
        chart.set_title(
            {"name": f"{labels[code]['label']} ({labels[code]['unit']})", "name_font": {"size": 11}}
        )
        chart.set_legend({"none": True})
        if short:  # under the chart, printed with it: why the line has a gap there
            chart.set_x_axis(
                {
                    "name": f"(*) Năm {short} chưa nhận đủ báo cáo: không vẽ tổng Khối",
                    "name_font": {"size": 8, "bold": False, "italic": True},
                }
            )
        chart.set_y_axis({"num_format": COUNT_FORMAT})
        chart.show_blanks_as("gap")
        chart.set_size(CHART_SIZE)
        line = place // 2
        row = (line // 2) * CHART_PAGE + 1 + (line % 2) * CHART_STEP
        offset = 10 + (place % 2) * (CHART_SIZE["width"] + 16)
        sheet.insert_chart(row, 0, chart, {"x_offset": offset})
    if short:
        sheet.write_string(
            0,
            0,
            f"(*) Năm {short} chưa nhận đủ báo cáo: các biểu đồ không vẽ tổng Khối của năm đó "
            "(để trống). Thành viên chưa gửi: xem trang Khối.",
            styles["note"],
        )
    # no fitting to the page: spreadsheet programs let it override the breaks
    sheet.set_paper(9)
    sheet.set_landscape()
    pages = -(-len(charted) // 4)
    sheet.print_area(0, 0, max(1, pages) * CHART_PAGE - 1, CHART_COLUMNS - 1)
    sheet.set_h_pagebreaks([page * CHART_PAGE for page in range(1, pages)])


def _chart_data(
    sheet: Any, styles: dict[str, Any], history: History, codes: list[str]
) -> tuple[int, dict[str, int]]:
    """The charts' figures, right of the printed charts: bloc totals by year, empty for a year
    without a document or with members missing. Returns the header's row and each code's."""
    labels = history.by_code()
    col = CHART_DATA_COL
    title = "Số liệu của các biểu đồ: tổng Khối theo năm"
    sheet.write_string(0, col, title + (", năm (*) để trống" if history.short_years else ""))
    sheet.write_string(1, col, "Chỉ tiêu", styles["header"])
    _year_header(sheet, 1, col + 1, history, styles["header"])
    rows = {}
    for row, code in enumerate(codes, start=2):
        ind = labels[code]
        sheet.write_string(row, col, f"{ind['label']} ({ind['unit']})")
        for offset, year in enumerate(history.span):
            if year not in history.short_years:
                value = history.totals.get(year, {}).get(code)
                _number(sheet, row, col + 1 + offset, value, styles[number_kind(ind)])
        rows[code] = row
    sheet.set_column(col, col, 50)
    sheet.set_column(col + 1, col + len(history.span), 12)
    return 1, rows


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
