"""Bearer-token checks for admin and write endpoints.

``@require_token("admin")`` always needs ``Authorization: Bearer <SLANT_API_TOKEN>``;
``@require_token("write")`` needs it unless ``SLANT_WRITE_AUTH=open``. Tokens are
compared in constant time and never logged. Missing token → 401, wrong
token → 403, admin API without a configured token → 403.
"""

from __future__ import annotations

import hmac
from functools import wraps

from flask import current_app, request

from service.errors import APIError


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
