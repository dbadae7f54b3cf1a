"""`ipstat report`: the report draft written again from an aggregate document, with the shipped
template or one's own."""

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ipstat.base.periods import suffix
from ipstat.bloc.document import read_document
from ipstat.outputs.atomic import write_atomic, write_text_atomic
from ipstat.outputs.report_text import render_report
from ipstat.outputs.word import write_word


@dataclass(frozen=True)
class Report:
    text: str  # the Markdown draft
    written: Path | None  # where it was written; None when it is only shown


def report(
    document: Path,
    *,
    template: Path | None = None,
    output: Path | None = None,
    kind: Literal["md", "docx"] = "md",
) -> Report:
    """Markdown without `output` is only returned, to be shown; Word goes beside the document
    unless `output` says where."""
    data = read_document(document)
    text = render_report(data, template)
    if kind == "docx":
        name = f"bao-cao-{data['year']}{suffix(data.get('period'))}.docx"
        target = output or document.with_name(name)
        write_atomic(target, lambda path: write_word(path, text))
        return Report(text, target)
    if output is not None:
        write_text_atomic(output, text)
    return Report(text, output)
