"""Atomic writes: a reader never sees a half-written file, and a failed run leaves the old ones."""

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from ipstat.errors import IpstatError

Writer = Callable[[Path], None]


class OutputError(IpstatError):
    """An output could not be written (no such folder, no permission, a folder in the way)."""


def write_all_atomic(outputs: dict[Path, Writer]) -> None:
    """Each writer fills a temporary file beside its target; only when all have succeeded are
    they renamed into place, so a failure in any of them replaces none."""
    try:
        _write_all(outputs)
    except OSError as exc:
        where = exc.filename2 or exc.filename or ""
        target = next((t for t in outputs if str(where).startswith(str(t.parent))), where)
        raise OutputError(f"Không ghi được {target}: {exc.strerror or exc}") from exc


def _write_all(outputs: dict[Path, Writer]) -> None:
    staged: list[tuple[Path, Path]] = []
    try:
        for target, write in outputs.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
            )
            os.close(handle)
            staged.append((Path(name), target))
            write(Path(name))
            os.chmod(name, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        for temporary, target in staged:
            os.replace(temporary, target)
    finally:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)


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
