"""The secretariat's emulation job in one call (`ipstat score`): validate the yearly workbooks
and the registrations, score, rank, propose, and write the outputs together or not at all; with
`--ballots`, the ballots and count sheet of the vote; with `--tally`, the vote decided from the
count, its minutes and the tờ trình."""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ipstat.base.errors import InputError
from ipstat.base.findings import FileReport, Finding, ValidationReport
from ipstat.base.periods import YEARLY
from ipstat.base.text import fold
from ipstat.bloc.compare import map_previous, read_previous
from ipstat.bloc.document import Document, dumps
from ipstat.bloc.scoring import score_members
from ipstat.bloc.scoring_document import score_document
from ipstat.bloc.versions import keep_latest, received_times
from ipstat.bloc.vote import ballot, decide, vote_document
from ipstat.checks.rules import check_bloc, check_registration
from ipstat.checks.validation import Validation, validate_paths
from ipstat.contract.model import Contract
from ipstat.contract.scoring_table import ScoringTable
from ipstat.outputs.atomic import Writer, write_all_atomic
from ipstat.outputs.ballots import ballot_writers
from ipstat.outputs.frames import paper
from ipstat.outputs.proposal import render_proposal
from ipstat.outputs.score_workbook import write_score_workbook
from ipstat.outputs.vote_documents import tally_writers
from ipstat.outputs.year_documents import write_proposal_word
from ipstat.reading.adjustments import Adjustment, read_adjustments
from ipstat.reading.located import Submission
from ipstat.reading.tally import read_count


@dataclass
class Scored:
    report: ValidationReport  # every finding; with an error, nothing was written
    document: Document | None = None
    files: list[Path] = field(default_factory=list)
    stale: list[Path] = field(default_factory=list)  # an earlier run's draft, not made now
    notices: list[Finding] = field(default_factory=list)  # about the documents' data


SCORE_IS_YEARLY = (
    "chấm điểm thi đua chỉ tính trên báo cáo năm (--period nam): kế hoạch đăng ký là của cả năm, "
    "điểm tự chấm nằm ở trang “Tự chấm điểm” của biểu năm, và việc đề nghị khen thưởng thuộc "
    "hội nghị tổng kết. Với số liệu 6 tháng đầu năm, hãy dùng `ipstat aggregate --period "
    "6-thang` (thêm --registrations để báo cáo ghi mức đạt so với kế hoạch đăng ký cả năm)."
)


def score_paths(year: int, folder: Path) -> dict[str, Path]:
    return {
        "json": folder / f"cham-diem-{year}.json",
        "xlsx": folder / f"cham-diem-{year}.xlsx",
        "md": folder / f"de-nghi-khen-thuong-{year}.md",
        "docx": folder / f"de-nghi-khen-thuong-{year}.docx",
    }


def score(
    paths: Iterable[Path],
    contract: Contract,
    table: ScoringTable,
    *,
    registrations: Path,
    previous: Path | None = None,
    adjustments: Path | None = None,
    year: int | None = None,
    period: str = YEARLY,
    out: Path | None = None,
    word: bool = False,
    latest: bool = False,
    day: dt.date | None = None,
    ballots: bool = False,
    tally: Path | None = None,
) -> Scored:
    """With any error (a workbook, a registration, an adjustment, a criterion no method can
    score, a count that does not match the ballot) nothing is written; otherwise the outputs
    are replaced together. With `latest`, each member's workbook and registration received
    last are used, as `aggregate --latest` does (the inbox's ledger is only read). The
    documents are dated `day` (today) and signed by the year's Khối trưởng.

    Scoring is the year's alone (`period` other than the year is refused): plans are registered
    for the year, self-scores are a sheet of the yearly workbook and awards are proposed at the
    year-end conference. A half-year workbook among the yearly ones is `mixed-periods`."""
    if period != YEARLY:
        raise InputError(SCORE_IS_YEARLY)
    _vote_wanted(table, ballots, tally)
    last_year = read_previous(previous) if previous else None
    checked = _checked(
        [*paths, registrations],
        contract,
        table,
        year=year,
        period=period,
        latest=latest,
        adjustments=adjustments,
    )
    validation, report = checked.validation, checked.validation.report
    agreed = checked.year
    if report.errors or agreed is None:
        return Scored(report)
    mapped = map_previous(last_year, contract)[0] if last_year else None
    scoring, gaps = score_members(
        validation.submissions,
        validation.registrations,
        table,
        contract,
        agreed,
        previous=mapped,
        previous_file=previous,
        adjustments=checked.adjusted,
    )
    report.bloc_findings.extend(gaps)
    if scoring is None:
        return Scored(report)
    units = {str(s.member): unit_name(s, contract) for s in validation.submissions}
    document = score_document(scoring, contract, units, report.warnings, report.notes)
    signed = paper(contract, agreed, day) if word or ballots or tally is not None else None
    awards = ballot(document)
    decided = None
    if tally is not None and table.vote is not None:
        count, problems = read_count(tally, contract)
        if count is not None and not any(f.is_error for f in problems):
            decided, mismatches = decide(count, awards, table.vote, contract, agreed)
            problems.extend(mismatches)
        report.files.append(FileReport(tally, problems))
        if count is None or decided is None:
            return Scored(report)
        document["vote"] = vote_document(decided, count, table.vote, contract)
    json_text = dumps(document) + "\n"
    proposal = render_proposal(document)
    folder = out or Path("ket-qua") / str(agreed)
    targets = score_paths(agreed, folder)

    def write_json(path: Path) -> None:
        path.write_text(json_text, encoding="utf-8")

    def write_proposal(path: Path) -> None:
        path.write_text(proposal, encoding="utf-8")

    writers: dict[Path, Writer] = {
        targets["json"]: write_json,
        targets["xlsx"]: lambda path: write_score_workbook(path, document, checked.held),
        targets["md"]: write_proposal,
    }
    if word and signed is not None:
        writers[targets["docx"]] = lambda path: write_proposal_word(path, document, signed)
    if ballots and signed is not None and table.vote is not None:
        writers.update(ballot_writers(document, awards, table.vote, signed, folder))
    if decided is not None and signed is not None:
        writers.update(tally_writers(document, decided, signed, folder))
    write_all_atomic(writers)
    stale = [] if word or not targets["docx"].is_file() else [targets["docx"]]
    notices = signed.notices if signed else []
    return Scored(report, document, list(writers), stale, notices)


def _vote_wanted(table: ScoringTable, ballots: bool, tally: Path | None) -> None:
    if ballots and tally is not None:
        raise InputError(
            "Dùng --ballots (trước Hội nghị) hoặc --tally (sau khi kiểm phiếu), không dùng cả hai."
        )
    if (ballots or tally is not None) and table.vote is None:
        raise InputError(
            f"Biểu chấm điểm “{table.name}” chưa có mục [vote] (threshold_percent, "
            "present_min): hãy thêm mục đó để biểu quyết."
        )


@dataclass
class _Checked:
    validation: Validation
    year: int | None
    adjusted: list[Adjustment]
    held: list[Adjustment]  # adjustments of members not scored: kept, not applied


def _checked(
    paths: list[Path],
    contract: Contract,
    table: ScoringTable,
    *,
    year: int | None,
    period: str,
    latest: bool,
    adjustments: Path | None,
) -> _Checked:
    """Every workbook, registration and adjustment validated; the year they agree on."""
    validation = validate_paths(paths, contract, year, period=period, scoring=table)
    report = validation.report
    received = _received(validation, latest)
    if latest and received is not None:
        keep_latest(validation, received, contract, left_out="không được dùng để chấm điểm")
        registered_only = Validation(report, validation.registrations)
        keep_latest(registered_only, received, contract, left_out="không được dùng để chấm điểm")
        validation.registrations = registered_only.submissions
    findings, agreed = check_bloc(validation.submissions, contract, year, received=received)
    report.bloc_findings.extend(findings)
    registered, _ = check_bloc(validation.registrations, contract, agreed, received=received)
    report.bloc_findings.extend(f for f in registered if f.rule != "missing-member")
    for registration in validation.registrations if year is None else ():
        report.bloc_findings.extend(check_registration(registration, contract, agreed))
    adjusted: list[Adjustment] = []
    if adjustments is not None:
        adjusted, problems = read_adjustments(adjustments, contract, table)
        report.files.append(FileReport(adjustments, problems))
    scored = {str(s.member) for s in validation.submissions}
    held = [a for a in adjusted if a.member not in scored]
    if held:
        report.files[-1].findings.extend(_unscored(a, contract) for a in held)
    return _Checked(validation, agreed, adjusted, held)


def unit_name(submission: Submission, contract: Contract) -> str:
    """The board's name as its workbook gives it (`Đơn vị báo cáo`), or the bloc's; never the
    form's old default for a member whose board is named otherwise ("Ban Quản lý các KCN tỉnh
    Hà Nội" for a city): the bloc's name stands in for it."""
    given = submission.info.get("don_vi", "").strip()
    name = str(submission.member)
    member = contract.bloc.member(name)
    old_default = f"Ban Quản lý các KCN tỉnh {name}"
    if not given or (member.board and fold(given) == fold(old_default)):
        return member.board_name
    return given


def _received(validation: Validation, latest: bool) -> dict[Path, dt.datetime] | None:
    """When each workbook was received: needed to keep the latest, or to name it in the
    message about a member's two workbooks (which then suggests `--latest`)."""
    subs = [*validation.submissions, *validation.registrations]
    members = Counter((s.kind, s.member) for s in subs if s.member is not None)
    if latest or any(n > 1 for n in members.values()):
        return received_times(subs)
    return None


def _unscored(adjustment: Adjustment, contract: Contract) -> Finding:
    """An adjustment for a member with no yearly workbook: kept, not applied, and said."""
    rule = "adjustment-unscored-member"
    return Finding(
        adjustment.file,
        rule,
        contract.severity(rule),
        f"điều chỉnh của {adjustment.member} chưa được áp dụng vì chưa có báo cáo năm của "
        f"{adjustment.member} nên thành viên này chưa được chấm điểm; dòng này vẫn được giữ "
        "trong trang “Điều chỉnh” của tệp kết quả, để áp dụng khi có báo cáo.",
        sheet=adjustment.sheet,
        cell=adjustment.cell,
        code=adjustment.criterion,
    )
