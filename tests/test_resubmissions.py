"""Resubmissions in `aggregate`: the duplicate names the latest; `--latest` uses it."""

import datetime as dt
import os
import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ipstat.bloc.totals import aggregate_paths
from ipstat.commands.aggregate import publish
from ipstat.commands.status import track
from ipstat.contract.model import Contract

Make = Callable[..., Path]


def set_mtime(path: Path, at: dt.datetime) -> None:
    os.utime(path, (at.timestamp(), at.timestamp()))


@pytest.fixture
def resent(make_workbook: Make, tmp_path: Path) -> Path:
    """Hà Nam sent a workbook with an error, then a corrected one; Bắc Ninh sent once."""
    folder = tmp_path / "nhan-ve"
    folder.mkdir()
    first = make_workbook("nhan-ve/ha-nam.xlsx", values={"workers": -1})
    second = make_workbook("nhan-ve/ha-nam (1).xlsx", values={"workers": 35000})
    other = make_workbook("nhan-ve/bac-ninh.xlsx", member="Bắc Ninh")
    set_mtime(first, dt.datetime(2017, 1, 15, 9, 30))
    set_mtime(second, dt.datetime(2017, 1, 18, 14, 5))
    set_mtime(other, dt.datetime(2017, 1, 16, 8, 0))
    return folder


def test_duplicate_names_the_version_received_last(resent: Path, contract: Contract) -> None:
    run = aggregate_paths([resent], contract)
    assert run.aggregate is None
    duplicate = next(f for f in run.validation.report.bloc_findings if f.rule == "duplicate-member")
    assert "tệp nhận sau cùng là “ha-nam (1).xlsx”" in duplicate.message
    assert "“ha-nam.xlsx” (nhận 15/01/2017 09:30)" in duplicate.message
    assert "--latest" in duplicate.message
    assert duplicate.file.endswith("ha-nam (1).xlsx")


def test_the_ledger_decides_which_is_latest(resent: Path, contract: Contract) -> None:
    track(resent, contract)
    set_mtime(resent / "ha-nam.xlsx", dt.datetime(2017, 2, 1))  # touched after it was recorded
    run = aggregate_paths([resent], contract)
    duplicate = next(f for f in run.validation.report.bloc_findings if f.rule == "duplicate-member")
    assert "tệp nhận sau cùng là “ha-nam (1).xlsx”" in duplicate.message
    latest = aggregate_paths([resent], contract, latest=True).aggregate
    assert latest is not None and latest.provinces["Hà Nam"]["workers"] == 35000


def test_identical_copies_are_still_refused_by_default(
    make_workbook: Make, contract: Contract
) -> None:
    path = make_workbook("a.xlsx")
    shutil.copyfile(path, path.with_name("b.xlsx"))
    run = aggregate_paths([path.parent], contract)
    assert run.aggregate is None
    assert any("cùng một nội dung" in f.message for f in run.validation.report.errors)
    kept = aggregate_paths([path.parent], contract, latest=True)
    assert kept.aggregate is not None and kept.aggregate.members == ["Hà Nam"]


def test_latest_uses_the_version_in_force_and_lists_the_others(
    resent: Path, contract: Contract, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    published = publish([resent], contract, out=tmp_path / "out", latest=True)
    assert published.document is not None
    assert published.document["provinces"]["Hà Nam"]["workers"] == 35000
    assert [s["file"] for s in published.document["superseded"]] == ["ha-nam.xlsx"]
    warnings = [
        w for w in published.run.validation.report.warnings if w.rule == "superseded-version"
    ]
    assert len(warnings) == 1 and "“ha-nam (1).xlsx”" in warnings[0].message
    assert [r.path.name for r in published.run.validation.report.files] == [
        "bac-ninh.xlsx",
        "ha-nam (1).xlsx",
    ]  # the error of the older version no longer stops the aggregate
    sheet = load_workbook(tmp_path / "out" / "tong-hop-2016.xlsx")["Nguồn"]
    rows = list(sheet.iter_rows(values_only=True))
    left_out = next(i for i, row in enumerate(rows) if "không tổng hợp" in str(row[0]))
    assert rows[left_out + 2][:5] == (
        "ha-nam.xlsx",
        published.document["superseded"][0]["sha256"],
        "Hà Nam",
        "15/01/2017 09:30",
        "ha-nam (1).xlsx",
    )


def test_latest_still_refuses_a_file_naming_no_member(
    resent: Path, make_workbook: Make, contract: Contract
) -> None:
    make_workbook("nhan-ve/lao-cai.xlsx", member="Lào Cai")
    run = aggregate_paths([resent], contract, latest=True)
    assert run.aggregate is None
    assert [f.rule for f in run.validation.report.errors] == ["unknown-member"]


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(st.sampled_from(["Hà Nam", "Bắc Ninh", "Hải Phòng"]), st.integers(1, 99_999)),
        min_size=1,
        max_size=6,
    )
)
def test_latest_totals_are_the_sum_of_the_versions_in_force(
    make_workbook: Make, contract: Contract, tmp_path_factory: pytest.TempPathFactory, sent
) -> None:
    folder = tmp_path_factory.mktemp("nhan-ve")
    in_force: dict[str, int] = {}
    for index, (name, workers) in enumerate(sent):
        path = make_workbook(values={"workers": workers}, member=name)
        target = folder / f"{index}.xlsx"
        shutil.move(path, target)
        set_mtime(target, dt.datetime(2017, 1, 1) + dt.timedelta(hours=index))
        in_force[name] = workers
    aggregate = aggregate_paths([folder], contract, latest=True).aggregate
    assert aggregate is not None
    assert aggregate.totals["workers"] == Decimal(sum(in_force.values()))
    assert sorted(aggregate.members) == sorted(in_force)
    assert len(aggregate.superseded) == len(sent) - len(in_force)
