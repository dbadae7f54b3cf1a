"""Make sample_data/2016/: 11 members' workbooks whose bloc totals are the published 2016 figures.

The published totals (../shared/reference/khoi-thi-dua-dbsh-2016.txt) are split between members by
fixed shares (Hà Nội, Bắc Ninh, Hải Phòng large), with the largest-remainder method, so every split
adds up exactly. Zone counts are set by hand so that each member's own figures pass every rule.

Run: .venv/bin/python scripts/make_sample.py [OUT_DIR]
"""

import sys
from decimal import Decimal
from pathlib import Path

from ipstat.contract.model import Contract, load_contract
from ipstat.outputs.forms import build_form, form_filename

YEAR = 2016

# Published bloc totals for 2016.
TOTALS: dict[str, str] = {
    "fdi_new_projects": "257",
    "fdi_new_capital": "4841.2",
    "ddi_new_projects": "118",
    "ddi_new_capital": "33009.6",
    "fdi_adjusted_projects": "742",
    "ddi_adjusted_projects": "186",
    "fdi_added_capital": "1550.3",
    "ddi_added_capital": "9766.8",
    "fdi_active_projects": "2034",
    "ddi_active_projects": "1611",
    "fdi_registered_capital": "41552.9",
    "ddi_registered_capital": "255854.2",
    "fdi_disbursed_year": "2367.4",
    "ddi_disbursed_year": "8849.3",
    "fdi_disbursed_total": "23255.3",
    "ddi_disbursed_total": "117412.5",
    "zones_planned_area": "46063.9",
    "zones_operating_area": "14085.4",
    "zones_building_area": "9204.8",
    "revenue_usd": "46643.5",
    "revenue_vnd": "129873",
    "export_usd": "38277.8",
    "export_vnd": "20525.3",
    "import_usd": "28799.2",
    "import_vnd": "21752.5",
    "budget_usd": "1423.3",
    "budget_vnd": "6826.5",
    "workers": "771112",
}

MEMBERS = [
    "Vĩnh Phúc", "Ninh Bình", "Hà Nam", "Hải Dương", "Hưng Yên", "Nam Định",
    "Thái Bình", "Hà Nội", "Bắc Ninh", "Quảng Ninh", "Hải Phòng",
]  # fmt: skip

# Shares in thousandths, in MEMBERS order: foreign investment, domestic investment.
SHARES_FDI = [90, 30, 45, 85, 70, 25, 20, 230, 200, 45, 160]
SHARES_DDI = [80, 60, 70, 90, 85, 55, 50, 190, 120, 80, 120]

# Zones by member (MEMBERS order): planned, operating, building, with a wastewater plant.
ZONES = {
    "zones_planned": [18, 7, 8, 18, 13, 10, 9, 15, 15, 10, 12],
    "zones_operating": [6, 4, 5, 10, 6, 3, 4, 8, 9, 3, 7],
    "zones_building": [3, 2, 3, 3, 4, 2, 2, 3, 3, 2, 2],
    "zones_with_wwtp": [5, 3, 4, 9, 5, 3, 3, 8, 8, 1, 5],
}
AREA_WEIGHTS = {
    "zones_planned_area": "zones_planned",
    "zones_operating_area": "zones_operating",
    "zones_building_area": "zones_building",
}


def split(total: Decimal, weights: list[int], quantum: Decimal) -> list[Decimal]:
    """Largest-remainder split of `total` into multiples of `quantum` that add up exactly."""
    units = int(total / quantum)
    whole = sum(weights)
    raw = [Decimal(units * w) / whole for w in weights]
    parts = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in by_remainder[: units - sum(parts)]:
        parts[i] += 1
    return [p * quantum for p in parts]


def member_values(contract: Contract) -> list[dict[str, Decimal]]:
    columns: dict[str, list[Decimal]] = {c: [Decimal(v) for v in vs] for c, vs in ZONES.items()}
    for code, total in TOTALS.items():
        indicator = contract.form.by_code[code]
        quantum = Decimal(1) if indicator.is_count else Decimal("0.01")
        if code in AREA_WEIGHTS:
            weights = ZONES[AREA_WEIGHTS[code]]
        else:
            weights = SHARES_DDI if code.startswith("ddi_") or code.endswith("_vnd") else SHARES_FDI
        columns[code] = split(Decimal(total), weights, quantum)
    return [{code: column[i] for code, column in columns.items()} for i in range(len(MEMBERS))]


def main(out: Path) -> None:
    contract = load_contract()
    out.mkdir(parents=True, exist_ok=True)
    for name, values in zip(MEMBERS, member_values(contract), strict=True):
        member = next(m for m in contract.bloc.members if m.name == name)
        book = build_form(contract, YEAR, member)
        info = book[contract.form.info_sheet.name]
        for row in info.iter_rows(min_row=1):
            if row[0].value == "ngay_lap":
                row[2].value = "15/01/2017"
            elif row[0].value == "nguoi_lap":
                row[2].value = "Phòng Quản lý doanh nghiệp"
        figures = book[contract.form.figures_sheet.name]
        for row in figures.iter_rows(min_row=1):
            code = row[0].value
            if isinstance(code, str) and code in values:
                value = values[code]
                row[3].value = int(value) if value == value.to_integral_value() else float(value)
        path = out / form_filename(YEAR, member)
        book.save(path)
        print(f"wrote {path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("sample_data") / str(YEAR))
