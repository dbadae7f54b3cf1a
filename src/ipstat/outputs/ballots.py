"""The ballots of the vote on the award proposal (`phieu-binh-xet-<year>.docx`, one page per
member of the bloc, each a secret ballot) and the count sheet the clerk fills at the conference
(`kiem-phieu-<year>.xlsx`), both listing for each award the same candidates (`bloc/vote.py`)."""

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from ipstat.base.formatting import format_number
from ipstat.base.resources import data_dir
from ipstat.bloc.document import Document
from ipstat.bloc.vote import BallotAward, Candidate
from ipstat.contract.model import Contract
from ipstat.contract.scoring_table import Vote
from ipstat.outputs.administrative import Frame, write_administrative
from ipstat.outputs.atomic import Writer
from ipstat.outputs.cells import xlsx_book
from ipstat.outputs.consolidated import printable
from ipstat.outputs.frames import Paper
from ipstat.outputs.proposal import count_text
from ipstat.outputs.render import render_template
from ipstat.reading.tally import PRESENT_LABEL, YEAR_LABEL

BALLOT_TEMPLATE = "phieu-binh-xet.md.j2"
COUNT_TITLES = ("award", "member", "points", "for", "against", "note")
COUNT_WIDTHS = (18, 16, 10, 12, 14, 44)
COUNT_HEADER_ROW = 5  # 0-based: title, year, present, instructions, blank, then the header


def points_text(value: Decimal, document: Document) -> str:
    return format_number(value, int(document["table"]["places"]), fixed=True)


def why(candidate: Candidate) -> str:
    """Why a candidate is on an award's list, as the ballot and the count sheet say it."""
    if candidate.reason == "tied":
        return "đồng điểm, nhiều hơn số suất còn lại"
    if candidate.reason == "waiting":
        return f"nếu không được đề nghị tặng {candidate.higher}"
    return ""


def ballot_context(
    document: Document, awards: Sequence[BallotAward], rule: Vote, paper: Paper
) -> dict[str, Any]:
    bloc = paper.contract.bloc
    members = document["members"]
    return {
        "nam": paper.year,
        "khoi": bloc.name,
        "nguong": format_number(rule.threshold_percent, 2),
        "danh_hieu": [
            {
                "ten": award.name,
                "so_suat": count_text(award.places),
                "ung_vien": [
                    {
                        "thanh_vien": c.member,
                        "ban": bloc.member(c.member).board_name,
                        "diem": points_text(members[c.member]["total"], document),
                        "ghi_chu": why(c),
                    }
                    for c in award.candidates
                ],
            }
            for award in awards
        ],
    }


def write_ballots(
    path: Path, document: Document, awards: Sequence[BallotAward], rule: Vote, paper: Paper
) -> None:
    """One page per member of the bloc: each member present votes on one."""
    text = render_template(
        data_dir("templates") / BALLOT_TEMPLATE, ballot_context(document, awards, rule, paper)
    )
    kind = paper.paperwork.kinds["phieu-binh-xet"]
    base = paper.frame("phieu-binh-xet")
    frame = Frame(
        issuer=base.issuer,
        place_date=base.place_date,
        kind=kind.name,
        subject=base.subject,
    )
    write_administrative(path, [(frame, text)] * len(paper.contract.bloc.members))


def write_count_sheet(
    path: Path,
    document: Document,
    awards: Sequence[BallotAward],
    contract: Contract,
    year: int,
) -> None:
    """A row per award and candidate, in ballot order; the clerk writes the members present
    and each candidate's votes for and against."""
    spec = contract.form.tally_sheet
    book = xlsx_book(path)
    sheet = book.add_worksheet(spec.name)
    title = book.add_format({"bold": True, "font_size": 13})
    label = book.add_format({"bold": True})
    entry = book.add_format({"bg_color": "#E2EFDA", "border": 1, "num_format": "0"})
    header = book.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "top"}
    )
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    points = book.add_format({"align": "right", "valign": "top"})
    sheet.write(0, 0, f"KIỂM PHIẾU BÌNH XÉT THI ĐUA NĂM {year}", title)
    sheet.write(1, 0, YEAR_LABEL, label)
    sheet.write_number(1, 1, year)
    sheet.write(2, 0, PRESENT_LABEL, label)
    sheet.write_blank(2, 1, None, entry)
    sheet.write(
        3,
        0,
        "Ghi số thành viên có mặt, rồi số phiếu đồng ý và không đồng ý của từng thành viên "
        "(phiếu không đánh dấu hoặc đánh cả hai ô không tính); không thêm, bớt dòng. Rồi chạy "
        f"ipstat score … --tally kiem-phieu-{year}.xlsx.",
    )
    for column, (role, width) in enumerate(zip(COUNT_TITLES, COUNT_WIDTHS, strict=True)):
        sheet.write(COUNT_HEADER_ROW, column, spec.columns[role], header)
        sheet.set_column(column, column, width)
    counts = {"validate": "integer", "criteria": ">=", "value": 0}
    row = COUNT_HEADER_ROW
    for award in awards:
        for candidate in award.candidates:
            row += 1
            sheet.write(row, 0, award.name, wrap)
            sheet.write(row, 1, candidate.member, wrap)
            total = document["members"][candidate.member]["total"]
            sheet.write(row, 2, points_text(total, document), points)  # shown, never read back
            sheet.write_blank(row, 3, None, entry)
            sheet.write_blank(row, 4, None, entry)
            sheet.write(row, 5, why(candidate), wrap)
    if row > COUNT_HEADER_ROW:
        sheet.data_validation(COUNT_HEADER_ROW + 1, 3, row, 4, counts)
    sheet.data_validation(2, 1, 2, 1, {**counts, "criteria": "between", "minimum": 0,
                                       "maximum": len(contract.bloc.members)})  # fmt: skip
    printable(sheet, COUNT_HEADER_ROW + 1)
    sheet.set_portrait()
    book.close()


def ballot_writers(
    document: Document, awards: Sequence[BallotAward], rule: Vote, paper: Paper, folder: Path
) -> dict[Path, Writer]:
    """The ballots and the count sheet, for the same candidates."""
    year, contract = paper.year, paper.contract
    return {
        folder / f"phieu-binh-xet-{year}.docx": (
            lambda path: write_ballots(path, document, awards, rule, paper)
        ),
        folder / f"kiem-phieu-{year}.xlsx": (
            lambda path: write_count_sheet(path, document, awards, contract, year)
        ),
    }
