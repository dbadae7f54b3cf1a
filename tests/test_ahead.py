"""A function run ahead in a forked child gives what it gives here, or runs here."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ipstat import ahead
from ipstat.ahead import Ahead

SAMPLE = Path(__file__).parents[1] / "sample_data" / "2016"
GOLDEN = Path(__file__).parent / "golden"
forks = pytest.mark.skipif(not ahead.can_fork(), reason="this system does not fork")

prepared: list[int] = []


def _prepare() -> None:
    prepared.append(os.getpid())


def _where(*args: object) -> tuple[int, int, tuple[object, ...]]:
    """The process it ran in, how many times `_prepare` ran there, and its arguments."""
    return os.getpid(), len(prepared), args


def _fails(message: str) -> None:
    raise ValueError(message)


@forks
def test_the_call_runs_in_the_child_after_its_preparation() -> None:
    with Ahead(_where, _prepare, fork=True) as run:
        pid, times, args = run(1, "hai", [3])
    assert pid != os.getpid() and times == 1 and args == (1, "hai", [3])
    assert prepared == []  # prepared there, never here


@forks
def test_an_error_of_the_child_is_raised_here() -> None:
    with Ahead(_fails, _prepare, fork=True) as run, pytest.raises(ValueError, match="hỏng"):
        run("hỏng")


@forks
@pytest.mark.parametrize(
    "prepare",
    [lambda: os._exit(3), lambda: os.kill(os.getpid(), 9)],
    ids=["exits", "killed"],
)
def test_a_child_that_dies_is_not_trusted(prepare: object) -> None:
    with Ahead(_where, prepare, fork=True) as run:  # type: ignore[arg-type]
        pid, _, args = run("x")
    assert pid == os.getpid() and args == ("x",)


@forks
def test_an_answer_that_cannot_be_sent_is_computed_here() -> None:
    with Ahead(lambda: (os.getpid(), lambda: 1), _prepare, fork=True) as run:
        pid, _ = run()
    assert pid == os.getpid()


@forks
def test_a_child_never_called_is_ended_and_reaped() -> None:
    with Ahead(_where, _prepare, fork=True) as run:
        child = run._pid
        assert child is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)


@forks
def test_a_child_whose_result_is_not_wanted_is_not_waited_for() -> None:
    """A run that fails before its sum does not wait for the child to finish preparing."""
    started = time.perf_counter()
    with Ahead(_where, lambda: time.sleep(30), fork=True):
        pass
    assert time.perf_counter() - started < 5


@forks
def test_a_started_child_whose_result_is_not_taken_is_ended() -> None:
    started = time.perf_counter()
    with Ahead(lambda: time.sleep(30), _prepare, fork=True) as run:
        run.start()
    assert time.perf_counter() - started < 5


class _TwoPart(Exception):
    def __init__(self, what: str, why: str) -> None:
        super().__init__(f"{what}: {why}")


def _raises_two_part() -> None:
    raise _TwoPart("tệp", "hỏng")


@forks
def test_an_error_that_cannot_be_rebuilt_here_is_raised_by_running_here() -> None:
    with Ahead(_raises_two_part, _prepare, fork=True) as run, pytest.raises(_TwoPart):
        run()


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@forks
@pytest.mark.parametrize("failing", ["pipe", "fork"])
def test_no_pipe_or_no_process_runs_here(failing: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise OSError(24, "Too many open files")

    before = _open_fds()
    if failing == "pipe":
        real, made = os.pipe, []

        def second_fails() -> tuple[int, int]:
            made.append(1)
            if len(made) > 1:  # the first pipe is made: it must be closed again
                refuse()
            return real()

        monkeypatch.setattr(os, "pipe", second_fails)
    else:
        monkeypatch.setattr(os, "fork", refuse)
    with Ahead(_where, _prepare, fork=True) as run:
        assert not run.forked
        assert run("x")[0] == os.getpid()
    assert _open_fds() == before


def test_without_fork_it_runs_here() -> None:
    with Ahead(_where, _prepare, fork=False) as run:
        pid, times, _ = run()
    assert pid == os.getpid() and times == 0 and prepared == []


def test_a_process_with_threads_is_never_forked() -> None:
    release = threading.Event()
    thread = threading.Thread(target=release.wait)
    thread.start()
    try:
        assert not ahead.can_fork()
        with Ahead(_where, _prepare, fork=True) as run:
            assert run()[0] == os.getpid()
    finally:
        release.set()
        thread.join()


@forks
def test_aggregate_sums_in_the_child_and_writes_the_golden_outputs(tmp_path: Path) -> None:
    """The command imports pandas only in its child, and writes what the golden files hold."""
    out = tmp_path / "ket-qua"
    code = (
        "import sys\n"
        f"sys.argv = ['ipstat', 'aggregate', {str(SAMPLE)!r}, '--out', {str(out)!r}]\n"
        "from ipstat.cli import main\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    sys.stderr.write(f'pandas={\"pandas\" in sys.modules}')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stderr.decode().endswith("pandas=False")
    for name in ("tong-hop-2016.json", "bao-cao-2016.md"):
        assert (out / name).read_bytes() == (GOLDEN / name).read_bytes()
