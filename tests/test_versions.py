"""Which version of a member's workbook is in force (issue 18): files of different years are
never versions of each other, and where the times cannot tell the order, it is said."""

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ipstat.bloc.versions import revision
from ipstat.cli import app

Make = Callable[..., Path]
runner = CliRunner()
STAMP = 1_516_000_000  # every copy of a folder copied without its times gets the same


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_two_years_in_one_parent_folder_are_mixed_years(
    make_workbook: Make, tmp_path: Path
) -> None:
    inbox = tmp_path / "nhan-ve"
    for year in (2017, 2018):
        (inbox / str(year)).mkdir(parents=True)
        path = make_workbook(f"nhan-ve/{year}/bieu-ha-nam.xlsx", year=year)
        os.utime(path, (STAMP + year, STAMP + year))
    for latest in ([], ["--latest"]):
        code, out, _ = run("aggregate", str(inbox), *latest, "--out", str(tmp_path / "ra"))
        assert code == 1 and "Các tệp thuộc nhiều năm" in out, out
        assert "Bản cũ đã được thay" not in out  # a 2017 file is no old version of a 2018 one
        assert "Hai tệp của cùng một thành viên" not in out  # nor a duplicate of it
    assert not (tmp_path / "ra").exists()


@pytest.fixture
def copied(make_workbook: Make, tmp_path: Path) -> Path:
    """An inbox copied without its ledger: Hà Nam's first version (an error) and its
    correction, with the same modification time."""
    inbox = tmp_path / "nhan-ve"
    inbox.mkdir()
    make_workbook("nhan-ve/bieu-ha-nam.xlsx", values={"workers": -1})
    make_workbook("nhan-ve/bieu-ha-nam (2).xlsx")
    for path in inbox.iterdir():
        os.utime(path, (STAMP, STAMP))
    return inbox


def test_the_names_order_versions_the_times_cannot(copied: Path, tmp_path: Path) -> None:
    code, out, _ = run("aggregate", str(copied), "--latest", "--out", str(tmp_path / "ra"))
    assert code == 0, out
    assert "Thứ tự các bản theo tên tệp" in out and "bieu-ha-nam (2).xlsx" in out
    document = json.loads((tmp_path / "ra" / "tong-hop-2016.json").read_text(encoding="utf-8"))
    assert document["sources"][0]["file"] == "bieu-ha-nam (2).xlsx"
    code, out, _ = run("status", str(copied), "--format", "json", "--deadline", "2017-01-20")
    status = json.loads(out)
    hanam = next(m for m in status["members"] if m["member"] == "Hà Nam")
    assert hanam["file"] == "bieu-ha-nam (2).xlsx" and hanam["status"] == "da-tiep-nhan"
    assert [f["rule"] for f in status["findings"]] == ["version-order-by-name"]


def test_no_silent_pick_when_nothing_tells_the_order(copied: Path, tmp_path: Path) -> None:
    shutil.move(copied / "bieu-ha-nam (2).xlsx", copied / "ha-nam-ban-khac.xlsx")
    os.utime(copied / "ha-nam-ban-khac.xlsx", (STAMP, STAMP))
    code, out, _ = run("aggregate", str(copied), "--latest", "--out", str(tmp_path / "ra"))
    assert code == 1 and "Không rõ bản nào nhận sau cùng" in out and "Không ghi tệp nào" in out
    assert not (tmp_path / "ra").exists()
    code, out, _ = run("status", str(copied), "--deadline", "2017-01-20")
    assert code == 1 and "Không biết bản nào của Hà Nam được nhận sau cùng" in out


def test_times_far_apart_decide(copied: Path, tmp_path: Path) -> None:
    os.utime(copied / "bieu-ha-nam.xlsx", (STAMP + 3600, STAMP + 3600))  # the first, resent
    code, out, _ = run("aggregate", str(copied), "--latest", "--out", str(tmp_path / "ra"))
    assert code == 1 and "Giá trị âm" in out and "Thứ tự các bản" not in out


def test_validate_latest_judges_the_versions_in_force(copied: Path) -> None:
    code, out, _ = run("validate", "--format", "json", str(copied))
    assert code == 1  # the first version has an error
    code, out, _ = run("validate", "--format", "json", "--latest", str(copied))
    rules = [f["rule"] for f in json.loads(out)["findings"]]
    assert code == 0 and "negative-value" not in rules
    assert "superseded-version" in rules and "version-order-by-name" in rules


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("bieu-ha-nam.xlsx", 0),
        ("bieu-ha-nam (2).xlsx", 2),
        ("bieu-ha-nam-sua.xlsx", 1),
        ("Bieu Ha Nam - Sửa lần 3.xlsx", 3),
        ("bieu_ha_nam_v2.xlsx", 2),
        ("ha-nam-2016.xlsx", 0),
    ],
)
def test_a_file_name_says_its_revision(name: str, number: int) -> None:
    assert revision(name) == number


@pytest.mark.parametrize("command", ["status", "aggregate"])
def test_a_file_deleted_after_it_was_read_is_no_crash(
    copied: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """A member's file removed from the inbox while the run reads the others."""
    from ipstat.reading import submission

    real = submission.read_submission

    def then_deleted(path: Path, *args: object, **kwargs: object) -> object:
        read = real(path, *args, **kwargs)  # type: ignore[arg-type]
        path.unlink()
        return read

    monkeypatch.setattr("ipstat.checks.validation.read_submission", then_deleted)
    args = ["--format", "json", "--deadline", "2017-01-20"] if command == "status" else []
    extra = ["--latest", "--out", str(tmp_path / "ra")] if command == "aggregate" else []
    result = runner.invoke(app, [command, str(copied), *args, *extra])
    assert isinstance(result.exception, SystemExit | None), result.exception
    assert result.exit_code in (0, 1), result.output
