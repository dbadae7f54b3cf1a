"""Make sample_data/2016-6-thang/: the first six months of 2016 for the 11 members, from the
yearly sample (sample_data/2016, scripts/make_sample.py), for the README's walk-through of the
six-month review (sơ kết).

Plausible, not published, figures. Flows (form.toml `measure = "flow"`) are a fixed share of
each member's year, 40–55%, so the year is never below its first half. Stocks are as at 30
June: the projects and capital registered in the second half are taken off the year-end stock,
as are the second half's disbursements; zones are as at the year's end; workers a little fewer.
Every member's figures pass every rule. The `ky` row says `6 tháng`, as the form writes it.

Run: .venv/bin/python scripts/make_half_year_sample.py [YEARLY_DIR [OUT_DIR]]
"""

import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from ipstat.base.periods import HALF_YEAR
from ipstat.contract.model import Contract, load_contract
from ipstat.outputs.forms import build_form, form_filename
from ipstat.reading.submission import read_submission

YEAR = 2016

# The share of each member's yearly flows made in the first half, by member (bloc order).
SHARES = {
    "Vĩnh Phúc": "0.46",
    "Ninh Bình": "0.42",
    "Hà Nam": "0.48",
    "Hải Dương": "0.51",
    "Hưng Yên": "0.44",
    "Nam Định": "0.40",
    "Thái Bình": "0.47",
    "Hà Nội": "0.45",
    "Bắc Ninh": "0.49",
    "Quảng Ninh": "0.43",
    "Hải Phòng": "0.55",
}
WORKERS_IN_JUNE = Decimal("0.97")  # of the year-end workforce
# Stocks as at 30 June: the year-end stock less what the second half added to it.
SECOND_HALF = {
    "fdi_active_projects": ("fdi_new_projects",),
    "ddi_active_projects": ("ddi_new_projects",),
    "fdi_registered_capital": ("fdi_new_capital", "fdi_added_capital"),
    "ddi_registered_capital": ("ddi_new_capital", "ddi_added_capital"),
    "fdi_disbursed_total": ("fdi_disbursed_year",),
    "ddi_disbursed_total": ("ddi_disbursed_year",),
}


def rounded(value: Decimal, count: bool) -> Decimal:
    return value.quantize(Decimal(1) if count else Decimal("0.01"), ROUND_HALF_UP)


def half_year(year: dict[str, Decimal], share: Decimal, contract: Contract) -> dict[str, Decimal]:
    form = contract.form
    half: dict[str, Decimal] = {}
    for code in form.flows:
        count = form.by_code[code].is_count
        value = rounded(year[code] * share, count)
        half[code] = max(value, Decimal(1)) if count and year[code] > 0 else value
    for indicator in form.indicators:
        code = indicator.code
        if indicator.is_flow:
            continue
        value = year[code]
        for flow in SECOND_HALF.get(code, ()):
            value -= year[flow] - half[flow]
        if code == "workers":
            value = rounded(value * WORKERS_IN_JUNE, count=True)
        half[code] = value
    return half


def main(source: Path, out: Path) -> None:
    contract = load_contract()
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.xlsx")):
        submission, _ = read_submission(path, contract)
        assert submission is not None and submission.member is not None, path
        member = contract.bloc.member(submission.member)
        values = half_year(submission.values(), Decimal(SHARES[member.name]), contract)
        book = build_form(contract, YEAR, member, period=HALF_YEAR)
        for row in book[contract.form.info_sheet.name].iter_rows(min_row=1):
            if row[0].value == "ngay_lap":
                row[2].value = "15/07/2016"
            elif row[0].value == "nguoi_lap":
                row[2].value = "Phòng Quản lý doanh nghiệp"
        for row in book[contract.form.figures_sheet.name].iter_rows(min_row=1):
            code = row[0].value
            if isinstance(code, str) and code in values:
                value = values[code]
                row[3].value = int(value) if value == value.to_integral_value() else float(value)
        target = out / form_filename(YEAR, member, HALF_YEAR)
        book.save(target)
        print(f"wrote {target}")


if __name__ == "__main__":
    arguments = [Path(a) for a in sys.argv[1:]]
    main(
        arguments[0] if arguments else Path("sample_data") / str(YEAR),
        arguments[1] if len(arguments) > 1 else Path("sample_data") / f"{YEAR}-6-thang",
    )
