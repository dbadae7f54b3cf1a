"""A reader that hangs or dies on an upload (inside native code, say) costs that upload only:
it becomes one `unreadable-file` finding, and the next upload is read as ever."""

import asyncio
import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from ipstat.checks.validation import PARALLEL_FROM_SPAWN
from ipstat.commands.intake import Desk, UploadCheck, check_upload, keep, refusal, stage
from ipstat.commands.serve import open_desk
from ipstat.contract.model import Contract
from ipstat.web.state import Portal, Settings
from tests.portal_server import IPSTAT, SAMPLES, free_port, ipstat, wait_until_up

NOW = dt.datetime(2017, 1, 10, 9, 30)


def hang(job: tuple[Path, Desk]) -> UploadCheck:
    time.sleep(60)
    raise AssertionError("killed before")


def die(job: tuple[Path, Desk]) -> UploadCheck:
    os.abort()


def test_a_reader_that_hangs_or_dies_costs_only_its_upload(
    tmp_path: Path, contract: Contract
) -> None:
    inbox = tmp_path / "2016"
    inbox.mkdir()
    portal = Portal(open_desk(inbox, contract, year=2016), Settings(read_seconds=2, workers=2))
    sample = SAMPLES / "bieu-ha-nam-2016.xlsx"

    async def read(reader: object) -> UploadCheck:
        portal.reader = reader  # type: ignore[assignment]
        staged = stage(portal.desk, "bieu.xlsx", sample.read_bytes())
        try:
            return await portal.check(staged, "a")
        finally:
            shutil.rmtree(staged.parent)

    started = time.monotonic()
    hung = asyncio.run(read(hang))
    assert time.monotonic() - started < 30
    assert [f.rule for f in hung.findings] == ["unreadable-file"]
    assert "2 giây" in hung.findings[0].text
    assert refusal(hung, "Hà Nam") is not None  # not kept
    died = asyncio.run(read(die))
    assert [f.rule for f in died.findings] == ["unreadable-file"]
    assert "trình đọc dừng lại" in died.findings[0].text
    fine = asyncio.run(read(check_upload))
    assert fine.member == "Hà Nam"
    assert fine.findings == []
    assert refusal(fine, "Hà Nam") is None


def wait_for_release(job: tuple[Path, Desk]) -> UploadCheck:
    """A slow reader: says it started, then waits (at most 30 s) for the test to release it."""
    path, desk = job
    (desk.inbox / f"started-{path.name}").touch()
    for _ in range(300):
        if (desk.inbox / "release").exists():
            break
        time.sleep(0.1)
    return UploadCheck(None, None, False, [])


async def until(path: Path) -> bool:
    for _ in range(100):  # at most 10 s
        if path.exists():
            return True
        await asyncio.sleep(0.1)
    return False


def test_a_burst_of_slow_uploads_from_one_link_holds_one_worker(
    tmp_path: Path, contract: Contract
) -> None:
    """Two workers, three slow uploads of one link: the other link's upload is read at once."""
    inbox = tmp_path / "2016"
    inbox.mkdir()
    portal = Portal(open_desk(inbox, contract, year=2016), Settings(read_seconds=60, workers=2))
    portal.reader = wait_for_release
    sample = (SAMPLES / "bieu-ha-nam-2016.xlsx").read_bytes()

    async def burst() -> bool:
        sent = [("a", f"a{i}.xlsx") for i in range(3)] + [("b", "b.xlsx")]
        reads = []
        for sender, name in sent:
            staged = stage(portal.desk, name, sample)
            reads.append(asyncio.create_task(portal.check(staged, sender)))
            await until(inbox / "started-a0.xlsx")
        other_read = await until(inbox / "started-b.xlsx")
        (inbox / "release").touch()
        await asyncio.gather(*reads)
        return other_read

    assert asyncio.run(burst())


def test_an_upload_kept_is_never_held_whole_in_memory(tmp_path: Path, contract: Contract) -> None:
    inbox = tmp_path / "2016"
    inbox.mkdir()
    desk = open_desk(inbox, contract, year=2016)
    size = 20_000_000
    with (tmp_path / "to.xlsx").open("wb") as big:
        big.truncate(size)
    with (tmp_path / "to.xlsx").open("rb") as stream:
        staged = stage(desk, "to.xlsx", stream)
    tracemalloc.start()
    try:
        kept = keep(desk, "Hà Nam", staged, UploadCheck("Hà Nam", 2016, False, []), NOW)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (inbox / str(kept.file)).stat().st_size == size
    assert peak < size // 4


def test_an_inbox_of_many_workbooks_is_served(tmp_path: Path, contract: Contract) -> None:
    """From PARALLEL_FROM_SPAWN workbooks on, `status` reads them with a pool of processes,
    which a worker of the portal could not start: every page was a 503."""
    inbox = tmp_path / "2016"
    inbox.mkdir()
    samples = sorted(SAMPLES.glob("bieu-*-2016.xlsx"))
    for n in range(PARALLEL_FROM_SPAWN):  # a year of versions sent again and again
        shutil.copy(samples[n % len(samples)], inbox / f"ban-{n}.xlsx")
    portal = Portal(open_desk(inbox, contract, year=2016), Settings(workers=1))
    stock = asyncio.run(portal.stock())
    assert {row["status"] for row in stock.document["members"]} == {"da-tiep-nhan"}
    assert len(stock.document["members"]) == len(samples)


@pytest.mark.skipif(sys.platform == "win32", reason="Ctrl-C to a process group is POSIX's")
def test_ctrl_c_in_the_terminal_while_workers_read_prints_no_traceback(tmp_path: Path) -> None:
    """Ctrl-C reaches every process of the terminal's group: the fork server still importing,
    the workers reading. Each printed a traceback, and a page being answered was a 500."""
    inbox = tmp_path / "2016"
    inbox.mkdir()
    samples = sorted(SAMPLES.glob("bieu-*-2016.xlsx"))
    for n in range(200):
        shutil.copy(samples[n % len(samples)], inbox / f"ban-{n}.xlsx")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    made = ipstat("links", str(inbox), "--year", "2016", "--base-url", base, "--json")
    secretariat = json.loads(made.stdout)["secretariat"]
    process = subprocess.Popen(
        [*IPSTAT, "serve", str(inbox), "--year", "2016", "--port", str(port)],
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        start_new_session=True,  # a terminal's process group of its own
    )
    try:
        wait_until_up(base, process)
        with ThreadPoolExecutor(1) as pool:
            page = pool.submit(httpx.get, secretariat, timeout=60)
            time.sleep(0.1)  # the stock being taken
            os.killpg(process.pid, signal.SIGINT)
            answer = page.result()
        _, said = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert answer.status_code == 200
    assert "Traceback" not in said, said
    assert "Đã dừng cổng tiếp nhận." in said


def test_a_file_removed_after_it_was_listed_is_no_download(tmp_path: Path) -> None:
    """Between the status listing a file and its download the clerk may move it away: the
    download is opened before the answer starts, so that is a 404, not an error mid-answer."""
    from ipstat.web.pages import download

    assert download(tmp_path / "da-chuyen-di.xlsx") is None
    kept = tmp_path / "bieu-hà-nam.xlsx"
    shutil.copy(SAMPLES / "bieu-ha-nam-2016.xlsx", kept)
    answer = download(kept)
    assert answer is not None
    with contextlib.suppress(PermissionError):  # Windows keeps an open file; POSIX streams it
        kept.unlink()

    async def body() -> bytes:
        chunks = [c async for c in answer.body_iterator]  # type: ignore[attr-defined]
        return b"".join(c if isinstance(c, bytes) else c.encode() for c in chunks)

    assert asyncio.run(body()) == (SAMPLES / "bieu-ha-nam-2016.xlsx").read_bytes()
    disposition = answer.headers["content-disposition"]
    assert 'filename="bieu-h_-nam.xlsx"' in disposition and "bieu-h%C3%A0-nam.xlsx" in disposition


def test_a_link_of_a_member_the_bloc_no_longer_has_is_an_unknown_link(tmp_path: Path) -> None:
    """Links made with the bloc before the 2025 merger, served with the merged bloc: Hà Nam's
    is as unknown as any wrong token, never a page that cannot be drawn."""
    from urllib.parse import urlsplit

    from ipstat.commands.links import issue_links
    from ipstat.contract.model import load_contract

    inbox = tmp_path / "2025"
    inbox.mkdir()
    issued = issue_links(inbox, load_contract(None, "dbsh-2016"), year=2025)
    token = urlsplit(issued.members["Hà Nam"]).path.rsplit("/", 1)[1]
    kept = urlsplit(issued.members["Hà Nội"]).path.rsplit("/", 1)[1]
    portal = Portal(open_desk(inbox, load_contract(None, "dbsh-2025"), year=2025), Settings())
    assert asyncio.run(portal.link(token, "member")) is None
    found = asyncio.run(portal.link(kept, "member"))
    assert found is not None and found.member == "Hà Nội"
