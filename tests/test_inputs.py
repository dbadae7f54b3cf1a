"""Every input accounted for: files not read are listed, odd files and names never crash."""

import json
import os
import shutil
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from ipstat.base.errors import InputError
from ipstat.bloc.totals import aggregate_paths
from ipstat.checks.validation import READ_SUFFIXES, RESAVE, collect_workbooks
from ipstat.cli import app
from ipstat.contract.model import Contract

Make = Callable[..., Path]
SAMPLE = Path(__file__).parents[1] / "sample_data" / "2016"
NOT_READ = [".xlsb", ".csv", ".docx", ".pdf", ".jpg"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})
    return result.exit_code, result.stdout, result.stderr


def test_every_file_not_read_is_listed_with_what_to_do(make_workbook: Make, tmp_path: Path) -> None:
    make_workbook("ha-nam.xlsx")
    for suffix in NOT_READ:
        (tmp_path / f"bao-cao{suffix}").write_bytes(b"x")
    (tmp_path / "~$ha-nam.xlsx").write_bytes(b"lock")
    (tmp_path / ".DS_Store").write_bytes(b"x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_bytes(b"x")
    found, skipped = collect_workbooks([tmp_path])
    assert found == [tmp_path / "ha-nam.xlsx"]
    assert {".xlsx", ".xlsm", ".xls", ".ods"} == READ_SUFFIXES
    assert sorted(Path(s.file).suffix for s in skipped) == sorted(NOT_READ)
    by_suffix = {Path(s.file).suffix: s for s in skipped}
    assert "nhị phân" in by_suffix[".xlsb"].reason and by_suffix[".xlsb"].action == RESAVE
    for suffix in (".pdf", ".docx", ".jpg"):  # no Excel saves these as a workbook: ask for one
        assert "đề nghị thành viên gửi biểu bằng tệp Excel" in by_suffix[suffix].action
        assert "lưu lại" not in by_suffix[suffix].action

    code, out, _ = run("validate", str(tmp_path))
    assert code == 0 and "Các tệp không đọc (5)" in out and "5 tệp bỏ qua" in out
    assert "bao-cao.xlsb: sổ làm việc nhị phân (.xlsb), ipstat không đọc; hãy mở bằng Excel" in out
    assert "bao-cao.pdf: tệp PDF, không phải biểu báo cáo; số liệu không đọc được" in out
    code, out, _ = run("validate", "--format", "json", str(tmp_path))
    assert len(json.loads(out)["skipped"]) == 5


def test_a_folder_of_files_not_read_says_which_and_why(tmp_path: Path) -> None:
    (tmp_path / "ha-noi.xlsb").write_bytes(b"x")
    with pytest.raises(InputError, match=r"ha-noi\.xlsb: sổ làm việc nhị phân"):
        collect_workbooks([tmp_path])


def test_a_macro_workbook_is_read_for_its_values_with_a_note(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    """A member's `.xlsm`: values as saved, macros never run; the annotated copy is `.xlsx`."""
    path = with_macros(make_workbook(values={"fdi_new_capital": -1}), tmp_path / "bieu-ha-nam.xlsm")
    code, out, _ = run("validate", "--format", "json", str(path))
    findings = json.loads(out)["findings"]
    assert code == 1 and {f["rule"] for f in findings} == {"macro-workbook", "negative-value"}
    note = next(f for f in findings if f["rule"] == "macro-workbook")
    assert note["severity"] == "note" and "không chạy macro" in note["message"]
    code, out, _ = run("validate", str(path), "--annotate", str(tmp_path / "ghi-chu"))
    assert (tmp_path / "ghi-chu" / "bieu-ha-nam.xlsx").is_file()
    assert not list((tmp_path / "ghi-chu").glob("*.xlsm"))
    with zipfile.ZipFile(tmp_path / "ghi-chu" / "bieu-ha-nam.xlsx") as copy:
        assert "xl/vbaProject.bin" not in copy.namelist()
        assert b"macroEnabled" not in copy.read("[Content_Types].xml")
    code, out, _ = run("validate", str(with_macros(make_workbook(member="Hà Nội"), path)))
    assert code == 0 and "1 ghi chú" in out


def with_macros(workbook: Path, path: Path) -> Path:
    """The workbook as Excel saves it with a VBA project: its content type and the macros."""
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(path, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "[Content_Types].xml":
                data = data.replace(
                    b"openxmlformats-officedocument.spreadsheetml.sheet", b"ms-excel.sheet"
                )
                data = data.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
            target.writestr(entry, data)
        target.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0" + bytes(4096))
    return path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_without_being_opened(make_workbook: Make, tmp_path: Path) -> None:
    make_workbook("ha-nam.xlsx")
    fifo = tmp_path / "bieu.xlsx"
    os.mkfifo(fifo)
    result: list[tuple[int, str, str]] = []
    worker = threading.Thread(target=lambda: result.append(run("validate", str(tmp_path))))
    worker.start()
    worker.join(timeout=20)
    if worker.is_alive():  # it opened the FIFO: unblock it so the suite can end
        with open(fifo, "wb"):
            pass
        pytest.fail("validate blocked on a FIFO")
    code, out, _ = result[0]
    assert code == 0 and "bieu.xlsx: không phải tệp thông thường" in out
    code, _, err = run("validate", str(fifo))
    assert code == 2 and "không phải tệp thông thường" in err


@pytest.mark.skipif(os.name != "posix", reason="only POSIX file names can be any bytes")
def test_a_file_name_that_is_not_utf8_is_shown(make_workbook: Make, tmp_path: Path) -> None:
    name = os.fsdecode(b"bieu-ha-nam-\xff.xlsx")
    try:
        path = make_workbook().rename(tmp_path / name)
    except (OSError, UnicodeError):
        pytest.skip("this file system refuses names that are not UTF-8")
    (tmp_path / os.fsdecode(b"ghi-chu-\xfe.docx")).write_bytes(b"x")
    code, out, _ = run("validate", str(tmp_path))
    assert code == 0 and "bieu-ha-nam-\\xff.xlsx" in out and "ghi-chu-\\xfe.docx" in out
    code, out, _ = run("validate", "--format", "json", str(path.parent))
    assert json.loads(out.encode("utf-8"))["skipped"][0]["file"].endswith("ghi-chu-\\xfe.docx")


def test_a_missing_member_names_a_skipped_file_that_may_be_its(
    contract: Contract, tmp_path: Path
) -> None:
    inbox = tmp_path / "nhan-ve"
    shutil.copytree(SAMPLE, inbox)
    (inbox / "bieu-ha-nam-2016.xlsx").rename(inbox / "bieu-ha-nam-2016.xlsb")
    (inbox / "bieu-ha-noi-2016.xlsx").rename(inbox / "Báo cáo Hà Nội.csv")
    run_ = aggregate_paths([inbox], contract)
    missing = {f.message for f in run_.validation.report.bloc_findings}
    assert (
        "Chưa nhận được báo cáo của Hà Nam. Tệp “bieu-ha-nam-2016.xlsb” đã bị bỏ qua (sổ làm "
        f"việc nhị phân (.xlsb), ipstat không đọc) có thể là của Hà Nam: {RESAVE}." in missing
    )
    assert any(m.startswith("Chưa nhận được báo cáo của Hà Nội. Tệp “Báo cáo") for m in missing)
    assert not any("Hà Nam" in m and "Hà Nội" in m for m in missing)


def test_aggregate_warnings_name_their_file(tmp_path: Path) -> None:
    inbox = tmp_path / "nhan-ve"
    shutil.copytree(SAMPLE, inbox)
    book = openpyxl.load_workbook(inbox / "bieu-ha-nam-2016.xlsx")
    for row in book["Chỉ tiêu"].iter_rows():
        if row[0].value == "workers":
            row[3].value = str(row[3].value)  # a text number: a warning, not an error
    book.save(inbox / "bieu-ha-nam-2016.xlsx")
    (inbox / "bieu-ha-noi-2016.xlsx").rename(inbox / "bieu-ha-noi-2016.xlsb")
    code, out, _ = run("aggregate", str(inbox), "--out", str(tmp_path / "out"))
    assert code == 0
    lines = out.splitlines()
    assert any(
        "bieu-ha-nam-2016.xlsx" in line and "Số được nhập dạng chữ" in line for line in lines
    )
    assert any("Toàn Khối" in line and "Thành viên chưa gửi báo cáo" in line for line in lines)
    assert "bieu-ha-noi-2016.xlsb: sổ làm việc nhị phân" in out


def test_a_path_the_system_refuses_is_a_vietnamese_message(tmp_path: Path) -> None:
    code, _, err = run("validate", str(tmp_path / ("x" * 300 + ".xlsx")))
    assert code == 2 and "quá dài" in err and "Traceback" not in err


def test_a_copy_openpyxl_cannot_open_is_not_blamed_on_the_system(
    make_workbook: Make, tmp_path: Path
) -> None:
    """openpyxl's IOError for a package it does not understand is no OS error."""
    source = make_workbook(values={"fdi_new_capital": -1})
    path = tmp_path / "la.xlsx"
    with zipfile.ZipFile(source) as book, zipfile.ZipFile(path, "w") as target:
        for entry in book.infolist():
            data = book.read(entry)
            if entry.filename == "[Content_Types].xml":
                data = data.replace(b"sheet.main+xml", b"la.main+xml")
            target.writestr(entry, data)
    code, _, err = run("validate", str(path), "--annotate", str(tmp_path / "ghi-chu"))
    assert code == 1
    assert "openpyxl không mở lại được tệp này" in err and "hệ điều hành" not in err


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_link_to_nothing_or_to_itself_is_said_as_such(
    make_workbook: Make, tmp_path: Path
) -> None:
    make_workbook("ha-nam.xlsx")
    try:
        os.symlink(tmp_path / "khong-co.xlsx", tmp_path / "chet.xlsx")
        os.symlink(tmp_path / "vong.xlsx", tmp_path / "vong.xlsx")
    except OSError:
        pytest.skip("this system does not let us make symbolic links")
    code, out, _ = run("validate", str(tmp_path))
    assert code == 0
    assert "chet.xlsx: liên kết (lối tắt) trỏ tới một tệp không còn ở đó" in out
    assert "vong.xlsx: liên kết (lối tắt) trỏ vòng về chính nó" in out
    assert "FIFO" not in out
    code, _, err = run("validate", str(tmp_path / "chet.xlsx"))
    assert code == 2 and "trỏ tới một tệp không còn ở đó" in err


def test_a_pdf_named_on_the_command_line_is_skipped_as_in_a_folder(
    make_workbook: Make, tmp_path: Path
) -> None:
    pdf = tmp_path / "cong-van.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    code, _, err = run("validate", str(pdf))
    assert code == 2 and "cong-van.pdf: tệp PDF, không phải biểu báo cáo" in err
    code, out, _ = run("validate", str(pdf), str(make_workbook()))
    assert code == 0 and "1 tệp bỏ qua" in out


def test_the_adjustments_workbook_is_not_taken_for_a_report(tmp_path: Path) -> None:
    """`template --adjustments` writes the secretariat's own sheet: `validate` says what it is."""
    path = tmp_path / "dieu-chinh-2017.xlsx"
    assert run("template", "--adjustments", "--year", "2017", "-o", str(path))[0] == 0
    code, out, _ = run("validate", str(path))
    assert code == 0 and "Thiếu trang" not in out
    assert "dieu-chinh-2017.xlsx: bảng điều chỉnh điểm của Thường trực Khối" in out
    assert "ipstat score … --adjustments" in out
