"""The portal under hostile uploads and load: eleven members at once, zip bombs, huge sheets,
files that are no workbook, uploads too large, and a link that sends too often."""

import json
import os
import socket
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests import hostile
from tests.portal_server import JSON, SAMPLES, Server, ipstat, running

MEMBERS = {
    "Vĩnh Phúc": "bieu-vinh-phuc-2016.xlsx",
    "Hà Nội": "bieu-ha-noi-2016.xlsx",
    "Bắc Ninh": "bieu-bac-ninh-2016.xlsx",
    "Hà Nam": "bieu-ha-nam-2016.xlsx",
    "Hưng Yên": "bieu-hung-yen-2016.xlsx",
    "Hải Dương": "bieu-hai-duong-2016.xlsx",
    "Hải Phòng": "bieu-hai-phong-2016.xlsx",
    "Quảng Ninh": "bieu-quang-ninh-2016.xlsx",
    "Thái Bình": "bieu-thai-binh-2016.xlsx",
    "Nam Định": "bieu-nam-dinh-2016.xlsx",
    "Ninh Bình": "bieu-ninh-binh-2016.xlsx",
}
LIMIT = 60_000_000  # schemas/form.toml, limits.max_total_bytes


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("portal-load")
    inbox = root / "2016"
    inbox.mkdir()
    with running(inbox, root, "--uploads-per-hour", "3") as started:
        yield started


def kept(inbox: Path) -> set[str]:
    return {p.name for p in inbox.iterdir() if p.is_file() and not p.name.startswith(".")}


def test_eleven_members_at_once_each_version_recorded_once(server: Server) -> None:
    assert set(server.members) == set(MEMBERS)

    def send(member: str) -> httpx.Response:
        return server.upload(member, SAMPLES / MEMBERS[member])

    with ThreadPoolExecutor(len(MEMBERS)) as pool:
        answers = list(pool.map(send, MEMBERS))
    assert [a.status_code for a in answers] == [200] * len(MEMBERS)
    assert {a.json()["member"] for a in answers} == set(MEMBERS)
    assert kept(server.inbox) == set(MEMBERS.values()) | {"so-theo-doi.sqlite"}
    with sqlite3.connect(server.inbox / "so-theo-doi.sqlite") as db:
        rows = db.execute("SELECT member, COUNT(*) FROM versions GROUP BY sha256").fetchall()
    assert sorted(m for m, _ in rows) == sorted(MEMBERS)
    assert all(count == 1 for _, count in rows)
    cli = ipstat("status", str(server.inbox), "--year", "2016", "--format", "json")
    portal = httpx.get(f"{server.secretariat}/trang-thai.json").text
    assert portal == cli.stdout
    received = {a.json()["member"]: a.json()["received"] for a in answers}
    for row in json.loads(portal)["members"]:
        assert row["received"] == received[row["member"]]


def refused_and_not_kept(server: Server, response: httpx.Response, before: set[str]) -> None:
    assert response.status_code == 422, response.text
    answer = response.json()
    assert answer["file"] is None
    assert any(f["severity"] == "error" for f in answer["findings"])
    assert kept(server.inbox) == before
    assert httpx.get(server.secretariat).status_code == 200  # and everyone else is served


def test_a_zip_bomb_is_refused_by_the_reader(server: Server, tmp_path: Path) -> None:
    before = kept(server.inbox)
    members = [
        hostile.Entry(e.name, b"\0" * 30_000_000) if e.name == hostile.FIGURES else e
        for e in hostile.entries(SAMPLES / MEMBERS["Hà Nam"])
    ]
    bomb = hostile.write_zip(tmp_path / "bom.xlsx", members)
    assert bomb.stat().st_size < 1_000_000
    refused_and_not_kept(server, server.upload("Hà Nam", bomb), before)


def test_a_huge_sheet_is_refused(server: Server, tmp_path: Path) -> None:
    before = kept(server.inbox)
    huge = hostile.with_cell(SAMPLES / MEMBERS["Hà Nội"], tmp_path / "to.xlsx", "XFD1048576")
    refused_and_not_kept(server, server.upload("Hà Nội", huge), before)


@pytest.mark.parametrize("data", [os.urandom(5000), b"", b"PK\x03\x04" + b"\0" * 100])
def test_a_file_that_is_no_workbook_is_unreadable(
    server: Server, data: bytes, tmp_path: Path
) -> None:
    before = kept(server.inbox)
    fake = tmp_path / "bao-cao.xlsx"
    fake.write_bytes(data)
    member = {0: "Hải Phòng", 5000: "Quảng Ninh"}.get(len(data), "Thái Bình")
    response = server.upload(member, fake)
    refused_and_not_kept(server, response, before)
    assert response.json()["findings"][0]["rule"] == "unreadable-file"


def test_an_upload_declared_too_large_is_413_before_it_is_read(server: Server) -> None:
    """Content-Length past the limit: refused without reading the body at all."""
    url = urlsplit(f"{server.members['Hưng Yên']}/tep")
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(
            (
                f"POST {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\nAccept: application/json\r\n"
                "Content-Type: multipart/form-data; boundary=x\r\n"
                f"Content-Length: {LIMIT * 2}\r\n\r\n"
            ).encode()
        )
        received = b""
        while b"\r\n\r\n" not in received or not received.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    answer = received.decode("utf-8", "replace")
    assert answer.startswith("HTTP/1.1 413")
    assert "quá lớn" in answer


def test_an_upload_past_the_limit_without_a_length_is_413(server: Server) -> None:
    before = kept(server.inbox)
    boundary = "ranh-gioi"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="tep"; filename="to.xlsx"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    chunk = b"\0" * (1 << 20)

    def body() -> Iterator[bytes]:
        yield head
        for _ in range(LIMIT // len(chunk) + 2):
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    headers = {**JSON, "content-type": f"multipart/form-data; boundary={boundary}"}
    try:
        with httpx.Client(timeout=60) as client:
            response = client.post(
                f"{server.members['Hưng Yên']}/tep", content=body(), headers=headers
            )
        assert response.status_code == 413
        assert "quá lớn" in response.json()["error"]
    except httpx.TransportError:  # the server answered and closed while the body was sent
        pass
    assert kept(server.inbox) == before
    assert not list((server.inbox / ".ipstat-dang-nhan").glob("*/*"))


def test_a_link_that_sends_too_often_is_429(server: Server) -> None:
    member = "Ninh Bình"  # sent once at the eleven-at-once test; the limit is 3 an hour
    codes = [server.upload(member, SAMPLES / MEMBERS[member]).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    answer = server.upload(member, SAMPLES / MEMBERS[member], as_json=False)
    assert answer.status_code == 429
    assert "quá 3 tệp trong một giờ" in answer.text
    assert server.upload("Nam Định", SAMPLES / MEMBERS["Nam Định"]).status_code == 200
