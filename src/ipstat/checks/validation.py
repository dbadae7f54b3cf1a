"""`validate`: every workbook under the given paths, read and checked in one pass."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ipstat.checks.previous import LastYear, jump_findings
from ipstat.checks.rules import check_submission
from ipstat.contract.model import Contract
from ipstat.errors import InputError
from ipstat.reading.findings import FileReport, ValidationReport
from ipstat.reading.reader import Submission, read_submission

BLOC_RULES = frozenset({"duplicate-member", "mixed-years", "missing-member", "superseded-version"})


@dataclass
class Validation:
    """The report, and the submissions that could be read (for aggregation)."""

    report: ValidationReport
    submissions: list[Submission] = field(default_factory=list)


def collect_workbooks(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders searched for `.xlsx`, skipping Excel's `~$` lock files."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.suffix.lower() == ".xlsx" and not p.name.startswith("~$") and p.is_file()
            )
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(f"Không tìm thấy tệp hoặc thư mục: {path}")
    if not found:
        raise InputError("Không có tệp .xlsx nào trong các đường dẫn đã cho.")
    return list(dict.fromkeys(found))


def workbook_rules(contract: Contract) -> list[str]:
    return [rule for rule in contract.rules.rules if rule not in BLOC_RULES]


def validate_paths(
    paths: Iterable[Path],
    contract: Contract,
    year: int | None = None,
    last_year: LastYear | None = None,
) -> Validation:
    """Read and check every workbook; findings of all files, never stopping at the first.
    With `last_year`, flow figures are also checked against last year's."""
    validation = Validation(ValidationReport())
    checked = workbook_rules(contract)
    for path in collect_workbooks(paths):
        submission, findings = read_submission(path, contract)
        if submission is not None:
            findings.extend(check_submission(submission, contract, year))
            if last_year is not None:
                findings.extend(jump_findings(submission, last_year, contract))
            validation.submissions.append(submission)
        validation.report.files.append(FileReport(path, findings, checked))
    return validation
