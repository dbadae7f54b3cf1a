"""Whatever ends a command, a clerk reads a sentence in Vietnamese, never a traceback."""

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ipstat.cli import app

SAMPLE = Path(__file__).parents[1] / "sample_data" / "2016"
GOLDEN = Path(__file__).parent / "golden" / "tong-hop-2016.json"
LONG = "a" * 300  # longer than any file name a system allows (255 bytes)


@pytest.mark.parametrize(
    "args",
    [
        ["aggregate", str(SAMPLE), "--out", "{long}"],
        ["validate", str(SAMPLE), "--annotate", "{long}"],
        ["template", "--year", "2017", "--all", "-o", "{long}"],
        ["status", "{long}"],
        ["history", str(GOLDEN), "--out", "{long}"],
        ["report", str(GOLDEN), "-o", "{long}/bao-cao.md"],
    ],
    ids=lambda args: args[0],
)
def test_a_path_too_long_is_said_not_thrown(tmp_path: Path, args: list[str]) -> None:
    long = str(tmp_path / LONG)
    result = CliRunner().invoke(app, [a.replace("{long}", long) for a in args])
    assert isinstance(result.exception, SystemExit | None), result.exception
    assert result.exit_code == 2, result.output
    assert "quá dài" in result.stderr
    assert not (tmp_path / LONG[:200]).exists()


def test_an_error_nobody_expected_is_one_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise TypeError("an internal slip")

    monkeypatch.setattr("ipstat.commands.report.render_report", broken)
    monkeypatch.delenv("IPSTAT_DEBUG", raising=False)
    result = CliRunner().invoke(app, ["report", str(GOLDEN)])
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 70
    assert result.stderr.startswith("ipstat: lỗi ngoài dự kiến của chương trình (TypeError).")
    assert "an internal slip" not in result.stderr and "Traceback" not in result.stderr
    monkeypatch.setenv("IPSTAT_DEBUG", "1")  # the maintainer's way to see it
    result = CliRunner().invoke(app, ["report", str(GOLDEN)])
    assert isinstance(result.exception, TypeError)


def test_a_system_error_names_its_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(tmp_path / "x.md"))

    monkeypatch.setattr("ipstat.commands.report.render_report", refused)
    monkeypatch.delenv("IPSTAT_DEBUG", raising=False)
    result = CliRunner().invoke(app, ["report", str(GOLDEN)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"ipstat: {tmp_path / 'x.md'}: không có quyền")
