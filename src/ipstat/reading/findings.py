"""What validation finds: values with a stable rule id, never strings to be parsed again."""

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

# A note says how something was read (a member name through a fold or an alias); it needs no
# fixing, so it never fails a run, not even with --strict.
Severity = Literal["error", "warning", "note"]


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
        return [f for f in self if f.severity == "warning"]

    @property
    def notes(self) -> list[Finding]:
        return [f for f in self if f.severity == "note"]

    def ok(self, strict: bool = False) -> bool:
        failing = ("error", "warning") if strict else ("error",)
        return not any(f.severity in failing for f in self)


class Counts(NamedTuple):
    errors: int
    warnings: int
    notes: int


def count_by_severity(findings: Iterable[Finding]) -> Counts:
    counted = Counter(f.severity for f in findings)
    return Counts(counted["error"], counted["warning"], counted["note"])
