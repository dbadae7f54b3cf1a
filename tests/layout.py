"""The administrative layout of Nghị định 30/2020/NĐ-CP read back from a `.docx`: what a test
asserts of every document ipstat writes to be signed (cycle-documents.md §1)."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

FONT = "Times New Roman"
EMU_PER_MM = 36000
THEME = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


def qn(tag: str) -> str:
    from docx.oxml.ns import qn as namespaced

    return namespaced(tag)


def is_rule(paragraph: Any) -> bool:
    """An empty paragraph drawn as a line by its top border, and its indents (cm, each side)."""
    pr = paragraph._p.pPr
    return (
        not paragraph.text
        and pr is not None
        and pr.find(f"{qn('w:pBdr')}/{qn('w:top')}") is not None
    )


def rule_length(paragraph: Any, cell_width_cm: float) -> float:
    form = paragraph.paragraph_format
    return float(cell_width_cm - form.left_indent.cm - form.right_indent.cm)


@dataclass
class Layout:
    issuer: list[str]
    issuer_bold: bool
    motto: list[str]
    rules: list[float]  # lengths in cm: under the issuing body, under the motto
    number: str
    day: str
    day_italic: bool
    kind: str
    recipients: list[str]
    signature: list[str]


def read_layout(path: Path) -> Layout:
    """The header table, the kind, the recipients and the signature of a document, checking on
    the way the page (A4, margins) and the fonts of every style."""
    from docx import Document

    document = Document(str(path))
    check_page(document)
    check_fonts(document)
    body = document.element.body
    assert body[0].tag == qn("w:tbl"), "the document opens with the header table"
    head = document.tables[0]
    assert len(head.rows) == 2 and len(head.columns) == 2
    issuer_cell, motto_cell = head.rows[0].cells
    number_cell, day_cell = head.rows[1].cells
    issuer = [p for p in issuer_cell.paragraphs if p.text]
    motto = [p for p in motto_cell.paragraphs if p.text]
    rules = [
        round(rule_length(p, cell.width.cm - 0.2), 2)
        for cell in (issuer_cell, motto_cell)
        for p in cell.paragraphs
        if is_rule(p)
    ]
    day = day_cell.paragraphs[0]
    kind = next((p.text for p in document.paragraphs if p.text.isupper() and p.runs[0].bold), "")
    foot = next(t for t in document.tables if t.rows[0].cells[0].paragraphs[0].text == "Nơi nhận:")
    recipients, signature = foot.rows[0].cells
    return Layout(
        issuer=[p.text for p in issuer],
        issuer_bold=all(r.bold for p in issuer for r in p.runs),
        motto=[p.text for p in motto],
        rules=rules,
        number=number_cell.paragraphs[0].text,
        day=day.text,
        day_italic=bool(day.runs and day.runs[0].italic),
        kind=kind,
        recipients=[p.text for p in recipients.paragraphs if p.text],
        signature=[p.text for p in signature.paragraphs],
    )


def check_page(document: Any) -> None:
    """A4 portrait (an annex may turn landscape), margins of Phụ lục I: top and bottom
    20–25 mm, left 30–35 mm, right 15–20 mm."""
    first = document.sections[0]
    assert (round(first.page_width / EMU_PER_MM), round(first.page_height / EMU_PER_MM)) == (
        210,
        297,
    )
    for section in document.sections:
        portrait = section.page_width < section.page_height
        if not portrait:
            continue
        assert 20 <= round(section.top_margin / EMU_PER_MM) <= 25
        assert 20 <= round(section.bottom_margin / EMU_PER_MM) <= 25
        assert 30 <= round(section.left_margin / EMU_PER_MM) <= 35
        assert 15 <= round(section.right_margin / EMU_PER_MM) <= 20


def check_fonts(document: Any) -> None:
    """Times New Roman in the defaults and in every style, no theme font anywhere in the
    styles, and no run naming another font."""
    styles = document.styles.element
    for fonts in styles.iter(qn("w:rFonts")):
        assert not any(qn(f"w:{a}") in fonts.attrib for a in THEME), fonts.attrib
        assert fonts.get(qn("w:ascii")) == FONT and fonts.get(qn("w:hAnsi")) == FONT
    defaults = styles.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}"
    )
    assert defaults is not None and defaults.get(qn("w:ascii")) == FONT
    for style in styles.findall(qn("w:style")):
        if style.get(qn("w:type")) == "numbering":
            continue
        fonts = style.find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        assert fonts is not None and fonts.get(qn("w:ascii")) == FONT, style.get(qn("w:styleId"))
    for fonts in document.element.body.iter(qn("w:rFonts")):
        assert fonts.get(qn("w:ascii")) in (None, FONT)


SLOGAN_RULE = 5.61  # cm: "Độc lập - Tự do - Hạnh phúc" in 13-point bold Times New Roman
