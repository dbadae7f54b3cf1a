"""Letters to members not yet `da-tiep-nhan`: each status, the NĐ 30 date line, own templates."""

import dataclasses
import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ipstat.bloc.inbox import InboxStatus
from ipstat.checks.validation import LEDGER_NAME
from ipstat.cli import app
from ipstat.commands.status import track
from ipstat.contract.blocs import Term
from ipstat.contract.model import Contract
from ipstat.outputs.letters import date_line, no_letter, render_letters, write_letters
from ipstat.outputs.render import TemplateProblem
from tests.markup import HOSTILE, HOSTILE_SHOWN, INJECTED, parse

Make = Callable[..., Path]
runner = CliRunner()


def is_rule(paragraph: Any) -> bool:
    """An empty paragraph drawn as a line: its top border."""
    from docx.oxml.ns import qn

    pr = paragraph._p.pPr
    return (
        not paragraph.text
        and pr is not None
        and pr.find(f"{qn('w:pBdr')}/{qn('w:top')}") is not None
    )


@pytest.mark.parametrize(
    ("day", "line"),
    [
        (dt.date(2018, 1, 15), "Hà Nam, ngày 15 tháng 01 năm 2018"),
        (dt.date(2018, 2, 5), "Hà Nam, ngày 05 tháng 02 năm 2018"),
        (dt.date(2018, 3, 9), "Hà Nam, ngày 09 tháng 3 năm 2018"),
        (dt.date(2018, 12, 25), "Hà Nam, ngày 25 tháng 12 năm 2018"),
    ],
)
def test_date_line_as_decree_30_2020_writes_it(day: dt.date, line: str) -> None:
    assert date_line("Hà Nam", day) == line


@pytest.fixture
def inbox(make_workbook: Make, tmp_path: Path) -> Path:
    """Hà Nam accepted, Bắc Ninh to fix (an error and a warning), the rest not sent."""
    folder = tmp_path / "nhan-ve"
    folder.mkdir()
    make_workbook("nhan-ve/ha-nam.xlsx", year=2017)
    make_workbook(
        "nhan-ve/bac-ninh.xlsx",
        member="Bắc Ninh",
        year=2017,
        values={"workers": -5, "budget_vnd": "477,86"},
    )
    stamp = dt.datetime(2018, 1, 16, 8, 0).timestamp()
    for path in folder.iterdir():
        os.utime(path, (stamp, stamp))
    return folder


def status(inbox: Path, contract: Contract) -> InboxStatus:
    return track(inbox, contract, now=dt.datetime(2018, 1, 15, 9, 0)).status


def test_a_letter_for_every_member_not_accepted(inbox: Path, contract: Contract) -> None:
    texts = render_letters(status(inbox, contract), contract, None, dt.date(2018, 1, 15))
    assert len(texts) == 10 and "thu-nhac-ha-nam-2017" not in texts
    assert "thu-nhac-bac-ninh-2017" in texts and "thu-nhac-ha-noi-2017" in texts


def test_letter_for_a_member_who_has_not_sent(inbox: Path, contract: Contract) -> None:
    inbox_status = status(inbox, contract)
    before = render_letters(inbox_status, contract, None, dt.date(2018, 1, 15))
    letter = before["thu-nhac-ha-noi-2017"]
    assert "Kính gửi: Ban Quản lý các Khu công nghiệp và chế xuất Hà Nội." in letter
    assert "Kính gửi: Ban Quản lý các KCN tỉnh Vĩnh Phúc." in before["thu-nhac-vinh-phuc-2017"]
    assert "BAN QUẢN LÝ CÁC KCN TỈNH HÀ NAM" in letter  # the Khối trưởng's board sends
    assert "Hà Nam, ngày 15 tháng 01 năm 2018" in letter
    assert "V/v gửi báo cáo số liệu các KCN, KCX, KKT năm 2017" in letter
    assert "chậm nhất ngày 20/01/2018" in letter and "quá hạn" not in letter
    assert "trước ngày" not in letter  # one deadline, said one way (QA 17)
    late = dataclasses.replace(inbox_status.members[7], days_late=5)
    inbox_status.members[7] = late
    after = render_letters(inbox_status, contract, None, dt.date(2018, 1, 25))
    assert "quá hạn 5 ngày" in after["thu-nhac-ha-noi-2017"]
    assert "sớm nhất có thể" in after["thu-nhac-ha-noi-2017"]


def test_letter_for_a_member_to_fix_lists_every_cell(inbox: Path, contract: Contract) -> None:
    inbox_status = status(inbox, contract)
    entry = next(m for m in inbox_status.members if m.member.name == "Bắc Ninh")
    assert entry.version is not None
    letter = render_letters(inbox_status, contract, None, dt.date(2018, 1, 17))[
        "thu-nhac-bac-ninh-2017"
    ]
    assert "V/v chỉnh sửa báo cáo" in letter
    assert "tệp “bac-ninh.xlsx”, nhận lúc 16/01/2018 08:00" in letter
    labels = {i.code: i.label for i in contract.form.indicators}
    for finding in entry.version.findings:
        assert finding.code in labels and f"({finding.code})" in finding.message
        formal = finding.message.replace(f"({finding.code})", f"({labels[finding.code]})")
        assert formal in letter  # the label, never the internal code (QA 17)
        assert f"({finding.code})" not in letter
    errors = [f for f in entry.version.findings if f.is_error]
    assert len(errors) == 1 and "còn 01 lỗi cần sửa" in letter  # two digits, as elsewhere
    assert "xem lại 01 điểm" in letter  # the text number is a warning to check
    assert "Kèm theo" not in letter  # no annotated copy was written: none is promised
    attached = render_letters(
        inbox_status, contract, None, dt.date(2018, 1, 17), {entry.version.file: "bac-ninh.xlsx"}
    )["thu-nhac-bac-ninh-2017"]
    assert "(tệp “bac-ninh.xlsx”)" in attached  # the annotated copy to attach


def with_terms(contract: Contract, *terms: Term) -> Contract:
    return dataclasses.replace(contract, bloc=dataclasses.replace(contract.bloc, terms=terms))


def test_the_lead_board_writes_no_letter_to_itself(inbox: Path, contract: Contract) -> None:
    """With Hà Nội as Khối trưởng and not sent, no letter from Hà Nội to Hà Nội (QA 10)."""
    lead = with_terms(contract, Term(year=2017, leader="Hà Nội", place="Hà Nội"))
    inbox_status = status(inbox, lead)
    texts = render_letters(inbox_status, lead, None, dt.date(2018, 1, 15))
    assert "thu-nhac-ha-noi-2017" not in texts and "thu-nhac-vinh-phuc-2017" in texts
    assert no_letter(inbox_status, lead) == [
        "Không soạn thư cho Hà Nội: đây là Khối trưởng, nơi gửi thư."
    ]
    assert no_letter(inbox_status, contract) == []  # Hà Nam, the lead, is accepted


def test_the_sender_and_place_are_the_years_khoi_truong(inbox: Path, contract: Contract) -> None:
    """2017's Khối trưởng is Hà Nam (elected in 2016); another year's letters, its own."""
    other = with_terms(contract, Term(year=2017, leader="Hưng Yên", place="Hưng Yên"))
    letter = render_letters(status(inbox, contract), other, None, dt.date(2018, 1, 15))[
        "thu-nhac-ha-noi-2017"
    ]
    assert "Hưng Yên, ngày 15 tháng 01 năm 2018" in letter
    assert "BAN QUẢN LÝ CÁC KCN TỈNH HƯNG YÊN" in letter


def test_a_year_without_a_khoi_truong_is_refused_naming_the_bloc_file(
    inbox: Path, contract: Contract
) -> None:
    from ipstat.base.errors import InputError

    nobody = with_terms(contract, Term(year=2016, leader="Thái Bình", place="Thái Bình"))
    out = inbox.parent / "thu"
    with pytest.raises(InputError, match=r"dbsh-2016\.toml chưa ghi Khối trưởng năm 2017"):
        write_letters(status(inbox, contract), nobody, out, today=dt.date(2018, 1, 15))
    assert not out.exists()
    bloc = inbox.parent / "khoi.toml"
    text = (Path(contract.bloc_file)).read_text(encoding="utf-8")
    bloc.write_text(text.split("[[terms]]")[0] + MEMBERS_ONLY(text), encoding="utf-8")
    result = runner.invoke(app, ["status", str(inbox), "--bloc", str(bloc), "--letters", str(out)])
    assert result.exit_code == 2 and "khoi.toml chưa ghi Khối trưởng năm 2017" in result.stderr
    assert not out.exists() and "Traceback" not in result.output


def MEMBERS_ONLY(text: str) -> str:
    """The bloc file's members, without its terms."""
    return text[text.index("[[members]]") :]


def test_letters_are_written_as_markdown_and_word(inbox: Path, contract: Contract) -> None:
    from docx import Document

    out = inbox.parent / "thu"
    written = write_letters(status(inbox, contract), contract, out, today=dt.date(2018, 1, 15))
    assert len(written) == 20
    text = (out / "thu-nhac-bac-ninh-2017.md").read_text(encoding="utf-8")
    word = Document(str(out / "thu-nhac-bac-ninh-2017.docx"))
    paragraphs = "\n".join(p.text for p in word.paragraphs)
    assert "Kính gửi: Ban Quản lý các KCN tỉnh Bắc Ninh." in paragraphs
    assert "Kính gửi: Ban Quản lý các KCN tỉnh Bắc Ninh." in text


def test_a_template_error_is_a_clear_message_and_writes_nothing(
    inbox: Path, contract: Contract
) -> None:
    own = inbox.parent / "thu-cua-toi.md.j2"
    own.write_text("Kính gửi: {{ kinh_gui }}\n{{ ten_sai }}\n", encoding="utf-8")
    out = inbox.parent / "thu"
    with pytest.raises(
        TemplateProblem, match=r"thu-cua-toi\.md\.j2, dòng 2: không có biến `ten_sai`"
    ):
        write_letters(status(inbox, contract), contract, out, template=own)
    assert not out.exists()
    own.write_text("{% if %}", encoding="utf-8")
    with pytest.raises(TemplateProblem, match="lỗi cú pháp"):
        write_letters(status(inbox, contract), contract, out, template=own)


def test_an_own_template_is_sandboxed(inbox: Path, contract: Contract) -> None:
    own = inbox.parent / "thu.md.j2"
    own.write_text("{{ kinh_gui.__class__.__mro__ }}", encoding="utf-8")
    with pytest.raises(TemplateProblem):
        render_letters(status(inbox, contract), contract, own, dt.date(2018, 1, 15))


def test_cli_letters_template_error_exits_2_and_leaves_the_ledger(inbox: Path) -> None:
    own = inbox.parent / "thu.md.j2"
    own.write_text("{{ khong_co }}", encoding="utf-8")
    args: list[Any] = ["status", str(inbox), "--letters", str(inbox.parent / "thu")]
    result = runner.invoke(app, [*args, "--letter-template", str(own)])
    assert result.exit_code == 2
    assert "không có biến `khong_co`" in result.stderr and "Traceback" not in result.output
    assert not (inbox / LEDGER_NAME).exists()
    result = runner.invoke(app, [*args, "--annotate", str(inbox.parent / "ghi-chu")])
    assert result.exit_code == 1
    assert (inbox.parent / "thu" / "thu-nhac-bac-ninh-2017.docx").is_file()
    assert (inbox.parent / "ghi-chu" / "bac-ninh.xlsx").is_file()
    assert not (inbox.parent / "ghi-chu" / "ha-nam.xlsx").exists()


def test_cell_text_and_file_names_never_become_markdown_in_letters(
    make_workbook: Make, tmp_path: Path
) -> None:
    from docx import Document

    folder = tmp_path / "nhan-ve"
    folder.mkdir()
    name = "bac-ninh [bấm](evil.example) #1 _x_.xlsx"
    make_workbook(f"nhan-ve/{name}", member="Bắc Ninh", year=2017, values={"workers": HOSTILE})
    out = tmp_path / "thu"
    result = runner.invoke(app, ["status", str(folder), "--letters", str(out)])
    assert result.exit_code == 1, result.output
    text = (out / "thu-nhac-bac-ninh-2017.md").read_text(encoding="utf-8")
    parsed = parse(text)
    assert not parsed.kinds & INJECTED
    assert not any("Tiêu đề giả" in h for h in parsed.headings)
    assert any(HOSTILE_SHOWN in t for t in parsed.texts)  # the cell, quoted in a finding
    assert any(f"tệp “{name}”" in t for t in parsed.texts)
    word = Document(str(out / "thu-nhac-bac-ninh-2017.docx"))
    assert not any(
        "Tiêu đề giả" in p.text for p in word.paragraphs if p.style and p.style.name != "Normal"
    )
    assert any(HOSTILE_SHOWN in p.text for p in word.paragraphs)


def test_the_word_letter_is_laid_out_as_decree_30_2020_shows(
    inbox: Path, contract: Contract
) -> None:
    """Sender, number and subject beside the national motto and the date; `Kính gửi` centred;
    the recipients beside the signature block, with room to sign."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    out = inbox.parent / "thu"
    write_letters(status(inbox, contract), contract, out, today=dt.date(2018, 1, 15))
    word = Document(str(out / "thu-nhac-ha-noi-2017.docx"))
    assert word.element.body[0].tag.endswith("}tbl")  # the letter opens with the header
    head, foot = word.tables
    sender, motto = (list(cell.paragraphs) for cell in head.rows[0].cells)
    assert [p.text for p in sender] == ["BAN QUẢN LÝ CÁC KCN TỈNH HÀ NAM", ""]
    assert is_rule(sender[1])  # the short rule under the issuing body (issue 21)
    number, day = (list(cell.paragraphs) for cell in head.rows[1].cells)
    assert [p.text for p in number] == [
        "Số: ……/……",
        "V/v gửi báo cáo số liệu các KCN, KCX, KKT năm 2017",
    ]
    assert motto[0].text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and motto[0].runs[0].bold
    assert motto[1].text == "Độc lập - Tự do - Hạnh phúc" and motto[1].runs[0].bold
    assert is_rule(motto[2])  # and the rule under the motto
    assert day[0].text == "Hà Nam, ngày 15 tháng 01 năm 2018" and day[0].runs[0].italic
    assert head.columns[1].width > head.columns[0].width  # the motto on one line
    texts = [p.text for p in word.paragraphs]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in texts  # moved, not repeated
    to = next(p for p in word.paragraphs if p.text.startswith("Kính gửi:"))
    assert to.alignment == WD_ALIGN_PARAGRAPH.CENTER
    recipients, signature = ([p.text for p in cell.paragraphs] for cell in foot.rows[0].cells)
    assert recipients == ["Nơi nhận:", "- Như trên;", "- Lưu: VT."]
    assert signature[:2] == ["TRƯỞNG BAN", "(Ký, ghi rõ họ tên và đóng dấu)"]
    assert signature[2:] == [""] * 4  # the space to sign
    assert foot.rows[0].cells[0].paragraphs[0].runs[0].italic


def test_an_own_letter_without_the_decree_lines_is_left_as_written(
    inbox: Path, contract: Contract, tmp_path: Path
) -> None:
    from docx import Document

    own = tmp_path / "thu.md.j2"
    own.write_text("Kính gửi: {{ kinh_gui }}.\n\nĐề nghị gửi báo cáo.\n", encoding="utf-8")
    out = inbox.parent / "thu"
    write_letters(status(inbox, contract), contract, out, template=own, today=dt.date(2018, 1, 15))
    word = Document(str(out / "thu-nhac-ha-noi-2017.docx"))
    assert not word.tables
    assert [p.text for p in word.paragraphs][1] == "Đề nghị gửi báo cáo."


def test_a_late_correction_letter_says_when_the_first_version_came(
    make_workbook: Callable[..., Path], tmp_path: Path, contract: Contract
) -> None:
    """On time is judged by the first version (QA 22): the letter says which one it means."""
    folder = tmp_path / "hop-thu"
    folder.mkdir()
    for name, at, workers in (("bn.xlsx", 19, -1), ("bn-sua.xlsx", 24, -2)):
        path = make_workbook(
            f"hop-thu/{name}", member="Bắc Ninh", year=2017, values={"workers": workers}
        )
        stamp = dt.datetime(2018, 1, at, 8, 0).timestamp()
        os.utime(path, (stamp, stamp))
    inbox_status = track(folder, contract, now=dt.datetime(2018, 1, 25, 9, 0)).status
    letter = render_letters(inbox_status, contract, None, dt.date(2018, 1, 25))[
        "thu-nhac-bac-ninh-2017"
    ]
    assert (
        "(tệp “bn-sua.xlsx”, nhận lúc 24/01/2018 08:00; bản đầu tiên nhận lúc 19/01/2018 08:00)"
        in letter
    )
    assert "sau hạn" not in letter


def test_day_counts_are_written_the_vietnamese_way(inbox: Path, contract: Contract) -> None:
    """Thousands are grouped in day counts as in every other number (3.231, not 3231)."""
    late = track(inbox, contract, now=dt.datetime(2026, 11, 25, 9, 0)).status
    out = inbox.parent / "thu"
    write_letters(late, contract, out, today=dt.date(2026, 11, 25))
    text = (out / "thu-nhac-ha-noi-2017.md").read_text(encoding="utf-8")
    assert "đã quá hạn 3.231 ngày" in text


def test_a_letter_asks_only_what_needs_doing_and_names_each_indicator_once(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    """A note (a name read another way) is not something to review; the indicator's name is
    said once a line whichever way the rule's sentence is written."""
    folder = tmp_path / "hop-thu"
    folder.mkdir()
    values: dict[str, Any] = {
        "workers": "12.345,6",
        "ddi_new_capital": -5,
        "zones_operating": None,
        "budget_vnd": "477,86",
        "zones_planned_area": 10,
    }
    make_workbook("hop-thu/bac-ninh.xlsx", member="Bac Ninh", year=2017, values=values)
    inbox_status = track(folder, contract, now=dt.datetime(2018, 1, 15, 9, 0)).status
    entry = next(m for m in inbox_status.members if m.member.name == "Bắc Ninh")
    assert entry.version is not None
    assert {f.rule for f in entry.version.findings if f.severity == "note"} == {"member-read-as"}
    letter = render_letters(inbox_status, contract, None, dt.date(2018, 1, 17))[
        "thu-nhac-bac-ninh-2017"
    ]
    assert "Bac Ninh" not in letter and "được đọc là" not in letter
    errors = [f for f in entry.version.findings if f.is_error]
    warnings = [f for f in entry.version.findings if f.severity == "warning"]
    assert f"còn {len(errors):02d} lỗi" in letter and f"xem lại {len(warnings):02d} điểm" in letter
    labels = [i.label for i in contract.form.indicators]
    lines = [line for line in letter.splitlines() if line[:1].isdigit()]
    assert len(lines) == len(errors) + len(warnings)
    for line in lines:
        for label in labels:
            assert line.count(label) <= 1, line


def test_the_attached_copy_of_an_xls_is_named_as_annotate_writes_it(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    from tests.legacy_books import to_xls

    folder = tmp_path / "hop-thu"
    folder.mkdir()
    xlsx = make_workbook(member="Bắc Ninh", year=2017, values={"workers": -5})
    to_xls(xlsx, folder / "bac-ninh.xls")
    tracked = track(
        folder,
        contract,
        now=dt.datetime(2018, 1, 15, 9, 0),
        letters=tmp_path / "thu",
        annotate=tmp_path / "ghi-chu",
    )
    assert tracked.annotated is not None
    assert [p.name for p in tracked.annotated.written] == ["bac-ninh.xlsx"]
    letter = (tmp_path / "thu" / "thu-nhac-bac-ninh-2017.md").read_text(encoding="utf-8")
    assert "tệp “bac-ninh.xls”, nhận lúc" in letter and "(tệp “bac-ninh.xlsx”)" in letter


def test_a_copy_that_could_not_be_written_is_not_promised(
    make_workbook: Make, contract: Contract, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "hop-thu"
    folder.mkdir()
    make_workbook("hop-thu/bac-ninh.xlsx", member="Bắc Ninh", year=2017, values={"workers": -5})

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("ipstat.outputs.annotate.write_atomic", refused)
    tracked = track(
        folder,
        contract,
        now=dt.datetime(2018, 1, 15, 9, 0),
        letters=tmp_path / "thu",
        annotate=tmp_path / "ghi-chu",
    )
    assert tracked.annotated is not None and tracked.annotated.problems
    letter = (tmp_path / "thu" / "thu-nhac-bac-ninh-2017.md").read_text(encoding="utf-8")
    assert "Kèm theo" not in letter and "Đề nghị quý Ban sửa và gửi lại báo cáo" in letter


def test_no_letter_needed_is_said(make_workbook: Make, contract: Contract, tmp_path: Path) -> None:
    folder = tmp_path / "hop-thu"
    folder.mkdir()
    for member in contract.bloc.names:
        make_workbook(f"hop-thu/{len(list(folder.iterdir()))}.xlsx", member=member, year=2017)
    result = runner.invoke(
        app, ["status", str(folder), "--year", "2017", "--letters", str(tmp_path / "thu")]
    )
    assert result.exit_code == 0, result.output
    assert "Không cần thư nào: mọi thành viên đã được tiếp nhận." in result.stderr
    assert not (tmp_path / "thu").exists()


def test_deadline_and_date_given_together_date_the_letters(inbox: Path) -> None:
    """`--deadline` as a clerk writes it beside `--date`: each keeps its own day."""
    out = inbox.parent / "thu"
    args = ["status", str(inbox), "--deadline", "10/01/2018", "--date", "25/01/2018"]
    result = runner.invoke(app, [*args, "--letters", str(out)])
    assert result.exit_code == 1, result.output
    text = (out / "thu-nhac-ha-noi-2017.md").read_text(encoding="utf-8")
    assert "ngày 25 tháng 01 năm 2018" in text and "10/01/2018" in text
