"""The scoring result as a JSON document (emulation-scoring.md §6): what the workbook and the
proposal are written from, with every number exact and every point's inputs and sources."""

from collections.abc import Sequence
from typing import Any

from ipstat.base.findings import Finding
from ipstat.base.visible import encodable_data
from ipstat.bloc.document import Document
from ipstat.bloc.scoring import Point, Scoring
from ipstat.contract.model import Contract

SCORE_DOCUMENT_VERSION = 1


def _point(point: Point) -> dict[str, Any]:
    adjustment = point.adjustment
    return {
        "points": point.points,
        "method": point.method,
        "computed": point.computed,
        "inputs": point.inputs,
        "adjustment": {"points": point.points, "reason": adjustment.reason} if adjustment else None,
        "sources": {
            name: f"{s.file} › {s.cell}" if s.cell else s.file for name, s in point.sources.items()
        },
    }


def score_document(
    scoring: Scoring,
    contract: Contract,
    units: dict[str, str],
    warnings: list[Finding],
    notes: Sequence[Finding] = (),
) -> Document:
    """`units`: each member's own name for its board (`don_vi` of its workbook), if given;
    otherwise the bloc file's name of its board."""
    table = scoring.table
    document = {
        "document_version": SCORE_DOCUMENT_VERSION,
        "year": scoring.year,
        "bloc": {"id": contract.bloc.id, "name": contract.bloc.name},
        "table": {
            "name": table.name,
            "places": table.places,
            "authority": table.authority,
            "total_max": table.total_max,
            "groups": [{"code": g.code, "label": g.label} for g in table.group],
            "criteria": [
                {
                    "code": c.code,
                    "group": c.group,
                    "label": c.label,
                    "max": c.max,
                    "ceiling": c.ceiling,
                    "method": c.method,
                    "indicator": c.indicator,
                }
                for c in table.criterion
            ],
        },
        "members": {
            s.member: {
                "unit": units.get(s.member) or contract.bloc.member(s.member).board_name,
                "file": s.file,
                "criteria": {code: _point(p) for code, p in s.points.items()},
                "total": s.total,
                "rank": s.rank,
            }
            for s in scoring.members
        },
        "missing": scoring.missing,
        "awards": [
            {
                "name": r.award.name,
                "max_count": r.award.max_count,
                "min_points": r.award.min_points,
                "members": r.members,
                "tied": r.tied,
                "places_left": r.places_left,
            }
            for r in scoring.awards
        ],
        "warnings": [w.as_dict() for w in warnings],
        "notes": [n.as_dict() for n in notes],
    }
    shown: Document = encodable_data(document)  # type: ignore[assignment]  # file names: `\xff`
    return shown
