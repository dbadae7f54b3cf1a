"""What validation finds: values with a stable rule id, never strings to be parsed again."""

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Finding:
    file: str
    rule: str
    severity: Severity
    message: str
    sheet: str | None = None
    cell: str | None = None
    code: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


@dataclass
class FileReport:
    """Everything found in one workbook, and which rules were checked on it."""

    path: Path
    findings: list[Finding] = field(default_factory=list)
    rules_checked: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Skipped:
    """A file found in a folder and not read: why, and what the clerk can do about it."""

    file: str
    reason: str
    action: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class ValidationReport:
    files: list[FileReport] = field(default_factory=list)
    bloc_findings: list[Finding] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def __iter__(self) -> Iterator[Finding]:
        for report in self.files:
            yield from report.findings
        yield from self.bloc_findings

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self if not f.is_error]

    def ok(self, strict: bool = False) -> bool:
        return not any(f.is_error or strict for f in self)


def count_by_severity(findings: Iterable[Finding]) -> tuple[int, int]:
    errors = warnings = 0
    for finding in findings:
        if finding.is_error:
            errors += 1
        else:
            warnings += 1
    return errors, warnings
