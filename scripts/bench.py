"""`make bench`: ipstat's commands beside their baselines, timed in one run, as ratios.

Measures the installed case: ipstat's bytecode is compiled first, as pip does on install (this
environment sets PYTHONDONTWRITEBYTECODE, which would otherwise recompile ipstat on every run
and pandas never). Each command is a fresh process, since start-up is part of what a user waits
for; commands of one table take turns, round after round, so a machine getting busier or
quieter affects them alike. Reported per command: median wall time, median CPU time (user +
system, steadier on a shared machine), peak memory (maximum resident set), and the ratio of
each time to the table's baseline.

Tables:
1. the 11 sample workbooks: the naive `pandas.read_excel` script, the bare python-calamine read
   (the floor), `import pandas` alone (the floor of `aggregate`, which sums with pandas),
   `validate` (text and json) and `aggregate` (three outputs);
2. many copies of the sample workbooks: the calamine floor and `validate --format json`, with
   memory from 100 to 5,000 files;
3. generated blocs of 500 and 2,000 members, a workbook each: `aggregate` with and without
   `--docx` (whose member table was once quadratic), and the ratio of the two sizes (linear
   cost gives 4).

`BENCH_TABLES` (default `1,2,3`) picks the tables. `BENCH_RUNS` (default 15) sets the rounds of
table 1; the others run fewer rounds (table 2: 3, one for 5,000 files; table 3: BLOC_RUNS), so
that the whole bench takes a few minutes.
"""

import compileall
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_data" / "2016"
BIN = Path(sys.executable).parent
IPSTAT = str(BIN / ("ipstat.exe" if os.name == "nt" else "ipstat"))
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
TABLES = {int(t) for t in os.environ.get("BENCH_TABLES", "1,2,3").split(",")}
BLOC_RUNS = 2  # after one warm-up run each: the 2,000-member bloc takes seconds a run

CALAMINE_FLOOR = """
import sys
from pathlib import Path
from python_calamine import CalamineWorkbook
for path in sorted(Path(sys.argv[1]).rglob("*.xlsx")):
    book = CalamineWorkbook.from_path(str(path))
    for name in ("Thông tin", "Chỉ tiêu"):
        book.get_sheet_by_name(name).to_python(skip_empty_area=False)
"""

Sample = tuple[float, float, float]  # wall seconds, CPU seconds, peak MiB


def run_once(command: list[str]) -> Sample:
    """One run of a command: wall time, CPU time and peak memory of that process alone."""
    started = time.perf_counter()
    if hasattr(os, "wait4"):
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            assert process.stderr is not None
            raise SystemExit(f"failed: {' '.join(command)}\n{process.stderr.read().decode()}")
        cpu = usage.ru_utime + usage.ru_stime
        return wall, cpu, usage.ru_maxrss / 1024
    subprocess.run(command, check=False, capture_output=True)
    wall = time.perf_counter() - started
    return wall, wall, float("nan")


def medians(commands: dict[str, list[str]], runs: int) -> dict[str, Sample]:
    for command in commands.values():
        run_once(command)  # warm the disk cache and ipstat's contract cache
    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            samples[name].append(run_once(command))
    return {
        name: (
            statistics.median(s[0] for s in taken),
            statistics.median(s[1] for s in taken),
            max(s[2] for s in taken),
        )
        for name, taken in samples.items()
    }


def table(title: str, results: dict[str, Sample], baseline: str) -> None:
    wall0, cpu0, _ = results[baseline]
    print(f"\n{title}")
    print(f"{'command':44} {'wall':>8} {'÷ base':>7} {'cpu':>8} {'÷ base':>7} {'peak':>8}")
    for name, (wall, cpu, peak) in results.items():
        print(
            f"{name:44} {wall:7.3f}s {wall / wall0:6.2f}x {cpu:7.3f}s {cpu / cpu0:6.2f}x "
            f"{peak:6.0f}MiB"
        )


def copies(count: int, folder: Path) -> Path:
    """`count` workbooks, copies of the sample's, in one folder."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = sorted(SAMPLE.glob("*.xlsx"))
    for index in range(count):
        shutil.copyfile(sources[index % len(sources)], folder / f"bieu-{index:05}.xlsx")
    return folder


def generated_bloc(members: int, folder: Path) -> tuple[Path, Path]:
    """A bloc file of `members` members and a workbook for each: the sample's Hà Nam with its
    name replaced in the sheets' (inline) strings: one zip rewrite each, no spreadsheet
    library."""
    books = folder / "bieu"
    books.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(SAMPLE / "bieu-ha-nam-2016.xlsx") as archive:
        parts = {info: archive.read(info) for info in archive.infolist()}
    lines = [f'id = "bench-{members}"', f'name = "Khối thử {members} thành viên"', ""]
    # Who signs the Word report (`--docx`): the first member, Khối trưởng of the sample's year.
    lines += ["[[terms]]", "year = 2016", 'leader = "Thành viên 00000"', 'place = "Hà Nam"', ""]
    for index in range(members):
        name = f"Thành viên {index:05}"
        lines += ["[[members]]", f'name = "{name}"', f'slug = "tv-{index:05}"', ""]
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
            for info, content in parts.items():
                renamed = content.replace("Hà Nam".encode(), name.encode())
                sheet = info.filename.startswith(("xl/worksheets/", "xl/sharedStrings"))
                out.writestr(info, renamed if sheet else content)
        (books / f"bieu-{index:05}.xlsx").write_bytes(buffer.getvalue())
    bloc = folder / f"bench-{members}.toml"
    bloc.write_text("\n".join(lines), encoding="utf-8")
    return bloc, books


def sample_table(python: str, work: Path) -> None:
    sample = str(SAMPLE)
    results = medians(
        {
            "naive pandas.read_excel + sum": [
                python,
                str(ROOT / "scripts" / "naive_pandas.py"),
                sample,
            ],
            "calamine floor (bare read)": [python, "-c", CALAMINE_FLOOR, sample],
            "import pandas (aggregate's floor)": [python, "-c", "import pandas"],
            "ipstat validate (text)": [IPSTAT, "validate", sample],
            "ipstat validate --format json": [IPSTAT, "validate", "--format", "json", sample],
            "ipstat aggregate (3 outputs)": [
                IPSTAT,
                "aggregate",
                sample,
                "--out",
                str(work / "out"),
            ],
        },
        RUNS,
    )
    table("1. The 11 sample workbooks", results, "naive pandas.read_excel + sum")


def copies_table(python: str, work: Path) -> None:
    scale: dict[str, Sample] = {}
    for count in (100, 1000, 5000):
        folder = str(copies(count, work / f"copies-{count}"))
        runs = 3 if count < 5000 else 1
        scale |= {
            f"calamine floor, {count} files": medians(
                {"": [python, "-c", CALAMINE_FLOOR, folder]}, runs
            )[""],
            f"validate --format json, {count} files": medians(
                {"": [IPSTAT, "validate", "--format", "json", folder]}, runs
            )[""],
        }
    table("2. Copies of the sample workbooks", scale, "calamine floor, 1000 files")
    floor = scale["calamine floor, 1000 files"][0]
    ours = scale["validate --format json, 1000 files"][0]
    print(f"validate ÷ calamine floor on 1,000 files: {ours / floor:.2f}x")


def blocs_table(python: str, work: Path) -> None:
    blocs: dict[str, list[str]] = {}
    for members in (500, 2000):
        bloc, books = generated_bloc(members, work / f"bloc-{members}")
        out = str(work / "out")
        command = [IPSTAT, "aggregate", str(books), "--bloc", str(bloc), "--out", out]
        blocs[f"aggregate, {members} members"] = command
        blocs[f"aggregate --docx, {members} members"] = [*command, "--docx"]
    results = medians(blocs, BLOC_RUNS)
    table("3. Generated blocs", results, "aggregate, 500 members")
    for name in ("aggregate", "aggregate --docx"):
        small = results[f"{name}, 500 members"][0]
        large = results[f"{name}, 2000 members"][0]
        print(f"{name}, 2,000 members ÷ 500 members: {large / small:.2f}x (linear: 4)")


def main() -> None:
    compileall.compile_dir(ROOT / "src" / "ipstat", quiet=1)
    print(f"ipstat bytecode compiled (the installed case); {RUNS} rounds for the sample data")
    tables = {1: sample_table, 2: copies_table, 3: blocs_table}
    with tempfile.TemporaryDirectory() as temporary:
        for number in sorted(TABLES):
            tables[number](sys.executable, Path(temporary))


if __name__ == "__main__":
    main()
