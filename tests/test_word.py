from collections.abc import Sequence
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.shared import Pt
from typer.testing import CliRunner

from ipstat.cli import app
from ipstat.outputs.word import markdown_to_word, write_word

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


# The look of a draft, block by block, as a reader of the .docx sees it: a paragraph is its
# style, alignment and runs; a run its text and looks (`b` bold, `i` italic, a size when set); a
# table cell its alignment (`RIGHT nowrap` for a figure) and runs; `PAGE` where a section ends.
# Then each section: orientation, page and margins (left, right, top, bottom) in cm.
Described = list[tuple[Any, ...]]
PAGE = ("PAGE",)
PORTRAIT = ("PORTRAIT", 21.0, 29.7, 3.0, 2.0, 2.0, 2.0)
LANDSCAPE = ("LANDSCAPE", 29.7, 21.0, 2.0, 2.0, 2.0, 2.0)


def _looks(run: Any) -> str:
    size = run.font.size
    looks = ["b" if run.bold else "", "i" if run.italic else "", f"{size.pt:g}pt" if size else ""]
    return " ".join(look for look in looks if look)


def _runs(paragraph: Any) -> tuple[tuple[str, str], ...]:
    return tuple((run.text, _looks(run)) for run in paragraph.runs)


def _alignment(paragraph: Any) -> str:
    return paragraph.alignment.name if paragraph.alignment is not None else ""


def describe(word: docx.document.Document) -> tuple[Described, list[tuple[Any, ...]]]:
    from docx.oxml.ns import qn
    from docx.table import Table

    blocks: Described = []
    for block in word.iter_inner_content():
        if isinstance(block, Table):
            rows = []
            for row in block.rows:
                cells = []
                for cell in row.cells:
                    [paragraph] = cell.paragraphs
                    tcpr = cell._tc.tcPr
                    nowrap = tcpr is not None and tcpr.find(qn("w:noWrap")) is not None
                    cells.append((f"{_alignment(paragraph)}{' nowrap' * nowrap}", _runs(paragraph)))
                rows.append(tuple(cells))
            blocks.append(("table", block.style.name if block.style else "", tuple(rows)))
        elif block._p.pPr is not None and block._p.pPr.sectPr is not None:
            assert not block.text
            blocks.append(PAGE)
        else:
            style = block.style.name if block.style else ""
            blocks.append((style, _alignment(block), _runs(block)))
    sections = []
    for s in word.sections:
        page = (s.page_width, s.page_height)
        lengths = (*page, s.left_margin, s.right_margin, s.top_margin, s.bottom_margin)
        sections.append((s.orientation.name, *(round(n.cm, 2) if n else None for n in lengths)))
    return blocks, sections


def heading(level: int, text: str) -> tuple[Any, ...]:
    return (f"Heading {level}", "", ((text, ""),))


def text(*runs: str | tuple[str, str]) -> tuple[Any, ...]:
    """A justified paragraph; a run given as a string has no looks."""
    return ("Normal", "JUSTIFY", tuple((r, "") if isinstance(r, str) else r for r in runs))


def table(*rows: Sequence[str | tuple[str, str]]) -> tuple[Any, ...]:
    """A table as the drafts lay one out: the header row bold, every cell after the first of
    a row right-aligned on one line, all in 11 pt."""
    described = []
    for r, row in enumerate(rows):
        cells = []
        for c, cell in enumerate(row):
            content, looks = (cell, "b" if r == 0 else "") if isinstance(cell, str) else cell
            runs = ((content, f"{looks} 11pt".strip()),) if content else ()
            cells.append(("RIGHT nowrap" if r and c else "", runs))
        described.append(tuple(cells))
    return ("table", "Table Grid", tuple(described))


def bold(content: str) -> tuple[str, str]:
    return (content, "b")


def test_the_golden_report_as_word_lays_it_out(word: docx.document.Document) -> None:
    members = [
        ["Vĩnh Phúc", "23", "435,7", "10", "2.640,8", "183", "3.739,8", "18", "69.400"],
        ["Ninh Bình", "8", "145,2", "7", "1.980,6", "61", "1.246,6", "7", "23.133"],
        ["Hà Nam", "12", "217,9", "8", "2.310,7", "92", "1.869,9", "8", "34.700"],
        ["Hải Dương", "22", "411,5", "11", "2.970,9", "173", "3.532,0", "18", "65.545"],
        ["Hưng Yên", "18", "338,9", "10", "2.805,8", "142", "2.908,7", "13", "53.978"],
        ["Nam Định", "6", "121,0", "7", "1.815,5", "51", "1.038,8", "10", "19.278"],
        ["Thái Bình", "5", "96,8", "6", "1.650,5", "41", "831,1", "9", "15.422"],
        ["Hà Nội", "59", "1.113,5", "22", "6.271,8", "468", "9.557,2", "15", "177.356"],
        ["Bắc Ninh", "51", "968,2", "14", "3.961,2", "407", "8.310,6", "15", "154.222"],
        ["Quảng Ninh", "12", "217,9", "9", "2.640,8", "91", "1.869,9", "10", "34.700"],
        ["Hải Phòng", "41", "774,6", "14", "3.961,2", "325", "6.648,5", "12", "123.378"],
    ]
    header = ["Thành viên", "Dự án FDI mới", "Vốn FDI mới (triệu USD)", "Dự án DDI mới"]
    header += ["Vốn DDI mới (tỷ đồng)", "Dự án FDI còn hiệu lực", "Vốn FDI đăng ký (triệu USD)"]
    header += ["KCN quy hoạch", "Lao động (người)"]
    total = ["Tổng Khối", "257", "4.841,2", "118", "33.009,6", "2.034", "41.552,9", "135"]
    total += ["771.112"]
    blocks, sections = describe(word)
    assert blocks == [
        heading(1, "Báo cáo tổng hợp số liệu các KCN, KCX, KKT năm 2016"),
        text(bold("Khối thi đua Ban Quản lý các KCN, KCX, KKT các tỉnh đồng bằng sông Hồng")),
        heading(2, "Công tác xúc tiến, thu hút đầu tư"),
        text(
            "Năm 2016, kết quả thu hút đầu tư vào các KCN, KCX, KKT của 11 tỉnh, thành phố khu "
            "vực đồng bằng sông Hồng như sau: có 375 dự án được cấp mới Giấy chứng nhận đăng ký "
            "đầu tư (GCNĐKĐT), trong đó có 257 dự án có vốn đầu tư nước ngoài (FDI) với tổng "
            "vốn đăng ký là 4.841,2 triệu USD và 118 dự án đầu tư trong nước (DDI) với tổng vốn "
            "đăng ký là 33.009,6 tỷ đồng; 928 lượt dự án thực hiện điều chỉnh GCNĐKĐT, trong "
            "đó có 742 lượt dự án FDI và 186 lượt dự án DDI. Tổng vốn đầu tư tăng thêm đạt "
            "1.550,3 triệu USD và 9.766,8 tỷ đồng."
        ),
        text(
            "Lũy kế đến ngày 31/12/2016, trên địa bàn các KCN, KKT của 11 tỉnh, thành phố có "
            "2.034 dự án FDI và 1.611 dự án DDI còn hiệu lực, với tổng vốn đăng ký đạt 41.552,9 "
            "triệu USD và 255.854,2 tỷ đồng. Vốn đầu tư thực hiện trong năm đạt 2.367,4 triệu "
            "USD và 8.849,3 tỷ đồng; vốn đầu tư của các doanh nghiệp đã thực hiện lũy kế là "
            "23.255,3 triệu USD (đạt 56% tổng vốn FDI đăng ký) và 117.412,5 tỷ đồng (đạt 45,9% "
            "tổng vốn DDI đăng ký)."
        ),
        heading(2, "Công tác quy hoạch, đầu tư xây dựng kết cấu hạ tầng KCN, KKT"),
        text(
            "Theo quy hoạch tổng thể được phê duyệt, tại 11 tỉnh, thành phố có 135 KCN với tổng "
            "diện tích 46.063,9 ha. Trong đó, có 65 KCN với tổng diện tích 14.085,4 ha đã đi "
            "vào hoạt động; 29 KCN với tổng diện tích 9.204,8 ha đang được đầu tư xây dựng hạ "
            "tầng kỹ thuật; 54 KCN đã có trạm xử lý nước thải tập trung."
        ),
        heading(2, "Kết quả sản xuất kinh doanh của doanh nghiệp"),
        text(
            "Trong năm 2016, tổng doanh thu đạt 46.643,5 triệu USD và 129.873 tỷ đồng; giá trị "
            "xuất khẩu đạt 38.277,8 triệu USD và 20.525,3 tỷ đồng; giá trị nhập khẩu đạt "
            "28.799,2 triệu USD và 21.752,5 tỷ đồng; nộp ngân sách 1.423,3 triệu USD và 6.826,5 "
            "tỷ đồng; tạo việc làm và thu nhập ổn định cho 771.112 người lao động."
        ),
        PAGE,  # the member table is wide: it and its heading go on a landscape page
        heading(2, "Số liệu theo thành viên"),
        table(header, *members, [bold(cell) for cell in total]),
        text(("Bản dự thảo do ipstat tổng hợp từ 11 tệp báo cáo của các thành viên.", "i")),
    ]
    assert sections == [PORTRAIT, LANDSCAPE]


# Text from input as render.markdown_text escapes it, and Markdown a template writes around it.
HOSTILE_MARKDOWN = r"""# Báo cáo \*x\* năm 2016

**Khối \*đậm\* giả** và *nghiêng \[a\](b)* cuối.

\*x\* và \[a\](b) và \<b\>in\</b\> và a\_b và \_x\_ và \`mã\` và \&amp; và http\://evil.example

\# không phải tiêu đề

\- không phải danh sách

1\. không phải danh sách đánh số

\> không phải trích dẫn

> Trích dẫn có **đậm** và \*sao\*.

Dòng một
dòng hai với \\ gạch chéo.

- Mục \*một\*: 10 điểm.
- Mục **hai**: 5 điểm.

## Bảng

| Thành viên | Ghi chú | Số |
|---|---|---:|
| Hà \*Nam\* | a \| b | 1,5 |
| \[bấm\](http\://evil.example) | \<b\>x\</b\> \# \_y\_ | **2** |
| **Tổng** | *nghiêng* | **3,5** |

## Bảng rộng \| phụ lục

| Thành viên | Dự án FDI mới | Vốn FDI mới (triệu USD) | Dự án DDI mới | Vốn DDI mới (tỷ đồng) | Ghi chú \| thêm |
|---|---:|---:|---:|---:|---:|
| Hà \*Nam\* | 12 | 217,9 | 8 | 2.310,7 | \<i\>không\</i\> và \[x\] và \*y\* |
| **Tổng Khối** | **12** | **217,9** | **8** | **2.310,7** | a \| b |

Đoạn trong trang ngang.

### Cấp ba \[x\]

#### Cấp bốn **đậm**
"""  # noqa: E501


def test_escaped_text_is_literal_in_word(tmp_path: Path) -> None:
    """Each escape one literal character: no emphasis, link, HTML, heading, list, quote or
    table cell of its own; the wide table measured by the text it shows."""
    write_word(tmp_path / "a.docx", HOSTILE_MARKDOWN)
    blocks, sections = describe(docx.Document(str(tmp_path / "a.docx")))
    wide = ["Thành viên", "Dự án FDI mới", "Vốn FDI mới (triệu USD)", "Dự án DDI mới"]
    wide += ["Vốn DDI mới (tỷ đồng)", "Ghi chú | thêm"]
    assert blocks == [
        heading(1, "Báo cáo *x* năm 2016"),
        text(bold("Khối *đậm* giả"), " và ", ("nghiêng [a](b)", "i"), " cuối."),
        text("*x* và [a](b) và <b>in</b> và a_b và _x_ và `mã` và &amp; và http://evil.example"),
        text("# không phải tiêu đề"),
        text("- không phải danh sách"),
        text("1. không phải danh sách đánh số"),
        text("> không phải trích dẫn"),
        text(("Trích dẫn có ", "i"), bold("đậm"), (" và *sao*.", "i")),
        text("Dòng một dòng hai với \\ gạch chéo."),
        text("- Mục *một*: 10 điểm."),
        text("- Mục ", bold("hai"), ": 5 điểm."),
        heading(2, "Bảng"),
        table(
            ["Thành viên", "Ghi chú", "Số"],
            ["Hà *Nam*", "a | b", "1,5"],
            ["[bấm](http://evil.example)", "<b>x</b> # _y_", bold("2")],
            [bold("Tổng"), ("nghiêng", "i"), bold("3,5")],
        ),
        PAGE,
        heading(2, "Bảng rộng | phụ lục"),
        table(
            wide,
            ["Hà *Nam*", "12", "217,9", "8", "2.310,7", "<i>không</i> và [x] và *y*"],
            [bold("Tổng Khối"), bold("12"), bold("217,9"), bold("8"), bold("2.310,7"), "a | b"],
        ),
        text("Đoạn trong trang ngang."),
        PAGE,
        heading(3, "Cấp ba [x]"),
        heading(4, "Cấp bốn đậm"),
    ]
    assert sections == [PORTRAIT, LANDSCAPE, PORTRAIT]


def test_what_a_draft_has_no_place_for_stays_the_text_written(tmp_path: Path) -> None:
    """Links, code, HTML, entities, rules and `_x_` are not read: Word shows what the template
    wrote. A line after a table that does not start with a pipe is text, not one more row."""
    markdown = (
        "_x_ [a](b) <http://x.example> `c` <b>d</b> &amp;\n\n---\n\n##### Cấp năm\n\n"
        "| A | B |\n|---|---|\n| 1 | 2 |\nGhi chú | không phải hàng\n\n"
        "1. Một\n2. Hai\n"
    )
    write_word(tmp_path / "a.docx", markdown)
    blocks, _ = describe(docx.Document(str(tmp_path / "a.docx")))
    assert blocks == [
        text("_x_ [a](b) <http://x.example> `c` <b>d</b> &amp;"),
        text("---"),
        text("##### Cấp năm"),
        table(["A", "B"], ["1", "2"]),
        text("Ghi chú | không phải hàng"),
        text("1. Một"),  # a numbered item a paragraph of its own, as a `- ` item
        text("2. Hai"),
    ]


def test_a_word_draft_not_made_again_is_kept_and_said_out_of_date(tmp_path: Path) -> None:
    """It may hold the clerk's own edits: never removed, never left unsaid."""
    from typer.testing import CliRunner

    from ipstat.cli import app

    sample = Path(__file__).parents[1] / "sample_data" / "2016"
    out = tmp_path / "ra"
    runner = CliRunner()
    assert (
        runner.invoke(app, ["aggregate", str(sample), "--out", str(out), "--docx"]).exit_code == 0
    )
    draft = (out / "bao-cao-2016.docx").read_bytes()
    again = runner.invoke(app, ["aggregate", str(sample), "--out", str(out)])
    assert again.exit_code == 0
    assert f"Chú ý: {out / 'bao-cao-2016.docx'} là bản của lần chạy trước" in again.stdout
    assert (out / "bao-cao-2016.docx").read_bytes() == draft
    third = runner.invoke(app, ["aggregate", str(sample), "--out", str(out), "--docx"])
    assert third.exit_code == 0 and "Chú ý" not in third.stdout


def test_a_table_costs_work_in_proportion_to_its_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 19 item 11: `Table.cell` rebuilt every cell of the table on each call, so a bloc
    of 199 members took half a minute. Counted, not timed: the cell and row objects python-docx
    makes for a table of 2N rows are at most twice those for N rows (quadratic work gives 4)."""
    made = {"objects": 0}
    for kind in (docx.table._Cell, docx.table._Row):
        original = kind.__init__

        def counting(self: Any, *args: Any, original: Any = original) -> None:
            made["objects"] += 1
            original(self, *args)

        monkeypatch.setattr(kind, "__init__", counting)
    work = {}
    for rows in (20, 40):
        made["objects"] = 0
        body = "".join(f"| Thành viên {r} | {r} | {r},5 |\n" for r in range(rows))
        markdown_to_word(f"| Thành viên | Dự án | Vốn |\n|---|---:|---:|\n{body}")
        work[rows] = made["objects"]
    assert 0 < work[40] <= 2 * work[20]
