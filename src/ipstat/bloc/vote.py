"""The vote on the award proposal (cycle-documents.md §3): who is on the ballot of each award,
the count checked against it, and the awards decided by the scoring table's rule.

The ballot lists, for each award in table order, the members proposed for it and those tied
for it (emulation-scoring.md §5), and also the members tied for a higher award who reach this
award's minimum: the vote may leave them out of the higher one, and §5 kept them off every
lower list only until the vote. A member approved for a higher award leaves the lower lists."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path
from typing import Any, Literal

from ipstat.base.findings import Finding
from ipstat.base.text import fold
from ipstat.bloc.document import Document
from ipstat.contract.model import Contract
from ipstat.contract.scoring_table import Vote
from ipstat.reading.tally import Count, CountRow

Reason = Literal["proposed", "tied", "waiting"]
Result = Literal["approved", "undecided", "below-threshold", "no-place", "higher-award"]


@dataclass(frozen=True)
class Candidate:
    member: str
    reason: Reason
    higher: str = ""  # for `waiting`: the award it is tied for


@dataclass(frozen=True)
class BallotAward:
    name: str
    places: int
    candidates: tuple[Candidate, ...]


def ballot(document: Document) -> list[BallotAward]:
    """Each award's candidates, from the scoring document: proposed, tied, then the members
    tied for a higher award who reach this one's minimum, each group in rank order."""
    members, awards = document["members"], document["awards"]
    ranked = list(members)  # the document lists members by rank
    found = []
    for index, award in enumerate(awards):
        waiting = [
            Candidate(name, "waiting", higher["name"])
            for higher in awards[:index]
            for name in higher["tied"]
            if members[name]["total"] >= award["min_points"]
        ]
        waiting.sort(key=lambda c: ranked.index(c.member))
        candidates = [Candidate(name, "proposed") for name in award["members"]]
        candidates += [Candidate(name, "tied") for name in award["tied"]]
        found.append(BallotAward(award["name"], int(award["max_count"]), (*candidates, *waiting)))
    return found


@dataclass
class Counted:
    candidate: Candidate
    votes_for: int
    against: int
    result: Result = "below-threshold"


@dataclass
class Decided:
    name: str
    places: int
    counted: list[Counted] = field(default_factory=list)

    @property
    def approved(self) -> list[str]:
        return [c.candidate.member for c in self.counted if c.result == "approved"]

    @property
    def undecided(self) -> list[str]:
        return [c.candidate.member for c in self.counted if c.result == "undecided"]


def decide(
    count: Count, awards: Sequence[BallotAward], rule: Vote, contract: Contract, year: int
) -> tuple[list[Decided] | None, list[Finding]]:
    """The awards decided, in table order; None with a finding per cell when the count does
    not match the ballot (§3): nothing is decided from a count that may be wrong."""
    findings = _check(count, awards, rule, contract, year)
    if findings or count.present is None:
        return None, findings
    rows = {(fold(r.award), r.member): r for r in count.rows}
    decided: list[Decided] = []
    placed: set[str] = set()
    for award in awards:
        result = Decided(award.name, award.places)
        for candidate in award.candidates:
            row = rows[(fold(award.name), candidate.member)]
            result.counted.append(Counted(candidate, row.votes_for, row.against))
        _settle(result, rule, count.present, placed)
        placed |= set(result.approved)
        decided.append(result)
    return decided, []


def _settle(award: Decided, rule: Vote, present: int, placed: set[str]) -> None:
    """Above the threshold, most votes first, up to the places; equal votes that would overfill
    them stay undecided, and the places they leave go to no one."""
    passing = []
    for counted in award.counted:
        if counted.candidate.member in placed:
            counted.result = "higher-award"
        elif rule.approves(counted.votes_for, present):
            passing.append(counted)
    passing.sort(key=lambda c: -c.votes_for)  # stable: ballot order within equal votes
    taken = 0
    for _, group in groupby(passing, key=lambda c: c.votes_for):
        tied = list(group)
        left = award.places - taken
        outcome: Result = (
            "approved" if len(tied) <= left else "undecided" if left > 0 else "no-place"
        )
        for counted in tied:
            counted.result = outcome
        if outcome == "approved":
            taken += len(tied)
        else:
            for rest in passing[passing.index(tied[-1]) + 1 :]:
                rest.result = "no-place"
            break


def _check(
    count: Count, awards: Sequence[BallotAward], rule: Vote, contract: Contract, year: int
) -> list[Finding]:
    path, sheet = count.path, count.sheet
    findings: list[Finding] = []

    def add(rule_id: str, text: str, cell: str | None) -> None:
        findings.append(
            Finding(str(path), rule_id, contract.severity(rule_id), text, sheet=sheet, cell=cell)
        )

    if count.year is not None and count.year != year:
        add(
            "year-mismatch",
            f"tệp kiểm phiếu của năm {count.year}, không phải năm {year} đang chấm điểm; hãy "
            f"dùng tệp kiem-phieu-{year}.xlsx.",
            count.year_cell,
        )
    members = len(contract.bloc.members)
    if count.present is not None and count.present < rule.present_min:
        add(
            "tally-too-few-present",
            f"{count.present} thành viên có mặt, ít hơn {rule.present_min} thành viên tối thiểu "
            "để biểu quyết hợp lệ (mục [vote] của biểu chấm điểm); không có kết quả biểu quyết.",
            count.present_cell,
        )
    elif count.present is not None and count.present > members:
        add(
            "tally-invalid-count",
            f"{count.present} thành viên có mặt, nhiều hơn {members} thành viên của Khối.",
            count.present_cell,
        )
    on_ballot = {(fold(a.name), c.member): a for a in awards for c in a.candidates}
    seen: dict[tuple[str, str], CountRow] = {}
    for row in count.rows:
        key = (fold(row.award), row.member)
        if key not in on_ballot:
            _not_on_ballot(row, awards, add)
            continue
        if key in seen:
            add(
                "tally-duplicate-row",
                f"{row.member} đã được kiểm phiếu cho {row.award} ở dòng của ô "
                f"{seen[key].cells['member']}; hãy xóa một dòng.",
                row.cells["member"],
            )
            continue
        seen[key] = row
        if count.present is not None and row.votes_for + row.against > count.present:
            add(
                "tally-votes-over-present",
                f"{row.member}, {row.award}: {row.votes_for} phiếu đồng ý và {row.against} phiếu "
                f"không đồng ý (ô {row.cells['against']}), cộng lại nhiều hơn {count.present} "
                f"thành viên có mặt (ô {count.present_cell}).",
                row.cells["for"],
            )
    for key, award in on_ballot.items():
        if key not in seen:
            add(
                "tally-missing-row",
                f"thiếu dòng kiểm phiếu của {key[1]} cho {award.name}, có trong phiếu bình xét; "
                "hãy thêm dòng đó (Danh hiệu, Thành viên, Đồng ý, Không đồng ý).",
                count.next_cell,
            )
    return findings


def _not_on_ballot(row: CountRow, awards: Sequence[BallotAward], add: Any) -> None:
    names = {fold(a.name): a for a in awards}
    award = names.get(fold(row.award))
    if award is None:
        known = ", ".join(f"“{a.name}”" for a in awards)
        add(
            "tally-unknown-candidate",
            f"danh hiệu “{row.award}” không có trong phiếu bình xét ({known}).",
            row.cells["award"],
        )
        return
    listed = ", ".join(c.member for c in award.candidates) or "không có ai"
    who = row.member if row.known else f"“{row.member}” (không phải thành viên của Khối)"
    add(
        "tally-unknown-candidate",
        f"{who} không có trong phiếu bình xét {award.name} ({listed}); hãy xóa dòng này.",
        row.cells["member"],
    )


def vote_document(
    decided: Sequence[Decided], count: Count, rule: Vote, contract: Contract
) -> dict[str, Any]:
    """`vote` of the score JSON: the count and, per award, each candidate's votes and result."""
    return {
        "file": Path(count.path).name,
        "present": count.present,
        "members": len(contract.bloc.members),
        "present_min": rule.present_min,
        "threshold_percent": rule.threshold_percent,
        "awards": [
            {
                "name": award.name,
                "places": award.places,
                "candidates": [
                    {
                        "member": c.candidate.member,
                        "reason": c.candidate.reason,
                        "higher": c.candidate.higher or None,
                        "for": c.votes_for,
                        "against": c.against,
                        "result": c.result,
                    }
                    for c in award.counted
                ],
                "approved": award.approved,
                "undecided": award.undecided,
                "places_left": award.places - len(award.approved),
            }
            for award in decided
        ],
    }
