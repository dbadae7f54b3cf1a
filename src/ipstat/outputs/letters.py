"""Letters from the Khối trưởng to each member not yet `da-tiep-nhan`: a reminder to send the
report, or the list of cells to fix. Jinja2 templates a user can replace, rendered like the
report (one sandboxed environment, the same error messages); `.md` and `.docx` of one text."""

import datetime as dt
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipstat.base.findings import Finding, Vocabulary, in_order
from ipstat.base.formatting import format_date, format_datetime
from ipstat.base.periods import span, suffix
from ipstat.base.resources import data_dir
from ipstat.bloc.inbox import InboxStatus, MemberStatus
from ipstat.contract.model import Contract
from ipstat.outputs.atomic import Writer, write_all_atomic
from ipstat.outputs.render import Markdown, render_template
from ipstat.outputs.word import markdown_to_word

if TYPE_CHECKING:
    from docx.document import Document as WordDocument

DEFAULT_LETTER = "thu-nhac.md.j2"
BLANK = "……………"  # where the bloc file does not say who the Khối trưởng is


def date_line(place: str, day: dt.date) -> str:
    """`Hà Nam, ngày 05 tháng 01 năm 2018`: as Nghị định 30/2020/NĐ-CP asks, a day below 10
    and the months 1 and 2 take a leading zero (`tháng 3` does not)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


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
    """Members not `da-tiep-nhan` who get no letter, with why: the Khối trưởng sends the
    letters, so it writes none to itself."""
    lead = contract.bloc.lead
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
    lead = bloc.member(bloc.lead) if bloc.lead else None
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
        "noi_gui": lead.board_name if lead else f"Ban Quản lý {BLANK}",
        "dia_danh_ngay": date_line(lead.name if lead else BLANK, today),
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
    for the Khối trưởng (see `no_letter`)."""
    path = template or data_dir("templates") / DEFAULT_LETTER
    return {
        letter_filename(entry, inbox.year, inbox.period): render_template(
            path, letter_context(entry, inbox, contract, today, attachments, links=links)
        )
        for entry in inbox.members
        if entry.status != "da-tiep-nhan" and entry.member.name != contract.bloc.lead
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
        document = markdown_to_word(text)
        administrative_layout(document)
        document.save(str(path))

    return write


def administrative_layout(document: "WordDocument") -> None:
    """Lay the letter out as Nghị định 30/2020/NĐ-CP shows one: the sender, number and
    subject left and the national motto and date right, side by side; `Kính gửi` centred; the
    body indented; the recipients left of the signature block, with room to sign. Found by
    their text, so an own template without these lines is left as Markdown made it."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415
    from docx.shared import Cm, Pt  # noqa: PLC0415

    paragraphs = document.paragraphs
    texts = [p.text.strip() for p in paragraphs]
    find = _finder(texts)
    motto, slogan, day = find(_MOTTO), find(_SLOGAN), find(_DATE)
    number, subject = find(_NUMBER), find(_SUBJECT)
    to, recipients = find(_TO), find(_RECIPIENTS)
    if day is not None:
        paragraphs[day].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if to is not None:
        paragraphs[to].alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraphs[to].paragraph_format.space_before = Pt(12)
        end = recipients if recipients is not None else len(paragraphs)
        for body in paragraphs[to + 1 : end]:
            body.paragraph_format.first_line_indent = Cm(1)
    header = [i for i in (motto, slogan, day, number, subject) if i is not None]
    if to is not None and len(header) == 5 and all(0 < i < to for i in header):
        at = dict(zip(("motto", "slogan", "day", "number", "subject"), header, strict=True))
        left = [(texts[0], "heading"), (texts[at["number"]], ""), (texts[at["subject"]], "small")]
        right = [(texts[at["motto"]], "heading"), (texts[at["slogan"]], "bold"), ("", "")]
        right.append((texts[at["day"]], "italic"))
        _side_by_side(document, paragraphs[0], left, right, (Cm(6), Cm(10)))
        for index in sorted([0, *header], reverse=True):
            _remove(paragraphs[index])
    if recipients is not None and recipients + 1 < len(paragraphs):
        after = paragraphs[recipients + 1 :]
        items = [p for p in after if p.text.strip().startswith("-")]
        signature = [p for p in after if not p.text.strip().startswith("-") and p.text.strip()]
        left = [(texts[recipients], "recipients")] + [(p.text.strip(), "list") for p in items]
        right = [(p.text.strip(), "bold" if i == 0 else "italic") for i, p in enumerate(signature)]
        right += [("", "")] * SIGNATURE_LINES
        _side_by_side(document, paragraphs[recipients], left, right, (Cm(7), Cm(9)))
        for paragraph in [paragraphs[recipients], *after]:
            _remove(paragraph)


SIGNATURE_LINES = 4  # empty lines under the title, for the signature and the seal
_MOTTO = re.compile(r"^CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM$")
_SLOGAN = re.compile(r"^Độc lập\s*-\s*Tự do\s*-\s*Hạnh phúc$")
_DATE = re.compile(r", ngày \S+ tháng \S+ năm \d{4}$")
_NUMBER = re.compile(r"^Số:")
_SUBJECT = re.compile(r"^V/v ")
_TO = re.compile(r"^Kính gửi:")
_RECIPIENTS = re.compile(r"^Nơi nhận:$")


def _finder(texts: list[str]) -> Callable[["re.Pattern[str]"], int | None]:
    def find(pattern: "re.Pattern[str]") -> int | None:
        return next((i for i, text in enumerate(texts) if pattern.search(text)), None)

    return find


def _side_by_side(
    document: "WordDocument",
    before: Any,
    left: list[tuple[str, str]],
    right: list[tuple[str, str]],
    widths: tuple[Any, Any],
) -> None:
    """A borderless two-column table in place of `before`'s paragraphs."""
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    for column, lines, width in zip(table.columns, (left, right), widths, strict=True):
        column.width = width  # the grid, which LibreOffice reads
        column.cells[0].width = width  # the cell, which Word reads
        _lines(column.cells[0], lines)
    before._p.addprevious(table._tbl)


def _lines(cell: Any, lines: list[tuple[str, str]]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415
    from docx.shared import Pt  # noqa: PLC0415

    for index, (text, look) in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        listed = look in ("recipients", "list")
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if listed else WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text.replace("**", ""))
        run.bold = look in ("bold", "heading", "recipients") or None
        run.italic = look in ("italic", "recipients") or None
        size = {"heading": 12, "recipients": 12, "list": 11, "small": 12}.get(look)
        if size is not None:
            run.font.size = Pt(size)


def _remove(paragraph: Any) -> None:
    paragraph._p.getparent().remove(paragraph._p)
