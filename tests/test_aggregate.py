"""Exact sums, derived ratios, and the rules across the bloc."""

import shutil
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ipstat.base.formatting import format_number
from ipstat.bloc.totals import aggregate_paths, derive, sum_members
from ipstat.contract.model import Contract

Make = Callable[..., Path]
CODES = ["a", "b"]

money = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)
members = st.dictionaries(
    st.text(alphabet="abcdefghij", min_size=1, max_size=6),
    st.fixed_dictionaries({"a": money, "b": money}),
    min_size=1,
    max_size=12,
)


@given(members, st.randoms())
def test_totals_are_the_exact_sum_in_any_order(data: dict[str, dict[str, Decimal]], rnd) -> None:
    names = list(data)
    rnd.shuffle(names)
    shuffled = {name: data[name] for name in names}
    totals = sum_members(shuffled, CODES)
    for code in CODES:
        assert totals[code] == sum((v[code] for v in data.values()), Decimal(0))
        assert isinstance(totals[code], Decimal)


@given(members, st.data())
def test_splitting_a_member_in_two_never_changes_a_total(
    data: dict[str, dict[str, Decimal]], draw
) -> None:
    name = draw.draw(st.sampled_from(sorted(data)))
    whole = data[name]
    part = {
        code: draw.draw(st.decimals(min_value=0, max_value=whole[code], places=2)) for code in CODES
    }
    split = {k: v for k, v in data.items() if k != name}
    split[name + "#1"] = part
    split[name + "#2"] = {code: whole[code] - part[code] for code in CODES}
    assert sum_members(split, CODES) == sum_members(data, CODES)


def test_float_sum_would_round_the_other_way() -> None:
    parts = {"x": {"a": Decimal("5000.15")}, "y": {"a": Decimal("207.3")}}
    assert f"{5000.15 + 207.3:.1f}" == "5207.4"  # what a float pipeline would print
    total = sum_members(parts, ["a"])["a"]
    assert total == Decimal("5207.45")
    assert format_number(total) == "5.207,5"


def test_ratios_are_ratios_of_sums(contract: Contract) -> None:
    totals = {i.code: Decimal(1) for i in contract.form.indicators}
    totals.update(
        fdi_disbursed_total=Decimal("23255.3"),
        fdi_registered_capital=Decimal("41552.9"),
        ddi_disbursed_total=Decimal(5),
        ddi_registered_capital=Decimal(0),
        fdi_new_projects=Decimal(257),
        ddi_new_projects=Decimal(118),
    )
    derived = derive(totals, contract)
    assert derived["new_projects_total"] == 375
    assert derived["fdi_disbursed_ratio"] == Decimal("55.965528")
    assert derived["ddi_disbursed_ratio"] is None


def test_clean_bloc_aggregates(make_workbook: Make, contract: Contract) -> None:
    make_workbook(member="Hà Nam")
    path = make_workbook(member="Hà Nội", values={"workers": 100})
    run = aggregate_paths([path.parent], contract)
    assert run.aggregate is not None
    agg = run.aggregate
    assert agg.year == 2016
    assert agg.members == ["Hà Nam", "Hà Nội"]
    assert agg.totals["workers"] == 34800
    assert len(agg.missing) == 9
    missing = [f for f in run.validation.report.bloc_findings if f.rule == "missing-member"]
    assert len(missing) == 9 and all(f.severity == "warning" for f in missing)


def test_duplicate_member_names_both_files(make_workbook: Make, contract: Contract) -> None:
    first = make_workbook("ha-nam-1.xlsx", member="Hà Nam")
    make_workbook("ha-nam-2.xlsx", member="tỉnh Hà Nam")
    run = aggregate_paths([first.parent], contract)
    assert run.aggregate is None
    [finding] = [f for f in run.validation.report.bloc_findings if f.rule == "duplicate-member"]
    assert finding.severity == "error"
    assert "ha-nam-1.xlsx" in finding.message and "ha-nam-2.xlsx" in finding.message


def test_non_member_is_an_error(make_workbook: Make, contract: Contract) -> None:
    path = make_workbook(member="Bắc Giang")
    run = aggregate_paths([path], contract)
    assert run.aggregate is None
    assert [f.rule for f in run.validation.report.errors] == ["unknown-member"]


def test_mixed_years(make_workbook: Make, contract: Contract) -> None:
    make_workbook("a.xlsx", member="Hà Nam", year=2016)
    path = make_workbook("b.xlsx", member="Hà Nội", year=2017)
    run = aggregate_paths([path.parent], contract)
    assert run.aggregate is None
    [finding] = run.validation.report.errors
    assert (
        finding.rule == "mixed-years"
        and "a.xlsx" in finding.message
        and "b.xlsx" in finding.message
    )


def test_year_option_that_does_not_match(make_workbook: Make, contract: Contract) -> None:
    run = aggregate_paths([make_workbook()], contract, year=2017)
    assert run.aggregate is None
    assert [f.rule for f in run.validation.report.errors] == ["year-mismatch"]


def test_any_workbook_error_stops_aggregation(make_workbook: Make, contract: Contract) -> None:
    make_workbook(member="Hà Nam")
    path = make_workbook(member="Hà Nội", values={"workers": None})
    run = aggregate_paths([path.parent], contract)
    assert run.aggregate is None


def test_sample_data_sums_to_the_published_totals(contract: Contract, tmp_path: Path) -> None:
    folder = shutil.copytree(Path(__file__).parents[1] / "sample_data" / "2016", tmp_path / "s")
    run = aggregate_paths([folder], contract)
    assert run.validation.report.errors == [] and run.validation.report.warnings == []
    assert run.aggregate is not None
    assert run.aggregate.totals["fdi_new_capital"] == Decimal("4841.2")
    assert run.aggregate.totals["workers"] == 771112
    assert run.aggregate.missing == []


def test_sources_hash_the_bytes_that_were_validated(
    make_workbook: Make, contract: Contract
) -> None:
    import hashlib

    path = make_workbook()
    run = aggregate_paths([path], contract)
    assert run.aggregate is not None
    [source] = run.aggregate.sources
    assert source.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
