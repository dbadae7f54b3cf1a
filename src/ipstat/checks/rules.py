"""Rules between values of one workbook, and across the workbooks of the bloc."""

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path

from ipstat.base.findings import Finding, Skipped
from ipstat.base.formatting import format_datetime, format_exact
from ipstat.base.numbers import plain
from ipstat.base.periods import words
from ipstat.contract.model import Contract
from ipstat.contract.ruleset import Check, Comparison, Term
from ipstat.reading.located import Submission
from ipstat.reading.members import named_in

_OP_WORDS = {
    "<=": "không được lớn hơn",
    ">=": "phải lớn hơn hoặc bằng",
    "==": "phải bằng",
    "<": "phải nhỏ hơn",
    ">": "phải lớn hơn",
}
_USUALLY_WORDS = {  # a warning asks to check, it does not forbid
    "<=": "thường không lớn hơn",
    ">=": "thường không nhỏ hơn",
    "==": "thường bằng",
    "<": "thường nhỏ hơn",
    ">": "thường lớn hơn",
}
_STATE_WORDS = {"<=": "≤", ">=": "≥", "==": "bằng", "<": "<", ">": "lớn hơn"}


def check_submission(
    sub: Submission, contract: Contract, year: int | None, period: str | None = None
) -> list[Finding]:
    """The checks of rules.toml, and the year and period asked for. A check with a missing value
    is skipped: that value already has its own finding."""
    findings = [_year_finding(sub, contract, year)] if year and sub.year not in (None, year) else []
    if period is not None and sub.period not in (None, period):
        findings.append(_period_finding(sub, contract, period))
    values = sub.values()
    for check in contract.rules.checks:
        if not all(code in values for code in check.codes):
            continue
        if check.condition is not None and not check.condition.holds(values):
            continue
        if not check.expectation.holds(values):
            findings.append(_check_finding(check, sub, contract, values))
    return findings


def check_registration(sub: Submission, contract: Contract, year: int | None) -> list[Finding]:
    """A registration has only the year to agree with: its plans need not satisfy the rules
    between the figures of a whole year (it lists only some indicators)."""
    return [_year_finding(sub, contract, year)] if year and sub.year not in (None, year) else []


def _year_finding(sub: Submission, contract: Contract, year: int) -> Finding:
    return Finding(
        file=str(sub.path),
        rule="year-mismatch",
        severity=contract.severity("year-mismatch"),
        text=f"Biểu ghi năm {sub.year} nhưng đang tổng hợp năm {year}; hãy gửi đúng biểu "
        f"của năm {year} hoặc sửa ô “Năm báo cáo”.",
        values=(("year", str(sub.year)), ("expected", str(year))),
        sheet=contract.form.info_sheet.name,
        code="nam",
    )


def _period_finding(sub: Submission, contract: Contract, period: str) -> Finding:
    """`mixed-periods`: the workbook's period, where it says it, and the period asked for. A
    workbook that does not say its period (no `ky` row, or an empty one) is a yearly one."""
    form = contract.form
    field = form.period_field
    own = str(sub.period)
    code = field.code if field is not None else None
    cell = sub.info_cells.get(code) if code is not None else None
    row = f"dòng {code}, “{field.label}”" if field is not None else "dòng kỳ báo cáo"
    if cell is not None:
        said = f"ghi kỳ báo cáo “{sub.info[str(code)]}”"
    else:
        said = f"không ghi kỳ báo cáo ({row})"
    asked = words(period).report
    return Finding(
        file=str(sub.path),
        rule="mixed-periods",
        severity=contract.severity("mixed-periods"),
        text=f"Biểu {sub.path.name} {said}, tức là {words(own).report}, nhưng đang xét {asked} "
        f"(--period {period}). Hãy xét riêng biểu này với --period {own}, hoặc, nếu đây là "
        f"{asked}, hãy ghi “{form.period(period).label}” ở {row} của trang "
        f"“{form.info_sheet.name}”.",
        values=(("period", own), ("expected", period)),
        sheet=form.info_sheet.name,
        cell=cell,
        code=code,
    )


def _describe(side: Sequence[Term], contract: Contract, values: dict[str, Decimal]) -> str:
    parts = []
    for term in side:
        if isinstance(term, str):
            label = contract.form.by_code[term].label
            parts.append(f"{label} ({format_exact(values[term])})")
        else:
            parts.append(format_exact(term))
    return " + ".join(parts)


def _sentence(
    cmp: Comparison, contract: Contract, values: dict[str, Decimal], words: dict[str, str]
) -> str:
    left = _describe(cmp.left, contract, values)
    right = _describe(cmp.right, contract, values)
    return f"{left} {words[cmp.op]} {right}"


def _check_finding(
    check: Check, sub: Submission, contract: Contract, values: dict[str, Decimal]
) -> Finding:
    figure = sub.figures[check.anchor]
    others = sorted({sub.figures[c].cell for c in check.codes} - {figure.cell})
    severity = contract.severity(check.rule)
    words = _OP_WORDS if severity == "error" else _USUALLY_WORDS
    expect = _sentence(check.expectation, contract, values, words)
    condition = check.condition
    when = f"Khi {_sentence(condition, contract, values, _STATE_WORDS)} thì " if condition else ""
    sentence = when + (expect[0].lower() + expect[1:] if when else expect)
    see = f" (xem thêm ô {', '.join(others)})" if others else ""
    hint = f" {check.hint}" if check.hint else ""
    return Finding(
        file=str(sub.path),
        rule=check.rule,
        severity=severity,
        text=f"{sentence}{see}.{hint}",
        sheet=figure.sheet,
        cell=figure.cell,
        code=check.anchor,
        values=tuple((code, plain(values[code])) for code in dict.fromkeys(check.codes)),
    )


def check_bloc(
    subs: Sequence[Submission],
    contract: Contract,
    year: int | None,
    *,
    skipped: Sequence[Skipped] = (),
    received: Mapping[Path, dt.datetime] | None = None,
) -> tuple[list[Finding], int | None]:
    """Rules across the bloc: one workbook per member, one year. Returns the year agreed on.
    A missing member's message names the skipped files that may be its workbook; with the
    workbooks' `received` times, a duplicate names the one received last."""
    findings: list[Finding] = []

    def add(rule: str, message: str, file: str = "") -> None:
        findings.append(Finding(file, rule, contract.severity(rule), message))  # no place

    # Files of two years, or of two periods, are no duplicates: `mixed-years`, `mixed-periods`.
    by_member: dict[tuple[str, int | None, str | None], list[Submission]] = defaultdict(list)
    for sub in subs:
        if sub.member is not None:
            by_member[sub.member, sub.year, sub.period].append(sub)
    for (member, _, _), group in by_member.items():
        if len(group) > 1 and received is not None:
            add("duplicate-member", *_duplicate(member, group, received))
        elif len(group) > 1:
            files = " và ".join(f"“{s.path.name}”" for s in group)
            add(
                "duplicate-member",
                f"Có {len(group)} tệp của {member}: {files}; hãy giữ lại một tệp đúng.",
                str(group[1].path),
            )
    years = sorted({s.year for s in subs if s.year is not None})
    if year is None and len(years) > 1:
        listing = "; ".join(
            f"{y}: " + ", ".join(s.path.name for s in subs if s.year == y) for y in years
        )
        add(
            "mixed-years",
            f"Các tệp thuộc nhiều năm khác nhau ({listing}); hãy chỉ tổng hợp các tệp của một "
            "năm, hoặc chọn năm bằng --year.",
        )
    agreed = year if year is not None else (years[0] if len(years) == 1 else None)
    present = {member for member, _, _ in by_member}
    missing = [m for m in contract.bloc.names if m not in present]
    for member in missing:
        add(
            "missing-member",
            f"Chưa nhận được báo cáo của {member}." + _maybe(member, contract, skipped),
        )
    return findings, agreed


def _maybe(name: str, contract: Contract, skipped: Sequence[Skipped]) -> str:
    member = next(m for m in contract.bloc.members if m.name == name)
    hints = [
        f" Tệp “{Path(s.file).name}” đã bị bỏ qua ({s.reason}) có thể là của {name}: {s.action}."
        for s in skipped
        if named_in(member, Path(s.file).name)
    ]
    return "".join(hints)


def _duplicate(
    member: str, group: Sequence[Submission], received: Mapping[Path, dt.datetime]
) -> tuple[str, str]:
    """The message and file of `duplicate-member`, naming the workbook received last."""
    ordered = sorted(group, key=lambda s: (received[s.path], s.path.name))
    named = [f"“{s.path.name}” (nhận {format_datetime(received[s.path])})" for s in ordered]
    files = ", ".join(named[:-1]) + " và " + named[-1]
    same = " (cùng một nội dung)" if len({s.sha256 for s in group}) == 1 else ""
    latest = ordered[-1].path
    return (
        f"Có {len(group)} tệp của {member}{same}: {files}; tệp nhận sau cùng là "
        f"“{latest.name}”. Hãy giữ lại một tệp, hoặc chạy lại với --latest để dùng tệp nhận "
        "sau cùng.",
        str(latest),
    )
