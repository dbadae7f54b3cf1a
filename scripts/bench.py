"""`make bench`: ipstat's commands and the naive pandas baseline, timed side by side in one run.

Each command is a fresh process (start-up is part of what a user waits for). The commands
take turns, round after round, so that a machine getting busier or quieter affects them all
alike; the median wall time of each is reported with its ratio to the baseline.
"""

import compileall
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "2016"
BIN = Path(sys.executable).parent
RUNS = 9


def seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def medians(commands: dict[str, list[str]]) -> dict[str, float]:
    for command in commands.values():
        seconds(command)  # warm the disk cache and ipstat's contract cache
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(RUNS):
        for name, command in commands.items():
            times[name].append(seconds(command))
    return {name: statistics.median(values) for name, values in times.items()}


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
    baseline = results["naive pandas.read_excel + sum"]
    print(f"{'command':34} {'median':>9} {'vs naive':>9}   ({RUNS} runs, 11 workbooks)")
    for name, seconds in results.items():
        print(f"{name:34} {seconds:8.3f}s {seconds / baseline:8.2f}x")


if __name__ == "__main__":
    main()
