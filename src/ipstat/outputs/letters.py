"""Letters from the Khối trưởng to each member not yet `da-tiep-nhan`: a reminder to send the
report, or the list of cells to fix. Jinja2 templates a user can replace, rendered like the
report (one sandboxed environment, the same error messages); `.md` and `.docx` of one text."""

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ipstat.bloc.inbox import InboxStatus, MemberStatus
from ipstat.contract.model import Contract
from ipstat.outputs.atomic import Writer, write_all_atomic
from ipstat.outputs.render import render_template
from ipstat.outputs.word import write_word
from ipstat.reading.findings import Finding
from ipstat.reading.formatting import format_date, format_datetime
from ipstat.resources import data_dir

DEFAULT_LETTER = "thu-nhac.md.j2"
BLANK = "……………"  # where the bloc file does not say who the Khối trưởng is


def date_line(place: str, day: dt.date) -> str:
    """`Hà Nam, ngày 05 tháng 01 năm 2018`: as Nghị định 30/2020/NĐ-CP asks, a day below 10
    and the months 1 and 2 take a leading zero (`tháng 3` does not)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def letter_filename(status: MemberStatus, year: int) -> str:
    return f"thu-nhac-{status.member.slug}-{year}"


def _cells(findings: list[Finding], errors: bool) -> list[dict[str, str | None]]:
    return [
        {
            "trang": f.sheet or "",
            "o": f.cell,
            "ma": f.code,
            "quy_tac": f.rule,
            "noi_dung": f.message,
        }
        for f in findings
        if f.is_error == errors
    ]


def letter_context(
    entry: MemberStatus, inbox: InboxStatus, contract: Contract, today: dt.date
) -> dict[str, Any]:
    """Plain values for a letter template; the names are those README documents."""
    bloc = contract.bloc
    lead = bloc.member(bloc.lead) if bloc.lead else None
    version = entry.version
    findings = version.findings if version else []
    return {
        "nam": inbox.year,
        "khoi": bloc.name,
        "thanh_vien": entry.member.name,
        "kinh_gui": entry.member.board_name,
        "noi_gui": lead.board_name if lead else f"Ban Quản lý {BLANK}",
        "dia_danh_ngay": date_line(lead.name if lead else BLANK, today),
        "trang_thai": entry.status,
        "han_nop": format_date(inbox.deadline),
        "qua_han": today > inbox.deadline,
        "so_ngay_tre": entry.days_late,
        "dung_han": entry.on_time,
        "tep": version.file.name if version else None,
        "nhan_luc": format_datetime(version.received) if version else None,
        "ban_ghi_chu": version.file.name if version else None,  # as `--annotate` names it
        "loi": _cells(findings, errors=True),
        "canh_bao": _cells(findings, errors=False),
    }


def render_letters(
    inbox: InboxStatus, contract: Contract, template: Path | None, today: dt.date
) -> dict[str, str]:
    """File stem → Markdown text, for each member not yet `da-tiep-nhan`, in bloc order."""
    path = template or data_dir("templates") / DEFAULT_LETTER
    return {
        letter_filename(entry, inbox.year): render_template(
            path, letter_context(entry, inbox, contract, today)
        )
        for entry in inbox.members
        if entry.status != "da-tiep-nhan"
    }


def write_letters(
    inbox: InboxStatus,
    contract: Contract,
    folder: Path,
    template: Path | None = None,
    today: dt.date | None = None,
) -> list[Path]:
    """Every letter as `.md` and `.docx`, all written or none (a template error writes none)."""
    texts = render_letters(inbox, contract, template, today or dt.date.today())
    writers: dict[Path, Writer] = {}
    for stem, text in texts.items():
        writers[folder / f"{stem}.md"] = _text_writer(text)
        writers[folder / f"{stem}.docx"] = _word_writer(text)
    write_all_atomic(writers)
    return list(writers)


def _text_writer(text: str) -> Writer:
    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    return write


def _word_writer(text: str) -> Callable[[Path], None]:
    return lambda path: write_word(path, text)
