"""Every word the command line prints by itself is Vietnamese, and no console breaks it."""

import inspect
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
from ipstat.cli.vietnamese import BY_TYPE, GENERIC, VietnameseGroup, error_text, show_error

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
    ["--"],
    ["--version=1"],
    ["template", "--year", "1000"],
    ["history", "x", "--format", "xlsx", "--format", "pdf"],
    ["validate", "-x", "a"],
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


# What each misuse is told, after the usage line and "Xem hướng dẫn: ipstat … --help".
TOLD = [
    (["validat"], "không có lệnh “validat”; có phải lệnh validate?"),
    (["sc"], "không có lệnh “sc”."),
    (["--"], "thiếu tên lệnh."),
    (["validate"], "thiếu tham số ĐƯỜNG_DẪN."),
    (["template"], "thiếu tùy chọn --year."),
    (["validate", "--yaer", "2017", "x.xlsx"], "không có tùy chọn --yaer; có phải --year?"),
    (["validate", "-x", "a"], "không có tùy chọn -x."),
    (
        ["validate", "--year", "abc", "x.xlsx"],
        "giá trị của --year không dùng được: “abc” không phải là số nguyên.",
    ),
    (
        ["validate", "--format", "xml", "x.xlsx"],
        "giá trị của --format không dùng được: “xml” không phải là một trong: "
        "text, json, junit, github.",
    ),
    (
        ["history", "x", "--format", "xlsx", "--format", "pdf"],
        "giá trị của --format không dùng được: “pdf” không phải là một trong: xlsx, csv, md, json.",
    ),
    (["template", "--year", "1000"], "giá trị của --year không dùng được: năm 1000 nằm ngoài"),
    (["template", "--year"], "tùy chọn --year cần một giá trị."),
    (["report", "a.json", "-o"], "tùy chọn -o cần một giá trị."),
    (["validate", "--strict=1", "x.xlsx"], "tùy chọn --strict không nhận giá trị."),
    (["--version=1"], "tùy chọn --version không nhận giá trị."),
    (["report", "a.json", "b.json"], "thừa tham số: b.json."),
    (["schema", "thua"], "thừa tham số: thua."),
]


@pytest.mark.parametrize(("args", "told"), TOLD, ids=[" ".join(args) for args, _ in TOLD])
def test_each_misuse_is_told_by_what_went_wrong(args: list[str], told: str) -> None:
    result = runner.invoke(app, args, prog_name="ipstat")
    assert result.exit_code == 2, result.stderr
    command = " ".join(["ipstat", *[a for a in args[:1] if a in COMMANDS]])
    assert f"Xem hướng dẫn: {command} --help\n\nLỗi: {told}" in result.stderr, result.stderr


def _click_exceptions() -> list[type[Exception]]:
    """Every exception class of typer's click: ClickException and its subclasses."""
    (root,) = [c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"]
    found: list[type[Exception]] = []
    todo: list[type[Exception]] = [root]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(c for c in cls.__subclasses__() if c.__module__.startswith("typer"))
    return sorted(set(found), key=lambda c: c.__name__)


# click's own English in every attribute that takes text: none of it may reach a user.
SAMPLES: dict[str, Any] = {
    "message": "Invalid value: Missing required option, not a valid integer",
    "option_name": "--yaer",
    "possibilities": ["--year", "--years"],
    "filename": "x.xlsx",
    "hint": "No such file or directory",
    "param_hint": None,
    "param_type": None,
}


def _instances(cls: type[Exception]) -> list[Exception]:
    """`cls` built with each kind of parameter and context it can carry."""
    group: Any = typer.main.get_command(app)
    root = group.context_class(group, info_name="ipstat")
    command = group.get_command(root, "validate")
    ctx = command.context_class(command, info_name="validate", parent=root)
    params = {param.name: param for param in command.params}
    places = [(None, None), (root, None), *((ctx, params[name]) for name in params)]
    built = []
    for context, param in places:
        arguments: dict[str, Any] = {}
        for name, declared in inspect.signature(cls).parameters.items():
            if name in ("ctx", "param"):
                arguments[name] = context if name == "ctx" else param
            elif name in SAMPLES:
                arguments[name] = SAMPLES[name]
            elif declared.default is declared.empty:
                pytest.fail(f"{cls.__name__}: no sample value for {name}")
        needs_context = inspect.signature(cls).parameters.get("ctx")
        if context is None and needs_context and needs_context.default is needs_context.empty:
            continue
        exc = cls(**arguments)
        exc.__cause__ = FileNotFoundError(2, "No such file or directory")
        built.append(exc)
    return built


@pytest.mark.parametrize("cls", _click_exceptions(), ids=lambda c: c.__name__)
def test_every_exception_click_can_raise_is_told_in_vietnamese(
    cls: type[Exception], capsys: pytest.CaptureFixture[str]
) -> None:
    instances = _instances(cls)
    assert instances
    for exc in instances:
        show_error(exc, ["--year", "abc", "--format", "xml", "x.xlsx"])
        told = capsys.readouterr().err
        assert told.strip() and error_text(exc).strip(), exc
        assert ENGLISH.findall(told.replace("--help", "")) == [], told


def test_every_exception_click_can_raise_has_its_own_sentence() -> None:
    """A class a new typer adds is seen here, not only told by the generic sentence."""
    names = {cls.__name__ for cls in _click_exceptions()}
    assert names - {"ClickException"} <= set(BY_TYPE), names - set(BY_TYPE)


def test_an_exception_not_known_gets_a_vietnamese_sentence() -> None:
    (root,) = [c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException"]
    novel = type("Novel", (root,), {})("Something went wrong")
    assert error_text(novel) == GENERIC
    usage = type("NovelUsage", typer.BadParameter.__bases__, {})("Invalid usage")
    assert not ENGLISH.findall(error_text(usage)) and error_text(usage).strip()


def test_an_interrupted_command_says_it_stopped() -> None:
    stopped = typer.Typer(cls=VietnameseGroup)

    @stopped.command()
    def ask() -> None:
        raise typer.Abort()

    @stopped.command()
    def other() -> None:
        pass

    result = runner.invoke(stopped, ["ask"], prog_name="ipstat")
    assert result.exit_code == 1 and result.stderr == "ipstat: đã dừng.\n"


def test_no_private_module_of_typer_is_imported() -> None:
    private = re.compile(r"typer\._|from typer import _")
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line}"
        for path in sorted((ROOT / "src").rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if private.search(line)
    ]
    assert found == []


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


def test_a_shell_without_completion_is_told_in_vietnamese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shellingham

    monkeypatch.delenv("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(shellingham, "detect_shell", lambda: ("tcsh", "/bin/tcsh"))
    result = runner.invoke(app, ["--install-completion"], prog_name="ipstat")
    assert result.exit_code == 2 and list(tmp_path.iterdir()) == []
    assert "không có gợi ý lệnh cho shell “tcsh”" in result.stderr, result.stderr


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
