"""The scoring workbook (`cham-diem-<year>.xlsx`): the score sheet, the proposal, the
adjustments in force (the clerk edits them and passes the file back) and every point's source."""

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ipstat.bloc.document import Document
from ipstat.outputs.consolidated import printable
from ipstat.reading.adjustments import Adjustment
from ipstat.reading.formatting import format_exact, format_number

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


def inputs_text(inputs: dict[str, Decimal | None]) -> str:
    """`thực hiện 230,5; kế hoạch 200; đạt (%) 115,25`."""
    return "; ".join(
        f"{INPUTS.get(name, name)} {'–' if value is None else format_exact(value)}"
        for name, value in inputs.items()
    )


def write_score_workbook(path: Path, document: Document, held: Sequence[Adjustment] = ()) -> None:
    """`held`: adjustments of members not scored (no yearly workbook), kept in `Điều chỉnh`."""
    import xlsxwriter  # noqa: PLC0415

    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    places = int(document["table"]["places"])
    points = "#,##0" + ("." + "0" * places if places else "")
    styles = {
        "title": book.add_format({"bold": True, "font_size": 13}),
        "header": book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
        ),
        "group": book.add_format({"bold": True}),
        "points": book.add_format({"num_format": points}),
        "adjusted": book.add_format({"num_format": points, "bg_color": "#FFF2CC"}),
        "total": book.add_format({"num_format": points, "bold": True, "top": 1}),
        "bold": book.add_format({"bold": True}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }
    _scores(book, styles, document)
    _proposal(book, styles, document)
    _adjustments(book, styles, document, held)
    _sources(book, styles, document)
    book.close()


def _scores(book: Any, styles: dict[str, Any], document: Document) -> None:
    sheet = book.add_worksheet("Bảng điểm")
    table, members = document["table"], document["members"]
    names = list(members)
    sheet.write(0, 0, f"{table['name']} – năm {document['year']}".upper(), styles["title"])
    header = ["Mã", "Tiêu chí", "Phương pháp", "Điểm tối đa", *names]
    for column, title in enumerate(header):
        sheet.write(2, column, title, styles["header"])
    row = 2
    for group in table["groups"]:
        row += 1
        sheet.write(row, 0, group["code"], styles["group"])
        sheet.write(row, 1, group["label"], styles["group"])
        for criterion in (c for c in table["criteria"] if c["group"] == group["code"]):
            row += 1
            sheet.write(row, 0, criterion["code"])
            sheet.write(row, 1, criterion["label"], styles["wrap"])
            sheet.write(row, 2, METHODS[criterion["method"]])
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
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, 48)
    sheet.set_column(2, 2, 18)
    sheet.set_column(3, 3 + len(names), 11)
    sheet.freeze_panes(3, 4)
    printable(sheet, 3)


def _proposal(book: Any, styles: dict[str, Any], document: Document) -> None:
    sheet = book.add_worksheet("Đề nghị khen thưởng")
    members, places = document["members"], int(document["table"]["places"])
    sheet.write(0, 0, f"ĐỀ NGHỊ KHEN THƯỞNG NĂM {document['year']}", styles["title"])
    header = ["Danh hiệu", "Số lượng tối đa", "Điểm tối thiểu", "Đề nghị", "Đồng điểm", "Còn lại"]
    for column, title in enumerate(header):
        sheet.write(2, column, title, styles["header"])

    def listing(names: list[str]) -> str:
        return "\n".join(
            f"{n} ({format_number(members[n]['total'], places, fixed=True)} điểm)" for n in names
        )

    for row, award in enumerate(document["awards"], start=3):
        sheet.write(row, 0, award["name"], styles["bold"])
        sheet.write_number(row, 1, award["max_count"])
        sheet.write_number(row, 2, float(award["min_points"]))
        sheet.write(row, 3, listing(award["members"]), styles["wrap"])
        tied = listing(award["tied"])
        sheet.write(row, 4, f"{tied}\n(đề nghị Khối biểu quyết)" if tied else "", styles["wrap"])
        sheet.write_number(row, 5, award["places_left"])
    sheet.write(
        4 + len(document["awards"]),
        0,
        "Đây là đề nghị theo kết quả chấm điểm; Khối biểu quyết tại Hội nghị tổng kết.",
    )
    for column, width in enumerate((18, 10, 10, 40, 40, 10)):
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
        "Điều chỉnh điểm của Thường trực Khối (ghi thêm dòng, rồi chạy lại "
        "`ipstat score … --adjustments` với tệp này)",
        styles["bold"],
    )
    for column, title in enumerate(ADJUSTMENT_HEADER):
        sheet.write(2, column, title, styles["header"])
    row = 2
    for name, member in document["members"].items():
        for code, point in member["criteria"].items():
            if point["adjustment"]:
                row += 1
                sheet.write(row, 0, name)
                sheet.write(row, 1, code)
                sheet.write_number(row, 2, float(point["adjustment"]["points"]), styles["points"])
                sheet.write(row, 3, point["adjustment"]["reason"])
    for adjustment in held:
        row += 1
        sheet.write(row, 0, adjustment.member)
        sheet.write(row, 1, adjustment.criterion)
        sheet.write_number(row, 2, float(adjustment.points), styles["points"])
        sheet.write(row, 3, adjustment.reason)
    for column, width in enumerate((16, 12, 10, 60)):
        sheet.set_column(column, column, width)
    printable(sheet, 3)


def _sources(book: Any, styles: dict[str, Any], document: Document) -> None:
    sheet = book.add_worksheet("Nguồn")
    sheet.write(0, 0, "Nguồn của từng điểm: đầu vào, tệp và ô", styles["title"])
    header = ["Thành viên", "Mã tiêu chí", "Phương pháp", "Điểm", "Đầu vào", "Tệp › ô", "Lý do"]
    for column, title in enumerate(header):
        sheet.write(2, column, title, styles["header"])
    row = 2
    for name, member in document["members"].items():
        for code, point in member["criteria"].items():
            row += 1
            adjustment = point["adjustment"]
            sheet.write(row, 0, name)
            sheet.write(row, 1, code)
            sheet.write(row, 2, METHODS[point["method"]])
            style = styles["adjusted" if adjustment else "points"]
            sheet.write_number(row, 3, float(point["points"]), style)
            sheet.write(row, 4, inputs_text(point["inputs"]))
            sources = "; ".join(
                f"{INPUTS.get(k, 'điều chỉnh')}: {v}" for k, v in point["sources"].items()
            )
            sheet.write(row, 5, sources)
            sheet.write(row, 6, adjustment["reason"] if adjustment else "")
    for column, width in enumerate((16, 10, 22, 10, 50, 60, 40)):
        sheet.set_column(column, column, width)
    sheet.freeze_panes(3, 2)
    printable(sheet, 3)
