"""The scoring workbook (`cham-diem-<year>.xlsx`): the score sheet, the proposal, the
adjustments in force (the clerk edits them and passes the file back) and every point's source."""

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ipstat.base.formatting import format_exact, format_number
from ipstat.bloc.document import Document
from ipstat.outputs.cells import xlsx_book
from ipstat.outputs.consolidated import printable
from ipstat.outputs.paper import wrapped_height
from ipstat.reading.adjustments import Adjustment

METHODS = {
    "plan": "Kế hoạch đăng ký",
    "growth": "Tăng trưởng so với năm trước",
    "self": "Tự chấm",
    "manual": "Thường trực Khối chấm",
}
INPUTS = {
    "actual": "thực hiện",
    "plan": "kế hoạch",
    "ratio": "đạt (%)",
    "previous": "năm trước",
    "growth": "tăng trưởng (%)",
    "self": "tự chấm",
}
ADJUSTMENT_HEADER = ("Thành viên", "Mã tiêu chí", "Điểm", "Lý do")
SCORE_WIDTHS = (8, 48, 26, 11)  # Mã, Tiêu chí, Phương pháp, then each points column
PROPOSAL_WIDTHS = (18, 10, 10, 40, 40, 10)
ADJUSTMENT_WIDTHS = (16, 12, 10, 60)
SOURCE_WIDTHS = (16, 10, 24, 10, 34, 40, 24)  # long texts wrap: one landscape page wide


def inputs_text(inputs: dict[str, Decimal | None]) -> str:
    """`thực hiện 230,5; kế hoạch 200; đạt (%) 115,25`."""
    return "; ".join(
        f"{INPUTS.get(name, name)} {'–' if value is None else format_exact(value)}"
        for name, value in inputs.items()
    )


def write_score_workbook(path: Path, document: Document, held: Sequence[Adjustment] = ()) -> None:
    """`held`: adjustments of members not scored (no yearly workbook), kept in `Điều chỉnh`."""
    book = xlsx_book(path)  # names and reasons come from input: text, never formulas or links
    places = int(document["table"]["places"])
    points = "#,##0" + ("." + "0" * places if places else "")
    styles = {
        "title": book.add_format({"bold": True, "font_size": 13}),
        "header": book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        ),
        "group": book.add_format({"bold": True}),
        "top": book.add_format({"valign": "top"}),
        "points": book.add_format({"num_format": points, "valign": "top"}),
        "adjusted": book.add_format({"num_format": points, "bg_color": "#FFF2CC", "valign": "top"}),
        "total": book.add_format({"num_format": points, "bold": True, "top": 1}),
        "bold": book.add_format({"bold": True}),
        "bold_top": book.add_format({"bold": True, "valign": "top"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }
    _scores(book, styles, document)
    _proposal(book, styles, document)
    _adjustments(book, styles, document, held)
    _sources(book, styles, document)
    book.close()


def _fit_row(sheet: Any, row: int, texts: list[tuple[str, float]]) -> None:
    """XlsxWriter sets no row height, and a spreadsheet program sizes rows only as text is
    typed: a wrapped label would print over the row below."""
    height = wrapped_height(texts)
    if height is not None:
        sheet.set_row(row, height)


def _header(sheet: Any, style: Any, titles: list[str], widths: Sequence[float]) -> None:
    for column, title in enumerate(titles):
        sheet.write(2, column, title, style)
    _fit_row(sheet, 2, list(zip(titles, widths, strict=True)))


def _scores(book: Any, styles: dict[str, Any], document: Document) -> None:
    sheet = book.add_worksheet("Bảng điểm")
    table, members = document["table"], document["members"]
    names = list(members)
    sheet.write(0, 0, f"{table['name']} – năm {document['year']}".upper(), styles["title"])
    header = ["Mã", "Tiêu chí", "Phương pháp", "Điểm tối đa", *names]
    widths = [*SCORE_WIDTHS[:3], *[SCORE_WIDTHS[3]] * (1 + len(names))]
    _header(sheet, styles["header"], header, widths)
    row = 2
    for group in table["groups"]:
        row += 1
        sheet.write(row, 0, group["code"], styles["group"])
        sheet.write(row, 1, group["label"], styles["group"])
        for criterion in (c for c in table["criteria"] if c["group"] == group["code"]):
            row += 1
            method = METHODS[criterion["method"]]
            sheet.write(row, 0, criterion["code"], styles["top"])
            sheet.write(row, 1, criterion["label"], styles["wrap"])
            sheet.write(row, 2, method, styles["wrap"])
            _fit_row(sheet, row, [(criterion["label"], widths[1]), (method, widths[2])])
            sheet.write_number(row, 3, float(criterion["max"]), styles["points"])
            for column, name in enumerate(names, start=4):
                point = members[name]["criteria"][criterion["code"]]
                adjustment = point["adjustment"]
                style = styles["adjusted" if adjustment else "points"]
                sheet.write_number(row, column, float(point["points"]), style)
                if adjustment:
                    sheet.write_comment(
                        row, column, f"Điều chỉnh của Thường trực Khối: {adjustment['reason']}"
                    )
    row += 1
    sheet.write(row, 1, "Tổng điểm", styles["bold"])
    sheet.write_number(row, 3, float(table["total_max"]), styles["total"])
    for column, name in enumerate(names, start=4):
        sheet.write_number(row, column, float(members[name]["total"]), styles["total"])
    row += 1
    sheet.write(row, 1, "Xếp hạng", styles["bold"])
    for column, name in enumerate(names, start=4):
        sheet.write_number(row, column, members[name]["rank"], styles["bold"])
    if any(p["adjustment"] for m in members.values() for p in m["criteria"].values()):
        sheet.write(row + 2, 1, "Ô tô vàng: điểm do Thường trực Khối điều chỉnh (xem ghi chú ô).")
    for column, width in enumerate(widths):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(3, 4)
    printable(sheet, 3)


def _proposal(book: Any, styles: dict[str, Any], document: Document) -> None:
    sheet = book.add_worksheet("Đề nghị khen thưởng")
    members, places = document["members"], int(document["table"]["places"])
    sheet.write(0, 0, f"ĐỀ NGHỊ KHEN THƯỞNG NĂM {document['year']}", styles["title"])
    header = ["Danh hiệu", "Số lượng tối đa", "Điểm tối thiểu", "Đề nghị", "Đồng điểm", "Còn lại"]
    _header(sheet, styles["header"], header, list(PROPOSAL_WIDTHS))

    def listing(names: list[str]) -> str:
        return "\n".join(
            f"{n} ({format_number(members[n]['total'], places, fixed=True)} điểm)" for n in names
        )

    for row, award in enumerate(document["awards"], start=3):
        sheet.write(row, 0, award["name"], styles["bold_top"])
        sheet.write_number(row, 1, award["max_count"], styles["top"])
        sheet.write_number(row, 2, float(award["min_points"]), styles["points"])
        proposed, tied = listing(award["members"]), listing(award["tied"])
        tied = f"{tied}\n(đề nghị Khối biểu quyết)" if tied else ""
        sheet.write(row, 3, proposed, styles["wrap"])
        sheet.write(row, 4, tied, styles["wrap"])
        sheet.write_number(row, 5, award["places_left"], styles["top"])
        _fit_row(sheet, row, [(proposed, PROPOSAL_WIDTHS[3]), (tied, PROPOSAL_WIDTHS[4])])
    sheet.write(
        4 + len(document["awards"]),
        0,
        "Đây là đề nghị theo kết quả chấm điểm; Khối biểu quyết tại Hội nghị tổng kết.",
    )
    for column, width in enumerate(PROPOSAL_WIDTHS):
        sheet.set_column(column, column, width)
    printable(sheet, 3)


def _adjustments(
    book: Any, styles: dict[str, Any], document: Document, held: Sequence[Adjustment]
) -> None:
    """Laid out as `--adjustments` reads it: the header row, then one row per adjustment, those
    in force and then those `held` until the member is scored."""
    sheet = book.add_worksheet("Điều chỉnh")
    sheet.write(
        0,
        0,
        "Điều chỉnh điểm của Thường trực Khối (ghi thêm dòng, rồi chạy lại lệnh "
        "ipstat score … --adjustments với tệp này)",
        styles["bold"],
    )
    _header(sheet, styles["header"], list(ADJUSTMENT_HEADER), list(ADJUSTMENT_WIDTHS))
    rows = [
        (name, code, point["adjustment"]["points"], point["adjustment"]["reason"])
        for name, member in document["members"].items()
        for code, point in member["criteria"].items()
        if point["adjustment"]
    ]
    rows += [(a.member, a.criterion, a.points, a.reason) for a in held]
    for row, (name, code, points, reason) in enumerate(rows, start=3):
        sheet.write(row, 0, name, styles["top"])
        sheet.write(row, 1, code, styles["top"])
        sheet.write_number(row, 2, float(points), styles["points"])
        sheet.write(row, 3, reason, styles["wrap"])
        _fit_row(sheet, row, [(reason, ADJUSTMENT_WIDTHS[3])])
    for column, width in enumerate(ADJUSTMENT_WIDTHS):
        sheet.set_column(column, column, width)
    printable(sheet, 3)


def _sources(book: Any, styles: dict[str, Any], document: Document) -> None:
    sheet = book.add_worksheet("Nguồn")
    sheet.write(0, 0, "Nguồn của từng điểm: đầu vào, tệp và ô", styles["title"])
    header = ["Thành viên", "Mã tiêu chí", "Phương pháp", "Điểm", "Đầu vào", "Tệp › ô", "Lý do"]
    _header(sheet, styles["header"], header, list(SOURCE_WIDTHS))
    row = 2
    for name, member in document["members"].items():
        for code, point in member["criteria"].items():
            row += 1
            adjustment = point["adjustment"]
            style = styles["adjusted" if adjustment else "points"]
            sources = "; ".join(
                f"{INPUTS.get(k, 'điều chỉnh')}: {v}" for k, v in point["sources"].items()
            )
            texts = [
                name,
                code,
                METHODS[point["method"]],
                inputs_text(point["inputs"]),
                sources,
                adjustment["reason"] if adjustment else "",
            ]
            for column, text in zip((0, 1, 2, 4, 5, 6), texts, strict=True):
                sheet.write(row, column, text, styles["wrap"])
            sheet.write_number(row, 3, float(point["points"]), style)
            _fit_row(
                sheet,
                row,
                [(t, SOURCE_WIDTHS[c]) for c, t in zip((0, 1, 2, 4, 5, 6), texts, strict=True)],
            )
    for column, width in enumerate(SOURCE_WIDTHS):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(3, 2)
    printable(sheet, 3)
