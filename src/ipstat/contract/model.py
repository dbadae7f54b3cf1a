"""The data contract (`schemas/`) as checked values: a typo there fails at start, not in a total.

The types are frozen stdlib dataclasses; pydantic loads and checks them from the TOML files
(`checked.py`), and each type's `__post_init__` checks what one field alone cannot. Importing
pydantic costs more than validating all the workbooks of a bloc, so it is imported only when
a contract is not already in the cache of checked contracts.
"""

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ipstat.base.findings import Vocabulary
from ipstat.base.resources import data_dir
from ipstat.contract import cache as contract_cache
from ipstat.contract.blocs import DEFAULT_BLOC, Bloc
from ipstat.contract.catalogue import Form, Units
from ipstat.contract.checked import Checked, ContractError, checked, parse_toml, read_schema
from ipstat.contract.ruleset import Rules, Severity, YearOverYear


@dataclass(frozen=True, kw_only=True)
class Contract(Checked):
    form: Form
    units: Units
    rules: Rules
    comparison: YearOverYear
    bloc: Bloc
    bloc_file: str = ""  # where the bloc was read from: errors about it name the file to edit
    folder: str = ""  # the schemas folder it was read from, where the other data files are

    def __post_init__(self) -> None:
        known = self.form.by_code
        for ind in self.form.indicators:
            if ind.kind != "count" and self.units.dimension_of(ind.unit) is None:
                raise ValueError(
                    f"Chỉ tiêu “{ind.code}”: đơn vị “{ind.unit}” không có trong units.toml"
                )
        for check in self.rules.checks:
            for code in check.codes:
                if code not in known:
                    raise ValueError(f"Phép kiểm tra “{check.rule}”: không có chỉ tiêu “{code}”")
        comparison = self.comparison
        for code in (*comparison.headline, *comparison.cumulative, *comparison.flows):
            if code not in known:
                raise ValueError(f"comparison.toml: không có chỉ tiêu “{code}”")

    def severity(self, rule: str) -> Severity:
        return self.rules.rules[rule].severity

    @cached_property
    def vocabulary(self) -> Vocabulary:
        """The names people read for the codes of the form, and the rules' titles."""
        form = self.form
        names = {f.code: f.label for f in form.info_fields}
        names.update((i.code, i.label) for i in form.indicators)
        names.update((d.code, d.label) for d in form.derived)
        titles = {rule: spec.title for rule, spec in self.rules.rules.items()}
        return Vocabulary(names, titles)


def bloc_path(bloc: str | Path | None, schemas: Path) -> Path:
    """A bloc given by id (`dbsh-2016`) is a file under `schemas/blocs/`; otherwise it is a path."""
    if bloc is None:
        return schemas / "blocs" / f"{DEFAULT_BLOC}.toml"
    candidate = schemas / "blocs" / f"{bloc}.toml"
    if isinstance(bloc, str) and "/" not in bloc and candidate.is_file():
        return candidate
    if not Path(bloc).is_file():
        known = sorted(path.stem for path in (schemas / "blocs").glob("*.toml"))
        raise ContractError(
            f"Không có Khối “{bloc}”. Các Khối có sẵn: {', '.join(known) or '(không có)'}; "
            "hoặc ghi đường dẫn đến một tệp .toml."
        )
    return Path(bloc)


def load_contract(schemas: Path | None = None, bloc: str | Path | None = None) -> Contract:
    """Read and check `schemas/` (or another folder of the same layout) and a bloc.

    Checking builds pydantic's validators, which costs more than reading all the workbooks;
    a contract already checked is taken from a cache keyed by the files' exact bytes.
    """
    folder = schemas or data_dir("schemas")
    parts = {
        "form": folder / "form.toml",
        "units": folder / "units.toml",
        "rules": folder / "rules.toml",
        "comparison": folder / "comparison.toml",
        "bloc": bloc_path(bloc, folder),
    }
    contents = {name: read_schema(path) for name, path in parts.items()}
    # The checked types are defined across the package: an edit to any of them misses the cache.
    sources = [p.read_bytes() for p in sorted(Path(__file__).parent.glob("*.py"))]
    where = f"{parts['bloc']}\n{folder}".encode("utf-8", "surrogateescape")
    key = contract_cache.key([*contents.values(), where, *sources], Path(__file__))
    cached = contract_cache.get(key, Contract)
    if cached is not None:
        return cached
    raw: dict[str, Any] = {
        name: parse_toml(parts[name], content) for name, content in contents.items()
    }
    raw["bloc_file"], raw["folder"] = str(parts["bloc"]), str(folder)
    contract = _check(raw, folder)
    contract_cache.put(key, contract)
    return contract


def _check(raw: dict[str, Any], folder: Path) -> Contract:
    return checked(Contract, raw, f"Bộ quy ước trong {folder}")
