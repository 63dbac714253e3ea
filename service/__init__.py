"""Slant HTTP service: a Flask application factory.

>>> from service import create_app
>>> app = create_app()            # loads and verifies the shipped model

The model is loaded once, in :func:`create_app`, so gunicorn's ``preload_app``
loads it in the master before forking workers; a model that fails to load or
verify stops the start with :class:`model.ModelLoadError` (never a silent start
that answers 500s). See :mod:`service.config` for settings.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Mapping

from flask import Flask, g, request

from model import ModelLoadError, load_model
from service import config as config_module
from service.config import ConfigError
from service.cors import init_cors
from service.errors import APIError, register_error_handlers

__all__ = ["APIError", "ConfigError", "ModelLoadError", "create_app"]

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_WARM_UP = ["The council approved the budget on Tuesday."]
#: A short article classified at start-up (in the gunicorn master, before the workers fork):
#: it runs every path a real request takes (splitting, the batched cue scan, scoring), so
#: whatever the model builds on first use is built once and shared copy-on-write by the
#: workers, instead of making each new worker's first request slow (0.1-0.2 s when the cue
#: tables were built lazily; cheap insurance now, a few ms once at start-up).
WARM_UP_ARTICLE = " ".join([
    "The city council approved a budget of 48 million on Tuesday.",
    "A spokesperson for the ministry said the project would be finished in 18 months.",
    "The harbour authority published its annual report on Friday.",
    "Opposition lawmakers voted 12 to 3 to delay the decision.",
    "I think the plan deserves a second look.",
    "In my view, the council should have waited.",
    "The so-called \u201creform\u201d is a shameless giveaway!",
    "This DISASTROUS plan was rammed through.",
    "Critics call the scheme an outrageous betrayal of taxpayers.",
    "Is this really the best the city can do?",
    "The (alleged) savings are a fantasy, residents said.",
    "Caf\u00e9 owners on the na\u00efve side of the square were not consulted.",
])


def _assign_request_id() -> None:
    """``before_request``: echo a sane incoming ``X-Request-ID`` or make a new one."""
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if _SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


def _add_request_id(response):
    """``after_request``: put the request id on every response."""
    response.headers[REQUEST_ID_HEADER] = g.get("request_id") or uuid.uuid4().hex
    response.headers.setdefault("X-Content-Type-Options", "nosniff")  # JSON is never sniffed as HTML
    return response


def _load(app: Flask):
    """Load, verify and warm up the model configured for ``app``."""
    preloaded = app.config.get("MODEL")
    if preloaded is not None:  # tests share one loaded model between apps
        return preloaded
    model_dir = app.config.get("MODEL_DIR")
    try:
        model = load_model(model_dir)
    except ModelLoadError as exc:
        raise ModelLoadError(f"Slant service cannot start: {exc}") from exc
    try:
        model.classify_sentences(_WARM_UP)
        model.classify_text(WARM_UP_ARTICLE)
    except Exception as exc:
        raise ModelLoadError(
            f"Slant service cannot start: the model in {model.model_dir} failed a test classification: {exc}"
        ) from exc
    app.logger.info("loaded model %s %s from %s", model.name, model.version, model.model_dir)
    warn_if_manifest_writable(app, model.model_dir)
    return model


def warn_if_manifest_writable(app: Flask, model_dir) -> bool:
    """Log a warning when the service's user could rewrite the model manifest.

    The service itself only ever reads ``manifest.json``; a manifest the
    service user can write would let a compromised worker bless a swapped
    artifact, so production deployments should make the model directory
    read-only to that user (documented in ``docs/operations.md``).
    """
    if model_dir is None:
        return False
    manifest = os.path.join(str(model_dir), "manifest.json")
    writable = os.access(manifest, os.W_OK)
    if writable:
        app.logger.warning("model manifest %s is writable by the service user; deploy the model "
                           "directory read-only so the hash check cannot be bypassed", manifest)
    return writable


def create_app(test_config: Mapping[str, object] | None = None) -> Flask:
    """Create the Slant Flask application.

    Parameters
    ----------
    test_config : Mapping, optional
        Settings applied on top of the defaults and the ``SLANT_*`` environment
        variables, e.g. ``{"TESTING": True, "MAX_SENTENCES": 10}``. The extra
        key ``MODEL`` may hold an already loaded model to use instead of
        loading ``MODEL_DIR``.

    Returns
    -------
    flask.Flask

    Raises
    ------
    service.config.ConfigError
        If a setting is invalid (the message names the variable).
    model.ModelLoadError
        If the model is missing, fails verification or cannot classify.
    """
    app = Flask(__name__, static_folder=None)
    app.json.sort_keys = False  # keep the model's field order (index, start, end, text, label ...)
    app.config.from_mapping(config_module.DEFAULTS)
    app.config.update(config_module.from_env())
    if test_config is not None:
        app.config.update(test_config)
    app.config.update(config_module.validate(app.config))

    app.extensions["slant_model"] = _load(app)

    app.before_request(_assign_request_id)
    from service.auth import check_read_access
    from service.observability import init_observability
    from service.ratelimit import init_rate_limit

    init_observability(app)  # JSON request log, /metrics
    init_rate_limit(app)  # SLANT_RATE_LIMIT
    app.before_request(check_read_access)  # SLANT_READ_AUTH
    init_cors(app)
    app.after_request(_add_request_id)
    register_error_handlers(app)

    from service import classify, health, openapi

    app.register_blueprint(health.bp)
    app.register_blueprint(classify.bp)
    app.register_blueprint(openapi.bp)
    from service import demo, feedback  # the browser embedding and /v1/feedback

    app.register_blueprint(demo.bp)
    app.register_blueprint(feedback.bp)
    from service import admin  # POST /v1/admin/reload and the per-worker model-directory watch

    admin.init_app(app)
    app.register_blueprint(admin.bp)
    return app
