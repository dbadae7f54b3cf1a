"""What the portal does besides receiving: a member's blank form, an annotated copy of a
received file, and the secretariat's actions of the year on the versions in force (aggregate
`--latest`, the letters, score), each the command line's own function, run in a worker.

The outputs go where the command line writes them (`ket-qua/<year>` of the server's working
folder, `Desk.out`); the pages offer them for download by name from that folder only."""

import io
from dataclasses import dataclass, field
from pathlib import Path

from ipstat.base.errors import InputError, IpstatError
from ipstat.base.findings import ValidationReport
from ipstat.bloc.inbox import inbox_files
from ipstat.checks.validation import validate_paths
from ipstat.commands.aggregate import publish
from ipstat.commands.intake import Desk
from ipstat.commands.score import score
from ipstat.outputs.annotate import annotate_reports
from ipstat.outputs.forms import build_form

LETTERS = "thu-nhac"
ANNOTATED = "ban-co-ghi-chu"
REGISTRATIONS = "dang-ky"  # the inbox's subfolder of registrations (intake-portal.md §3)
ACTIONS = {
    "tong-hop": "Tổng hợp (bản đang dùng của mỗi thành viên)",
    "thu-nhac": "Viết thư nhắc và bản có ghi chú",
    "cham-diem": "Chấm điểm thi đua",
}


def out_folder(desk: Desk) -> Path:
    return desk.out or Path("ket-qua") / str(desk.year)


def blank_form(job: tuple[Desk, str]) -> bytes:
    """The member's blank form of the year, as `ipstat template` writes it."""
    desk, name = job
    member = next(m for m in desk.contract.bloc.members if m.name == name)
    book = build_form(desk.contract, desk.year, member, scoring=desk.scoring, period=desk.period)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def annotated_copy(job: tuple[Desk, str]) -> str:
    """Runs in a worker: the annotated copy of the inbox's file `name` (as `validate
    --annotate` makes it), written to the outputs' `ban-co-ghi-chu`; its path under them."""
    desk, name = job
    validation = validate_paths(
        [desk.inbox / name],
        desk.contract,
        desk.year,
        period=desk.period,
        scoring=desk.scoring,
        last_year=desk.last_year,
    )
    folder = out_folder(desk) / ANNOTATED
    folder.mkdir(parents=True, exist_ok=True)
    names = desk.scoring.names if desk.scoring else {}
    made = annotate_reports(
        validation.report.files, folder, desk.contract.vocabulary.with_names(names)
    )
    if made.problems:
        raise InputError(" ".join(made.problems))
    if not made.written:
        raise InputError(f"Tệp {name} không có lỗi hay cảnh báo nào để ghi chú.")
    return f"{ANNOTATED}/{made.written[0].name}"


@dataclass
class Outcome:
    """What an action did: done or not, the files written (under the outputs), and what to
    tell the secretariat (the errors that stopped it, say)."""

    title: str
    done: bool
    files: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def run_action(job: tuple[Desk, str, dict[str, str]]) -> Outcome:
    """Runs in a worker: one action of ACTIONS on the versions in force; `links` (member →
    its portal link) go into the letters."""
    desk, action, links = job
    title = ACTIONS[action]
    out = out_folder(desk)
    try:
        if action == "tong-hop":
            return _aggregate(desk, out, title)
        if action == "thu-nhac":
            return _letters(desk, out, title, links)
        return _score(desk, out, title)
    except IpstatError as exc:
        return Outcome(title, False, messages=[str(exc)])


def _under(out: Path, paths: list[Path]) -> list[str]:
    return [p.relative_to(out).as_posix() for p in paths]


def _not_done(title: str, report: ValidationReport, desk: Desk) -> Outcome:
    vocabulary = desk.contract.vocabulary
    lines = [f"{Path(f.file).name}: {vocabulary.told(f)}" for f in report.errors]
    return Outcome(title, False, messages=["Chưa làm được: hãy xử lý các lỗi sau.", *lines])


def _aggregate(desk: Desk, out: Path, title: str) -> Outcome:
    published = publish(
        [desk.inbox],
        desk.contract,
        year=desk.year,
        period=desk.period,
        out=out,
        previous=desk.previous,
        word=True,
        scoring=desk.scoring,
        latest=True,
    )
    if published.document is None:
        return _not_done(title, published.run.validation.report, desk)
    return Outcome(title, True, _under(out, published.files), ["Đã tổng hợp."])


def _letters(desk: Desk, out: Path, title: str, links: dict[str, str]) -> Outcome:
    tracked = desk.track(letters=out / LETTERS, annotate=out / ANNOTATED, links=links)
    files = _under(out, tracked.letters)
    if tracked.annotated is not None:
        files += _under(out, tracked.annotated.written)
    messages = [*tracked.no_letter]
    if not tracked.letters:
        messages.append("Không cần thư nào: mọi thành viên đã được tiếp nhận.")
    return Outcome(title, True, files, messages)


def _score(desk: Desk, out: Path, title: str) -> Outcome:
    registrations = desk.inbox / REGISTRATIONS
    if desk.scoring is None:
        return Outcome(title, False, messages=["Khối này chưa có biểu chấm điểm thi đua."])
    if not registrations.is_dir():
        return Outcome(
            title,
            False,
            messages=[
                f"Chưa có bản đăng ký thi đua: hãy đặt các bản đăng ký vào thư mục con "
                f"“{REGISTRATIONS}” của thư mục nhận báo cáo rồi làm lại."
            ],
        )
    workbooks, _ = inbox_files(desk.inbox)
    scored = score(
        workbooks,
        desk.contract,
        desk.scoring,
        registrations=registrations,
        previous=desk.previous,
        year=desk.year,
        period=desk.period,
        out=out,
        word=True,
        latest=True,
    )
    if scored.document is None:
        return _not_done(title, scored.report, desk)
    return Outcome(title, True, _under(out, scored.files), ["Đã chấm điểm."])
