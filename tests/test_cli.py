"""The command line's promises: exit codes, formats on stdout only, never a traceback."""

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ipstat.checks.validation import validate_paths
from ipstat.cli import app
from ipstat.contract.model import Contract
from ipstat.outputs.machine import to_json

Make = Callable[..., Path]
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_clean_workbooks_exit_0(make_workbook: Make) -> None:
    path = make_workbook()
    code, out, _ = run("validate", str(path))
    assert code == 0
    assert f"✓ {path}" in out and "0 lỗi, 0 cảnh báo" in out


def test_errors_exit_1_with_a_verdict_per_file(make_workbook: Make) -> None:
    bad = make_workbook(values={"workers": -3})
    good = make_workbook()
    code, out, _ = run("validate", str(bad.parent))
    assert code == 1
    assert f"✗ {bad}: 1 lỗi, 0 cảnh báo" in out and f"✓ {good}" in out
    assert "Giá trị âm" in out


def test_warnings_pass_unless_strict(make_workbook: Make) -> None:
    path = make_workbook(values={"workers": "34.700"})
    assert run("validate", str(path))[0] == 0
    assert run("validate", "--strict", str(path))[0] == 1


def test_year_option(make_workbook: Make) -> None:
    path = make_workbook()
    assert run("validate", "--year", "2017", str(path))[0] == 1


@pytest.mark.parametrize(
    "args", [["validate", "/no/such/file.xlsx"], ["validate", "--format", "xml", "."]]
)
def test_misuse_exits_2(args: list[str]) -> None:
    assert run(*args)[0] == 2


def test_folder_without_workbooks_exits_2(tmp_path: Path) -> None:
    (tmp_path / "note.txt").write_text("x")
    code, _, err = run("validate", str(tmp_path))
    assert code == 2 and ".xlsx" in err


def test_lock_files_and_other_files_are_skipped(make_workbook: Make, tmp_path: Path) -> None:
    make_workbook()
    (tmp_path / "~$wb0.xlsx").write_bytes(b"lock")
    (tmp_path / "notes.txt").write_bytes(b"x")
    (tmp_path / ".hidden.xlsx").write_bytes(b"x")
    code, out, _ = run("validate", "--format", "json", str(tmp_path))
    assert code == 0 and json.loads(out)["findings"] == []
    [skipped] = json.loads(out)["skipped"]
    assert skipped["file"] == str(tmp_path / "notes.txt")
    assert skipped["reason"] == "không phải biểu báo cáo (.xlsx, .xlsm, .xls hoặc .ods)"
    assert ".xlsx" in skipped["action"]


def test_json_output_equals_the_library_findings(make_workbook: Make, contract: Contract) -> None:
    folder = make_workbook(values={"workers": 1.5, "fdi_new_capital": "4.841,2"}).parent
    code, out, err = run("validate", "--format", "json", str(folder))
    assert code == 1 and err == ""
    expected = json.loads(to_json(validate_paths([folder], contract).report))
    assert json.loads(out) == expected and len(expected["findings"]) == 2


@pytest.mark.parametrize("fmt", ["junit", "github"])
def test_machine_formats_print_only_their_format(make_workbook: Make, fmt: str) -> None:
    code, out, _ = run("validate", "--format", fmt, str(make_workbook(values={"workers": None})))
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith("<?xml") if fmt == "junit" else first.startswith("::error file=")


def test_a_bad_workbook_never_gives_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 this is not a zip")
    result = subprocess.run(
        [sys.executable, "-m", "ipstat", "validate", str(bad)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert "Không đọc được tệp" in result.stdout and "\x1b[" not in result.stdout


def test_validate_does_not_import_pandas(make_workbook: Make) -> None:
    """The promise of DEVELOPERS.md: checking workbooks never waits for pandas to load."""
    path = make_workbook()
    script = (
        "import sys\nfrom ipstat.cli import app\n"
        "try:\n    app(['validate', '--format', 'json', sys.argv[1]])\n"
        "except SystemExit:\n    pass\n"
        "print('pandas' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_template_then_validate(tmp_path: Path) -> None:
    code, _, _ = run(
        "template", "--year", "2016", "--member", "tp. hai phong", "-o", str(tmp_path / "hp.xlsx")
    )
    assert code == 0 and (tmp_path / "hp.xlsx").is_file()
    code, _, _ = run("template", "--year", "2016", "--all", "-o", str(tmp_path / "all"))
    assert code == 0 and len(list((tmp_path / "all").glob("*.xlsx"))) == 11


def test_template_never_overwrites_a_file_unasked(make_workbook: Make, tmp_path: Path) -> None:
    """`template --all -o nhan-ve/2017/` must not blank the members' filled workbooks (QA 7)."""
    folder = tmp_path / "nhan-ve"
    folder.mkdir()
    filled = make_workbook("nhan-ve/bieu-ha-nam-2017.xlsx", year=2017)
    before = filled.read_bytes()
    code, _, err = run("template", "--year", "2017", "--all", "-o", str(folder))
    assert code == 2 and str(filled) in err and "--overwrite" in err
    assert filled.read_bytes() == before and list(folder.iterdir()) == [filled]
    adjustments = tmp_path / "dieu-chinh-2017.xlsx"
    adjustments.write_bytes(b"x")
    code, _, err = run("template", "--adjustments", "--year", "2017", "-o", str(adjustments))
    assert code == 2 and str(adjustments) in err and adjustments.read_bytes() == b"x"
    code, _, _ = run("template", "--year", "2017", "--all", "-o", str(folder), "--overwrite")
    assert code == 0 and filled.read_bytes() != before


def test_template_for_a_non_member_exits_2_and_lists_the_members(tmp_path: Path) -> None:
    code, _, err = run("template", "--year", "2017", "--member", "Lào Cai", "-o", str(tmp_path))
    assert code == 2 and "“Lào Cai” không phải là thành viên của Khối" in err
    assert "Các thành viên: Vĩnh Phúc, Ninh Bình, Hà Nam," in err  # as status and validate say
    code, _, err = run("template", "--year", "2017", "--member", "Ha Nm", "-o", str(tmp_path))
    assert code == 2 and "Có phải là “Hà Nam”?" in err


def test_the_list_of_commands_is_never_cut() -> None:
    """click shortens a description to the width: each command's first sentence is short."""
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "80"}, terminal_width=80)
    listing = result.stdout.split("Lệnh:")[1].strip().splitlines()
    assert len(listing) == 11 and not any(line.rstrip().endswith("...") for line in listing)


def test_schema_table_and_json_schema() -> None:
    code, out, _ = run("schema")
    assert code == 0 and "fdi_new_capital" in out and "triệu USD" in out
    code, out, _ = run("schema", "--format", "json")
    schema = json.loads(out)
    figures = schema["properties"]["figures"]
    assert len(figures["required"]) == 32
    assert figures["properties"]["workers"]["type"] == "integer"
    assert figures["properties"]["fdi_new_capital"] == {
        "title": "Vốn đăng ký của dự án FDI cấp mới",
        "description": "Mục A; đơn vị: triệu USD",
        "type": "number",
        "minimum": 0,
    }


def test_broken_schemas_folder_exits_2(tmp_path: Path) -> None:
    code, _, err = run("validate", "--schemas", str(tmp_path), str(tmp_path))
    assert code == 2 and "form.toml" in err


def test_aggregate_writes_three_files_and_a_summary(tmp_path: Path) -> None:
    sample = Path(__file__).parents[1] / "sample_data" / "2016"
    code, out, _ = run("aggregate", str(sample), "--out", str(tmp_path))
    assert code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bao-cao-2016.md",
        "tong-hop-2016.json",
        "tong-hop-2016.xlsx",
    ]
    assert "11/11" in out and "4.841,2" in out and "bao-cao-2016.md" in out


def test_aggregate_json_prints_only_the_document(tmp_path: Path) -> None:
    sample = Path(__file__).parents[1] / "sample_data" / "2016"
    code, out, err = run("aggregate", str(sample), "--out", str(tmp_path), "--json")
    assert code == 0
    assert json.loads(out)["totals"]["workers"] == 771112
    assert "11/11" in err


def test_aggregate_with_errors_exits_1_and_writes_nothing(
    make_workbook: Make, tmp_path: Path
) -> None:
    path = make_workbook(values={"workers": -1})
    code, out, _ = run("aggregate", str(path), "--out", str(tmp_path / "out"))
    assert code == 1 and "Giá trị âm" in out and "Không ghi tệp nào" in out
    assert not (tmp_path / "out").exists()


def test_report_command(tmp_path: Path) -> None:
    golden = Path(__file__).parent / "golden"
    code, out, _ = run("report", str(golden / "tong-hop-2016.json"))
    assert code == 0 and out == (golden / "bao-cao-2016.md").read_text(encoding="utf-8")
    custom = tmp_path / "t.j2"
    custom.write_text("{{ t.workers | so }} {{ khong_co }}\n", encoding="utf-8")
    code, _, err = run("report", str(golden / "tong-hop-2016.json"), "--template", str(custom))
    assert code == 2 and "t.j2, dòng 1" in err and "khong_co" in err
    code, _, err = run("report", str(custom))
    assert code == 2 and "không phải là tệp tổng hợp JSON" in err


def test_an_output_path_that_cannot_be_written_is_a_message(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    code, _, err = run("template", "--year", "2016", "-o", str(folder))
    assert code == 2 and "Không ghi được" in err and str(folder) in err
    sample = Path(__file__).parents[1] / "sample_data" / "2016"
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run("aggregate", str(sample), "--out", str(blocker / "out"))
    assert code == 2 and "Không ghi được" in err


def test_the_command_line_freezes_its_imports_and_collects_as_usual() -> None:
    script = (
        "import gc, sys\nusual = gc.get_threshold()\nfrom ipstat import cli\n"
        "sys.argv = ['ipstat', '--help']\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "print(gc.get_threshold() == usual, gc.isenabled(), gc.get_freeze_count() > 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "True True True"


@pytest.mark.parametrize("content", [b"x", b"[1]", b"\xc2\x00PK"])
def test_report_of_a_file_that_is_not_a_document(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bieu.json"
    path.write_bytes(content)
    code, out, err = run("report", str(path))
    assert code == 2 and out == ""
    assert err == (
        f"ipstat: {path} không phải là tệp tổng hợp JSON do `ipstat aggregate` ghi "
        "(tong-hop-<năm>.json); hãy chọn đúng tệp đó.\n"
    )


def test_o_is_short_for_out_in_every_command_that_writes_a_folder(tmp_path: Path) -> None:
    """`template`/`report` take `-o`; so do `aggregate`, `score` and `history` (QA 20)."""
    sample = Path(__file__).parents[1] / "sample_data" / "2016"
    code, _, _ = run("aggregate", str(sample), "-o", str(tmp_path / "kq"))
    assert code == 0 and (tmp_path / "kq" / "tong-hop-2016.json").is_file()
    code, _, err = run("history", str(tmp_path / "kq"), "-o", str(tmp_path / "ls"))
    assert code == 0, err
    assert list((tmp_path / "ls").iterdir())
    for command in ("score", "history", "aggregate"):
        assert "-o, --out" in run(command, "--help")[1]


def test_template_writes_every_form_or_none(tmp_path: Path) -> None:
    """A folder standing where one form goes: no other form of the set is left behind."""
    out = tmp_path / "bieu"
    (out / "bieu-ha-nam-2017.xlsx").mkdir(parents=True)
    code, _, err = run("template", "--year", "2017", "--all", "-o", str(out))
    assert code == 2 and "bieu-ha-nam-2017.xlsx" in err
    assert [p.name for p in out.iterdir()] == ["bieu-ha-nam-2017.xlsx"]


@pytest.mark.parametrize("extra", [["--member", "Hà Nam"], ["--all"]])
def test_the_adjustments_sheet_is_one_for_the_bloc(tmp_path: Path, extra: list[str]) -> None:
    code, _, err = run("template", "--adjustments", "--year", "2017", *extra, "-o", str(tmp_path))
    assert code == 2 and "cả Khối" in err
    assert list(tmp_path.iterdir()) == []
