"""`make bench` runs outside the suite; what it builds must still be what the commands accept,
or the benchmark fails after minutes of work (a generated bloc without a Khối trưởng did)."""

import importlib.util
from pathlib import Path

from typer.testing import CliRunner

from ipstat.cli import app

ROOT = Path(__file__).resolve().parent.parent


def test_the_generated_bloc_aggregates_with_its_word_report(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench", ROOT / "scripts" / "bench.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bloc, books = bench.generated_bloc(3, tmp_path / "bloc")
    out = tmp_path / "out"
    args = ["aggregate", str(books), "--bloc", str(bloc), "--out", str(out), "--docx"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert (out / "bao-cao-2016.docx").is_file()
