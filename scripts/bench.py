"""`make bench`: ipstat's commands and the naive pandas baseline, timed side by side in one run.

Each command is a fresh process (start-up is part of what a user waits for). The commands
take turns, round after round, so that a machine getting busier or quieter affects them all
alike. Reported per command: the median wall time and the median CPU time (user + system of
the child process, steadier than wall time on a shared machine), each with its ratio to the
baseline.
"""

import compileall
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "2016"
BIN = Path(sys.executable).parent
RUNS = 15


def seconds(command: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def medians(commands: dict[str, list[str]]) -> dict[str, tuple[float, float]]:
    for command in commands.values():
        seconds(command)  # warm the disk cache and ipstat's contract cache
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for _ in range(RUNS):
        for name, command in commands.items():
            times[name].append(seconds(command))
    return {
        name: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
        for name, runs in times.items()
    }


def main() -> None:
    # An installed package has its bytecode compiled by pip; an editable one under
    # PYTHONDONTWRITEBYTECODE would recompile ipstat on every run, pandas never.
    compileall.compile_dir(ROOT / "src" / "ipstat", quiet=1)
    with tempfile.TemporaryDirectory() as out:
        commands = {
            "naive pandas.read_excel + sum": [
                sys.executable,
                str(ROOT / "scripts" / "naive_pandas.py"),
                str(SAMPLE),
            ],
            "ipstat validate (text)": [str(BIN / "ipstat"), "validate", str(SAMPLE)],
            "ipstat validate --format json": [
                str(BIN / "ipstat"),
                "validate",
                "--format",
                "json",
                str(SAMPLE),
            ],
            "ipstat aggregate (3 outputs)": [
                str(BIN / "ipstat"),
                "aggregate",
                str(SAMPLE),
                "--out",
                out,
            ],
        }
        results = medians(commands)
    wall0, cpu0 = results["naive pandas.read_excel + sum"]
    print(f"{RUNS} runs each, 11 workbooks; medians")
    print(f"{'command':32} {'wall':>8} {'vs naive':>9} {'cpu':>8} {'vs naive':>9}")
    for name, (wall, cpu) in results.items():
        print(f"{name:32} {wall:7.3f}s {wall / wall0:8.2f}x {cpu:7.3f}s {cpu / cpu0:8.2f}x")


if __name__ == "__main__":
    main()
