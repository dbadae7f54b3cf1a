"""Scoring by the table: each method at its edges, rounding, ranks, the award walk."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ipstat.bloc.scoring import (
    MemberScore,
    divide_half_up,
    growth_points,
    plan_points,
    propose_awards,
    round_points,
    score_members,
    shared_ranks,
)
from ipstat.contract.model import Contract
from ipstat.contract.scoring_table import Award, Criterion, Group, ScoringTable
from ipstat.reading.located import Figure, Submission

D = Decimal
PLAN = Criterion(
    code="I.1", group="I", label="Vốn FDI", max=D(10), method="plan",
    indicator="fdi_new_capital", bonus_step=D(10), bonus_points=D("0.5"), bonus_max=D(2),
)  # fmt: skip
GROWTH = Criterion(
    code="I.2", group="I", label="Xuất khẩu", max=D(10), method="growth",
    indicator="export_usd", target=D(10),
)  # fmt: skip


@pytest.mark.parametrize(
    ("actual", "plan", "points"),
    [
        ("100", "100", "10"),  # exactly 100%
        ("50", "100", "5"),
        ("109.99", "100", "10"),  # not yet a full step
        ("110", "100", "10.5"),  # one step of bonus
        ("125", "100", "11"),
        ("200", "100", "12"),  # bonus capped at bonus_max
        ("0", "100", "0"),
    ],
)
def test_plan_method(actual: str, plan: str, points: str) -> None:
    assert plan_points(PLAN, D(actual), D(plan), 2) == D(points)


def test_plan_without_bonus_stops_at_max() -> None:
    plain = Criterion(code="x", group="I", label="x", max=D(10), method="plan", indicator="x")
    assert plan_points(plain, D(300), D(100), 2) == D(10)


@pytest.mark.parametrize(
    ("actual", "previous", "points"),
    [
        ("110", "100", "10"),  # growth exactly at target
        ("150", "100", "10"),  # above target: capped at max
        ("100", "100", "9.09"),  # no growth: 100/110 of max
        ("90", "100", "8.18"),  # a fall is scored by the formula, not zeroed
        ("0", "100", "0"),  # growth −100%: the clamp's floor
    ],
)
def test_growth_method(actual: str, previous: str, points: str) -> None:
    assert growth_points(GROWTH, D(actual), D(previous), 2) == D(points)


def test_growth_is_clamped_between_0_and_max() -> None:
    """The contract's clamp: figures are never negative, so growth bottoms out at −100% and
    0 points; no ratio, however large, passes `max`; and no point is ever negative."""
    assert growth_points(GROWTH, D(0), D("0.001"), 2) == 0
    assert growth_points(GROWTH, D(10**9), D("0.001"), 2) == D(10)
    with pytest.raises(ValueError, match="never negative"):
        divide_half_up(D(-1), D(1), 2)


@pytest.mark.parametrize(
    ("value", "places", "rounded"),
    [("2.345", 2, "2.35"), ("2.344999", 2, "2.34"), ("0.5", 0, "1"), ("1.25", 1, "1.3")],
)
def test_rounding_is_half_up_at_places(value: str, places: int, rounded: str) -> None:
    assert round_points(D(value), places) == D(rounded)


def test_plan_points_are_rounded_once_half_up() -> None:
    # 10 × 1 / 8 = 1,25 → 1,3 at one place (half-up; banker's rounding would give 1,2)
    assert plan_points(PLAN, D(1), D(8), 1) == D("1.3")


def test_shared_ranks() -> None:
    ranks = shared_ranks({"A": D(90), "B": D(85), "C": D(85), "D": D(80)})
    assert ranks == {"A": 1, "B": 2, "C": 2, "D": 4}


def ranked(*totals: int) -> list[MemberScore]:
    scores = [MemberScore(f"M{i}", "", {}, D(t)) for i, t in enumerate(totals)]
    ranks = shared_ranks({s.member: s.total for s in scores})
    for s in scores:
        s.rank = ranks[s.member]
    return scores


FLAG = Award(name="Cờ thi đua", max_count=2, min_points=D(90))
CERT = Award(name="Bằng khen", max_count=3, min_points=D(80))


def walk(*totals: int) -> list[tuple[list[str], list[str], int]]:
    return [
        (r.members, r.tied, r.places_left) for r in propose_awards(ranked(*totals), [FLAG, CERT])
    ]


def test_award_walk_in_rank_order() -> None:
    assert walk(98, 95, 91, 85, 70) == [(["M0", "M1"], [], 0), (["M2", "M3"], [], 1)]


def test_a_tie_straddling_a_cap_is_left_to_the_vote() -> None:
    # M1 and M2 share rank 2 but one flag is left: neither gets it nor a lower award
    assert walk(98, 95, 95, 85) == [(["M0"], ["M1", "M2"], 1), (["M3"], [], 2)]


def test_a_member_below_min_points_gets_the_next_award() -> None:
    assert walk(89, 88) == [([], [], 2), (["M0", "M1"], [], 1)]


def test_an_award_not_filled_keeps_its_places() -> None:
    assert walk(92, 70) == [(["M0"], [], 1), ([], [], 3)]


TABLE = ScoringTable(
    name="Biểu thử",
    places=2,
    group=(Group(code="I", label="Nhóm"),),
    criterion=(
        PLAN,
        GROWTH,
        Criterion(code="II.1", group="I", label="Tự chấm", max=D(5), method="self"),
        Criterion(code="III.1", group="I", label="Thường trực chấm", max=D(5), method="manual"),
    ),
    award=(FLAG, CERT),
)


def yearly(member: str, values: dict[str, Any], self_score: str | None = "4") -> Submission:
    sub = Submission(Path(f"{member}.xlsx"), member=member, year=2016)
    sub.figures = {c: Figure(c, D(str(v)), "Chỉ tiêu", "D5") for c, v in values.items()}
    if self_score is not None:
        sub.self_scores = {"II.1": Figure("II.1", D(self_score), "Tự chấm điểm", "D5")}
    return sub


def registration(member: str, plan: str = "100") -> Submission:
    sub = Submission(Path(f"dk-{member}.xlsx"), member=member, year=2016, kind="registration")
    sub.figures = {"fdi_new_capital": Figure("fdi_new_capital", D(plan), "Đăng ký", "D5")}
    return sub


def test_every_gap_is_its_own_error_naming_member_criterion_and_what_is_missing(
    contract: Contract,
) -> None:
    subs = [yearly("Hà Nam", {"fdi_new_capital": 5, "export_usd": 1}, self_score=None)]
    scoring, findings = score_members(subs, [], TABLE, contract, 2016)
    assert scoring is None
    messages = {f.code: (f.rule, f.message) for f in findings}
    assert messages["I.1"] == (
        "unscorable-criterion",
        "Hà Nam, tiêu chí I.1 “Vốn FDI”: chưa có bản đăng ký thi đua; hãy ghi điểm của tiêu chí "
        "này, kèm lý do, vào trang “Điều chỉnh” rồi chạy lại với --adjustments.",
    )
    assert "không có số liệu năm trước" in messages["I.2"][1]
    assert messages["II.1"][0] == "missing-self-score"
    assert "Thường trực Khối chấm" in messages["III.1"][1]


def test_a_registration_without_the_indicator_is_a_gap(contract: Contract) -> None:
    """A registration checked against another table (`--scoring`) may lack a plan."""
    empty = registration("Hà Nam")
    empty.figures = {}
    subs = [yearly("Hà Nam", {"fdi_new_capital": 5, "export_usd": 1})]
    _, findings = score_members(subs, [empty], TABLE, contract, 2016)
    [plan] = [f for f in findings if f.code == "I.1"]
    assert "bản đăng ký dk-Hà Nam.xlsx không có kế hoạch chỉ tiêu fdi_new_capital" in plan.message


def test_growth_from_a_zero_or_absent_previous_figure_is_a_gap(contract: Contract) -> None:
    subs = [yearly(m, {"fdi_new_capital": 5, "export_usd": 1}) for m in ("Hà Nam", "Hà Nội")]
    previous = {"Hà Nam": {"export_usd": D(0)}}
    _, findings = score_members(
        subs, [registration("Hà Nam"), registration("Hà Nội")], TABLE, contract, 2016,
        previous=previous, previous_file=Path("tong-hop-2015.json"),
    )  # fmt: skip
    growth = sorted(f.message for f in findings if f.code == "I.2")
    assert "số liệu bằng 0" in growth[0] and "Hà Nam" in growth[0]
    assert (
        "không có số liệu “Giá trị xuất khẩu (USD)” của Hà Nội" in growth[1]
    )  # a name, not a code


members = st.sampled_from(["Vĩnh Phúc", "Ninh Bình", "Hà Nam", "Hải Dương", "Hưng Yên"])
amount = st.decimals(min_value=0, max_value=10_000, places=3)
plans = st.decimals(min_value="0.001", max_value=10_000, places=3)


@given(
    rows=st.lists(
        st.tuples(members, amount, plans, amount, plans, st.decimals(0, 5, places=3)),
        min_size=1,
        max_size=5,
        unique_by=lambda r: r[0],
    ),
    order=st.randoms(use_true_random=False),
)
def test_total_is_the_sum_of_rounded_points_and_ranking_ignores_file_order(
    contract: Contract, rows: list[tuple[Any, ...]], order: Any
) -> None:
    from ipstat.reading.adjustments import Adjustment

    subs = [yearly(m, {"fdi_new_capital": a, "export_usd": e}, str(s)) for m, a, _, e, _, s in rows]
    regs = [registration(m, str(p)) for m, _, p, _, _, _ in rows]
    previous = {m: {"export_usd": b} for m, _, _, _, b, _ in rows}
    adjustments = [
        Adjustment(m, "III.1", D("3.335"), "Đúng hạn", "a.xlsx", "Điều chỉnh", "C4")
        for m, *_ in rows
    ]

    def run(subs: list[Submission], regs: list[Submission]) -> Any:
        scoring, findings = score_members(
            subs, regs, TABLE, contract, 2016, previous=previous, adjustments=adjustments
        )
        assert findings == [] and scoring is not None
        return scoring

    first = run(subs, regs)
    for member in first.members:
        assert member.total == sum(p.points for p in member.points.values())
        for point in member.points.values():
            assert point.points == round_points(point.points, TABLE.places)
    order.shuffle(subs)
    order.shuffle(regs)
    again = run(subs, regs)
    assert [(m.member, m.total, m.rank) for m in again.members] == [
        (m.member, m.total, m.rank) for m in first.members
    ]
    assert [(r.members, r.tied) for r in again.awards] == [
        (r.members, r.tied) for r in first.awards
    ]


def test_an_adjustment_overrides_a_computed_criterion_and_keeps_what_was_computed(
    contract: Contract,
) -> None:
    from ipstat.reading.adjustments import Adjustment

    adjustments = [
        Adjustment("Hà Nam", c, D(p), "Sở KH&ĐT xác nhận lại", "dc.xlsx", "Điều chỉnh", "C4")
        for c, p in (("I.1", "11.005"), ("III.1", "5"))
    ]
    scoring, _ = score_members(
        [yearly("Hà Nam", {"fdi_new_capital": 50, "export_usd": 110})],
        [registration("Hà Nam")], TABLE, contract, 2016,
        previous={"Hà Nam": {"export_usd": D(100)}}, adjustments=adjustments,
    )  # fmt: skip
    assert scoring is not None
    point = scoring.members[0].points["I.1"]
    assert (point.points, point.computed) == (D("11.01"), D(5))
    assert point.adjustment is not None and point.adjustment.reason == "Sở KH&ĐT xác nhận lại"


def test_golden_proposal(contract: Contract) -> None:
    """The proposal's text, reviewed by eye (IPSTAT_UPDATE_GOLDEN=1 rewrites it)."""
    import os

    from ipstat.bloc.document import dumps, loads
    from ipstat.bloc.scoring_document import score_document
    from ipstat.outputs.proposal import render_proposal
    from ipstat.reading.adjustments import Adjustment

    figures = {  # member: FDI capital (plan 100), export (last year 100), self-score
        "Hải Dương": (125, 115, "5"),
        "Nam Định": (110, 112, "4.5"),
        "Hà Nam": (105, 108, "4.5"),
        "Hưng Yên": (105, 108, "4.5"),
        "Bắc Ninh": (100, 100, "4"),
        "Thái Bình": (60, 90, "3"),
    }
    subs = [
        yearly(m, {"fdi_new_capital": f, "export_usd": e}, s) for m, (f, e, s) in figures.items()
    ]
    subs[0].info["don_vi"] = "Ban Quản lý các KCN tỉnh Hải Dương"
    adjustments = [
        Adjustment(m, "III.1", D(5), "Gửi báo cáo đúng hạn", "dc.xlsx", "Điều chỉnh", "C4")
        for m in figures
    ]
    adjustments.append(  # the points computed, confirmed: listed under its own criterion
        Adjustment("Thái Bình", "I.1", D(6), "Sở KH&ĐT xác nhận.", "dc.xlsx", "Điều chỉnh", "C10")
    )
    import dataclasses

    awards = (
        Award(name="Cờ thi đua", max_count=3, min_points=D(29)),
        Award(name="Bằng khen", max_count=6, min_points=D(25)),
    )
    table = dataclasses.replace(TABLE, authority="Bộ Kế hoạch và Đầu tư", award=awards)
    scoring, findings = score_members(
        subs, [registration(m) for m in figures], table, contract, 2016,
        previous={m: {"export_usd": D(100)} for m in figures}, adjustments=adjustments,
    )  # fmt: skip
    assert scoring is not None, findings
    document = loads(dumps(score_document(scoring, contract, {}, [])))
    text = render_proposal(document)
    golden = Path(__file__).parent / "golden" / "de-nghi-khen-thuong-2016.md"
    if os.environ.get("IPSTAT_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_proposal_says_this_unit_for_one_missing_member(contract: Contract) -> None:
    from ipstat.bloc.document import dumps, loads
    from ipstat.bloc.scoring_document import score_document
    from ipstat.outputs.proposal import render_proposal
    from ipstat.reading.adjustments import Adjustment

    scoring, findings = score_members(
        [yearly("Hà Nam", {"fdi_new_capital": 50, "export_usd": 110})],
        [registration("Hà Nam")], TABLE, contract, 2016,
        previous={"Hà Nam": {"export_usd": D(100)}},
        adjustments=[Adjustment("Hà Nam", "III.1", D(5), "Đúng hạn", "dc.xlsx", "Đ", "C4")],
    )  # fmt: skip
    assert scoring is not None, findings
    document = loads(dumps(score_document(scoring, contract, {}, [])))
    document["missing"] = ["Quảng Ninh"]
    text = render_proposal(document)
    assert "báo cáo của Quảng Ninh nên chưa chấm điểm đơn vị này." in text
    document["missing"] = ["Quảng Ninh", "Hải Phòng"]
    assert "chưa chấm điểm các đơn vị này." in render_proposal(document)


def test_members_below_a_tie_that_closed_the_last_award_are_named(contract: Contract) -> None:
    """Three tie for two places of the last award: the one below them, above its minimum, is
    not left out without a word."""
    import dataclasses

    from ipstat.bloc.document import dumps, loads
    from ipstat.bloc.scoring_document import score_document
    from ipstat.outputs.proposal import render_proposal
    from ipstat.reading.adjustments import Adjustment

    figures = {"Hà Nam": 110, "Hưng Yên": 110, "Bắc Ninh": 110, "Thái Bình": 105}
    adjustments = [Adjustment(m, "III.1", D(5), "Đúng hạn", "d.xlsx", "Đ", "C4") for m in figures]
    subs = [yearly(m, {"fdi_new_capital": f, "export_usd": 100}, "4") for m, f in figures.items()]
    table = dataclasses.replace(
        TABLE, award=(Award(name="Bằng khen", max_count=2, min_points=D(1)),)
    )
    scoring, findings = score_members(
        subs, [registration(m) for m in figures], table, contract, 2016,
        previous={m: {"export_usd": D(100)} for m in figures}, adjustments=adjustments,
    )  # fmt: skip
    assert scoring is not None, findings
    [award] = scoring.awards
    assert award.tied == ["Hà Nam", "Hưng Yên", "Bắc Ninh"] and award.members == []
    text = render_proposal(loads(dumps(score_document(scoring, contract, {}, []))))
    total = next(m.total for m in scoring.members if m.member == "Thái Bình")
    shown = f"{total:.2f}".replace(".", ",")
    assert (
        f"Ban Quản lý các KCN tỉnh Thái Bình ({shown} điểm) cũng đạt từ 1,00 điểm nhưng xếp sau "
        "các thành viên đồng điểm, nên chưa được xét Bằng khen."
    ) in text
