"""Findings in the machine formats of `validate --format`: JSON, JUnit XML, GitHub annotations.

Each stays well-formed whatever the input holds: JSON escapes control characters itself (only a
Linux file name that is not UTF-8 needs its bytes shown); XML 1.0 forbids most control
characters and GitHub's commands end at a newline, so those are shown visibly (`␛`).
"""

import json

from ipstat.base.findings import Finding, ValidationReport
from ipstat.base.visible import encodable_data, visible

GITHUB_LIMIT = 10  # GitHub shows at most 10 annotations of each kind per step
GITHUB_KINDS = {"error": "error", "warning": "warning", "note": "notice"}


def to_json(report: ValidationReport) -> str:
    """`{"findings": [...], "skipped": [...]}`: every finding, and every file not read."""
    data = {
        "findings": [encodable_data(f.as_dict()) for f in report],
        "skipped": [encodable_data(s.as_dict()) for s in report.skipped],
    }
    return json.dumps(data, ensure_ascii=False, indent=2)


def to_junit(report: ValidationReport) -> str:
    """One testsuite per workbook, a testcase per rule; errors fail, warnings go to system-out."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    suites = []
    for file_report in report.files:
        by_rule: dict[str, list[Finding]] = {}
        for finding in file_report.findings:
            by_rule.setdefault(finding.rule, []).append(finding)
        unreadable = "unreadable-file" in by_rule
        cases = []
        failures = skipped = 0
        for rule in file_report.rules_checked:
            found = by_rule.get(rule, [])
            errors = [f for f in found if f.is_error]
            body = ""
            if errors:
                failures += 1
                text = "\n".join(_sheet_prefix(f) + f.message for f in errors)
                body = f"<failure message={quoteattr(errors[0].message)} type={quoteattr(rule)}>"
                body += _escape(text) + "</failure>"
            elif unreadable and rule != "unreadable-file":
                skipped += 1
                body = "<skipped/>"
            if found and not errors:
                body += "<system-out>" + _escape(
                    "\n".join(_sheet_prefix(f) + f.message for f in found)
                )
                body += "</system-out>"
            name = quoteattr(rule)
            classname = quoteattr(str(file_report.path))
            cases.append(f"    <testcase name={name} classname={classname}>{body}</testcase>")
        suites.append(
            f'  <testsuite name={quoteattr(str(file_report.path))} tests="{len(cases)}" '
            f'failures="{failures}" errors="0" skipped="{skipped}">\n'
            + "\n".join(cases)
            + "\n  </testsuite>"
        )
    if report.bloc_findings:
        cases = [
            f'    <testcase name={quoteattr(f.rule)} classname="bloc">'
            + (f"<failure message={quoteattr(f.message)}/>" if f.is_error else "")
            + "</testcase>"
            for f in report.bloc_findings
        ]
        failures = sum(f.is_error for f in report.bloc_findings)
        suites.append(
            f'  <testsuite name="bloc" tests="{len(cases)}" failures="{failures}" errors="0">\n'
            + "\n".join(cases)
            + "\n  </testsuite>"
        )
    if report.skipped:
        cases = [
            f'    <testcase name={quoteattr(s.file)} classname="skipped">'
            f"<skipped message={quoteattr(f'{s.reason}; {s.action}.')}/></testcase>"
            for s in report.skipped
        ]
        suites.append(
            f'  <testsuite name="skipped" tests="{len(cases)}" failures="0" errors="0" '
            f'skipped="{len(cases)}">\n' + "\n".join(cases) + "\n  </testsuite>"
        )
    lines.append("<testsuites>")
    lines.extend(suites)
    lines.append("</testsuites>")
    return "\n".join(lines)


def _sheet_prefix(finding: Finding) -> str:
    return f"[{finding.sheet}] " if finding.sheet else ""


def _escape(text: str) -> str:
    """XML text: the characters XML 1.0 forbids shown visibly, markup escaped."""
    text = visible(text, keep="\t\n\r")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """An XML attribute value with its quotes (saxutils has one, but imports urllib)."""
    escaped = _escape(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;")
    return '"' + escaped.replace("\t", "&#9;") + '"'


def _github_escape(text: str, property_value: bool = False) -> str:
    text = visible(text, keep="\r\n")
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def to_github(report: ValidationReport) -> str:
    """`::error file=…,title=…::message` lines; past GitHub's 10 per kind, one summing line."""
    lines: list[str] = []
    shown = {"error": 0, "warning": 0, "notice": 0}
    hidden = {"error": 0, "warning": 0, "notice": 0}
    for finding in report:
        kind = GITHUB_KINDS[finding.severity]
        if shown[kind] >= GITHUB_LIMIT:
            hidden[kind] += 1
            continue
        shown[kind] += 1
        props = []
        if finding.file:
            props.append(f"file={_github_escape(finding.file, True)}")
        title = f"{finding.rule}" + (f" {finding.cell}" if finding.cell else "")
        props.append(f"title={_github_escape(title, True)}")
        lines.append(f"::{kind} {','.join(props)}::{_github_escape(finding.message)}")
    for skipped in report.skipped[:GITHUB_LIMIT]:
        where = _github_escape(skipped.file, True)
        text = _github_escape(f"Bỏ qua tệp: {skipped.reason}; {skipped.action}.")
        lines.append(f"::notice file={where},title=skipped-file::{text}")
    if len(report.skipped) > GITHUB_LIMIT:
        lines.append(
            f"ipstat: còn {len(report.skipped) - GITHUB_LIMIT} tệp bỏ qua không hiển thị; chạy "
            "`ipstat validate` để xem đầy đủ."
        )
    if any(hidden.values()):
        noted = f", {hidden['notice']} ghi chú" if hidden["notice"] else ""
        lines.append(
            f"ipstat: còn {hidden['error']} lỗi và {hidden['warning']} cảnh báo{noted} không "
            f"hiển thị (GitHub chỉ hiện {GITHUB_LIMIT} chú thích mỗi loại); chạy "
            "`ipstat validate` để xem đầy đủ."
        )
    return "\n".join(lines)
