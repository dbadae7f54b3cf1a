"""Every word the command line prints by itself is Vietnamese, and no console breaks it."""

import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.core import TyperArgument, TyperGroup
from typer.testing import CliRunner

from ipstat import __version__
from ipstat.cli import app
from ipstat.cli.vietnamese import translate

ROOT = Path(__file__).parents[1]
runner = CliRunner()

# Words of click's and typer's own texts; none may reach a user (`text` is a --format value).
ENGLISH = re.compile(
    r"\b(Usage|Options|Arguments|Commands|Error|Missing|invalid|Show this message|No such|Try|"
    r"default|required|unexpected|not one of|not a valid|Possible|Aborted|INTEGER|PATH|"
    r"OPTIONS|COMMAND|ARGS|int|str|path|for help|Install completion|Show completion|"
    r"does not take|requires|Did you mean|command)\b",
    re.IGNORECASE,
)
COMMANDS = ["validate", "template", "schema", "aggregate", "score", "status", "report", "history"]
MISUSE = [
    [],
    ["--help"],
    *([command, "--help"] for command in COMMANDS),
    ["validate"],
    ["aggregate"],
    ["report"],
    ["template"],
    ["validate", "--year", "abc", "x.xlsx"],
    ["template", "--year", "2O17"],
    ["validate", "--format", "xml", "x.xlsx"],
    ["schema", "--format", "csv"],
    ["report", "x.json", "--format", "pdf"],
    ["khong-co"],
    ["validat"],
    ["sc"],
    ["validate", "--fromat", "json", "x.xlsx"],
    ["score"],
    ["status"],
    ["history"],
    ["validate", "--khong-co", "x.xlsx"],
    ["validate", "--yaer", "2017", "x.xlsx"],
    ["report", "a.json", "b.json"],
    ["schema", "thua"],
    ["validate", "--strict=1", "x.xlsx"],
    ["template", "--year"],
    ["report", "a.json", "-o"],
]


@pytest.mark.parametrize("args", MISUSE, ids=lambda a: " ".join(a) or "(nothing)")
def test_misuse_and_help_are_vietnamese(args: list[str]) -> None:
    result = runner.invoke(app, args, prog_name="ipstat")
    text = result.stdout + result.stderr
    assert result.exit_code == (0 if "--help" in args else 2), text
    assert text.strip()
    english = ENGLISH.findall(text.replace("--help", "").replace("bash", ""))
    assert english == [], text


def test_errors_name_what_was_wrong() -> None:
    result = runner.invoke(app, ["validate", "--year", "abc", "x.xlsx"], prog_name="ipstat")
    assert "Lỗi: giá trị của --year không dùng được: “abc” không phải là số nguyên." in (
        result.stderr
    )
    assert "Xem hướng dẫn: ipstat validate --help" in result.stderr
    suggestion = runner.invoke(app, ["validate", "--yaer", "2017", "x.xlsx"]).stderr
    assert "không có tùy chọn --yaer; có phải --year?" in suggestion


def test_a_misspelt_command_is_suggested_in_vietnamese() -> None:
    result = runner.invoke(app, ["validat"], prog_name="ipstat")
    assert "Lỗi: không có lệnh “validat”; có phải lệnh validate?" in result.stderr


def _arguments() -> list[tuple[str, Any]]:
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    return [
        (name, param)
        for name, command in sorted(group.commands.items())
        for param in command.params
        if isinstance(param, TyperArgument)
    ]


@pytest.mark.parametrize(("command", "argument"), _arguments(), ids=lambda a: getattr(a, "name", a))
def test_every_argument_has_a_vietnamese_name(command: str, argument: Any) -> None:
    """Usage lines and “thiếu tham số …” name an argument by its metavar; without one typer
    shows the Python parameter's English name (`{inbox}`)."""
    name = (argument.metavar or "").removesuffix("...")
    assert name and name.lower() != argument.name.lower(), (command, argument.name)
    assert name == name.upper() and not ENGLISH.findall(name)
    helped = runner.invoke(app, [command, "--help"], prog_name="ipstat").stdout
    assert name in helped and argument.name not in helped.split("Tùy chọn")[0].lower()
    if argument.required:
        missing = runner.invoke(app, [command], prog_name="ipstat").stderr
        assert f"Lỗi: thiếu tham số {name}." in missing, missing


def test_an_unknown_message_is_left_alone() -> None:
    assert translate("Something new.") == "Something new."
    assert translate("Invalid value for '-o' / '--output': 'x' is not a valid int.") == (
        "giá trị của -o / --output không dùng được: “x” không phải là số nguyên."
    )


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert result.exit_code == 0
    assert result.stdout == f"ipstat {__version__}\n" and __version__ == project["version"]


def test_installing_completion_says_so_in_vietnamese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", "1")
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("USERPROFILE", str(tmp_path))
    result = runner.invoke(app, ["--install-completion", "bash"], prog_name="ipstat")
    script = tmp_path / ".bash_completions" / "ipstat.sh"
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Đã cài gợi ý lệnh cho bash vào {script}; có hiệu lực khi mở lại cửa sổ lệnh.\n"
    )
    assert "_IPSTAT_COMPLETE" in script.read_text(encoding="utf-8")
    unknown = runner.invoke(app, ["--show-completion", "tcsh"], prog_name="ipstat")
    assert unknown.exit_code == 2 and not ENGLISH.findall(unknown.stderr), unknown.stderr


def test_completion_shows_vietnamese_help_beside_options() -> None:
    for words in ("ipstat --", "ipstat validate --"):
        env = {"_IPSTAT_COMPLETE": "complete_zsh", "_TYPER_COMPLETE_ARGS": words}
        result = runner.invoke(app, [], prog_name="ipstat", env=env)
        assert "--help" in result.stdout and "In hướng dẫn này rồi thoát." in result.stdout
        assert ENGLISH.findall(result.stdout.replace("--help", "")) == [], result.stdout


def test_shell_completion_is_offered() -> None:
    result = runner.invoke(
        app, ["--show-completion"], prog_name="ipstat", env={"SHELL": "/bin/bash"}
    )
    assert result.exit_code == 0 and "_IPSTAT_COMPLETE" in result.stdout


def ipstat(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[bytes]:
    """As a user runs it, output redirected to a file (here, a pipe)."""
    environment = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "-m", "ipstat", *args],
        capture_output=True,
        cwd=cwd,
        env=environment,
        check=False,
    )


@pytest.mark.parametrize("encoding", ["cp1252", "cp1258", "ascii"])
def test_redirected_output_is_utf8_whatever_the_console(
    encoding: str, make_workbook: Callable[..., Path], tmp_path: Path
) -> None:
    bad = make_workbook(values={"workers": -1})
    validated = ipstat("validate", str(bad), cwd=tmp_path, PYTHONIOENCODING=encoding)
    assert validated.returncode == 1, validated.stderr.decode("utf-8", "replace")
    assert "giá trị âm" in validated.stdout.decode("utf-8")
    helped = ipstat("--help", cwd=tmp_path, PYTHONIOENCODING=encoding)
    assert helped.returncode == 0 and "Cách dùng" in helped.stdout.decode("utf-8")
    misused = ipstat("validate", cwd=tmp_path, PYTHONIOENCODING=encoding)
    assert misused.returncode == 2 and "thiếu tham số" in misused.stderr.decode("utf-8")


def test_aggregate_does_not_crash_after_writing(tmp_path: Path) -> None:
    result = ipstat(
        "aggregate",
        str(ROOT / "sample_data" / "2016"),
        "--out",
        "ra",
        cwd=tmp_path,
        PYTHONIOENCODING="cp1252",
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert "Đã ghi" in result.stdout.decode("utf-8")
    assert (tmp_path / "ra" / "bao-cao-2016.md").is_file()


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is POSIX")
def test_a_console_that_cannot_show_vietnamese_gets_replacements(tmp_path: Path) -> None:
    import pty

    leader, follower = pty.openpty()
    environment = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    with os.fdopen(leader, "rb", buffering=0) as terminal:
        process = subprocess.Popen(
            [sys.executable, "-m", "ipstat", "--help"],
            stdout=follower,
            stderr=follower,
            cwd=tmp_path,
            env=environment,
        )
        os.close(follower)
        output = b""
        while True:
            try:
                chunk = terminal.read(4096)
            except OSError:  # the follower closed
                break
            if not chunk:
                break
            output += chunk
        assert process.wait() == 0
    text = output.decode("cp1252")
    assert "Ki?m tra v" in text
    assert "Traceback" not in text
