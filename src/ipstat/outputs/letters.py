"""Letters from the Khối trưởng of the year to each member not yet `da-tiep-nhan`: a reminder
to send the report, or the list of cells to fix. Jinja2 templates a user can replace, rendered
like the report (one sandboxed environment, the same error messages); `.md` and `.docx` of one
text, the Word letter in the administrative layout of `administrative.py`."""

import datetime as dt
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ipstat.base.findings import Finding, Vocabulary, in_order
from ipstat.base.formatting import format_date, format_datetime
from ipstat.base.periods import span, suffix
from ipstat.base.resources import data_dir
from ipstat.bloc.inbox import InboxStatus, MemberStatus
from ipstat.contract.model import Contract
from ipstat.outputs.administrative import Frame, Signature, write_administrative
from ipstat.outputs.atomic import Writer, write_all_atomic
from ipstat.outputs.frames import date_line, term_of
from ipstat.outputs.render import Markdown, render_template
from ipstat.outputs.word import blocks, markdown_to_word

__all__ = ["date_line", "letter_frame", "no_letter", "render_letters", "write_letters"]

DEFAULT_LETTER = "thu-nhac.md.j2"


def letter_filename(status: MemberStatus, year: int, period: str | None = None) -> str:
    return f"thu-nhac-{status.member.slug}-{year}{suffix(period)}"


def _cells(
    findings: list[Finding], errors: bool, vocabulary: Vocabulary
) -> list[dict[str, str | None]]:
    """The errors, or the warnings, as a letter lists them: the place with the indicator's name
    (`Ô D26 (Số KCN đã đi vào hoạt động): …`), never the internal code, which stays in `ma`."""
    return [
        {
            "trang": f.sheet or "",
            "o": f.cell,
            "ma": f.code,
            "quy_tac": f.rule,
            "noi_dung": vocabulary.told(f),
        }
        for f in in_order(findings)
        if (f.is_error if errors else f.severity == "warning")  # a note asks nothing of anyone
    ]


def count(n: int) -> str:
    """`01 lỗi`: counts in a letter take two digits, as in the award proposal."""
    return f"{n:02d}"


def no_letter(inbox: InboxStatus, contract: Contract) -> list[str]:
    """Members not `da-tiep-nhan` who get no letter, with why: the Khối trưởng of the year
    sends the letters, so it writes none to itself."""
    lead = term_of(contract, inbox.year).leader
    return [
        f"Không soạn thư cho {entry.member.name}: đây là Khối trưởng, nơi gửi thư."
        for entry in inbox.members
        if entry.status != "da-tiep-nhan" and entry.member.name == lead
    ]


def letter_context(
    entry: MemberStatus,
    inbox: InboxStatus,
    contract: Contract,
    today: dt.date,
    attachments: Mapping[Path, str] | None = None,
    *,
    links: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Plain values for a letter template; the names are those README documents. The letter
    names an annotated copy to attach only where `attachments` (workbook → its copy's name, as
    `--annotate` wrote them) has one, and the member's portal link where `links` has one."""
    bloc = contract.bloc
    term = term_of(contract, inbox.year)
    version = entry.version
    findings = version.findings if version else []
    vocabulary = contract.vocabulary
    errors, warnings = _cells(findings, True, vocabulary), _cells(findings, False, vocabulary)
    return {
        "nam": inbox.year,
        "ky": inbox.period,
        "ky_bao_cao": span(inbox.period, inbox.year),  # `năm 2017`, `6 tháng đầu năm 2017`
        "khoi": bloc.name,
        "thanh_vien": entry.member.name,
        "kinh_gui": entry.member.board_name,
        "noi_gui": bloc.member(term.leader).board_name,
        "dia_danh_ngay": date_line(term.place, today),
        "trang_thai": entry.status,
        "han_nop": format_date(inbox.deadline),
        "qua_han": today > inbox.deadline,
        "so_ngay_tre": entry.days_late,
        "dung_han": entry.on_time,
        "tep": version.file.name if version else None,
        "nhan_luc": format_datetime(version.received) if version else None,
        # on time is judged by the first version: when it is not the one in force, say when
        "nhan_dau_luc": format_datetime(entry.superseded[0].received) if entry.superseded else None,
        "ban_ghi_chu": (attachments or {}).get(version.file) if version else None,
        "loi": errors,
        "canh_bao": warnings,
        "so_loi": count(len(errors)),
        "so_canh_bao": count(len(warnings)),
        "duong_dan": _link((links or {}).get(entry.member.name)),
    }


_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.:\[\]-]+(/[A-Za-z0-9._~/-]*)?")


def _link(url: str | None) -> str | None:
    """A portal link as it is, when nothing in it is Markdown (`http://` is not escaped to
    `http\\://`, so the `.md` can be copied from); anything else escaped as usual."""
    if url is not None and _PLAIN_URL.fullmatch(url):
        return Markdown(url)
    return url


def render_letters(
    inbox: InboxStatus,
    contract: Contract,
    template: Path | None,
    today: dt.date,
    attachments: Mapping[Path, str] | None = None,
    *,
    links: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """File stem → Markdown text, for each member not yet `da-tiep-nhan`, in bloc order; none
    for the Khối trưởng of the year (see `no_letter`), who signs them."""
    path = template or data_dir("templates") / DEFAULT_LETTER
    lead = term_of(contract, inbox.year).leader
    return {
        letter_filename(entry, inbox.year, inbox.period): render_template(
            path, letter_context(entry, inbox, contract, today, attachments, links=links)
        )
        for entry in inbox.members
        if entry.status != "da-tiep-nhan" and entry.member.name != lead
    }


def write_letters(
    inbox: InboxStatus,
    contract: Contract,
    folder: Path,
    *,
    template: Path | None = None,
    today: dt.date | None = None,
    attachments: Mapping[Path, str] | None = None,
    links: Mapping[str, str] | None = None,
) -> list[Path]:
    """Every letter as `.md` and `.docx`, all written or none (a template error writes none)."""
    texts = render_letters(
        inbox, contract, template, today or dt.date.today(), attachments, links=links
    )
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
    def write(path: Path) -> None:
        framed = letter_frame(text)
        if framed is None:  # an own template without the decree's lines: left as written
            markdown_to_word(text).save(str(path))
        else:
            write_administrative(path, [framed])

    return write


_MOTTO = re.compile(r"^CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM$")
_SLOGAN = re.compile(r"^Độc lập\s*-\s*Tự do\s*-\s*Hạnh phúc$")
_DATE = re.compile(r", ngày \S+ tháng \S+ năm \d{4}$")
_NUMBER = re.compile(r"^Số:")
_SUBJECT = re.compile(r"^V/v ")
_TO = re.compile(r"^Kính gửi:\s*")
_RECIPIENTS = re.compile(r"^Nơi nhận:$")


def letter_frame(text: str) -> tuple[Frame, str] | None:
    """A letter's Markdown read as the administrative layout's frame and the text it frames:
    the sender (its first line), number, subject, motto and date before `Kính gửi`; the
    recipients and the signature after `Nơi nhận`. A template is the user's, so the lines are
    found by what they say; without all of them, None."""
    found = blocks(text)
    texts = [b.text for b in found]

    def find(pattern: "re.Pattern[str]") -> int | None:
        return next((i for i, t in enumerate(texts) if pattern.search(t)), None)

    at = {
        name: find(pattern)
        for name, pattern in (
            ("motto", _MOTTO),
            ("slogan", _SLOGAN),
            ("day", _DATE),
            ("number", _NUMBER),
            ("subject", _SUBJECT),
            ("to", _TO),
            ("recipients", _RECIPIENTS),
        )
    }
    where = [i for i in at.values() if i is not None]
    to, recipients = at["to"], at["recipients"]
    if len(where) < len(at) or to is None or recipients is None or recipients < to:
        return None
    header = [at[name] for name in ("motto", "slogan", "day", "number", "subject")]
    if not all(i is not None and 0 < i < to for i in header):
        return None
    after = found[recipients + 1 :]
    signature = [b.text for b in after if not b.listed]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    frame = Frame(
        issuer=(texts[0],),
        number=texts[at["number"] or 0],
        place_date=texts[at["day"] or 0],
        subject=texts[at["subject"] or 0],
        to=(_TO.sub("", texts[to]),),
        signature=Signature(tuple(signature[:1]), note=" ".join(signature[1:]), name="")
        if signature
        else None,
        recipients=tuple(b.text.removeprefix("- ") for b in after if b.listed),
    )
    return frame, "\n".join(lines[found[to].end : found[recipients].start])
