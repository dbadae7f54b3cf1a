"""Findings in the machine formats of `validate --format`: JSON, JUnit XML, GitHub annotations."""

import json

from ipstat.reading.findings import Finding, ValidationReport

GITHUB_LIMIT = 10  # GitHub shows at most 10 annotations of each kind per step
GITHUB_KINDS = {"error": "error", "warning": "warning", "note": "notice"}


def to_json(report: ValidationReport) -> str:
    return json.dumps([f.as_dict() for f in report], ensure_ascii=False, indent=2)


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
    lines.append("<testsuites>")
    lines.extend(suites)
    lines.append("</testsuites>")
    return "\n".join(lines)


def _sheet_prefix(finding: Finding) -> str:
    return f"[{finding.sheet}] " if finding.sheet else ""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """An XML attribute value with its quotes (saxutils has one, but imports urllib)."""
    escaped = _escape(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;")
    return f'"{escaped}"'


def _github_escape(text: str, property_value: bool = False) -> str:
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
    if any(hidden.values()):
        noted = f", {hidden['notice']} ghi chú" if hidden["notice"] else ""
        lines.append(
            f"ipstat: còn {hidden['error']} lỗi và {hidden['warning']} cảnh báo{noted} không "
            f"hiển thị (GitHub chỉ hiện {GITHUB_LIMIT} chú thích mỗi loại); chạy "
            "`ipstat validate` để xem đầy đủ."
        )
    return "\n".join(lines)
