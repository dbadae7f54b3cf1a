"""Make sample_data/thi-dua-2016/: what the emulation year needs besides the yearly figures, so
that the README's documents of the year run on a fresh clone.

- `nhan-ve/`: the 11 yearly workbooks of sample_data/2016 (the same figures), each with its
  self-scoring sheet filled in;
- `dang-ky/`: the 11 registrations of targets;
- `dieu-chinh-2016.xlsx`: the secretariat's points for the criterion it scores (III.1), and for
  the growth criteria (I.4–I.6), since the sample has no aggregate of 2015 to grow from.

The points are set so that the scoring gives what the bloc proposed for 2016
(../shared/reference/khoi-thi-dua-dbsh-2016.txt): flags for Hải Dương and Nam Định, Bằng khen
for six boards. Invented figures for a sample, not the members' own.

Run: .venv/bin/python scripts/make_emulation_sample.py [OUT_DIR]
"""

import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from make_sample import MEMBERS, YEAR, member_values

from ipstat.contract.model import load_contract
from ipstat.contract.scoring_table import load_scoring
from ipstat.outputs.cells import set_value
from ipstat.outputs.emulation_forms import (
    build_adjustment_form,
    build_registration_form,
    registration_filename,
)
from ipstat.outputs.forms import build_form, form_filename

# By member (MEMBERS order): plan completion (actual / registered plan), growth points
# (I.4, I.5, I.6), self-scores (II.1, II.2, II.3) and the secretariat's III.1.
COMPLETION = ["1", "1", "1", "1.25", "1", "1.25", "1", "0.8", "1", "1", "1"]
GROWTH = [
    (8, 8, 4), (6, 6, 3), (9, 9, 5), (10, 10, 5), (9, 8, 5), (10, "9.5", 5),
    (5, 6, 3), (8, 7, 4), (9, 8, 4), (7, 7, 4), (8, 7, 4),
]  # fmt: skip
SELF = [
    (13, 9, 4), (12, 7, 4), (14, 9, 5), (15, 10, 5), (14, 9, 5), (15, 10, 5),
    (12, 7, 3), (13, 8, 4), (14, 9, 4), (13, 8, 4), (13, 8, 4),
]  # fmt: skip
MANUAL = [10, 5, 10, 10, 10, 10, 5, 5, 10, 9, 10]
GROWTH_REASON = (
    "Chưa có tệp tổng hợp năm 2015; điểm tăng trưởng theo số liệu thành viên báo cáo, "
    "Thường trực Khối đã đối chiếu"
)
MANUAL_REASONS = {10: "Gửi báo cáo, đăng ký thi đua đúng hạn, đầy đủ", 9: "Bản đăng ký gửi sau hạn"}
LATE = "Gửi báo cáo năm sau hạn"


def main(out: Path) -> None:
    contract = load_contract()
    table = load_scoring(contract)
    assert table is not None
    for folder in ("nhan-ve", "dang-ky"):
        (out / folder).mkdir(parents=True, exist_ok=True)
    growth_codes = [c.code for c in table.of_method("growth")]
    adjustments = build_adjustment_form(contract, table, YEAR)
    sheet = adjustments.active
    assert sheet is not None
    rows = {(r[0].value, r[1].value): r for r in sheet.iter_rows(min_row=4)}
    next_row = sheet.max_row + 1
    for index, (name, values) in enumerate(zip(MEMBERS, member_values(contract), strict=True)):
        member = next(m for m in contract.bloc.members if m.name == name)
        book = build_form(contract, YEAR, member, scoring=table)
        for row in book[contract.form.info_sheet.name].iter_rows():
            if row[0].value == "ngay_lap":
                set_value(row[2], "15/01/2017")
            elif row[0].value == "nguoi_lap":
                set_value(row[2], "Phòng Quản lý doanh nghiệp")
        for row in book[contract.form.figures_sheet.name].iter_rows():
            code = row[0].value
            if isinstance(code, str) and code in values:
                value = values[code]
                row[3].value = int(value) if value == value.to_integral_value() else float(value)
        scores = dict(zip(("II.1", "II.2", "II.3"), SELF[index], strict=True))
        for row in book[contract.form.self_score_sheet.name].iter_rows():
            if row[0].value in scores:
                row[3].value = scores[str(row[0].value)]
        book.save(out / "nhan-ve" / form_filename(YEAR, member))
        registration = build_registration_form(contract, table, YEAR, member)
        for row in registration[contract.form.registration_sheet.name].iter_rows():
            code = row[0].value
            if isinstance(code, str) and code in values:
                plan = (values[code] / Decimal(COMPLETION[index])).quantize(
                    Decimal("0.01"), ROUND_HALF_UP
                )
                row[3].value = float(plan)
        for row in registration[contract.form.info_sheet.name].iter_rows():
            if row[0].value == "ngay_lap":
                set_value(row[2], "15/02/2016")
        registration.save(out / "dang-ky" / registration_filename(YEAR, member))
        manual = rows[(name, "III.1")]
        manual[2].value = MANUAL[index]
        set_value(manual[3], MANUAL_REASONS.get(MANUAL[index], LATE))
        for code, points in zip(growth_codes, GROWTH[index], strict=True):
            cells = (name, code, float(Decimal(str(points))), GROWTH_REASON)
            for column, written in enumerate(cells, start=1):
                set_value(sheet.cell(row=next_row, column=column), written)
            next_row += 1
    adjustments.save(out / f"dieu-chinh-{YEAR}.xlsx")
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("sample_data") / f"thi-dua-{YEAR}")
