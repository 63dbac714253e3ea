"""``POST /v1/feedback``: an editor says a sentence's label is wrong.

Body (JSON object): ``text`` (the sentence, 1-5,000 characters), ``predicted``
and ``corrected`` (each ``factual``/``opinion``/``loaded``), optional strings
``model_version``, ``document_id``, ``url``. Needs ``@require_token("write")``.
Stored by :mod:`service.storage`; a repeat of the same (text, corrected,
document_id) answers ``200`` with the first row's id, a new one ``201``.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from model.pipeline import LABELS
from service import storage
from service.auth import require_token
from service.classify import _type_name, read_json_object, validate_text
from service.errors import APIError

bp = Blueprint("feedback", __name__, url_prefix="/v1")

MAX_TEXT_CHARS = 5_000
OPTIONAL_LIMITS = {"model_version": 200, "document_id": 500, "url": 2_000}


def _label(payload: dict, field: str) -> str:
    if field not in payload:
        raise APIError(400, "missing_field", f"{field} is required: one of {', '.join(LABELS)}")
    value = payload[field]
    if not isinstance(value, str):
        raise APIError(400, "invalid_field", f"{field} must be a string, got {_type_name(value)}")
    if value not in LABELS:
        raise APIError(400, "invalid_label", f"{field} must be one of {', '.join(LABELS)}, got {value!r}")
    return value


def parse_feedback(payload: dict) -> dict:
    """Validate a feedback body and return the fields to store."""
    if "text" not in payload:
        raise APIError(400, "missing_field", "text (the sentence whose label is wrong) is required")
    text = validate_text(payload["text"])
    if len(text) > MAX_TEXT_CHARS:
        raise APIError(400, "text_too_long",
                       f"text is {len(text)} characters long; the limit for feedback is {MAX_TEXT_CHARS}")
    fields = {"text": text, "predicted": _label(payload, "predicted"), "corrected": _label(payload, "corrected")}
    for field, limit in OPTIONAL_LIMITS.items():
        value = payload.get(field)
        if value is not None and not isinstance(value, str):
            raise APIError(400, "invalid_field", f"{field} must be a string, got {_type_name(value)}")
        if value is not None and len(value) > limit:
            raise APIError(400, "invalid_field", f"{field} is longer than {limit} characters")
        fields[field] = value or None
    return fields


@bp.post("/feedback")
@require_token("write")
def feedback():
    """Store a label correction; ``{"id", "created"}``, 201 when new, 200 for a repeat."""
    fields = parse_feedback(read_json_object())
    with storage.connect(current_app.config.get("FEEDBACK_DB")) as conn:
        row_id, created = storage.add_feedback(conn, **fields)
    response = jsonify({"id": row_id, "created": created})
    response.status_code = 201 if created else 200
    return response


def openapi_paths() -> dict:
    """OpenAPI path items of this blueprint (merged by :mod:`service.openapi`)."""
    from service.openapi import json_response

    ref = "#/components/schemas/"
    body = {"type": "object", "required": ["id", "created"], "additionalProperties": False,
            "properties": {"id": {"type": "string"}, "created": {"type": "boolean"}}}
    label = {"type": "string", "enum": list(LABELS)}
    request = {"type": "object", "required": ["text", "predicted", "corrected"],
               "properties": {"text": {"type": "string", "minLength": 1, "maxLength": MAX_TEXT_CHARS,
                                       "pattern": r"\S"},
                              "predicted": label, "corrected": label,
                              **{k: {"type": ["string", "null"], "maxLength": n}
                                 for k, n in OPTIONAL_LIMITS.items()}}}

    error = {"$ref": ref + "Error"}
    return {"/v1/feedback": {"post": {
        "operationId": "feedback", "tags": ["feedback"], "summary": "Report a wrong label",
        "description": "Needs `Authorization: Bearer <SLANT_API_TOKEN>` unless SLANT_WRITE_AUTH=open. "
                       "Idempotent on (text, corrected, document_id).",
        "requestBody": {"required": True, "content": {"application/json": {"schema": request}}},
        "responses": {
            "201": json_response(body, "Stored; `created` is true."),
            "200": json_response(body, "Already stored earlier; the same id, `created` false."),
            "400": json_response(error, "Invalid body (`invalid_json`, `missing_field`, `invalid_field`, "
                               "`invalid_label`, `empty_text`, `invalid_text`, `text_too_long`)."),
            "401": json_response(error, "No bearer token (`unauthorized`)."),
            "403": json_response(error, "Wrong token (`forbidden`) or no token configured (`auth_not_configured`)."),
            "413": json_response(error, "Body too large (`payload_too_large`)."),
            "415": json_response(error, "Content-Type is not application/json (`unsupported_media_type`)."),
            "429": json_response(error, "Over SLANT_RATE_LIMIT requests per minute (`rate_limited`; `Retry-After`)."),
        }}}}
