"""Many workbooks are read on every core, with exactly the results of one process."""

import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from ipstat.checks import validation
from ipstat.checks.validation import Checked, Job, validate_paths
from ipstat.contract.model import Contract
from ipstat.outputs.machine import to_json

SAMPLE = Path(__file__).parents[1] / "sample_data" / "2016"


@pytest.fixture
def folder(make_workbook: Callable[..., Path], tmp_path: Path) -> Path:
    """The sample workbooks and some that break rules, in one folder, in no particular order."""
    books = tmp_path / "nhan-ve"
    books.mkdir()
    for path in sorted(SAMPLE.glob("*.xlsx")):
        shutil.copyfile(path, books / path.name)
    broken = [
        make_workbook(values={"fdi_new_capital": -5}),
        make_workbook(values={"ddi_new_projects": 2.5}, member="Ninh Bình"),
        make_workbook(year="năm ngoái"),
        make_workbook(edit=lambda book: book.create_sheet("Lỗi cần sửa")),  # an annotated copy
    ]
    for index, path in enumerate(broken):
        shutil.move(path, books / f"{'czba'[index]}-loi-{index}.xlsx")
    (books / "hong.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    (books / "ghi-chu.csv").write_text("a,b\n", encoding="utf-8")
    return books


def test_the_pool_gives_the_same_report_byte_for_byte(
    folder: Path, contract: Contract, monkeypatch: pytest.MonkeyPatch
) -> None:
    pooled: list[int] = []
    read_in_pool = validation._read_in_pool

    def spy(workbooks: list[Path], job: Job, workers: int) -> Iterable[Checked]:
        pooled.append(workers)
        return read_in_pool(workbooks, job, workers)

    monkeypatch.setattr(validation, "_cores", lambda: 2)  # a pool even on a one-core machine
    monkeypatch.setattr(validation, "_read_in_pool", spy)
    serial = validate_paths([folder], contract, parallel_from=1_000)
    parallel = validate_paths([folder], contract, parallel_from=2)
    assert pooled == [2]
    text = to_json(serial.report)
    assert to_json(parallel.report) == text
    assert '"rule": "negative-value"' in text and '"rule": "unreadable-file"' in text
    assert "bản có ghi chú do ipstat ghi" in text  # skipped, by a worker
    assert [s.path for s in parallel.submissions] == [s.path for s in serial.submissions]
    assert [s.values() for s in parallel.submissions] == [s.values() for s in serial.submissions]
    assert len(serial.submissions) == 14  # 11 sample workbooks, 3 broken ones


def test_only_the_report_is_kept_when_asked(folder: Path, contract: Contract) -> None:
    kept = validate_paths([folder], contract)
    lean = validate_paths([folder], contract, keep_submissions=False)
    assert to_json(lean.report) == to_json(kept.report)
    assert lean.submissions == [] and kept.submissions


def test_spawned_workers_as_on_windows(folder: Path) -> None:
    """Windows and macOS spawn workers: the worker and its job must survive pickling."""
    script = (
        "import multiprocessing, sys\nfrom pathlib import Path\n"
        "if __name__ == '__main__':\n"
        "    multiprocessing.set_start_method('spawn')\n"
        "    from ipstat.checks import validation\n"
        "    from ipstat.contract.model import load_contract\n"
        "    from ipstat.outputs.machine import to_json\n"
        "    validation._cores = lambda: 2\n"
        "    contract, folder = load_contract(), Path(sys.argv[1])\n"
        "    runs = [\n"
        "        validation.validate_paths([folder], contract, parallel_from=n) for n in (999, 2)\n"
        "    ]\n"
        "    print(to_json(runs[0].report) == to_json(runs[1].report), len(runs[1].submissions))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(folder)], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "True 14"


ORPHANED = """
import sys, time
from pathlib import Path
from ipstat.checks import validation
from ipstat.contract.model import load_contract

files = sorted(Path(sys.argv[1]).glob("*.xlsx"))
job = (load_contract(), None, None, "nam", None, False)
results = iter(validation._read_in_pool(files, job, 2))
next(results)  # the workers are up
print("ready", flush=True)
time.sleep(600)
"""


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(c) for c in (task / "children").read_text().split()}
    return found


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\\nState:\\tZ" not in status  # a zombie has ended


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")
def test_the_workers_end_when_their_run_is_killed() -> None:
    """A forked worker holds its own end of the pipe it waits on: killed, the run must not
    leave its workers waiting forever (they held the inbox's ledger open)."""
    import os
    import signal
    import time

    run = subprocess.Popen(
        [sys.executable, "-c", ORPHANED, str(SAMPLE)], stdout=subprocess.PIPE, text=True
    )
    assert run.stdout is not None and run.stdout.readline().strip() == "ready"
    workers = _children(run.pid)
    assert len(workers) >= 2
    os.kill(run.pid, signal.SIGKILL)
    run.wait()
    run.stdout.close()
    deadline = time.monotonic() + 60  # a liveness bound, far above the one second it takes
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_running(pid) for pid in workers)
