"""The report draft: Jinja2 templates over the aggregate document, numbers the Vietnamese way.

One environment for the shipped template and analysts' own: sandboxed (a template is data,
not code), `StrictUndefined` (a misspelt name is an error, never an empty gap), and the
filters registered here and nowhere else.
"""

from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ipstat.bloc.document import Document
from ipstat.errors import IpstatError
from ipstat.reading.formatting import format_number, format_percent
from ipstat.resources import data_dir

if TYPE_CHECKING:
    from jinja2 import Environment

DEFAULT_TEMPLATE = "bao-cao.md.j2"


class TemplateProblem(IpstatError):
    """A report template that cannot be rendered; the message names the template and line."""


def _defined(value: Any) -> Any:
    """A filter given an undefined name raises jinja's own error, which names the name."""
    from jinja2 import Undefined  # noqa: PLC0415

    if isinstance(value, Undefined):
        str(value)  # StrictUndefined raises UndefinedError here
    return value


def _number(value: Decimal | int | None, decimals: int = 1) -> str:
    value = _defined(value)
    return "–" if value is None else format_number(value, decimals)


def _percent(value: Decimal | None) -> str:
    value = _defined(value)
    return "–" if value is None else format_percent(value)


def _join_vi(items: list[str]) -> str:
    """`A, B và C`."""
    items = list(_defined(items))
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " và " + items[-1]


FILTERS = {"so": _number, "phan_tram": _percent, "noi": _join_vi}


def environment(folder: Path) -> "Environment":
    from jinja2 import FileSystemLoader, StrictUndefined  # noqa: PLC0415
    from jinja2.sandbox import SandboxedEnvironment  # noqa: PLC0415

    env = SandboxedEnvironment(
        loader=FileSystemLoader(folder),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(FILTERS)
    return env


def change_phrase(change: dict[str, Any] | None, year: int) -> str:
    """` (tăng 12,3% so với năm 2016)`, or nothing where last year's figure is 0 or absent."""
    if not change or change.get("change_percent") is None:
        return ""
    percent: Decimal = change["change_percent"]
    shown = format_number(abs(percent))
    if shown == "0":
        return f" (tương đương năm {year})"
    word = "tăng" if percent > 0 else "giảm"
    return f" ({word} {shown}% so với năm {year})"


def merger_notes(comparison: dict[str, Any]) -> list[str]:
    """How last year's provinces were summed into this year's members, in words."""
    year = comparison["previous_year"]
    notes = [f"{new} gồm {_join_vi(olds)}" for new, olds in comparison["merged"].items()]
    notes += [
        f"{member} còn gồm {_join_vi(units)}, không có trong số liệu năm {year}"
        for member, units in comparison["absorbed"].items()
    ]
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
        "quy_doi": merger_notes(comparison) if comparison else [],
    }


def render_report(document: Document, template: Path | None = None) -> str:
    return render_template(template or data_dir("templates") / DEFAULT_TEMPLATE, context(document))


def render_template(path: Path, values: dict[str, Any]) -> str:
    """Any of ipstat's templates (report, letters) in the one environment; a problem is a
    message naming the template and line."""
    from jinja2 import TemplateError, TemplateSyntaxError, UndefinedError  # noqa: PLC0415

    env = environment(path.parent)
    try:
        return env.get_template(path.name).render(values)
    except TemplateSyntaxError as exc:
        raise TemplateProblem(f"Mẫu {path}, dòng {exc.lineno}: lỗi cú pháp: {exc.message}") from exc
    except UndefinedError as exc:
        line = _template_line(exc, path)
        raise TemplateProblem(f"Mẫu {path}, dòng {line}: không có giá trị {exc.message}") from exc
    except TemplateError as exc:
        line = _template_line(exc, path)
        raise TemplateProblem(f"Mẫu {path}, dòng {line}: {exc}") from exc
    except OSError as exc:
        raise TemplateProblem(f"Không đọc được mẫu {path}: {exc.strerror or exc}") from exc


def _template_line(exc: BaseException, path: Path) -> str:
    """Jinja keeps the template's own line numbers in the traceback frames it rewrites."""
    line = "?"
    tb = exc.__traceback__
    while tb is not None:
        if Path(tb.tb_frame.f_code.co_filename).name == path.name:
            line = str(tb.tb_lineno)
        tb = tb.tb_next
    return line
