"""The documents of the year in the administrative layout of Nghị định 30/2020/NĐ-CP, read back
from each `.docx` (cycle-documents.md §1–2): page, fonts of every style, the header table and its
two rules, the kind, the signature block and the recipients; who signs and where from the bloc's
`[[terms]]`, the legal bases in force on the document's date, board names from the bloc file."""

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from ipstat.contract.blocs import Term
from ipstat.contract.legal import LegalText, LegalTexts, load_legal
from ipstat.contract.model import Contract
from tests.layout import SLOGAN_RULE, read_layout
from tests.year_documents import SAMPLE, run

BLOC_HEADING = ["KHỐI THI ĐUA BAN QUẢN LÝ", "CÁC KCN, KCX, KKT CÁC TỈNH", "ĐỒNG BẰNG SÔNG HỒNG"]
KINDS = {  # document → (kind, number)
    "bao-cao": ("BÁO CÁO", "Số:      /BC-KTĐ"),
    "de-nghi-khen-thuong": ("BÁO CÁO", "Số:      /BC-KTĐ"),
    "bien-ban": ("BIÊN BẢN", "Số:      /BB-KTĐ"),
    "to-trinh": ("TỜ TRÌNH", "Số:      /TTr-KTĐ"),
}


@pytest.mark.parametrize("name", list(KINDS))
def test_a_document_of_the_bloc_is_laid_out_and_signed_as_decree_30_asks(
    year_documents: dict[str, Path], name: str
) -> None:
    layout = read_layout(year_documents[name])
    assert layout.issuer == BLOC_HEADING and layout.issuer_bold
    assert layout.motto == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    issuer_rule, slogan_rule = layout.rules
    longest = 6.5  # the issuing body's longest line, about, in cm
    assert longest / 3 <= issuer_rule <= longest / 2  # 1/3 to 1/2 of its line
    assert slogan_rule == SLOGAN_RULE  # as long as the line
    assert (layout.kind, layout.number) == KINDS[name]
    assert layout.day == "Thái Bình, ngày 10 tháng 02 năm 2017" and layout.day_italic
    assert layout.signature[:3] == [
        "TM. KHỐI THI ĐUA",
        "KHỐI TRƯỞNG",
        "Ban Quản lý các KCN tỉnh Thái Bình",  # 2016's Khối trưởng signs 2016's documents
    ]
    assert layout.signature[3:-1] == [""] * 4 and layout.signature[-1].startswith("……")
    assert layout.recipients[0] == "Nơi nhận:" and layout.recipients[-1] == "- Lưu: VT."
    assert all(r.endswith(";") for r in layout.recipients[1:-1])


def test_the_pact_is_signed_by_every_member_board(year_documents: dict[str, Path]) -> None:
    from docx import Document

    layout = read_layout(year_documents["giao-uoc"])
    assert layout.kind == "GIAO ƯỚC THI ĐUA" and layout.number == "Số:      /GƯTĐ-KTĐ"
    assert layout.day == "Thái Bình, ngày 20 tháng 02 năm 2016"
    grid = Document(str(year_documents["giao-uoc"])).tables[-2]
    cells = [c for row in grid.rows for c in row.cells]
    boards = [c.paragraphs[0].text for c in cells if c.paragraphs[0].text]
    assert len(boards) == 11 and "Ban Quản lý các Khu công nghiệp và chế xuất Hà Nội" in boards
    assert all(c.paragraphs[1].text == "TRƯỞNG BAN" for c in cells if c.paragraphs[0].text)


def test_ballots_are_one_page_per_member_with_boxes(year_documents: dict[str, Path]) -> None:
    from docx import Document

    layout = read_layout_without_signature(year_documents["phieu-binh-xet"])
    assert layout == ("PHIẾU BÌNH XÉT THI ĐUA", "Thái Bình, ngày 10 tháng 02 năm 2017")
    word = Document(str(year_documents["phieu-binh-xet"]))
    pages = [p for p in word.paragraphs if p.text == "PHIẾU BÌNH XÉT THI ĐUA"]
    assert len(pages) == 11
    flag = word.tables[1]  # after the first page's header: the flag's candidates
    rows = [[c.text for c in row.cells] for row in flag.rows]
    assert rows[0] == ["Ban Quản lý", "Điểm", "Đồng ý", "Không đồng ý"]
    assert rows[1] == ["Ban Quản lý các KCN tỉnh Hải Dương", "102,00", "☐", "☐"]
    assert rows[2][0] == "Ban Quản lý các KCN tỉnh Nam Định" and len(rows) == 3


def read_layout_without_signature(path: Path) -> tuple[str, str]:
    from docx import Document

    from tests.layout import check_fonts, check_page

    word = Document(str(path))
    check_page(word)
    check_fonts(word)
    head = word.tables[0]
    kind = next(p.text for p in word.paragraphs if p.text.isupper())
    return kind, head.rows[1].cells[1].paragraphs[0].text


def test_the_letters_are_laid_out_by_the_same_writer(year_documents: dict[str, Path]) -> None:
    layout = read_layout(year_documents["thu-nhac"])
    assert layout.issuer == ["BAN QUẢN LÝ CÁC KCN TỈNH THÁI BÌNH"]
    assert len(layout.rules) == 2 and layout.rules[1] == SLOGAN_RULE
    assert layout.day == "Thái Bình, ngày 15 tháng 01 năm 2017"


def test_the_report_table_is_an_annex_after_the_signature(
    year_documents: dict[str, Path],
) -> None:
    """The members' table is too wide for portrait: it follows the signature on a landscape
    page, and the signature follows the text it signs."""
    from docx import Document
    from docx.enum.section import WD_ORIENT

    word = Document(str(year_documents["bao-cao"]))
    assert [s.orientation for s in word.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE]
    texts = ["".join(element.itertext()) for element in word.element.body]
    signed = next(i for i, t in enumerate(texts) if t.startswith("Nơi nhận:"))
    annex = next(i for i, t in enumerate(texts) if t.startswith("Số liệu theo thành viên"))
    prose = next(i for i, t in enumerate(texts) if t.startswith("Trong năm 2016, tổng doanh thu"))
    assert prose < signed < annex
    assert "Bản dự thảo do ipstat" not in "".join(texts)  # the draft's own note stays in the .md


def test_the_date_decides_the_legal_bases(contract: Contract) -> None:
    """A document cites the texts in force on its own date: the law of 2003 and its decrees
    before 2024, the law of 2022 and Nghị định 98/2023/NĐ-CP after."""
    legal = load_legal()
    before = [t.number for t in legal.in_force(dt.date(2017, 2, 10))]
    after = [t.number for t in legal.in_force(dt.date(2024, 3, 1))]
    assert "15/2003/QH11" in before and "06/2022/QH15" not in before
    assert "91/2017/NĐ-CP" not in before  # in force from 15/9/2017
    assert "06/2022/QH15" in after and "98/2023/NĐ-CP" in after and "15/2003/QH11" not in after
    assert [t.number for t in legal.in_force(dt.date(2023, 12, 31))].count("91/2017/NĐ-CP") == 1
    law = next(t for t in legal.texts if t.number == "06/2022/QH15")
    assert law.checked and law.citation == "Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022"


def test_an_unchecked_legal_text_is_a_warning_of_the_run_never_in_the_document(
    contract: Contract,
) -> None:
    from ipstat.outputs.frames import paper

    made = paper(contract, 2017, dt.date(2024, 3, 1))
    checked = LegalText(
        kind="Luật", number="1/2000/QH1", title="Luật A", issuer="Quốc hội",
        issued=dt.date(2000, 1, 1), in_force_from=dt.date(2000, 1, 1), checked=True,
    )  # fmt: skip
    unchecked = dataclasses.replace(checked, number="2/2000/QH1", title="Luật B", checked=False)
    made.legal = LegalTexts(texts=(checked, unchecked), source="legal.toml")
    bases = made.legal_bases()
    assert bases == ["Luật A ngày 01 tháng 01 năm 2000", "Luật B ngày 01 tháng 01 năm 2000"]
    made.legal_bases()  # a second document of the run: the entry is said once
    [notice] = made.notices
    assert notice.rule == "unchecked-legal-text" and notice.severity == "warning"
    assert notice.code == "2/2000/QH1" and notice.file == "legal.toml"


def test_the_sample_year_reproduces_the_2016_outcome(year_documents: dict[str, Path]) -> None:
    """The README's commands on the sample: the tờ trình proposes what the bloc proposed for
    2016, the minutes elect 2017's Khối trưởng and Khối phó; the citations not checked are
    warned about by the run, never in the text."""
    to_trinh = year_documents["to-trinh"].with_suffix(".md").read_text(encoding="utf-8")
    assert (
        "thống nhất đề nghị Bộ Kế hoạch và Đầu tư xem xét tặng Cờ thi đua cho Ban Quản lý các "
        "KCN tỉnh Hải Dương, Ban Quản lý các KCN tỉnh Nam Định và tặng Bằng khen cho 06 Ban "
        "Quản lý trong Khối"
    ) in to_trinh
    assert "Căn cứ Luật Thi đua, khen thưởng ngày 26 tháng 11 năm 2003;" in to_trinh
    assert "checked" not in to_trinh and "kiểm tra" not in to_trinh
    minutes = year_documents["bien-ban"].with_suffix(".md").read_text(encoding="utf-8")
    assert (
        "bầu Ban Quản lý các KCN tỉnh Hà Nam là Khối trưởng và Ban Quản lý các KCN tỉnh "
        "Hưng Yên là Khối phó"
    ) in minutes
    assert "09/11 thành viên" in minutes


def test_a_year_without_a_term_row_is_refused_naming_the_bloc_file(tmp_path: Path) -> None:
    shipped = Path(__file__).parents[1] / "schemas" / "blocs" / "dbsh-2016.toml"
    bloc = tmp_path / "khoi.toml"
    text = shipped.read_text(encoding="utf-8")
    bloc.write_text(text[: text.index("[[terms]]")] + text[text.index("[[members]]") :])
    out = tmp_path / "out"
    code, _, err = run("aggregate", str(SAMPLE), "--out", str(out), "--docx", "--bloc", str(bloc))
    assert code == 2 and "khoi.toml chưa ghi Khối trưởng năm 2016" in err
    assert "[[terms]]" in err and not out.exists() and "Traceback" not in err
    code, _, _ = run("aggregate", str(SAMPLE), "--out", str(out), "--bloc", str(bloc))
    assert code == 0  # no Word document: nobody needs to sign


def test_an_inferred_term_is_said_when_a_document_is_signed_under_it(tmp_path: Path) -> None:
    code, out, _ = run(
        "aggregate", str(SAMPLE), "--out", str(tmp_path), "--docx", "--date", "10/02/2017"
    )
    assert code == 0 and "Khối trưởng năm 2016 (Thái Bình) được suy ra" in out
    assert "dbsh-2016.toml" in out


@pytest.mark.parametrize(
    ("date", "said"),
    [
        ("2017-02-10", "không đúng dạng DD/MM/YYYY"),
        ("31/02/2017", "không có trong lịch"),
        ("10/02/1800", "nằm ngoài khoảng"),
    ],
)
def test_a_wrong_date_is_a_vietnamese_error(tmp_path: Path, date: str, said: str) -> None:
    code, _, err = run("aggregate", str(SAMPLE), "--out", str(tmp_path / "o"), "--date", date)
    assert code == 2 and said in err and "--date" in err
    assert not (tmp_path / "o").exists()


def test_report_docx_is_signed_for_the_documents_bloc(tmp_path: Path) -> None:
    assert run("aggregate", str(SAMPLE), "--out", str(tmp_path))[0] == 0
    document = tmp_path / "tong-hop-2016.json"
    code, out, err = run("report", str(document), "--format", "docx", "--date", "03/03/2017")
    assert code == 0, out + err
    layout = read_layout(tmp_path / "bao-cao-2016.docx")
    assert layout.day == "Thái Bình, ngày 03 tháng 3 năm 2017"
    assert layout.kind == "BÁO CÁO"


def test_the_bloc_and_its_terms_check_their_members(contract: Contract) -> None:
    with pytest.raises(ValueError, match="Năm 2018: “Lào Cai” không phải là thành viên"):
        dataclasses.replace(
            contract.bloc, terms=(Term(year=2018, leader="Lào Cai", place="Lào Cai"),)
        )
    assert contract.bloc.term(2017) == Term(
        year=2017, leader="Hà Nam", deputy="Hưng Yên", place="Hà Nam"
    )
    assert contract.bloc.term(2016) is not None and contract.bloc.term(2016).inferred  # type: ignore[union-attr]


def test_board_names_come_from_the_bloc_file_everywhere(
    year_documents: dict[str, Path], tmp_path: Path
) -> None:
    """Hà Nội and Hải Phòng are cities: "Ban Quản lý các KCN tỉnh Hà Nội" is never written."""
    import openpyxl

    form = tmp_path / "bieu-ha-noi.xlsx"
    assert run("template", "--year", "2017", "--member", "Hà Nội", "-o", str(form))[0] == 0
    info = {r[0].value: r[2].value for r in openpyxl.load_workbook(form)["Thông tin"].iter_rows()}
    assert info["don_vi"] == "Ban Quản lý các Khu công nghiệp và chế xuất Hà Nội"
    folder = year_documents["to-trinh"].parent
    written = [p.read_text(encoding="utf-8") for p in folder.glob("*.md")]
    written += [p.read_text(encoding="utf-8") for p in folder.glob("*.json")]
    assert any("Ban Quản lý các Khu công nghiệp và chế xuất Hà Nội" in t for t in written)
    assert not any("tỉnh Hà Nội" in t or "tỉnh Hải Phòng" in t for t in written)


def test_an_old_forms_wrong_board_name_gives_way_to_the_bloc_file(contract: Contract) -> None:
    from ipstat.commands.score import unit_name
    from ipstat.reading.located import Submission

    old = Submission(Path("x.xlsx"), member="Hà Nội")
    old.info["don_vi"] = "Ban Quản lý các KCN tỉnh Hà Nội"  # the old form's default
    assert unit_name(old, contract) == "Ban Quản lý các Khu công nghiệp và chế xuất Hà Nội"
    own = Submission(Path("y.xlsx"), member="Hà Nam")
    own.info["don_vi"] = "Ban Quản lý các khu công nghiệp tỉnh Hà Nam"
    assert unit_name(own, contract) == "Ban Quản lý các khu công nghiệp tỉnh Hà Nam"
    assert unit_name(Submission(Path("z.xlsx"), member="Hải Phòng"), contract) == (
        "Ban Quản lý Khu kinh tế Hải Phòng"
    )
