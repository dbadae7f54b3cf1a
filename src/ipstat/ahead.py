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
    """`Ahead(function, prepare)`: `prepare()`, if given, starts now in a forked child; calling
    the object runs `function(*args)` there and returns its value, or raises its exception
    here. `start` and `result` split the call, for a job the child does while this process
    does another. Used as a context manager, a child whose result was not taken is ended on
    leaving."""

    def __init__(
        self,
        function: Callable[..., Result],
        prepare: Callable[[], object] | None = None,
        *,
        fork: bool,
    ) -> None:
        self._function = function
        self._pid: int | None = None
        self._args: tuple[Any, ...] | None = None
        self._send: int | None = None
        self._receive: int | None = None
        if fork and can_fork():
            self._fork(function, prepare)

    def _fork(self, function: Callable[..., Result], prepare: Callable[[], object] | None) -> None:
        """No pipe or no process to be had (a limit of files or processes): all runs here."""
        fds: list[int] = []
        try:
            fds += os.pipe()  # from_parent, to_child
            fds += os.pipe()  # from_child, to_parent
            pid = os.fork()
        except OSError:
            for fd in fds:
                os.close(fd)
            return
        from_parent, to_child, from_child, to_parent = fds
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
        send, self._send = self._send, None
        if send is None:
            return
        try:
            with os.fdopen(send, "wb") as out:
                pickle.dump(args, out, pickle.HIGHEST_PROTOCOL)
        except OSError:  # the child died: `result` will find no answer
            pass

    def result(self) -> Result:
        """The function's value for the arguments `start` sent, or its exception, raised here."""
        assert self._args is not None, "start comes first"
        args, self._args = self._args, None
        receive, self._receive = self._receive, None
        if receive is None:
            return self._function(*args)
        try:
            with os.fdopen(receive, "rb") as back:
                done, value = pickle.load(back)
        except Exception:  # the child died, or its answer cannot be rebuilt here: not trusted
            done, value = None, None
        except BaseException:  # Ctrl+C: the child is ended with this process
            self._end(kill=True)
            raise
        self._end(kill=False)
        if done is None:
            return self._function(*args)
        if done:
            return value  # type: ignore[no-any-return]
        raise value

    def close(self) -> None:
        """End a child whose result will not be taken, at once: a run that fails before its
        sum must not wait for pandas to load. Its work is thrown away; whatever file it wrote
        to is its parent's to remove, once it is gone."""
        for fd in (self._send, self._receive):
            if fd is not None:
                os.close(fd)
        self._send = self._receive = None
        self._end(kill=True)

    def _end(self, *, kill: bool) -> None:
        """Reap the child (killed first if `kill`); an interrupted wait kills it and waits
        again, so no child outlives this process."""
        pid, self._pid = self._pid, None
        if pid is None:
            return
        try:
            if kill:
                _kill(pid)
            os.waitpid(pid, 0)
        except BaseException:
            _kill(pid)
            with suppress(ChildProcessError):
                os.waitpid(pid, 0)
            raise

    def __enter__(self) -> "Ahead[Result]":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _kill(pid: int) -> None:
    with suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _serve(
    receive: int, send: int, function: Callable[..., object], prepare: Callable[[], object] | None
) -> None:
    """The child's whole life. It ends with os._exit, so nothing the parent inherited (its
    buffered output, its atexit work) runs twice; Ctrl+C ends it at once, as it does the parent
    (unless the parent ignores it: then so does the child)."""
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        answer: tuple[bool, object]
        try:
            if prepare is not None:
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
