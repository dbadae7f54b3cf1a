"""Work in a child process with limits: a job that hangs, aborts or eats memory costs only
itself (base/isolated.py)."""

import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor

import pytest

from ipstat.base.errors import InputError
from ipstat.base.isolated import Bounds, Isolated, Runner


def double(n: int) -> int:
    return 2 * n


def hang(seconds: float) -> None:
    time.sleep(seconds)


def abort(_: object) -> None:
    os.abort()  # as a crash inside a native library ends a process


def eat(megabytes: int) -> int:
    hoard = [bytearray(1 << 20) for _ in range(megabytes)]
    return len(hoard)


def refuse(message: str) -> None:
    raise InputError(message)


def interrupted(_: object) -> str:
    """Ctrl-C in the terminal reaches every process of the server, its workers too."""
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(0.2)
    return "vẫn chạy"


def pooled(numbers: list[int]) -> list[int]:
    """A job that reads with a pool of its own, as `validate_paths` does from 50 workbooks on."""
    with ProcessPoolExecutor(2) as pool:
        return list(pool.map(double, numbers))


@pytest.fixture(scope="module")
def runner() -> Runner:
    return Runner(2, ["tests.test_isolated"])


def test_an_answer_comes_back(runner: Runner) -> None:
    assert runner.run(double, 21, Bounds(30)) == 42


def test_a_job_that_hangs_is_killed_at_its_time(runner: Runner) -> None:
    started = time.monotonic()
    with pytest.raises(Isolated) as caught:
        runner.run(hang, 60.0, Bounds(1))
    assert caught.value.why == "time"
    assert "thời gian cho phép" in str(caught.value)  # what a page may say of it
    assert time.monotonic() - started < 30


def test_a_job_that_aborts_is_a_crash(runner: Runner) -> None:
    with pytest.raises(Isolated) as caught:
        runner.run(abort, None, Bounds(30))
    assert caught.value.why == "crash"
    assert runner.run(double, 1, Bounds(30)) == 2  # and the next job runs as ever


@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="RLIMIT_AS: Linux only")
def test_a_job_past_its_memory_is_a_crash(runner: Runner) -> None:
    with pytest.raises(Isolated) as caught:
        runner.run(eat, 512, Bounds(30, memory_bytes=64 << 20))
    assert caught.value.why == "crash"
    assert runner.run(eat, 8, Bounds(30, memory_bytes=256 << 20)) == 8


def test_a_refusal_keeps_its_vietnamese_message(runner: Runner) -> None:
    with pytest.raises(Isolated) as caught:
        runner.run(refuse, "Không đọc được tệp.", Bounds(30))
    assert caught.value.why == "refused"
    assert str(caught.value) == "Không đọc được tệp."


def test_a_job_may_use_a_pool_of_its_own(runner: Runner) -> None:
    assert runner.run(pooled, [1, 2, 3], Bounds(60)) == [2, 4, 6]


def test_ctrl_c_is_the_servers_not_a_workers(runner: Runner) -> None:
    """A worker interrupted printed a traceback on the console and lost its job."""
    assert runner.run(interrupted, None, Bounds(30)) == "vẫn chạy"
