"""The report draft as a Word document, because analysts finish drafts in Word.

The Markdown that report templates produce is read by markdown-it-py, a maintained CommonMark
parser with pipe tables, so the backslash escapes of input text (see render.markdown_text) are
undone by the parser that defines them. Headings, paragraphs, quotes, list items, `**bold**`,
`*italic*` and tables become real Word headings, paragraphs, runs and tables, in Times New Roman
13 pt as official documents use, with margins for A4.
"""

import math
from collections.abc import Mapping
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
    document = new_document()
    add_markdown(document, markdown)
    return document


def new_document() -> "WordDocument":
    """A blank A4 document whose every style is Times New Roman."""
    from docx import Document  # noqa: PLC0415

    document = Document()
    _set_up(document)
    return document


def add_markdown(document: "WordDocument", markdown: str) -> None:
    """The Markdown's blocks, appended to `document`."""
    _Builder(document).add(markdown)


class Block(NamedTuple):
    """A paragraph or heading of a Markdown text: its plain text (escapes undone, emphasis
    dropped), the lines it spans (`end` excluded), and whether it is a list item's."""

    text: str
    start: int
    end: int
    listed: bool = False


def blocks(markdown: str) -> list[Block]:
    """The paragraphs and headings, in order, as CommonMark reads them."""
    tokens = _parser().parse(markdown)
    found, items = [], 0
    for index, token in enumerate(tokens):
        items += {"list_item_open": 1, "list_item_close": -1}.get(token.type, 0)
        if token.type in ("paragraph_open", "heading_open") and token.map:
            text = _plain(_pieces(tokens[index + 1])).strip()
            found.append(Block(text, token.map[0], token.map[1], items > 0))
    return found


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
                self._table(rows, _aligned(tokens, index))
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

    def _table(self, rows: list[_Row], aligned: Mapping[int, str] | None = None) -> None:
        """Columns as wide as their text needs, within the page; a figure right-aligned on
        one line, a column marked `:---:` centred and one marked `:---` left as text."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415
        from docx.oxml import OxmlElement  # noqa: PLC0415
        from docx.shared import Cm, Pt  # noqa: PLC0415

        if _is_wide_table(rows) and not self.landscape:
            self._turn(True)
        columns = max(len(row) for row in rows)
        table = self.document.add_table(rows=len(rows), cols=columns)
        table.style = "Table Grid"
        table.autofit = False
        widths = _column_widths(rows, columns, LANDSCAPE_WIDTH if self.landscape else TEXT_WIDTH)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)
        # Each row's cells are read once: each call of `table.cell(r, c)` builds every cell of
        # the table (and `table.rows[r]` every row), which made 199 members take half a minute.
        for r, (row, table_row) in enumerate(zip(rows, table.rows, strict=True)):
            cells = table_row.cells
            for c, cell in enumerate(cells):
                cell.width = Cm(widths[c])
            for c, pieces in enumerate(row):
                cell = cells[c]
                paragraph = cell.paragraphs[0]
                shown = [_Piece(_plain(pieces), bold=True)] if r == 0 else pieces
                _runs(paragraph, shown, size=Pt(TABLE_SIZE_PT))
                marked = (aligned or {}).get(c)
                if marked == "center":
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                elif marked != "left" and r > 0 and c > 0:  # a figure: right, on one line
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))


def _aligned(tokens: list["Token"], start: int) -> dict[int, str]:
    """The alignment the delimiter row of the table at `start` gives a column: `center`
    (`:---:`) or `left` (`:---`); unmarked columns are not in it."""
    found: dict[int, str] = {}
    column = 0
    for token in tokens[start:]:
        if token.type == "tr_close":
            break
        if token.type == "th_open":
            style = str(token.attrGet("style") or "")
            for side in ("center", "left"):
                if f"text-align:{side}" in style:
                    found[column] = side
            column += 1
    return found


# Text width in cm: portrait A4 with 3 and 2 cm margins, landscape with 2 and 2.
TEXT_WIDTH, LANDSCAPE_WIDTH = 16.0, 25.7
NARROWEST, WIDEST = 7, 40  # a column's share, in letters of its longest text
WORD = 1.4  # a header's bold word and the cell's padding, in letters of the text


def _column_widths(rows: list[_Row], columns: int, available: float) -> list[float]:
    """Each column's width in cm, shared by the length of its longest text (a header counts
    half: it wraps on two lines), no column starved nor taking all."""
    needs = []
    for c in range(columns):
        title = _plain(rows[0][c]) if c < len(rows[0]) else ""
        words = max((len(word) for word in title.split()), default=0)
        header = max(len(title) / 2, WORD * words)  # on two lines, never inside a word
        longest = max([header, *(len(_plain(row[c])) for row in rows[1:] if c < len(row))])
        needs.append(min(max(longest, NARROWEST), WIDEST) + CELL_PADDING)
    total = sum(needs)
    return [available * need / total for need in needs]


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
    from docx.shared import Cm, Pt, RGBColor  # noqa: PLC0415

    fonts_everywhere(document)
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "Table Grid"):
        style: Any = document.styles[name]
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.font.size = Pt(
            SIZE_PT + (3 if name == "Heading 1" else 1 if name.startswith("Heading") else 0)
        )
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)


def fonts_everywhere(document: "WordDocument") -> None:
    """Times New Roman in the document's defaults and in every style it defines (paragraph,
    character and table styles, used or not), each theme font removed: a style left on the
    template's theme (Calibri, Cambria) would print in it wherever Word or LibreOffice uses it."""
    from docx.oxml.ns import qn  # noqa: PLC0415

    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    targets: list[Any] = [s.get_or_add_rPr() for s in styles.findall(qn("w:style"))]
    if defaults is not None:
        targets += defaults.findall(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    for rpr in targets:
        if rpr.find(qn("w:rFonts")) is None:
            rpr.insert(0, rpr.makeelement(qn("w:rFonts"), {}))  # first in a run's properties
    for fonts in styles.iter(qn("w:rFonts")):  # a table style's conditional parts too
        for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attribute), FONT)
        _drop_theme_fonts(fonts)


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
