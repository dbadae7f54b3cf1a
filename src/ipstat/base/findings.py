"""What validation finds: data with a stable rule id, never strings to be parsed again.

A finding keeps its facts apart (rule, severity, file, sheet, cell, the code of the indicator or
criterion, the values involved) from its `text`, the sentence that says what is wrong and what
to do. Each audience composes its own line from them: `message` is the machines' and the
terminal log's (`Ô D9 (ddi_new_capital): …`), `told` the people's (`Ô D9 (Vốn đăng ký của dự
án DDI cấp mới): …`), and a table with a cell column leaves the place out (`text`).
"""

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Literal, NamedTuple

# A note says how something was read (a member name through a fold or an alias); it needs no
# fixing, so it never fails a run, not even with --strict.
Severity = Literal["error", "warning", "note"]
Values = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Finding:
    file: str
    rule: str
    severity: Severity
    text: str  # what is wrong and what to do, in Vietnamese, without where
    sheet: str | None = None
    cell: str | None = None
    code: str | None = None  # of the indicator, info field or criterion the cell holds
    values: Values = ()  # the values involved, exact (`-12.5`), as (name, value) pairs

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def message(self) -> str:
        """The whole sentence with its place, the code in it: for machines and logs."""
        return place(self.cell, self.code) + self.text

    def with_text(self, text: str) -> "Finding":
        return replace(self, text=text)

    def as_dict(self) -> dict[str, object]:
        """Every field, `message` the sentence with its place (the JSON of `validate`)."""
        return {
            "file": self.file,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "sheet": self.sheet,
            "cell": self.cell,
            "code": self.code,
            "text": self.text,
            "values": dict(self.values),
        }


@dataclass(frozen=True)
class Vocabulary:
    """What people read in place of codes: the Vietnamese name of each indicator, info field
    and criterion, and the title of each rule (from `schemas/`)."""

    names: Mapping[str, str] = field(default_factory=dict)
    titles: Mapping[str, str] = field(default_factory=dict)

    def told(self, finding: Finding) -> str:
        """The whole sentence for a person: `Ô D9 (Vốn đăng ký …): …`; the name only once, so
        not in the place when the sentence already says it."""
        name = self.names.get(finding.code or "")
        return place(finding.cell, None if name and name in finding.text else name) + finding.text

    def content(self, finding: Finding) -> str:
        """The sentence for a table whose columns give the sheet and the cell: the name, once."""
        name = self.names.get(finding.code or "")
        return finding.text if not name or name in finding.text else f"{name}: {finding.text}"

    def with_names(self, names: Mapping[str, str]) -> "Vocabulary":
        return Vocabulary({**self.names, **names}, self.titles)

    def name(self, code: str | None) -> str:
        return self.names.get(code or "", code or "")

    def title(self, rule: str) -> str:
        return self.titles.get(rule, rule)


_SEVERITY_ORDER = {"error": 0, "warning": 1, "note": 2}


def in_order(findings: Iterable[Finding]) -> list[Finding]:
    """The order every audience lists a workbook's findings in (the terminal, the annotated
    copy, the letter): errors first, then warnings and notes; by sheet, then row and column."""

    def key(finding: Finding) -> tuple[int, str, int, int]:
        letters = "".join(c for c in finding.cell or "" if c.isalpha())
        digits = "".join(c for c in finding.cell or "" if c.isdigit())
        column = sum((ord(c.upper()) - 64) * 26**i for i, c in enumerate(reversed(letters)))
        row = int(digits) if digits else 0
        return _SEVERITY_ORDER.get(finding.severity, 3), finding.sheet or "", row, column

    return sorted(findings, key=key)


def place(cell: str | None, name: str | None) -> str:
    """`Ô D9 (ddi_new_capital): `, `Ô D9: `, or nothing: where a sentence is about."""
    if not cell:
        return ""
    return f"Ô {cell} ({name}): " if name else f"Ô {cell}: "


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
        found: dict[str, str] = asdict(self)
        return found


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
