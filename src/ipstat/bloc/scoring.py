"""Scoring (emulation-scoring.md §3–5): each member's points by the bloc's table, the ranking,
and the award walk. Never guesses: a criterion no method can compute needs an adjustment."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from pathlib import Path

from ipstat.base.findings import Finding
from ipstat.bloc.totals import percent
from ipstat.contract.model import Contract
from ipstat.contract.scoring_table import Award, Criterion, ScoringTable
from ipstat.reading.adjustments import Adjustment
from ipstat.reading.located import Figure, Submission

Inputs = dict[str, Decimal | None]


@dataclass(frozen=True)
class Source:
    """Where one input of a point came from: a file and, in a workbook, `Sheet!A1`."""

    file: str
    cell: str = ""


@dataclass(frozen=True)
class Point:
    criterion: str
    method: str
    points: Decimal  # rounded to the table's places; the adjustment's, if there is one
    computed: Decimal | None  # what the method gave, rounded; None where it cannot compute
    inputs: Inputs
    sources: dict[str, Source]
    adjustment: Adjustment | None = None


@dataclass
class MemberScore:
    member: str
    file: str
    points: dict[str, Point]
    total: Decimal = Decimal(0)
    rank: int = 0


@dataclass
class AwardResult:
    award: Award
    members: list[str] = field(default_factory=list)
    tied: list[str] = field(default_factory=list)

    @property
    def places_left(self) -> int:
        return self.award.max_count - len(self.members)


@dataclass
class Scoring:
    year: int
    table: ScoringTable
    members: list[MemberScore]  # by rank, then in the bloc's order
    awards: list[AwardResult]
    missing: list[str]  # members without a yearly workbook: not scored


def divide_half_up(numerator: Decimal, denominator: Decimal, places: int) -> Decimal:
    """numerator / denominator rounded half-up to `places`, exactly: integer division on the
    scaled values, never a rounded quotient rounded again."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("points are never negative")
    scaled = numerator.scaleb(places)
    quotient = (2 * scaled + denominator) // (2 * denominator)
    return quotient.scaleb(-places)


def round_points(value: Decimal, places: int) -> Decimal:
    return divide_half_up(value, Decimal(1), places)


def plan_points(criterion: Criterion, actual: Decimal, plan: Decimal, places: int) -> Decimal:
    """`max × min(r, 100) / 100` plus, above 100%, `bonus_points` per full `bonus_step`
    percentage points, at most `bonus_max`; r = actual / plan × 100."""
    bonus = Decimal(0)
    if actual > plan and criterion.bonus_step is not None:
        steps = (actual * 100 - plan * 100) // (criterion.bonus_step * plan)
        bonus = min(criterion.bonus_max or Decimal(0), (criterion.bonus_points or 0) * steps)
    return divide_half_up(criterion.max * min(actual, plan) + bonus * plan, plan, places)


def growth_points(criterion: Criterion, actual: Decimal, previous: Decimal, places: int) -> Decimal:
    """`max × clamp((100 + g) / (100 + target), 0, 1)`, g = growth over `previous` in percent;
    (100 + g) is 100 × actual / previous, so no rounded growth enters the points."""
    target = criterion.target if criterion.target is not None else Decimal(0)
    numerator = criterion.max * 100 * actual
    denominator = previous * (100 + target)
    if numerator >= criterion.max * denominator:
        return round_points(criterion.max, places)
    return divide_half_up(max(numerator, Decimal(0)), denominator, places)


def shared_ranks(totals: dict[str, Decimal]) -> dict[str, int]:
    """Descending; equal totals share a rank and the next rank skips (1, 2, 2, 4)."""
    ordered = sorted(totals.values(), reverse=True)
    return {member: ordered.index(total) + 1 for member, total in totals.items()}


def propose_awards(ranked: Sequence[MemberScore], awards: Sequence[Award]) -> list[AwardResult]:
    """The walk of §5: by rank, each member's first award it reaches that has places; members of
    one rank who would overfill an award get none, are listed as tied, and close it."""
    results = [AwardResult(award) for award in awards]
    closed: set[int] = set()
    for _, group in groupby(ranked, key=lambda m: m.rank):
        members = list(group)
        total = members[0].total
        for index, result in enumerate(results):
            if index in closed or result.places_left == 0 or total < result.award.min_points:
                continue
            names = [m.member for m in members]
            if len(members) <= result.places_left:
                result.members.extend(names)
            else:
                result.tied.extend(names)
                closed.add(index)
            break
    return results


@dataclass
class _Inputs:
    """What the methods read, by member."""

    actuals: dict[str, Submission]
    plans: dict[str, Submission]
    previous: dict[str, dict[str, Decimal]] | None
    previous_file: str
    adjustments: dict[tuple[str, str], Adjustment]


def score_members(
    submissions: Iterable[Submission],
    registrations: Iterable[Submission],
    table: ScoringTable,
    contract: Contract,
    year: int,
    *,
    previous: dict[str, dict[str, Decimal]] | None = None,
    previous_file: Path | None = None,
    adjustments: Iterable[Adjustment] = (),
) -> tuple[Scoring | None, list[Finding]]:
    """Every member's points, ranks and the proposal; None with a finding for each criterion
    that cannot be scored (`missing-self-score`, `unscorable-criterion`)."""
    inputs = _Inputs(
        actuals={str(s.member): s for s in submissions},
        plans={str(r.member): r for r in registrations},
        previous=previous,
        previous_file=previous_file.name if previous_file else "",
        adjustments={(a.member, a.criterion): a for a in adjustments},
    )
    findings: list[Finding] = []
    scores: list[MemberScore] = []
    order = {name: i for i, name in enumerate(contract.bloc.names)}
    for member in sorted(inputs.actuals, key=lambda m: order.get(m, len(order))):
        submission = inputs.actuals[member]
        score = MemberScore(member, submission.path.name, {})
        for criterion in table.criterion:
            point = _point(criterion, member, inputs, table, contract=contract, findings=findings)
            if point is not None:
                score.points[criterion.code] = point
        scores.append(score)
    if findings:
        return None, findings
    for score in scores:
        score.total = sum((p.points for p in score.points.values()), Decimal(0))
    ranks = shared_ranks({s.member: s.total for s in scores})
    for score in scores:
        score.rank = ranks[score.member]
    scores.sort(key=lambda s: s.rank)  # stable: the bloc's order within a rank
    missing = [m for m in contract.bloc.names if m not in inputs.actuals]
    return Scoring(year, table, scores, propose_awards(scores, table.award), missing), []


def _point(
    criterion: Criterion,
    member: str,
    inputs: _Inputs,
    table: ScoringTable,
    *,
    contract: Contract,
    findings: list[Finding],
) -> Point | None:
    submission = inputs.actuals[member]
    indicator = contract.form.by_code.get(str(criterion.indicator))
    label = indicator.label if indicator is not None else str(criterion.indicator)
    computed, values, sources, gap = _compute(criterion, member, inputs, table.places, label)
    adjustment = inputs.adjustments.get((member, criterion.code))
    if adjustment is not None:
        points = round_points(adjustment.points, table.places)
        sources["adjustment"] = Source(
            Path(adjustment.file).name, f"{adjustment.sheet}!{adjustment.cell}"
        )
        return Point(
            criterion.code, criterion.method, points, computed, values, sources, adjustment
        )
    if computed is not None:
        return Point(criterion.code, criterion.method, computed, computed, values, sources)
    rule = "missing-self-score" if criterion.method == "self" else "unscorable-criterion"
    sheet = contract.form.self_score_sheet.name if criterion.method == "self" else None
    findings.append(
        Finding(
            file=str(submission.path),
            rule=rule,
            severity=contract.severity(rule),
            text=f"{member}, tiêu chí {criterion.code} “{criterion.label}”: {gap}",
            sheet=sheet,
            code=criterion.code,
        )
    )
    return None


_ADJUST = (
    "; hãy ghi điểm của tiêu chí này, kèm lý do, vào trang “Điều chỉnh” rồi chạy lại với "
    "--adjustments."
)


def _figure_source(figure: Figure, file: Path) -> Source:
    return Source(file.name, f"{figure.sheet}!{figure.cell}")


def _compute(
    criterion: Criterion, member: str, inputs: _Inputs, places: int, label: str
) -> tuple[Decimal | None, Inputs, dict[str, Source], str]:
    """The method's points (None where it cannot compute), its inputs, and what is missing;
    `label` names the criterion's indicator where a person reads it."""
    submission = inputs.actuals[member]
    if criterion.method == "self":
        score = submission.self_scores.get(criterion.code)
        if score is None:
            return (
                None,
                {"self": None},
                {},
                (
                    f"chưa có điểm tự chấm; hãy ghi điểm vào trang “Tự chấm điểm” của biểu "
                    f"{submission.path.name}."
                ),
            )
        source = {"self": _figure_source(score, submission.path)}
        return round_points(score.value, places), {"self": score.value}, source, ""
    if criterion.method == "manual":
        return None, {}, {}, "tiêu chí do Thường trực Khối chấm" + _ADJUST
    code = str(criterion.indicator)
    figure = submission.figures[code]
    actual = figure.value
    sources = {"actual": _figure_source(figure, submission.path)}
    if criterion.method == "plan":
        registration = inputs.plans.get(member)
        planned = registration.figures.get(code) if registration else None
        values: Inputs = {"actual": actual, "plan": planned.value if planned else None}
        if registration is None or planned is None:
            what = (
                "chưa có bản đăng ký thi đua"
                if registration is None
                else (f"bản đăng ký {registration.path.name} không có kế hoạch chỉ tiêu {code}")
            )
            return None, values, sources, what + _ADJUST
        sources["plan"] = _figure_source(planned, registration.path)
        values["ratio"] = percent(actual, planned.value)
        return plan_points(criterion, actual, planned.value, places), values, sources, ""
    before = (inputs.previous or {}).get(member, {}).get(code)
    values = {"actual": actual, "previous": before}
    if inputs.previous is None:
        return None, values, sources, "không có số liệu năm trước (chạy với --previous)" + _ADJUST
    if before is None or before == 0:
        what = (
            "không có số liệu"
            if before is None
            else "số liệu bằng 0 nên không tính được tăng trưởng"
        )
        return (
            None,
            values,
            sources,
            (f"tệp năm trước {inputs.previous_file} {what} “{label}” của {member}" + _ADJUST),
        )
    sources["previous"] = Source(inputs.previous_file, f"{member} › {label}")
    values["growth"] = percent(actual - before, before)
    return growth_points(criterion, actual, before, places), values, sources, ""
