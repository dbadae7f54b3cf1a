"""The secretariat's job of a period in one call: validate, aggregate, write the outputs."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ipstat.base.errors import InputError
from ipstat.base.findings import Finding
from ipstat.base.periods import YEARLY, suffix
from ipstat.bloc.compare import compare_years, last_year_figures, read_previous
from ipstat.bloc.document import Document, dumps, loads, to_document
from ipstat.bloc.half_year import compare_half_year, read_half_year
from ipstat.bloc.plans import plan_completion
from ipstat.bloc.totals import AggregateRun, aggregate_paths
from ipstat.checks.rules import check_bloc
from ipstat.checks.validation import validate_paths
from ipstat.contract.model import Contract
from ipstat.contract.scoring_table import ScoringTable
from ipstat.outputs.atomic import Writer, write_all_atomic
from ipstat.outputs.consolidated import write_consolidated
from ipstat.outputs.frames import Paper, paper
from ipstat.outputs.report_text import render_report
from ipstat.outputs.year_documents import write_report_word


@dataclass
class Published:
    run: AggregateRun
    document: Document | None = None
    files: list[Path] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)  # an earlier run's draft, not made now
    notices: list[Finding] = field(default_factory=list)  # about the Word document's data


def output_paths(folder: Path, year: int, period: str = YEARLY) -> dict[str, Path]:
    """`tong-hop-2017.*`, `bao-cao-2017.*`; a half-year's end in `-6-thang`."""
    stem = f"{year}{suffix(period)}"
    return {
        "xlsx": folder / f"tong-hop-{stem}.xlsx",
        "json": folder / f"tong-hop-{stem}.json",
        "md": folder / f"bao-cao-{stem}.md",
        "docx": folder / f"bao-cao-{stem}.docx",
    }


def publish(
    paths: Iterable[Path],
    contract: Contract,
    *,
    year: int | None = None,
    period: str = YEARLY,
    out: Path | None = None,
    previous: Path | None = None,
    word: bool = False,
    registrations: Path | None = None,
    scoring: ScoringTable | None = None,
    latest: bool = False,
    half_year: Path | None = None,
    day: dt.date | None = None,
) -> Published:
    """With any error nothing is written; otherwise all the outputs are replaced together.
    Every workbook must be of `period` (the year, or its first six months). With `previous`
    (last year's document of the same period) the outputs compare the two, like with like, and
    flow figures far from last year's are warnings; with `latest`, each member's last version
    is used; with `registrations`, the report says how far the bloc went towards its registered
    plans; with `half_year` (the year's own half-year document, on a yearly run), the report
    says the share of the year its first half made, and a flow below its half is a warning. The
    Word report is dated `day` (today) and signed by the year's Khối trưởng."""
    if half_year is not None and period != YEARLY:
        raise InputError(
            "--half-year chỉ dùng khi tổng hợp cả năm (--period nam): nó so số liệu cả năm với "
            "tệp tổng hợp 6 tháng đầu năm của chính năm đó."
        )
    last_year = read_previous(previous, period) if previous else None
    first_half = read_half_year(half_year) if half_year is not None else None
    figures = last_year_figures(last_year, contract) if last_year is not None else None
    # This run's output folder is never an input (a second run would read its own workbook).
    own = out or (Path("ket-qua") / str(year) if year is not None else None)
    exclude = [own] if own is not None and own.is_dir() else []
    run = aggregate_paths(
        paths,
        contract,
        year,
        period=period,
        latest=latest,
        last_year=figures,
        exclude=exclude,
        scoring=scoring,
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
    shares = None
    if first_half is not None and half_year is not None:
        shares, below = compare_half_year(run.aggregate, first_half, half_year, contract)
        run.aggregate.warnings.extend(below)
        run.validation.report.bloc_findings.extend(below)
    document = to_document(run.aggregate, contract, comparison)
    if registered is not None:
        document["plan"] = plan_completion(run.aggregate, registered.registrations)
    if shares is not None:
        document["half_year"] = shares
    folder = out or Path("ket-qua") / str(run.aggregate.year)
    targets = output_paths(folder, run.aggregate.year, period)
    signed = paper(contract, run.aggregate.year, day, period) if word else None
    authority = scoring.authority if scoring else ""
    writers = _writers(document, targets, signed, authority)
    write_all_atomic(writers)
    stale = [] if word or not targets["docx"].is_file() else [targets["docx"]]
    notices = signed.notices if signed else []
    return Published(run, document, list(writers), stale, notices)


def _writers(
    document: Document, targets: dict[str, Path], signed: Paper | None, authority: str
) -> dict[Path, Writer]:
    """The outputs of one run, each written from the one JSON text."""

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

        def write_word(path: Path) -> None:
            write_report_word(path, loads(json_text()), signed, authority=authority)

        writers[targets["docx"]] = write_word
    return writers
