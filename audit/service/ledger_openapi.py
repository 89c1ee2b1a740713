"""The OpenAPI description of the ledger's JSON routes (/api/ledger/...), merged into audit/service/openapi.py."""

from __future__ import annotations

from audit.model.problems import STATES


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
    "required": ["error", "message"],
}
NULLABLE_TEXT = {"type": "string", "nullable": True}
PROBLEM = {
    "type": "object",
    "required": ["id", "reference", "subject_key", "check_id", "severity", "status", "first_seen", "age_days"],
    "properties": {
        "id": {"type": "string"},
        "reference": {"type": "string"},
        "subject_key": {"type": "string"},
        "subject_name": {"type": "string"},
        "check_id": {"type": "string"},
        "severity": {"type": "string", "enum": ["critical", "serious", "moderate", "minor"]},
        "status": {"type": "string", "enum": list(STATES)},
        "area_code": NULLABLE_TEXT,
        "first_seen": {"type": "string"},
        "last_seen": {"type": "string"},
        "first_round": {"type": "integer", "nullable": True},
        "last_round": {"type": "integer", "nullable": True},
        "age_days": {"type": "integer"},
        "overdue": {"type": "boolean"},
        "measured": {"nullable": True},
        "required": {"nullable": True},
        "photo": NULLABLE_TEXT,
        "unit": NULLABLE_TEXT,
        "deadline": NULLABLE_TEXT,
        "rectified_note": {"type": "string"},
        "rectified_photo": NULLABLE_TEXT,
        "closed_at": NULLABLE_TEXT,
    },
}
EVENT = {
    "type": "object",
    "required": ["at", "by", "to"],
    "properties": {
        "at": {"type": "string"},
        "by": {"type": "string", "description": "an account name, or 'inspection' for a stored round"},
        "from": NULLABLE_TEXT,
        "to": {"type": "string", "enum": list(STATES)},
        "note": {"type": "string"},
        "photo": NULLABLE_TEXT,
        "round_id": {"type": "integer", "nullable": True},
    },
}
PROBLEM_ID = {"name": "problem_id", "in": "path", "required": True, "schema": {"type": "string"}}
ANSWERS = {
    "400": _json(ERROR, "Bad request"),
    "401": _json(ERROR, "Not signed in (no or bad token)"),
    "403": _json(ERROR, "Not allowed: outside your areas, or not your role"),
    "404": _json(ERROR, "No such problem"),
    "429": _json(ERROR, "Too many requests with a wrong token from this address (Retry-After says when to retry)"),
}
ACTIONS = {
    "assign": (
        "An official gives a problem of their areas to a responsible unit with a deadline",
        "application/x-www-form-urlencoded",
        {
            "type": "object",
            "required": ["unit", "deadline"],
            "properties": {
                "unit": {"type": "string", "description": "a unit account covering the problem's area"},
                "deadline": {"type": "string", "format": "date"},
                "note": {"type": "string"},
            },
        },
    ),
    "rectify": (
        "The responsible unit reports the fix, with a note and (for a facility) a photo",
        "multipart/form-data",
        {
            "type": "object",
            "required": ["note"],
            "properties": {"note": {"type": "string"}, "photo": {"type": "string", "format": "binary"}},
        },
    ),
    "review": (
        "An inspector of the area verifies a rectified problem, or reopens it with a reason",
        "application/x-www-form-urlencoded",
        {
            "type": "object",
            "required": ["decision"],
            "properties": {"decision": {"type": "string", "enum": ["verify", "reopen"]}, "note": {"type": "string"}},
        },
    ),
}


def _action(summary: str, media: str, schema: dict) -> dict:
    return {
        "summary": summary,
        "parameters": [PROBLEM_ID],
        "requestBody": {"required": True, "content": {media: {"schema": schema}}},
        "responses": {
            "200": _json(PROBLEM, "The problem in its new state"),
            "409": _json(ERROR, "Not in a state this action applies to"),
            "422": _json(ERROR, "Bad input: no unit of that area, a bad deadline, no note, no photo"),
            **ANSWERS,
        },
    }


def ledger_paths() -> dict:
    listing = {
        "type": "object",
        "required": ["total", "problems"],
        "properties": {"total": {"type": "integer"}, "problems": {"type": "array", "items": PROBLEM}},
    }
    detail = {**PROBLEM, "properties": {**PROBLEM["properties"], "history": {"type": "array", "items": EVENT}}}
    paths = {
        "/api/ledger/problems": {
            "get": {
                "summary": "Problems you may see (your areas; a unit: its own), oldest first",
                "parameters": [
                    {"name": "area", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]{6}$"}},
                    {"name": "status", "in": "query", "schema": {"type": "string", "enum": list(STATES)}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
                    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                ],
                "responses": {"200": _json(listing), **ANSWERS},
            }
        },
        "/api/ledger/problems/{problem_id}": {
            "get": {
                "summary": "One problem with its history",
                "parameters": [PROBLEM_ID],
                "responses": {"200": _json(detail), **ANSWERS},
            }
        },
    }
    for action, (summary, media, schema) in ACTIONS.items():
        paths[f"/api/ledger/problems/{{problem_id}}/{action}"] = {"post": _action(summary, media, schema)}
    return paths
