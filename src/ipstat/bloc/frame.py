"""The analysts' tidy table (`ipstat.history.load`): one row per year × member × indicator, as a
pandas DataFrame whose values are exact `Decimal`s."""

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipstat.bloc.series import COLUMNS, History, build_history

if TYPE_CHECKING:
    import pandas as pd


def records(history: History) -> list[dict[str, Any]]:
    """The tidy table's rows as COLUMNS → value; `mapped_from` as a list of earlier members."""
    labels = history.by_code()
    return [
        {
            "year": r.year,
            "member": r.member,
            "code": r.code,
            "indicator": labels.get(r.code, {}).get("label", ""),
            "unit": labels.get(r.code, {}).get("unit", ""),
            "value": r.value,
            "mapped_from": list(r.mapped_from),
            "source": r.source,
            "sha256": r.sha256,
        }
        for r in history.rows
    ]


def joined(mapped_from: list[str]) -> str:
    """`Ninh Bình + Hà Nam + Nam Định` in one cell; empty where the member is as it was."""
    return " + ".join(mapped_from)


def frame(history: History) -> "pd.DataFrame":
    """The tidy table: one row per year × member × indicator, `value` as exact `Decimal`."""
    import pandas as pd  # noqa: PLC0415

    rows = [{**r, "mapped_from": joined(r["mapped_from"])} for r in records(history)]
    table = pd.DataFrame.from_records(rows, columns=list(COLUMNS))
    table["value"] = table["value"].astype(object)
    return table


def load(
    paths: str | Path | Iterable[str | Path],
    bloc: str | Path | None = None,
    period: str = "nam",
) -> "pd.DataFrame":
    """For analysts: the tidy table of the aggregate documents at `paths` (files or folders).

    With `bloc` (`"dbsh-2025"` or a .toml file) earlier years are summed into that bloc's
    members, `mapped_from` naming what each was made of. `period="6-thang"` reads the
    half-year documents instead of the years'. `value` holds `Decimal` objects;
    `table["value"].astype(float)` gives floats for plotting.
    """
    from ipstat.contract.model import load_contract  # noqa: PLC0415

    items = [paths] if isinstance(paths, str | Path) else list(paths)
    contract = load_contract(bloc=bloc)
    return frame(build_history(items, contract, mapped=bloc is not None, period=period))
