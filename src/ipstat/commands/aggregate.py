"""The secretariat's yearly job in one call: validate, aggregate, write the outputs."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ipstat.base.findings import Finding
from ipstat.bloc.compare import compare_years, last_year_figures
from ipstat.bloc.document import Document, dumps, loads, read_document, to_document
from ipstat.bloc.plans import plan_completion
from ipstat.bloc.totals import AggregateRun, aggregate_paths
from ipstat.checks.rules import check_bloc
from ipstat.checks.validation import validate_paths
from ipstat.contract.model import Contract
from ipstat.contract.scoring_table import ScoringTable
from ipstat.outputs.atomic import Writer, write_all_atomic
from ipstat.outputs.consolidated import write_consolidated
from ipstat.outputs.frames import paper
from ipstat.outputs.report_text import render_report
from ipstat.outputs.year_documents import write_report_word


@dataclass
class Published:
    run: AggregateRun
    document: Document | None = None
    files: list[Path] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)  # an earlier run's draft, not made now
    notices: list[Finding] = field(default_factory=list)  # about the Word document's data


def output_paths(folder: Path, year: int) -> dict[str, Path]:
    return {
        "xlsx": folder / f"tong-hop-{year}.xlsx",
        "json": folder / f"tong-hop-{year}.json",
        "md": folder / f"bao-cao-{year}.md",
        "docx": folder / f"bao-cao-{year}.docx",
    }


def publish(
    paths: Iterable[Path],
    contract: Contract,
    *,
    year: int | None = None,
    out: Path | None = None,
    previous: Path | None = None,
    word: bool = False,
    registrations: Path | None = None,
    scoring: ScoringTable | None = None,
    latest: bool = False,
    day: dt.date | None = None,
) -> Published:
    """With any error nothing is written; otherwise all the outputs are replaced together.
    With `previous` (last year's document) the outputs compare the two years and flow figures
    far from last year's are warnings; with `latest`, each member's last version is used; with
    `registrations`, the report says how far the bloc went towards its registered plans. The
    Word report is dated `day` (today) and signed by the year's Khối trưởng."""
    last_year = read_document(previous) if previous else None
    figures = last_year_figures(last_year, contract) if last_year is not None else None
    # This run's output folder is never an input (a second run would read its own workbook).
    own = out or (Path("ket-qua") / str(year) if year is not None else None)
    exclude = [own] if own is not None and own.is_dir() else []
    run = aggregate_paths(
        paths, contract, year, latest=latest, last_year=figures, exclude=exclude, scoring=scoring
    )
    registered = None
    if registrations is not None and run.aggregate is not None:
        registered = validate_paths([registrations], contract, run.aggregate.year, scoring=scoring)
        run.validation.report.files.extend(registered.report.files)
        duplicates, _ = check_bloc(registered.registrations, contract, run.aggregate.year)
        run.validation.report.bloc_findings.extend(
            f for f in duplicates if f.rule != "missing-member"
        )
        if run.validation.report.errors:
            run.aggregate = None
    if run.aggregate is None:
        return Published(run)
    comparison = None
    if last_year is not None:
        comparison, drops = compare_years(run.aggregate, last_year, contract)
        run.aggregate.warnings.extend(drops)
        run.validation.report.bloc_findings.extend(drops)
    document = to_document(run.aggregate, contract, comparison)
    if registered is not None:
        document["plan"] = plan_completion(run.aggregate, registered.registrations)
    folder = out or Path("ket-qua") / str(run.aggregate.year)
    targets = output_paths(folder, run.aggregate.year)
    signed = paper(contract, run.aggregate.year, day) if word else None

    @cache
    def json_text() -> str:
        return dumps(document) + "\n"

    @cache
    def report() -> str:
        return render_report(loads(json_text()))  # exactly what `ipstat report` will give

    def write_json(path: Path) -> None:
        path.write_text(json_text(), encoding="utf-8", newline="\n")

    def write_report(path: Path) -> None:
        path.write_text(report(), encoding="utf-8", newline="\n")

    def write_book(path: Path) -> None:
        write_consolidated(path, document)

    writers: dict[Path, Writer] = {
        targets["xlsx"]: write_book,
        targets["json"]: write_json,
        targets["md"]: write_report,
    }
    if signed is not None:
        authority = scoring.authority if scoring else ""

        def write_word(path: Path) -> None:
            write_report_word(path, loads(json_text()), signed, authority=authority)

        writers[targets["docx"]] = write_word
    write_all_atomic(writers)
    stale = [] if word or not targets["docx"].is_file() else [targets["docx"]]
    notices = signed.notices if signed else []
    return Published(run, document, list(writers), stale, notices)
