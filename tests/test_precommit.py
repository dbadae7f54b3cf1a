"""The pre-commit hook runs `ipstat validate` on the staged workbooks, as pre-commit calls it."""

import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

HOOKS = Path(__file__).parents[1] / ".pre-commit-hooks.yaml"


def hook() -> dict[str, Any]:
    [entry] = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    return dict(entry)


def test_hook_declaration() -> None:
    entry = hook()
    assert entry["id"] == "ipstat-validate"
    assert entry["language"] == "python"
    assert entry["entry"] == "ipstat validate"
    assert re.search(entry["files"], "nop/2017/bieu-ha-nam.xlsx")
    assert re.search(entry["exclude"], "nop/2017/~$bieu-ha-nam.xlsx")
    assert not re.search(entry["files"], "ghi-chu.docx")


def run_hook(*files: Path) -> subprocess.CompletedProcess[str]:
    program, *args = shlex.split(hook()["entry"])
    assert program == "ipstat"
    command = [sys.executable, "-m", "ipstat", *args, *map(str, files)]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_hook_passes_good_and_fails_bad_workbooks(make_workbook: Callable[..., Path]) -> None:
    good = make_workbook()
    bad = make_workbook(values={"workers": -1})
    assert run_hook(good).returncode == 0
    failed = run_hook(good, bad)
    assert failed.returncode == 1 and "negative-value" in failed.stdout
