"""Where the shipped data lives: inside the wheel when installed, else at the repository root."""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # the ipstat package


def data_dir(name: str) -> Path:
    """The `schemas` or `templates` folder of this installation."""
    packaged = _PACKAGE / "_data" / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parents[1] / name
