"""Time and memory of reading each hostile workbook of issue 7, each in a fresh process.

    python scripts/hostile.py                  # this checkout
    python scripts/hostile.py --src OTHER/src  # another checkout's ipstat (before/after)
    python scripts/hostile.py --dtd            # the prolog (DTD) check on the sample workbooks

Cases are built from a sample workbook by tests/hostile.py. A child gets 60 s and a 4 GiB
address space (POSIX), so a case that would hang or ask for 512 GiB ends, and says so.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SAMPLE = ROOT / "sample_data" / "2016"
BASE = SAMPLE / "bieu-ha-nam-2016.xlsx"
PROBE = "import sys; from tests.hostile import probe; probe(sys.argv[1:])"


def _limit_memory() -> None:
    import resource  # noqa: PLC0415

    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))


def run(path: Path, src: str | None) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [src, str(ROOT)]))}
    limit = _limit_memory if os.name == "posix" else None
    try:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, str(path)],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            preexec_fn=limit,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "  > 60 s: killed"
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["?"])[-1]
        return f"  crashed (exit {done.returncode}): {last[:100]}"
    line = json.loads(done.stdout.strip().splitlines()[-1])
    message = (line["message"] or "")[:90]
    return f"{line['seconds']:7.2f} s {line['peak_mib']:5} MiB  {line['rule']}: {message}"


def hostile(src: str | None) -> None:
    from tests.hostile import ISSUE_CASES  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as folder:
        for name, build in ISSUE_CASES.items():
            path = build(BASE, Path(folder) / f"{name}.xlsx")
            print(f"{name:26} {run(path, src)}", flush=True)
            path.unlink()


def dtd(src: str | None, rounds: int = 200) -> None:
    """Median time of the container check (zip pass with the DTD check) per sample workbook."""
    if src:
        sys.path.insert(0, src)
    import importlib  # noqa: PLC0415

    from ipstat.contract.model import load_contract  # noqa: PLC0415

    limits = load_contract().form.limits
    try:  # this checkout
        module = importlib.import_module("ipstat.reading.container")
        check, extra = module.check_parts, [module.Clock(60)]
    except ImportError:  # before the container module (the DTD check fed to expat)
        module = importlib.import_module("ipstat.reading.workbook")
        check, extra = module._check_parts, []
    contents = [path.read_bytes() for path in sorted(SAMPLE.glob("*.xlsx"))]
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        for content in contents:
            check(content, limits, *extra)
        times.append((time.perf_counter() - started) / len(contents))
    print(f"{module.__file__}: {statistics.median(times) * 1e6:.0f} µs per workbook (median)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--src", help="the src folder of another checkout")
    parser.add_argument("--dtd", action="store_true", help="time the DTD check instead")
    arguments = parser.parse_args()
    (dtd if arguments.dtd else hostile)(arguments.src)
