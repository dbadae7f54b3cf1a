"""`ipstat validate`: every workbook under the given paths checked, cell by cell, and on request
an annotated copy of each one to send back."""

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ipstat.base.findings import ValidationReport, Vocabulary
from ipstat.base.periods import YEARLY
from ipstat.bloc.compare import read_last_year
from ipstat.bloc.versions import keep_latest, received_times
from ipstat.checks.validation import validate_paths
from ipstat.contract.model import Contract
from ipstat.outputs.annotate import Annotated, annotate_reports

if TYPE_CHECKING:
    from ipstat.contract.scoring_table import ScoringTable


def validate(
    paths: Iterable[Path],
    contract: Contract,
    *,
    year: int | None = None,
    period: str = YEARLY,
    scoring: "ScoringTable | None" = None,
    previous: Path | None = None,
    annotate: Path | None = None,
    latest: bool = False,
) -> ValidationReport:
    """The findings of every workbook (its figures are not kept: memory stays flat whatever
    the number of files), each of `period` (`mixed-periods` otherwise). With `previous` (a
    document of the same period), flows far from last year's are warnings; the folder
    `annotate` will receive copies, so it is not read. With `latest`, only each member's
    version in force is judged (and annotated), as `aggregate --latest` takes it."""
    last_year = read_last_year(previous, contract, period) if previous is not None else None
    exclude = [annotate] if annotate is not None and annotate.is_dir() else []
    validation = validate_paths(
        paths,
        contract,
        year,
        period=period,
        scoring=scoring,
        last_year=last_year,
        exclude=exclude,
        keep_submissions=latest,
    )
    if latest:
        received = received_times(validation.submissions)
        keep_latest(validation, received, contract, left_out="không được xét (đã có bản sau)")
    return validation.report


def annotate(report: ValidationReport, folder: Path, vocabulary: Vocabulary) -> Annotated:
    """A copy of each workbook with findings, its cells coloured and commented (`--annotate`)."""
    return annotate_reports(report.files, folder, vocabulary)
