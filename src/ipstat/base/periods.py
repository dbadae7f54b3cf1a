"""The two reporting periods (half-year.md): the year (`nam`, the default) and its first six
months (`6-thang`, the sơ kết). Their ids are what the command line, file names and documents
say; the words here are how every output says them, so that a half-year is never called a year.
Which spellings a workbook's `ky` row may use is data (`schemas/form.toml`).

A document or status without a period is a yearly one: yearly outputs stay as they were.
"""

from dataclasses import dataclass

YEARLY = "nam"
HALF_YEAR = "6-thang"
PERIODS = (YEARLY, HALF_YEAR)


@dataclass(frozen=True)
class Words:
    name: str  # `năm` / `6 tháng đầu năm`, followed by the year
    same_time: str  # what a figure is compared with: `năm` / `cùng kỳ năm`, then the year
    closing: str  # the day stocks are counted at, `31/12`, then the year
    suffix: str  # of output file names: `tong-hop-2017-6-thang.json`
    report: str  # `báo cáo năm` / `báo cáo 6 tháng đầu năm`


_WORDS = {
    YEARLY: Words("năm", "năm", "31/12", "", "báo cáo năm"),
    HALF_YEAR: Words(
        "6 tháng đầu năm", "cùng kỳ năm", "30/6", "-6-thang", "báo cáo 6 tháng đầu năm"
    ),
}


def words(period: str | None) -> Words:
    """The words of `period`; None (a document or workbook that says none) is the year."""
    return _WORDS[period or YEARLY]


def span(period: str | None, year: int) -> str:
    """`năm 2016`, `6 tháng đầu năm 2017`."""
    return f"{words(period).name} {year}"


def same_time(period: str | None, year: int) -> str:
    """What this period is compared with in `year`: `năm 2016`, `cùng kỳ năm 2016`."""
    return f"{words(period).same_time} {year}"


def closing(period: str | None, year: int) -> str:
    """The day the stocks of the period are counted at: `31/12/2016`, `30/6/2017`."""
    return f"{words(period).closing}/{year}"


def suffix(period: str | None) -> str:
    return words(period).suffix
