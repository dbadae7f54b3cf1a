"""Vietnamese for what the command-line library prints by itself: help, usage and its errors.

typer 0.28 vendors click as `typer._click` with click's gettext calls removed: its messages are
plain f-strings, so no gettext catalog can reach them. They are translated instead where they
leave click, by tables of patterns: the help formatter (usage line, headings, metavars and the
notes in the help column), the printer of usage errors (`VietnameseGroup.main`), and the help
and callbacks of click's and typer's own options (`--help`, shell completion). `typer` is
pinned to the release these tables were written against, and a test walks every misuse path a
user can reach and fails on any English word.
"""

import re
import sys
from collections.abc import Sequence
from functools import cache
from typing import Any

import typer
from typer import _click
from typer.core import TyperGroup

HEADINGS = {
    "Usage": "Cách dùng",
    "Options": "Tùy chọn",
    "Arguments": "Tham số",
    "Commands": "Lệnh",
}

# Whole messages of click's, tried in order; `{0}`, `{1}` are the groups, themselves translated.
# Patterns are compiled on first use: a command that runs well never needs them.
MESSAGES: list[tuple[str, str]] = [
    (r"Missing argument '(.+?)(?:\.\.\.)?'\.", "thiếu tham số {0}."),
    (r"Missing option '(.+?)'\.", "thiếu tùy chọn {0}."),
    (r"Missing parameter: (.+)", "thiếu {0}."),
    (r"Missing command\.", "thiếu tên lệnh."),
    (
        r"No such command '(.+?)'\. Did you mean (.+)\?",
        "không có lệnh “{0}”; có phải lệnh {1}?",
    ),
    (r"No such command '(.+?)'\.", "không có lệnh “{0}”."),
    (
        r"No such option: (\S+) \(Possible options: (.+)\)",
        "không có tùy chọn {0}; có phải {1}?",
    ),
    (r"No such option: (\S+)", "không có tùy chọn {0}."),
    (r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", "thừa tham số: {0}."),
    (r"Option '(.+?)' does not take a value\.", "tùy chọn {0} không nhận giá trị."),
    (r"Option '(.+?)' requires an argument\.", "tùy chọn {0} cần một giá trị."),
    (r"Option '(.+?)' requires (\d+) arguments\.", "tùy chọn {0} cần {1} giá trị."),
    (r"Invalid value for (.+?): (.*)", "giá trị của {0} không dùng được: {1}"),
    (r"Invalid value: (.*)", "giá trị không dùng được: {0}"),
    (r"'(.*)' is not a valid int(?:eger)?\.", "“{0}” không phải là số nguyên."),
    (r"'(.*)' is not a valid float\.", "“{0}” không phải là số."),
    (r"'(.*)' is not a valid bool(?:ean)?\..*", "“{0}” không phải là giá trị có/không."),
    (r"'(.*)' is not one of (.*)\.", "“{0}” không phải là một trong: {1}."),
]

# The help click and typer give their own options (`--help`, completion), set on the options
# themselves: zsh, fish and PowerShell show it beside each option when completing.
HELP_TEXTS = {
    "Show this message and exit.": "In hướng dẫn này rồi thoát.",
    "Install completion for the current shell.": "Cài gợi ý lệnh (phím Tab) cho shell đang dùng.",
    "Show completion for the current shell, to copy it or customize the installation.": (
        "In mã gợi ý lệnh của shell đang dùng, để tự chép vào tệp cấu hình của shell."
    ),
}

# Inside a usage line or an option's line: metavars and the notes click adds to our help.
FRAGMENTS: list[tuple[str, str]] = [
    (r"\[default: (.*?)\]", r"[mặc định: \1]"),
    (r"\[required\]", "[bắt buộc]"),
    (r"\[env var: (.*?)\]", r"[biến môi trường: \1]"),
    (r"\[OPTIONS\]", "[TÙY_CHỌN]"),
    (r"COMMAND \[ARGS\]\.\.\.", "LỆNH [THAM_SỐ]..."),
    (r"<int>|\bINTEGER\b", "<số>"),
    (r"<path>|\bPATH\b", "<đường_dẫn>"),
    (r"<str>|\bTEXT\b", "<chữ>"),
]


@cache
def _messages() -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(p, re.DOTALL), r) for p, r in MESSAGES]


@cache
def _fragments() -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(p), r) for p, r in FRAGMENTS]


def translate(message: str) -> str:
    """One of click's messages in Vietnamese; one it does not know is left as it is, and a
    test fails on it."""
    for pattern, template in _messages():
        match = pattern.fullmatch(message.strip())
        if match:
            # click quotes names and values with ' ; Vietnamese text quotes a value with “ ”.
            return template.format(*(translate(g).replace("'", "") for g in match.groups()))
    return translate_fragments(message)


def translate_fragments(text: str) -> str:
    for pattern, replacement in _fragments():
        text = pattern.sub(replacement, text)
    return text


class VietnameseFormatter(_click.HelpFormatter):
    """click's help formatter, writing each piece of its own in Vietnamese before wrapping."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, translate_fragments(args), prefix or "Cách dùng: ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(HEADINGS.get(heading, heading))

    def write_dl(
        self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = [(translate_fragments(term), translate_fragments(text)) for term, text in rows]
        super().write_dl(rows, col_max, col_spacing)


def _vietnamese_help(param: Any) -> Any:
    """click's own options carry their help in English, which zsh, fish and PowerShell show
    beside each option when completing."""
    if param is not None and param.help in HELP_TEXTS:
        param.help = HELP_TEXTS[param.help]
    return param


class VietnameseContext(typer.Context):
    formatter_class = VietnameseFormatter


COMPLETION_SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def _completion_shell(value: Any) -> str:
    """The shell named (`--install-completion bash`) or the one running ipstat; one that has
    no completion script is a message and exit status 2."""
    from typer._completion_shared import _get_shell_name  # noqa: PLC0415

    shell = value if isinstance(value, str) else _get_shell_name()
    if shell not in COMPLETION_SHELLS:
        print(
            f"ipstat: không có gợi ý lệnh cho shell “{shell or 'không rõ'}”; "
            "chỉ có cho bash, zsh, fish và PowerShell.",
            file=sys.stderr,
        )
        sys.exit(2)
    return shell


def _install_completion(ctx: _click.Context, param: _click.Parameter, value: Any) -> Any:
    """typer's `--install-completion`, saying what it did in Vietnamese."""
    from typer._completion_shared import install  # noqa: PLC0415

    if not value or ctx.resilient_parsing:
        return value
    shell, path = install(shell=_completion_shell(value))
    print(f"Đã cài gợi ý lệnh cho {shell} vào {path}; có hiệu lực khi mở lại cửa sổ lệnh.")
    sys.exit(0)


def _show_completion(ctx: _click.Context, param: _click.Parameter, value: Any) -> Any:
    from typer._completion_shared import get_completion_script  # noqa: PLC0415

    if not value or ctx.resilient_parsing:
        return value
    name = ctx.find_root().info_name or "ipstat"
    variable = "_{}_COMPLETE".format(name.replace("-", "_").upper())
    shell = _completion_shell(value)
    print(get_completion_script(prog_name=name, complete_var=variable, shell=shell))
    sys.exit(0)


class VietnameseGroup(TyperGroup):
    """The `ipstat` group: its commands' help in Vietnamese, usage errors printed by
    `show_error` instead of click's English printer, and typer's completion options saying
    what they did in Vietnamese."""

    context_class = VietnameseContext

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            command.context_class = VietnameseContext
            _vietnamese_help(command.get_help_option(ctx))
        return command

    def get_help_option(self, ctx: _click.Context) -> Any:
        return _vietnamese_help(super().get_help_option(ctx))

    def _vietnamese_completion(self) -> None:
        """typer appends its completion options after building the group: replaced here."""
        callbacks = {
            "--install-completion": _install_completion,
            "--show-completion": _show_completion,
        }
        for param in self.params:
            for option in param.opts:
                if option in callbacks:
                    param.callback = callbacks[option]
                    _vietnamese_help(param)

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        self._vietnamese_completion()
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _click.exceptions.NoArgsIsHelpError as exc:
            print(exc.format_message(), file=sys.stderr)
            sys.exit(exc.exit_code)
        except _click.ClickException as exc:
            show_error(exc)
            sys.exit(exc.exit_code)
        except typer.Abort:
            print("ipstat: đã dừng.", file=sys.stderr)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


def show_error(exc: _click.ClickException) -> None:
    """What click's `UsageError.show` prints, in Vietnamese."""
    context = getattr(exc, "ctx", None)
    if context is not None:
        print(context.get_usage(), file=sys.stderr)
        print(f"Xem hướng dẫn: {context.command_path} --help\n", file=sys.stderr)
    print(f"Lỗi: {translate(exc.format_message())}", file=sys.stderr)
