"""ipstat's own temporary files, named for the process that wrote them.

A file being written goes to a temporary file beside its target first (`.ipstat-<host>-<pid>-
<random>.tmp`, and `….bak` for an old file kept until the new one is in place). A run killed
with SIGKILL cannot remove its own: the next run of this machine sees from the name that their
process is gone and removes them at once; those of another machine sharing the folder are
removed once older than any run.
"""

import hashlib
import os
import socket
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

TEMP_PREFIX = ".ipstat-"
TEMP_SUFFIXES = (".tmp", ".bak", ".tmp-journal")  # the last: SQLite's, of a new ledger
STALE_SECONDS = 3600  # older than any run: left by a run that was killed on another machine
JOURNAL_NAME = TEMP_PREFIX + "journal.json"  # a replacement under way (outputs/atomic.py)


def make_temporary(folder: Path, suffix: str = ".tmp") -> Path:
    """An empty file of ours in `folder`; an `OSError` as the system says it."""
    handle, name = tempfile.mkstemp(prefix=own_prefix(), suffix=suffix, dir=folder)
    os.close(handle)
    return Path(name)


def own_prefix() -> str:
    """`.ipstat-<host>-<pid>-`: which process of which machine wrote a temporary file."""
    return f"{TEMP_PREFIX}{_host()}-{os.getpid()}-"


def clean_stale(folder: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files of runs that are over: at once those of a process of this
    machine that no longer runs, and any older than STALE_SECONDS. Files of a run going on now
    are kept, other names are not ours, and nothing goes while a journal needs its backups."""
    limit = (time.time() if now is None else now) - STALE_SECONDS
    removed: list[Path] = []
    if (folder / JOURNAL_NAME).exists():  # its backups are the old files, until recovered
        return removed
    try:
        candidates = list(folder.glob(TEMP_PREFIX + "*"))
    except OSError:
        return removed
    for path in candidates:
        try:
            if path.suffix not in TEMP_SUFFIXES or not path.is_file():
                continue
            writer = _writer_of(path.name)
            if (writer is not None and not alive(writer)) or path.stat().st_mtime < limit:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


@cache
def _host() -> str:
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def _writer_of(name: str) -> int | None:
    """The process id in a temporary file's name, when it was written on this machine."""
    host, _, rest = name.removeprefix(TEMP_PREFIX).partition("-")
    pid = rest.partition("-")[0]
    return int(pid) if host == _host() and pid.isdigit() else None


def alive(pid: int) -> bool:
    """Whether a process of this machine runs (one we may not signal runs too)."""
    if pid == os.getpid():
        return True
    if sys.platform == "win32":
        import ctypes  # noqa: PLC0415

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.get_last_error() == 5  # ERROR_ACCESS_DENIED: it exists
        try:
            code = ctypes.c_ulong()
            kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
