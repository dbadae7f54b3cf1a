"""All outputs replaced together or none; Vietnamese messages naming the file that failed."""

import errno
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from ipstat.base.errors import os_error_text
from ipstat.base.locks import LOCK_NAME
from ipstat.base.temporary import STALE_SECONDS, TEMP_PREFIX, clean_stale, own_prefix
from ipstat.cli import app
from ipstat.outputs.atomic import (
    OutputError,
    StoppedAfterWriting,
    Writer,
    write_all_atomic,
)


def writer(text: str) -> Writer:
    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8")

    return write


def listing(folder: Path) -> list[Path]:
    """The folder's files but the lock, which stays (hidden) for the next run."""
    return sorted(p for p in folder.iterdir() if p.name != LOCK_NAME)


SAMPLE = Path(__file__).parents[1] / "sample_data" / "2016"


def aggregated(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """The sample aggregated into a folder once: the folder and its files' bytes."""
    out = tmp_path / "ket-qua"
    assert CliRunner().invoke(app, ["aggregate", str(SAMPLE), "--out", str(out)]).exit_code == 0
    return out, {p.name: p.read_bytes() for p in listing(out)}


def contents(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in listing(folder)}


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (errno.ENOENT, "không tìm thấy"),
        (errno.EEXIST, "đã có"),
        (errno.EACCES, "không có quyền ghi"),
        (errno.EPERM, "không cho phép"),
        (errno.EISDIR, "thư mục"),
        (errno.ENOTDIR, "không phải thư mục"),
        (errno.ENOSPC, "ổ đĩa đã đầy"),
        (errno.EROFS, "chỉ cho đọc"),
        (errno.ENAMETOOLONG, "quá dài"),
        (errno.EBUSY, "chương trình khác"),
        (errno.EIO, "mã lỗi EIO"),
    ],
)
def test_os_error_text_is_vietnamese(code: int, words: str) -> None:
    assert words in os_error_text(OSError(code, os.strerror(code)))


def test_os_error_text_knows_windows_sharing_violations() -> None:
    exc = PermissionError(errno.EACCES, "The process cannot access the file")
    exc.winerror = 32  # type: ignore[attr-defined]
    assert os_error_text(exc).startswith("tệp đang mở trong chương trình khác")
    assert os_error_text(OSError("no errno at all")) == "hệ điều hành báo lỗi khi đọc hoặc ghi tệp"


def test_a_locked_second_output_leaves_every_output_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows cannot replace a file open in Word: os.replace raises PermissionError."""
    a, b, c = tmp_path / "a.xlsx", tmp_path / "b.md", tmp_path / "c.json"
    write_all_atomic({a: writer("old a"), b: writer("old b"), c: writer("old c")})
    real_replace = os.replace

    def locked(source: Path, target: Path) -> None:
        if Path(target) == b:
            raise PermissionError(errno.EACCES, "Access is denied", str(target))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", locked)
    with pytest.raises(OutputError) as caught:
        write_all_atomic({a: writer("new a"), b: writer("new b"), c: writer("new c")})
    message = str(caught.value)
    assert str(b) in message and str(a) not in message
    assert "đang mở trong chương trình khác" in message and "hãy đóng tệp rồi chạy lại" in message
    assert contents(tmp_path) == {"a.xlsx": "old a", "b.md": "old b", "c.json": "old c"}


@given(
    count=st.integers(1, 4),
    failing=st.integers(0, 3),
    stage=st.sampled_from(["write", "replace"]),
    existed=st.lists(st.booleans(), min_size=4, max_size=4),
)
def test_never_a_mixed_set(
    tmp_path_factory: pytest.TempPathFactory,
    count: int,
    failing: int,
    stage: str,
    existed: list[bool],
) -> None:
    folder = tmp_path_factory.mktemp("out")
    targets = [folder / f"out{i}.txt" for i in range(count)]
    for target, old in zip(targets, existed, strict=False):
        if old:
            target.write_text("old", encoding="utf-8")
    before = contents(folder)
    doomed = targets[failing % count]
    real_replace = os.replace

    def replace(source: Path, target: Path) -> None:
        if stage == "replace" and Path(target) == doomed:
            raise OSError(errno.EIO, "I/O error")
        real_replace(source, target)

    def write_for(target: Path) -> Writer:
        def write(path: Path) -> None:
            if stage == "write" and target == doomed:
                raise OSError(errno.ENOSPC, "No space left on device")
            path.write_text("new", encoding="utf-8")

        return write

    os.replace = replace  # type: ignore[assignment]  # hypothesis runs examples per test
    try:
        with pytest.raises(OutputError, match=doomed.name):
            write_all_atomic({t: write_for(t) for t in targets})
    finally:
        os.replace = real_replace
    assert contents(folder) == before


def test_a_folder_standing_where_an_output_goes(tmp_path: Path) -> None:
    (tmp_path / "b.md").mkdir()
    a = tmp_path / "a.json"
    a.write_text("old", encoding="utf-8")
    with pytest.raises(OutputError, match="đang có một thư mục cùng tên") as caught:
        write_all_atomic({a: writer("new"), tmp_path / "b.md": writer("new")})
    assert str(tmp_path / "b.md") in str(caught.value)
    assert a.read_text(encoding="utf-8") == "old"
    assert [p.name for p in listing(tmp_path) if p.name.startswith(TEMP_PREFIX)] == []


def test_out_that_is_a_file(tmp_path: Path) -> None:
    blocker = tmp_path / "ket-qua"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputError, match="là một tệp chứ không phải thư mục"):
        write_all_atomic({blocker / "a.json": writer("new")})
    with pytest.raises(OutputError, match="không tạo được thư mục"):
        write_all_atomic({blocker / "sub" / "a.json": writer("new")})


def test_a_read_only_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Simulated: the tests may run as root, for whom a 0o500 folder is writable."""

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    target = tmp_path / "tong-hop-2016.json"
    with pytest.raises(OutputError, match=r"tong-hop-2016\.json: không có quyền ghi"):
        write_all_atomic({target: writer("new")})


def test_a_failed_restore_says_where_the_old_file_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    write_all_atomic({a: writer("old a"), b: writer("old b")})
    real_replace = os.replace

    def failing(source: Path, target: Path) -> None:
        if Path(target) == b or str(source).endswith(".bak"):
            raise OSError(errno.EIO, "I/O error")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", failing)
    with pytest.raises(OutputError, match="không khôi phục được bản cũ của") as caught:
        write_all_atomic({a: writer("new a"), b: writer("new b")})
    assert f"{a} (bản cũ ở " in str(caught.value)


def test_stale_temporary_files_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    old = time.time() - STALE_SECONDS - 60
    stale = [tmp_path / f"{TEMP_PREFIX}abc123.tmp", tmp_path / f"{TEMP_PREFIX}def456.bak"]
    fresh = tmp_path / f"{TEMP_PREFIX}running.tmp"  # another run, writing now
    not_ours = tmp_path / ".tong-hop-2016.xlsx.tmp"
    for path in [*stale, fresh, not_ours]:
        path.write_text("x", encoding="utf-8")
    for path in [*stale, not_ours]:
        os.utime(path, (old, old))
    write_all_atomic({tmp_path / "a.json": writer("new")})
    assert sorted(p.name for p in listing(tmp_path)) == sorted(
        ["a.json", fresh.name, not_ours.name]
    )
    assert clean_stale(tmp_path, now=time.time() + 2 * STALE_SECONDS) == [fresh]


def test_the_files_of_a_writer_that_is_gone_are_removed_at_once(tmp_path: Path) -> None:
    """A run killed with SIGKILL leaves its files; the next run sees that their process is
    gone (its id is in their names) and does not wait an hour."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    ours = own_prefix()
    theirs = ours.replace(f"-{os.getpid()}-", f"-{gone.pid}-")
    dead = [tmp_path / (theirs + "abc.tmp"), tmp_path / (theirs + "abc.bak")]
    running = tmp_path / (ours + "writing.tmp")  # this process: a run going on now
    elsewhere = tmp_path / f"{TEMP_PREFIX}0badc0de-{gone.pid}-x.tmp"  # another machine's
    for path in [*dead, running, elsewhere]:
        path.write_text("x", encoding="utf-8")
    write_all_atomic({tmp_path / "a.json": writer("new")})
    assert sorted(p.name for p in listing(tmp_path)) == sorted(
        ["a.json", running.name, elsewhere.name]
    )


def test_ctrl_c_before_the_last_replacement_leaves_the_old_files(tmp_path: Path) -> None:
    targets = [tmp_path / f"out{i}.txt" for i in range(3)]
    for target in targets:
        target.write_text("old", encoding="utf-8")
    real_replace = os.replace

    def replace(source: Path, target: Path) -> None:
        if Path(target) == targets[2]:
            raise KeyboardInterrupt
        real_replace(source, target)

    os.replace = replace  # type: ignore[assignment]
    try:
        with pytest.raises(KeyboardInterrupt) as stopped:
            write_all_atomic({t: writer("new") for t in targets})
    finally:
        os.replace = real_replace
    assert not isinstance(stopped.value, StoppedAfterWriting)
    assert contents(tmp_path) == dict.fromkeys([t.name for t in targets], "old")


def test_ctrl_c_after_the_last_replacement_says_the_files_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")
    real_unlink = Path.unlink

    def unlink(self: Path, missing_ok: bool = False) -> None:
        if self.suffix == ".bak" and target.read_text(encoding="utf-8") == "new":
            raise KeyboardInterrupt  # removing the old file's backup: all are in place
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    with pytest.raises(StoppedAfterWriting) as stopped:
        write_all_atomic({target: writer("new")})
    assert stopped.value.written == [target] and target.read_text(encoding="utf-8") == "new"


@pytest.mark.parametrize("when", ["writing", "after"])
def test_ctrl_c_during_aggregate_says_what_it_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, when: str
) -> None:
    out, before = aggregated(tmp_path)
    if when == "writing":

        def interrupted(path: Path, document: object) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr("ipstat.commands.aggregate.write_consolidated", interrupted)
    else:
        real_unlink = Path.unlink

        def unlink(self: Path, missing_ok: bool = False) -> None:
            replaced = (out / "bao-cao-2016.md").stat().st_ino != last  # the last one replaced
            if self.suffix == ".bak" and replaced:  # removing the old files' backups
                raise KeyboardInterrupt
            real_unlink(self, missing_ok=missing_ok)

        last = (out / "bao-cao-2016.md").stat().st_ino

        monkeypatch.setattr(Path, "unlink", unlink)
    result = CliRunner().invoke(app, ["aggregate", str(SAMPLE), "--out", str(out)])
    assert result.exit_code == 130 and "Traceback" not in result.stderr
    if when == "writing":
        assert result.stderr.strip() == "ipstat: đã dừng; không tệp nào bị thay."
        assert {p.name: p.read_bytes() for p in listing(out)} == before
    else:
        assert result.stderr.startswith("ipstat: đã dừng, sau khi đã ghi xong: ")
        assert str(out / "tong-hop-2016.xlsx") in result.stderr


def test_outputs_are_ordinary_files(tmp_path: Path) -> None:
    target = tmp_path / "a.json"
    write_all_atomic({target: writer("x")})
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


def test_aggregate_names_the_output_open_in_another_program(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, before = aggregated(tmp_path)
    real_replace = os.replace

    def word_has_it_open(source: Path, target: Path) -> None:
        if Path(target).name == "bao-cao-2016.md":
            raise PermissionError(errno.EACCES, "Access is denied", str(target))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", word_has_it_open)
    result = CliRunner().invoke(app, ["aggregate", str(SAMPLE), "--out", str(out)])
    assert result.exit_code == 2
    assert f"Không thay được {out / 'bao-cao-2016.md'}: tệp đang mở" in result.stderr
    assert "hãy đóng tệp rồi chạy lại" in result.stderr and "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in listing(out)} == before


def _failing(path: Path) -> None:
    path.write_text("một nửa", encoding="utf-8")
    raise OutputError(f"Không ghi được {path.name}.")


KILLED_WHILE_REPLACING = """
import os, sys
from pathlib import Path
from ipstat.outputs import atomic

folder, after = Path(sys.argv[1]), int(sys.argv[2])
real, replaced = os.replace, []

def replace(source, target):
    real(source, target)
    if not Path(target).name.startswith("."):
        replaced.append(target)
        if len(replaced) == after:
            os._exit(9)  # as SIGKILL: nothing of Python's runs after it

os.replace = replace
atomic.write_all_atomic(
    {folder / f"out{i}.txt": (lambda p: p.write_text("new", encoding="utf-8")) for i in range(4)}
)
"""


@pytest.mark.parametrize("after", [1, 2, 3])
def test_a_run_killed_between_renames_is_undone_by_the_next(tmp_path: Path, after: int) -> None:
    """The set half replaced by a killed run is put back before the next run writes."""
    for i in range(3):  # out3.txt is new in the killed run
        (tmp_path / f"out{i}.txt").write_text("old", encoding="utf-8")
    killed = subprocess.run(
        [sys.executable, "-c", KILLED_WHILE_REPLACING, str(tmp_path), str(after)], check=False
    )
    assert killed.returncode == 9
    assert "new" in contents(tmp_path).values()  # mixed, as the kill left it
    write_all_atomic({tmp_path / "other.txt": writer("x")})
    assert contents(tmp_path) == {
        "other.txt": "x",
        **{f"out{i}.txt": "old" for i in range(3)},
    }


TWO_RUNS = """
import os, sys, time
from pathlib import Path
from ipstat.outputs import atomic

folder, run = Path(sys.argv[1]), sys.argv[2]
real = os.replace

def slow(source, target):  # a network share: each rename takes a while
    time.sleep(0.1)
    real(source, target)

os.replace = slow
order = range(4) if run == "A" else range(3, -1, -1)  # the same files, in the other order
atomic.write_all_atomic(
    {folder / f"out{i}.txt": (lambda p: p.write_text(run, encoding="utf-8")) for i in order}
)
"""


def test_two_runs_into_one_folder_never_mix_their_outputs(tmp_path: Path) -> None:
    runs = [
        subprocess.Popen([sys.executable, "-c", TWO_RUNS, str(tmp_path), name])
        for name in ("A", "B")
    ]
    assert [run.wait() for run in runs] == [0, 0]
    found = contents(tmp_path)
    assert sorted(found) == [f"out{i}.txt" for i in range(4)]
    assert len(set(found.values())) == 1, found  # all of one run


def test_a_full_disk_while_writing_a_workbook_is_said_in_vietnamese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """XlsxWriter wraps the system's error in its own `FileCreateError`."""
    import xlsxwriter
    from xlsxwriter.exceptions import FileCreateError

    out, before = aggregated(tmp_path)

    def full(self: object) -> None:
        raise FileCreateError(OSError(errno.ENOSPC, "No space left on device"))

    monkeypatch.setattr(xlsxwriter.Workbook, "close", full)
    result = CliRunner().invoke(app, ["aggregate", str(SAMPLE), "--out", str(out)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "tong-hop-2016.xlsx" in result.stderr and "ổ đĩa đã đầy" in result.stderr
    assert {p.name: p.read_bytes() for p in listing(out)} == before
