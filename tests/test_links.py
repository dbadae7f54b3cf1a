"""`ipstat links`: secret links, kept only as hashes, shown once, replaced by --rotate; and
what `ipstat serve` says when it starts (intake-portal.md §1)."""

import json
import socket
import sqlite3
from pathlib import Path

import pytest
from docx import Document

from ipstat.base.errors import InputError
from ipstat.commands.intake import free_name, safe_name
from ipstat.commands.links import find_link, issue_links, member_links, portal_year
from ipstat.commands.serve import beyond_this_machine
from ipstat.contract.model import Contract
from tests.portal_server import ipstat


def test_links_are_made_once_and_kept_only_as_hashes(tmp_path: Path) -> None:
    inbox = tmp_path / "2017"
    inbox.mkdir()
    made = ipstat("links", str(inbox), "--json", "--base-url", "http://10.0.0.5:8765/")
    assert made.returncode == 0, made.stderr
    assert made.stderr == ""
    links = json.loads(made.stdout)
    assert links["year"] == 2017  # the folder's name
    assert links["secretariat"].startswith("http://10.0.0.5:8765/thu-ky/")
    assert len(links["members"]) == 11
    urls = [links["secretariat"], *links["members"].values()]
    tokens = [url.rsplit("/", 1)[1] for url in urls]
    assert all(len(token) >= 43 for token in tokens)  # 256 bits, URL-safe base64
    assert len(set(tokens)) == len(tokens)
    ledger = (inbox / "so-theo-doi.sqlite").read_bytes()
    assert not any(token.encode() in ledger for token in tokens)
    with sqlite3.connect(inbox / "so-theo-doi.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM links").fetchone()[0] == 12
    again = ipstat("links", str(inbox))
    assert again.returncode == 2
    assert "--rotate" in again.stderr
    assert "Traceback" not in again.stderr


def test_rotate_replaces_every_link(tmp_path: Path, contract: Contract) -> None:
    old = issue_links(tmp_path, contract, year=2016)
    old_token = old.members["Hà Nam"].rsplit("/", 1)[1]
    found = find_link(tmp_path, old_token)
    assert found is not None
    assert found.member == "Hà Nam"
    with pytest.raises(InputError, match="--rotate"):
        issue_links(tmp_path, contract, year=2016)
    new = issue_links(tmp_path, contract, year=2016, rotate=True)
    assert find_link(tmp_path, old_token) is None
    secretariat = find_link(tmp_path, new.secretariat.rsplit("/", 1)[1])
    assert secretariat is not None
    assert secretariat.member is None
    assert find_link(tmp_path, "") is None
    assert find_link(tmp_path, "x" * 500) is None


def test_the_secretariats_link_makes_the_members_again(tmp_path: Path, contract: Contract) -> None:
    """Its letters carry each member's link; a rotation leaves the old one nothing."""
    old = issue_links(tmp_path, contract, year=2016, base_url="http://may:8765")
    secretariat = old.secretariat.rsplit("/", 1)[1]
    assert member_links(tmp_path, secretariat, 2016, "http://may:8765") == old.members
    assert member_links(tmp_path, "doan-bua", 2016, "http://may:8765") == {}
    issue_links(tmp_path, contract, year=2016, rotate=True)
    assert member_links(tmp_path, secretariat, 2016, "http://may:8765") == {}


def test_the_links_written_for_the_clerk(tmp_path: Path) -> None:
    inbox = tmp_path / "2016"
    inbox.mkdir()
    made = ipstat("links", str(inbox), "-o", str(tmp_path / "duong-dan.md"))
    assert made.returncode == 0, made.stderr
    text = (tmp_path / "duong-dan.md").read_text(encoding="utf-8")
    for line in made.stdout.splitlines()[1:]:
        assert line.split(": ", 1)[1] in text
    rotated = ipstat("links", str(inbox), "--rotate", "-o", str(tmp_path / "duong-dan.docx"))
    assert rotated.returncode == 0, rotated.stderr
    words = "\n".join(p.text for p in Document(str(tmp_path / "duong-dan.docx")).paragraphs)
    assert "Đường dẫn nộp báo cáo năm 2016" in words
    refused = ipstat("links", str(inbox), "--rotate", "-o", str(tmp_path / "x.txt"))
    assert refused.returncode == 2
    assert ".md hoặc .docx" in refused.stderr
    assert not (tmp_path / "x.txt").exists()


def test_the_year_is_asked_for_when_nothing_tells_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--year"):
        portal_year(tmp_path, None)
    assert portal_year(tmp_path, 2018) == 2018
    made = ipstat("links", str(tmp_path / "khong-co"), "--year", "2016")
    assert made.returncode == 2
    assert "Không tìm thấy thư mục" in made.stderr
    bad = ipstat("links", str(tmp_path), "--year", "2016", "--base-url", "ftp://x y")
    assert bad.returncode == 2
    assert "không hợp lệ" in bad.stderr


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("Báo cáo Hà Nam.xlsx", "Báo cáo Hà Nam.xlsx"),
        ("../../etc/passwd.xlsx", "passwd.xlsx"),
        ("C:\\Users\\x\\bieu.XLSX", "bieu.xlsx"),
        ("<script>.xlsx", "script.xlsx"),
        (".hidden.xlsx", "hidden.xlsx"),
        ("~$bieu.xlsx", "bieu.xlsx"),
        ("CON.xlsx", "bieu-ha-nam.xlsx"),
        ("....xlsx", "bieu-ha-nam.xlsx"),
        ("tong-hop-2016.xlsx", "bieu-ha-nam-tong-hop-2016.xlsx"),
        ("a\x00b\nc.ods", "a_b c.ods"),
        ("COM¹.xlsx", "bieu-ha-nam.xlsx"),
        ("con .txt.xlsx", "bieu-ha-nam.xlsx"),
        ("x\u202egpj.xlsx", "x_gpj.xlsx"),
        ("ệ" * 99 + ".xlsx", "ệ" * 50 + ".xlsx"),  # 3 bytes a letter: 150 bytes kept
    ],
)
def test_a_members_file_name_is_made_safe(sent: str, stored: str) -> None:
    assert safe_name(sent, "Hà Nam") == stored


@pytest.mark.parametrize("letter", ["ệ", "𝕏", "a"])
def test_a_long_name_fits_any_file_system(tmp_path: Path, letter: str) -> None:
    """255 bytes a name: a long Vietnamese name (3 bytes a letter) could not be written."""
    name = safe_name(letter * 200 + ".xlsx", "Hà Nam")
    assert len(free_name(tmp_path, name).name.encode()) <= 255 - len(" (99)")
    (tmp_path / name).write_bytes(b"")


def test_a_name_taken_gets_a_number(tmp_path: Path) -> None:
    (tmp_path / "bieu.xlsx").write_bytes(b"")
    (tmp_path / "bieu (2).xlsx").write_bytes(b"")
    assert free_name(tmp_path, "bieu.xlsx").name == "bieu (3).xlsx"
    assert free_name(tmp_path, "khac.xlsx").name == "khac.xlsx"


def test_only_the_loopback_is_this_machine() -> None:
    assert not beyond_this_machine("127.0.0.1")
    assert not beyond_this_machine("::1")
    assert not beyond_this_machine("localhost")
    assert beyond_this_machine("0.0.0.0")
    assert beyond_this_machine("192.168.1.10")
    assert beyond_this_machine("ten-may")


def test_serve_without_its_inbox_says_so(tmp_path: Path) -> None:
    done = ipstat("serve", str(tmp_path / "khong-co"), "--year", "2016")
    assert done.returncode == 2
    assert "Không tìm thấy thư mục nhận báo cáo" in done.stderr
    assert "Traceback" not in done.stderr


def test_serve_warns_beyond_this_machine_and_says_a_busy_port_in_vietnamese(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "2016"
    inbox.mkdir()
    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = ipstat("serve", str(inbox), "--host", "0.0.0.0", "--port", str(port))
    assert done.returncode == 2
    assert "HTTP thường" in done.stderr
    assert "HTTPS" in done.stderr
    assert f"Không mở được cổng {port}" in done.stderr
    assert "chưa có đường dẫn truy cập" in done.stderr  # and how to make them
    assert "Traceback" not in done.stderr


def test_status_letters_carry_the_members_links_from_the_secretariats(tmp_path: Path) -> None:
    inbox = tmp_path / "2016"
    inbox.mkdir()
    made = ipstat("links", str(inbox), "--json", "--base-url", "http://192.168.1.10:8765")
    links = json.loads(made.stdout)
    letters = tmp_path / "thu"
    done = ipstat(
        "status", str(inbox), "--year", "2016", "--letters", str(letters),
        "--portal", links["secretariat"],
    )  # fmt: skip
    assert done.returncode == 1, done.stderr  # nobody has sent yet
    text = (letters / "thu-nhac-bac-ninh-2016.md").read_text(encoding="utf-8")
    assert links["members"]["Bắc Ninh"] in text
    assert links["members"]["Hà Nội"] not in text
    wrong = ipstat(
        "status", str(inbox), "--year", "2016", "--letters", str(letters),
        "--portal", "http://192.168.1.10:8765/thu-ky/sai",
    )  # fmt: skip
    assert wrong.returncode == 2
    assert "--rotate" in wrong.stderr
