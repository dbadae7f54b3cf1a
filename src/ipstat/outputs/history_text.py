"""The series across years in words: a Jinja2 template over the trends, like the report's.

The shipped template is `templates/lich-su.md.j2`; an analyst's own is rendered in the same
sandboxed environment with the same number filters (`so`, `phan_tram`, `noi`).
"""

from decimal import Decimal
from pathlib import Path
from typing import Any

from ipstat.bloc.history import History, MemberGrowth, Trend, trends
from ipstat.outputs.render import _join_vi, merger_notes, render_template
from ipstat.resources import data_dir

HISTORY_TEMPLATE = "lich-su.md.j2"


def render_history(history: History, template: Path | None = None) -> str:
    path = template or data_dir("templates") / HISTORY_TEMPLATE
    return render_template(path, history_context(history))


def lower_first(label: str) -> str:
    """`Vốn đăng ký …` → `vốn đăng ký …` inside a sentence; an acronym (`KCN …`) stays."""
    word = label.split(" ", 1)[0]
    if len(word) > 1 and word.isupper():
        return label
    return label[:1].lower() + label[1:]


def direction(change: Decimal | None) -> str:
    if change is None or change == 0:
        return "không đổi"
    return "tăng" if change > 0 else "giảm"


def _member(growth: MemberGrowth | None) -> dict[str, Any] | None:
    if growth is None or growth.growth is None:
        return None
    return {
        "ten": growth.member,
        "huong": direction(growth.growth),
        "binh_quan": abs(growth.growth),
        "so_dau": growth.first,
        "so_cuoi": growth.last,
    }


def _trend(trend: Trend, indicator: dict[str, Any]) -> dict[str, Any]:
    ranked = trend.members
    return {
        "ma": trend.code,
        "ten": lower_first(str(indicator["label"])),
        "don_vi": indicator["unit"],
        "dau": trend.first_year,
        "cuoi": trend.last_year,
        "so_dau": trend.first,
        "so_cuoi": trend.last,
        "huong": direction(trend.change),
        "thay_doi": abs(trend.change),
        "thay_doi_phan_tram": None if trend.change_percent is None else abs(trend.change_percent),
        "binh_quan": None if trend.growth is None else abs(trend.growth),
        "nhanh_nhat": _member(ranked[0]) if len(ranked) >= 2 else None,
        "cham_nhat": _member(ranked[-1]) if len(ranked) >= 2 else None,
    }


def history_context(history: History) -> dict[str, Any]:
    """Plain values for the template; figures stay `Decimal` for the filters to round once."""
    labels = history.by_code()
    labels.update({d["code"]: d for d in history.derived_indicators})
    span = history.span
    mapped_years = history.mapped_years
    years_text = _join_vi(mapped_years)
    notes = (
        merger_notes(
            {"previous_year": years_text, "merged": history.merged, "absorbed": history.absorbed}
        )
        if history.merged
        else []
    )
    blocs = list(dict.fromkeys(d.bloc for d in history.documents))
    codes = [str(i["code"]) for i in history.indicators]
    return {
        "khoi": history.bloc or history.documents[-1].bloc,
        "dau": span[0],
        "cuoi": span[-1],
        "nam": history.years,
        "cac_nam": span,
        "thieu_nam": history.gaps,
        "nam_quy_doi": mapped_years,
        "quy_doi": notes,
        "khac_khoi": blocs if history.bloc is None and len(blocs) > 1 else [],
        "chua_gui": {d.year: list(d.missing) for d in history.documents if d.missing},
        "chinh": history.headline,
        "chi_tieu": labels,
        "t": {y: {c: history.totals.get(y, {}).get(c) for c in codes} for y in span},
        "d": {
            y: {
                d["code"]: history.derived.get(y, {}).get(d["code"])
                for d in history.derived_indicators
            }
            for y in span
        },
        "xu_huong": [_trend(t, labels[t.code]) for t in trends(history)],
        "tai_lieu": history.documents,
    }
