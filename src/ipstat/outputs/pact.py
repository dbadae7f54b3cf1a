"""The pact of the year (`giao-uoc-thi-dua-<year>`): what the members compete on (the scoring
table's criteria) and the targets each registered (exact figures, as registered), signed by
every member board. Markdown from a template; Word in the administrative layout."""

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ipstat.base.formatting import format_exact, format_number
from ipstat.base.resources import data_dir
from ipstat.contract.scoring_table import ScoringTable
from ipstat.outputs.administrative import Frame, write_administrative
from ipstat.outputs.frames import Paper
from ipstat.outputs.render import Markdown, render_template
from ipstat.reading.located import Submission

PACT_TEMPLATE = "giao-uoc-thi-dua.md.j2"


def pact_context(
    registrations: Sequence[Submission], table: ScoringTable, paper: Paper
) -> dict[str, Any]:
    contract = paper.contract
    bloc, catalogue = contract.bloc, contract.form
    by_member = {str(r.member): r for r in registrations}
    registered = {code for r in registrations for code in r.figures}
    indicators = [i for i in catalogue.indicators if i.code in registered]

    def points(value: Decimal) -> str:
        return format_number(value, table.places)

    groups = [
        {
            "ma": group.code,
            "ten": group.label,
            "diem": points(
                sum((c.max for c in table.criterion if c.group == group.code), Decimal(0))
            ),
            "tieu_chi": [
                {
                    "ma": c.code,
                    "ten": c.label,
                    "diem": points(c.max),
                    "them": (
                        f"vượt kế hoạch được thưởng đến {points(c.bonus_max)} điểm"
                        if c.bonus_max
                        else ""
                    ),
                }
                for c in table.criterion
                if c.group == group.code
            ],
        }
        for group in table.group
    ]
    rows = []
    for member in bloc.members:
        registration = by_member.get(member.name)
        if registration is None:
            continue
        figures = registration.figures
        rows.append(
            {
                "ten": member.name,
                "so": [  # ipstat's figures, Markdown as they are (`2.000` opens no list)
                    Markdown(format_exact(figures[i.code].value) if i.code in figures else "–")
                    for i in indicators
                ],
            }
        )
    return {
        "nam": paper.year,
        "khoi": bloc.name,
        "bieu": table.name.lower(),
        "tong_diem": points(table.total_max),
        "co_thuong": any(c.bonus_max for c in table.criterion),
        "nhom": groups,
        "chi_tieu": [{"ma": i.code, "ten": i.label, "don_vi": i.unit} for i in indicators],
        "dang_ky": rows,
        "chua_dang_ky": [m for m in bloc.names if m not in by_member],
        "khoi_truong": paper.leader_board,
        "can_cu": paper.legal_bases(),
    }


def render_pact(context: dict[str, Any]) -> str:
    return render_template(data_dir("templates") / PACT_TEMPLATE, context)


def write_pact_word(path: Path, text: str, paper: Paper, authority: str) -> None:
    """Signed by every member board, each in its cell of the grid."""
    base = paper.frame("giao-uoc", authority)
    frame = Frame(
        issuer=base.issuer,
        number=base.number,
        place_date=base.place_date,
        kind=base.kind,
        subject=base.subject,
        grid=paper.member_signatures(),
        recipients=base.recipients,
    )
    write_administrative(path, [(frame, text)])
