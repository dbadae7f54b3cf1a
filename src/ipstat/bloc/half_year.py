"""The year against its own first six months (`aggregate --half-year`): the share of the year
that the first half made for the headline flows, and each member whose yearly flow is below its
half-year figure. A flow cannot shrink within a year, so that is a slip: most often a unit, or
the half-year's figures sent again as the year's. Stocks (form.toml `measure`) are not compared:
a stock may well be lower at 31/12 than at 30/6.

Like with like, as year over year: the shares are over the members with figures in both.
"""

from decimal import Decimal
from pathlib import Path
from typing import Any

from ipstat.base.findings import Finding
from ipstat.base.formatting import format_exact
from ipstat.base.numbers import plain
from ipstat.base.periods import HALF_YEAR, span
from ipstat.base.visible import encodable
from ipstat.bloc.document import (
    Document,
    DocumentError,
    document_name,
    read_document,
    require_period,
)
from ipstat.bloc.totals import Aggregate, percent
from ipstat.contract.model import Contract


def read_half_year(path: Path) -> Document:
    """`--half-year DOC`: a half-year aggregate document, or a clear error saying what it is."""
    return require_period(read_document(path), path, HALF_YEAR, "--half-year")


def compare_half_year(
    agg: Aggregate, half: Document, path: Path, contract: Contract
) -> tuple[dict[str, Any], list[Finding]]:
    """The `half_year` part of the yearly document, and the `year-below-half-year` warnings."""
    if int(half["year"]) != agg.year:
        raise DocumentError(
            f"{path} là tệp tổng hợp {span(HALF_YEAR, int(half['year']))}, không phải của năm "
            f"{agg.year} đang tổng hợp; hãy chọn tệp {document_name(agg.year, HALF_YEAR)}."
        )
    first: dict[str, dict[str, Decimal]] = {
        member: {code: Decimal(value) for code, value in figures.items()}
        for member, figures in half["provinces"].items()
    }
    compared = [member for member in agg.members if member in first]
    flows = contract.form.flows
    shares: dict[str, dict[str, Decimal | None]] = {}
    for code in (c for c in contract.comparison.headline if c in flows):
        if not compared or any(code not in first[member] for member in compared):
            continue  # a document of another form that lacks the figure: nothing to say
        part = sum((first[member][code] for member in compared), Decimal(0))
        whole = sum((agg.provinces[member][code] for member in compared), Decimal(0))
        shares[code] = {"half_year": part, "year": whole, "share_percent": percent(part, whole)}
    found = {
        "file": encodable(path.name),
        "year": agg.year,
        "compared": compared,
        "only_year": [member for member in agg.members if member not in first],
        "only_half_year": [member for member in first if member not in agg.provinces],
        "shares": shares,
    }
    return found, _below(agg, first, compared, path, contract)


def _below(
    agg: Aggregate,
    first: dict[str, dict[str, Decimal]],
    compared: list[str],
    path: Path,
    contract: Contract,
) -> list[Finding]:
    """`year-below-half-year` for each member and flow whose year is below its first half,
    on the yearly workbook's cell, naming both figures."""
    labels = contract.form.by_code
    sources = {s.member: s for s in agg.sources}
    findings = []
    for member in compared:
        for code in contract.form.flows:
            half, year = first[member].get(code), agg.provinces[member][code]
            if half is None or year >= half:
                continue
            unit = labels[code].unit
            findings.append(
                sources[member].finding(
                    code,
                    "year-below-half-year",
                    f"{labels[code].label} cả năm {agg.year} của {member} là "
                    f"{format_exact(year)} {unit}, nhỏ hơn số 6 tháng đầu năm "
                    f"({format_exact(half)} {unit}, theo {encodable(path.name)}); số phát sinh "
                    "cả năm không thể nhỏ hơn số 6 tháng đầu năm: hãy kiểm tra đơn vị tính, và "
                    "xem biểu đã gửi có phải là số liệu cả năm không.",
                    (("value", plain(year)), ("half_year", plain(half))),
                    contract.severity("year-below-half-year"),
                )
            )
    return findings
