"""Cross-origin resource sharing for the API, without an extra dependency.

Configured by ``CORS_ORIGINS`` (``SLANT_CORS_ORIGINS``): ``"*"`` for any origin,
a tuple of exact origins, or empty for no CORS headers at all (the default).
Applies to ``/v1/*`` and ``/openapi.json``. Preflight requests (``OPTIONS``
with ``Origin`` and ``Access-Control-Request-Method``) to an existing route are
answered ``204`` with the allowed methods and headers; requests from origins
not allowed get no CORS headers, so the browser blocks them. No credentials.
"""

from __future__ import annotations

from flask import Flask, current_app, request

CORS_PATHS = ("/v1/", "/openapi.json")
ALLOW_HEADERS = "Authorization, Content-Type, X-Request-ID"
EXPOSE_HEADERS = "X-Request-ID"


def allowed_origin() -> str | None:
    """The value for ``Access-Control-Allow-Origin``, or ``None`` for no CORS headers."""
    origins = current_app.config.get("CORS_ORIGINS") or ()
    origin = request.headers.get("Origin")
    if not origins or not origin or not request.path.startswith(CORS_PATHS):
        return None
    if origins == "*":
        return "*"
    return origin if origin in origins else None


def _is_preflight() -> bool:
    return (request.method == "OPTIONS" and "Origin" in request.headers
            and "Access-Control-Request-Method" in request.headers)


def preflight():
    """``before_request``: answer a CORS preflight for an allowed origin and an existing route."""
    if not _is_preflight() or request.routing_exception is not None or request.url_rule is None:
        return None
    origin = allowed_origin()
    if origin is None:
        return None  # Flask's automatic OPTIONS answer, without CORS headers
    response = current_app.make_response(("", 204))
    methods = sorted(m for m in request.url_rule.methods if m not in ("HEAD",))
    response.headers["Access-Control-Allow-Methods"] = ", ".join(methods)
    response.headers["Access-Control-Allow-Headers"] = ALLOW_HEADERS
    response.headers["Access-Control-Max-Age"] = str(current_app.config["CORS_MAX_AGE"])
    return response


def add_cors_headers(response):
    """``after_request``: add ``Access-Control-Allow-Origin`` (and ``Vary``) when allowed."""
    origins = current_app.config.get("CORS_ORIGINS") or ()
    if origins and origins != "*" and request.path.startswith(CORS_PATHS):
        response.vary.add("Origin")
    origin = allowed_origin()
    if origin is not None:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
    return response


def init_cors(app: Flask) -> None:
    """Register the CORS hooks on ``app`` (they do nothing while ``CORS_ORIGINS`` is empty)."""
    app.before_request(preflight)
    app.after_request(add_cors_headers)
