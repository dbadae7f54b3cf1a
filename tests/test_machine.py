import json
import xml.etree.ElementTree as ET
from pathlib import Path

from ipstat.outputs.machine import GITHUB_LIMIT, to_github, to_json, to_junit
from ipstat.reading.findings import FileReport, Finding, ValidationReport


def finding(
    rule: str, severity: str = "error", cell: str | None = "D7", file: str = "a.xlsx"
) -> Finding:
    return Finding(file, rule, severity, f"Ô {cell}: <sai> & “đúng”, 50%", "Chỉ tiêu", cell, "x")  # type: ignore[arg-type]


def report(
    *findings: Finding,
    rules: tuple[str, ...] = ("negative-value", "text-number", "unreadable-file"),
) -> ValidationReport:
    return ValidationReport([FileReport(Path("a.xlsx"), list(findings), list(rules))])


def test_json_lists_the_findings_and_the_skipped_files() -> None:
    data = json.loads(to_json(report(finding("negative-value"))))
    assert data["skipped"] == []
    assert data["findings"] == [
        {
            "file": "a.xlsx",
            "rule": "negative-value",
            "severity": "error",
            "message": "Ô D7: <sai> & “đúng”, 50%",
            "sheet": "Chỉ tiêu",
            "cell": "D7",
            "code": "x",
        }
    ]


def test_junit_has_a_testcase_per_rule_and_failures_for_errors() -> None:
    xml = to_junit(report(finding("negative-value"), finding("text-number", "warning")))
    root = ET.fromstring(xml)
    [suite] = root.findall("testsuite")
    assert (
        suite.get("name") == "a.xlsx" and suite.get("tests") == "3" and suite.get("failures") == "1"
    )
    cases = {case.get("name"): case for case in suite.findall("testcase")}
    assert cases["negative-value"].find("failure") is not None
    assert "<sai>" in (cases["negative-value"].find("failure").text or "")  # type: ignore[union-attr]
    assert cases["text-number"].find("failure") is None
    assert cases["text-number"].find("system-out") is not None
    assert list(cases["unreadable-file"]) == []


def test_junit_skips_other_rules_of_an_unreadable_file() -> None:
    root = ET.fromstring(to_junit(report(finding("unreadable-file", cell=None))))
    suite = root.find("testsuite")
    assert suite is not None and suite.get("skipped") == "2" and suite.get("failures") == "1"


def test_github_annotations_are_capped_and_summed_up() -> None:
    many = [finding("negative-value") for _ in range(GITHUB_LIMIT + 3)]
    many += [finding("text-number", "warning") for _ in range(2)]
    lines = to_github(report(*many)).splitlines()
    errors = [line for line in lines if line.startswith("::error ")]
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert len(errors) == GITHUB_LIMIT and len(warnings) == 2
    assert errors[0] == "::error file=a.xlsx,title=negative-value D7::Ô D7: <sai> & “đúng”, 50%25"
    assert "còn 3 lỗi và 0 cảnh báo" in lines[-1]


def test_github_escapes_newlines_and_property_separators() -> None:
    odd = Finding("dir,x/a:b.xlsx", "rule", "warning", "dòng 1\ndòng 2")
    [line] = to_github(ValidationReport([FileReport(Path("x"), [odd], [])])).splitlines()
    assert line == "::warning file=dir%2Cx/a%3Ab.xlsx,title=rule::dòng 1%0Adòng 2"
