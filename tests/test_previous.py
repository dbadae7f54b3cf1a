"""Last year's figures: `jump-vs-previous` at the factor of comparison.toml, and the locked
`Năm trước` column of `template --previous`."""

import datetime as dt
import json
import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from ipstat.bloc.compare import read_last_year
from ipstat.bloc.totals import aggregate_paths
from ipstat.checks.validation import validate_paths
from ipstat.cli import app
from ipstat.commands.status import track
from ipstat.contract.model import Contract, load_contract
from ipstat.outputs.forms import PREVIOUS_TITLE, build_form
from ipstat.reading.submission import read_submission
from tests.conftest import VALID

Make = Callable[..., Path]
runner = CliRunner()


def last_year_document(
    folder: Path, provinces: dict[str, dict[str, Any]], year: int = 2015
) -> Path:
    """The parts of an aggregate document that `--previous` reads."""
    path = folder / f"tong-hop-{year}.json"
    document = {
        "year": year,
        "bloc": {"id": "dbsh-2016", "name": "Khối", "region": ""},
        "members": list(provinces),
        "missing": [],
        "totals": {},
        "derived": {},
        "provinces": provinces,
        "indicators": [],
    }
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def last_year(tmp_path: Path) -> Path:
    return last_year_document(tmp_path, {"Hà Nam": {"fdi_new_capital": 100, "workers": 30000}})


def jumps(path: Path, contract: Contract, previous: Path) -> list[str]:
    validation = validate_paths(
        [path], contract, None, last_year=read_last_year(previous, contract)
    )
    return [f.message for f in validation.report.files[0].findings if f.rule == "jump-vs-previous"]


@pytest.mark.parametrize(
    ("capital", "fires"),
    [
        ("500.01", True),  # just over 5 times
        ("500", False),  # exactly 5 times: not more than the factor
        ("20", False),  # exactly a fifth
        ("19.99", True),  # just under a fifth
        ("100", False),
    ],
)
def test_jump_fires_beyond_the_factor_and_not_at_it(
    make_workbook: Make, contract: Contract, last_year: Path, capital: str, fires: bool
) -> None:
    path = make_workbook(values={"fdi_new_capital": float(capital)})
    found = jumps(path, contract, last_year)
    assert len(found) == (1 if fires else 0), found


def test_jump_message_names_both_values_and_the_cell(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    previous = last_year_document(tmp_path, {"Hà Nam": {"fdi_new_capital": "478.2"}}, 2016)
    path = make_workbook(values={"fdi_new_capital": 4350})
    submission, _ = read_submission(path, contract)
    assert submission is not None
    cell = submission.figures["fdi_new_capital"].cell
    assert jumps(path, contract, previous) == [
        f"Ô {cell} (fdi_new_capital): 4.350 gấp 9,1 lần năm 2016 (478,2); hãy kiểm tra đơn vị tính."
    ]
    small = make_workbook(values={"fdi_new_capital": 4.35})
    assert "thấp hơn 109,9 lần so với năm 2016" in jumps(small, contract, previous)[0]


def test_the_factor_is_data(
    make_workbook: Make, contract: Contract, last_year: Path, tmp_path: Path
) -> None:
    schemas = tmp_path / "schemas"
    shipped = Path(__file__).resolve().parents[1] / "schemas"
    for source in shipped.rglob("*.toml"):
        target = schemas / source.relative_to(shipped)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = source.read_text(encoding="utf-8")
        target.write_text(text.replace('jump_factor = "5"', 'jump_factor = "2"'), encoding="utf-8")
    loose = load_contract(schemas)
    path = make_workbook(values={"fdi_new_capital": 300})
    assert jumps(path, contract, last_year) == []
    assert len(jumps(path, loose, last_year)) == 1


def test_zero_and_unknown_figures_are_not_compared(
    make_workbook: Make, contract: Contract, tmp_path: Path
) -> None:
    previous = last_year_document(
        tmp_path, {"Hà Nam": {"fdi_new_capital": 0, "ddi_new_capital": 1}}
    )
    path = make_workbook(
        values={"fdi_new_capital": 900, "ddi_new_capital": 0, "fdi_new_projects": 12}
    )
    assert jumps(path, contract, previous) == []


def test_merged_members_compare_with_the_sum_of_their_units(
    make_workbook: Make, tmp_path: Path
) -> None:
    bloc_2025 = load_contract(bloc="dbsh-2025")
    previous = last_year_document(
        tmp_path,
        {
            "Hà Nam": {"workers": 30000},
            "Nam Định": {"workers": 30000},
            "Ninh Bình": {"workers": 30000},
            "Vĩnh Phúc": {"workers": 1000},
        },
        2024,
    )
    merged = make_workbook(member="Ninh Bình", year=2025, values={"workers": 400_000})
    assert jumps(merged, bloc_2025, previous) == []  # 4.4 times the sum, not 13 times one unit
    absorbed = make_workbook(member="Phú Thọ", year=2025, values={"workers": 400_000})
    assert jumps(absorbed, bloc_2025, previous) == []  # took in Hòa Bình: not like with like


def test_previous_in_validate_status_and_aggregate(
    make_workbook: Make, contract: Contract, last_year: Path, tmp_path: Path
) -> None:
    inbox = tmp_path / "nhan-ve"
    inbox.mkdir()
    path = make_workbook("nhan-ve/ha-nam.xlsx", values={"workers": 34_700_000})
    result = runner.invoke(app, ["validate", str(path), "--previous", str(last_year)])
    assert (
        result.exit_code == 0 and "Số liệu chênh lệch bất thường so với năm trước" in result.stdout
    )
    stamp = dt.datetime(2017, 1, 10).timestamp()
    os.utime(path, (stamp, stamp))
    status = track(inbox, contract, previous=last_year).status
    entry = next(m for m in status.members if m.member.name == "Hà Nam")
    assert entry.status == "da-tiep-nhan" and entry.version is not None
    assert entry.version.counts[:2] == (0, 1)
    run = aggregate_paths([inbox], contract, last_year=read_last_year(last_year, contract))
    assert run.aggregate is not None
    assert [w.rule for w in run.aggregate.warnings if w.file == str(path)] == ["jump-vs-previous"]
    bad = runner.invoke(app, ["validate", str(path), "--previous", str(path)])
    assert bad.exit_code == 2 and "không phải là tệp tổng hợp JSON" in bad.stderr


def test_template_shows_last_years_figures_in_a_locked_column(
    contract: Contract, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    previous = last_year_document(
        tmp_path, {"Hà Nam": {"fdi_new_capital": "478.2", "workers": 30000}}
    )
    result = runner.invoke(
        app,
        [
            "template",
            "--year",
            "2017",
            "--all",
            "-o",
            str(tmp_path / "bieu"),
            "--previous",
            str(previous),
        ],
    )
    assert result.exit_code == 0, result.output
    sheet = load_workbook(tmp_path / "bieu" / "bieu-ha-nam-2017.xlsx")["Chỉ tiêu"]
    header = [c.value for c in sheet[4]]
    assert header == ["Mã", "Chỉ tiêu", "Đơn vị tính", "Giá trị", PREVIOUS_TITLE, "Ghi chú"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=5)}
    assert rows["fdi_new_capital"][4].value == pytest.approx(478.2)
    assert rows["workers"][4].value == 30000
    assert rows["fdi_new_projects"][4].value is None
    assert rows["workers"][4].protection.locked and not rows["workers"][3].protection.locked
    assert not rows["workers"][5].protection.locked  # Ghi chú stays open
    assert sheet.protection.sheet
    other = load_workbook(tmp_path / "bieu" / "bieu-bac-ninh-2017.xlsx")["Chỉ tiêu"]
    assert [row[4].value for row in other.iter_rows(min_row=5)] == [None] * (other.max_row - 4)


def test_the_reader_ignores_the_previous_column(contract: Contract, tmp_path: Path) -> None:
    member = contract.bloc.members[2]
    book = build_form(contract, 2016, member, previous={"workers": Decimal(1)})
    sheet = book[contract.form.figures_sheet.name]
    for row in sheet.iter_rows(min_row=5):
        if row[0].value in VALID:
            row[3].value = VALID[str(row[0].value)]
    path = tmp_path / "filled.xlsx"
    book.save(path)
    submission, findings = read_submission(path, contract)
    assert findings == [] and submission is not None
    assert submission.figures["workers"].value == VALID["workers"]


def test_template_previous_needs_a_member(tmp_path: Path, last_year: Path) -> None:
    result = runner.invoke(app, ["template", "--year", "2017", "--previous", str(last_year)])
    assert result.exit_code == 2 and "--member" in result.stderr


def test_previous_column_shows_one_number_of_decimals(contract: Contract, tmp_path: Path) -> None:
    """`Giá trị`'s free format would print 231,19 above 2.452,1 and 35: the printed column's
    decimal commas would not line up."""
    from openpyxl import load_workbook

    figures = {"fdi_new_capital": "231.19", "ddi_new_capital": "2452.1", "zones_planned_area": 3}
    previous = last_year_document(tmp_path, {"Hà Nam": {**figures, "workers": 30000}})
    args = ["template", "--year", "2017", "--member", "Hà Nam", "-o", str(tmp_path / "b.xlsx")]
    assert runner.invoke(app, [*args, "--previous", str(previous)]).exit_code == 0
    sheet = load_workbook(tmp_path / "b.xlsx")["Chỉ tiêu"]
    rows = {row[0].value: row[4] for row in sheet.iter_rows(min_row=5)}
    decimal = [*figures, "fdi_added_capital"]  # the last one absent last year
    assert {rows[code].number_format for code in decimal} == {"#,##0.00"}
    assert {rows[c].number_format for c in ("workers", "fdi_new_projects")} == {"#,##0"}
