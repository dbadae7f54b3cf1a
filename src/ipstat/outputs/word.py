"""The report draft as a Word document, because analysts finish drafts in Word.

Converts the Markdown that report templates produce (headings, paragraphs, quotes, `**bold**`,
`*italic*`, pipe tables, backslash escapes) into real Word headings, paragraphs and tables, in
Times New Roman 13 pt as official documents use, with margins for A4.
"""

import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docx.document import Document as WordDocument

FONT = "Times New Roman"
SIZE_PT = 13
TABLE_SIZE_PT = 11
# A backslash escape (`\*`, `\[`: text from input, see render.markdown_text) is one literal
# character: it neither opens emphasis nor ends a table cell.
_INLINE = re.compile(
    r"(?P<bold>\*\*(?:\\.|[^*\\])+\*\*)|(?P<italic>\*(?:\\.|[^*\\])+\*)|(?:\\.|[^*\\])+|."
)
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_CELL_END = re.compile(r"\\.|\|")
_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$")
THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
WIDE_TABLE_COLUMNS = 6  # wider tables go on a landscape page, as official annexes do
# ... if their figures would not fit across portrait A4's 16 cm: 11-point Times New Roman
# averages about 0.19 cm a letter, and a cell's padding takes about two
PORTRAIT_TABLE_CHARACTERS = 82
CELL_PADDING = 2


def write_word(path: Path, markdown: str) -> None:
    document = markdown_to_word(markdown)
    document.save(str(path))


def markdown_to_word(markdown: str) -> "WordDocument":
    from docx import Document  # noqa: PLC0415

    document = Document()
    _set_up(document)
    lines = markdown.splitlines()
    index = 0
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            _paragraph(document, " ".join(paragraph))
            paragraph.clear()

    landscape = False
    while index < len(lines):
        line = lines[index].rstrip()
        heading = re.match(r"^(#{1,4})\s+(.*)$", line)
        if heading:
            flush()
            wide = _is_wide_table(_next_table(lines, index + 1))
            if wide != landscape:  # a heading goes on the same page as the wide table it heads
                _new_section(document, landscape=wide)
                landscape = wide
            document.add_heading(_plain(heading[2]), level=len(heading[1]))
        elif line.startswith("|"):
            flush()
            block = []
            while index < len(lines) and lines[index].startswith("|"):
                block.append(lines[index].rstrip())
                index += 1
            if _is_wide_table(block) and not landscape:
                _new_section(document, landscape=True)
                landscape = True
            _table(document, block)
            continue
        elif line.startswith(">"):
            flush()
            _paragraph(document, line.lstrip("> ").strip(), italic=True)
        elif not line.strip():
            flush()
        elif line.startswith(("- ", "* ")):  # a list item is a paragraph of its own
            flush()
            paragraph.append(line.strip())
        else:
            paragraph.append(line.strip())
        index += 1
    flush()
    return document


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


def _next_table(lines: list[str], start: int) -> list[str]:
    """The table that comes next, if the next content is one."""
    first = next((i for i in range(start, len(lines)) if lines[i].strip()), len(lines))
    block = []
    for line in lines[first:]:
        if not line.startswith("|"):
            break
        block.append(line.rstrip())
    return block


def _is_wide_table(block: list[str]) -> bool:
    """Many columns needing more than portrait width, a figure on one line (it never wraps)
    and a header on two at most: a short table of a few points stays with its text."""
    if not block or len(_cells(block[0])) < WIDE_TABLE_COLUMNS:
        return False
    header = [math.ceil(len(_plain(cell)) / 2) for cell in _cells(block[0])]
    rows = [_cells(line) for line in block[1:] if not _SEPARATOR.match(line)]
    widths = [
        max([width, *(len(_plain(row[c])) for row in rows if c < len(row))])
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


def _pieces(text: str) -> list[tuple[str, str]]:
    """(`bold` | `italic` | ``, literal text) in order, the escapes undone."""
    pieces = []
    for match in _INLINE.finditer(text):
        style = match.lastgroup or ""
        inner = match[0][2:-2] if style == "bold" else match[0][1:-1] if style else match[0]
        pieces.append((style, _ESCAPED.sub(r"\1", inner)))
    return pieces


def _plain(text: str) -> str:
    return "".join(piece for _, piece in _pieces(text))


def _runs(target: Any, text: str, italic: bool = False) -> None:
    for style, piece in _pieces(text):
        if style == "bold":
            target.add_run(piece).bold = True
        elif style == "italic":
            target.add_run(piece).italic = True
        else:
            target.add_run(piece).italic = italic or None


def _paragraph(document: "WordDocument", text: str, italic: bool = False) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415

    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _runs(paragraph, text, italic)


def _cells(line: str) -> list[str]:
    """The cells of a table row, split at each pipe that is not escaped (`\\|`)."""
    text, cells, start = line.strip(), [], 0
    for match in _CELL_END.finditer(text):
        if match[0] == "|":
            cells.append(text[start : match.start()].strip())
            start = match.end()
    cells.append(text[start:].strip())
    if text.startswith("|"):
        cells = cells[1:]
    if len(cells) > 1 and not cells[-1]:
        cells = cells[:-1]
    return cells


def _table(document: "WordDocument", block: list[str]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: PLC0415
    from docx.oxml import OxmlElement  # noqa: PLC0415
    from docx.shared import Pt  # noqa: PLC0415

    rows = [_cells(line) for line in block if not _SEPARATOR.match(line)]
    if not rows:
        return
    width = max(len(r) for r in rows)
    table = document.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            paragraph = cell.paragraphs[0]
            if r == 0 and text:
                paragraph.add_run(_plain(text)).bold = True
            else:
                _runs(paragraph, text)
            for run in paragraph.runs:
                run.font.size = Pt(TABLE_SIZE_PT)
            if r > 0 and c > 0:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))  # a number on one line
