"""The year-end report and the award proposal as documents to sign: their Markdown text (the
templates' `the_thuc` version, without the draft's own title) in the administrative layout."""

from pathlib import Path

from ipstat.bloc.document import Document
from ipstat.outputs.administrative import write_administrative
from ipstat.outputs.frames import Paper
from ipstat.outputs.proposal import render_proposal
from ipstat.outputs.report_text import render_report


def write_report_word(
    path: Path,
    document: Document,
    paper: Paper,
    *,
    template: Path | None = None,
    authority: str = "",
) -> None:
    """`bao-cao-<year>.docx`: BÁO CÁO, signed by the year's Khối trưởng."""
    text = render_report(document, template, the_thuc=True)
    write_administrative(path, [(paper.frame("bao-cao", authority), text)])


def write_proposal_word(path: Path, document: Document, paper: Paper) -> None:
    """`de-nghi-khen-thuong-<year>.docx`: the scoring result and the proposal, before the vote."""
    text = render_proposal(document, the_thuc=True)
    authority = str(document["table"].get("authority") or "")
    write_administrative(path, [(paper.frame("de-nghi-khen-thuong", authority), text)])
