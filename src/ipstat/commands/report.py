"""`ipstat report`: the report draft written again from an aggregate document, with the shipped
template or one's own."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ipstat.base.findings import Finding
from ipstat.base.periods import suffix
from ipstat.bloc.document import Document, read_document
from ipstat.contract.model import Contract
from ipstat.outputs.atomic import write_atomic, write_text_atomic
from ipstat.outputs.frames import paper
from ipstat.outputs.report_text import render_report
from ipstat.outputs.year_documents import write_report_word


@dataclass(frozen=True)
class Report:
    text: str  # the Markdown draft
    written: Path | None  # where it was written; None when it is only shown
    notices: list[Finding] = field(default_factory=list)  # about the Word document's data


# The bloc a document was aggregated for, with the authority its scoring table names: what the
# Word report is signed and addressed with.
BlocOf = Callable[[Document], tuple[Contract, str]]


def report(
    document: Path,
    *,
    template: Path | None = None,
    output: Path | None = None,
    kind: Literal["md", "docx"] = "md",
    bloc_of: BlocOf | None = None,
    day: dt.date | None = None,
) -> Report:
    """Markdown without `output` is only returned, to be shown; Word goes beside the document
    unless `output` says where, dated `day` (today) and signed for the bloc `bloc_of` gives."""
    data = read_document(document)
    text = render_report(data, template)
    if kind == "docx":
        if bloc_of is None:
            raise ValueError("a Word report needs its bloc")
        contract, authority = bloc_of(data)
        signed = paper(contract, int(data["year"]), day, data.get("period"))
        name = f"bao-cao-{data['year']}{suffix(data.get('period'))}.docx"
        target = output or document.with_name(name)

        def write(path: Path) -> None:
            write_report_word(path, data, signed, template=template, authority=authority)

        write_atomic(target, write)
        return Report(text, target, signed.notices)
    if output is not None:
        write_text_atomic(output, text)
    return Report(text, output)
