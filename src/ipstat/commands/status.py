"""`ipstat status` in one call: the inbox's status, recorded in its ledger, and the letters and
annotated copies that chase what is still owed."""

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ipstat.base.errors import InputError
from ipstat.base.periods import YEARLY
from ipstat.bloc.compare import read_last_year
from ipstat.bloc.inbox import InboxStatus, inbox_status
from ipstat.bloc.ledger import open_ledger
from ipstat.contract.model import Contract
from ipstat.outputs.annotate import Annotated, annotate_reports
from ipstat.outputs.letters import no_letter, write_letters

if TYPE_CHECKING:
    from ipstat.contract.scoring_table import ScoringTable


@dataclass
class Tracked:
    status: InboxStatus
    letters: list[Path] = field(default_factory=list)
    no_letter: list[str] = field(default_factory=list)  # who gets none, and why
    annotated: Annotated | None = None


def track(
    inbox: Path,
    contract: Contract,
    *,
    year: int | None = None,
    period: str = YEARLY,
    deadline: dt.date | None = None,
    previous: Path | None = None,
    letters: Path | None = None,
    letter_template: Path | None = None,
    annotate: Path | None = None,
    scoring: "ScoringTable | None" = None,
    now: dt.datetime | None = None,
    waiting: Callable[[str], None] | None = None,
    links: Mapping[str, str] | None = None,
    day: dt.date | None = None,
) -> Tracked:
    """Everything happens inside the ledger's one transaction: if anything fails (a letter
    template, a folder that cannot be written), the ledger is left as it was. With the
    bloc's `scoring` table, the self-scores are checked like every other cell. One run at a
    time in an inbox: `waiting` hears who holds it, if another does. The deadline is the
    bloc's for `period`; `previous` must be a document of that period. The letters are dated
    `day` (today); `links` (member → its portal link) go into them."""
    if not inbox.is_dir():
        raise InputError(f"Không tìm thấy thư mục nhận báo cáo: {inbox}")
    now = now or dt.datetime.now()
    last_year = read_last_year(previous, contract, period) if previous else None
    with open_ledger(inbox, waiting) as ledger:
        status = inbox_status(
            inbox,
            contract,
            ledger,
            year=year,
            period=period,
            deadline=deadline,
            last_year=last_year,
            scoring=scoring,
            now=now,
        )
        tracked = Tracked(status)
        if annotate is not None:  # first: a letter names only a copy that was written
            to_fix = [m.version for m in status.members if m.status == "can-sua"]
            reports = [v.report for v in to_fix if v]
            names = scoring.names if scoring else {}  # a self-score's criterion, by its name
            vocabulary = contract.vocabulary.with_names(names)
            tracked.annotated = annotate_reports(reports, annotate, vocabulary)
        if letters is not None:
            copies = tracked.annotated.source_of if tracked.annotated else {}
            attached = {source: copy.name for copy, source in copies.items()}
            tracked.letters = write_letters(
                status,
                contract,
                letters,
                template=letter_template,
                today=day or now.date(),
                attachments=attached,
                links=links,
            )
            tracked.no_letter = no_letter(status, contract)
    return tracked
