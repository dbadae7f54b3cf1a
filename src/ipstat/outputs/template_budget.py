"""What a user's template may cost: time, loop steps, and the text it makes.

A template is the user's data, yet Jinja runs it as code: two nested loops over
`range(100000)`, `'x' * 10**10` or a macro that calls itself would hang ipstat, fill the
memory or end in a traceback. The sandbox of `render.py` is built on the hooks here: each loop
step, call, filter and operator looks at the clock (nothing else can take long: a template
without them runs straight through its text), and whatever can make a long text or
list (`*`, `+`, `%`, `~`, `join`, `center`, a macro's output, the output itself…) counts its
size (`template_sizes`) against one budget, *before* making it when its operands tell. Going
over raises `OverBudget`, which `template_errors` says in Vietnamese with the template's line.
"""

import functools
import inspect
import re
import sys
import time
import types
from collections.abc import Callable, Generator, Iterable, Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, TypeVar, cast

from ipstat.outputs.template_sizes import (
    FILTER_SIZES,
    SIZED,
    binop_size,
    method_size,
    number_digits,
    size,
)

if TYPE_CHECKING:
    from jinja2 import Environment, nodes
    from jinja2.compiler import CodeGenerator, Frame
    from jinja2.runtime import Context
    from jinja2.sandbox import SandboxedEnvironment

    _Sandbox = SandboxedEnvironment
    _Compiler = CodeGenerator
else:
    _Sandbox = _Compiler = object

T = TypeVar("T")

# The budgets of one render. On the test data (11 members, 4 years of history) the shipped
# templates print at most 5,000 characters, make at most 9,300 in all (see MAX_MADE), take at
# most 140 loop steps and render in 2 to 3 ms; a bloc of 25 members over 20 years would need
# some five times that. Each budget is fifty times more at the least, so no real report comes
# near it, yet a runaway template stops within seconds, having used tens of megabytes.
MAX_SECONDS = 10.0  # a real report takes milliseconds, even on a slow office computer
MAX_STEPS = 1_000_000  # loop items over the whole render: about a second of empty steps
# Characters or list items made over the whole render: each value printed, each text built by
# `*`, `+`, `%`, `~`, `join` or a filter, each macro's output. 4 million characters are 4 to
# 16 MB (Python keeps 1 to 4 bytes a character), 4 million list items 32 MB.
MAX_MADE = 4_000_000
# Python prints no int of more than 4,300 digits (sys.get_int_max_str_digits), and one far
# longer (`9 ** (9 ** 9)`) takes minutes to compute.
MAX_INT_DIGITS = 10_000
# A constant operation (`'-' * 40`) is made once, when compiling, as Jinja does outside the
# sandbox; a longer one is made each time it runs, so that the budget counts it each time.
MAX_FOLDED = 10_000


class OverBudget(Exception):
    """A template went over a budget: `kind` which (`time`, `steps`, `size`, `number`,
    `recursion`), `limit` its value, `what` where (`("filter", "center")`), for the message."""

    def __init__(self, kind: str, limit: float, what: tuple[str, str] = ("", "")) -> None:
        super().__init__(kind, limit, what)
        self.kind, self.limit, self.what = kind, limit, what


class Budget:
    """One render's budgets, spent as it goes."""

    __slots__ = ("deadline", "made", "made_limit", "seconds", "steps", "steps_limit")

    def __init__(self) -> None:
        self.seconds, self.made_limit, self.steps_limit = MAX_SECONDS, MAX_MADE, MAX_STEPS
        self.deadline = time.monotonic() + self.seconds
        self.made = self.steps = 0

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise OverBudget("time", self.seconds)

    def make(self, made: int, what: tuple[str, str]) -> None:
        """Count `made` characters or items about to be made; refuse them over the budget."""
        if self.made + made > self.made_limit:
            raise OverBudget("size", self.made_limit, what)
        self.made += made

    def counted(self, items: Iterable[T]) -> Iterator[T]:
        """The items of a `{% for %}`, each a step (an empty loop calls no other hook)."""
        for item in items:
            self.steps += 1
            if self.steps > self.steps_limit:
                raise OverBudget("steps", self.steps_limit)
            self.tick()
            yield item

    def joined(self, texts: Iterable[str], what: tuple[str, str]) -> str:
        """`"".join(texts)`, refused as soon as the texts go over the budget, before joining."""
        left, pieces = self.made_limit - self.made, []
        for text in texts:
            left -= len(text)
            if left < 0:
                raise OverBudget("size", self.made_limit, what)
            pieces.append(text)
        self.made = self.made_limit - left
        return "".join(pieces)


_CURRENT: ContextVar[Budget | None] = ContextVar("template_budget", default=None)


def budget() -> Budget:
    """The budget of the render under way; outside one (a template rendered another way) a
    fresh one, so each operation on its own is bounded still."""
    return _CURRENT.get() or Budget()


def rendered(env: "Environment", name: str, values: dict[str, Any]) -> str:
    """Template `name` compiled and rendered within a fresh budget, its output counted as it
    comes: a template that prints without end stops."""
    spent = Budget()
    token = _CURRENT.set(spent)
    try:
        chunks = cast(Generator[str, None, None], env.get_template(name).generate(values))
        pieces = []
        for chunk in chunks:
            spent.made += len(chunk)
            if spent.made > spent.made_limit:
                # raised where the template stands, so that its line is known
                chunks.throw(OverBudget("size", spent.made_limit, ("output", "")))
            pieces.append(chunk)
        return "".join(pieces)
    finally:
        _CURRENT.reset(token)


def _check_number(operator: str, left: Any, right: Any) -> None:
    if number_digits(operator, left, right) > MAX_INT_DIGITS:
        raise OverBudget("number", MAX_INT_DIGITS, ("operator", operator))


def budgeted(name: str, func: Callable[..., Any], what: tuple[str, str]) -> Callable[..., Any]:
    """A filter or function of the environment that counts what it makes: before, when its
    arguments tell (`center(10**10)`, `template_sizes.FILTER_SIZES`), or else after (`list`)."""
    estimate = FILTER_SIZES.get(name)
    signature = inspect.signature(func)  # of the function Jinja's async variant wraps
    # The environment, context or eval context Jinja passes: a first parameter, or (an async
    # variant) an extra first argument that the wrapped function does not take.
    first = next(iter(signature.parameters), "")
    passed = getattr(func, "jinja_pass_arg", None) is not None
    skip = 1 if passed and first not in ("environment", "eval_ctx", "context") else 0

    @functools.wraps(func)  # keeps `jinja_pass_arg`
    def counted(*args: Any, **kwargs: Any) -> Any:
        spent = budget()
        spent.tick()
        if estimate is None:
            result = func(*args, **kwargs)
            spent.make(size(result), what)
            return result
        try:
            bound = signature.bind(*args[skip:], **kwargs)
        except TypeError:  # wrong arguments: the filter itself says so
            return func(*args, **kwargs)
        bound.apply_defaults()
        spent.make(estimate(bound.arguments), what)
        return func(*args, **kwargs)

    return counted


def _callee(obj: Any) -> tuple[str, str]:
    kind = type(obj).__name__
    if kind == "Macro":
        return "macro", obj.name
    if kind == "BlockReference":
        return "block", obj.name
    if kind == "LoopContext":
        return "loop", ""
    return "", ""


class BudgetedSandbox(_Sandbox):
    """The hooks of the sandbox, spending the budget of the render under way."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def call_binop(self, context: "Context", operator: str, left: Any, right: Any) -> Any:
        spent = budget()
        spent.tick()
        _check_number(operator, left, right)
        spent.make(binop_size(operator, left, right), ("operator", operator))
        return super().call_binop(context, operator, left, right)

    def call(self, context: "Context", obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        spent = budget()
        spent.tick()
        made = None
        method = isinstance(obj, types.BuiltinMethodType) and isinstance(obj.__self__, SIZED)
        if method:
            made, args = method_size(obj, args)
            if made is not None:
                spent.make(made, ("method", obj.__name__))
        try:
            result = super().call(context, obj, *args, **kwargs)
        except RecursionError as exc:  # the innermost call says which macro it was
            raise OverBudget("recursion", sys.getrecursionlimit(), _callee(obj)) from exc
        if method and made is None:
            spent.make(size(result), ("method", obj.__name__))
        return result

    def concat(self, pieces: Iterable[str]) -> str:
        """What a macro, `{% set %}…{% endset %}` or `{% filter %}` captured, counted."""
        return budget().joined(pieces, ("captured", ""))

    def steps(self, items: Iterable[T]) -> Iterator[T]:
        """Every `{% for %}` iterates through this (`BudgetedCompiler.visit_For`)."""
        return budget().counted(items)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """`"{:>10}".format(x)` as Jinja's sandbox formats it, each field counted."""
        if not (
            isinstance(value, types.MethodType | types.BuiltinMethodType)
            and value.__name__ in ("format", "format_map")
            and isinstance(value.__self__, str)
        ):
            return None
        text, mapping = value.__self__, value.__name__ == "format_map"
        plain, escaping = _formatters()
        formatter = escaping(self, escape=text.escape) if hasattr(text, "escape") else plain(self)

        def wrapper(*args: Any, **kwargs: Any) -> str:
            if not mapping:
                return type(text)(formatter.vformat(text, args, kwargs))
            if kwargs or len(args) != 1:
                raise TypeError("format_map() takes exactly one argument")
            return type(text)(formatter.vformat(text, (), args[0]))

        return functools.update_wrapper(wrapper, value)


@functools.cache
def _formatters() -> tuple[type[Any], type[Any]]:
    """Jinja's sandboxed formatters, each field's width and result counted."""
    from jinja2.sandbox import SandboxedEscapeFormatter, SandboxedFormatter  # noqa: PLC0415

    class Counted:
        def format_field(self, value: Any, format_spec: str) -> Any:
            spent = budget()
            spent.make(sum(int(n) for n in re.findall(r"\d+", format_spec)), ("method", "format"))
            formatted = super().format_field(value, format_spec)  # type: ignore[misc]
            spent.make(size(formatted), ("method", "format"))
            return formatted

    plain = type("CountedFormatter", (Counted, SandboxedFormatter), {})
    escaping = type("CountedEscapeFormatter", (Counted, SandboxedEscapeFormatter), {})
    return plain, escaping


def _folding(name: str) -> Callable[..., None]:
    """A visitor of the compiler that folds a constant operation, or else compiles it as Jinja
    does (a call of `call_binop`)."""

    def visit(self: "BudgetedCompiler", node: "nodes.BinExpr", frame: "Frame") -> None:
        if not self.folded(node, frame):
            getattr(super(BudgetedCompiler, self), name)(node, frame)

    return visit


class BudgetedCompiler(_Compiler):
    """Compiles each `{% for %}` through `steps`, and folds constant operations (`'-' * 40`)
    as Jinja folds them outside the sandbox, so that they stay the template's own Markdown."""

    def visit_For(self, node: "nodes.For", frame: "Frame") -> None:
        from jinja2 import nodes  # noqa: PLC0415

        env, line = self.environment, node.iter.lineno
        steps = nodes.EnvironmentAttribute("steps", lineno=line, environment=env)
        counted = nodes.Call(steps, [node.iter], [], None, None, lineno=line, environment=env)
        fields = (node.target, counted, node.body, node.else_, node.test, node.recursive)
        super().visit_For(nodes.For(*fields, lineno=node.lineno, environment=env), frame)

    visit_Add = _folding("visit_Add")
    visit_Mul = _folding("visit_Mul")
    visit_Mod = _folding("visit_Mod")
    visit_Pow = _folding("visit_Pow")

    def folded(self, node: "nodes.BinExpr", frame: "Frame") -> bool:
        from jinja2 import nodes  # noqa: PLC0415

        if frame.eval_ctx.volatile:
            return False
        try:
            value = _constant(node, frame.eval_ctx)
            const = nodes.Const.from_untrusted(value, node.lineno, self.environment)
        except Exception:  # not a constant, or too big: made when rendering, and counted
            return False
        self.visit(const, frame)
        return True


def _constant(node: "nodes.Expr", eval_ctx: Any) -> Any:
    from jinja2 import nodes  # noqa: PLC0415

    if isinstance(node, nodes.BinExpr) and node.operator in BudgetedSandbox.intercepted_binops:
        left, right = _constant(node.left, eval_ctx), _constant(node.right, eval_ctx)
        _check_number(node.operator, left, right)
        if binop_size(node.operator, left, right) > MAX_FOLDED:
            raise nodes.Impossible()
        return eval_ctx.environment.binop_table[node.operator](left, right)
    return node.as_const(eval_ctx)
