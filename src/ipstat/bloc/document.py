"""The aggregate as a self-contained JSON document: what `report` and analysts' templates read.

Numbers are written exactly as decimals (`4841.2`, never `4841.200000000001`) and read back as
`Decimal`, so a document can be re-rendered years later without the schemas it was made with.
A half-year document says so (`"period": "6-thang"`); one that says no period is a year's, so
the yearly documents are what they always were.
"""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from ipstat.base.errors import IpstatError, os_error_text
from ipstat.base.numbers import plain
from ipstat.base.periods import HALF_YEAR, PERIODS, YEARLY, span, suffix, words
from ipstat.base.visible import encodable_data
from ipstat.bloc.totals import Aggregate
from ipstat.contract.model import Contract

Document = dict[str, Any]
DOCUMENT_VERSION = 1
REQUIRED_KEYS = frozenset(
    {"year", "bloc", "members", "missing", "totals", "derived", "provinces", "indicators"}
)


class DocumentError(IpstatError):
    """A file given as an aggregate document is not one."""


def to_document(
    agg: Aggregate, contract: Contract, comparison: dict[str, Any] | None = None
) -> Document:
    form = contract.form
    period = {"period": agg.period} if agg.period != YEARLY else {}
    return {
        "document_version": DOCUMENT_VERSION,
        "form_version": form.version,
        "year": agg.year,
        **period,
        "bloc": {
            "id": contract.bloc.id,
            "name": contract.bloc.name,
            "region": contract.bloc.region,
        },
        "members": agg.members,
        "missing": agg.missing,
        "totals": agg.totals,
        "derived": agg.derived,
        "provinces": agg.provinces,
        "sections": [{"id": s.id, "title": s.title_for(agg.period)} for s in form.sections],
        "indicators": [
            {"code": i.code, "label": i.label, "unit": i.unit, "kind": i.kind, "section": i.section}
            for i in form.indicators
        ],
        "derived_indicators": [
            {"code": d.code, "label": d.label, "unit": d.unit} for d in form.derived
        ],
        "sources": [
            {"file": s.file, "sha256": s.sha256, "member": s.member, "cells": s.cells}
            for s in agg.sources
        ],
        "warnings": [  # a file name that is not UTF-8 shown as its bytes, so it can be written
            encodable_data(w.as_dict()) for w in agg.warnings
        ],
        "notes": [encodable_data(n.as_dict()) for n in agg.notes],
        "comparison": comparison,
        "superseded": [
            {
                "file": s.file,
                "sha256": s.sha256,
                "member": s.member,
                "received": s.received.isoformat(),
                "replaced_by": s.replaced_by,
            }
            for s in agg.superseded
        ],
    }


def dumps(value: Any, indent: int = 2, _level: int = 0) -> str:
    """JSON with `Decimal` written as an exact number; everything else as `json` writes it."""
    pad, inner = " " * indent * _level, " " * indent * (_level + 1)
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{inner}{_string(str(k))}: {dumps(v, indent, _level + 1)}" for k, v in value.items()
        ]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        items = [f"{inner}{dumps(v, indent, _level + 1)}" for v in value]
        return "[\n" + ",\n".join(items) + f"\n{pad}]"
    return json.dumps(value, ensure_ascii=False)


_string = json.encoder.encode_basestring  # what `json.dumps(text, ensure_ascii=False)` writes


def read_document(path: Path) -> Document:
    """A saved aggregate; anything else is a clear error, not a traceback."""
    try:
        content = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"Không đọc được {path}: {os_error_text(exc)}.") from exc
    return parse_document(path, content)


def load(path: str | Path) -> Document:
    """One year's aggregate for analysts: the document `aggregate` wrote, numbers as `Decimal`."""
    return read_document(Path(path))


def parse_document(path: Path, content: bytes) -> Document:
    """The document in `content` (the bytes of `path`, which only names it in messages)."""
    not_ours = DocumentError(
        f"{path} không phải là tệp tổng hợp JSON do `ipstat aggregate` ghi "
        "(tong-hop-<năm>.json); hãy chọn đúng tệp đó."
    )
    try:
        document = loads(content.decode("utf-8"))
    except (ValueError, KeyError, TypeError) as exc:  # not JSON, not an object, no year
        raise not_ours from exc
    if "table" in document and "awards" in document:  # the scoring result of `ipstat score`
        raise DocumentError(
            f"{path} là kết quả chấm điểm (cham-diem-<năm>.json) của lệnh ipstat score, không "
            "phải tệp tổng hợp; hãy chọn tệp tong-hop-<năm>.json do ipstat aggregate ghi."
        )
    if REQUIRED_KEYS - document.keys():  # the names of JSON keys say nothing to a clerk
        raise not_ours
    if document.get("period", YEARLY) not in PERIODS:
        raise DocumentError(
            f"{path}: kỳ báo cáo “{document['period']}” không phải là {' hay '.join(PERIODS)}."
        )
    return document


def period_of(document: Document) -> str:
    """A document's period: the year unless it says otherwise."""
    return str(document.get("period") or YEARLY)


def document_name(year: int, period: str | None) -> str:
    """`tong-hop-2017.json`, `tong-hop-2017-6-thang.json`."""
    return f"tong-hop-{year}{suffix(period)}.json"


def require_period(document: Document, path: Path, period: str, wanted: str) -> Document:
    """Like with like: a document of another period is refused, saying which it holds and
    which file would do (`wanted` says what it is needed for, and of which year)."""
    held = period_of(document)
    if held == period:
        return document
    year = int(document["year"])
    whole = "" if held == HALF_YEAR else " (cả năm)"
    raise DocumentError(
        f"{path} là tệp tổng hợp {span(held, year)}{whole}, nhưng {wanted} phải là tệp tổng "
        f"hợp {words(period).name}, như {document_name(year, period)}."
    )


def loads(text: str) -> Document:
    """Numbers come back as `Decimal` (integers too), so sums and ratios stay exact."""
    document: Document = json.loads(text, parse_float=Decimal, parse_int=Decimal)
    document["year"] = int(document["year"])
    return document
