"""The report's words: the changes against last year (the same period of it: a half-year is
compared with last year's first half, `cùng kỳ`), how last year was counted, the share of the
year its first half made, and the values the report template reads (README, "Mẫu báo cáo của
riêng bạn"). A document that says no period is a year's, worded as it always was."""

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from ipstat.base.formatting import format_number
from ipstat.base.periods import HALF_YEAR, closing, same_time, span, words
from ipstat.base.resources import data_dir
from ipstat.bloc.document import Document
from ipstat.outputs.render import Markdown, in_brackets, join_vi, render_template

DEFAULT_TEMPLATE = "bao-cao.md.j2"


def change_words(
    change: dict[str, Any] | None, year: int | None, period: str | None = None
) -> Markdown:
    """`tăng 12,3% so với năm 2016` (`so với cùng kỳ năm 2016` for a half-year; `tăng 12,3%`
    when `year` is None: said earlier in the sentence); empty where last year's figure is 0 or
    absent. Markdown: ipstat's words and figures only."""
    if not change or change.get("change_percent") is None:
        return Markdown("")
    percent: Decimal = change["change_percent"]
    figure = format_number(abs(percent))
    if figure == "0":
        said = same_time(period, year) if year else f"{words(period).same_time} trước"
        return Markdown(f"tương đương {said}")
    word = "tăng" if percent > 0 else "giảm"
    return Markdown(f"{word} {figure}%" + (f" so với {same_time(period, year)}" if year else ""))


def change_phrase(change: dict[str, Any] | None, year: int, period: str | None = None) -> Markdown:
    """` (tăng 12,3% so với năm 2016)`, or nothing where last year's figure is 0 or absent."""
    return in_brackets(change_words(change, year, period))


def sentence_changes(
    totals: dict[str, Any], year: int | None, period: str | None = None
) -> Callable[..., dict[str, Markdown]]:
    """`so_sanh(code, …)` for templates: the changes of the figures of one sentence, the year
    said once, with the first figure that has a change (`… (giảm 10,3% so với năm 2015) và …
    (giảm 8,5%)`)."""

    def so_sanh(*codes: str) -> dict[str, Markdown]:
        phrases: dict[str, Markdown] = {}
        said = year is None
        for code in codes:
            phrases[code] = change_words(totals.get(code), None if said else year, period)
            said = said or bool(phrases[code])
        return phrases

    return so_sanh


def merger_notes(comparison: dict[str, Any], period: str | None = None) -> list[str]:
    """How last year's provinces were summed into this year's members, one clause a member:
    `Phú Thọ gồm Vĩnh Phúc, Phú Thọ (cũ) và Hòa Bình, trong đó Phú Thọ (cũ) và Hòa Bình không
    có trong số liệu năm 2016`. A unit named as the member it is part of now comes first, `(cũ)`.
    Plain text, names and all: a template escapes it when printing it."""
    year = comparison["previous_year"]
    merged: dict[str, list[str]] = comparison["merged"]
    absorbed: dict[str, list[str]] = comparison["absorbed"]
    notes = []
    for member in dict.fromkeys([*merged, *absorbed]):
        parts = sorted(merged.get(member, [member]), key=lambda old: old != member)
        olds = [f"{old} (cũ)" if old == member else old for old in parts]
        units = absorbed.get(member, [])
        note = f"{member} gồm {join_vi(olds + units)}"
        if units:
            note += f", trong đó {join_vi(units)} không có trong số liệu {span(period, year)}"
        notes.append(note)
    return notes


def comparison_scope(comparison: dict[str, Any], year: int, period: str | None = None) -> str:
    """Which members the changes against last year are over, when not every member of either
    year: `So sánh với năm 2015 tính trên 7 thành viên có số liệu cả hai năm (…); không tính
    Hà Nam (không có số liệu năm 2015)`. Members missing this year are named by the report's
    first lines already. Empty when both years have the same members. Plain text."""
    compared: list[str] = comparison.get("compared", [])
    before = comparison["previous_year"]
    then, since = span(period, before), same_time(period, before)
    both = "cả hai kỳ" if period == HALF_YEAR else "cả hai năm"
    new: list[str] = comparison.get("only_this_year", [])
    partial: dict[str, list[str]] = comparison.get("partial_previous_year", {})
    reasons = [f"{join_vi(new)} (không có số liệu {then})"] if new else []
    reasons += [f"{m} ({then} thiếu số liệu của {join_vi(u)})" for m, u in partial.items()]
    if not compared:
        return f"Không so sánh được với {since}: không thành viên nào có số liệu {both}."
    if reasons:
        return (
            f"So sánh với {since} tính trên {len(compared)} thành viên có số liệu {both} "
            f"({join_vi(compared)}); không tính {'; '.join(reasons)}."
        )
    if comparison.get("only_previous_year"):
        return (
            f"So sánh với {since} tính trên {len(compared)} thành viên đã gửi "
            f"{words(period).report} {year}."
        )
    return ""


def half_year_scope(part: dict[str, Any]) -> str:
    """Which members the shares of the year made in its first half are over, when not every
    member sent both (`aggregate --half-year`): `Tỷ lệ tính trên 10 thành viên có số liệu cả
    năm và 6 tháng đầu năm (…); không tính Hà Nam (không có số liệu 6 tháng đầu năm 2016)`.
    Empty when every member of the year is in both. Plain text."""
    compared: list[str] = part.get("compared", [])
    alone: list[str] = part.get("only_year", [])
    if not alone:
        return ""
    if not compared:
        return (
            "Không tính được tỷ lệ so với cả năm: không thành viên nào có số liệu 6 tháng đầu năm."
        )
    return (
        f"Tỷ lệ tính trên {len(compared)} thành viên có số liệu cả năm và 6 tháng đầu năm "
        f"({join_vi(compared)}); không tính {join_vi(alone)} (không có số liệu "
        f"{span(HALF_YEAR, part['year'])})."
    )


def context(document: Document) -> dict[str, Any]:
    """Plain values for templates: the document, short names for what prose uses most, and
    the year-over-year phrases (`ss`, `so_sanh`: Markdown, with the space that leads `ss`;
    empty strings when there is nothing to compare with) and the members they are over
    (`pham_vi_so_sanh`)."""
    indicators = {i["code"]: i for i in document["indicators"]}
    indicators.update({d["code"]: d for d in document["derived_indicators"]})
    comparison = document.get("comparison")
    totals = comparison["totals"] if comparison else {}
    year = comparison["previous_year"] if comparison else None
    period = document.get("period")
    this = document["year"]
    half_year = document.get("half_year") or {}  # a year's `aggregate --half-year`
    return {
        **document,
        "comparison": comparison,
        "t": document["totals"],
        "d": document["derived"],
        "so_thanh_vien": len(document["members"]),
        "chi_tieu": indicators,
        "ss": {
            code: change_phrase(totals.get(code), year or 0, period) for code in document["totals"]
        },
        "so_sanh": sentence_changes(totals, year, period),
        "quy_doi": merger_notes(comparison, period) if comparison else [],
        "pham_vi_so_sanh": comparison_scope(comparison, this, period) if comparison else "",
        "ke_hoach": document.get("plan") or {},  # `aggregate --registrations`
        # The period's words: `ky` is `nam` or `6-thang`.
        "ky": period or "nam",
        "ky_bao_cao": Markdown(span(period, this)),  # năm 2016, 6 tháng đầu năm 2017
        "ky_truoc": Markdown(span(period, year)) if year else "",  # the period compared with
        "ngay_chot": Markdown(closing(period, this)),  # 31/12/2016, 30/6/2017
        "trong_ky": Markdown(f"trong {words(period).name}"),  # trong năm, trong 6 tháng đầu năm
        "sau_thang": half_year.get("shares") or {},
        "pham_vi_sau_thang": half_year_scope(half_year) if half_year else "",
    }


def render_report(document: Document, template: Path | None = None, the_thuc: bool = False) -> str:
    """The yearly report: the shipped template, or the user's own (`--template`). `the_thuc`:
    the text of the Word document, whose title, issuing body and signature the administrative
    layout sets, so the template leaves out its own."""
    path = template or data_dir("templates") / DEFAULT_TEMPLATE
    return render_template(path, {**context(document), "the_thuc": the_thuc})
