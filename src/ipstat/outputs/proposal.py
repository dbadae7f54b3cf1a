"""The proposal draft (`de-nghi-khen-thuong-<year>.md`): the scoring result and the award
proposal in the manner of the 2016 text, rendered through the report's Jinja2 environment."""

from decimal import Decimal
from pathlib import Path
from typing import Any

from ipstat.base.formatting import format_number
from ipstat.base.resources import data_dir
from ipstat.bloc.document import Document
from ipstat.outputs.render import Markdown, environment, markdown_text, render_in
from ipstat.outputs.score_workbook import METHODS

PROPOSAL_TEMPLATE = "de-nghi-khen-thuong.md.j2"


def count_text(count: int | Decimal) -> str:
    """Counts under ten with two digits, as the bloc's texts write them (`06`)."""
    return f"{int(count):02d}"


def render_proposal(
    document: Document, template: Path | None = None, the_thuc: bool = False
) -> str:
    """The proposal's Markdown; `the_thuc`: the text of its Word document, without the title
    and issuing body that the administrative layout sets."""
    path = template or data_dir("templates") / PROPOSAL_TEMPLATE
    env = environment(path.parent)
    places = int(document["table"]["places"])

    # What these filters give is ipstat's: Markdown, not escaped again (the unit's name, from
    # the bloc file, escaped here).
    def points(value: Decimal) -> Markdown:
        return Markdown(format_number(value, places, fixed=True))

    def count(value: int | Decimal) -> Markdown:
        return Markdown(count_text(value))

    def board(name: str) -> Markdown:
        return Markdown(markdown_text(document["members"][name]["unit"]))

    def unit(name: str) -> Markdown:
        return Markdown(f"{board(name)} ({points(document['members'][name]['total'])} điểm)")

    env.filters.update({"diem": points, "so_luong": count, "ten_dv": unit, "ban": board})
    return render_in(env, path, {**_context(document), "the_thuc": the_thuc})


def _context(document: Document) -> dict[str, Any]:
    members = document["members"]
    criteria = {c["code"]: c for c in document["table"]["criteria"]}
    order = list(criteria)
    adjustments = sorted(  # by criterion, so that each criterion is named once
        (
            {"member": name, "code": code, **point["adjustment"]}
            for name, member in members.items()
            for code, point in member["criteria"].items()
            if point["adjustment"]
        ),
        key=lambda a: order.index(a["code"]),
    )
    bonus = sum((c["ceiling"] - c["max"] for c in criteria.values()), Decimal(0))
    groups = {
        name: {
            g["code"]: sum(
                (
                    p["points"]
                    for code, p in m["criteria"].items()
                    if criteria[code]["group"] == g["code"]
                ),
                Decimal(0),
            )
            for g in document["table"]["groups"]
        }
        for name, m in members.items()
    }
    return {
        **document,
        "tieu_chi": criteria,
        "phuong_phap": METHODS,
        "dieu_chinh": adjustments,
        "nhom": groups,
        "so_thanh_vien": len(members),
        "diem_thuong": bonus,
        "cho_bieu_quyet": _waiting(document),
        "xep_sau": _below_a_tie(document),
    }


def _below_a_tie(document: Document) -> dict[str, list[str]]:
    """By award closed on a tie (§5): the members ranked below the tie who reach its minimum
    and get no award, so that the proposal says why they are not in it."""
    members, awards = document["members"], document["awards"]
    placed = {m for award in awards for m in (*award["members"], *award["tied"])}
    found: dict[str, list[str]] = {}
    for award in awards:
        if not award["tied"]:
            continue
        rank = members[award["tied"][0]]["rank"]
        found[award["name"]] = [
            name
            for name, member in members.items()
            if name not in placed
            and member["rank"] > rank
            and member["total"] >= award["min_points"]
        ]
    return found


def _waiting(document: Document) -> dict[str, list[dict[str, Any]]]:
    """By award: the members tied for a higher one (§5: not proposed for any lower award)
    who reach its minimum, so that its places left are explained truly."""
    members, awards = document["members"], document["awards"]
    return {
        award["name"]: [
            {"award": higher["name"], "members": reaching}
            for higher in awards[:index]
            if (
                reaching := [
                    m for m in higher["tied"] if members[m]["total"] >= award["min_points"]
                ]
            )
        ]
        for index, award in enumerate(awards)
    }
