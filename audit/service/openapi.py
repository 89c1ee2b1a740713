"""The OpenAPI 3.0 description of the JSON API, served at /api/openapi.json and fuzzed by the tests."""

from __future__ import annotations

from audit import __version__
from audit.service.accounts import ROLES
from audit.service.ledger_openapi import ledger_paths
from audit.service.review_openapi import review_paths


def _json(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = {
    "type": "object",
    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
    "required": ["error", "message"],
}
PROBLEM = {
    "type": "object",
    "properties": {
        "message": {"type": "string"},
        "file": {"type": "string"},
        "row": {"type": "integer"},
        "field": {"type": "string"},
        "value": {},
        "expected": {"type": "string"},
        "level": {"type": "string", "enum": ["error", "warning"]},
        "key": {"type": "string"},
    },
    "required": ["message"],
}
ME = {
    "type": "object",
    "required": ["username", "role", "areas"],
    "properties": {
        "username": {"type": "string"},
        "role": {"type": "string", "enum": list(ROLES)},
        "areas": {"type": "array", "items": {"type": "string", "pattern": "^[0-9]{6}$"}},
    },
}
CHECKLIST = {
    "type": "object",
    "required": ["id", "title", "category", "version"],
    "properties": {
        "id": {"type": "string"},
        "title": {"type": "object", "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}},
        "category": {"type": "string"},
        "version": {"type": "integer"},
    },
}
UPLOAD = {
    "type": "object",
    "required": ["id", "username", "received_at", "channel", "checklist", "files", "result", "subjects", "problems"],
    "properties": {
        "id": {"type": "integer"},
        "user_id": {"type": "integer", "nullable": True},
        "username": {"type": "string"},
        "received_at": {"type": "string"},
        "finished_at": {"type": "string", "nullable": True},
        "channel": {"type": "string", "enum": ["form", "api"]},
        "checklist": {"type": "string"},
        "files": {"type": "array", "items": {"type": "object"}},
        "result": {"type": "string", "enum": ["received", "accepted", "rejected", "refused", "failed"]},
        "round_id": {"type": "integer", "nullable": True},
        "subjects": {"type": "array", "items": {"type": "string"}},
        "problems": {"type": "array", "items": PROBLEM},
    },
}
ROUND = {
    "type": "object",
    "required": ["id", "kind", "status", "started_at"],
    "properties": {
        "id": {"type": "integer"},
        "kind": {"type": "string", "enum": ["web", "facility"]},
        "label": {"type": "string", "nullable": True},
        "status": {"type": "string"},
        "started_at": {"type": "string"},
        "finished_at": {"type": "string", "nullable": True},
        "meta": {"type": "object"},
    },
}
SUBJECT = {
    "type": "object",
    "required": ["key", "kind", "category", "name"],
    "properties": {
        "key": {"type": "string"},
        "kind": {"type": "string"},
        "category": {"type": "string"},
        "name": {"type": "string"},
        "area_code": {"type": "string", "nullable": True},
        "url": {"type": "string", "nullable": True},
        "geometry": {"type": "object", "nullable": True},
        "attributes": {"type": "object"},
    },
}
SCORE = {
    "type": "object",
    "required": ["subject_key", "coverage"],
    "properties": {
        "subject_key": {"type": "string"},
        "score": {"type": "number", "nullable": True},
        "grade": {"type": "string", "nullable": True},
        "compliant": {"type": "boolean", "nullable": True},
        "coverage": {"type": "number"},
        "state": {"type": "string", "enum": ["graded", "insufficient"]},
        "reasons": {"type": "array", "items": {"type": "string"}},
        "counts": {"type": "object"},
        "failed_checks": {"type": "array"},
        "blocking_checks": {"type": "array"},
        "version": {"type": "string"},
    },
}
SUBMISSION_RESULT = {
    "type": "object",
    "required": ["result", "problems"],
    "properties": {
        "upload_id": {"type": "integer", "nullable": True},
        "round_id": {"type": "integer", "nullable": True},
        "result": {"type": "string", "enum": ["accepted", "rejected", "refused"]},
        "problems": {"type": "array", "items": PROBLEM},
        "facilities": {"type": "array", "items": {"type": "object"}},
    },
}

PAGING = [
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}},
    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 0}},
]
UPLOAD_ID = {"name": "upload_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}
WITHDRAWN = {
    "type": "object",
    "required": ["upload_id", "round_id", "withdrawn", "message"],
    "properties": {
        "upload_id": {"type": "integer"},
        "round_id": {"type": "integer", "nullable": True},
        "withdrawn": {"type": "array", "items": {"type": "string"}, "description": "facility keys taken out"},
        "message": {"type": "string"},
    },
}
ROUND_ID = {"name": "round_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 0}}
COMMON = {"401": _json(ERROR, "Not signed in (no or bad token)"), "400": _json(ERROR, "Bad request")}


def _op(summary: str, ok: dict, *, parameters: list | None = None, extra: dict | None = None, **rest) -> dict:
    responses = {"200": ok, **COMMON, **(extra or {})}
    return {"summary": summary, "parameters": parameters or [], "responses": responses, **rest}


def spec() -> dict:
    not_found = {"404": _json(ERROR, "Not found")}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "a11y-audit upload service",
            "version": __version__,
            "description": "Field checklists in, scores out. Authenticate with `Authorization: Bearer <token>` "
            "(tokens from `a11y-audit serve users token NAME`). Messages are Chinese by default, "
            "English with `lang=en`.",
        },
        "servers": [{"url": "/"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": {
            "/api/me": {"get": _op("The signed-in account", _json(ME))},
            "/api/checklists": {
                "get": _op("Facility checklists that can be uploaded", _json({"type": "array", "items": CHECKLIST}))
            },
            "/api/submissions": {
                "post": {
                    "summary": "Upload a field checklist (files and photos); validated, scored and stored in one step",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "multipart/form-data": {
                                "schema": {
                                    "type": "object",
                                    "required": ["checklist", "files"],
                                    "properties": {
                                        "checklist": {
                                            "type": "string",
                                            "description": "Checklist id, e.g. accessible-toilets",
                                        },
                                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}},
                                        "photos": {"type": "array", "items": {"type": "string", "format": "binary"}},
                                        "partial": {
                                            "type": "boolean",
                                            "description": "Store the good rows even if some are bad",
                                        },
                                        "campaign": {
                                            "type": "string",
                                            "maxLength": 200,
                                            "description": "The campaign to join: its id or label (GET "
                                            "/api/rounds?kind=facility lists them). Empty: the open campaign of "
                                            "the rows' area for today's quarter. Unknown: 422; closed: 409; an "
                                            "inspector's campaign must overlap their areas (403) and hold every "
                                            "row (422)",
                                        },
                                        "lang": {"type": "string", "enum": ["zh", "en"]},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {
                        "201": _json(SUBMISSION_RESULT, "Accepted: the facilities and their scores"),
                        "422": _json(SUBMISSION_RESULT, "Rejected: every problem, by file, row and field"),
                        "403": _json(
                            {"oneOf": [SUBMISSION_RESULT, ERROR]},
                            "Not an inspector, a facility outside your areas, or a campaign that does not overlap them",
                        ),
                        "409": _json(SUBMISSION_RESULT, "Refused: the chosen campaign (or this quarter's) is closed"),
                        "413": _json(
                            {"oneOf": [SUBMISSION_RESULT, ERROR]},
                            "Too large: over the request's byte limit (an error, in the `lang` of the query)",
                        ),
                        **COMMON,
                    },
                }
            },
            "/api/uploads/{upload_id}": {
                "get": _op(
                    "The record of one upload (inspectors see their own)",
                    _json(UPLOAD),
                    parameters=[
                        {
                            "name": "upload_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 0},
                        }
                    ],
                    extra=not_found,
                )
            },
            "/api/uploads/{upload_id}/withdraw": {
                "post": _op(
                    "Withdraw an accepted upload from its open campaign (inspectors: their own, in their areas)",
                    _json(WITHDRAWN),
                    parameters=[UPLOAD_ID],
                    extra={
                        **not_found,
                        "403": _json(ERROR, "Not an inspector, or a facility of the upload outside your areas"),
                        "409": _json(ERROR, "Already withdrawn, or its campaign is closed"),
                        "422": _json(ERROR, "The upload was not accepted: nothing to withdraw"),
                    },
                )
            },
            "/api/rounds": {
                "get": _op(
                    "Audit rounds, oldest first",
                    _json({"type": "array", "items": ROUND}),
                    parameters=[
                        {"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["web", "facility"]}}
                    ],
                )
            },
            "/api/rounds/{round_id}": {"get": _op("One round", _json(ROUND), parameters=[ROUND_ID], extra=not_found)},
            "/api/rounds/{round_id}/scores": {
                "get": _op(
                    "Scores of a round's subjects (current scoring version)",
                    _json(
                        {
                            "type": "object",
                            "properties": {
                                "round_id": {"type": "integer"},
                                "total": {"type": "integer"},
                                "scores": {"type": "array", "items": SCORE},
                            },
                        }
                    ),
                    parameters=[ROUND_ID, *PAGING],
                    extra=not_found,
                )
            },
            "/api/subjects": {
                "get": _op(
                    "Audited subjects, by area and category",
                    _json({"type": "array", "items": SUBJECT}),
                    parameters=[
                        {"name": "area", "in": "query", "schema": {"type": "string", "pattern": "^[0-9]{6}$"}},
                        {
                            "name": "category",
                            "in": "query",
                            "schema": {
                                "type": "string",
                                "enum": ["information", "roads", "toilets", "buildings", "parking", "scenic"],
                            },
                        },
                        *PAGING,
                    ],
                )
            },
            "/api/subject": {
                "get": _op(
                    "One subject by key",
                    _json(SUBJECT),
                    parameters=[{"name": "key", "in": "query", "required": True, "schema": {"type": "string"}}],
                    extra=not_found,
                )
            },
            **ledger_paths(),
            **review_paths(),
            "/api/openapi.json": {
                "get": {"summary": "This description", "security": [], "responses": {"200": _json({"type": "object"})}}
            },
        },
    }
