"""``GET /openapi.json``: the OpenAPI 3.1 description of every endpoint.

The document is built from code so the documented limits (``maxItems``,
``maxLength``), labels and cue types always match the running configuration
and model code. Schemas are JSON Schema 2020-12 (OpenAPI 3.1 dialect).
"""

from __future__ import annotations

from importlib import metadata

from flask import Blueprint, Flask, current_app, jsonify

from model.cues import CUE_TYPES
from model.pipeline import LABELS

bp = Blueprint("openapi", __name__)

REF = "#/components/schemas/"
ERROR_CODES = ("invalid_json", "invalid_body", "missing_field", "conflicting_fields", "invalid_field",
               "empty_text", "empty_sentences", "invalid_text", "payload_too_large", "too_many_sentences",
               "sentence_too_long", "text_too_complex", "unsupported_media_type", "not_found",
               "method_not_allowed", "model_unavailable", "internal_error", "unauthorized", "forbidden",
               "auth_not_configured", "rate_limited")


def _ref(name: str) -> dict:
    return {"$ref": REF + name}


def json_response(schema: dict, description: str) -> dict:
    """A response object with a JSON body and the ``X-Request-ID`` header."""
    return {"description": description,
            "headers": {"X-Request-ID": {"$ref": "#/components/headers/RequestId"}},
            "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return json_response(_ref("Error"), description)


def _rate_limited() -> dict:
    """The 429 response of every ``/v1/*`` operation (``SLANT_RATE_LIMIT``)."""
    response = _error("Over SLANT_RATE_LIMIT requests per minute for this client (`rate_limited`).")
    response["headers"] = {**response["headers"], "Retry-After": {
        "description": "Seconds until a request is allowed again.", "schema": {"type": "integer", "minimum": 1}}}
    return response


def _schemas(config) -> dict:
    """Component schemas, with limits taken from the application ``config``."""
    max_sentences, max_chars = config["MAX_SENTENCES"], config["MAX_SENTENCE_CHARS"]
    text = {"type": "string", "minLength": 1, "pattern": r"\S",
            "description": "Text to split into sentences and classify (UTF-8; offsets are code points)."}
    document_id = {"type": "string", "description": "Caller's document identifier (accepted, currently ignored)."}
    sentences = {"type": "array", "minItems": 1, "maxItems": max_sentences,
                 "items": {"type": "string", "minLength": 1, "maxLength": max_chars, "pattern": r"\S"},
                 "description": "Sentences already split by the caller; classified in order."}
    label_counts = {"type": "object", "required": list(LABELS), "additionalProperties": False,
                    "properties": {label: {"type": "integer", "minimum": 0} for label in LABELS}}
    return {
        "TextRequest": {"type": "object", "required": ["text"], "not": {"required": ["sentences"]},
                        "properties": {"text": text, "document_id": document_id}},
        "SentencesRequest": {"type": "object", "required": ["sentences"], "not": {"required": ["text"]},
                             "properties": {"sentences": sentences, "document_id": document_id}},
        "ClassifyRequest": {"oneOf": [_ref("TextRequest"), _ref("SentencesRequest")],
                            "description": "Exactly one of `text` or `sentences`. The body is limited to "
                                           f"{config['MAX_CONTENT_LENGTH']} bytes and {max_sentences} "
                                           "sentences (counted after splitting `text`)."},
        "ModelInfo": {"type": "object", "required": ["name", "version"], "additionalProperties": False,
                      "properties": {"name": {"type": "string"}, "version": {"type": "string"}}},
        "Scores": {"type": "object", "required": list(LABELS), "additionalProperties": False,
                   "description": "Class probabilities; they sum to 1.",
                   "properties": {label: {"type": "number", "minimum": 0, "maximum": 1} for label in LABELS}},
        "Cue": {"type": "object", "required": ["type", "start", "end", "text"], "additionalProperties": False,
                "description": "A span of the sentence explaining the label; offsets index the sentence "
                               "text in code points, `end` exclusive.",
                "properties": {"type": {"type": "string", "enum": list(CUE_TYPES)},
                               "start": {"type": "integer", "minimum": 0},
                               "end": {"type": "integer", "minimum": 0},
                               "text": {"type": "string"}}},
        "Sentence": {"type": "object", "required": ["index", "text", "label", "scores", "cues"],
                     "additionalProperties": False,
                     "description": "`start`/`end` (code points into the request text, `end` exclusive) "
                                    "are present for `text` input and absent for `sentences` input.",
                     "properties": {"index": {"type": "integer", "minimum": 0},
                                    "start": {"type": "integer", "minimum": 0},
                                    "end": {"type": "integer", "minimum": 0},
                                    "text": {"type": "string"},
                                    "label": {"type": "string", "enum": list(LABELS)},
                                    "scores": _ref("Scores"),
                                    "cues": {"type": "array", "items": _ref("Cue")}}},
        "Summary": {"type": "object", "required": ["counts", "sentences"], "additionalProperties": False,
                    "properties": {"counts": label_counts, "sentences": {"type": "integer", "minimum": 0}}},
        "ClassifyResponse": {"type": "object", "required": ["model", "sentences", "summary"],
                             "additionalProperties": False,
                             "properties": {"model": _ref("ModelInfo"),
                                            "sentences": {"type": "array", "items": _ref("Sentence")},
                                            "summary": _ref("Summary"),
                                            "warnings": {"type": "array", "items": _ref("Warning"),
                                                         "description": "Present only when non-empty."}}},
        "Warning": {"type": "object", "required": ["code", "message"], "additionalProperties": False,
                    "description": "`sentence_split`: sentence `index` is a run longer than the splitter's "
                                   "limit, cut there; it continues in the next sentence.",
                    "properties": {"code": {"type": "string", "enum": ["sentence_split"]},
                                   "message": {"type": "string"},
                                   "index": {"type": "integer", "minimum": 0}}},
        "Error": {"type": "object", "required": ["error"], "additionalProperties": False,
                  "properties": {"error": {
                      "type": "object", "required": ["code", "message"], "additionalProperties": False,
                      "properties": {"code": {"type": "string", "examples": list(ERROR_CODES),
                                              "description": "Stable machine-readable code."},
                                     "message": {"type": "string"}}}}},
        "Health": {"type": "object", "required": ["status"],
                   "properties": {"status": {"type": "string", "const": "ok"}}},
        "Ready": {"type": "object", "required": ["status", "model"],
                  "properties": {"status": {"type": "string", "const": "ready"}, "model": _ref("ModelInfo")}},
        "NotReady": {"type": "object", "required": ["status"],
                     "properties": {"status": {"type": "string", "const": "unavailable"},
                                    "reason": {"type": "string"}}},
        "ModelManifest": {
            "type": "object", "required": ["name", "version", "labels", "files"],
            "description": "The verified model manifest, without private fields.",
            "properties": {
                "name": {"type": "string"}, "version": {"type": "string"}, "format": {"type": "string"},
                "labels": {"type": "array", "items": {"type": "string", "enum": list(LABELS)}},
                "decision_rule": {"type": "string"},
                "created": {"type": "string", "format": "date-time"},
                "training": {"type": "object", "description": "Training data summary and parameters."},
                "metrics": {"type": "object", "description": "Evaluation metrics recorded at training."},
                "versions": {"type": "object", "additionalProperties": {"type": "string"},
                             "description": "Python and library versions the model was built with."},
                "files": {"type": "object", "additionalProperties": {
                    "type": "object", "required": ["sha256", "bytes"],
                    "properties": {"sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                                   "bytes": {"type": "integer", "minimum": 0}}}}}},
    }


def _paths() -> dict:
    classify = {
        "post": {
            "operationId": "classify", "tags": ["classify"],
            "summary": "Label each sentence factual / opinion / loaded",
            "description": "Send `text` (split by the service; sentences carry offsets) or pre-split "
                           "`sentences`. Returns per-sentence label, probabilities and cue spans.",
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": _ref("ClassifyRequest")}}},
            "responses": {
                "200": json_response(_ref("ClassifyResponse"), "Sentences with labels, scores and cues."),
                "400": _error("Malformed JSON or an invalid field (`invalid_json`, `invalid_body`, "
                              "`missing_field`, `conflicting_fields`, `invalid_field`, `empty_text`, "
                              "`empty_sentences`, `invalid_text`)."),
                "405": _error("Method not allowed (`method_not_allowed`); the `Allow` header lists methods."),
                "401": _error("SLANT_READ_AUTH=token and no bearer token (`unauthorized`)."),
                "403": _error("SLANT_READ_AUTH=token and a wrong token (`forbidden`)."),
                "413": _error("Too large (`payload_too_large`, `too_many_sentences`, `sentence_too_long`, "
                              "`text_too_complex`)."),
                "415": _error("Content-Type is not application/json (`unsupported_media_type`)."),
                "429": _rate_limited(),
                "500": _error("Unexpected server error (`internal_error`)."),
            },
        }
    }
    return {
        "/v1/classify": classify,
        "/v1/model": {"get": {
            "operationId": "getModel", "tags": ["meta"], "summary": "Metadata of the loaded model",
            "responses": {"200": json_response(_ref("ModelManifest"), "Model manifest."),
                          "401": _error("SLANT_READ_AUTH=token and no bearer token (`unauthorized`)."),
                          "403": _error("SLANT_READ_AUTH=token and a wrong token (`forbidden`)."),
                          "429": _rate_limited(),
                          "503": _error("No model loaded (`model_unavailable`).")}}},
        "/metrics": {"get": {
            "operationId": "metrics", "tags": ["meta"], "summary": "Prometheus metrics of this worker process",
            "responses": {"200": {"description": "Prometheus text exposition format 0.0.4.",
                                  "headers": {"X-Request-ID": {"$ref": "#/components/headers/RequestId"}},
                                  "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
        "/healthz": {"get": {
            "operationId": "healthz", "tags": ["meta"], "summary": "Liveness probe",
            "responses": {"200": json_response(_ref("Health"), "The process is up.")}}},
        "/readyz": {"get": {
            "operationId": "readyz", "tags": ["meta"], "summary": "Readiness probe",
            "responses": {"200": json_response(_ref("Ready"), "A verified model is loaded."),
                          "503": json_response(_ref("NotReady"), "Not ready to serve.")}}},
        "/openapi.json": {"get": {
            "operationId": "openapi", "tags": ["meta"], "summary": "This OpenAPI document",
            "responses": {"200": json_response({"type": "object"}, "OpenAPI 3.1 document.")}}},
    }


def _extra_paths() -> dict:
    """Paths documented by other blueprints (feedback, demo/embedding)."""
    from service import admin, demo, feedback

    return {**feedback.openapi_paths(), **demo.openapi_paths(), **admin.openapi_paths()}


def build_document(app: Flask) -> dict:
    """Build the OpenAPI document for ``app`` (limits from its config).

    Parameters
    ----------
    app : flask.Flask
        An application made by :func:`service.create_app`.

    Returns
    -------
    dict
        An OpenAPI 3.1.0 document.
    """
    try:
        version = metadata.version("slant")
    except metadata.PackageNotFoundError:
        version = "0.0.0"
    model = app.extensions.get("slant_model")
    return {
        "openapi": "3.1.0",
        "info": {"title": "Slant", "version": version,
                 "description": "Editorial bias classifier: labels each sentence of a news text factual, "
                                "opinion or loaded, with probabilities and explanatory cue spans. Every "
                                "error has the shape `{\"error\": {\"code\", \"message\"}}`.",
                 "license": {"name": "MIT", "identifier": "MIT"},
                 **({"x-model": model.info()} if model is not None else {})},
        "tags": [{"name": "classify"}, {"name": "meta"}, {"name": "feedback"}, {"name": "browser"}],
        "paths": {**_paths(), **_extra_paths()},
        "components": {
            "schemas": _schemas(app.config),
            "headers": {"RequestId": {"description": "Echo of a sane incoming X-Request-ID, else a new id.",
                                      "schema": {"type": "string"}}},
        },
    }


@bp.get("/openapi.json")
def openapi_document():
    """Serve the OpenAPI document."""
    document = current_app.extensions.get("slant_openapi")
    if document is None:
        document = current_app.extensions["slant_openapi"] = build_document(current_app)
    return jsonify(document)
