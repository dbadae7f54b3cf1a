"""A cache of checked contracts, so that each run does not rebuild pydantic's validators.

The key is a hash of the schema files' exact bytes and of the source that defines the cached
types: any edit to either misses the cache and is checked again. The cache is an optimisation
only; any problem with it (no writable folder, a damaged entry) falls back to checking.
"""

import hashlib
import os
import pickle
from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def _folder() -> Path | None:
    """Where the platform keeps a user's caches: `$XDG_CACHE_HOME/ipstat` (`~/.cache/ipstat`)
    on Linux, `%LOCALAPPDATA%\\ipstat\\Cache` on Windows, `~/Library/Caches/ipstat` on macOS."""
    if os.environ.get("IPSTAT_NO_CACHE"):
        return None
    from platformdirs import user_cache_path  # noqa: PLC0415

    return user_cache_path("ipstat", appauthor=False)


def cache_folder() -> Path | None:
    """ipstat's folder in the user's cache (compiled templates live there too); None when
    IPSTAT_NO_CACHE is set."""
    return _folder()


def key(contents: Iterable[bytes], code: Path) -> str:
    """The schema files' bytes and the source of the module defining the cached types."""
    digest = hashlib.sha256(code.read_bytes())
    for content in contents:
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()


def get(entry: str, kind: type[T]) -> T | None:
    folder = _folder()
    if folder is None:
        return None
    try:
        value = pickle.loads((folder / f"contract-{entry}.pickle").read_bytes())
    except Exception:  # a damaged entry of any kind only means: check again
        return None
    return value if isinstance(value, kind) else None


def put(entry: str, value: object) -> None:
    folder = _folder()
    if folder is None:
        return
    target = folder / f"contract-{entry}.pickle"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_bytes(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(temporary, target)
    except OSError:
        return
