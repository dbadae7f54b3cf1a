import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ipstat.base.findings import FileReport, Finding, Skipped, ValidationReport
from ipstat.base.visible import encodable, visible
from ipstat.outputs.machine import GITHUB_LIMIT, to_github, to_json, to_junit


def finding(
    rule: str, severity: str = "error", cell: str | None = "D7", file: str = "a.xlsx"
) -> Finding:
    return Finding(file, rule, severity, "<sai> & “đúng”, 50%", "Chỉ tiêu", cell, "x")  # type: ignore[arg-type]


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
            "message": "Ô D7 (x): <sai> & “đúng”, 50%",
            "sheet": "Chỉ tiêu",
            "cell": "D7",
            "code": "x",
            "text": "<sai> & “đúng”, 50%",
            "values": {},
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
    assert (
        errors[0] == "::error file=a.xlsx,title=negative-value D7::Ô D7 (x): <sai> & “đúng”, 50%25"
    )
    assert "còn 3 lỗi và 0 cảnh báo" in lines[-1]


def test_github_escapes_newlines_and_property_separators() -> None:
    odd = Finding("dir,x/a:b.xlsx", "rule", "warning", "dòng 1\ndòng 2")
    [line] = to_github(ValidationReport([FileReport(Path("x"), [odd], [])])).splitlines()
    assert line == "::warning file=dir%2Cx/a%3Ab.xlsx,title=rule::dòng 1%0Adòng 2"


# Any text, with the characters that break each format made likely.
TEXT = st.text(
    st.characters()
    | st.sampled_from(["\x00", "\x1b", "\x0b", "\r", "\n", "\ufffe", "\udcff", "&", "<", '"'])
    | st.sampled_from(["%", ":", ",", "]", ">", "\t"])
)


def hostile_report(file: str, sheet: str, message: str, rule: str) -> ValidationReport:
    found = [
        Finding(file, rule, "error", message, sheet),
        Finding(file, "text-number", "warning", message, sheet, None, None),
    ]
    return ValidationReport(
        [FileReport(Path(file or "x"), found, [rule, "text-number"])],
        bloc_findings=[Finding("", rule, "error", message)],
        skipped=[Skipped(file, message, message)],
    )


@given(TEXT, TEXT, TEXT, TEXT)
def test_json_is_well_formed_whatever_the_input(
    file: str, sheet: str, message: str, rule: str
) -> None:
    text = to_json(hostile_report(file, sheet, message, rule))
    text.encode("utf-8")  # no lone surrogate: printable and writable as UTF-8
    data = json.loads(text)
    assert data["findings"][0]["message"] == encodable(message)
    assert data["skipped"][0]["file"] == encodable(file)


@given(TEXT, TEXT, TEXT, TEXT)
def test_junit_is_well_formed_whatever_the_input(
    file: str, sheet: str, message: str, rule: str
) -> None:
    text = to_junit(hostile_report(file, sheet, message, rule))
    root = ET.fromstring(text.encode("utf-8"))
    suite = root.findall("testsuite")[0]
    assert suite.get("name") == visible(str(Path(file or "x")), keep="\t\n\r")
    failure = suite.find("testcase/failure")
    assert failure is not None and failure.get("message") == visible(message, keep="\t\n\r")


@given(TEXT, TEXT, TEXT)
def test_github_lines_are_well_formed_whatever_the_input(
    file: str, message: str, rule: str
) -> None:
    lines = to_github(hostile_report(file, "", message, rule)).splitlines()
    assert len(lines) == 4  # one per finding, one per skipped file: no newline let through
    command, props, text = re.fullmatch(r"::(\w+) ([^:]*)::(.*)", lines[0]).groups()  # type: ignore[union-attr]
    assert command == "error"
    shown = visible(message, keep="\r\n")
    assert unquote(text) == shown
    values = dict(p.split("=", 1) for p in props.split(","))
    assert set(values) == ({"file", "title"} if file else {"title"})
    if file:
        assert unquote(values["file"]) == visible(file, keep="\r\n")


def unquote(text: str) -> str:
    return re.sub(r"%([0-9A-F]{2})", lambda m: chr(int(m[1], 16)), text)


def test_control_characters_are_shown_not_dropped() -> None:
    odd = Finding("a.xlsx", "rule", "error", "giá trị “\x1b[2J\x00”", "Chỉ tiêu", "D7")
    report = ValidationReport([FileReport(Path("a.xlsx"), [odd], ["rule"])])
    root = ET.fromstring(to_junit(report))
    assert "giá trị “␛[2J␀”" in (root.findtext("testsuite/testcase/failure") or "")
    assert "giá trị “␛[2J␀”" in to_github(report)


def test_skipped_files_in_every_format() -> None:
    skipped = Skipped("nhan-ve/ha-noi.xls", "tệp Excel 97-2003 (.xls)", "hãy lưu lại dạng .xlsx")
    report = ValidationReport(skipped=[skipped])
    assert json.loads(to_json(report))["skipped"] == [skipped.as_dict()]
    case = ET.fromstring(to_junit(report)).find("testsuite[@name='skipped']/testcase")
    assert case is not None and case.get("name") == "nhan-ve/ha-noi.xls"
    assert case.find("skipped") is not None
    assert to_github(report) == (
        "::notice file=nhan-ve/ha-noi.xls,title=skipped-file::Bỏ qua tệp: tệp Excel 97-2003 "
        "(.xls); hãy lưu lại dạng .xlsx."
    )
