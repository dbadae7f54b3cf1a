"""A JSON Schema of one submission, generated from the catalogue, for tools that build forms."""

from typing import Any

from ipstat.contract.blocs import FIRST_YEAR, LAST_YEAR
from ipstat.contract.model import Contract


def submission_schema(contract: Contract) -> dict[str, Any]:
    form = contract.form
    info = {f.code: {"title": f.label, **_info_type(f.kind, contract)} for f in form.info_fields}
    figures = {
        i.code: {
            "title": i.label,
            "description": f"Mục {i.section}; đơn vị: {i.unit}",
            "type": "integer" if i.is_count else "number",
            "minimum": 0,
        }
        for i in form.indicators
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"{form.title} ({form.version})",
        "type": "object",
        "required": ["info", "figures"],
        "additionalProperties": False,
        "properties": {
            "info": {
                "type": "object",
                "title": form.info_sheet.name,
                "properties": info,
                "required": [f.code for f in form.info_fields if f.required],
            },
            "figures": {
                "type": "object",
                "title": form.figures_sheet.name,
                "properties": figures,
                "required": list(figures),
                "additionalProperties": False,
            },
        },
    }


def _info_type(kind: str, contract: Contract) -> dict[str, Any]:
    if kind == "member":
        return {"type": "string", "enum": contract.bloc.names}
    if kind == "year":
        return {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR}
    if kind == "date":
        return {"type": "string", "format": "date"}
    if kind == "period":  # absent: the year; read folded, so these are the forms' spellings
        spellings = [s for period in contract.form.periods for s in period.spellings]
        return {"type": "string", "enum": spellings}
    return {"type": "string"}
