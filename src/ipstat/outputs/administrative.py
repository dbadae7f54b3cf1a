"""The one writer of the administrative layout of Nghị định 30/2020/NĐ-CP (Phụ lục I), for
every Word document ipstat writes to be sent or signed: report, proposal, pact, ballots,
minutes, tờ trình and letters.

What varies from one document to another (issuing body, number code, place and date, kind,
subject, addressees, signer, recipients) is a `Frame`, made from data by the caller; the text
in between is Markdown, laid out by `word.py`. The page (A4, margins, Times New Roman in every
style) is `word.py`'s too. The two short rules of the header, under the issuing body and under
the motto, are empty paragraphs with a top border, indented to their length: a paragraph
border spans the text between the indents, and an empty paragraph never wraps.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipstat.outputs.word import FONT, add_markdown, new_document

if TYPE_CHECKING:
    from docx.document import Document as WordDocument

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
SLOGAN = "Độc lập - Tự do - Hạnh phúc"
NAME_BLANK = "……………………………"  # where the signer writes their name
SIGNATURE_LINES = 4  # empty lines under the title, for the signature and the seal

# Sizes in points, within the ranges of Phụ lục I.
ISSUER_PT, MOTTO_PT, SLOGAN_PT, NUMBER_PT, DATE_PT = 12, 12, 13, 13, 13
KIND_PT, SUBJECT_PT, TO_PT, SIGNER_PT = 14, 14, 14, 13
RECIPIENTS_PT, RECIPIENT_PT = 12, 11

# The header spans the text width and a little more on each side, as the decree's samples do,
# so that the motto (12-point bold capitals: 8.83 cm in Times New Roman) fits its column on one
# line. Widths in cm.
TEXT_WIDTH = 16.0
HEADER_LEFT, HEADER_RIGHT, HEADER_OUTDENT = 7.1, 9.5, 0.3
FOOT_LEFT, FOOT_RIGHT = 6.6, 9.4
CELL_MARGIN = 0.1
SLOGAN_WIDTH = 5.61  # "Độc lập - Tự do - Hạnh phúc" in 13-point bold Times New Roman
CAPITAL_WIDTH = 0.265  # the average 12-point bold capital, with spaces (Times New Roman)
LETTER_WIDTH = 0.24  # the average 14-point bold letter of a subject
RULE_SHARE = 0.4  # a rule under a name is 1/3 to 1/2 of its line long (Phụ lục I)
RULE_PT = 0.75
RULE_GAP, RULE_HEIGHT = 2, 4  # points above the rule, and its paragraph's height


@dataclass(frozen=True)
class Signature:
    """Who signs: the titles in bold capitals (`TM. KHỐI THI ĐUA`, `KHỐI TRƯỞNG`), the board,
    a hint in italics, room to sign, and the line for the name."""

    titles: tuple[str, ...]
    board: str = ""
    note: str = ""
    name: str = NAME_BLANK


@dataclass(frozen=True)
class Frame:
    """Everything around a document's text. `kind` empty: a letter (công văn), whose subject
    (`V/v …`) goes under its number; otherwise the kind and subject head the text. A `grid`
    signs instead of (or besides) `signature`: one cell per signer, as in a pact."""

    issuer: tuple[str, ...]  # the issuing body, a line each, bold capitals
    superior: tuple[str, ...] = ()  # the body it belongs to, above it, regular capitals
    number: str | None = None  # `Số:      /TTr-KTĐ`; None: no number line (a ballot)
    place_date: str = ""  # `Hà Nam, ngày 10 tháng 02 năm 2017`
    kind: str = ""
    subject: str = ""
    to: tuple[str, ...] = ()  # Kính gửi
    signature: Signature | None = None
    grid: tuple[Signature, ...] = ()
    recipients: tuple[str, ...] = ()  # Nơi nhận, each without its `- ` and closing `;`/`.`


def write_administrative(path: Path, pages: Sequence[tuple[Frame, str]]) -> None:
    administrative_word(pages).save(str(path))


def administrative_word(pages: Sequence[tuple[Frame, str]]) -> "WordDocument":
    """One document of `pages`, each a frame around its Markdown text, each on a new page."""
    document = new_document()
    _page_numbers(document)
    for index, (frame, markdown) in enumerate(pages):
        if index:
            _page_break(document)
        _header(document, frame)
        _heading(document, frame)
        start, first = len(document.paragraphs), _elements(document)
        add_markdown(document, markdown)
        _body(document.paragraphs[start:])
        text_end = _elements(document)
        _signatures(document, frame)
        _annex_after_signature(document, first, text_end)
    for section in document.sections[1:]:  # a landscape annex is numbered from its first page
        section.different_first_page_header_footer = False
    return document


def _elements(document: "WordDocument") -> int:
    """How many blocks the body has, its closing section properties not counted."""
    return len(document.element.body) - 1


def _annex_after_signature(document: "WordDocument", first: int, text_end: int) -> None:
    """A table too wide for the portrait page went on a landscape page of its own (word.py):
    that page is an annex, after the signature, so the signature follows the text it signs."""
    from docx.oxml.ns import qn  # noqa: PLC0415

    body = list(document.element.body)
    ends = [
        element
        for element in body[first:text_end]
        if element.tag == qn("w:p") and element.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None
    ]
    if not ends:
        return
    for element in body[text_end:]:
        if element.tag != qn("w:sectPr"):
            ends[0].addprevious(element)
    # The empty paragraph that closes the page takes no room: it would not fit under a
    # signature at the foot of the page, and would make a blank page of its own.
    spacing = ends[0].get_or_add_pPr().get_or_add_spacing()
    for name, value in (("w:before", "0"), ("w:after", "0"), ("w:line", "20")):
        spacing.set(qn(name), value)
    spacing.set(qn("w:lineRule"), "exact")


def _header(document: "WordDocument", frame: Frame) -> None:
    """Two rows of two columns, so that the number and the date line up: the issuing body and
    the national motto, each with its rule; then the number (and a letter's subject) and the
    place and date."""
    table = _borderless(document, 2, (HEADER_LEFT, HEADER_RIGHT), outdent=HEADER_OUTDENT)
    body, motto = table.rows[0].cells
    for line in frame.superior:
        _line(body, line, ISSUER_PT)
    for line in frame.issuer:
        _line(body, line, ISSUER_PT, bold=True)
    longest = max((len(line) for line in frame.issuer), default=0) * CAPITAL_WIDTH
    _rule(body, RULE_SHARE * min(longest, HEADER_LEFT - 2 * CELL_MARGIN))
    _line(motto, MOTTO, MOTTO_PT, bold=True)
    _line(motto, SLOGAN, SLOGAN_PT, bold=True)
    _rule(motto, SLOGAN_WIDTH)
    number, day = table.rows[1].cells
    if frame.number is not None:
        _line(number, frame.number, NUMBER_PT)
    if not frame.kind and frame.subject:
        _line(number, frame.subject, ISSUER_PT)
    if frame.place_date:
        _line(day, frame.place_date, DATE_PT, italic=True)
    for cell in (number, day):
        if not cell.paragraphs[0].runs and len(cell.paragraphs) == 1:
            _line(cell, "", NUMBER_PT)


def _heading(document: "WordDocument", frame: Frame) -> None:
    """The kind and subject (a rule under it), and whom the document is addressed to."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415
    from docx.shared import Pt  # noqa: PLC0415

    if frame.kind:
        kind = _paragraph(document, frame.kind, KIND_PT, bold=True)
        kind.paragraph_format.space_before = Pt(18)
        if frame.subject:
            _paragraph(document, frame.subject, SUBJECT_PT, bold=True)
            width = min(len(frame.subject) * LETTER_WIDTH, TEXT_WIDTH)
            _rule(document, RULE_SHARE * width, TEXT_WIDTH)
    if not frame.to:
        return
    if len(frame.to) == 1:
        to = _paragraph(document, f"Kính gửi: {_closed(frame.to[0], '.')}", TO_PT)
    else:
        to = _paragraph(document, "Kính gửi:", TO_PT)
        for index, name in enumerate(frame.to):
            end = "." if index == len(frame.to) - 1 else ";"
            item = _paragraph(document, f"- {_closed(name, end)}", TO_PT)
            item.alignment = WD_ALIGN_PARAGRAPH.LEFT
            item.paragraph_format.left_indent = Pt(150)
    to.paragraph_format.space_before = Pt(12)
    document.paragraphs[-1].paragraph_format.space_after = Pt(6)


def _body(paragraphs: Iterable[Any]) -> None:
    """The text as the decree sets it: justified, the first line indented, 6 points apart."""
    from docx.shared import Cm, Pt  # noqa: PLC0415

    for paragraph in paragraphs:
        form = paragraph.paragraph_format
        form.space_before, form.space_after = Pt(6), Pt(0)
        if paragraph.style is not None and paragraph.style.name.startswith("Heading"):
            continue
        form.first_line_indent = Cm(1)


def _signatures(document: "WordDocument", frame: Frame) -> None:
    """The recipients on the left and the signature on the right; a grid of signatures first,
    when the document has one."""
    from docx.shared import Pt  # noqa: PLC0415

    if frame.grid:
        _grid(document, frame.grid)
    if frame.signature is None and not frame.recipients:
        return
    table = _borderless(document, 1, (FOOT_LEFT, FOOT_RIGHT))
    recipients, signature = table.rows[0].cells
    if frame.recipients:
        _line(recipients, "Nơi nhận:", RECIPIENTS_PT, bold=True, italic=True, centred=False)
        for index, name in enumerate(frame.recipients):
            end = "." if index == len(frame.recipients) - 1 else ";"
            _line(recipients, f"- {_closed(name, end)}", RECIPIENT_PT, centred=False)
    if frame.signature is not None:
        _signature(signature, frame.signature)
    table.rows[0].cells[0].paragraphs[0].paragraph_format.space_before = Pt(12)
    table.rows[0].cells[1].paragraphs[0].paragraph_format.space_before = Pt(12)


def _signature(cell: Any, signature: Signature) -> None:
    for title in signature.titles:
        _line(cell, title, SIGNER_PT, bold=True)
    if signature.board:
        _line(cell, signature.board, SIGNER_PT)
    if signature.note:
        _line(cell, signature.note, SIGNER_PT, italic=True)
    for _ in range(SIGNATURE_LINES):
        _line(cell, "", SIGNER_PT)
    if signature.name:
        _line(cell, signature.name, SIGNER_PT, bold=True)


GRID_COLUMNS = 2


def _grid(document: "WordDocument", signatures: tuple[Signature, ...]) -> None:
    """One cell per signer, two across, in the order given: the board (as the bloc names it;
    in capitals it would not fit half the page), its head's title, room to sign."""
    rows = -(-len(signatures) // GRID_COLUMNS)
    half = TEXT_WIDTH / GRID_COLUMNS
    table = _borderless(document, rows, (half,) * GRID_COLUMNS)
    for index, signature in enumerate(signatures):
        cell = table.rows[index // GRID_COLUMNS].cells[index % GRID_COLUMNS]
        _line(cell, signature.board, ISSUER_PT, bold=True)
        for title in signature.titles:
            _line(cell, title, ISSUER_PT, bold=True)
        for _ in range(SIGNATURE_LINES - 1):
            _line(cell, "", ISSUER_PT)
        _line(cell, signature.name, ISSUER_PT)
        _line(cell, "", ISSUER_PT)


def _borderless(
    document: "WordDocument", rows: int, widths: tuple[float, ...], outdent: float = 0.0
) -> Any:
    """A table without borders, of fixed column widths (the grid for LibreOffice, each cell's
    for Word), its cells' side margins narrow, its rows never cut by a page."""
    from docx.oxml import OxmlElement  # noqa: PLC0415
    from docx.oxml.ns import qn  # noqa: PLC0415
    from docx.shared import Cm  # noqa: PLC0415

    table = document.add_table(rows=rows, cols=len(widths))
    table.autofit = False
    properties = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    properties.append(layout)
    if outdent:
        indent = OxmlElement("w:tblInd")
        indent.set(qn("w:w"), str(-round(Cm(outdent).twips)))
        indent.set(qn("w:type"), "dxa")
        properties.append(indent)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    properties.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(round(Cm(CELL_MARGIN).twips)))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    properties.append(margins)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)
        for cell in column.cells:
            cell.width = Cm(width)
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    return table


def _line(
    cell: Any,
    text: str,
    size: float,
    *,
    bold: bool = False,
    italic: bool = False,
    centred: bool = True,
) -> Any:
    """A paragraph of one run in a cell; the cell's own empty first paragraph is used first."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415
    from docx.shared import Pt  # noqa: PLC0415

    first = cell.paragraphs[0]
    fresh = len(cell.paragraphs) == 1 and not first.runs and not _bordered(first)
    paragraph = first if fresh else cell.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT
    form = paragraph.paragraph_format
    form.space_before, form.space_after, form.first_line_indent = Pt(0), Pt(0), Pt(0)
    form.line_spacing = 1.0
    _run(paragraph, text, size, bold=bold, italic=italic)
    return paragraph


def _paragraph(document: "WordDocument", text: str, size: float, *, bold: bool = False) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415
    from docx.shared import Pt  # noqa: PLC0415

    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    form = paragraph.paragraph_format
    form.space_before, form.space_after, form.line_spacing = Pt(0), Pt(0), 1.0
    _run(paragraph, text, size, bold=bold)
    return paragraph


def _run(paragraph: Any, text: str, size: float, *, bold: bool, italic: bool = False) -> None:
    from docx.shared import Pt  # noqa: PLC0415

    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.name = FONT
    run.bold = bold or None
    run.italic = italic or None


def _rule(where: Any, length: float, width: float | None = None) -> None:
    """A rule `length` cm long, centred under the line above: an empty paragraph one point
    high whose top border is drawn between its indents. `where` is a cell or the document."""
    from docx.oxml import OxmlElement  # noqa: PLC0415
    from docx.oxml.ns import qn  # noqa: PLC0415
    from docx.shared import Cm, Pt  # noqa: PLC0415

    if width is None:
        width = where.width.cm - 2 * CELL_MARGIN
        paragraph = _line(where, "", 1)
    else:
        paragraph = where.add_paragraph()
    side = max(0.0, (width - length) / 2)
    form = paragraph.paragraph_format
    form.left_indent = form.right_indent = Cm(side)
    form.space_before, form.space_after, form.first_line_indent = Pt(RULE_GAP), Pt(0), Pt(0)
    form.line_spacing = Pt(RULE_HEIGHT)
    border = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for name, value in (("val", "single"), ("sz", str(round(RULE_PT * 8))), ("space", "1")):
        top.set(qn(f"w:{name}"), value)
    top.set(qn("w:color"), "000000")
    border.append(top)
    paragraph._p.get_or_add_pPr().append(border)
    for run in paragraph.runs:
        run.font.size = Pt(1)


def _bordered(paragraph: Any) -> bool:
    from docx.oxml.ns import qn  # noqa: PLC0415

    properties = paragraph._p.pPr
    return properties is not None and properties.find(qn("w:pBdr")) is not None


def _closed(text: str, end: str) -> str:
    """`text` ending with `end` (`;` or `.`), whatever it ended with."""
    return text.rstrip(" ;.") + end


def _page_break(document: "WordDocument") -> None:
    from docx.enum.text import WD_BREAK  # noqa: PLC0415

    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _page_numbers(document: "WordDocument") -> None:
    """Page numbers centred at the top from the second page on, as the decree asks."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415
    from docx.oxml import OxmlElement  # noqa: PLC0415
    from docx.oxml.ns import qn  # noqa: PLC0415
    from docx.shared import Pt  # noqa: PLC0415

    section = document.sections[0]
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = paragraph.add_run()
    run.font.size = Pt(NUMBER_PT)
    field.append(run._r)
    paragraph._p.append(field)
