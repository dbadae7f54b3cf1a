"""The portal end to end: the real server on a loopback port, every answer of the contract."""

import json
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import openpyxl
import pytest
from starlette.requests import Request

from ipstat.reading.own import ANNOTATION_SHEET
from ipstat.web.app import _shown_path
from tests.portal_server import JSON, SAMPLES, Server, ipstat, running

HEADERS = {
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("portal")
    inbox = root / "nhan-ve" / "2016"
    inbox.mkdir(parents=True)
    with running(inbox, root) as started:
        yield started


def files_in(inbox: Path) -> set[str]:
    return {p.name for p in inbox.iterdir() if p.is_file() and not p.name.startswith(".")}


def check_headers(response: httpx.Response) -> None:
    for name, value in HEADERS.items():
        assert response.headers[name] == value
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "style-src 'self'" in policy


def test_a_member_page_shows_its_name_year_deadline_status_and_the_upload_form(
    server: Server,
) -> None:
    response = httpx.get(server.members["Hà Nam"])
    assert response.status_code == 200
    check_headers(response)
    page = response.text
    assert "Hà Nam" in page
    assert "năm 2016" in page
    assert "20/01/2017" in page  # the bloc's deadline
    assert 'enctype="multipart/form-data"' in page
    assert 'name="tep"' in page
    assert "bieu-mau.xlsx" in page
    assert "Bắc Ninh" not in page  # nothing of another member
    css = httpx.get(f"{server.base}/tai-nguyen/portal.css")
    assert css.status_code == 200
    check_headers(css)


def test_the_blank_form_is_the_members_own(server: Server, tmp_path: Path) -> None:
    response = httpx.get(f"{server.members['Hà Nam']}/bieu-mau.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    form = tmp_path / "form.xlsx"
    form.write_bytes(response.content)
    book = openpyxl.load_workbook(form)
    values = [c.value for row in book.worksheets[0].iter_rows() for c in row]
    values += [c.value for sheet in book.worksheets[1:2] for row in sheet.iter_rows() for c in row]
    assert "Hà Nam" in values


@pytest.mark.parametrize(
    "path",
    [
        "/nop/khong-co-ma-nay",
        "/thu-ky/khong-co-ma-nay",
        "/nop/khong-co-ma-nay/trang-thai.json",
        "/",
    ],
)
def test_every_wrong_token_is_the_same_vietnamese_404(server: Server, path: str) -> None:
    response = httpx.get(server.base + path)
    assert response.status_code == 404
    check_headers(response)
    reference = httpx.get(f"{server.base}/nop/mot-ma-khac")
    assert response.text == reference.text
    assert "Đường dẫn không đúng hoặc đã hết hiệu lực" in response.text


def test_a_member_link_opens_no_secretariat_page(server: Server) -> None:
    token = server.members["Hà Nam"].rsplit("/", 1)[1]
    assert httpx.get(f"{server.base}/thu-ky/{token}").status_code == 404
    token = server.secretariat.rsplit("/", 1)[1]
    assert httpx.get(f"{server.base}/nop/{token}").status_code == 404


def validate_json(path: Path) -> list[dict[str, object]]:
    done = ipstat("validate", str(path), "--year", "2016", "--format", "json")
    found = json.loads(done.stdout)
    keys = ("rule", "severity", "sheet", "cell", "code", "message")
    return [{k: f[k] for k in keys} for f in found["findings"]]


def test_an_upload_is_kept_recorded_at_the_servers_clock_and_answered_as_validate(
    server: Server, make_workbook: Callable[..., Path]
) -> None:
    broken = make_workbook("ha-nam.xlsx", values={"fdi_new_projects": -3})
    response = server.upload("Hà Nam", broken, name="Báo cáo Hà Nam.xlsx")
    assert response.status_code == 200
    answer = response.json()
    assert answer["member"] == "Hà Nam"
    assert answer["file"] == "Báo cáo Hà Nam.xlsx"
    assert answer["status"] == "can-sua"
    assert answer["errors"] >= 1
    stored = server.inbox / answer["file"]
    assert stored.read_bytes() == broken.read_bytes()
    assert answer["findings"] == validate_json(stored)
    row = httpx.get(f"{server.members['Hà Nam']}/trang-thai.json").json()
    assert row["member"] == "Hà Nam"
    assert row["status"] == "can-sua"
    assert row["received"] == answer["received"]
    with sqlite3.connect(server.inbox / "so-theo-doi.sqlite") as db:
        (received,) = db.execute("SELECT received FROM versions WHERE file = ?", (stored.name,))
    assert received[0] == answer["received"]  # the server's clock, not the file's

    fixed = server.upload("Hà Nam", SAMPLES / "bieu-ha-nam-2016.xlsx")
    assert fixed.status_code == 200
    assert fixed.json()["status"] == "da-tiep-nhan"
    assert fixed.json()["findings"] == []
    row = httpx.get(f"{server.members['Hà Nam']}/trang-thai.json").json()
    assert row["status"] == "da-tiep-nhan"
    assert [s["file"] for s in row["superseded"]] == ["Báo cáo Hà Nam.xlsx"]
    again = server.upload("Hà Nam", SAMPLES / "bieu-ha-nam-2016.xlsx")
    assert again.json()["file"] == "bieu-ha-nam-2016.xlsx"  # the same content: one version
    assert "bieu-ha-nam-2016 (2).xlsx" not in files_in(server.inbox)


def test_the_answer_is_a_page_for_a_browser_with_the_findings_escaped(
    server: Server, make_workbook: Callable[..., Path]
) -> None:
    broken = make_workbook("hn.xlsx", member="Hà Nam <b>x</b>", values={"workers": "<i>y</i>"})
    response = server.upload("Hà Nam", broken, name="<script>alert(1)</script>.xlsx", as_json=False)
    assert response.headers["content-type"].startswith("text/html")
    check_headers(response)
    assert "<script>" not in response.text
    assert "<b>x</b>" not in response.text
    assert "&lt;b&gt;x&lt;/b&gt;" in response.text
    assert not any("script" in name for name in files_in(server.inbox))


def test_a_workbook_of_another_member_is_refused_and_not_kept(server: Server) -> None:
    before = files_in(server.inbox)
    response = server.upload("Hà Nam", SAMPLES / "bieu-bac-ninh-2016.xlsx")
    assert response.status_code == 422
    assert response.json()["file"] is None
    assert "Bắc Ninh" in response.json()["error"]
    assert files_in(server.inbox) == before
    page = server.upload("Hà Nam", SAMPLES / "bieu-bac-ninh-2016.xlsx", as_json=False)
    assert page.status_code == 422
    assert "là của Bắc Ninh" in page.text


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("bao-cao.pdf", b"%PDF-1.4", 415),
        ("bao-cao.csv", b"a,b\n", 415),
        ("bao-cao", b"PK", 415),
    ],
)
def test_other_kinds_of_file_are_415(server: Server, name: str, data: bytes, code: int) -> None:
    before = files_in(server.inbox)
    with server.client() as client:
        response = client.post(
            f"{server.members['Hà Nam']}/tep", files={"tep": (name, data)}, headers=JSON
        )
    assert response.status_code == code
    assert "xlsx" in response.json()["error"]
    assert files_in(server.inbox) == before


def test_a_post_without_a_file_is_400_in_vietnamese(server: Server) -> None:
    with server.client() as client:
        response = client.post(f"{server.members['Hà Nam']}/tep", data={"x": "1"}, headers=JSON)
    assert response.status_code == 400
    assert "Không thấy tệp" in response.json()["error"]


def status_json(inbox: Path) -> str:
    return ipstat("status", str(inbox), "--year", "2016", "--format", "json").stdout


def test_the_secretariat_sees_the_status_of_ipstat_status(server: Server) -> None:
    shutil.copy(SAMPLES / "bieu-hai-duong-2016.xlsx", server.inbox)  # arrived by e-mail
    portal = httpx.get(f"{server.secretariat}/trang-thai.json")
    assert portal.status_code == 200
    check_headers(portal)
    assert portal.text == status_json(server.inbox)
    document = portal.json()
    by_member = {m["member"]: m for m in document["members"]}
    assert by_member["Hải Dương"]["status"] == "da-tiep-nhan"
    page = httpx.get(server.secretariat)
    assert page.status_code == 200
    check_headers(page)
    for member in by_member:
        assert member in page.text
    assert "Đã tiếp nhận 2/11" in page.text


def test_a_hostile_name_dropped_by_hand_is_shown_as_text(server: Server) -> None:
    (server.inbox / "<img src=x onerror=alert(1)>.xlsx").write_bytes(b"khong phai bieu")
    try:
        page = httpx.get(server.secretariat)
        assert page.status_code == 200
        assert "<img" not in page.text
        assert "&lt;img src=x onerror=alert(1)&gt;.xlsx" in page.text
        wrong = httpx.get(f"{server.base}/nop/sai", headers=JSON)
        assert wrong.status_code == 404
        assert "Đường dẫn không đúng" in wrong.json()["error"]
    finally:
        (server.inbox / "<img src=x onerror=alert(1)>.xlsx").unlink()


def test_a_name_that_reads_backwards_is_shown_as_the_terminal_shows_it(server: Server) -> None:
    name = "bieu-ha-noi-\u202exslx.exe.xlsx"
    (server.inbox / name).write_bytes(b"khong phai bieu")
    try:
        page = httpx.get(server.secretariat)
        assert page.status_code == 200
        assert "\u202e" not in page.text
        assert "bieu-ha-noi-&lt;U+202E&gt;xslx.exe.xlsx" in page.text
    finally:
        (server.inbox / name).unlink()


def test_the_secretariat_downloads_a_file_and_its_annotated_copy(
    server: Server, make_workbook: Callable[..., Path], tmp_path: Path
) -> None:
    broken = make_workbook("ha-noi.xlsx", member="Hà Nội", values={"fdi_new_projects": -3})
    name = server.upload("Hà Nội", broken).json()["file"]
    with server.client() as client:
        got = client.get(f"{server.secretariat}/tep/{name}")
        assert got.status_code == 200
        assert got.content == broken.read_bytes()
        copy = client.get(f"{server.secretariat}/ghi-chu/{name}")
        assert copy.status_code == 200
        (tmp_path / "copy.xlsx").write_bytes(copy.content)
        assert openpyxl.load_workbook(tmp_path / "copy.xlsx").sheetnames[0] == ANNOTATION_SHEET
        for wrong in ("so-theo-doi.sqlite", "..%2Fx.xlsx", "khong-co.xlsx"):
            assert client.get(f"{server.secretariat}/tep/{wrong}").status_code == 404
        assert client.get(f"{server.members['Hà Nội']}/tep/{name}").status_code in {404, 405}


def test_the_actions_need_the_csrf_token(server: Server) -> None:
    with server.client() as client:
        refused = client.post(f"{server.secretariat}/thu-nhac", data={"csrf": "sai"})
        assert refused.status_code == 403
        check_headers(refused)
        page = client.get(server.secretariat).text
        token = page.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        done = client.post(f"{server.secretariat}/thu-nhac", data={"csrf": token})
        assert done.status_code == 200
        assert "thu-nhac/" in done.text
        letters = list((server.work / "ket-qua" / "2016" / "thu-nhac").glob("*.md"))
        assert letters
        texts = "\n".join(p.read_text(encoding="utf-8") for p in letters)
        assert server.members["Bắc Ninh"] in texts  # each letter carries its member's link
        assert server.members["Hà Nam"] not in texts  # received: no letter
        name = f"thu-nhac/{letters[0].name}"
        got = client.get(f"{server.secretariat}/ket-qua/{name}")
        assert got.status_code == 200
        assert got.content == letters[0].read_bytes()
        for wrong in ("../../nhan-ve/2016/so-theo-doi.sqlite", "%2E%2E/x"):
            assert client.get(f"{server.secretariat}/ket-qua/{wrong}").status_code == 404
        aggregated = client.post(f"{server.secretariat}/tong-hop", data={"csrf": token})
        assert aggregated.status_code in {200, 422}  # 422: members missing, said in Vietnamese
        assert "Tổng hợp" in aggregated.text
        unknown = client.post(f"{server.secretariat}/xoa-het", data={"csrf": token})
        assert unknown.status_code == 404


def test_a_get_on_an_action_is_405_in_vietnamese(server: Server) -> None:
    response = httpx.get(f"{server.members['Hà Nam']}/tep")
    assert response.status_code == 405
    assert "không nhận kiểu yêu cầu" in response.text


def test_the_blank_form_sent_back_is_refused_and_not_kept(server: Server, tmp_path: Path) -> None:
    blank = tmp_path / "bieu-mau-2016.xlsx"
    blank.write_bytes(httpx.get(f"{server.members['Nam Định']}/bieu-mau.xlsx").content)
    before = files_in(server.inbox)
    response = server.upload("Nam Định", blank)
    assert response.status_code == 422
    assert response.json()["file"] is None
    assert files_in(server.inbox) == before
    assert not (server.inbox / ".ipstat-dang-nhan").exists()  # nothing left half-received


def test_the_member_page_lists_its_versions_and_the_findings_in_force(server: Server) -> None:
    page = httpx.get(server.members["Hà Nam"]).text
    assert "Các bản đã gửi" in page
    assert "bieu-ha-nam-2016.xlsx" in page
    assert "đang dùng" in page
    assert "bản cũ" in page  # the first, broken version
    assert "Không có lỗi hay cảnh báo nào." in page  # the version in force is clean
    row = httpx.get(f"{server.members['Hà Nam']}/trang-thai.json").json()
    assert set(row) >= {"member", "status", "file", "received", "on_time", "superseded"}
    assert row["member"] == "Hà Nam"


def test_a_csrf_token_beyond_ascii_is_403_not_a_server_error(server: Server) -> None:
    response = httpx.post(f"{server.secretariat}/tong-hop", data={"csrf": "mã-sai-é"})
    assert response.status_code == 403
    assert "mã xác nhận sai" in response.text


def test_a_damaged_ledger_is_one_vietnamese_503_for_every_token_and_no_token_is_logged(
    tmp_path: Path,
) -> None:
    inbox = tmp_path / "2016"
    inbox.mkdir()
    with running(inbox, tmp_path) as started:
        ledger = inbox / "so-theo-doi.sqlite"
        ledger.write_bytes(b"khong phai sqlite" * 100)
        member = started.members["Hà Nam"]
        urls = [member, f"{member}/trang-thai.json", started.secretariat, f"{started.base}/nop/x"]
        answers = [httpx.get(url) for url in urls]
        assert [a.status_code for a in answers] == [503] * len(urls)
        assert len({a.text for a in answers}) == 1  # no hint which token is one
        assert "không đọc được sổ theo dõi" in answers[0].text
        assert str(inbox) not in answers[0].text
        check_headers(answers[0])
        as_json = httpx.get(member, headers=JSON)
        assert as_json.status_code == 503
        assert "sổ theo dõi" in as_json.json()["error"]
    said = started.said  # no traceback: `running` says so
    assert "không đọc được đường dẫn trong sổ theo dõi" in said
    tokens = [started.secretariat, *started.members.values()]
    assert not any(url.rsplit("/", 1)[1] in said for url in tokens)


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/nop/bi-mat/tep", "/nop/…/tep"),
        ("/thu-ky/bi-mat", "/thu-ky/…"),
        ("/tai-nguyen/portal.css", "/tai-nguyen/portal.css"),
    ],
)
def test_the_console_shows_a_failed_path_without_its_token(path: str, shown: str) -> None:
    scope = {"type": "http", "path": path, "query_string": b"", "headers": [], "scheme": "http"}
    assert _shown_path(Request({**scope, "server": ("127.0.0.1", 8765)})) == shown


def test_a_file_posted_to_an_action_is_400_not_a_server_error(server: Server) -> None:
    with server.client() as client:
        response = client.post(f"{server.secretariat}/tong-hop", files={"csrf": ("a", b"x")})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.text
    check_headers(response)


def test_a_member_never_reads_the_servers_folders_in_an_error(tmp_path: Path) -> None:
    """The inbox cannot be held (its lock is a folder): the member hears it in general words,
    the secretariat and the console hear why."""
    inbox = tmp_path / "2016"
    inbox.mkdir()
    with running(inbox, tmp_path) as started:
        member = started.members["Hà Nam"]
        assert httpx.get(member).status_code == 200
        (inbox / ".ipstat-lock").mkdir()
        (inbox / "moi.xlsx").write_bytes(b"den bang tay")  # the status must be taken again
        page = httpx.get(member)
        answer = started.upload("Hà Nam", SAMPLES / "bieu-ha-nam-2016.xlsx")
        office = httpx.get(started.secretariat)
        (inbox / ".ipstat-lock").rmdir()
    assert [page.status_code, answer.status_code, office.status_code] == [503, 503, 503]
    assert "báo văn phòng Khối" in page.text
    assert "báo văn phòng Khối" in answer.json()["error"]
    for said in (page.text, answer.text):
        assert str(tmp_path) not in said
    assert str(inbox) in office.text
    assert str(inbox) in started.said
    assert member.rsplit("/", 1)[1] not in started.said


@pytest.mark.parametrize(
    "form",
    [
        {"files": [("tep", ("a.xlsx", b"PK")), ("tep", ("b.xlsx", b"PK"))]},
        {"files": {"tep": ("a.xlsx", b"PK")}, "data": {f"o{n}": "x" for n in range(20)}},
        {"files": {"tep": ("a.xlsx", b"PK")}, "data": {"o": "x" * 2_000_000}},
    ],
    ids=["two-files", "many-fields", "huge-field"],
)
def test_an_odd_form_is_400_saying_one_file_at_a_time(
    server: Server, form: dict[str, object]
) -> None:
    before = files_in(server.inbox)
    with server.client() as client:
        response = client.post(f"{server.members['Hà Nam']}/tep", headers=JSON, **form)  # type: ignore[arg-type]
    assert response.status_code == 400
    assert "mỗi lần chỉ gửi một tệp" in response.json()["error"]
    assert files_in(server.inbox) == before
