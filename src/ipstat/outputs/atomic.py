"""Atomic writes: a reader never sees a half-written file, and a failed run leaves the old ones.

Every output of a run is first written to a temporary file beside its target; then the targets
are replaced one by one, each old file kept as a backup until all are in place. If any
replacement fails (on Windows a file open in Excel or Word cannot be replaced), the ones already
replaced are put back, so the folder holds the outputs of one run, never a mix of two.
"""

import hashlib
import os
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from functools import cache
from pathlib import Path

from ipstat.base.errors import IpstatError, os_error_text

Writer = Callable[[Path], None]

TEMP_PREFIX = ".ipstat-"  # our own temporary files: `.ipstat-<host>-<pid>-<random>.tmp`, `….bak`
TEMP_SUFFIXES = (".tmp", ".bak")
STALE_SECONDS = 3600  # older than any run: left by a run that was killed (on another machine)


class OutputError(IpstatError):
    """An output could not be written (no such folder, no permission, a folder in the way)."""


class StoppedAfterWriting(KeyboardInterrupt):
    """Ctrl-C once every output was in place: the run's files are written, and say so."""

    def __init__(self, written: list[Path]) -> None:
        super().__init__()
        self.written = written


def write_all_atomic(outputs: dict[Path, Writer]) -> None:
    """All the outputs are replaced together, or none is; the message names the file that
    failed and says in Vietnamese what to do. Ctrl-C before the last replacement puts the old
    files back (a `KeyboardInterrupt`); after it, it is a `StoppedAfterWriting`."""
    staged: dict[Path, Path] = {}
    try:
        for target, write in outputs.items():
            staged[target] = _stage(target, write)
        backups = _replace_all(staged)
    except BaseException:
        for temporary in staged.values():
            temporary.unlink(missing_ok=True)
        raise
    try:
        for backup in backups:
            backup.unlink(missing_ok=True)
    except KeyboardInterrupt as exc:
        raise StoppedAfterWriting(list(outputs)) from exc


def _stage(target: Path, write: Writer) -> Path:
    temporary = _temporary(target)
    _fill(target, temporary, write)
    return temporary


def _temporary(target: Path) -> Path:
    """An empty file beside `target`, with our prefix; the folder made if need be."""
    try:
        return _make_temporary(target)
    except OSError as exc:  # a name too long to look up, a folder we may not read
        raise OutputError(f"Không ghi được {target}: {os_error_text(exc)}.") from exc


def _make_temporary(target: Path) -> Path:
    folder = target.parent
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"Không ghi được {target}: {folder} là một tệp chứ không phải thư mục.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"Không ghi được {target}: không tạo được thư mục {folder} ({os_error_text(exc)})."
        ) from exc
    if target.is_dir():
        raise OutputError(
            f"Không ghi được {target}: ở đó đang có một thư mục cùng tên; hãy đổi tên hoặc xóa "
            "thư mục đó rồi chạy lại."
        )
    clean_stale(folder)
    try:
        handle, name = tempfile.mkstemp(prefix=_own_prefix(), suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"Không ghi được {target}: {os_error_text(exc)}.") from exc
    os.close(handle)
    return Path(name)


def _fill(target: Path, temporary: Path, write: Writer) -> None:
    try:
        write(temporary)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise OutputError(f"Không ghi được {target}: {os_error_text(exc)}.") from exc
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _replace_all(staged: dict[Path, Path]) -> list[Path]:
    """Replace every target; on the first failure put back those already replaced. The old
    files' backups, for the caller to remove once all are in place."""
    done: list[tuple[Path, Path | None]] = []  # target, backup of its old content (or None)
    try:
        for target, temporary in staged.items():
            backup = _backup(target)
            try:
                os.replace(temporary, target)
            except BaseException as exc:
                if backup is not None:
                    backup.unlink(missing_ok=True)  # the target itself was not replaced
                if isinstance(exc, OSError):
                    raise OutputError(_replace_message(target, exc)) from exc
                raise
            done.append((target, backup))
    except BaseException:
        unrestored = _restore(done)
        if unrestored:
            raise OutputError(
                "Không ghi được các tệp kết quả, và không khôi phục được bản cũ của: "
                + "; ".join(unrestored)
            ) from None
        raise
    return [backup for _, backup in done if backup is not None]


def _replace_message(target: Path, exc: OSError) -> str:
    """On Windows a file open in Excel or Word cannot be replaced: PermissionError."""
    text = os_error_text(exc)
    if isinstance(exc, PermissionError) and getattr(exc, "winerror", None) != 32:
        text = "tệp đang mở trong chương trình khác (Excel, Word) hoặc không có quyền ghi: "
        text += "hãy đóng tệp rồi chạy lại"
    return f"Không thay được {target}: {text}. Không tệp nào bị thay."


def _backup(target: Path) -> Path | None:
    """A second name for the old file (a hard link; a copy where links are not supported)."""
    try:
        if not target.exists():
            return None
        handle, name = tempfile.mkstemp(prefix=_own_prefix(), suffix=".bak", dir=target.parent)
        os.close(handle)
    except OSError as exc:
        raise OutputError(f"Không ghi được {target}: {os_error_text(exc)}.") from exc
    backup = Path(name)
    try:
        backup.unlink()
        os.link(target, backup)
    except OSError:
        try:
            shutil.copy2(target, backup)
        except OSError as exc:
            backup.unlink(missing_ok=True)
            raise OutputError(
                f"Không thay được {target}: không sao lưu được bản cũ ({os_error_text(exc)})."
            ) from exc
    return backup


def _restore(done: list[tuple[Path, Path | None]]) -> list[str]:
    """Put back the old files; the names of those that could not be (with where they are)."""
    unrestored = []
    for target, backup in reversed(done):
        try:
            if backup is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(backup, target)
        except OSError as exc:
            where = f" (bản cũ ở {backup})" if backup is not None else ""
            unrestored.append(f"{target}{where}: {os_error_text(exc)}")
    return unrestored


def clean_stale(folder: Path, now: float | None = None) -> list[Path]:
    """Remove the temporary files of runs that are over: at once those of a process of this
    machine that no longer runs (killed with SIGKILL, it could not remove its own), and any
    older than STALE_SECONDS (a run on another machine sharing the folder). Files of a run
    going on now are kept, and other names are not ours."""
    limit = (time.time() if now is None else now) - STALE_SECONDS
    removed: list[Path] = []
    try:
        candidates = list(folder.glob(TEMP_PREFIX + "*"))
    except OSError:
        return removed
    for path in candidates:
        try:
            if path.suffix not in TEMP_SUFFIXES or not path.is_file():
                continue
            writer = _writer_of(path.name)
            if (writer is not None and not _alive(writer)) or path.stat().st_mtime < limit:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


def _own_prefix() -> str:
    """`.ipstat-<host>-<pid>-`: which process of which machine wrote a temporary file."""
    return f"{TEMP_PREFIX}{_host()}-{os.getpid()}-"


@cache
def _host() -> str:
    return hashlib.sha256(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]


def _writer_of(name: str) -> int | None:
    """The process id in a temporary file's name, when it was written on this machine."""
    host, _, rest = name.removeprefix(TEMP_PREFIX).partition("-")
    pid = rest.partition("-")[0]
    return int(pid) if host == _host() and pid.isdigit() else None


def _alive(pid: int) -> bool:
    """Whether a process runs (a process we may not signal runs too)."""
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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(target: Path, write: Writer) -> None:
    write_all_atomic({target: write})


def write_text_atomic(target: Path, text: str) -> None:
    def write(path: Path) -> None:
        path.write_text(text, encoding="utf-8", newline="\n")

    write_atomic(target, write)
