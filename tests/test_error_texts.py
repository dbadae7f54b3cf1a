"""What the operating system, SQLite and Jinja say is English; the user reads Vietnamese."""

import functools
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ipstat.base.errors import WorkbookError
from ipstat.bloc.ledger import Entry, LedgerError, ledger_path, open_ledger, read_ledger
from ipstat.cli import app
from ipstat.contract.model import Contract
from ipstat.outputs.render import TemplateProblem, render_template
from ipstat.reading.workbook import open_workbook
from tests.test_i18n import ENGLISH

runner = CliRunner()

# sqlite's and Python's own words, beyond click's (tests/test_i18n.py ENGLISH).
FOREIGN = [
    "database",
    "readonly",
    "unable",
    "locked",
    "such file",
    "directory",
    "attempt",
    "codec",
    "decode",
    "Expected",
    "unknown",
    "tag",
    "attribute",
    "unsafe",
    "template",
    "line",
    "statement",
    "block",
    "end of",
    "?:",
]


def assert_vietnamese(text: str) -> None:
    assert not ENGLISH.findall(text), text
    for word in FOREIGN:
        assert word.lower() not in text.lower(), (word, text)


def test_history_says_why_a_file_cannot_be_read(tmp_path: Path) -> None:
    result = runner.invoke(app, ["history", str(tmp_path / "nope")], prog_name="ipstat")
    assert result.exit_code == 2
    assert "không tìm thấy tệp hoặc thư mục" in result.stderr
    assert_vietnamese(result.stderr.replace(str(tmp_path), ""))


def test_a_folder_named_like_a_workbook_is_said_in_vietnamese(
    tmp_path: Path, contract: Contract
) -> None:
    with pytest.raises(WorkbookError) as caught:
        open_workbook(tmp_path, contract.form.limits)
    assert "thư mục chứ không phải tệp" in str(caught.value)


def entry() -> Entry:
    import datetime as dt

    return Entry("a" * 64, "Hà Nam", 2017, "ha-nam.xlsx", dt.datetime(2018, 1, 15), 0, 0)


def ledger_message(folder: Path) -> str:
    with pytest.raises(LedgerError) as caught, open_ledger(folder) as ledger:
        ledger.record(entry())
    message = str(caught.value)
    assert_vietnamese(message.replace(str(folder), ""))
    return message


@pytest.fixture
def written(tmp_path: Path) -> Path:
    with open_ledger(tmp_path) as ledger:
        ledger.record(entry())
    return tmp_path


def test_a_read_only_ledger(written: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Opened read-only, as SQLite does when the file may not be written (root ignores the
    file's mode, so the test opens it so)."""
    connect = sqlite3.connect

    def read_only(path: Any, **options: Any) -> sqlite3.Connection:
        uri = f"{Path(path).resolve().as_uri()}?mode=ro"
        connection: sqlite3.Connection = connect(uri, uri=True, **options)
        return connection

    monkeypatch.setattr(sqlite3, "connect", read_only)
    message = ledger_message(written)
    assert "chỉ cho đọc" in message and "cho phép ghi" in message


def test_a_folder_where_the_ledger_should_be(tmp_path: Path) -> None:
    ledger_path(tmp_path).mkdir()
    message = ledger_message(tmp_path)
    assert "thư mục trùng tên" in message


def test_a_damaged_ledger(tmp_path: Path) -> None:
    ledger_path(tmp_path).write_bytes(b"khong phai SQLite " * 100)
    message = ledger_message(tmp_path)
    assert "bị hỏng hoặc không phải là tệp SQLite" in message and "sao lưu" in message
    with pytest.raises(LedgerError) as caught:
        read_ledger(tmp_path)
    assert_vietnamese(str(caught.value).replace(str(tmp_path), ""))


def test_a_ledger_in_use(written: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sqlite3, "connect", functools.partial(sqlite3.connect, timeout=0))
    other = sqlite3.connect(ledger_path(written), isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        message = ledger_message(written)
        assert "đang được một lần chạy ipstat khác" in message
    finally:
        other.execute("ROLLBACK")
        other.close()


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b'name = "x"\nfoo bar\n', "sai cú pháp TOML ở dòng 2, cột 5."),
        (b'name = "\xff"\n', "không phải UTF-8 (dòng 1)"),
    ],
)
def test_a_broken_bloc_file_is_said_in_vietnamese(
    tmp_path: Path, content: bytes, said: str
) -> None:
    bloc = tmp_path / "khoi.toml"
    bloc.write_bytes(content)
    result = runner.invoke(app, ["validate", "--bloc", str(bloc), "x.xlsx"], prog_name="ipstat")
    assert result.exit_code == 2 and said in result.stderr, result.stderr
    assert_vietnamese(result.stderr.replace(str(bloc), ""))


BROKEN_TEMPLATES = [
    ("{{ x.__class__ }}", "dòng 2: mẫu dùng thuộc tính không được phép “__class__”"),
    ("{{ x.__class__.__mro__[1].__subclasses__() }}", "không được phép “__class__”"),
    ("{% if %}x{% endif %}", "dòng 2: lỗi cú pháp: thiếu biểu thức"),
    ("{% if x %}x", "mẫu hết khi còn khối chưa đóng (khối “{% if %}” chưa được đóng"),
    ("{% frob %}", "thẻ “{% frob %}” không có hoặc không dùng được ở đây"),
    ("{% for i in y %}{% endif %}", "đang chờ {% endfor %} hoặc {% else %}"),
    ("{% %}", "thiếu tên thẻ"),
    ("{{ x }", "thừa “}”"),
    ("{{ x.y( }}", "gặp “}” trong khi cần đóng bằng “)”"),
    ("{{ x | khongco }}", "không có bộ lọc “khongco”"),
    ("{{ x @ 1 }}", "ký tự “@”"),
    ("{{ 'abc }}", "ký tự “'” không dùng được"),
    ("{# chú thích", "thiếu “#}” để đóng chú thích"),
    ("{% block a-b %}{% endblock %}", "tên khối"),
    ("{{ 'a\\N{khong co}' }}", "viết sai ở “{{ 'a\\N{khong co}' }}”"),
    ("{% for i in range(10000000) %}{% endfor %}", "range(…) quá dài"),
    ("{{ 1 / 0 }}", "dòng 2: phép chia cho 0"),
    ("{{ 1 + x }}", "phép “+” không làm được giữa số nguyên và chữ"),
    ("{% include 'khong-co.j2' %}", "không tìm thấy mẫu “khong-co.j2”"),
    ("{{ 5 | wordwrap }}", "dòng 2: một phép tính hoặc bộ lọc được dùng với giá trị sai kiểu"),
    ("{{ 2.0 ** 10000 }}", "dòng 2: phép tính cho ra số quá lớn"),
]


@pytest.mark.parametrize(("text", "said"), BROKEN_TEMPLATES)
def test_a_broken_template_is_said_in_vietnamese(tmp_path: Path, text: str, said: str) -> None:
    path = tmp_path / "mau.md.j2"
    path.write_text(f"Dòng 1\n{text}\n", encoding="utf-8")
    with pytest.raises(TemplateProblem) as caught:
        render_template(path, {"x": "abc", "y": [1]})
    message = str(caught.value)
    assert message.startswith(f"Mẫu {path}") and said in message, message
    assert_vietnamese(message.replace(str(path), "").replace(said, ""))
    assert_vietnamese(message.replace(str(path), "").replace("__class__", ""))


def test_a_template_not_in_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "mau.md.j2"
    path.write_bytes("Dòng 1\nXin chào {{ x }}\n".encode("latin-1"))
    with pytest.raises(TemplateProblem) as caught:
        render_template(path, {"x": "abc"})
    message = str(caught.value)
    assert f"Mẫu {path}, dòng 1, byte thứ 2: mẫu không phải UTF-8" in message, message
    assert_vietnamese(message.replace(str(path), ""))


def test_report_with_an_unsafe_template_exits_2_in_vietnamese(tmp_path: Path) -> None:
    document = Path(__file__).parent / "golden" / "tong-hop-2016.json"
    own = tmp_path / "mau.md.j2"
    own.write_text("{{ year.__class__ }}", encoding="utf-8")
    result = runner.invoke(app, ["report", str(document), "--template", str(own)])
    assert result.exit_code == 2, result.output
    assert "dòng 1: mẫu dùng thuộc tính không được phép “__class__”" in result.stderr
    assert_vietnamese(result.stderr.replace(str(own), "").replace("__class__", ""))
