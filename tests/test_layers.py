"""The package's floors: a module imports only from its own floor or the floors below."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "ipstat"
# Lowest first; the modules at the package's top level (errors, resources) are below everything,
# publish and cli above everything.
FLOORS = ["contract", "reading", "checks", "bloc", "outputs"]
BASE = {"errors", "resources", "imports", "ahead", "__init__"}


def floor(module: str) -> int:
    parts = module.split(".")
    if len(parts) > 1 and parts[1] in FLOORS:
        return FLOORS.index(parts[1]) + 1
    return 0 if len(parts) < 2 or parts[1] in BASE else len(FLOORS) + 1


def imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ipstat"):
            names = [f"{node.module}.{a.name}" for a in node.names]
            found.extend(names if node.module == "ipstat" else [node.module])
        elif isinstance(node, ast.Import):
            found.extend(a.name for a in node.names if a.name.startswith("ipstat"))
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_import_points_up(path: Path) -> None:
    module = ".".join(("ipstat", *path.relative_to(PACKAGE).with_suffix("").parts))
    upward = [name for name in imports(path) if floor(name) > floor(module)]
    assert upward == [], f"{module} imports from a higher floor: {upward}"


def test_floors_exist() -> None:
    for name in FLOORS:
        assert (PACKAGE / name / "__init__.py").is_file()
