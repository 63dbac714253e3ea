"""``POST /v1/classify``: validate the request, classify, map every bad input to a 4xx.

Request body (JSON object, ``Content-Type: application/json``), exactly one of

``text``
    a non-empty string; it is split into sentences and every sentence carries
    ``start``/``end`` code-point offsets into it;
``sentences``
    a non-empty list of non-empty strings, classified as given (no offsets).

``document_id`` (string) is accepted and ignored; other keys are ignored.
"""

from __future__ import annotations

import json
import re
import threading

from flask import Blueprint, current_app, g, jsonify, request

from model.sentence_cache import SentenceCache
from service.errors import APIError, payload_too_large_message

bp = Blueprint("classify", __name__, url_prefix="/v1")

_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_CACHE_LOCK = threading.Lock()


def get_model():
    """The :class:`~model.pipeline.SlantModel` loaded by :func:`service.create_app`."""
    return current_app.extensions["slant_model"]


def get_cache(model):
    """This worker's :class:`~model.sentence_cache.SentenceCache` for ``model``, or ``None`` when off.

    A reloaded model gets a new, empty cache: results of the previous model are never served.
    """
    size = current_app.config.get("RESULT_CACHE", 0)
    if not size:
        return None
    with _CACHE_LOCK:
        owner, cache = current_app.extensions.get("slant_result_cache", (None, None))
        if owner is not model:
            cache = SentenceCache(size)
            current_app.extensions["slant_result_cache"] = (model, cache)
    return cache


def _type_name(value: object) -> str:
    """JSON name of a parsed value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _more_input() -> bool:
    """Whether the client sent more body than the limited stream let through."""
    try:
        return bool(request.environ["wsgi.input"].read(1))
    except Exception:  # a server stream that cannot be read further: assume the worst
        return True


class DuplicateKey(ValueError):
    """An object repeats a key (parsers disagree on which one wins, so it is refused)."""


def _no_duplicate_keys(pairs: list) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen = set()
        key = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise DuplicateKey(f"duplicate key {key[:50]!r}")
    return out


def read_json_object() -> dict:
    """Check the media type and size, parse the body and return the JSON object.

    Raises
    ------
    APIError
        415 ``unsupported_media_type``, 413 ``payload_too_large``,
        400 ``invalid_json`` or 400 ``invalid_body`` (not an object).
    """
    if request.mimetype != "application/json":
        got = request.content_type or "none"
        raise APIError(415, "unsupported_media_type",
                       f"Content-Type must be application/json (got {got})")
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        raise APIError(413, "payload_too_large", payload_too_large_message())
    body = request.get_data(cache=True)
    if request.content_length is None and len(body) >= limit and _more_input():
        # A chunked body is cut at the limit by werkzeug without an error.
        raise APIError(413, "payload_too_large", payload_too_large_message())
    if not body.strip():
        raise APIError(400, "invalid_json", "request body is empty; send a JSON object")
    try:
        payload = json.loads(body, object_pairs_hook=_no_duplicate_keys)
    except DuplicateKey as exc:
        raise APIError(400, "invalid_json", f"request body is not valid JSON for this API: {exc}") from None
    except json.JSONDecodeError as exc:
        raise APIError(400, "invalid_json",
                       f"request body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
                       ) from None
    except UnicodeDecodeError:
        raise APIError(400, "invalid_json", "request body is not valid JSON: it is not UTF-8 text") from None
    except RecursionError:
        raise APIError(400, "invalid_json", "request body is not valid JSON: it is nested too deeply") from None
    except ValueError as exc:  # e.g. an integer literal with too many digits
        raise APIError(400, "invalid_json", f"request body is not valid JSON: {exc}") from None
    if not isinstance(payload, dict):
        raise APIError(400, "invalid_body",
                       f"request body must be a JSON object, got {_type_name(payload)}")
    return payload


def _check_unicode(field: str, value: str) -> None:
    """Reject lone surrogates (``"\\ud800"`` escapes), which are not valid Unicode text."""
    match = _SURROGATE_RE.search(value)
    if match:
        raise APIError(400, "invalid_text",
                       f"{field} contains an unpaired surrogate U+{ord(match.group()):04X} at "
                       f"character {match.start()}; send valid Unicode text")


def validate_text(text: object) -> str:
    """Validate the ``text`` field and return it."""
    if not isinstance(text, str):
        raise APIError(400, "invalid_field", f"text must be a string, got {_type_name(text)}")
    if not text.strip():
        raise APIError(400, "empty_text", "text is empty or whitespace only")
    _check_unicode("text", text)
    return text


def validate_sentences(sentences: object) -> list[str]:
    """Validate the ``sentences`` field against type and configured limits and return it."""
    if not isinstance(sentences, list):
        raise APIError(400, "invalid_field",
                       f"sentences must be an array of strings, got {_type_name(sentences)}")
    if not sentences:
        raise APIError(400, "empty_sentences", "sentences must contain at least one sentence")
    max_sentences = current_app.config["MAX_SENTENCES"]
    if len(sentences) > max_sentences:
        raise APIError(413, "too_many_sentences",
                       f"sentences has {len(sentences)} items; the limit is {max_sentences} per request")
    max_chars = current_app.config["MAX_SENTENCE_CHARS"]
    for index, sentence in enumerate(sentences):
        field = f"sentences[{index}]"
        if not isinstance(sentence, str):
            raise APIError(400, "invalid_field", f"{field} must be a string, got {_type_name(sentence)}")
        if not sentence.strip():
            raise APIError(400, "empty_text", f"{field} is empty or whitespace only")
        if len(sentence) > max_chars:
            raise APIError(413, "sentence_too_long",
                           f"{field} is {len(sentence)} characters long; the limit is {max_chars}")
        _check_unicode(field, sentence)
    return sentences


def parse_request(payload: dict) -> tuple[str, object]:
    """Decide the input kind and validate it.

    Returns
    -------
    tuple
        ``("text", str)`` or ``("sentences", list of str)``.
    """
    has_text, has_sentences = "text" in payload, "sentences" in payload
    if has_text and has_sentences:
        raise APIError(400, "conflicting_fields", "send either text or sentences, not both")
    if not has_text and not has_sentences:
        raise APIError(400, "missing_field",
                       "request must contain text (a string) or sentences (an array of strings)")
    if "document_id" in payload and not isinstance(payload["document_id"], str):
        raise APIError(400, "invalid_field",
                       f"document_id must be a string, got {_type_name(payload['document_id'])}")
    if has_text:
        return "text", validate_text(payload["text"])
    return "sentences", validate_sentences(payload["sentences"])


#: A possible sentence end for Punkt: ``.``/``?``/``!`` before white space or closing punctuation.
_MARK_RE = re.compile(r"[.?!](?=[\s?!)\";}\]*:@'({\[])")


def split_text(model, text: str) -> tuple[list, list[dict]]:
    """Split ``text`` within the configured limits; ``(spans, warnings)``.

    Raises
    ------
    APIError
        413 ``text_too_complex`` (more sentence marks than ``MAX_SENTENCE_MARKS``) or
        413 ``too_many_sentences``.
    """
    max_marks = current_app.config["MAX_SENTENCE_MARKS"]
    # Every mark is a . ? or !, so when there are no more of those than the limit (str.count,
    # fast) the marks cannot exceed it either; otherwise count marks, stopping past the limit.
    if text.count(".") + text.count("?") + text.count("!") > max_marks:
        marks = sum(1 for _ in zip(range(max_marks + 1), _MARK_RE.finditer(text)))
        if marks > max_marks:
            raise APIError(413, "text_too_complex",
                           f"text has more than {max_marks} sentence marks (. ? ! before a space); the limit "
                           "is SLANT_MAX_SENTENCE_MARKS; send it in smaller parts, or pre-split as sentences")
    max_sentences = current_app.config["MAX_SENTENCES"]
    cuts: list[int] = []
    offsets = model.splitter.spans(text, cuts=cuts, limit=max_sentences)
    if len(offsets) > max_sentences:
        raise APIError(413, "too_many_sentences",
                       f"text has more than {max_sentences} sentences; the limit is {max_sentences} per request")
    limit = model.splitter.max_chars
    warnings = [{"code": "sentence_split", "index": i,
                 "message": f"sentence {i} is a longer run cut at the splitter's limit of {limit} characters; "
                            f"it continues in sentence {i + 1}"} for i in cuts]
    return [(s, e, text[s:e]) for s, e in offsets], warnings


@bp.post("/classify")
def classify():
    """Label each sentence factual / opinion / loaded, with scores and cues."""
    kind, value = parse_request(read_json_object())
    model = get_model()
    cache = get_cache(model)
    if kind == "sentences":
        result = model.classify_sentences(value, cache=cache)
    else:
        spans, warnings = split_text(model, value)
        result = model.classify_text(value, spans=spans, cache=cache)
        if warnings:
            result["warnings"] = warnings
    g.sentences, g.model_version = len(result["sentences"]), model.version
    return jsonify(result)
