"""The OpenAPI description of human review's JSON routes (/api/review/...), merged into audit/service/openapi.py."""

from __future__ import annotations


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
    "required": ["error", "message"],
}
TEXT = {"type": "object", "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}}
NULLABLE_TEXT = {"type": "string", "nullable": True}
ITEM = {
    "type": "object",
    "required": ["item", "round_id", "subject_key", "check_id", "source", "state", "fingerprint", "verdict"],
    "properties": {
        "item": {"type": "string", "pattern": "^[0-9a-f]{20}$"},
        "round_id": {"type": "integer"},
        "subject_key": {"type": "string"},
        "subject_name": {"type": "string"},
        "url": NULLABLE_TEXT,
        "check_id": {"type": "string"},
        "title": TEXT,
        "how": TEXT,
        "source": {"type": "string", "enum": ["automatic", "manual", "facility"]},
        "state": {"type": "string", "enum": ["pending", "stale", "decided", "carried"]},
        "fingerprint": {"type": "string"},
        "evidence": {"type": "array", "items": {"type": "object"}},
        "verdict": {
            "type": "object",
            "nullable": True,
            "required": ["outcome", "author", "decided_at"],
            "properties": {
                "outcome": {"type": "string", "enum": ["pass", "fail", "n/a"]},
                "note": {"type": "string"},
                "author": {"type": "string"},
                "decided_at": {"type": "string"},
                "carried_from": {"type": "integer", "nullable": True},
            },
        },
        "previous_round": {"type": "integer", "nullable": True},
    },
}
ROUND_ID = {"name": "round_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}
LANG = {"name": "lang", "in": "query", "schema": {"type": "string", "enum": ["zh", "en"]}}
ANSWERS = {
    "400": _json(ERROR, "Bad request"),
    "401": _json(ERROR, "Not signed in (no or bad token)"),
    "404": _json(ERROR, "No such round (or, for a report, no such site in a web round)"),
    "429": _json(ERROR, "Too many requests with a wrong token from this address (Retry-After says when to retry)"),
}
RECORDED = {"type": "object", "required": ["recorded"], "properties": {"recorded": {"type": "integer"}}}
SHEET_PROBLEM = {
    "type": "object",
    "required": ["message"],
    "properties": {
        "message": {"type": "string"},
        "file": {"type": "string"},
        "row": {"type": "integer"},
        "field": {"type": "string"},
        "value": {"type": "string"},
        "expected": {"type": "string"},
    },
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def review_paths() -> dict:
    return {
        "/api/review/{round_id}/queue": {
            "get": {
                "summary": "The round's review queue: automatic 'review' findings and manual criteria, with verdicts "
                "(an inspector sees the facility items of their areas)",
                "parameters": [ROUND_ID, LANG],
                "responses": {"200": _json({"type": "array", "items": ITEM}), **ANSWERS},
            }
        },
        "/api/review/{round_id}/verdicts": {
            "post": {
                "summary": "Record verdicts (all or none) as the caller; the round is rescored",
                "parameters": [ROUND_ID, LANG],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["verdicts"],
                                "properties": {
                                    "verdicts": {
                                        "type": "array",
                                        "minItems": 1,
                                        "maxItems": 5000,
                                        "items": {
                                            "type": "object",
                                            "required": ["item", "outcome"],
                                            "properties": {
                                                "item": {"type": "string"},
                                                "outcome": {"type": "string", "enum": ["pass", "fail", "n/a"]},
                                                "note": {"type": "string", "maxLength": 2000},
                                            },
                                        },
                                    }
                                },
                            }
                        }
                    },
                },
                "responses": {
                    "201": _json(RECORDED, "Recorded"),
                    "403": _json(
                        ERROR, "Not allowed: web items are judged by admins, facility items by their area's inspectors"
                    ),
                    "422": _json(ERROR, "An item not in the queue, or a verdict other than pass, fail or n/a"),
                    **ANSWERS,
                },
            }
        },
        "/api/review/{round_id}/queue.xlsx": {
            "get": {
                "summary": "The queue as a workbook to judge offline (text cells guarded against formulas)",
                "parameters": [ROUND_ID, LANG],
                "responses": {
                    "200": {
                        "description": "The workbook",
                        "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}},
                    },
                    **ANSWERS,
                },
            }
        },
        "/api/review/{round_id}/verdicts.xlsx": {
            "post": {
                "summary": "Import a filled workbook's verdicts (admins); any bad row refuses the whole file",
                "parameters": [ROUND_ID, LANG],
                "requestBody": {
                    "required": True,
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "required": ["file"],
                                "properties": {"file": {"type": "string", "format": "binary"}},
                            }
                        }
                    },
                },
                "responses": {
                    "201": _json(RECORDED, "Recorded"),
                    "403": _json(ERROR, "Not an admin"),
                    "413": _json(ERROR, "Too large"),
                    "422": _json(
                        {
                            "type": "object",
                            "required": ["error", "message", "problems"],
                            "properties": {
                                "error": {"type": "string"},
                                "message": {"type": "string"},
                                "problems": {"type": "array", "items": SHEET_PROBLEM},
                            },
                        },
                        "Refused: every bad row by file, row and field",
                    ),
                    **ANSWERS,
                },
            }
        },
        "/api/review/{round_id}/report": {
            "get": {
                "summary": "A site's conformance evaluation of a web round: JSON, JSON-LD for W3C's WCAG-EM Report Tool, "
                "or HTML",
                "parameters": [
                    ROUND_ID,
                    LANG,
                    {"name": "site", "in": "query", "schema": {"type": "string"}, "description": "site:<origin>"},
                    {"name": "format", "in": "query", "schema": {"type": "string", "enum": ["json", "jsonld", "html"]}},
                ],
                "responses": {
                    "200": {
                        "description": "The evaluation",
                        "content": {
                            "application/json": {"schema": {"type": "object"}},
                            "application/ld+json": {"schema": {"type": "object"}},
                            "text/html": {"schema": {"type": "string"}},
                        },
                    },
                    **ANSWERS,
                },
            }
        },
    }
