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
    from xml.etree.ElementTree import Element, SubElement, indent, tostring  # noqa: PLC0415

    root = Element("testsuites")

    def suite(name: str, **counts: int) -> Element:
        return SubElement(
            root, "testsuite", {"name": _xml(name), **{k: str(v) for k, v in counts.items()}}
        )

    for file_report in report.files:
        by_rule: dict[str, list[Finding]] = {}
        for finding in file_report.findings:
            by_rule.setdefault(finding.rule, []).append(finding)
        unreadable = "unreadable-file" in by_rule
        cases = suite(str(file_report.path), tests=len(file_report.rules_checked), errors=0)
        failures = skipped = 0
        for rule in file_report.rules_checked:
            found = by_rule.get(rule, [])
            errors = [f for f in found if f.is_error]
            case = SubElement(
                cases, "testcase", name=_xml(rule), classname=_xml(cases.get("name", ""))
            )
            if errors:
                failures += 1
                failure = SubElement(
                    case, "failure", message=_xml(errors[0].message), type=_xml(rule)
                )
                failure.text = _xml("\n".join(_sheet_prefix(f) + f.message for f in errors))
            elif unreadable and rule != "unreadable-file":
                skipped += 1
                SubElement(case, "skipped")
            if found and not errors:
                out = SubElement(case, "system-out")
                out.text = _xml("\n".join(_sheet_prefix(f) + f.message for f in found))
        cases.set("failures", str(failures))
        cases.set("skipped", str(skipped))
    if report.bloc_findings:
        failures = sum(f.is_error for f in report.bloc_findings)
        bloc = suite("bloc", tests=len(report.bloc_findings), failures=failures, errors=0)
        for f in report.bloc_findings:
            case = SubElement(bloc, "testcase", name=_xml(f.rule), classname="bloc")
            if f.is_error:
                SubElement(case, "failure", message=_xml(f.message))
    if report.skipped:
        count = len(report.skipped)
        skipped_suite = suite("skipped", tests=count, failures=0, errors=0, skipped=count)
        for s in report.skipped:
            case = SubElement(skipped_suite, "testcase", name=_xml(s.file), classname="skipped")
            SubElement(case, "skipped", message=_xml(f"{s.reason}; {s.action}."))
    indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + tostring(root, encoding="unicode")


def _sheet_prefix(finding: Finding) -> str:
    return f"[{finding.sheet}] " if finding.sheet else ""


def _xml(text: str) -> str:
    """Text XML 1.0 can hold: the characters it forbids shown visibly (ElementTree escapes the
    rest, in text and in attributes)."""
    return visible(text, keep="\t\n\r")


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
