"""What the vote leaves on paper: the minutes (`bien-ban-binh-xet-<year>`: who was present, each
candidate's votes, the result, next year's Khối trưởng and Khối phó) and the tờ trình to the
authority (`to-trinh-khen-thuong-<year>`: the awards decided, each board by its full name with
its points). Markdown from templates, Word in the administrative layout; names from the bloc."""

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ipstat.base.formatting import date_words, format_number, format_percent
from ipstat.base.resources import data_dir
from ipstat.bloc.document import Document
from ipstat.bloc.vote import Decided
from ipstat.outputs.administrative import write_administrative
from ipstat.outputs.atomic import Writer
from ipstat.outputs.ballots import points_text, why
from ipstat.outputs.frames import Paper
from ipstat.outputs.proposal import count_text
from ipstat.outputs.render import join_vi, render_template

MINUTES_TEMPLATE = "bien-ban-binh-xet.md.j2"
PROPOSAL_TEMPLATE = "to-trinh-khen-thuong.md.j2"
RESULT_WORDS = {
    "approved": "Đề nghị",
    "undecided": "Bằng phiếu, chưa quyết định",
    "below-threshold": "Không đủ phiếu",
    "no-place": "Hết suất",
}


def vote_context(document: Document, decided: Sequence[Decided], paper: Paper) -> dict[str, Any]:
    """The values both templates read; README lists them."""
    bloc, vote = paper.contract.bloc, document["vote"]
    present = int(vote["present"])
    members = document["members"]
    approved_for = {m: d.name for d in decided for m in d.approved}

    def board(name: str) -> str:
        return bloc.member(name).board_name

    def candidate(counted: Any) -> dict[str, Any]:
        c = counted.candidate
        result = counted.result
        words = (
            f"Đã đề nghị {approved_for[c.member]}"
            if result == "higher-award"
            else RESULT_WORDS[result]
        )
        return {
            "thanh_vien": c.member,
            "ban": board(c.member),
            "diem": points_text(members[c.member]["total"], document),
            "dong_y": counted.votes_for,
            "phieu": f"{count_text(counted.votes_for)}/{count_text(present)}",
            "khong_dong_y": counted.against,
            "ty_le": format_percent(_share(counted.votes_for, present)),
            "ket_qua": words,
            "ghi_chu": why(c),
        }

    ranked = list(members)  # the document lists members by rank

    awards = []
    for award in decided:
        shown = [candidate(c) for c in award.counted]
        approved = sorted(
            (c for c in shown if c["ket_qua"] == RESULT_WORDS["approved"]),
            key=lambda c: ranked.index(c["thanh_vien"]),
        )
        waiting = [c for c in shown if c["ket_qua"] == RESULT_WORDS["undecided"]]
        awards.append(
            {
                "ten": award.name,
                "so_suat": count_text(award.places),
                "ung_vien": shown,
                "duoc": approved,
                "so_duoc": count_text(len(approved)),
                "duoc_ten": [c["ban"] for c in approved],
                "chua": waiting,
                "chua_ten": [c["ban"] for c in waiting],
                "chua_phieu": count_text(waiting[0]["dong_y"]) if waiting else "",
                "con_suat": count_text(award.places - len(approved)),
            }
        )
    following = bloc.term(paper.year + 1)
    return {
        "de_nghi": proposed_awards(awards, short=True),
        "de_nghi_du": proposed_awards(awards, short=False),
        "nam": paper.year,
        "khoi": bloc.name,
        "bieu": str(document["table"]["name"]).lower(),
        "co_quan": str(document["table"].get("authority") or "……………"),
        "ngay": date_words(paper.day),
        "dia_diem": paper.term.place,
        "chu_tri": board(paper.term.leader),
        "co_mat": count_text(present),
        "so_thanh_vien": count_text(len(bloc.members)),
        "toi_thieu": count_text(int(vote["present_min"])),
        "nguong": format_number(vote["threshold_percent"], 2),
        "danh_hieu": awards,
        "ky_sau": (
            {
                "nam": following.year,
                "truong": board(following.leader),
                "pho": board(following.deputy) if following.deputy else "",
            }
            if following
            else None
        ),
    }


def proposed_awards(awards: list[dict[str, Any]], short: bool) -> str:
    """`tặng Cờ thi đua cho A, B và tặng Bằng khen cho 06 Ban Quản lý trong Khối`, as the
    bloc's 2016 text says it; `short`: more than two boards of an award counted, not named.
    Plain text: a template escapes it when printing it."""
    clauses = []
    several = sum(1 for a in awards if a["duoc"]) > 1
    for award in (a for a in awards if a["duoc"]):
        names: list[str] = award["duoc_ten"]
        if len(names) > 2 and short:
            whom = f"{award['so_duoc']} Ban Quản lý trong Khối"
        else:
            listed = ", ".join(names) if several and short else join_vi(names)
            whom = f"{award['so_duoc']} Ban Quản lý: {listed}" if len(names) > 2 else listed
        clauses.append(f"tặng {award['ten']} cho {whom}")
    return (" và " if short else "; ").join(clauses)


def _share(votes: int, present: int) -> Decimal:
    """Votes for, in percent of the members present, exact until shown."""
    return Decimal(votes * 100) / Decimal(present) if present else Decimal(0)


def render_minutes(context: dict[str, Any]) -> str:
    return render_template(data_dir("templates") / MINUTES_TEMPLATE, context)


def render_to_trinh(context: dict[str, Any], legal_bases: list[str]) -> str:
    return render_template(
        data_dir("templates") / PROPOSAL_TEMPLATE, {**context, "can_cu": legal_bases}
    )


def write_minutes(path: Path, text: str, paper: Paper) -> None:
    write_administrative(path, [(paper.frame("bien-ban"), text)])


def write_to_trinh(path: Path, text: str, paper: Paper, authority: str) -> None:
    write_administrative(path, [(paper.frame("to-trinh", authority), text)])


def tally_writers(
    document: Document, decided: Sequence[Decided], paper: Paper, folder: Path
) -> dict[Path, Writer]:
    """The minutes and the tờ trình, each as Markdown and Word."""
    context = vote_context(document, decided, paper)
    minutes = render_minutes(context)
    to_trinh = render_to_trinh(context, paper.legal_bases())
    authority = str(document["table"].get("authority") or "")
    year = paper.year
    return {
        folder / f"bien-ban-binh-xet-{year}.md": _text(minutes),
        folder / f"bien-ban-binh-xet-{year}.docx": lambda path: write_minutes(path, minutes, paper),
        folder / f"to-trinh-khen-thuong-{year}.md": _text(to_trinh),
        folder / f"to-trinh-khen-thuong-{year}.docx": (
            lambda path: write_to_trinh(path, to_trinh, paper, authority)
        ),
    }


def _text(text: str) -> Writer:
    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8", newline="\n")

    return write
