"""Work that may hang or crash, done in a child process with a time and a memory limit.

A workbook sent over the network is read by a process of its own: if it makes the reader hang,
exhaust memory or abort (a crash inside a native library included), only that process dies and
the caller hears `Isolated` with the reason; the server that asked goes on serving everyone
else. At most `workers` children run at once: a burst of jobs waits its turn, never read all
at once.

On POSIX the children are forked from a fork server that has already imported the modules
named in `preload` (a child starts in milliseconds) and get `RLIMIT_AS`; on Windows they are
spawned, and the time limit (the child killed) is the only bound.
"""

import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Literal, TypeVar, cast

from ipstat.base.errors import IpstatError

T = TypeVar("T")
A = TypeVar("A")

Why = Literal["time", "crash", "refused"]


class Isolated(IpstatError):
    """The child did not answer: out of time, killed (memory, a crash), or refused the job with
    an `IpstatError` of its own (its message is kept)."""

    def __init__(self, why: Why, message: str = "") -> None:
        super().__init__(message or _SAID[why])
        self.why = why


_SAID = {
    "time": "Công việc không xong trong thời gian cho phép nên đã bị dừng; hãy thử lại sau.",
    "crash": "Tiến trình làm việc dừng đột ngột (tệp hỏng hoặc thiếu bộ nhớ); hãy thử lại sau.",
    "refused": "Công việc bị từ chối.",
}


@dataclass(frozen=True)
class Bounds:
    seconds: float
    memory_bytes: int | None = None  # beyond what the child holds when it starts


class Runner:
    """Jobs run one child each, `workers` at a time. Thread-safe; `run` blocks."""

    def __init__(self, workers: int, preload: Sequence[str] = ()) -> None:
        self._slots = threading.BoundedSemaphore(max(1, workers))
        self._context: Any = _context(preload)

    def run(self, function: Callable[[A], T], argument: A, bounds: Bounds) -> T:
        """`function(argument)` in a child; `function` is a module's top-level function and the
        argument and result can be pickled."""
        with self._slots:
            receiver, sender = self._context.Pipe(duplex=False)
            child = self._context.Process(
                target=_child, args=(sender, function, argument, bounds.memory_bytes), daemon=True
            )
            try:
                child.start()
                sender.close()
                return cast(T, _answer(receiver, bounds.seconds))
            finally:
                if child.is_alive():
                    child.kill()
                child.join()
                child.close()
                receiver.close()


def _answer(receiver: Connection, seconds: float) -> object:
    if not receiver.poll(seconds):
        raise Isolated("time")
    try:
        ok, value = receiver.recv()
    except (EOFError, OSError) as exc:  # the child died before it answered
        raise Isolated("crash") from exc
    if not ok:
        raise Isolated("refused" if value else "crash", value or "")
    return value


def _context(preload: Sequence[str]) -> Any:
    if sys.platform != "win32" and "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(preload))
        _start_fork_server()
        return context
    return multiprocessing.get_context("spawn")


def _start_fork_server() -> None:
    """The fork server started now, ignoring Ctrl-C (a disposition a new program keeps, and
    the fork server gives its children): Ctrl-C in the terminal reaches every process of the
    server, and is the server's alone to hear; interrupted, the others would print tracebacks.
    The server ends its children itself."""
    from multiprocessing import forkserver  # noqa: PLC0415  (POSIX only)

    try:
        kept = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: the fork server starts when first needed
        return
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, kept)


def _child(
    sender: Connection, function: Callable[[Any], object], argument: object, memory: int | None
) -> None:
    # The job may read with a pool of its own (`validate_paths` from 50 workbooks on), which a
    # daemonic process may not start. The parent still kills this child as a daemon at its
    # end, and the pool's processes end with this child, however it ends.
    multiprocessing.current_process().daemon = False
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's: it ends this child
    if memory is not None:
        _limit_memory(memory)
    try:
        result: tuple[bool, object] = (True, function(argument))
    except IpstatError as exc:
        result = (False, str(exc))
    except MemoryError:
        result = (False, None)
    except Exception:  # a bug of the reader on a hostile file: that upload's failure alone
        result = (False, None)
    try:
        sender.send(result)
    finally:
        sender.close()


def _limit_memory(extra: int) -> None:
    try:
        import resource  # noqa: PLC0415  (POSIX only)
    except ImportError:
        return
    used = _address_space()
    if used is None:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = used + extra
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _address_space() -> int | None:
    """The child's address space now (Linux), which the limit adds to."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")
