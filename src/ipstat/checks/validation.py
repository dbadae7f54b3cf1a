"""`validate`: every workbook under the given paths, read and checked in one pass."""

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ipstat.base.errors import InputError, os_error_text
from ipstat.base.findings import FileReport, Finding, Skipped, ValidationReport
from ipstat.base.periods import YEARLY
from ipstat.base.temporary import alive
from ipstat.base.visible import visible
from ipstat.checks.previous import LastYear, jump_findings
from ipstat.checks.rules import check_registration, check_submission
from ipstat.contract.model import Contract
from ipstat.reading.located import Submission
from ipstat.reading.own import OUTPUT_ACTION, OwnOutputError, output_by_name
from ipstat.reading.submission import read_submission

if TYPE_CHECKING:
    from ipstat.contract.scoring_table import ScoringTable


@dataclass
class Validation:
    """The report, and the submissions that could be read (for aggregation)."""

    report: ValidationReport
    submissions: list[Submission] = field(default_factory=list)
    registrations: list[Submission] = field(default_factory=list)


# The files ipstat reads, by suffix: one place to add `.xls` or `.ods` when they can be read.
READ_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})  # .xlsm: values, never macros

RESAVE = "hãy mở bằng Excel và lưu lại dạng .xlsx (Sổ làm việc Excel) rồi chạy lại"
ASK_FOR_WORKBOOK = (
    "số liệu không đọc được từ tệp này; hãy đề nghị thành viên gửi biểu bằng tệp Excel"
)
# Why a file of a folder is not read, by suffix, and what to do; any other suffix gets OTHER.
SKIP_REASONS = {
    ".xlsb": ("sổ làm việc nhị phân (.xlsb), ipstat không đọc", RESAVE),
    ".xltx": ("tệp mẫu Excel (.xltx), không phải biểu báo cáo", RESAVE),
    ".xltm": ("tệp mẫu Excel có macro (.xltm), không phải biểu báo cáo", RESAVE),
    ".csv": ("tệp văn bản CSV, không phải biểu báo cáo", RESAVE),
    ".pdf": ("tệp PDF, không phải biểu báo cáo", ASK_FOR_WORKBOOK),
    ".doc": ("văn bản Word (.doc), không phải biểu báo cáo", ASK_FOR_WORKBOOK),
    ".docx": ("văn bản Word (.docx), không phải biểu báo cáo", ASK_FOR_WORKBOOK),
    ".jpg": ("ảnh (.jpg), không phải biểu báo cáo", ASK_FOR_WORKBOOK),
    ".jpeg": ("ảnh (.jpeg), không phải biểu báo cáo", ASK_FOR_WORKBOOK),
    ".png": ("ảnh (.png), không phải biểu báo cáo", ASK_FOR_WORKBOOK),
}
OTHER = "không phải biểu báo cáo (.xlsx, .xlsm, .xls hoặc .ods)"
NOT_REGULAR = "không phải tệp thông thường (FIFO, socket hoặc thiết bị), ipstat không mở"
NOT_REGULAR_ACTION = "nếu đây là báo cáo, hãy chép nó thành một tệp .xlsx thông thường"
DANGLING_LINK = "liên kết (lối tắt) trỏ tới một tệp không còn ở đó"
LINK_LOOP = "liên kết (lối tắt) trỏ vòng về chính nó"
LINK_ACTION = "hãy chép chính tệp báo cáo vào thư mục này thay cho liên kết"


# Files ipstat itself keeps beside the workbooks: the inbox ledger (`ipstat status`) and the
# journal SQLite may leave beside it. They are never a member's file, so never listed.
LEDGER_NAME = "so-theo-doi.sqlite"
OWN_FILES = frozenset({LEDGER_NAME, LEDGER_NAME + "-journal", LEDGER_NAME + "-wal"})


EXCLUDED_REASON = "thư mục ghi kết quả của chính lần chạy này"


def collect_workbooks(
    paths: Iterable[Path], exclude: Iterable[Path] = ()
) -> tuple[list[Path], list[Skipped]]:
    """Files as given; folders searched for READ_SUFFIXES. Every other file of a folder is
    listed as skipped, with the reason and what to do, except Excel's `~$` lock files and
    hidden files. Nothing that is not a regular file is opened (a FIFO would block). ipstat's
    own outputs are skipped with their reason; the folders in `exclude` (this run's outputs)
    are not searched, and are listed once each."""
    found: list[Path] = []
    skipped: list[Skipped] = []
    excluded = [folder.resolve() for folder in exclude]
    for path in paths:
        try:
            _collect(path, found, skipped, excluded)
        except OSError as exc:  # a name too long, a folder we may not read
            raise InputError(f"Không đọc được {path}: {os_error_text(exc)}.") from exc
    if not found:
        listing = " ".join(f"{visible(s.file)}: {s.reason}; {s.action}." for s in skipped)
        raise InputError(
            f"Không có tệp {', '.join(sorted(READ_SUFFIXES))} nào trong các đường dẫn đã cho."
            + (f" Các tệp đã bỏ qua: {listing}" if listing else "")
        )
    return list(dict.fromkeys(found)), list(dict.fromkeys(skipped))


def _collect(path: Path, found: list[Path], skipped: list[Skipped], excluded: list[Path]) -> None:
    if excluded and path.is_dir() and path.resolve() in excluded:
        skipped.append(Skipped(str(path), EXCLUDED_REASON, OUTPUT_ACTION))
    elif path.is_dir():
        for child in sorted(path.rglob("*")):
            if _hidden(child, child.relative_to(path)) or child.name in OWN_FILES:
                continue
            if excluded and child.is_dir() and child.resolve() in excluded:
                skipped.append(Skipped(str(child), EXCLUDED_REASON, OUTPUT_ACTION))
                continue
            if excluded and any(child.resolve().is_relative_to(e) for e in excluded):
                continue
            reason = skip_reason(child)
            if reason is not None:
                skipped.append(reason)
            elif _regular(child):
                found.append(child)
    elif _regular(path) and (own := output_by_name(path)) is not None:
        skipped.append(Skipped(str(path), own, OUTPUT_ACTION))
    elif _regular(path) and path.suffix.lower() in SKIP_REASONS:  # as in a folder: a PDF…
        skipped.append(_skipped(path))
    elif _regular(path):
        found.append(path)
    elif path.exists() or path.is_symlink():
        why = _irregular(path)
        raise InputError(f"{path}: {why.reason}; {why.action}.")
    else:
        raise InputError(f"Không tìm thấy tệp hoặc thư mục: {path}")


def skip_reason(path: Path) -> Skipped | None:
    """Why a file found in a folder is not read, or None for a workbook to read; a folder is
    neither."""
    if not _regular(path):
        return None if path.is_dir() else _irregular(path)
    own = output_by_name(path)
    if own is not None:
        return Skipped(str(path), own, OUTPUT_ACTION)
    return _skipped(path) if path.suffix.lower() not in READ_SUFFIXES else None


def _skipped(path: Path) -> Skipped:
    suffix = path.suffix.lower()
    if suffix in SKIP_REASONS:
        return Skipped(str(path), *SKIP_REASONS[suffix])
    return Skipped(str(path), OTHER, "nếu đây là báo cáo, " + RESAVE)


def _irregular(path: Path) -> Skipped:
    """Why a name in a folder is no file to read: a link to nothing, or not a file at all."""
    if path.is_symlink():
        try:
            path.resolve(strict=True)
        except RuntimeError:  # Python 3.11 says a loop this way
            return Skipped(str(path), LINK_LOOP, LINK_ACTION)
        except OSError as exc:
            reason = LINK_LOOP if exc.errno == errno.ELOOP else DANGLING_LINK
            return Skipped(str(path), reason, LINK_ACTION)
    return Skipped(str(path), NOT_REGULAR, NOT_REGULAR_ACTION)


def _regular(path: Path) -> bool:
    """A regular file (following links), found without opening it."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def _hidden(path: Path, relative: Path) -> bool:
    """Excel's `~$` lock files, dot files and folders, and files Windows marks hidden."""
    if any(part.startswith((".", "~$")) for part in relative.parts):
        return True
    try:
        attributes = getattr(path.stat(follow_symlinks=False), "st_file_attributes", 0)
    except OSError:
        return False
    return bool(attributes & stat.FILE_ATTRIBUTE_HIDDEN)


def workbook_rules(contract: Contract) -> list[str]:
    return contract.rules.of_scope("workbook")


# From this many workbooks on, they are read in a pool of processes, one per core; below it,
# starting the workers costs more than they save. Measured on 2 cores (copies of the sample
# workbooks, keep_submissions=False): a workbook costs 2.3 ms of CPU read in one process and
# 0.1 ms more in the pool; starting the pool costs ~50 ms of CPU with fork, ~250 ms with spawn
# (each worker imports ipstat; Windows, macOS). Break-even on idle cores: ~25 files (fork),
# ~115 (spawn); on a loaded machine (load 4.5), pool ÷ serial wall time, paired medians, fork:
# 20 files 1.62x, 40 files 1.19x, 100 files 0.82x. Hence, with margin:
PARALLEL_FROM = 50
PARALLEL_FROM_SPAWN = 150


Checked = tuple[Submission | None, list[Finding]] | Skipped  # Skipped: a workbook ipstat wrote
Job = tuple[Contract, "ScoringTable | None", int | None, str, LastYear | None, bool]


def validate_paths(
    paths: Iterable[Path],
    contract: Contract,
    year: int | None = None,
    *,
    period: str = YEARLY,
    scoring: "ScoringTable | None" = None,
    last_year: LastYear | None = None,
    parallel_from: int | None = None,
    keep_submissions: bool = True,
    exclude: Iterable[Path] = (),
) -> Validation:
    """Read and check every workbook; findings of all files, never stopping at the first.
    Registrations (by their `Đăng ký` sheet) are kept apart from the yearly workbooks; a workbook
    of another `period` than the one asked is `mixed-periods`; with `last_year`, flow figures
    are also checked against last year's. The folders in `exclude`
    (where this run writes) are not read; nor is any workbook ipstat wrote (listed as skipped).
    From `parallel_from` workbooks on (by default PARALLEL_FROM, or PARALLEL_FROM_SPAWN where
    workers are spawned), they are read on every core; the results keep the order of the files.
    Without `keep_submissions` only the report is kept: memory does not grow with the files."""
    workbooks, skipped = collect_workbooks(paths, exclude)
    validation = Validation(ValidationReport(skipped=skipped))
    checked = workbook_rules(contract)
    job: Job = (contract, scoring, year, period, last_year, keep_submissions)
    workers = _workers(len(workbooks), parallel_from)
    results: Iterable[Checked]
    if workers > 1:
        results = _read_in_pool(workbooks, job, workers)
    else:
        results = (_check(path, job) for path in workbooks)
    for path, result in zip(workbooks, results, strict=True):
        if isinstance(result, Skipped):
            skipped.append(result)
            continue
        submission, findings = result
        if submission is not None and submission.kind == "registration":
            validation.registrations.append(submission)
        elif submission is not None:
            validation.submissions.append(submission)
        validation.report.files.append(FileReport(path, findings, checked))
    return validation


def _check(path: Path, job: Job) -> Checked:
    """One workbook read and checked: all that is done per file, in whichever process."""
    contract, scoring, year, period, last_year, keep = job
    try:
        submission, findings = read_submission(path, contract, scoring)
    except OwnOutputError as own:
        return Skipped(str(path), own.reason, own.action)
    if submission is not None and submission.kind == "registration":
        findings.extend(check_registration(submission, contract, year))
    elif submission is not None:
        findings.extend(check_submission(submission, contract, year, period))
        if last_year is not None:
            findings.extend(jump_findings(submission, last_year, contract))
    return submission if keep else None, findings


def _workers(files: int, parallel_from: int | None) -> int:
    if files < max(parallel_from or PARALLEL_FROM, 2):
        return 1
    if parallel_from is None and files < PARALLEL_FROM_SPAWN:
        import multiprocessing  # noqa: PLC0415

        if multiprocessing.get_start_method() != "fork":
            return 1
    return min(_cores(), files)


def _cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # Windows, macOS
        return os.cpu_count() or 1


def _read_in_pool(workbooks: list[Path], job: Job, workers: int) -> Iterable[Checked]:
    """The workbooks read by `workers` processes, results in the files' order. Spawn-safe
    (Windows): the worker is a top-level function and the job is sent once to each worker."""
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415

    chunk = max(1, min(64, len(workbooks) // (workers * 8)))
    parent = os.getpid()
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(job, parent)) as pool:
        yield from pool.map(_check_in_worker, workbooks, chunksize=chunk)


_job: Job | None = None
ORPHAN_CHECK_SECONDS = 1.0


def _start_worker(job: Job, parent: int) -> None:
    import threading  # noqa: PLC0415

    global _job  # noqa: PLW0603  (one job per worker process)
    _job = job
    threading.Thread(target=_end_with, args=(parent,), daemon=True).start()


def _end_with(parent: int) -> None:
    """A worker ends when the run that started it does, however it ended: a forked worker
    holds its own end of the pipe it waits on, so a killed parent would leave it waiting
    forever (with the inbox's ledger open)."""
    import time  # noqa: PLC0415

    while True:
        time.sleep(ORPHAN_CHECK_SECONDS)
        if os.getppid() != parent or not alive(parent):
            os._exit(1)  # nothing of this worker's is worth finishing: its run is gone


def _check_in_worker(path: Path) -> Checked:
    assert _job is not None, "_start_worker runs first in every worker"
    return _check(path, _job)
