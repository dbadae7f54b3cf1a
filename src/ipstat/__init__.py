"""ipstat: check and add up the yearly figures of the industrial-zone boards of a bloc.

For analysts, three names, each imported on first use so that `import ipstat` stays light:
`ipstat.history.load(paths, bloc=None)`, the tidy table of several years (pandas);
`ipstat.document.load(path)`, one year's aggregate document; `ipstat.read_workbook(path)`, one
member's workbook read and checked, as `ipstat validate` reads it.
"""

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ipstat.base.findings import Finding
    from ipstat.reading.located import Submission

__version__ = "0.1.0"

_ALIASES = {"history": "ipstat.bloc.frame", "document": "ipstat.bloc.document"}


def __getattr__(name: str) -> Any:
    if name in _ALIASES:
        return import_module(_ALIASES[name])
    raise AttributeError(f"module 'ipstat' has no attribute {name!r}")


def read_workbook(
    path: str | Path, bloc: str | Path | None = None
) -> tuple["Submission | None", list["Finding"]]:
    """One workbook read and checked as `validate` checks it: its figures (`submission.values()`,
    exact `Decimal`s; None when the file cannot be read at all) and every finding."""
    from ipstat.checks.rules import check_submission  # noqa: PLC0415
    from ipstat.contract.model import load_contract  # noqa: PLC0415
    from ipstat.contract.scoring_table import load_scoring  # noqa: PLC0415
    from ipstat.reading.submission import read_submission  # noqa: PLC0415

    contract = load_contract(bloc=bloc)
    submission, findings = read_submission(Path(path), contract, load_scoring(contract))
    if submission is not None and submission.kind == "yearly":
        findings = [*findings, *check_submission(submission, contract, None)]
    return submission, findings
