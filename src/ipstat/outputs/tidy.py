"""The series across years as files for tools: the tidy table in CSV, and everything in JSON.

The CSV is for pandas, R and scripts: comma-separated, dot decimals, exact values (`4841.2`),
UTF-8 with a BOM so that Excel opened by double-click still shows the diacritics, and "\\r\\n"
line ends (RFC 4180, what Excel itself writes; every CSV reader takes them). Clerks who want a
spreadsheet get the workbook: a Vietnamese-locale Excel splits on `;`, not on commas.

A CSV opened in a spreadsheet program is read cell by cell as if typed: a member or file name
`=HYPERLINK(…)`, `+…`, `-…` or `@…` would run as a formula. Text cells starting so get a
leading `'`, as OWASP recommends against CSV injection; the numbers (`year`, `value`, `-5`
among them) are written as they are, and the JSON keeps every text raw.
"""

import csv
import io
from pathlib import Path

from ipstat.base.numbers import plain
from ipstat.base.periods import YEARLY
from ipstat.base.visible import encodable
from ipstat.bloc.document import dumps
from ipstat.bloc.frame import joined, records
from ipstat.bloc.series import COLUMNS, History
from ipstat.bloc.trends import trends

HISTORY_VERSION = 1
BOM = "\ufeff"
NUMBERS = frozenset({"year", "value"})  # every other column is text
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list for CSV injection


def neutral(text: str) -> str:
    """A text cell a spreadsheet program would run as a formula, made inert by a leading `'`."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def to_csv(history: History) -> str:
    """The tidy table; `mapped_from` joins the earlier members with ` + `; text cells that a
    spreadsheet program would run as formulas begin with `'`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for record in records(history):
        record["value"] = plain(record["value"])
        record["mapped_from"] = joined(record["mapped_from"])
        writer.writerow(record[c] if c in NUMBERS else neutral(str(record[c])) for c in COLUMNS)
    return BOM + buffer.getvalue()


def write_csv(path: Path, history: History) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(to_csv(history))


def to_json(history: History) -> str:
    """The documents used, the bloc totals and ratios by year, the trends and the tidy rows."""
    data = {
        "history_version": HISTORY_VERSION,
        **({"period": history.period} if history.period != YEARLY else {}),  # a year's: as ever
        "bloc": history.bloc,
        "years": history.years,
        "gaps": history.gaps,
        "merged": history.merged,
        "documents": [
            {
                "file": encodable(d.path.name),
                "sha256": d.sha256,
                "year": d.year,
                "bloc": d.bloc,
                "members": list(d.members),
                "missing": list(d.missing),
                "mapped": d.mapped,
            }
            for d in history.documents
        ],
        "indicators": history.indicators,
        "derived_indicators": history.derived_indicators,
        "totals": {str(y): t for y, t in history.totals.items()},
        "derived": {str(y): d for y, d in history.derived.items()},
        "trends": [
            {
                "code": t.code,
                "first_year": t.first_year,
                "last_year": t.last_year,
                "first": t.first,
                "last": t.last,
                "change": t.change,
                "change_percent": t.change_percent,
                "average_growth_percent": t.growth,
                "members": [
                    {"member": m.member, "first": m.first, "last": m.last, "growth": m.growth}
                    for m in t.members
                ],
                "compared": list(t.compared),
                "left_out": [
                    {
                        "member": s.member,
                        "year": s.year,
                        "unreported": list(s.unreported),
                        "not_included": list(s.not_included),
                    }
                    for s in t.left_out
                ],
            }
            for t in trends(history)
        ],
        "rows": records(history),
    }
    return dumps(data) + "\n"


def write_json(path: Path, history: History) -> None:
    path.write_text(to_json(history), encoding="utf-8")
