"""The pre-commit hook runs `ipstat validate` on the staged workbooks, as pre-commit calls it."""

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).parents[1]
HOOKS = ROOT / ".pre-commit-hooks.yaml"


def hook() -> dict[str, Any]:
    [entry] = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    return dict(entry)


def test_hook_declaration() -> None:
    entry = hook()
    assert entry["id"] == "ipstat-validate"
    assert entry["language"] == "python"
    assert entry["entry"] == "ipstat validate"
    assert re.search(entry["files"], "nop/2017/bieu-ha-nam.xlsx")
    assert re.search(entry["files"], "nop/2017/bieu-ha-noi.xls")
    assert re.search(entry["files"], "nop/2017/bieu-nam-dinh.ods")
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
    assert failed.returncode == 1 and "Giá trị âm" in failed.stdout


def docs_configs() -> list[dict[str, Any]]:
    """The `.pre-commit-config.yaml` examples of the CI users' page (docs/ci/pre-commit.md), as
    pre-commit will read them."""
    page = (ROOT / "docs" / "ci" / "pre-commit.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", page, re.DOTALL)
    configs = [yaml.safe_load(block) for block in blocks]
    return [c for c in configs if isinstance(c, dict) and "repos" in c]


def test_docs_hooks_are_the_repository_hook_and_pin_a_commit() -> None:
    local, remote = (config["repos"][0] for config in docs_configs())
    assert local["repo"] == "local"
    [declared] = local["hooks"]
    assert {k: v for k, v in declared.items() if k not in {"language", "args"}} == {
        k: v for k, v in hook().items() if k not in {"language", "description"}
    }
    assert re.fullmatch(r"[0-9a-f]{40}", remote["rev"]), "a tag that does not exist fails"
    assert remote["hooks"][0]["id"] == hook()["id"]


PRE_COMMIT = shutil.which("pre-commit", path=str(Path(sys.executable).parent))


@pytest.mark.skipif(PRE_COMMIT is None or shutil.which("git") is None, reason="needs pre-commit")
def test_docs_local_hook_through_pre_commit(
    make_workbook: Callable[..., Path], tmp_path: Path
) -> None:
    """pre-commit itself, offline: the docs' config in a repository of workbooks."""
    assert PRE_COMMIT is not None
    repo = tmp_path
    [local] = [c for c in docs_configs() if c["repos"][0]["repo"] == "local"]
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(local), encoding="utf-8")
    good = make_workbook(year=2017)
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
        "PRE_COMMIT_HOME": str(tmp_path / ".cache"),
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

    def pre_commit() -> subprocess.CompletedProcess[str]:
        command = [PRE_COMMIT, "run", "--files", *(p.name for p in repo.glob("*.xlsx"))]
        return subprocess.run(
            command, cwd=repo, env=env, capture_output=True, text=True, check=False
        )

    git("init", "-q")
    git("add", good.name, ".pre-commit-config.yaml")
    passed = pre_commit()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    bad = make_workbook(year=2017, values={"workers": -1})
    git("add", bad.name)
    failed = pre_commit()
    assert failed.returncode == 1 and "Giá trị âm" in failed.stdout, failed.stdout
