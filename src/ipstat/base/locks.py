"""One run at a time in a folder: the outputs of two runs never mix, two `status` never race.

The lock is the operating system's lock on a small file of the folder (`.ipstat-lock`): it is
let go when its process ends, however it ends, so a killed run never leaves the folder locked.
The file says who holds it (machine, process, since when), so a run that waits can say for whom,
and is removed when the run ends (a waiter that locked a file just removed tries again).
"""

import datetime as dt
import os
import socket
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from ipstat.base.errors import IpstatError, os_error_text

LOCK_NAME = ".ipstat-lock"
WAIT_SECONDS = 600.0  # a long `status` of thousands of workbooks takes minutes, not hours
_POLL_SECONDS = 0.2


class FolderBusy(IpstatError):
    """Another run held the folder longer than we could wait."""


@contextmanager
def folder_lock(
    folder: Path,
    what: str,
    *,
    wait: float | None = None,
    waiting: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold `folder` for this run. `what` says what the folder is, for the messages (`thư mục
    kết quả`); `waiting` hears once who holds it, if this run has to wait."""
    path = folder / LOCK_NAME
    wait = WAIT_SECONDS if wait is None else wait
    deadline = time.monotonic() + wait
    told = False
    while True:
        handle = _open(path, folder, what)
        if _try_lock(handle):
            if _same_file(handle, path):
                break
            handle.close()  # removed by the run that just ended: lock the new one
            continue
        holder = _holder(path)
        handle.close()
        if time.monotonic() >= deadline:
            raise FolderBusy(
                f"{what.capitalize()} {folder} đang được một lần chạy ipstat khác dùng "
                f"({holder}); đã chờ {int(wait)} giây. Hãy đợi lần chạy đó xong rồi chạy lại."
            )
        if waiting is not None and not told:
            waiting(holder)
            told = True
        time.sleep(_POLL_SECONDS)
    try:
        _write_holder(handle)
        yield
    finally:
        _release(handle, path)


def _open(path: Path, folder: Path, what: str) -> IO[bytes]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+b")  # noqa: SIM115  (held until the block ends)
    except OSError as exc:
        raise IpstatError(f"Không khóa được {what} {folder}: {os_error_text(exc)}.") from exc
    _hide(path)
    return handle


def _same_file(handle: IO[bytes], path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
    except OSError:
        return False


def _release(handle: IO[bytes], path: Path) -> None:
    """Removed while still held where the system allows it (then no waiter can lock a file
    that is going away unnoticed); on Windows, once closed, unless another run has it open."""
    if sys.platform != "win32":
        path.unlink(missing_ok=True)
    _unlock(handle)
    handle.close()
    if sys.platform == "win32":
        try:
            path.unlink(missing_ok=True)
        except OSError:
            return


def _hide(path: Path) -> None:
    """Windows shows dot files: the lock file is marked hidden there, as on other systems."""
    if sys.platform == "win32":
        import ctypes  # noqa: PLC0415

        ctypes.windll.kernel32.SetFileAttributesW(str(path), 0x2)  # FILE_ATTRIBUTE_HIDDEN


def _try_lock(handle: IO[bytes]) -> bool:
    try:
        if sys.platform == "win32":
            import msvcrt  # noqa: PLC0415

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        else:
            import fcntl  # noqa: PLC0415

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(handle: IO[bytes]) -> None:
    try:
        if sys.platform == "win32":
            import msvcrt  # noqa: PLC0415

            handle.seek(0)
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl  # noqa: PLC0415

            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    except OSError:
        return  # closing the file lets it go too


def _write_holder(handle: IO[bytes]) -> None:
    """Who holds the lock, for a run that has to wait; the first byte stays (Windows locks it)."""
    now = dt.datetime.now().strftime("%d/%m/%Y %H:%M")
    text = f" máy {socket.gethostname()}, tiến trình {os.getpid()}, từ {now}\n"
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(text.encode("utf-8", "replace"))
        handle.flush()
    except OSError:
        return  # the lock holds without its note


def _holder(path: Path) -> str:
    try:
        with open(path, "rb") as other:
            other.seek(1)  # past the byte Windows locks
            text = other.read(200).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text or "không rõ máy nào"
