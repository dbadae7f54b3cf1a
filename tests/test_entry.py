"""The `ipstat` command ends as `sys.exit` would, its output flushed, without the teardown."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ipstat import entry

SAMPLE = Path(__file__).parents[1] / "sample_data" / "2016"


class Ended(Exception):
    pass


@pytest.fixture
def ended(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    statuses: list[int] = []

    def exit_(status: int) -> None:
        statuses.append(status)
        raise Ended

    monkeypatch.setattr(os, "_exit", exit_)
    return statuses


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (2, 2), ("lỗi", 1)])
def test_the_status_is_the_one_sys_exit_gives(
    code: object, status: int, ended: list[int], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(Ended):
        entry.end(code)
    assert ended == [status]
    assert capsys.readouterr().err == ("lỗi\n" if code == "lỗi" else "")


def test_output_that_cannot_be_flushed_fails_the_run(
    ended: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    class Closed(io.StringIO):
        def flush(self) -> None:
            raise BrokenPipeError

    monkeypatch.setattr(sys, "stdout", Closed())
    with pytest.raises(Ended):
        entry.end(0)
    assert ended == [1]


def test_the_command_writes_all_its_output_and_its_status(tmp_path: Path) -> None:
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook")
    command = [sys.executable, "-m", "ipstat", "validate", "--format", "json"]
    done = subprocess.run([*command, str(SAMPLE), str(broken)], capture_output=True, check=False)
    assert done.returncode == 1
    assert [f["rule"] for f in json.loads(done.stdout)["findings"]] == ["unreadable-file"]
    misuse = subprocess.run([*command, "--khong-co"], capture_output=True, check=False)
    assert misuse.returncode == 2 and "Traceback" not in misuse.stderr.decode()
