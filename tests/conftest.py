"""Workbooks built in code: a valid filled form, and ways to break it one rule at a time."""

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from ipstat.base.findings import Vocabulary
from ipstat.contract.model import Contract, load_contract
from ipstat.outputs.forms import build_form

settings.register_profile("ci", deadline=None, max_examples=200, derandomize=True)
settings.register_profile("dev", deadline=None, max_examples=100)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# One member's figures that pass every rule (Hà Nam-sized).
VALID: dict[str, Any] = {
    "fdi_new_projects": 12,
    "fdi_new_capital": 217.85,
    "ddi_new_projects": 8,
    "ddi_new_capital": 2310.67,
    "fdi_adjusted_projects": 33,
    "ddi_adjusted_projects": 13,
    "fdi_added_capital": 69.76,
    "ddi_added_capital": 683.68,
    "fdi_active_projects": 92,
    "ddi_active_projects": 113,
    "fdi_registered_capital": 1869.88,
    "ddi_registered_capital": 17909.79,
    "fdi_disbursed_year": 106.53,
    "ddi_disbursed_year": 619.45,
    "fdi_disbursed_total": 1046.49,
    "ddi_disbursed_total": 8218.88,
    "zones_planned": 8,
    "zones_planned_area": 2729.71,
    "zones_operating": 5,
    "zones_operating_area": 1083.49,
    "zones_building": 3,
    "zones_building_area": 952.21,
    "zones_with_wwtp": 4,
    "revenue_usd": 2098.96,
    "revenue_vnd": 9091.11,
    "export_usd": 1722.5,
    "export_vnd": 1436.77,
    "import_usd": 1295.96,
    "import_vnd": 1522.68,
    "budget_usd": 64.05,
    "budget_vnd": 477.86,
    "workers": 34700,
}

DELETE = object()


@dataclass
class Spec:
    """What to write: values by code (DELETE drops the row), units, info, and layout changes.
    `period` is the text of the `ky` row of a half-year form; None: a yearly form (no row)."""

    values: dict[str, Any] = field(default_factory=dict)
    units: dict[str, Any] = field(default_factory=dict)
    member: str = "Hà Nam"
    year: Any = 2016
    period: Any = None
    extra_rows: list[list[Any]] = field(default_factory=list)
    edit: Callable[[Any], None] | None = None


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read or write the user's cache of checked contracts."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="session")
def contract() -> Contract:
    return load_contract()


@pytest.fixture(scope="session")
def vocabulary(contract: Contract) -> Vocabulary:
    return contract.vocabulary


@pytest.fixture
def make_workbook(tmp_path: Path, contract: Contract) -> Callable[..., Path]:
    counter = iter(range(10_000))

    def make(name: str | None = None, **kwargs: Any) -> Path:
        spec = Spec(**kwargs)
        book = build_form(contract, 2016, period="nam" if spec.period is None else "6-thang")
        info = book[contract.form.info_sheet.name]
        for row in info.iter_rows():
            if row[0].value == "tinh":
                row[2].value = spec.member
            elif row[0].value == "nam":
                row[2].value = spec.year
            elif row[0].value == "ky":
                row[2].value = spec.period
        sheet = book[contract.form.figures_sheet.name]
        values = {**VALID, **spec.values}
        doomed: list[int] = []
        for row in sheet.iter_rows():
            code = str(row[0].value)
            if code in values:
                if values[code] is DELETE:
                    doomed.append(int(row[0].row or 0))
                    continue
                row[3].value = values[code]
                if code in spec.units:
                    row[2].value = spec.units[code]
        for index in reversed(doomed):
            sheet.delete_rows(index)
        for extra in spec.extra_rows:
            sheet.append(extra)
        if spec.edit is not None:
            spec.edit(book)
        path = tmp_path / (name or f"wb{next(counter)}.xlsx")
        book.save(path)
        return path

    return make


@pytest.fixture(scope="session")
def year_documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every Word document of a year, written once by the commands (`tests/year_documents.py`)."""
    from tests.year_documents import make_year_documents

    return make_year_documents(tmp_path_factory.mktemp("nam"))
