"""The sample sets a new user runs first say each board as the bloc file names it."""

from pathlib import Path

import pytest

from ipstat.contract.model import Contract
from ipstat.reading.submission import read_submission

SAMPLES = Path(__file__).resolve().parent.parent / "sample_data"


@pytest.mark.parametrize(
    "folder", ["2016", "2016-6-thang", "thi-dua-2016/nhan-ve", "thi-dua-2016/dang-ky"]
)
def test_each_sample_workbook_names_its_board_as_the_bloc_does(
    folder: str, contract: Contract
) -> None:
    books = sorted((SAMPLES / folder).glob("*.xlsx"))
    assert len(books) == 11
    for book in books:
        submission, _ = read_submission(book, contract)
        assert submission is not None, book
        board = contract.bloc.member(str(submission.member)).board_name
        assert submission.info["don_vi"] == board, book
