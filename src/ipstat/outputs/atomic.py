"""Atomic writes: a reader never sees a half-written file, and the folder holds the outputs of
one run, never a mix of two.

Every output of a run is first written to a temporary file beside its target. Then, holding the
folder's lock (`base/locks.py`, so two runs never interleave), the old files are kept as backups,
a journal naming them is written, and the targets are replaced one by one. If a replacement
fails (on Windows a file open in Excel or Word cannot be replaced), or the run is stopped, the
ones already replaced are put back. Removing the journal is the moment the new set stands; a run
killed before it leaves the journal, and the next run into the folder puts the old set back
before anything else.
"""

import json
import os
import shutil
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from pathlib import Path

from ipstat.base.errors import IpstatError, os_error_text
from ipstat.base.locks import folder_lock
from ipstat.base.temporary import JOURNAL_NAME, clean_stale, make_temporary

Writer = Callable[[Path], None]


class OutputError(IpstatError):
    """An output could not be written (no such folder, no permission, a folder in the way)."""


class StoppedAfterWriting(KeyboardInterrupt):
    """Ctrl-C once every output was in place: the run's files are written, and say so."""

    def __init__(self, written: list[Path]) -> None:
        super().__init__()
        self.written = written


def write_all_atomic(outputs: dict[Path, Writer]) -> None:
    """All the outputs are replaced together, or none is; the message names the file that
    failed and says in Vietnamese what to do. Ctrl-C before the new set stands puts the old
    files back (a `KeyboardInterrupt`); after it, it is a `StoppedAfterWriting`."""
    folders = sorted({target.parent for target in outputs}, key=str)
    with ExitStack() as held:
        for folder in folders:  # in one order, so that two runs never wait for each other
            _usable(folder, next(t for t in outputs if t.parent == folder))
            held.enter_context(folder_lock(folder, "thư mục kết quả"))
            recover(folder)
        staged: dict[Path, Path] = {}
        try:
            for target, write in outputs.items():
                staged[target] = _stage(target, write)
            backups = _replace_all(staged)
        except BaseException:
            _remove(staged.values())
            raise
        try:
            _remove(backups)
        except KeyboardInterrupt as exc:
            raise StoppedAfterWriting(list(outputs)) from exc


def recover(folder: Path) -> list[Path]:
    """Undo a replacement a killed run left unfinished (its journal): the old files back, its
    new ones gone. The targets it put back; call it holding the folder's lock."""
    journal = folder / JOURNAL_NAME
    try:
        entries = json.loads(journal.read_text(encoding="utf-8"))["entries"]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise OutputError(
            f"Thư mục {folder} còn dở một lần ghi kết quả trước, nhưng không đọc được sổ ghi "
            f"{journal.name}; hãy xem lại các tệp trong thư mục rồi xóa tệp đó."
        ) from exc
    restored = []
    try:
        for entry in entries:
            target = folder / entry["target"]
            temporary = folder / entry["temporary"]
            if entry["backup"] is not None and (folder / entry["backup"]).exists():
                os.replace(folder / entry["backup"], target)
                restored.append(target)
            elif entry["backup"] is None and not temporary.exists():
                target.unlink(missing_ok=True)  # new in the unfinished run: not in the old set
                restored.append(target)
            temporary.unlink(missing_ok=True)
        journal.unlink()
    except OSError as exc:
        raise OutputError(
            f"Thư mục {folder} còn dở một lần ghi kết quả trước và chưa trả lại được bản cũ: "
            f"{os_error_text(exc)}. Hãy đóng các tệp đang mở trong thư mục rồi chạy lại."
        ) from exc
    return restored


def _usable(folder: Path, target: Path) -> None:
    """The folder made if need be; a file or a folder in the way said in Vietnamese."""
    try:
        if folder.exists() and not folder.is_dir():
            raise OutputError(
                f"Không ghi được {target}: {folder} là một tệp chứ không phải thư mục."
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(
                f"Không ghi được {target}: không tạo được thư mục {folder} ({os_error_text(exc)})."
            ) from exc
    except OSError as exc:  # a name too long to look up, a folder we may not read
        raise OutputError(f"Không ghi được {target}: {os_error_text(exc)}.") from exc


def _stage(target: Path, write: Writer) -> Path:
    try:
        if target.is_dir():
            raise OutputError(
                f"Không ghi được {target}: ở đó đang có một thư mục cùng tên; hãy đổi tên hoặc "
                "xóa thư mục đó rồi chạy lại."
            )
        clean_stale(target.parent)
        temporary = make_temporary(target.parent)
    except OSError as exc:
        raise OutputError(f"Không ghi được {target}: {os_error_text(exc)}.") from exc
    try:
        write(temporary)
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
    except BaseException as exc:
        temporary.unlink(missing_ok=True)
        cause = _os_error(exc)
        if cause is not None:
            raise OutputError(f"Không ghi được {target}: {os_error_text(cause)}.") from exc
        raise
    return temporary


def _os_error(exc: BaseException) -> OSError | None:
    """The system's error behind a writer's own (XlsxWriter's `FileCreateError` wraps the
    `OSError` of a full disk)."""
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None or isinstance(seen, OSError):
            return seen
        seen = (
            seen.__cause__
            or seen.__context__
            or next((a for a in getattr(seen, "args", ()) if isinstance(a, OSError)), None)
        )
    return None


def _replace_all(staged: dict[Path, Path]) -> list[Path]:
    """Keep the old files, write the journal, replace every target, remove the journal; on the
    first failure put back those already replaced. The backups, for the caller to remove."""
    backups: dict[Path, Path | None] = {}
    try:
        for target in staged:
            backups[target] = _backup(target)
        journals = _write_journals(staged, backups)
    except BaseException:
        _remove(b for b in backups.values() if b is not None)
        raise
    done: list[Path] = []
    try:
        for target, temporary in staged.items():
            try:
                os.replace(temporary, target)
            except OSError as exc:
                raise OutputError(_replace_message(target, exc)) from exc
            done.append(target)
    except BaseException:
        unrestored = _restore(done, backups)
        if unrestored:  # the journal stays: the next run puts the old files back
            raise OutputError(
                "Không ghi được các tệp kết quả, và không khôi phục được bản cũ của: "
                + "; ".join(unrestored)
                + ". Lần chạy sau vào thư mục này sẽ thử trả lại bản cũ."
            ) from None
        _remove(journals)
        _remove(b for b in backups.values() if b is not None)
        raise
    _remove(journals)  # the new set stands
    return [backup for backup in backups.values() if backup is not None]


def _write_journals(staged: dict[Path, Path], backups: dict[Path, Path | None]) -> list[Path]:
    """One journal a folder: its targets, their temporary files and backups, by name."""
    journals = []
    for folder in sorted({t.parent for t in staged}, key=str):
        entries = [
            {
                "target": target.name,
                "temporary": temporary.name,
                "backup": backups[target].name if backups[target] is not None else None,  # type: ignore[union-attr]
            }
            for target, temporary in staged.items()
            if target.parent == folder
        ]
        journal = folder / JOURNAL_NAME
        written = make_temporary(folder)
        try:
            written.write_text(
                json.dumps({"entries": entries}, ensure_ascii=True), encoding="utf-8"
            )
            os.replace(written, journal)
        except OSError as exc:
            written.unlink(missing_ok=True)
            raise OutputError(f"Không ghi được {journal}: {os_error_text(exc)}.") from exc
        journals.append(journal)
    return journals


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
        backup = make_temporary(target.parent, ".bak")
    except OSError as exc:
        raise OutputError(f"Không ghi được {target}: {os_error_text(exc)}.") from exc
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


def _restore(done: list[Path], backups: dict[Path, Path | None]) -> list[str]:
    """Put back the old files; the names of those that could not be (with where they are)."""
    unrestored = []
    for target in reversed(done):
        backup = backups[target]
        try:
            if backup is None:
                target.unlink(missing_ok=True)
            else:
                os.replace(backup, target)
        except OSError as exc:
            where = f" (bản cũ ở {backup})" if backup is not None else ""
            unrestored.append(f"{target}{where}: {os_error_text(exc)}")
    return unrestored


def _remove(paths: Iterable[Path]) -> None:
    for path in list(paths):
        path.unlink(missing_ok=True)


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
