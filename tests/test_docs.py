"""The documentation of docs/: its examples run, its reference is in step with the code and data,
its notebook runs, its schemas describe the real outputs, and the site builds."""

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import jsonschema
import pytest
import yaml

from ipstat.contract.model import load_contract

ROOT = Path(__file__).parents[1]
DOCS = ROOT / "docs"
BIN = Path(sys.executable).parent
EXAMPLES = DOCS / "vi-du"  # inputs the pages' examples use, beside sample_data/


def load_script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the shell examples of the pages -------------------------------------------------------

FENCE = re.compile(r"^(?P<indent> *)```sh\n(?P<body>.*?)^(?P=indent)```", re.MULTILINE | re.DOTALL)
EXIT = re.compile(r"#\s*mã thoát (\d+)")
HEREDOC = re.compile(r"<<-?\s*'?(\w+)'?")


@dataclass(frozen=True)
class Command:
    text: str  # as bash reads it: continuation lines and a heredoc's body included
    exit_status: int  # `# mã thoát N` at the end of the command, else 0


def commands(markdown: str) -> list[Command]:
    """The commands of a page's ```sh blocks, in order."""
    found: list[Command] = []
    for block in FENCE.finditer(markdown):
        indent = len(block["indent"])
        lines = [line[indent:] for line in block["body"].splitlines()]
        i = 0
        while i < len(lines):
            line = lines[i]
            i += 1
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            text = [line]
            while text[-1].rstrip().endswith("\\") and i < len(lines):
                text.append(lines[i])
                i += 1
            status = EXIT.search("\n".join(text))  # on the command's last line, when continued
            heredoc = HEREDOC.search(text[0])
            if heredoc:
                while i < len(lines):
                    text.append(lines[i])
                    i += 1
                    if text[-1].strip() == heredoc[1]:
                        break
            found.append(Command("\n".join(text), int(status[1]) if status else 0))
    return found


def script(steps: list[Command]) -> str:
    """One bash script for a page: each command, then a check of its exit status."""
    parts = ["set -u"]
    for number, step in enumerate(steps, 1):
        parts += [
            f"echo '--- lệnh {number}'",
            step.text,
            f'status=$?; if [ "$status" -ne {step.exit_status} ]; then '
            f'echo "lệnh {number}: mã thoát $status, tài liệu ghi {step.exit_status}" >&2; '
            "exit 99; fi",
        ]
    return "\n".join(parts) + "\n"


def run_page(steps: list[Command], folder: Path) -> subprocess.CompletedProcess[str]:
    """The page's commands in a fresh folder like the source folder: sample_data/ and the
    examples of docs/vi-du/, `ipstat` on PATH."""
    shutil.copytree(ROOT / "sample_data", folder / "sample_data")
    shutil.copytree(EXAMPLES, folder / "docs" / "vi-du")
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(BIN), os.environ.get("PATH", "")]),
        "COLUMNS": "100",
    }
    return subprocess.run(
        ["bash", "-c", script(steps)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )


PAGES = sorted(p for p in DOCS.rglob("*.md") if FENCE.search(p.read_text(encoding="utf-8")))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_the_shell_examples_of_a_page_run(page: Path, tmp_path: Path) -> None:
    steps = commands(page.read_text(encoding="utf-8"))
    assert steps
    done = run_page(steps, tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def test_the_task_pages_have_runnable_examples() -> None:
    """Every page of the year's tasks shows commands that run (the portal's stub aside)."""
    tasks = {
        "bieu-mau.md", "nhan-bieu.md", "kiem-tra.md", "tong-hop.md", "so-ket.md", "thi-dua.md",
        "van-ban.md", "sap-nhap-2025.md", "lich-su.md", "mau-bao-cao.md", "cai-dat.md",
    }  # fmt: skip
    assert tasks <= {p.name for p in PAGES}
    assert sum(len(commands(p.read_text(encoding="utf-8"))) for p in PAGES) >= 50


def test_commands_are_read_as_bash_reads_them() -> None:
    page = (
        "text\n```sh\nipstat a \\\n    --b c   # mã thoát 1: lỗi\n# chú thích\n\n"
        "cat > m.j2 <<'MAU'\n{{ x }}\nMAU\n```\n\n```text\nipstat không-chạy\n```\n"
        "1. bước\n\n    ```sh\n    ipstat d\n    ```\n"
    )
    assert commands(page) == [
        Command("ipstat a \\\n    --b c   # mã thoát 1: lỗi", 1),
        Command("cat > m.j2 <<'MAU'\n{{ x }}\nMAU", 0),
        Command("ipstat d", 0),
    ]


def test_a_command_that_exits_otherwise_than_the_page_says_fails_the_page(tmp_path: Path) -> None:
    steps = commands("```sh\nipstat validate sample_data/2016   # mã thoát 1\n```\n")
    done = run_page(steps, tmp_path)
    assert done.returncode == 99
    assert "lệnh 1: mã thoát 0, tài liệu ghi 1" in done.stderr


# --- the reference, generated ---------------------------------------------------------------


def test_the_reference_pages_are_in_step_with_the_code_and_data() -> None:
    stale = load_script("docs_reference").drifted()
    assert not stale, f"chạy `make reference`: {[str(p.relative_to(ROOT)) for p in stale]}"


def test_the_reference_has_every_command_and_rule() -> None:
    reference = load_script("docs_reference")
    commands_page = (DOCS / "reference" / "lenh.md").read_text(encoding="utf-8")
    names = reference.command_names()
    assert {"template", "pact", "validate", "status", "aggregate", "score"} <= set(names)
    for name in names:
        assert f"## `ipstat {name}` {{#{name}}}" in commands_page
        assert f"Cách dùng: ipstat {name} " in commands_page
    rules_page = (DOCS / "reference" / "quy-tac.md").read_text(encoding="utf-8")
    rules = load_contract().rules.rules
    for rule_id, rule in rules.items():
        assert f"{{#{rule_id}}}" in rules_page
        assert rule.meaning and rule.fix, f"{rule_id}: meaning và fix trong schemas/rules.toml"


def test_a_new_command_is_picked_up_from_the_app() -> None:
    import typer

    from ipstat.cli import app

    def extra() -> None:
        """Một lệnh thêm."""

    reference = load_script("docs_reference")
    app.registered_commands.append(typer.models.CommandInfo(name="them", callback=extra))
    try:
        assert "them" in reference.command_names()
        assert "## `ipstat them` {#them}" in reference.commands_page()
    finally:
        app.registered_commands.pop()


# --- the site ---------------------------------------------------------------------------------


def nav_pages(nav: object) -> set[str]:
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, list):
        return set().union(*(nav_pages(item) for item in nav))
    if isinstance(nav, dict):
        return set().union(*(nav_pages(item) for item in nav.values()))
    return set()


def test_every_page_is_in_the_navigation() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    pages = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")}
    assert nav_pages(config["nav"]) == pages
    assert (DOCS / "portal.md").is_file()


MKDOCS = shutil.which("mkdocs", path=str(BIN))


@pytest.mark.skipif(MKDOCS is None, reason="needs the docs extra (mkdocs, mkdocs-material)")
def test_the_site_builds_without_a_warning(tmp_path: Path) -> None:
    assert MKDOCS is not None
    done = subprocess.run(
        [MKDOCS, "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "WARNING" not in done.stderr
    assert (tmp_path / "site" / "reference" / "quy-tac.html").is_file()
    search = json.loads((tmp_path / "site" / "search" / "search_index.json").read_text("utf-8"))
    assert search["config"]["lang"] == ["vi"]


# --- the analysts' notebook, the machine formats ----------------------------------------------


def test_the_analysts_notebook_runs(tmp_path: Path) -> None:
    notebook = DOCS / "phan-tich" / "so-tay-phan-tich.ipynb"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
         "--nbmake", str(notebook)],
        cwd=notebook.parent,
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "1 passed" in done.stdout


def schema(name: str) -> jsonschema.Draft202012Validator:
    found = json.loads((DOCS / "ci" / "schemas" / name).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(found)
    return jsonschema.Draft202012Validator(found)


def ipstat(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ipstat", *args], cwd=cwd, capture_output=True, text=True,
        encoding="utf-8", check=False,
    )  # fmt: skip


def test_validate_json_is_as_its_schema_says(tmp_path: Path) -> None:
    (tmp_path / "ghi-chu.docx").write_bytes(b"not a workbook")
    shutil.copy(EXAMPLES / "bieu-ha-nam-2016-co-loi.xlsx", tmp_path)
    done = ipstat("validate", "--format", "json", str(tmp_path))
    assert done.returncode == 1
    document = json.loads(done.stdout)
    schema("validate.schema.json").validate(document)
    assert {f["severity"] for f in document["findings"]} == {"error", "warning", "note"}
    assert document["skipped"]
    with pytest.raises(jsonschema.ValidationError):
        schema("validate.schema.json").validate({"findings": [{"rule": "x"}], "skipped": []})


def test_status_json_is_as_its_schema_says(tmp_path: Path) -> None:
    inbox = tmp_path / "nhan-ve"
    shutil.copytree(ROOT / "sample_data" / "2016", inbox)
    (inbox / "bieu-ha-noi-2016.xlsx").unlink()
    shutil.copy(EXAMPLES / "bieu-ha-nam-2016-co-loi.xlsx", inbox / "bieu-ha-nam-2016.xlsx")
    done = ipstat("status", str(inbox), "--format", "json")
    assert done.returncode == 1
    document = json.loads(done.stdout)
    schema("status.schema.json").validate(document)
    assert {m["status"] for m in document["members"]} == {"chua-nop", "can-sua", "da-tiep-nhan"}


def test_the_submission_schema_is_the_commands() -> None:
    done = ipstat("schema", "--format", "json")
    assert json.loads(done.stdout) == json.loads(
        (DOCS / "ci" / "schemas" / "bieu-bao-cao.schema.json").read_text(encoding="utf-8")
    )


# --- the README, two screens ------------------------------------------------------------------


def test_the_readme_is_two_screens_and_points_to_the_site() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 80
    for needed in ("make demo", "make test", "pipx install", "make docs", "site/index.html"):
        assert needed in readme
    for link in re.findall(r"\]\((docs/[^)#]+)", readme):
        assert (ROOT / link).is_file(), link
