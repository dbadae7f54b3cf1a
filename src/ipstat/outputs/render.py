"""The report draft: Jinja2 templates over the aggregate document, numbers the Vietnamese way.

One environment for the shipped template and analysts' own: sandboxed (a template is data,
not code), `StrictUndefined` (a misspelt name is an error, never an empty gap), escaping by
default (every value a template prints is literal Markdown unless it is `Markdown`: a template
cannot forget to escape text from input), and the filters registered here and nowhere else.
"""

import hashlib
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ipstat.base.errors import IpstatError, os_error_text
from ipstat.base.formatting import format_number, format_percent
from ipstat.base.visible import visible
from ipstat.contract.cache import cache_folder
from ipstat.outputs import template_budget
from ipstat.outputs.template_budget import (
    BudgetedCompiler,
    BudgetedSandbox,
    OverBudget,
    budget,
    budgeted,
    rendered,
)
from ipstat.outputs.template_errors import template_at, template_error

if TYPE_CHECKING:
    from jinja2 import BytecodeCache, Environment
    from jinja2.sandbox import SandboxedEnvironment


class TemplateProblem(IpstatError):
    """A report template that cannot be rendered; the message names the template and line."""


def _defined(value: Any) -> Any:
    """A filter given an undefined name raises jinja's own error, which names the name."""
    from jinja2 import Undefined  # noqa: PLC0415

    if isinstance(value, Undefined):
        str(value)  # StrictUndefined raises UndefinedError here
    return value


class Markdown(str):
    """Text that is Markdown already, printed as it is: what ipstat composed (figures, its own
    phrases, input escaped by `markdown_text`) and the string literals a template writes, which
    are its author's Markdown like the text between its tags. Every other value a template
    prints is escaped (`shown`). Any operation on it (`upper`, slicing, `+`) gives a plain
    `str` again, escaped when printed: input is never trusted by mistake, at worst escaped
    twice."""

    __slots__ = ()


def _number(value: Decimal | int | None, decimals: int = 1, co_dinh: bool = False) -> Markdown:
    """`so(1)`: at most one decimal (`3.532`); `so(1, co_dinh=true)`: always one (`3.532,0`),
    so the figures of a table column line up."""
    value = _defined(value)
    return Markdown("–" if value is None else format_number(value, decimals, fixed=co_dinh))


def _percent(value: Decimal | None) -> Markdown:
    value = _defined(value)
    return Markdown("–" if value is None else format_percent(value))


def join_vi(items: list[Any]) -> str:
    """`A, B và C`."""
    texts = [str(item) for item in _defined(items)]
    if len(texts) <= 1:
        return "".join(texts)
    return ", ".join(texts[:-1]) + " và " + texts[-1]


def _joined(items: Iterable[Any]) -> Markdown:
    """`noi`: `A, B và C` of names from input, each escaped (unless Markdown already)."""
    return Markdown(join_vi([shown(item) for item in _defined(items)]))


def in_brackets(words: str) -> Markdown:
    """` (giảm 10,4%)` after a figure; nothing when there is nothing to say."""
    words = _defined(words)
    return Markdown(f" ({shown(words)})" if words else "")


def _appended(words: str) -> Markdown:
    """`, giảm 10,4%` inside a bracket already open: `(FDI, giảm 10,4%)`, never `(FDI) (…)`."""
    words = _defined(words)
    return Markdown(f", {shown(words)}" if words else "")


# Backslash-escaped wherever they stand: what makes emphasis, code, links, HTML, table cells
# (`_` between two letters or digits, as in `budget_vnd`, cannot make emphasis: left alone).
_MARKDOWN_INLINE = re.compile(
    r"[\\`*\[\]<>|~#]|(?<![^\W_])_|_(?![^\W_])|&(?=#?\w+;)"
    r"|:(?=//)|(?<=www)\.|@(?=\w)"  # what a renderer would autolink: `http://`, `www.`, e-mail
)
# At the start of a line they would open a list, a quote, a heading or a rule.
_MARKDOWN_LEADING = re.compile(r"^(?:[-+=]|\d+(?=[.)]))")


def markdown_text(value: Any) -> str:
    """Text from input (a cell, a file or sheet name, a message quoting a cell) as literal
    Markdown: one line, controls made visible, every character that Markdown or HTML would
    read as structure backslash-escaped, so it reads the same in the `.md` and the `.docx`."""
    value = _defined(value)
    text = visible(" ".join(("" if value is None else str(value)).split()), keep="")
    text = _MARKDOWN_INLINE.sub(lambda m: "\\" + m[0], text)
    leading = _MARKDOWN_LEADING.match(text)
    if leading is None:
        return text
    if leading[0][0].isdigit():
        return leading[0] + "\\" + text[len(leading[0]) :]
    return "\\" + text


def literal(value: Any) -> Markdown:
    """`nguyen_van`: `markdown_text` of a value, left alone if it is Markdown already, so that
    a template that still asks for it never escapes twice."""
    return value if isinstance(value, Markdown) else Markdown(markdown_text(value))


def shown(value: Any) -> Markdown:
    """Any value as a template prints it (the environment's `finalize`; each piece of `~`,
    `join`, `noi`): Markdown as it is, a number as Python writes it (digits, a sign, a point:
    no Markdown, and `4841.2` stays as analysts' templates print it), the rest `literal`."""
    if isinstance(value, int | float | Decimal):
        return Markdown(value)
    return literal(value)


def markdown_join(pieces: Iterable[Any]) -> str:
    """`a ~ b` in a template, as Jinja's autoescape joins: Markdown when a piece is (a literal
    of the template, a filter's figure), the other pieces escaped; plain text when none is,
    escaped as a whole when printed."""
    pieces = list(pieces)
    if any(isinstance(piece, Markdown) for piece in pieces):
        return Markdown(budget().joined((shown(piece) for piece in pieces), ("join", "")))
    return budget().joined((str(piece) for piece in pieces), ("join", ""))


def _format(value: Any, *args: Any, **kwargs: Any) -> str:
    """`"%s Ban Quản lý: " | format(n)`: Jinja's `format`, with the arguments of a Markdown
    pattern escaped (numbers kept, for `%d`) and the result Markdown, as `~` gives."""
    if args and kwargs:
        from jinja2.exceptions import FilterArgumentError  # noqa: PLC0415

        raise FilterArgumentError("can't handle positional and keyword arguments at the same time")
    if not isinstance(value, Markdown):
        return str(value) % (kwargs or args)

    def piece(argument: Any) -> Any:
        return argument if isinstance(argument, int | float | Decimal) else shown(argument)

    if kwargs:
        return Markdown(str(value) % {key: piece(v) for key, v in kwargs.items()})
    return Markdown(str(value) % tuple(piece(argument) for argument in args))


FILTERS: dict[str, Callable[..., Any]] = {
    "nguyen_van": literal,
    "so": _number,
    "phan_tram": _percent,
    "noi": _joined,
    "ngoac": in_brackets,
    "them": _appended,
    "format": _format,
}


@cache
def environment(folder: Path) -> "Environment":
    """One environment a folder of templates, so a template is compiled once a process."""
    from jinja2 import FileSystemLoader, StrictUndefined, pass_eval_context  # noqa: PLC0415
    from jinja2.nodes import EvalContext  # noqa: PLC0415

    # `pass_eval_context` only so that Jinja finalizes a constant (`{{ "; " }}`) when rendering,
    # as the Markdown the compiler makes of it, not when compiling, as a plain str.
    @pass_eval_context
    def finalize(_: EvalContext, value: Any) -> Markdown:
        return shown(value)

    env = _markdown_sandbox()(
        loader=FileSystemLoader(folder),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        finalize=finalize,
        bytecode_cache=_compiled_templates(),
    )
    env.filters.update(FILTERS)
    env.filters["join"] = _join(env)
    # Each filter, and `lipsum`, counts what it makes (`template_budget`).
    env.filters = {name: budgeted(name, f, ("filter", name)) for name, f in env.filters.items()}
    lipsum = cast(Callable[..., Any], env.globals["lipsum"])
    env.globals["lipsum"] = budgeted("lipsum", lipsum, ("function", "lipsum"))
    return env


@cache
def _markdown_sandbox() -> type["SandboxedEnvironment"]:
    """The sandbox that escapes by default, built at first use (only the commands that write
    Markdown import Jinja). Jinja's autoescape, for Markdown instead of HTML: a template's
    string literals are Markdown, `~` joins as `markdown_join`, a macro's (a `caller`'s, a
    recursive loop's, a block's) output is Markdown since what it printed was escaped already;
    the `finalize` of `environment` escapes the rest. Bounded by `template_budget`: a user's
    template may loop, recurse or print only so much."""
    from jinja2 import nodes  # noqa: PLC0415
    from jinja2.compiler import CodeGenerator, Frame  # noqa: PLC0415
    from jinja2.runtime import BlockReference, Context, LoopContext, Macro  # noqa: PLC0415
    from jinja2.sandbox import SandboxedEnvironment  # noqa: PLC0415

    class Compiler(BudgetedCompiler, CodeGenerator):
        def visit_Const(self, node: nodes.Const, frame: Frame) -> None:
            value = node.as_const(frame.eval_ctx)
            if isinstance(value, str):
                self.write(f"environment.markdown({value!r})")
            else:
                super().visit_Const(node, frame)

        def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
            self.write("environment.markdown_join((")
            for piece in node.nodes:
                self.visit(piece, frame)
                self.write(", ")
            self.write("))")

    class MarkdownSandbox(BudgetedSandbox, SandboxedEnvironment):
        code_generator_class = Compiler
        markdown = Markdown
        markdown_join = staticmethod(markdown_join)

        def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
            result = super().call(context, obj, *args, **kwargs)
            if isinstance(obj, Macro | LoopContext | BlockReference):
                return Markdown(result)
            return result

        def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
            """`"Tên: {}".format(x)` on a literal gives plain text, escaped when printed:
            Jinja would keep the literal's type, Markdown, with `x` unescaped inside."""
            wrapped = super().wrap_str_format(value)
            if wrapped is None or not isinstance(value.__self__, Markdown):
                return wrapped
            formatted = wrapped

            def plain(*args: Any, **kwargs: Any) -> str:
                return str(formatted(*args, **kwargs))

            return plain

    return MarkdownSandbox


def _join(env: "Environment") -> Callable[..., str]:
    """`join`, as `markdown_join` joins (Jinja's own makes Markdown items plain text again,
    so they would be escaped twice)."""
    from jinja2.filters import make_attrgetter  # noqa: PLC0415

    def join(items: Iterable[Any], d: str = "", attribute: str | int | None = None) -> str:
        if attribute is not None:
            items = map(make_attrgetter(env, attribute), items)
        pieces: list[Any] = []
        for index, item in enumerate(items):
            pieces += [d, item] if index else [item]
        return markdown_join(pieces)

    return join


def _compiled_templates() -> "BytecodeCache | None":
    """Templates compiled once, kept in the user's cache beside the checked contract (about
    20 ms of each `aggregate`). Jinja keys an entry by the template's path and checks its
    source; the file names carry a hash of this module and of `template_budget`, whose
    environment settings and compiler shape the compiled code. Like the contract cache, any
    problem with it only means compiling again."""
    from jinja2 import FileSystemBytecodeCache  # noqa: PLC0415
    from jinja2.bccache import Bucket  # noqa: PLC0415

    base = cache_folder()
    if base is None:
        return None

    class Compiled(FileSystemBytecodeCache):
        def load_bytecode(self, bucket: Bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # a damaged entry of any kind: compile again
                bucket.reset()

        def dump_bytecode(self, bucket: Bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                return

    folder = base / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    shaping = (Path(__file__), Path(template_budget.__file__))
    settings = hashlib.sha256(b"".join(p.read_bytes() for p in shaping)).hexdigest()[:16]
    return Compiled(str(folder), pattern=f"{settings}-%s.cache")


def render_template(path: Path, values: dict[str, Any]) -> str:
    """Any template in the one environment; a problem names the template and line."""
    if not path.is_file():  # the template named by the user: no include, import or extends
        what = "là một thư mục, không phải tệp mẫu" if path.is_dir() else "không có tệp mẫu này"
        raise TemplateProblem(f"Mẫu {path}: {what}; hãy chỉ đúng tệp mẫu .j2 (--template).")
    return render_in(environment(path.parent), path, values)


def render_in(env: "Environment", path: Path, values: dict[str, Any]) -> str:
    """Template `path` of `env` within the budgets (`template_budget.rendered`), whatever stops
    it said in Vietnamese with the template and line: never a traceback."""
    from jinja2 import TemplateError, UndefinedError  # noqa: PLC0415

    try:
        return rendered(env, path.name, values)
    except UndefinedError as exc:
        raise TemplateProblem(
            f"{template_at(exc, path)}: {_undefined(exc.message or '', values)}"
        ) from exc
    except (
        TemplateError,
        OverBudget,
        RecursionError,  # an include or import of itself (a macro's is an OverBudget)
        MemoryError,  # what the budgets did not foresee
        TypeError,
        AttributeError,  # a filter given a value of another kind: `{{ 5 | wordwrap }}`
        ValueError,
        ArithmeticError,
    ) as exc:
        raise TemplateProblem(template_error(exc, path, env)) from exc
    except OSError as exc:
        raise TemplateProblem(f"Không đọc được mẫu {path}: {os_error_text(exc)}.") from exc


def _undefined(message: str, values: dict[str, Any]) -> str:
    """Jinja's `'x' is undefined` / `'dict object' has no attribute 'x'` in Vietnamese, with
    the closest name a template can use: a misspelt name is the usual cause."""
    import difflib  # noqa: PLC0415
    import re  # noqa: PLC0415

    found = re.search(r"has no (?:attribute|element) (.+)$|^(.+) is undefined$", message)
    if found is None:
        return f"không có giá trị {message}"
    name = (found.group(1) or found.group(2)).strip("'\"")
    closest = difflib.get_close_matches(name, sorted(_names(values)), n=1, cutoff=0.75)
    hint = f"; có phải `{closest[0]}`?" if closest else "."
    return f"không có biến `{name}`{hint}"


def _names(values: Any, depth: int = 3) -> set[str]:
    """Every key a template can reach by name: `year`, `t.fdi_new_capital`, `provinces[tên]`…"""
    if depth == 0 or not isinstance(values, dict):
        return set()
    names = {key for key in values if isinstance(key, str)}
    for value in values.values():
        names |= _names(value, depth - 1)
    return names
