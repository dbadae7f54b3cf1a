"""The report draft: Jinja2 templates over the aggregate document, numbers the Vietnamese way.

One environment for the shipped template and analysts' own: sandboxed (a template is data,
not code), `StrictUndefined` (a misspelt name is an error, never an empty gap), and the
filters registered here and nowhere else.
"""

import hashlib
import re
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipstat.base.errors import IpstatError, os_error_text
from ipstat.base.formatting import format_number, format_percent
from ipstat.base.resources import data_dir
from ipstat.base.visible import visible
from ipstat.bloc.document import Document
from ipstat.contract.cache import cache_folder
from ipstat.outputs.template_errors import template_at, template_error

if TYPE_CHECKING:
    from jinja2 import BytecodeCache, Environment, Template

DEFAULT_TEMPLATE = "bao-cao.md.j2"


class TemplateProblem(IpstatError):
    """A report template that cannot be rendered; the message names the template and line."""


def _defined(value: Any) -> Any:
    """A filter given an undefined name raises jinja's own error, which names the name."""
    from jinja2 import Undefined  # noqa: PLC0415

    if isinstance(value, Undefined):
        str(value)  # StrictUndefined raises UndefinedError here
    return value


def _number(value: Decimal | int | None, decimals: int = 1, co_dinh: bool = False) -> str:
    """`so(1)`: at most one decimal (`3.532`); `so(1, co_dinh=true)`: always one (`3.532,0`),
    so the figures of a table column line up."""
    value = _defined(value)
    return "–" if value is None else format_number(value, decimals, fixed=co_dinh)


def _percent(value: Decimal | None) -> str:
    value = _defined(value)
    return "–" if value is None else format_percent(value)


def join_vi(items: list[Any]) -> str:
    """`A, B và C`."""
    texts = [str(item) for item in _defined(items)]
    if len(texts) <= 1:
        return "".join(texts)
    return ", ".join(texts[:-1]) + " và " + texts[-1]


def _in_brackets(words: str) -> str:
    """` (giảm 10,4%)` after a figure; nothing when there is nothing to say."""
    words = _defined(words)
    return f" ({words})" if words else ""


def _appended(words: str) -> str:
    """`, giảm 10,4%` inside a bracket already open: `(FDI, giảm 10,4%)`, never `(FDI) (…)`."""
    words = _defined(words)
    return f", {words}" if words else ""


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


FILTERS = {
    "nguyen_van": markdown_text,
    "so": _number,
    "phan_tram": _percent,
    "noi": join_vi,
    "ngoac": _in_brackets,
    "them": _appended,
}


@cache
def environment(folder: Path) -> "Environment":
    """One environment a folder of templates, so a template is compiled once a process."""
    from jinja2 import FileSystemLoader, StrictUndefined  # noqa: PLC0415
    from jinja2.sandbox import SandboxedEnvironment  # noqa: PLC0415

    env = SandboxedEnvironment(
        loader=FileSystemLoader(folder),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        bytecode_cache=_compiled_templates(),
    )
    env.filters.update(FILTERS)
    return env


def _compiled_templates() -> "BytecodeCache | None":
    """Templates compiled once, kept in the user's cache beside the checked contract (about
    20 ms of each `aggregate`). Jinja keys an entry by the template's path and checks its
    source; the file names carry a hash of this module, whose environment settings shape the
    compiled code. Like the contract cache, any problem with it only means compiling again."""
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
    settings = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]
    return Compiled(str(folder), pattern=f"{settings}-%s.cache")


def change_words(change: dict[str, Any] | None, year: int | None) -> str:
    """`tăng 12,3% so với năm 2016` (`tăng 12,3%` when `year` is None: said earlier in the
    sentence); empty where last year's figure is 0 or absent."""
    if not change or change.get("change_percent") is None:
        return ""
    percent: Decimal = change["change_percent"]
    shown = format_number(abs(percent))
    if shown == "0":
        return f"tương đương năm {year}" if year else "tương đương năm trước"
    word = "tăng" if percent > 0 else "giảm"
    return f"{word} {shown}%" + (f" so với năm {year}" if year else "")


def change_phrase(change: dict[str, Any] | None, year: int) -> str:
    """` (tăng 12,3% so với năm 2016)`, or nothing where last year's figure is 0 or absent."""
    return _in_brackets(change_words(change, year))


def sentence_changes(totals: dict[str, Any], year: int | None) -> Callable[..., dict[str, str]]:
    """`so_sanh(code, …)` for templates: the changes of the figures of one sentence, the year
    said once, with the first figure that has a change (`… (giảm 10,3% so với năm 2015) và …
    (giảm 8,5%)`)."""

    def so_sanh(*codes: str) -> dict[str, str]:
        phrases: dict[str, str] = {}
        said = year is None
        for code in codes:
            phrases[code] = change_words(totals.get(code), None if said else year)
            said = said or bool(phrases[code])
        return phrases

    return so_sanh


def merger_notes(comparison: dict[str, Any]) -> list[str]:
    """How last year's provinces were summed into this year's members, one clause a member:
    `Phú Thọ gồm Vĩnh Phúc, Phú Thọ (cũ) và Hòa Bình, trong đó Phú Thọ (cũ) và Hòa Bình không
    có trong số liệu năm 2016`. A unit named as the member it is part of now comes first, `(cũ)`."""
    year = comparison["previous_year"]
    merged: dict[str, list[str]] = comparison["merged"]
    absorbed: dict[str, list[str]] = comparison["absorbed"]
    notes = []
    for member in dict.fromkeys([*merged, *absorbed]):
        parts = sorted(merged.get(member, [member]), key=lambda old: old != member)
        olds = [f"{old} (cũ)" if old == member else old for old in parts]
        units = absorbed.get(member, [])
        note = f"{member} gồm {join_vi(olds + units)}"
        if units:
            note += f", trong đó {join_vi(units)} không có trong số liệu năm {year}"
        notes.append(note)
    return notes


def context(document: Document) -> dict[str, Any]:
    """Plain values for templates: the document, short names for what prose uses most, and
    the year-over-year phrases (`ss`, empty strings when there is nothing to compare with)."""
    indicators = {i["code"]: i for i in document["indicators"]}
    indicators.update({d["code"]: d for d in document["derived_indicators"]})
    comparison = document.get("comparison")
    totals = comparison["totals"] if comparison else {}
    year = comparison["previous_year"] if comparison else None
    return {
        **document,
        "comparison": comparison,
        "t": document["totals"],
        "d": document["derived"],
        "so_thanh_vien": len(document["members"]),
        "chi_tieu": indicators,
        "ss": {code: change_phrase(totals.get(code), year or 0) for code in document["totals"]},
        "so_sanh": sentence_changes(totals, year),
        "quy_doi": merger_notes(comparison) if comparison else [],
        "ke_hoach": document.get("plan") or {},  # `aggregate --registrations`
    }


def default_template() -> "Template":
    """The shipped report template, compiled (or loaded from the cache) once a process."""
    path = data_dir("templates") / DEFAULT_TEMPLATE
    return environment(path.parent).get_template(path.name)


def render_report(document: Document, template: Path | None = None) -> str:
    return render_template(template or data_dir("templates") / DEFAULT_TEMPLATE, context(document))


def render_template(path: Path, values: dict[str, Any]) -> str:
    """Any template in the one environment; a problem names the template and line."""
    from jinja2 import TemplateError, UndefinedError  # noqa: PLC0415

    if not path.is_file():  # the template named by the user: no include, import or extends
        what = "là một thư mục, không phải tệp mẫu" if path.is_dir() else "không có tệp mẫu này"
        raise TemplateProblem(f"Mẫu {path}: {what}; hãy chỉ đúng tệp mẫu .j2 (--template).")
    env = environment(path.parent)
    try:
        return env.get_template(path.name).render(values)
    except UndefinedError as exc:
        raise TemplateProblem(
            f"{template_at(exc, path)}: {_undefined(exc.message or '', values)}"
        ) from exc
    except (TemplateError, TypeError, ValueError, ArithmeticError) as exc:
        raise TemplateProblem(template_error(exc, path)) from exc
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
