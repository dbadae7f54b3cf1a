"""A reader that hangs or dies on an upload (inside native code, say) costs that upload only:
it becomes one `unreadable-file` finding, and the next upload is read as ever."""

import asyncio
import os
import shutil
import time
from pathlib import Path

from ipstat.commands.intake import Desk, UploadCheck, check_upload, refusal, stage
from ipstat.commands.serve import open_desk
from ipstat.contract.model import Contract
from ipstat.web.state import Portal, Settings
from tests.portal_server import SAMPLES


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
            return await portal.check(staged)
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
