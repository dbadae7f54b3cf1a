"""The rules (`schemas/rules.toml`): every rule id with its severity and title, the checks
between values (`a + b <= c`), and what the year-over-year comparison looks at
(`schemas/comparison.toml`)."""

import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Literal

from ipstat.contract.checked import Checked

Severity = Literal["error", "warning", "note"]

# Rule ids the code itself emits; each must be described (with its severity) in rules.toml.
BUILTIN_RULES = frozenset(
    {
        "unreadable-file",
        "missing-sheet",
        "missing-header",
        "missing-info",
        "unknown-member",
        "invalid-year",
        "year-mismatch",
        "invalid-period",
        "mixed-periods",
        "year-below-half-year",
        "missing-value",
        "duplicate-code",
        "formula-without-value",
        "non-numeric-value",
        "negative-value",
        "fractional-count",
        "unit-mismatch",
        "text-number",
        "unit-converted",
        "unknown-code",
        "duplicate-member",
        "mixed-years",
        "missing-member",
        "cumulative-drop",
        # emulation: registrations, self-scores, `ipstat score` (emulation-scoring.md)
        "missing-plan",
        "non-positive-plan",
        "self-score-out-of-range",
        "missing-self-score",
        "unscorable-criterion",
        "adjustment-without-reason",
        "adjustment-out-of-range",
        "adjustment-unknown-member",
        "adjustment-unknown-criterion",
        "duplicate-adjustment",
        "adjustment-unscored-member",
        "unusual-name",
        "value-out-of-range",
        "too-many-digits",
        "error-value",
        "display-format",
        "ambiguous-sheet",
        "ambiguous-column",
        "duplicate-info",
        "member-read-as",
        "blank-form",
        "macro-workbook",
        "year-outside-bloc",
        "legacy-encoding",
        "jump-vs-previous",
        "superseded-version",
        "version-order-by-name",
        "version-order-unknown",
        # the documents of the year and the vote (cycle-documents.md)
        "unchecked-legal-text",
        "inferred-term",
        "tally-unknown-candidate",
        "tally-missing-row",
        "tally-duplicate-row",
        "tally-votes-over-present",
        "tally-too-few-present",
        "tally-invalid-count",
    }
)


_OPS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
    "<": operator.lt,
    ">": operator.gt,
}
_COMPARISON = re.compile(r"^(?P<left>[^<>=]+?)\s*(?P<op><=|>=|==|<|>)\s*(?P<right>[^<>=]+)$")
_TERM = re.compile(r"^(?:[a-z_][a-z0-9_]*|[0-9]+(?:\.[0-9]+)?)$")

Term = str | Decimal


@dataclass(frozen=True, kw_only=True)
class Comparison(Checked):
    """`a + b <= c`: sums of indicator codes and numbers, compared."""

    left: tuple[Term, ...]
    op: str
    right: tuple[Term, ...]

    @classmethod
    def parse(cls, text: str) -> "Comparison":
        match = _COMPARISON.match(text.strip())
        if match is None:
            raise ValueError(f"“{text}” không phải là một phép so sánh")
        return cls(left=_terms(match["left"]), op=match["op"], right=_terms(match["right"]))

    def __post_init__(self) -> None:
        if self.op not in _OPS:
            raise ValueError(f"Không có phép so sánh “{self.op}”")

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(t for t in (*self.left, *self.right) if isinstance(t, str))

    def holds(self, values: dict[str, Decimal]) -> bool:
        return _OPS[self.op](_sum(self.left, values), _sum(self.right, values))


def _terms(side: str) -> tuple[Term, ...]:
    terms: list[Term] = []
    for raw in side.split("+"):
        term = raw.strip()
        if not _TERM.match(term):
            raise ValueError(f"“{term}” không phải là mã chỉ tiêu hay con số")
        terms.append(term if term[0].isalpha() or term[0] == "_" else Decimal(term))
    return tuple(terms)


def _sum(terms: Iterable[Term], values: dict[str, Decimal]) -> Decimal:
    return sum((values[t] if isinstance(t, str) else t for t in terms), Decimal(0))


@dataclass(frozen=True, kw_only=True)
class Check(Checked):
    rule: str
    expect: str
    when: str | None = None
    hint: str = ""

    def __post_init__(self) -> None:
        _ = self.expectation, self.condition  # a typo in an expression fails at load

    @cached_property
    def expectation(self) -> Comparison:
        return Comparison.parse(self.expect)

    @cached_property
    def condition(self) -> Comparison | None:
        return Comparison.parse(self.when) if self.when else None

    @property
    def anchor(self) -> str:
        """The indicator whose cell carries the finding."""
        return self.expectation.codes[0]

    @property
    def codes(self) -> tuple[str, ...]:
        return (*(self.condition.codes if self.condition else ()), *self.expectation.codes)


@dataclass(frozen=True, kw_only=True)
class Rule(Checked):
    severity: Severity
    title: str
    # What the rule looks at: one workbook, the bloc's workbooks together, the scoring (and its
    # vote), or a document being written.
    scope: Literal["workbook", "bloc", "score", "document"] = "workbook"
    # What the rule means and how to fix what it finds, for people (the rules' reference page of
    # docs/, written by scripts/docs_reference.py); a bloc's own rules.toml may leave them out.
    meaning: str = ""
    fix: str = ""


@dataclass(frozen=True, kw_only=True)
class Rules(Checked):
    rules: dict[str, Rule]
    checks: tuple[Check, ...]

    def of_scope(self, scope: str) -> list[str]:
        return [rule for rule, found in self.rules.items() if found.scope == scope]

    def __post_init__(self) -> None:
        for rule_id in self.rules:
            if not re.fullmatch(r"[a-z]+(?:-[a-z]+)*", rule_id):
                raise ValueError(
                    f"Mã quy tắc “{rule_id}” phải là chữ thường không dấu nối bằng gạch ngang, "
                    "vd. “missing-value”"
                )
        missing = BUILTIN_RULES - self.rules.keys()
        if missing:
            raise ValueError(
                f"Quy tắc chưa được mô tả trong rules.toml: {', '.join(sorted(missing))}"
            )
        for check in self.checks:
            if check.rule not in self.rules:
                raise ValueError(f"Phép kiểm tra dùng quy tắc không có: “{check.rule}”")


@dataclass(frozen=True, kw_only=True)
class YearOverYear(Checked):
    """What `aggregate --previous` compares, and how far a cumulative figure may fall."""

    headline: tuple[str, ...]
    cumulative: tuple[str, ...]
    cumulative_drop_percent: Decimal
    flows: tuple[str, ...] = ()  # figures of the year alone, checked against last year's
    jump_factor: Decimal = Decimal(5)  # a flow this many times last year's (or a this-th) warns

    def __post_init__(self) -> None:
        if self.jump_factor <= 1:
            raise ValueError(f"jump_factor ({self.jump_factor}) phải lớn hơn 1")
