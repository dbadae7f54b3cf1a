"""The series across years in words: a Jinja2 template over the trends, like the report's.

The shipped template is `templates/lich-su.md.j2`; an analyst's own is rendered in the same
sandboxed environment with the same number filters (`so`, `phan_tram`, `noi`).
"""

from decimal import Decimal
from pathlib import Path
from typing import Any

from ipstat.base.formatting import format_percent
from ipstat.base.periods import words
from ipstat.base.resources import data_dir
from ipstat.base.text import vietnamese_key
from ipstat.bloc.series import History, MemberGrowth, Shortfall, Trend
from ipstat.bloc.trends import comparable, trends
from ipstat.outputs.render import join_vi, render_template
from ipstat.outputs.report_text import merger_notes

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


# How a group of members is named by its place and direction: never "fastest … (falling)".
TOP = {"tăng": "tăng nhanh nhất", "giảm": "giảm ít nhất", "không đổi": "không đổi"}
BOTTOM = {"tăng": "tăng chậm nhất", "giảm": "giảm nhiều nhất", "không đổi": "không đổi"}
COUNTED = {1: "một", 2: "hai", 3: "ba"}  # "chỉ có một thành viên giảm"


def _shown(growth: MemberGrowth) -> tuple[str, str]:
    """What a reader sees of a member's growth: members who read the same are tied."""
    assert growth.growth is not None
    return direction(growth.growth), format_percent(abs(growth.growth))


def _group(
    members: list[MemberGrowth], names: dict[str, str], ranked: tuple[MemberGrowth, ...] = ()
) -> dict[str, Any]:
    """Members who read the same, by name (their figure is the same as printed, so no other
    order could be seen). No superlative of the only members moving their way: `chi_co` for
    a few ("chỉ có Hà Nội giảm"), the plain direction for most ("tăng: …")."""
    members = sorted(members, key=lambda m: vietnamese_key(m.member))
    growth = members[0].growth
    assert growth is not None
    huong = direction(growth)
    alone = bool(ranked) and huong != "không đổi"
    alone = alone and all(m in members for m in ranked if direction(m.growth) == huong)
    few = alone and 2 * len(members) <= len(ranked)
    count = COUNTED.get(len(members), str(len(members)))
    label = f"chỉ có {count} thành viên {huong}" if few else huong if alone else names[huong]
    return {
        "ten": join_vi([m.member for m in members]),
        "cac_ten": [m.member for m in members],
        "nhan": label,
        "huong": huong,
        "binh_quan": abs(growth),
        "chi_co": few,
    }


def _ranking(ranked: tuple[MemberGrowth, ...]) -> dict[str, Any]:
    """The fastest and the slowest members, ties named together; `nhu_nhau` when all read
    the same, so no member is called fastest or slowest."""
    if len(ranked) < 2:
        return {"nhanh_nhat": None, "cham_nhat": None, "nhu_nhau": None}
    top = [m for m in ranked if _shown(m) == _shown(ranked[0])]
    bottom = [m for m in ranked if _shown(m) == _shown(ranked[-1])]
    if len(top) == len(ranked):
        return {"nhanh_nhat": None, "cham_nhat": None, "nhu_nhau": _group(top, TOP)}
    return {
        "nhanh_nhat": _group(top, TOP, ranked),
        "cham_nhat": _group(bottom, BOTTOM, ranked),
        "nhu_nhau": None,
    }


def _trend(trend: Trend, indicator: dict[str, Any]) -> dict[str, Any]:
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
        **_ranking(trend.members),
    }


def _reason(short: Shortfall) -> str:
    """`năm 2019 chưa gửi báo cáo`, `năm 2019 chưa nhận được báo cáo của Hải Dương`, …"""
    said = []
    if short.unreported == (short.member,):
        said.append(f"năm {short.year} chưa gửi báo cáo")
    elif short.unreported:
        said.append(
            f"năm {short.year} chưa nhận được báo cáo của {join_vi(list(short.unreported))}"
        )
    if short.not_included == (short.member,):
        said.append(f"không có trong số liệu năm {short.year}")
    elif short.not_included:
        said.append(f"số liệu năm {short.year} chưa gồm {join_vi(list(short.not_included))}")
    return " và ".join(said)


def left_out(shortfalls: list[Shortfall]) -> list[str]:
    """`Hải Dương (năm 2019 chưa gửi báo cáo)`: each member left out, once, with why."""
    reasons: dict[str, list[str]] = {}
    for short in shortfalls:
        reasons.setdefault(short.member, []).append(_reason(short))
    return [f"{member} ({'; '.join(why)})" for member, why in reasons.items()]


def history_context(history: History) -> dict[str, Any]:
    """Plain values for the template; figures stay `Decimal` for the filters to round once."""
    labels = history.by_code()
    labels.update({d["code"]: d for d in history.derived_indicators})
    span = history.span
    mapped_years = history.mapped_years
    years_text = join_vi(mapped_years)
    notes = (
        merger_notes(
            {"previous_year": years_text, "merged": history.merged, "absorbed": history.absorbed}
        )
        if history.merged
        else []
    )
    blocs = list(dict.fromkeys(d.bloc for d in history.documents))
    compared, shortfalls = comparable(history)
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
        "so_sanh_duoc": compared,
        "khong_so_sanh": left_out(shortfalls),
        "tai_lieu": history.documents,
        # The period of the series: `nam`, or `6-thang` (each year's first six months).
        "ky": history.period,
        "ten_ky": words(history.period).name,  # năm, 6 tháng đầu năm
        "ngay_chot": words(history.period).closing,  # 31/12, 30/6
    }
