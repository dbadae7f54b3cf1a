from pathlib import Path

import docx
import pytest
from docx.shared import Pt
from typer.testing import CliRunner

from ipstat.cli import app
from ipstat.outputs.word import write_word

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def word(tmp_path_factory: pytest.TempPathFactory) -> docx.document.Document:
    path = tmp_path_factory.mktemp("w") / "bao-cao.docx"
    write_word(path, (GOLDEN / "bao-cao-2016.md").read_text(encoding="utf-8"))
    return docx.Document(str(path))


def test_real_headings(word: docx.document.Document) -> None:
    styled = [(p.style.name if p.style else "", p.text) for p in word.paragraphs]
    headings = [(style, text) for style, text in styled if style.startswith("Heading")]
    assert headings[0] == ("Heading 1", "Báo cáo tổng hợp số liệu các KCN, KCX, KKT năm 2016")
    assert ("Heading 2", "Kết quả sản xuất kinh doanh của doanh nghiệp") in headings


def test_figures_in_paragraphs(word: docx.document.Document) -> None:
    text = "\n".join(p.text for p in word.paragraphs)
    assert "4.841,2 triệu USD" in text and "(đạt 45,9% tổng vốn DDI đăng ký)" in text
    assert "**" not in text


def test_member_table_is_a_word_table(word: docx.document.Document) -> None:
    [table] = word.tables
    assert len(table.rows) == 13 and len(table.columns) == 9
    assert table.cell(0, 0).text == "Thành viên"
    assert [c.text for c in table.rows[-1].cells][:3] == ["Tổng Khối", "257", "4.841,2"]
    assert table.rows[-1].cells[0].paragraphs[0].runs[0].bold


def test_times_new_roman_13(word: docx.document.Document) -> None:
    normal = word.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size == Pt(13)
    fonts = normal.element.rPr.rFonts
    assert (
        fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "Times New Roman"
    )


def test_report_and_aggregate_write_docx(tmp_path: Path) -> None:
    runner = CliRunner()
    document = tmp_path / "tong-hop-2016.json"
    document.write_bytes((GOLDEN / "tong-hop-2016.json").read_bytes())
    result = runner.invoke(app, ["report", str(document), "--format", "docx"])
    assert result.exit_code == 0 and (tmp_path / "bao-cao-2016.docx").is_file()
    sample = Path(__file__).parents[1] / "sample_data" / "2016"
    result = runner.invoke(app, ["aggregate", str(sample), "--out", str(tmp_path / "o"), "--docx"])
    assert result.exit_code == 0 and (tmp_path / "o" / "bao-cao-2016.docx").is_file()


def test_a_wide_table_gets_a_landscape_page(word: docx.document.Document) -> None:
    from docx.enum.section import WD_ORIENT

    orientations = [s.orientation for s in word.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE]
    width, height = word.sections[1].page_width, word.sections[1].page_height
    assert width is not None and height is not None and width > height
    body = word.element.body
    heading = next(p for p in word.paragraphs if p.text == "Số liệu theo thành viên")
    section_break = word.sections[0]._sectPr.getparent().getparent()
    order = list(body)
    assert order.index(section_break) < order.index(heading._p)


def test_headings_name_times_new_roman_and_no_theme_font(word: docx.document.Document) -> None:
    """A theme attribute beside w:ascii would make Word print the heading in Calibri."""
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for level in range(1, 5):
        fonts = word.styles[f"Heading {level}"].element.rPr.rFonts
        assert dict(fonts.attrib) == {
            f"{w}{name}": "Times New Roman" for name in ("ascii", "hAnsi", "eastAsia", "cs")
        }


def test_a_short_table_of_many_columns_stays_on_the_portrait_page(tmp_path: Path) -> None:
    """Six columns of a few digits fit across portrait A4: no landscape page of its own."""
    from docx.enum.section import WD_ORIENT

    short = "| Thành viên | Xếp hạng | Nhóm I | Nhóm II | Nhóm III | Tổng điểm |\n"
    short += "|---|---:|---:|---:|---:|---:|\n| Hà Nam | 1 | 61,00 | 29,50 | 10,00 | 100,50 |\n"
    write_word(tmp_path / "a.docx", f"# Kết quả\n\n{short}")
    word = docx.Document(str(tmp_path / "a.docx"))
    assert [s.orientation for s in word.sections] == [WD_ORIENT.PORTRAIT]


def test_list_items_are_paragraphs_of_their_own(tmp_path: Path) -> None:
    write_word(tmp_path / "a.docx", "Điều chỉnh:\n- Hà Nam: 10 điểm.\n- Nam Định: 5 điểm.\n")
    texts = [p.text for p in docx.Document(str(tmp_path / "a.docx")).paragraphs]
    assert texts == ["Điều chỉnh:", "- Hà Nam: 10 điểm.", "- Nam Định: 5 điểm."]
