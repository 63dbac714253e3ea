"""Hot model reload: ``POST /v1/admin/reload`` and a per-worker watch of the model directory.

Reload = verify and load the model (:func:`model.load_model`: hashes, library
versions), classify warm-up sentences and a short article (``service.WARM_UP_ARTICLE``), then replace
``app.extensions["slant_model"]`` in one assignment. Every request reads the
model from there once, so in-flight requests finish on the model they started
with and later ones get the new one; a model that fails any step is refused
and the old one keeps serving.

Under gunicorn with ``preload_app = True`` the model lives in each worker's
copy of the app, and SIGHUP does **not** reload it (the master keeps the app it
preloaded; new workers fork from it, with the model it loaded at start-up).
So each worker also watches the configured model directory: at most every
``SLANT_MODEL_CHECK_SECONDS`` (default 10; 0 turns the watch off) the first
request it serves ``stat``s ``manifest.json``; if the file changed since the
model was loaded the worker reloads as above. ``slant train --out DIR`` moves
``manifest.json`` in last, so a half-written model is never picked up. A
reload through the endpoint affects the worker that answers it (and points
its watch at the new directory); to change every worker, replace the contents
of the configured directory and let the watch pick it up.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request

from model import DEFAULT_MODEL_DIR, ModelLoadError, load_model
from model.artifact import MANIFEST
from service import WARM_UP_ARTICLE
from service.auth import require_token
from service.errors import APIError

bp = Blueprint("admin", __name__, url_prefix="/v1/admin")

WARM_UP = ["The council approved the budget on Tuesday.", "This so-called plan is a DISGRACE!"]
STATE = "slant_reload"


def _stamp(model_dir: Path):
    try:
        st = (Path(model_dir) / MANIFEST).stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def load_checked(model_dir) -> object:
    """Verify, load and warm up the model in ``model_dir``; raise :class:`ModelLoadError` naming the problem."""
    model = load_model(model_dir)
    try:
        model.classify_sentences(WARM_UP)
        model.classify_text(WARM_UP_ARTICLE)  # first-use work happens here, not in the next request
    except Exception as exc:
        raise ModelLoadError(f"the model in {model_dir} failed a test classification: {exc}") from exc
    return model


def init_app(app) -> None:
    """Record what is loaded and install the directory watch (``SLANT_MODEL_CHECK_SECONDS``)."""
    raw = app.config.get("MODEL_CHECK_SECONDS", os.environ.get("SLANT_MODEL_CHECK_SECONDS", "10"))
    try:
        seconds = float(raw)
        if seconds < 0:
            raise ValueError
    except (TypeError, ValueError):
        from service.config import ConfigError
        raise ConfigError(f"SLANT_MODEL_CHECK_SECONDS must be a number of seconds >= 0, got {raw!r}") from None
    model = app.extensions["slant_model"]
    model_dir = Path(app.config.get("MODEL_DIR") or getattr(model, "model_dir", None) or DEFAULT_MODEL_DIR)
    app.extensions[STATE] = {"lock": threading.Lock(), "dir": model_dir, "stamp": _stamp(model_dir),
                             "every": seconds, "checked": time.monotonic(), "failed": None}
    if seconds > 0:
        app.before_request(_watch)


def swap(app, model, model_dir: Path) -> None:
    """Make ``model`` the served model (one dict assignment) and point the watch at ``model_dir``."""
    state = app.extensions[STATE]
    app.extensions["slant_model"] = model
    app.extensions.pop("slant_openapi", None)  # the cached document names the model version
    state["dir"], state["stamp"], state["failed"] = Path(model_dir), _stamp(model_dir), None


def _watch() -> None:
    """``before_request``: reload when the watched ``manifest.json`` changed (checked at most every N s)."""
    app = current_app._get_current_object()
    state = app.extensions[STATE]
    now = time.monotonic()
    if now - state["checked"] < state["every"]:
        return
    state["checked"] = now
    stamp = _stamp(state["dir"])
    if stamp is None or stamp == state["stamp"] or stamp == state["failed"]:
        return
    if not state["lock"].acquire(blocking=False):
        return  # another thread is reloading; keep serving the current model
    try:
        model = load_checked(state["dir"])
    except ModelLoadError as exc:
        state["failed"] = stamp
        app.logger.error("model in %s changed but was refused, still serving %s: %s",
                         state["dir"], app.extensions["slant_model"].version, exc)
        return
    finally:
        state["lock"].release()
    old = app.extensions["slant_model"]
    swap(app, model, state["dir"])
    app.logger.info("model directory %s changed: now serving %s (was %s)", state["dir"], model.version, old.version)


@bp.post("/reload")
@require_token("admin")
def reload():
    """Verify, load and warm up a model, then swap it in; the old model serves until then and on failure."""
    body = request.get_data(cache=True)
    payload = {}
    if body.strip():
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            raise APIError(400, "invalid_json", "the body must be empty or a JSON object like {\"model_dir\": \"...\"}")
    state = current_app.extensions[STATE]
    model_dir = payload.get("model_dir", None)
    if model_dir is not None and (not isinstance(model_dir, str) or not model_dir.strip()):
        raise APIError(400, "invalid_field", "model_dir must be a non-empty string (a directory on the server)")
    model_dir = Path(model_dir) if model_dir else state["dir"]
    if not state["lock"].acquire(blocking=False):
        raise APIError(409, "reload_in_progress", "another reload is in progress; try again")
    started = time.perf_counter()
    old = current_app.extensions["slant_model"]
    try:
        model = load_checked(model_dir)
    except ModelLoadError as exc:
        current_app.logger.error("reload from %s refused, still serving %s: %s", model_dir, old.version, exc)
        raise APIError(422, "model_rejected", f"{exc}; still serving {old.name} {old.version}") from None
    finally:
        state["lock"].release()
    swap(current_app._get_current_object(), model, model_dir)
    current_app.logger.info("reloaded model from %s: now serving %s (was %s)", model_dir, model.version, old.version)
    return jsonify({"status": "reloaded", "model": model.info(), "previous": old.info(),
                    "model_dir": str(model_dir), "seconds": round(time.perf_counter() - started, 3)})


def openapi_paths() -> dict:
    """OpenAPI path items of this blueprint (merged by :mod:`service.openapi`)."""
    from service.openapi import json_response

    error = {"$ref": "#/components/schemas/Error"}
    info = {"type": "object", "required": ["name", "version"],
            "properties": {"name": {"type": "string"}, "version": {"type": "string"}}}
    ok = {"type": "object", "required": ["status", "model", "previous", "model_dir", "seconds"],
          "properties": {"status": {"const": "reloaded"}, "model": info, "previous": info,
                         "model_dir": {"type": "string"}, "seconds": {"type": "number"}}}
    request = {"type": "object", "properties": {"model_dir": {"type": "string", "minLength": 1}}}
    return {"/v1/admin/reload": {"post": {
        "operationId": "reloadModel", "tags": ["meta"], "summary": "Verify, load and swap in a model",
        "description": "Needs `Authorization: Bearer <SLANT_API_TOKEN>`. Without a body, reloads the "
                       "configured model directory. The old model serves until the swap and if the new one is refused.",
        "requestBody": {"required": False, "content": {"application/json": {"schema": request}}},
        "responses": {
            "200": json_response(ok, "The new model is serving."),
            "400": json_response(error, "Body is not a JSON object (`invalid_json`) or bad model_dir (`invalid_field`)."),
            "401": json_response(error, "No bearer token (`unauthorized`)."),
            "403": json_response(error, "Wrong token or admin API disabled (`forbidden`, `auth_not_configured`)."),
            "409": json_response(error, "Another reload is in progress (`reload_in_progress`)."),
            "429": json_response(error, "Over SLANT_RATE_LIMIT requests per minute (`rate_limited`; `Retry-After`)."),
            "422": json_response(error, "The model failed verification, loading or warm-up (`model_rejected`)."),
        }}}}
