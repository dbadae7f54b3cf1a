"""`ipstat pact`: the pact of the year's targets (giao ước thi đua) from the registrations the
members sent, validated as `score` validates them; written together or not at all."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ipstat.base.errors import InputError
from ipstat.base.findings import Finding, ValidationReport
from ipstat.checks.rules import check_bloc
from ipstat.checks.validation import validate_paths
from ipstat.contract.model import Contract
from ipstat.contract.scoring_table import ScoringTable
from ipstat.outputs.atomic import write_all_atomic
from ipstat.outputs.frames import paper
from ipstat.outputs.pact import pact_context, render_pact, write_pact_word


@dataclass
class Pact:
    report: ValidationReport  # every finding; with an error, nothing was written
    files: list[Path] = field(default_factory=list)
    notices: list[Finding] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # members who registered nothing


def pact_paths(year: int, folder: Path) -> dict[str, Path]:
    return {
        "md": folder / f"giao-uoc-thi-dua-{year}.md",
        "docx": folder / f"giao-uoc-thi-dua-{year}.docx",
    }


def write_pact(
    paths: Iterable[Path],
    contract: Contract,
    table: ScoringTable,
    *,
    year: int,
    out: Path | None = None,
    day: dt.date | None = None,
) -> Pact:
    """With any error in a registration, nothing is written. A member without a registration
    is named in the pact, and signs it all the same."""
    signed = paper(contract, year, day)
    validation = validate_paths(paths, contract, year, scoring=table)
    report = validation.report
    registrations = validation.registrations
    if not registrations and not report.errors:
        raise InputError(
            "Không có bản đăng ký thi đua nào (biểu có trang “Đăng ký”) trong các tệp đã chỉ ra."
        )
    found, _ = check_bloc(registrations, contract, year)
    report.bloc_findings.extend(f for f in found if f.rule != "missing-member")
    if report.errors:
        return Pact(report)
    context = pact_context(registrations, table, signed)
    text = render_pact(context)
    targets = pact_paths(year, out or Path("ket-qua") / str(year))

    def write_text(path: Path) -> None:
        path.write_text(text, encoding="utf-8", newline="\n")

    def write_word(path: Path) -> None:
        write_pact_word(path, text, signed, table.authority)

    write_all_atomic({targets["md"]: write_text, targets["docx"]: write_word})
    return Pact(report, list(targets.values()), signed.notices, context["chua_dang_ky"])
