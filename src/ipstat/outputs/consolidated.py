"""The consolidated workbook: one sheet per section, bloc totals, charts, and every figure's source.

Written with XlsxWriter: it imports in a third of openpyxl's time and writes native charts.
Totals are SUM formulas with their exact value saved, so the file reads right before Excel
recalculates it.
"""

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from ipstat.base.formatting import format_datetime
from ipstat.base.periods import same_time, span
from ipstat.bloc.document import Document
from ipstat.outputs.cells import xlsx_book
from ipstat.outputs.report_text import comparison_scope
from ipstat.reading.sheetscan import a1

# One number of decimals per column. Money and areas show two: members write them to two
# decimals, and this workbook is where their figures are checked against their files and seen
# to add up to the bloc total; the report rounds them to one, as the published text does.
COUNT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"  # ratios are stored as fractions (0.459), so analysts can compute with them
COMPARED_PER_PAGE = 3  # indicators side by side on one landscape A4 page of `So sánh`
NUMBER_WIDTH = 13  # a section's nine columns of figures fit across landscape A4 at full size
CHART_ROWS = 30  # rows from one chart's top to the next's: a chart and the page break after it


def write_consolidated(path: Path, document: Document) -> None:
    book = xlsx_book(path)  # names of files and sheets come from input: text, never formulas
    styles = workbook_styles(book)
    members: list[str] = document["members"]
    period = span(document.get("period"), document["year"])  # năm 2016, 6 tháng đầu năm 2017
    _summary_sheet(book, styles, document)
    columns: dict[str, tuple[str, int]] = {}
    for section in document["sections"]:
        indicators = [i for i in document["indicators"] if i["section"] == section["id"]]
        name = f"Mục {section['id']}"
        sheet = book.add_worksheet(name)
        sheet.write(0, 0, f"{section['id']}. {section['title']} – {period}", styles["title"])
        sheet.write(2, 0, "Thành viên", styles["header"])
        sheet.set_column(0, 0, 16)
        sheet.set_row(2, 64)
        for col, ind in enumerate(indicators, start=1):
            sheet.write(2, col, f"{ind['label']} ({ind['unit']})", styles["header"])
            sheet.set_column(col, col, NUMBER_WIDTH)
            columns[ind["code"]] = (name, col)
            number = styles["count" if ind["kind"] == "count" else "decimal"]
            for row, member in enumerate(members, start=3):
                sheet.write_number(
                    row, col, float(document["provinces"][member][ind["code"]]), number
                )
            total_row = 3 + len(members)
            formula = f"=SUM({a1(3, col)}:{a1(total_row - 1, col)})"
            total = float(document["totals"][ind["code"]])
            sheet.write_formula(total_row, col, formula, styles["total_" + number_kind(ind)], total)
        for row, member in enumerate(members, start=3):
            sheet.write(row, 0, member)
        sheet.write(3 + len(members), 0, "Tổng Khối", styles["total_label"])
        sheet.freeze_panes(3, 1)
        printable(sheet, 3)
    if document.get("comparison"):
        _comparison_sheet(book, styles, document)
    _charts(book, document, columns)
    _sources_sheet(book, styles, document)
    book.close()


def printable(sheet: Any, header_rows: int) -> None:
    """A4 landscape, one page wide, header rows on every page: clerks print these tables."""
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    if header_rows:
        sheet.repeat_rows(0, header_rows - 1)


def number_kind(indicator: dict[str, Any]) -> str:
    return "count" if indicator["kind"] == "count" else "decimal"


def workbook_styles(book: Any) -> dict[str, Any]:
    return {
        "title": book.add_format({"bold": True, "font_size": 13}),
        "header": book.add_format(
            {
                "bold": True,
                "bg_color": "#DDEBF7",
                "border": 1,
                "text_wrap": True,
                "valign": "vcenter",
            }
        ),
        "count": book.add_format({"num_format": COUNT_FORMAT}),
        "decimal": book.add_format({"num_format": DECIMAL_FORMAT}),
        "percent": book.add_format({"num_format": PERCENT_FORMAT}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "total_label": book.add_format({"bold": True, "top": 1}),
        "total_count": book.add_format({"bold": True, "top": 1, "num_format": COUNT_FORMAT}),
        "total_decimal": book.add_format({"bold": True, "top": 1, "num_format": DECIMAL_FORMAT}),
    }


def _summary_sheet(book: Any, styles: dict[str, Any], document: Document) -> None:
    sheet = book.add_worksheet("Tổng hợp")
    period = span(document.get("period"), document["year"])
    sheet.write(0, 0, f"{document['bloc']['name']} – tổng hợp {period}", styles["title"])
    submitted = len(document["members"])
    expected = submitted + len(document["missing"])
    sheet.write(1, 0, f"Đã nhận báo cáo của {submitted}/{expected} thành viên.")
    if document["missing"]:
        sheet.write(2, 0, "Chưa nhận được báo cáo của: " + ", ".join(document["missing"]) + ".")
    for col, title in enumerate(["Chỉ tiêu", "Đơn vị tính", "Tổng Khối"]):  # codes: in the JSON
        sheet.write(4, col, title, styles["header"])
    row = 5
    for ind in document["indicators"]:
        sheet.write_row(row, 0, [ind["label"], ind["unit"]])
        sheet.write_number(row, 2, float(document["totals"][ind["code"]]), styles[number_kind(ind)])
        row += 1
    for derived in document["derived_indicators"]:
        value: Decimal | None = document["derived"][derived["code"]]
        sheet.write_row(row, 0, [derived["label"], derived["unit"]])
        if value is not None:
            if derived["unit"] == "%":
                sheet.write_number(row, 2, fraction(value), styles["percent"])
            else:
                sheet.write_number(row, 2, float(value), styles["count"])
        row += 1
    sheet.set_column(0, 0, 52)
    sheet.set_column(1, 2, 16)
    sheet.freeze_panes(5, 0)
    printable(sheet, 5)


def _comparison_sheet(book: Any, styles: dict[str, Any], document: Document) -> None:
    """By member: last year, this year and the change in percent, for the headline figures."""
    comparison = document["comparison"]
    year, before = document["year"], comparison["previous_year"]
    period = document.get("period")
    title = f"So sánh {span(period, year)} với {same_time(period, before)}"
    sheet = book.add_worksheet("So sánh")
    sheet.write(0, 0, title, styles["title"])
    scope = comparison_scope(comparison, year, period)
    if scope:
        sheet.write(1, 0, scope)
    labels = {i["code"]: i for i in document["indicators"]}
    codes = comparison["headline"]
    sheet.merge_range(2, 0, 3, 0, "Thành viên", styles["header"])
    for index, code in enumerate(codes):
        first = 1 + 3 * index
        ind = labels[code]
        sheet.merge_range(
            2, first, 2, first + 2, f"{ind['label']} ({ind['unit']})", styles["header"]
        )
        columns = (span(period, before), span(period, year), "Tăng/giảm (%)")
        for offset, column in enumerate(columns):
            sheet.write(3, first + offset, column[:1].upper() + column[1:], styles["header"])
        number = styles[number_kind(ind)]
        total = document["totals"][code]
        rows = [*document["members"], None]
        for row, member in enumerate(rows, start=4):
            pair = comparison["provinces"][member][code] if member else comparison["totals"][code]
            now = document["provinces"][member][code] if member else pair.get("current", total)
            bold = member is None
            if pair["previous"] is not None:
                sheet.write_number(row, first, float(pair["previous"]), number)
            if now is not None:
                style = styles["total_" + number_kind(ind)] if bold else number
                sheet.write_number(row, first + 1, float(now), style)
            if pair["change_percent"] is not None:
                sheet.write_number(
                    row, first + 2, fraction(pair["change_percent"]), styles["percent"]
                )
    compared = comparison.get("compared", document["members"])
    total_label = (
        "Tổng Khối"
        if len(compared) == len(document["members"])
        else f"Tổng {len(compared)} thành viên so sánh được"
    )
    for row, member in enumerate(document["members"], start=4):
        sheet.write(row, 0, member)
    sheet.write(4 + len(document["members"]), 0, total_label, styles["total_label"])
    sheet.set_row(2, 32)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 3 * len(codes), 12)
    sheet.freeze_panes(4, 1)
    _printable_by_pages(sheet, len(codes), len(document["members"]), title)
    if scope:  # printed above the table on the first page
        sheet.print_area(1, 0, 4 + len(document["members"]), 3 * len(codes))


def fraction(percent: Decimal) -> float:
    """A percentage as the fraction a `0.0%` cell format shows as that percentage."""
    return float(Decimal(percent) / 100)


def _printable_by_pages(sheet: Any, compared: int, members: int, title: str) -> None:
    """Landscape A4 at full size, `COMPARED_PER_PAGE` indicators a page, the member column and
    the header rows on every page: fitting all of them to one page wide gives unreadable text.
    The title goes in the page header, since the repeated first column would cut it."""
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.set_print_scale(100)
    sheet.print_area(2, 0, 4 + members, 3 * compared)
    sheet.set_header(f"&L&B{title}&RTrang &P/&N")
    sheet.repeat_rows(2, 3)
    sheet.repeat_columns(0)
    breaks = range(COMPARED_PER_PAGE, compared, COMPARED_PER_PAGE)
    sheet.set_v_pagebreaks([1 + 3 * index for index in breaks])


def _charts(book: Any, document: Document, columns: dict[str, tuple[str, int]]) -> None:
    sheet = book.add_worksheet("Biểu đồ")
    count = len(document["members"])
    labels = {i["code"]: i for i in document["indicators"]}
    charted = ("fdi_registered_capital", "workers")
    for place, code in enumerate(charted):
        sheet_name, col = columns[code]
        chart = book.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": labels[code]["label"],
                "categories": [sheet_name, 3, 0, 2 + count, 0],
                "values": [sheet_name, 3, col, 2 + count, col],
                "fill": {"color": "#2E75B6"},
            }
        )
        chart.set_title({"name": f"{labels[code]['label']} ({labels[code]['unit']})"})
        chart.set_legend({"none": True})
        chart.set_y_axis({"reverse": True})
        chart.set_x_axis({"num_format": COUNT_FORMAT})
        chart.set_size({"width": 860, "height": 520})
        sheet.insert_chart(1 + place * CHART_ROWS, 1, chart)
    _printable_charts(sheet, len(charted))


def _printable_charts(sheet: Any, charts: int) -> None:
    """One chart a landscape A4 page, at full size: a break after each, and no fitting to the
    page, which spreadsheet programs let override the breaks."""
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.set_h_pagebreaks([place * CHART_ROWS for place in range(1, charts)])


def _sources_sheet(book: Any, styles: dict[str, Any], document: Document) -> None:
    sheet = book.add_worksheet("Nguồn")
    sheet.write(0, 0, "Các tệp báo cáo đã tổng hợp", styles["title"])
    for col, title in enumerate(["Tệp", "SHA-256", "Thành viên"]):
        sheet.write(1, col, title, styles["header"])
    row = 2
    for source in document["sources"]:
        sheet.write_row(row, 0, [source["file"], source["sha256"], source["member"]])
        sheet.set_row(row, 30, styles["wrap"])
        row += 1
    row = _superseded(sheet, styles, document, row)
    row += 1
    sheet.write(row, 0, "Nguồn của từng số liệu", styles["title"])
    row += 1
    titles = ["Thành viên", "Mã", "Chỉ tiêu", "Tệp", "Trang và ô", "Giá trị"]
    for col, title in enumerate(titles):
        sheet.write(row, col, title, styles["header"])
    header_row = row
    shown = {i["code"]: (i["label"], styles[number_kind(i)]) for i in document["indicators"]}
    text, number = sheet.write_string, sheet.write_number  # 6 cells a figure: the most cells
    for source in document["sources"]:
        member, file, values = (
            source["member"],
            source["file"],
            document["provinces"][source["member"]],
        )
        for code, where in source["cells"].items():
            row += 1
            label, style = shown[code]
            for col, value in enumerate((member, code, label, file, where)):
                text(row, col, value)
            number(row, 5, float(values[code]), style)
    sheet.set_column(0, 0, 26)
    sheet.set_column(1, 1, 34)  # a SHA-256 on two lines keeps the page readable
    sheet.set_column(2, 2, 44)
    sheet.set_column(3, 3, 26)
    sheet.set_column(4, 5, 14)
    printable(sheet, 0)
    sheet.repeat_rows(header_row)


def _superseded(sheet: Any, styles: dict[str, Any], document: Document, row: int) -> int:
    """The workbooks `aggregate --latest` left out for a member's latest; the next free row."""
    superseded = document.get("superseded") or []
    if not superseded:
        return row
    row += 1
    sheet.write(row, 0, "Các tệp không tổng hợp (đã có bản nhận sau)", styles["title"])
    row += 1
    titles = ["Tệp", "SHA-256", "Thành viên", "Nhận lúc", "Thay bằng"]
    for col, title in enumerate(titles):
        sheet.write(row, col, title, styles["header"])
    for entry in superseded:
        row += 1
        received = format_datetime(dt.datetime.fromisoformat(entry["received"]))
        values = [entry["file"], entry["sha256"], entry["member"], received, entry["replaced_by"]]
        sheet.write_row(row, 0, values)
        sheet.set_row(row, 30, styles["wrap"])
    return row + 1
