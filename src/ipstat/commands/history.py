"""`ipstat history`: the aggregate documents of several years as one series, written together.

The analysts' tidy table is `ipstat.history.load(paths, bloc=None)` (`bloc/frame.py`).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ipstat.base.periods import YEARLY, suffix
from ipstat.bloc.series import History, build_history
from ipstat.contract.model import Contract
from ipstat.outputs.atomic import Writer, write_all_atomic
from ipstat.outputs.history_book import write_history_book
from ipstat.outputs.history_text import render_history
from ipstat.outputs.tidy import to_csv, to_json

FORMATS = ("xlsx", "csv", "md", "json")


@dataclass
class HistoryRun:
    history: History
    files: list[Path] = field(default_factory=list)


def output_paths(folder: Path, first: int, last: int, period: str = YEARLY) -> dict[str, Path]:
    """`lich-su-2016-2019.*`; a half-year series' end in `-6-thang`."""
    stem = f"lich-su-{first}-{last}" if first != last else f"lich-su-{first}"
    return {kind: folder / f"{stem}{suffix(period)}.{kind}" for kind in FORMATS}


def _text(content: str, newline: str | None = None) -> Writer:
    def write(path: Path) -> None:
        with path.open("w", encoding="utf-8", newline=newline) as handle:
            handle.write(content)

    return write


def write_history(
    paths: Iterable[str | Path],
    contract: Contract,
    *,
    mapped: bool = False,
    out: Path | None = None,
    formats: Iterable[str] = FORMATS,
    template: Path | None = None,
    period: str = YEARLY,
) -> HistoryRun:
    """Build the series of `period`, render every output in memory, then replace them all
    together."""
    history = build_history(paths, contract, mapped=mapped, period=period)
    folder = out or Path("ket-qua") / "lich-su"
    targets = output_paths(folder, history.span[0], history.span[-1], period)
    makers: dict[str, Callable[[], Writer]] = {
        "xlsx": lambda: lambda path: write_history_book(path, history),
        "csv": lambda: _text(to_csv(history), newline=""),  # keeps its own "\r\n"
        "md": lambda: _text(render_history(history, template)),
        "json": lambda: _text(to_json(history)),
    }
    chosen = [kind for kind in FORMATS if kind in set(formats)]
    writers = {targets[kind]: makers[kind]() for kind in chosen}
    write_all_atomic(writers)
    return HistoryRun(history, list(writers))
