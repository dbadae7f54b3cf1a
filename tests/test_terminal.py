"""Text from input reaches the terminal as text: no markup, no link, no escape sequence."""

import io
from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from ipstat.base.findings import FileReport, Finding, Skipped, ValidationReport, Vocabulary
from ipstat.base.visible import visible
from ipstat.cli.terminal import findings_table, print_report, shown, written

HOSTILE = [
    "[/]",
    "[link=http://example.com]Bấm vào đây[/link]",
    "bieu [bản cuối].xlsx",
    "[bold red]",
    "\\[b]",
    "cuối \\",
    ":smiley:",
    "\x1b[2J\x1b]8;;http://x\x07",
    "\r\x00\x7f\x85\u202e",
    "bad\udcff.xlsx",
]
TEXT = st.text(st.characters() | st.sampled_from(["[", "]", "/", "\\", "=", "\x1b", "\udcff"]))


def console(terminal: bool = False) -> Console:
    return Console(
        file=io.StringIO(),
        width=200,
        force_terminal=terminal,
        color_system="truecolor" if terminal else None,
        highlight=False,
        emoji=False,
        soft_wrap=True,
    )


def printed(out: Console) -> str:
    assert isinstance(out.file, io.StringIO)
    return out.file.getvalue()


@given(TEXT)
def test_any_text_is_printed_as_it_is_shown(text: str) -> None:
    out = console()
    out.print(shown(text), end="")
    assert printed(out) == visible(text, keep="")
    out = console()
    out.print(Text.assemble("[bold]", shown(text), "[/]"), end="")
    assert printed(out) == "[bold]" + visible(text, keep="") + "[/]"


@given(TEXT)
def test_a_file_name_is_printed_as_it_is(text: str) -> None:
    out = console()
    out.print(written(Path(text or "x")), end="")
    assert printed(out) == "Đã ghi " + visible(str(Path(text or "x")), keep="")


def test_visible_shows_what_a_terminal_would_obey() -> None:
    assert visible("\x1b[2J\x07\r") == "␛[2J␇␍"
    assert visible("a\x7f\x85\u202e") == "a␡<U+0085><U+202E>"
    assert visible("a\u2028b\u2029") == "a<U+2028>b<U+2029>"  # line breaks to splitlines()
    assert visible("bad\udcff.xlsx") == "bad\\xff.xlsx"
    assert visible("tab\tand\nline") == "tab\tand␊line"  # a new line could start a command
    assert visible("tab\tand\nline", keep="\t\n") == "tab\tand\nline"


def test_a_line_break_in_a_file_name_starts_no_line_in_text_output(
    make_workbook: Callable[..., Path], tmp_path: Path
) -> None:
    """`x\n::error file=evil.py::pwned.xlsx` would be a GitHub command at a line's start."""
    from typer.testing import CliRunner

    from ipstat.cli import app

    name = "x\n::error file=evil.py::pwned.xlsx"
    make_workbook(name, values={"workers": -1})
    result = CliRunner().invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert not any(line.startswith("::") for line in result.output.splitlines())
    assert "x␊::error file=evil.py::pwned.xlsx" in result.output


def test_a_report_with_hostile_text_prints_it_literally(vocabulary: Vocabulary) -> None:
    findings = [
        Finding(name, "negative-value", "error", f"Ô D9: “{name}”", name, "D9", "x")
        for name in HOSTILE
    ]
    report = ValidationReport(
        [FileReport(Path(name), [f]) for name, f in zip(HOSTILE, findings, strict=True)],
        skipped=[Skipped("[red]x.xls", "lý do [/]", "việc cần làm")],
    )
    out = console(terminal=True)
    print_report(out, report, vocabulary)
    text = printed(out)
    for name in HOSTILE:
        assert visible(name) in text.replace("\x1b[0m", "") or name.startswith("\x1b")
    assert "\x1b]8;" not in text  # no hyperlink escape sequence
    assert "\x1b[2J" not in text and "\x00" not in text and "\udcff" not in text
    assert "bieu [bản cuối].xlsx" in text and ":smiley:" in text
    assert "[red]x.xls: lý do [/]; việc cần làm." in text


def test_the_warnings_table_names_the_file_of_each_warning(vocabulary: Vocabulary) -> None:
    warnings = [
        Finding("nhan-ve/bieu-ha-nam-2016.xlsx", "text-number", "warning", "…", "Chỉ tiêu"),
        Finding("", "missing-member", "warning", "Chưa nhận được báo cáo của Hà Nội."),
    ]
    out = console()
    out.print(findings_table(warnings, vocabulary, with_file=True))
    lines = printed(out).splitlines()
    assert "Tệp" in lines[1]
    assert any(
        "bieu-ha-nam-2016.xlsx" in line and "Số được nhập dạng chữ" in line for line in lines
    )
    assert any("Toàn Khối" in line and "Thành viên chưa gửi báo cáo" in line for line in lines)


def test_a_column_no_finding_has_is_left_out(vocabulary: Vocabulary) -> None:
    """The warnings of `aggregate` and `score` are about files and the bloc, not cells."""
    bloc_only = [Finding("", "missing-member", "warning", "Chưa nhận được báo cáo của Hà Nội.")]
    out = console()
    out.print(findings_table(bloc_only, vocabulary, with_file=True))
    header = printed(out).splitlines()[1]
    assert "Tệp" in header and "Mức" in header
    assert "Trang" not in header and "Ô" not in header.replace("Nội", "")
    with_cell = [Finding("x.xlsx", "negative-value", "error", "Số âm.", "Chỉ tiêu", "D9")]
    out = console()
    out.print(findings_table(with_cell, vocabulary))
    assert "Trang" in printed(out).splitlines()[1]


def test_a_notice_is_not_headed_as_something_to_fix(vocabulary: Vocabulary) -> None:
    """`superseded-version` and notes need no fixing: the column says `Nội dung` (QA 21)."""
    notice = Finding("", "superseded-version", "warning", "Bản cũ, không tổng hợp.")
    out = console()
    out.print(findings_table([notice], vocabulary, with_file=True))
    assert "Nội dung" in printed(out) and "cần sửa" not in printed(out)


def test_the_summary_keeps_one_number_of_decimals_per_kind() -> None:
    """`42.986,0` beside `4.461,5`, and `56,0%` beside `45,9%`: never a dropped decimal."""
    from decimal import Decimal

    from ipstat.bloc.document import loads
    from ipstat.cli.terminal import print_summary

    golden = Path(__file__).parent / "golden" / "tong-hop-2016.json"
    document = loads(golden.read_text(encoding="utf-8"))
    document["totals"]["revenue_usd"] = Decimal("42986")
    out = console()
    print_summary(out, document, ["revenue_usd", "workers"], [])
    text = printed(out)
    assert "42.986,0" in text and "771.112" in text and "56,0%" in text and "45,9%" in text


def test_a_line_break_in_a_path_of_an_error_message_is_shown() -> None:
    """`ipstat validate $'nofile\\n::error::boom.xlsx'`: the path must not start a new line."""
    from typer.testing import CliRunner

    from ipstat.cli import app

    result = CliRunner().invoke(app, ["validate", "nofile\n::error::boom.xlsx"])
    assert result.exit_code == 2
    assert not any(line.startswith("::") for line in result.stderr.splitlines())
    assert "nofile␊::error::boom.xlsx" in result.stderr
