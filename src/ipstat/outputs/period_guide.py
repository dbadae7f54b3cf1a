"""What the half-year form tells a member that the year's does not: its period row is kept as
it is, and which figures are the first six months' and which are as at 30 June, said from the
form's own `measure` of each indicator (`schemas/form.toml`), never from a list in the code."""

from ipstat.base.periods import closing, span
from ipstat.contract.model import Contract


def half_year_steps(contract: Contract, year: int, period: str) -> list[str]:
    """What the half-year form asks that the year's does not: the period row kept as it is,
    and which figures are the six months' and which are as at 30 June (form.toml `measure`)."""
    form = contract.form
    field = form.period_field
    keep = f", giữ nguyên kỳ báo cáo “{form.period(period).label}”" if field else ""
    flows, stocks = measures(contract)
    return [
        f"Trang “{form.info_sheet.name}”: điền tên tỉnh/thành phố, năm báo cáo ({year}) và "
        f"người lập biểu{keep}.",
        f"Số phát sinh trong kỳ ghi số của {span(period, year)} (từ 1/1 đến "
        f"{closing(period, year)}): {flows}.",
        f"Số lũy kế, số hiện có ghi số tại ngày {closing(period, year)}: {stocks}.",
    ]


def measures(contract: Contract) -> tuple[str, str]:
    """The flows and the stocks in words, section by section: `mục A; mục D (trừ “Số lao động
    đang làm việc”)`, and the exceptions by name on the other side."""
    said: dict[bool, list[str]] = {True: [], False: []}
    for section in contract.form.sections:
        members = [i for i in contract.form.indicators if i.section == section.id]
        flows = [i for i in members if i.is_flow]
        most = len(flows) * 2 >= len(members)
        fewer = [i for i in members if i.is_flow != most]
        but = f" (trừ {', '.join(f'“{i.label}”' for i in fewer)})" if fewer else ""
        said[most].append(f"mục {section.id}{but}")
        said[not most].extend(f"“{i.label}”" for i in fewer)
    return "; ".join(said[True]) or "không có", "; ".join(said[False]) or "không có"
