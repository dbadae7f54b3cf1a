"""ipstat: check and add up the yearly figures of the industrial-zone boards of a bloc."""

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

# Short names for analysts (`ipstat.history.load`, `ipstat.document.load`), imported on first use
# so that `import ipstat` stays light.
_ALIASES = {"history": "ipstat.bloc.series", "document": "ipstat.bloc.document"}


def __getattr__(name: str) -> Any:
    if name in _ALIASES:
        return import_module(_ALIASES[name])
    raise AttributeError(f"module 'ipstat' has no attribute {name!r}")
