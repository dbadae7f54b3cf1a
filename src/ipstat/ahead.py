"""A function run in a child process forked before its arguments exist.

`aggregate` sums with pandas, whose import is most of the command's time; the workbooks are read
meanwhile. The child makes ready (imports) on the other core while this process reads; one call
later sends it the arguments and takes back the result. Where forking is unavailable or unsafe
(Windows, macOS, a process with threads, or one that has already done the slow part), the
function simply runs here when called. A child that dies or answers nothing is not trusted:
the call is then made here too, so the result never depends on the child.
"""

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from types import TracebackType
from typing import Any, Generic, TypeVar

Result = TypeVar("Result")


def can_fork() -> bool:
    """Fork is safe only in a single-threaded process on a system whose libraries expect it."""
    return (
        hasattr(os, "fork") and sys.platform.startswith("linux") and threading.active_count() == 1
    )


class Ahead(Generic[Result]):
    """`Ahead(function, prepare)`: `prepare()` starts now in a forked child; calling the object
    runs `function(*args)` there and returns its value, or raises its exception here. `start`
    and `result` split the call, for a job the child does while this process does another.
    Used as a context manager, the child is ended on leaving if it was never called."""

    def __init__(
        self, function: Callable[..., Result], prepare: Callable[[], object], *, fork: bool
    ) -> None:
        self._function = function
        self._pid: int | None = None
        self._args: tuple[Any, ...] | None = None
        if not (fork and can_fork()):
            return
        to_child, from_parent = os.pipe()[::-1]
        to_parent, from_child = os.pipe()[::-1]
        pid = os.fork()
        if pid == 0:  # the child: never returns
            os.close(to_child)
            os.close(from_child)
            _serve(from_parent, to_parent, function, prepare)
        os.close(from_parent)
        os.close(to_parent)
        self._pid, self._send, self._receive = pid, to_child, from_child

    @property
    def forked(self) -> bool:
        return self._pid is not None

    def __call__(self, *args: Any) -> Result:
        self.start(*args)
        return self.result()

    def start(self, *args: Any) -> None:
        """Send the arguments; the child runs the function while this process goes on."""
        self._args = args
        if self._pid is None:
            return
        try:
            with os.fdopen(self._send, "wb") as out:
                pickle.dump(args, out, pickle.HIGHEST_PROTOCOL)
        except OSError:  # the child died: `result` will find no answer
            pass

    def result(self) -> Result:
        """The function's value for the arguments `start` sent, or its exception, raised here."""
        assert self._args is not None, "start comes first"
        args, self._args = self._args, None
        if self._pid is None:
            return self._function(*args)
        try:
            with os.fdopen(self._receive, "rb") as back:
                done, value = pickle.load(back)
        except (OSError, EOFError, pickle.UnpicklingError):
            done, value = None, None  # the child died: no answer to trust
        finally:
            self._reap()
        if done is None:
            return self._function(*args)
        if done:
            return value  # type: ignore[no-any-return]
        raise value

    def close(self) -> None:
        """End a child whose result will not be asked for, at once: a run that fails before
        its sum must not wait for pandas to load. Its work is thrown away, and whatever file
        it wrote to is its parent's to remove."""
        if self._pid is not None:
            if self._args is None:
                os.close(self._send)
            os.close(self._receive)
            with suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            self._reap()

    def _reap(self) -> None:
        assert self._pid is not None
        os.waitpid(self._pid, 0)
        self._pid = None

    def __enter__(self) -> "Ahead[Result]":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _serve(
    receive: int, send: int, function: Callable[..., object], prepare: Callable[[], object]
) -> None:
    """The child's whole life. It ends with os._exit, so nothing the parent inherited (its
    buffered output, its atexit work) runs twice; Ctrl+C ends it at once, as it does the parent."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        answer: tuple[bool, object]
        try:
            prepare()
            with os.fdopen(receive, "rb") as arguments:
                args = pickle.load(arguments)
        except EOFError:  # never called
            os._exit(0)
        try:
            answer = (True, function(*args))
        except Exception as error:  # raised again in the parent
            answer = (False, error)
        try:
            data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
        except Exception:  # unpicklable: no answer, the parent calls it itself
            data = b""
        with os.fdopen(send, "wb") as out:
            out.write(data)
    finally:
        os._exit(0)
