"""Bearer-token checks for admin, write and read endpoints.

``@require_token("admin")`` always needs ``Authorization: Bearer <SLANT_API_TOKEN>``;
``@require_token("write")`` needs it unless ``SLANT_WRITE_AUTH=open``; the read
endpoints (:data:`READ_ENDPOINTS`) need it when ``SLANT_READ_AUTH=token``. Tokens are
compared in constant time and never logged. Missing token → 401, wrong
token → 403, admin API without a configured token → 403.
"""

from __future__ import annotations

import hmac
from functools import wraps

from flask import current_app, request

from service.errors import APIError

#: Flask endpoints closed by ``SLANT_READ_AUTH=token`` (health, readiness, OpenAPI, demo stay open).
READ_ENDPOINTS = frozenset({"classify.classify", "health.model_info"})


def _presented_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def check_token(scope: str) -> None:
    """Raise :class:`APIError` unless the request may use a ``scope`` (``admin``/``write``) endpoint."""
    if scope == "write" and current_app.config.get("WRITE_AUTH") == "open":
        return
    if scope == "read" and current_app.config.get("READ_AUTH", "open") == "open":
        return
    expected = current_app.config.get("API_TOKEN")
    if not expected:
        raise APIError(403, "auth_not_configured",
                       f"this {scope} endpoint is disabled: the operator has not set SLANT_API_TOKEN")
    presented = _presented_token()
    if presented is None:
        raise APIError(401, "unauthorized", "send the API token as 'Authorization: Bearer <token>'")
    if not hmac.compare_digest(presented.encode("utf-8", "surrogatepass"), expected.encode("utf-8")):
        raise APIError(403, "forbidden", "the API token is not valid")


def require_token(scope: str):
    """Decorator for a view that needs :func:`check_token` of ``scope``."""
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            check_token(scope)
            return view(*args, **kwargs)
        return wrapped
    return decorate


def check_read_access() -> None:
    """``before_request``: the token check for :data:`READ_ENDPOINTS` (not for CORS preflights)."""
    if request.endpoint in READ_ENDPOINTS and request.method != "OPTIONS":
        check_token("read")
