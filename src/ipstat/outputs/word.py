"""The report draft as a Word document, because analysts finish drafts in Word.

The Markdown that report templates produce is read by markdown-it-py, a maintained CommonMark
parser with pipe tables, so the backslash escapes of input text (see render.markdown_text) are
undone by the parser that defines them. Headings, paragraphs, quotes, list items, `**bold**`,
`*italic*` and tables become real Word headings, paragraphs, runs and tables, in Times New Roman
13 pt as official documents use, with margins for A4.
"""

import math
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from docx.document import Document as WordDocument
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

FONT = "Times New Roman"
SIZE_PT = 13
TABLE_SIZE_PT = 11
HEADING_LEVELS = 4  # deeper `#####` lines stay text, as they always have
# What a Word draft has no place for (code, rules, setext headings, link definitions; links,
# autolinks, code spans, entities) is not read at all: it stays the literal text the template
# wrote, as it always has. HTML is off too (`html=False`).
UNREAD_BLOCKS = ["code", "fence", "hr", "lheading", "reference"]
UNREAD_INLINE = ["link", "image", "autolink", "backticks", "entity"]
THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
WIDE_TABLE_COLUMNS = 6  # wider tables go on a landscape page, as official annexes do
# ... if their figures would not fit across portrait A4's 16 cm: 11-point Times New Roman
# averages about 0.19 cm a letter, and a cell's padding takes about two
PORTRAIT_TABLE_CHARACTERS = 82
CELL_PADDING = 2


class _Piece(NamedTuple):
    """Text of one look; `\\n` is where a line of the Markdown ended."""

    text: str
    bold: bool = False
    italic: bool = False


_Cell = list[_Piece]
_Row = list[_Cell]


def write_word(path: Path, markdown: str) -> None:
    document = markdown_to_word(markdown)
    document.save(str(path))


def markdown_to_word(markdown: str) -> "WordDocument":
    from docx import Document  # noqa: PLC0415

    document = Document()
    _set_up(document)
    _Builder(document).add(markdown)
    return document


@cache
def _parser() -> "MarkdownIt":
    from markdown_it import MarkdownIt  # noqa: PLC0415

    return (
        MarkdownIt("commonmark", {"html": False})
        .enable("table")
        .disable(UNREAD_BLOCKS + UNREAD_INLINE)
    )


class _Builder:
    """Word blocks from the parser's tokens, remembering whether the page is landscape."""

    def __init__(self, document: "WordDocument") -> None:
        self.document = document
        self.landscape = False
        self.quoted = 0
        self.marker = ""  # a list item's `- ` or `1. `, kept as the text of its first paragraph

    def add(self, markdown: str) -> None:
        tokens = _parser().parse(markdown)
        lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")  # as the parser
        for index, token in enumerate(tokens):
            kind = token.type
            if kind == "blockquote_open":
                self.quoted += 1
            elif kind == "blockquote_close":
                self.quoted -= 1
            elif kind == "list_item_open":
                self.marker = f"{token.info}{token.markup} "
            elif kind == "list_item_close":
                self.marker = ""
            elif kind == "heading_open":
                following, _ = _table(tokens, index + 3, lines)
                self._heading(token, _pieces(tokens[index + 1]), following)
            elif kind == "paragraph_open":
                self._paragraph(_pieces(tokens[index + 1]))
            elif kind == "table_open":
                rows, rest = _table(tokens, index, lines)
                self._table(rows)
                if rest:
                    self.add(rest)

    def _turn(self, landscape: bool) -> None:
        _new_section(self.document, landscape)
        self.landscape = landscape

    def _heading(self, token: "Token", pieces: _Cell, following: list[_Row]) -> None:
        level = int(token.tag[1:])
        if level > HEADING_LEVELS:
            self._paragraph([_Piece(f"{token.markup} "), *pieces])
            return
        wide = _is_wide_table(following)
        if wide != self.landscape:  # a heading goes on the same page as the wide table it heads
            self._turn(wide)
        self.document.add_heading(_plain(pieces), level=level)

    def _paragraph(self, pieces: _Cell) -> None:
        """Justified; each line of a quote a paragraph of its own, in italics."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415

        if self.marker:
            pieces, self.marker = [_Piece(self.marker), *pieces], ""
        for line in _lines(pieces) if self.quoted else [pieces]:
            paragraph = self.document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _runs(paragraph, line, italic=self.quoted > 0)

    def _table(self, rows: list[_Row]) -> None:
        from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415
        from docx.oxml import OxmlElement  # noqa: PLC0415
        from docx.shared import Pt  # noqa: PLC0415

        if _is_wide_table(rows) and not self.landscape:
            self._turn(True)
        table = self.document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
        table.style = "Table Grid"
        # Each row's cells are read once: each call of `table.cell(r, c)` builds every cell of
        # the table (and `table.rows[r]` every row), which made 199 members take half a minute.
        for r, (row, table_row) in enumerate(zip(rows, table.rows, strict=True)):
            cells = table_row.cells
            for c, pieces in enumerate(row):
                cell = cells[c]
                paragraph = cell.paragraphs[0]
                shown = [_Piece(_plain(pieces), bold=True)] if r == 0 else pieces
                _runs(paragraph, shown, size=Pt(TABLE_SIZE_PT))
                if r > 0 and c > 0:  # a figure: right-aligned, on one line
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))


def _table(tokens: list["Token"], start: int, lines: list[str]) -> tuple[list[_Row], str]:
    """The rows of the table that starts at `start`, if one does, and the Markdown of the lines
    GFM reads as more rows though they do not start with a pipe: those are text that follows."""
    if start >= len(tokens) or tokens[start].type != "table_open":
        return [], ""
    opening = tokens[start]
    rows: list[_Row] = []
    for token in tokens[start:]:
        if token.type == "table_close":
            break
        if token.type == "tr_open":
            first = token.map[0] if token.map else 0
            if rows and opening.level == 0 and not lines[first].startswith("|"):
                end = opening.map[1] if opening.map else len(lines)
                return rows, "\n".join(lines[first:end])
            rows.append([])
        elif token.type == "inline":
            rows[-1].append(_pieces(token))
    return rows, ""


def _pieces(inline: "Token") -> _Cell:
    """The runs of an inline token. Emphasis is made by stars only: `_x_` stays text, as it
    always has in our drafts."""
    pieces, bold, italic = [], 0, 0
    for child in inline.children or ():
        kind, markup = child.type, child.markup
        emphasis = kind.startswith(("strong_", "em_"))
        if emphasis and markup[0] == "*":
            step = 1 if kind.endswith("_open") else -1
            if kind.startswith("strong_"):
                bold += step
            else:
                italic += step
            continue
        if kind in ("softbreak", "hardbreak"):
            text = "\n"
        elif emphasis:
            text = markup
        else:
            text = child.content
        pieces.append(_Piece(text, bold > 0, italic > 0))
    return pieces


def _lines(pieces: _Cell) -> list[_Cell]:
    lines: list[_Cell] = [[]]
    for piece in pieces:
        if piece.text == "\n":
            lines.append([])
        else:
            lines[-1].append(piece)
    return lines


def _plain(pieces: _Cell) -> str:
    return "".join(piece.text for piece in pieces).replace("\n", " ")


def _runs(target: Any, pieces: _Cell, italic: bool = False, size: Any = None) -> None:
    """One run for each stretch of one look. In a quote, the text around a bold piece is
    italic and the bold piece upright."""
    merged: _Cell = []
    for text, bold, emphasised in pieces:
        shown = text.replace("\n", " ")
        if merged and merged[-1][1:] == (bold, emphasised):
            merged[-1] = merged[-1]._replace(text=merged[-1].text + shown)
        elif shown:
            merged.append(_Piece(shown, bold, emphasised))
    for piece in merged:
        run = target.add_run(piece.text)
        if piece.bold:
            run.bold = True
        if piece.italic or not piece.bold:
            run.italic = piece.italic or italic or None
        if size is not None:
            run.font.size = size


def _set_up(document: "WordDocument") -> None:
    from docx.oxml.ns import qn  # noqa: PLC0415
    from docx.shared import Cm, Pt, RGBColor  # noqa: PLC0415

    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Table Grid"):
        style: Any = document.styles[name]
        style.font.name = FONT
        style.font.color.rgb = RGBColor(0, 0, 0)
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attribute), FONT)
        _drop_theme_fonts(fonts)
        style.font.size = Pt(
            SIZE_PT + (3 if name == "Heading 1" else 1 if name.startswith("Heading") else 0)
        )
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)


def _drop_theme_fonts(fonts: Any) -> None:
    """A theme font (the template's Calibri for headings) wins over a named one in Word,
    so it goes, and the heading prints in Times New Roman like the text."""
    from docx.oxml.ns import qn  # noqa: PLC0415

    for attribute in THEME_FONT_ATTRIBUTES:
        fonts.attrib.pop(qn(attribute), None)


def _is_wide_table(rows: list[_Row]) -> bool:
    """Many columns needing more than portrait width, a figure on one line (it never wraps)
    and a header on two at most: a short table of a few points stays with its text."""
    if not rows or len(rows[0]) < WIDE_TABLE_COLUMNS:
        return False
    header = [math.ceil(len(_plain(cell)) / 2) for cell in rows[0]]
    widths = [
        max([width, *(len(_plain(row[c])) for row in rows[1:] if c < len(row))])
        for c, width in enumerate(header)
    ]
    return sum(w + CELL_PADDING for w in widths) > PORTRAIT_TABLE_CHARACTERS


def _new_section(document: "WordDocument", landscape: bool) -> None:
    from docx.enum.section import WD_ORIENT, WD_SECTION  # noqa: PLC0415
    from docx.shared import Cm  # noqa: PLC0415

    section = document.add_section(WD_SECTION.NEW_PAGE)
    long, short = Cm(29.7), Cm(21)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    section.left_margin, section.right_margin = (Cm(2), Cm(2)) if landscape else (Cm(3), Cm(2))
