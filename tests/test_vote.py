"""The vote on the award proposal (cycle-documents.md §3): the rule at its edges, every count
sheet it refuses (each a Vietnamese error naming the cell, nothing written), and the minutes and
tờ trình of the sample, reviewed by eye as the Markdown they are rendered from."""

import datetime as dt
import os
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from ipstat.bloc.vote import BallotAward, Candidate, Decided, ballot, decide, vote_document
from ipstat.contract.model import Contract
from ipstat.contract.scoring_table import Vote
from ipstat.reading.tally import Count, CountRow
from tests.year_documents import VOTES, count, emulation_sources, run, score_args

D = Decimal
RULE = Vote(threshold_percent=D(50), present_min=6)


def counted(present: int, votes: dict[tuple[str, str], tuple[int, int]]) -> Count:
    rows = [
        CountRow(
            award, member, True, f, a, {r: f"{r}1" for r in ("award", "member", "for", "against")}
        )
        for (award, member), (f, a) in votes.items()
    ]
    return Count(Path("kiem-phieu-2016.xlsx"), "Kiểm phiếu", 2016, "B2", present, "B3", rows)


def vote(
    contract: Contract, awards: list[BallotAward], present: int, votes: dict[Any, Any]
) -> list[Decided]:
    decided, findings = decide(counted(present, votes), awards, RULE, contract, 2016)
    assert decided is not None, findings
    return decided


def results(decided: list[Decided]) -> dict[str, dict[str, str]]:
    return {a.name: {c.candidate.member: c.result for c in a.counted} for a in decided}


def award(name: str, places: int, *members: str, reason: Any = "proposed") -> BallotAward:
    return BallotAward(name, places, tuple(Candidate(m, reason) for m in members))


def test_exactly_the_threshold_is_not_above_it(contract: Contract) -> None:
    """50%: more than half of those present; 3 of 6 is half, not more."""
    awards = [award("Bằng khen", 6, "Hà Nam", "Hưng Yên")]
    decided = vote(contract, awards, 6, {("Bằng khen", "Hà Nam"): (3, 3),
                                         ("Bằng khen", "Hưng Yên"): (4, 2)})  # fmt: skip
    assert results(decided) == {"Bằng khen": {"Hà Nam": "below-threshold", "Hưng Yên": "approved"}}
    assert decided[0].approved == ["Hưng Yên"]


def test_an_odd_count_present_rounds_nothing(contract: Contract) -> None:
    """4 of 7 is 57%; 3 of 7 is 43%: the rule compares exactly, votes × 100 with 50 × present."""
    awards = [award("Bằng khen", 6, "Hà Nam", "Hưng Yên")]
    decided = vote(contract, awards, 7, {("Bằng khen", "Hà Nam"): (4, 3),
                                         ("Bằng khen", "Hưng Yên"): (3, 4)})  # fmt: skip
    assert decided[0].approved == ["Hà Nam"]


def test_equal_votes_within_the_places_are_all_approved(contract: Contract) -> None:
    awards = [award("Cờ thi đua", 2, "Hải Dương", "Nam Định", "Hà Nam")]
    decided = vote(contract, awards, 6, {("Cờ thi đua", "Hải Dương"): (5, 1),
                                         ("Cờ thi đua", "Nam Định"): (5, 1),
                                         ("Cờ thi đua", "Hà Nam"): (4, 2)})  # fmt: skip
    assert results(decided)["Cờ thi đua"] == {
        "Hải Dương": "approved", "Nam Định": "approved", "Hà Nam": "no-place",
    }  # fmt: skip


def test_equal_votes_across_the_places_stay_undecided_and_their_place_goes_to_no_one(
    contract: Contract,
) -> None:
    awards = [award("Cờ thi đua", 2, "Hải Dương", "Nam Định", "Hà Nam", "Hưng Yên")]
    decided = vote(contract, awards, 6, {("Cờ thi đua", "Hải Dương"): (6, 0),
                                         ("Cờ thi đua", "Nam Định"): (5, 1),
                                         ("Cờ thi đua", "Hà Nam"): (5, 1),
                                         ("Cờ thi đua", "Hưng Yên"): (4, 2)})  # fmt: skip
    assert results(decided)["Cờ thi đua"] == {
        "Hải Dương": "approved", "Nam Định": "undecided", "Hà Nam": "undecided",
        "Hưng Yên": "no-place",  # never silently the next rank
    }  # fmt: skip
    document = vote_document(decided, counted(6, {}), RULE, contract)
    [flag] = document["awards"]
    assert flag["approved"] == ["Hải Dương"] and flag["undecided"] == ["Nam Định", "Hà Nam"]
    assert flag["places_left"] == 1


def test_a_proposed_member_the_vote_refuses_leaves_its_place_empty(contract: Contract) -> None:
    awards = [award("Cờ thi đua", 1, "Hải Dương")]
    decided = vote(contract, awards, 6, {("Cờ thi đua", "Hải Dương"): (2, 4)})
    assert decided[0].approved == [] and decided[0].places - len(decided[0].approved) == 1


def test_a_member_approved_for_a_higher_award_leaves_the_lower_list(
    contract: Contract,
) -> None:
    """Ninh Bình and Hà Nam tie for the flag's last place: both are on the Bằng khen list too,
    should the vote leave them out; the one approved for the flag leaves it."""
    flag = BallotAward("Cờ thi đua", 2, (Candidate("Vĩnh Phúc", "proposed"),
                                         Candidate("Ninh Bình", "tied"),
                                         Candidate("Hà Nam", "tied")))  # fmt: skip
    certificate = BallotAward("Bằng khen", 2, (
        Candidate("Hải Dương", "proposed"),
        Candidate("Ninh Bình", "waiting", "Cờ thi đua"),
        Candidate("Hà Nam", "waiting", "Cờ thi đua"),
    ))  # fmt: skip
    decided = vote(contract, [flag, certificate], 6, {
        ("Cờ thi đua", "Vĩnh Phúc"): (6, 0), ("Cờ thi đua", "Ninh Bình"): (5, 1),
        ("Cờ thi đua", "Hà Nam"): (2, 4), ("Bằng khen", "Hải Dương"): (6, 0),
        ("Bằng khen", "Ninh Bình"): (6, 0), ("Bằng khen", "Hà Nam"): (5, 1),
    })  # fmt: skip
    assert results(decided) == {
        "Cờ thi đua": {"Vĩnh Phúc": "approved", "Ninh Bình": "approved",
                       "Hà Nam": "below-threshold"},
        "Bằng khen": {"Hải Dương": "approved", "Ninh Bình": "higher-award",
                      "Hà Nam": "approved"},
    }  # fmt: skip


def test_the_ballot_lists_the_tied_under_the_lower_awards_they_reach(
    contract: Contract,
) -> None:
    from tests.test_score import TABLE, registration, yearly

    figures = {"Hải Dương": 125, "Nam Định": 110, "Hà Nam": 110, "Thái Bình": 60}
    scoring, document = scored(contract, TABLE, figures, flags=2, certificates=3)
    [flag, certificate] = ballot(document)
    assert [(c.member, c.reason) for c in flag.candidates] == [
        ("Hải Dương", "proposed"), ("Hà Nam", "tied"), ("Nam Định", "tied"),  # the bloc's order
    ]  # fmt: skip
    assert [(c.member, c.reason, c.higher) for c in certificate.candidates] == [
        ("Hà Nam", "waiting", "Cờ thi đua"), ("Nam Định", "waiting", "Cờ thi đua"),
    ]  # fmt: skip
    del registration, yearly, scoring


def scored(
    contract: Contract, table: Any, figures: dict[str, int], flags: int, certificates: int
) -> tuple[Any, Any]:
    """The scoring document of members with these FDI figures (plan 100), as `score` makes it."""
    import dataclasses

    from ipstat.bloc.document import dumps, loads
    from ipstat.bloc.scoring import score_members
    from ipstat.bloc.scoring_document import score_document
    from ipstat.contract.scoring_table import Award
    from ipstat.reading.adjustments import Adjustment
    from tests.test_score import registration, yearly

    awards = (
        Award(name="Cờ thi đua", max_count=flags, min_points=D(28)),
        Award(name="Bằng khen", max_count=certificates, min_points=D(26)),
    )
    table = dataclasses.replace(table, authority="Bộ Kế hoạch và Đầu tư", award=awards)
    subs = [yearly(m, {"fdi_new_capital": f, "export_usd": 110}, "4") for m, f in figures.items()]
    adjustments = [Adjustment(m, "III.1", D(5), "Đúng hạn", "d.xlsx", "Đ", "C4") for m in figures]
    scoring, findings = score_members(
        subs, [registration(m) for m in figures], table, contract, 2016,
        previous={m: {"export_usd": D(100)} for m in figures}, adjustments=adjustments,
    )  # fmt: skip
    assert scoring is not None, findings
    return scoring, loads(dumps(score_document(scoring, contract, {}, [])))


# --- The golden minutes and tờ trình: the 2016 outcome of ../shared/reference.

GOLDEN = Path(__file__).parent / "golden"
# FDI capital (plan 100), export (last year 100), self-score: two flags and six certificates,
# as the bloc proposed for 2016; Thái Bình below the minimum.
SAMPLE_2016 = {
    "Hải Dương": (125, 115, "5"),
    "Nam Định": (120, 112, "5"),
    "Hà Nam": (110, 110, "4.5"),
    "Hưng Yên": (110, 110, "4.5"),
    "Bắc Ninh": (105, 108, "4"),
    "Vĩnh Phúc": (104, 105, "4"),
    "Hải Phòng": (103, 104, "4"),
    "Quảng Ninh": (102, 103, "3.5"),
    "Thái Bình": (60, 90, "3"),
}
VOTES_2016 = {
    ("Cờ thi đua", "Hải Dương"): (9, 0),
    ("Cờ thi đua", "Nam Định"): (8, 1),
    ("Bằng khen", "Hà Nam"): (9, 0),
    ("Bằng khen", "Hưng Yên"): (7, 2),
    ("Bằng khen", "Bắc Ninh"): (8, 1),
    ("Bằng khen", "Vĩnh Phúc"): (6, 3),
    ("Bằng khen", "Hải Phòng"): (7, 2),
    ("Bằng khen", "Quảng Ninh"): (5, 4),
}


def sample_vote(contract: Contract) -> tuple[str, str]:
    import dataclasses

    from ipstat.bloc.document import dumps, loads
    from ipstat.bloc.scoring import score_members
    from ipstat.bloc.scoring_document import score_document
    from ipstat.contract.scoring_table import Award
    from ipstat.outputs.frames import paper
    from ipstat.outputs.vote_documents import render_minutes, render_to_trinh, vote_context
    from ipstat.reading.adjustments import Adjustment
    from tests.test_score import TABLE, registration, yearly

    awards = (
        Award(name="Cờ thi đua", max_count=2, min_points=D("30.5")),
        Award(name="Bằng khen", max_count=6, min_points=D(27)),
    )
    table = dataclasses.replace(
        TABLE, name="Biểu tiêu chí chấm điểm thi đua", authority="Bộ Kế hoạch và Đầu tư",
        award=awards,
    )  # fmt: skip
    subs = [
        yearly(m, {"fdi_new_capital": f, "export_usd": e}, s)
        for m, (f, e, s) in SAMPLE_2016.items()
    ]
    adjustments = [
        Adjustment(m, "III.1", D(5), "Gửi báo cáo đúng hạn", "dc.xlsx", "Điều chỉnh", "C4")
        for m in SAMPLE_2016
    ]
    scoring, findings = score_members(
        subs, [registration(m) for m in SAMPLE_2016], table, contract, 2016,
        previous={m: {"export_usd": D(100)} for m in SAMPLE_2016}, adjustments=adjustments,
    )  # fmt: skip
    assert scoring is not None, findings
    document = loads(dumps(score_document(scoring, contract, {}, [])))
    tally = counted(9, VOTES_2016)
    decided, problems = decide(tally, ballot(document), RULE, contract, 2016)
    assert decided is not None, problems
    document["vote"] = vote_document(decided, tally, RULE, contract)
    signed = paper(contract, 2016, dt.date(2017, 2, 10))
    context = vote_context(document, decided, signed)
    return render_minutes(context), render_to_trinh(context, signed.legal_bases())


def test_golden_minutes_and_to_trinh(contract: Contract) -> None:
    """The texts, reviewed by eye (IPSTAT_UPDATE_GOLDEN=1 rewrites them): they reproduce the
    2016 outcome, the proposal sentence and next year's Khối trưởng and Khối phó."""
    minutes, to_trinh = sample_vote(contract)
    for name, text in (("bien-ban-binh-xet-2016.md", minutes),
                       ("to-trinh-khen-thuong-2016.md", to_trinh)):  # fmt: skip
        if os.environ.get("IPSTAT_UPDATE_GOLDEN"):
            (GOLDEN / name).write_text(text, encoding="utf-8")
        assert text == (GOLDEN / name).read_text(encoding="utf-8")
    assert (
        "các thành viên trong Khối thống nhất đề nghị Bộ Kế hoạch và Đầu tư xem xét tặng Cờ thi "
        "đua cho Ban Quản lý các KCN tỉnh Hải Dương, Ban Quản lý các KCN tỉnh Nam Định và tặng "
        "Bằng khen cho 06 Ban Quản lý trong Khối"
    ) in to_trinh
    assert (
        "Các thành viên nhất trí bầu Ban Quản lý các KCN tỉnh Hà Nam là Khối trưởng và Ban Quản "
        "lý các KCN tỉnh Hưng Yên là Khối phó Khối thi đua Ban Quản lý các KCN, KCX, KKT các "
        "tỉnh đồng bằng sông Hồng năm 2017."
    ) in minutes


# --- Count sheets that do not match the ballot: each refused, naming the cell, nothing written.


@pytest.fixture(scope="module")
def voting(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sources of six members, and the count sheet `score --ballots` wrote for them."""
    folder = tmp_path_factory.mktemp("bieu-quyet")
    sources = emulation_sources(folder)
    code, out, err = run(*score_args(sources, folder / "ket-qua", "--ballots"))
    assert code == 0, out + err
    return {**sources, "sheet": folder / "ket-qua" / "kiem-phieu-2016.xlsx"}


def tally(
    voting: dict[str, Path], tmp_path: Path, present: Any = 6, **edits: Any
) -> tuple[int, str, Path]:
    """Fill a copy of the count sheet, edit it, run `score --tally`; its output and folder."""
    sheet = tmp_path / "kiem-phieu-2016.xlsx"
    shutil.copy(voting["sheet"], sheet)
    count(sheet, present, VOTES)
    book = openpyxl.load_workbook(sheet)
    page = book["Kiểm phiếu"]
    for cell, value in edits.items():
        if cell == "append":
            page.append(value)
        elif cell == "delete":
            page.delete_rows(value)
        else:
            page[cell] = value
    book.save(sheet)
    out = tmp_path / "out"
    code, stdout, stderr = run(*score_args(voting, out, "--tally", str(sheet)))
    return code, stdout + stderr, out


def rows_of(voting: dict[str, Path]) -> dict[tuple[str, str], int]:
    page = openpyxl.load_workbook(voting["sheet"])["Kiểm phiếu"]
    return {
        (str(r[0].value), str(r[1].value)): int(r[0].row or 0)
        for r in page.iter_rows(min_row=7)
        if r[0].value
    }


def refused(code: int, said: str, out: Path, *fragments: str) -> None:
    assert code == 1 and "Không ghi tệp nào" in said, said
    assert not out.exists()
    for fragment in fragments:
        assert fragment in said, said
    assert "Traceback" not in said


def test_a_candidate_not_on_the_ballot_is_refused(voting: dict[str, Path], tmp_path: Path) -> None:
    at = max(rows_of(voting).values()) + 1
    code, said, out = tally(voting, tmp_path, append=["Bằng khen", "Thái Bình", None, 4, 2])
    refused(code, said, out, f"B{at}", "Kiểm phiếu cho thành viên không có trong phiếu")
    assert "Thái Bình không có trong phiếu bình xét Bằng khen" in said


def test_an_award_not_on_the_ballot_is_refused(voting: dict[str, Path], tmp_path: Path) -> None:
    row = rows_of(voting)[("Bằng khen", "Hải Dương")]
    code, said, out = tally(voting, tmp_path, **{f"A{row}": "Huân chương"})
    refused(code, said, out, f"A{row}", "danh hiệu “Huân chương” không có trong phiếu bình xét")


def test_votes_for_and_against_above_those_present_are_refused(
    voting: dict[str, Path], tmp_path: Path
) -> None:
    row = rows_of(voting)[("Cờ thi đua", "Vĩnh Phúc")]
    code, said, out = tally(voting, tmp_path, **{f"D{row}": 5, f"E{row}": 2})
    refused(code, said, out, f"D{row}", f"ô E{row}", "nhiều hơn 6 thành viên có mặt (ô B3)")


def test_fewer_members_present_than_the_minimum_is_refused(
    voting: dict[str, Path], tmp_path: Path
) -> None:
    code, said, out = tally(voting, tmp_path, present=5, **{"B3": 5})
    refused(code, said, out, "B3", "ít hơn 6 thành viên tối thiểu")


def test_more_members_present_than_the_bloc_has_is_refused(
    voting: dict[str, Path], tmp_path: Path
) -> None:
    code, said, out = tally(voting, tmp_path, present=12)
    refused(code, said, out, "B3", "12 thành viên có mặt, nhiều hơn 11 thành viên của Khối")


def test_a_missing_row_is_refused(voting: dict[str, Path], tmp_path: Path) -> None:
    row = rows_of(voting)[("Bằng khen", "Hưng Yên")]
    code, said, out = tally(voting, tmp_path, delete=row)
    refused(code, said, out, "thiếu dòng kiểm phiếu của Hưng Yên cho Bằng khen")


def test_a_row_counted_twice_is_refused(voting: dict[str, Path], tmp_path: Path) -> None:
    row = rows_of(voting)[("Bằng khen", "Hưng Yên")]
    at = max(rows_of(voting).values()) + 1
    code, said, out = tally(voting, tmp_path, append=["Bằng khen", "Hung Yen", None, 1, 1])
    refused(code, said, out, f"B{at}", f"ô B{row}", "hãy xóa một dòng")


@pytest.mark.parametrize(
    ("value", "said"),
    [
        (None, "chưa ghi số phiếu đồng ý"),
        ("năm", "“năm” không phải là số phiếu đồng ý"),
        (-1, "phải là số nguyên không âm"),
        (2.5, "phải là số nguyên không âm"),
    ],
)
def test_a_count_that_is_not_a_whole_number_is_refused(
    voting: dict[str, Path], tmp_path: Path, value: Any, said: str
) -> None:
    row = rows_of(voting)[("Cờ thi đua", "Hà Nam")]
    code, text, out = tally(voting, tmp_path, **{f"D{row}": value})
    refused(code, text, out, f"D{row}", said)


def test_a_count_sheet_of_another_year_is_refused(voting: dict[str, Path], tmp_path: Path) -> None:
    code, said, out = tally(voting, tmp_path, B2=2015)
    refused(code, said, out, "B2", "tệp kiểm phiếu của năm 2015")


def test_the_count_decides_writes_minutes_to_trinh_and_the_vote_in_the_json(
    voting: dict[str, Path], tmp_path: Path
) -> None:
    from ipstat.bloc.document import loads

    code, said, out = tally(voting, tmp_path)
    assert code == 0, said
    document = loads((out / "cham-diem-2016.json").read_text(encoding="utf-8"))
    flag, certificate = document["vote"]["awards"]
    assert flag["approved"] == ["Vĩnh Phúc", "Ninh Bình"]
    results = {c["member"]: c["result"] for c in certificate["candidates"]}
    assert results == {
        "Hải Dương": "approved", "Hưng Yên": "approved", "Hà Nội": "below-threshold",
        "Ninh Bình": "higher-award", "Hà Nam": "approved",
    }  # fmt: skip
    assert document["vote"]["present"] == 6 and document["vote"]["threshold_percent"] == 50
    names = {p.name for p in out.iterdir()}
    assert {"bien-ban-binh-xet-2016.docx", "to-trinh-khen-thuong-2016.docx"} <= names
    assert "Biểu quyết: 6/11 thành viên có mặt." in said


def test_ballots_and_tally_need_the_vote_of_the_table(
    voting: dict[str, Path], tmp_path: Path
) -> None:
    table = tmp_path / "bieu.toml"
    shipped = Path(__file__).parents[1] / "schemas" / "scoring" / "dbsh.toml"
    table.write_text(shipped.read_text(encoding="utf-8").split("[vote]")[0], encoding="utf-8")
    code, said, err = run(*score_args(voting, tmp_path / "o", "--ballots", "--scoring", str(table)))
    assert code == 2 and "chưa có mục [vote]" in err and not (tmp_path / "o").exists()
    code, _, err = run(*score_args(voting, tmp_path / "o", "--ballots", "--tally", "x.xlsx"))
    assert code == 2 and "không dùng cả hai" in err
    del said
