"""Vietnamese for what the command-line library prints by itself: help, usage and its errors.

typer vendors click as a private module, with click's gettext calls removed: no catalog can
reach its English. Errors are therefore told by exception type and attributes, the way
`contract/problems.py` tells pydantic's by error type: which parameter, which option, the
value given (read back from the command line with the command's own parser), what the
option expects (its choices, or the annotation of our command's function). click's classes
are reached through public names only: the MRO of `typer.BadParameter` and its subclasses.
Help is translated in the formatter, the one place where click's fixed words (headings,
metavars, `[default: …]`) pass; the help of click's and typer's own options is set by name.
"""

import inspect
import re
import sys
import types
from collections.abc import Callable, Sequence
from functools import cache
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import typer
from typer.core import TyperGroup

from ipstat.base.errors import os_error_text
from ipstat.base.visible import visible
from ipstat.cli.completion import completion
from ipstat.cli.failures import stopped, unexpected


def _click_class(name: str) -> Any:
    """One of click's exception classes, by name: typer names only BadParameter publicly."""
    return next(cls for cls in typer.BadParameter.__mro__ if cls.__name__ == name)


ClickException = _click_class("ClickException")
UsageError = _click_class("UsageError")

HEADINGS = {
    "Usage": "Cách dùng",
    "Options": "Tùy chọn",
    "Arguments": "Tham số",
    "Commands": "Lệnh",
}

# Inside a usage line or an option's line: metavars and the notes click adds to our help
# (typer 0.28 writes INTEGER, 0.29 <int>; 0.29 adds the type of an argument, <list[Path]>).
FRAGMENTS: list[tuple[str, str]] = [
    (r"\[default: (.*?)\]", r"[mặc định: \1]"),
    (r"\[required\]", "[bắt buộc]"),
    (r"\[env var: (.*?)\]", r"[biến môi trường: \1]"),
    (r"\[OPTIONS\]", "[TÙY_CHỌN]"),
    (r"COMMAND \[ARGS\]\.\.\.", "LỆNH [THAM_SỐ]..."),
    (r"<list\[(.*?)\]>", r"<\1>..."),
    (r"<int>|\bINTEGER\b", "<số>"),
    (r"<[Pp]ath>|\bPATH\b", "<đường_dẫn>"),
    (r"<str>|\bTEXT\b", "<chữ>"),
]

# The help of click's and typer's own options, which zsh, fish and PowerShell also show
# beside each option when completing.
OWN_OPTIONS_HELP = {
    "--help": "In hướng dẫn này rồi thoát.",
    "--install-completion": "Cài gợi ý lệnh (phím Tab) cho shell đang dùng.",
    "--show-completion": (
        "In mã gợi ý lệnh của shell đang dùng, để tự chép vào tệp cấu hình của shell."
    ),
}


@cache
def _fragments() -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(p), r) for p, r in FRAGMENTS]


def translate_fragments(text: str) -> str:
    for pattern, replacement in _fragments():
        text = pattern.sub(replacement, text)
    return text


_HelpFormatter: Any = typer.Context.formatter_class  # click's, not named publicly by typer


class VietnameseFormatter(_HelpFormatter):  # type: ignore[misc]
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


def _own_help(param: Any) -> Any:
    for name in getattr(param, "opts", ()):
        if name in OWN_OPTIONS_HELP:
            param.help = OWN_OPTIONS_HELP[name]
    return param


def _name(param: Any) -> str:
    """How the usage line names a parameter: an argument by its metavar, an option by its
    flags."""
    if param.param_type_name == "argument":
        return str(param.metavar or param.name.upper()).removesuffix("...")
    return " / ".join(param.opts)


def _quoted(value: object) -> str:
    return f"“{visible(str(value))}”"


def _or(names: Sequence[str]) -> str:
    return " hay ".join(visible(n) for n in names)


def _choices(ctx: Any, param: Any) -> list[str]:
    """The values an option offers to Tab completion: an enum's, or a choice of typer's own."""
    return [item.value for item in param.shell_complete(ctx, "") if item.type == "plain"]


def _annotation(ctx: Any, param: Any) -> Any:
    """The type our command's function declares for the parameter, without Annotated,
    `| None` or `list[…]`: what a value given on the command line must become."""
    try:
        declared = inspect.signature(ctx.command.callback).parameters.get(param.name)
    except (TypeError, ValueError):
        return None
    annotation = declared.annotation if declared is not None else None
    while (origin := get_origin(annotation)) is not None:
        inner = [a for a in get_args(annotation) if a is not type(None)]
        if origin not in (Annotated, Union, types.UnionType, list, tuple, set) or not inner:
            return None
        annotation = inner[0]
    return annotation


KINDS: dict[Any, str] = {int: "số nguyên", float: "số"}


def _given(ctx: Any, param: Any, words: Sequence[str]) -> list[str]:
    """What the user wrote for the parameter, read again by the command's own parser."""
    try:
        opts, _, _ = ctx.command.make_parser(ctx).parse_args(list(words))
    except UsageError:
        return []
    value = opts.get(param.name)
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _fits(value: str, kind: Callable[[str], object]) -> bool:
    try:
        kind(value)
    except ValueError:
        return False
    return True


def _refusal(ctx: Any, param: Any, words: Sequence[str]) -> str:
    """Why a value failed the option's type, from what the option expects."""
    given = _given(ctx, param, words)
    choices = _choices(ctx, param)
    kind = _annotation(ctx, param)
    if choices:
        wrong, expected = [v for v in given if v not in choices], f"một trong: {', '.join(choices)}"
    elif kind in KINDS:
        wrong, expected = [v for v in given if not _fits(v, kind)], KINDS[kind]
    else:
        return f"{_quoted(given[0])} không dùng được ở đây." if given else "không đúng dạng."
    return f"{_quoted(wrong[0])} không phải là {expected}." if wrong else f"phải là {expected}."


def _raised_by_ipstat(exc: BaseException) -> bool:
    """A click exception raised by our own code (an option's callback) carries our own
    Vietnamese message."""
    trace = exc.__traceback__
    while trace is not None and trace.tb_next is not None:
        trace = trace.tb_next
    return trace is not None and trace.tb_frame.f_globals.get("__name__", "").startswith("ipstat")


def _bad_parameter(exc: Any, words: Sequence[str]) -> str:
    param, ctx = exc.param, exc.ctx
    ours = _raised_by_ipstat(exc)
    if param is None or ctx is None:
        return f"giá trị không dùng được: {exc.message}" if ours else "giá trị không dùng được."
    why = exc.message if ours else _refusal(ctx, param, words)
    return f"giá trị của {_name(param)} không dùng được: {why}"


def _missing(exc: Any, words: Sequence[str]) -> str:
    param = exc.param
    if param is None:
        return "thiếu một giá trị bắt buộc."
    kind = exc.param_type or param.param_type_name
    what = {"argument": "tham số ", "option": "tùy chọn "}.get(kind, "")
    choices = _choices(exc.ctx, param) if exc.ctx is not None else []
    hint = f"; chọn một trong: {', '.join(choices)}" if choices else ""
    return f"thiếu {what}{_name(param)}{hint}."


def _no_such_option(exc: Any, words: Sequence[str]) -> str:
    name = visible(exc.option_name)
    if exc.possibilities:
        return f"không có tùy chọn {name}; có phải {_or(sorted(exc.possibilities))}?"
    return f"không có tùy chọn {name}."


def _bad_option_usage(exc: Any, words: Sequence[str]) -> str:
    """A flag given a value (`--strict=1`), or an option given too few: told from the
    option's own definition."""
    name = visible(exc.option_name)
    params = exc.ctx.command.params if exc.ctx is not None else []
    for param in params:
        if exc.option_name in (*param.opts, *param.secondary_opts):
            if getattr(param, "is_flag", False):
                return f"tùy chọn {name} không nhận giá trị."
            count = "một" if param.nargs == 1 else str(param.nargs)
            choices = _choices(exc.ctx, param)
            listed = f" (một trong: {', '.join(choices)})" if choices else ""
            return f"tùy chọn {name} cần {count} giá trị{listed}."
    return f"tùy chọn {name} dùng không đúng cách."


def _usage(exc: Any, words: Sequence[str]) -> str:
    """A plain UsageError of click's is raised by a group that was given no command."""
    ctx = exc.ctx
    if ctx is not None and isinstance(ctx.command, TyperGroup) and not ctx.invoked_subcommand:
        return "thiếu tên lệnh."
    return "dòng lệnh không đúng cách dùng."


def _file_error(exc: Any, words: Sequence[str]) -> str:
    cause = exc.__cause__
    why = f": {os_error_text(cause)}" if isinstance(cause, OSError) else ""
    return f"không mở được tệp {_quoted(exc.filename)}{why}."


BY_TYPE: dict[str, Callable[[Any, Sequence[str]], str]] = {
    "NoArgsIsHelpError": lambda exc, words: exc.ctx.get_help(),
    "MissingParameter": _missing,
    "BadParameter": _bad_parameter,
    "NoSuchOption": _no_such_option,
    "BadOptionUsage": _bad_option_usage,
    "BadArgumentUsage": lambda exc, words: "số giá trị của một tham số không đúng.",
    "FileError": _file_error,
    "UsageError": _usage,
}
GENERIC = "lệnh không chạy được."


def error_text(exc: BaseException, words: Sequence[str] = ()) -> str:
    """One of click's exceptions in Vietnamese, from its type and attributes; `words` are
    those the failing command was given, to quote a refused value. One that ipstat raised
    itself carries its own message (a BadParameter's is placed after the option's name)."""
    names = [cls.__name__ for cls in type(exc).__mro__]
    if _raised_by_ipstat(exc) and "BadParameter" not in names:
        return str(getattr(exc, "message", exc))
    for name in names:
        if name in BY_TYPE:
            return BY_TYPE[name](exc, words)
    return GENERIC


def show_error(exc: BaseException, words: Sequence[str] = ()) -> None:
    """What click's `UsageError.show` prints, in Vietnamese; for a command given nothing,
    its help."""
    context = getattr(exc, "ctx", None)
    if type(exc).__name__ == "NoArgsIsHelpError" and context is not None:
        print(error_text(exc), file=sys.stderr)
        return
    if context is not None:
        print(context.get_usage(), file=sys.stderr)
        print(f"Xem hướng dẫn: {context.command_path} --help\n", file=sys.stderr)
    print(f"Lỗi: {error_text(exc, words)}", file=sys.stderr)


V = TypeVar("V")


class VietnameseContext(typer.Context):
    """Help through our formatter; words left over refused in Vietnamese before the command
    runs, instead of by click's parser in English."""

    formatter_class = VietnameseFormatter

    def __init__(self, command: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(command, *args, **kwargs)
        self.refuses_extra_args = not self.allow_extra_args
        self.allow_extra_args = True

    def invoke(self, callback: Callable[..., V], /, *args: Any, **kwargs: Any) -> V:
        if self.refuses_extra_args and self.args and not self.resilient_parsing:
            extra = " ".join(visible(word) for word in self.args)
            raise UsageError(f"thừa tham số: {extra}.", self)
        try:
            return super().invoke(callback, *args, **kwargs)
        except KeyboardInterrupt as exc:  # typer would end silently with 130
            print(stopped(self.command.name, exc), file=sys.stderr)
            raise typer.Exit(130) from None
        except (ClickException, typer.Exit, typer.Abort):
            raise
        except Exception as exc:  # a traceback is never what a clerk should read
            told, status = unexpected(exc)
            if told is None:
                raise
            print(told, file=sys.stderr)
            raise typer.Exit(status) from None


def unknown_command(name: str, commands: Sequence[str]) -> str:
    import difflib  # noqa: PLC0415

    close = difflib.get_close_matches(name, commands)
    suggestion = f"; có phải lệnh {_or(close)}?" if close else "."
    return f"không có lệnh {_quoted(name)}{suggestion}"


class VietnameseGroup(TyperGroup):
    """The `ipstat` group: its commands' help in Vietnamese, usage errors printed by
    `show_error` instead of click's English printer, and typer's completion options saying
    what they did in Vietnamese."""

    context_class = VietnameseContext

    # The context being parsed, its name, its command and the words it was given: to quote a
    # refused value, and to place an error that click's parser raises without a context.
    parsing: tuple[Any, str | None, Any, Sequence[str]] = (None, None, None, ())

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None:
            command.context_class = VietnameseContext
            _own_help(command.get_help_option(ctx))
        return command

    def get_params(self, ctx: Any) -> Any:
        """typer appends its completion options after building the group: made ours here."""
        params = super().get_params(ctx)
        for param in params:
            if {"--install-completion", "--show-completion"} & set(param.opts):
                param.callback = completion
            _own_help(param)
        return params

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        self.parsing = (parent, info_name, self, list(args))
        return super().make_context(info_name, args, parent, **extra)

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        """A command not known is told before click's English can be."""
        name = args[0]
        normalize = ctx.token_normalize_func or (lambda word: word)
        known = self.get_command(ctx, name) or self.get_command(ctx, normalize(name))
        if known is None and not ctx.resilient_parsing:
            raise UsageError(unknown_command(name, self.list_commands(ctx)), ctx)
        resolved = super().resolve_command(ctx, args)
        self.parsing = (ctx, resolved[0], resolved[1], list(resolved[2]))  # a copy: parsed away
        return resolved

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except ClickException as exc:
            parent, name, command, words = self.parsing
            if getattr(exc, "ctx", False) is None and command is not None:
                # click's parser raises some without a context: given the one being parsed
                exc.ctx = command.context_class(command, info_name=name, parent=parent)
            context = getattr(exc, "ctx", None)
            show_error(exc, words if context is not None and context.command is command else [])
            sys.exit(exc.exit_code)
        except typer.Abort:
            print("ipstat: đã dừng.", file=sys.stderr)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)
