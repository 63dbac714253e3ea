"""One JSON error shape for every failure: ``{"error": {"code", "message"}}``.

:class:`APIError` is raised by views for request problems; werkzeug's
:class:`~werkzeug.exceptions.HTTPException` (404, 405, 413 ...) is mapped to the
same shape, keeping its headers (e.g. ``Allow`` on 405); any other exception
becomes a 500 with no details, logged with the request id.
"""

from __future__ import annotations

from flask import Flask, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

#: Error codes for werkzeug's HTTP exceptions; others use their snake-cased name.
HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    500: "internal_error",
}


class APIError(Exception):
    """A client-visible error.

    Parameters
    ----------
    status : int
        HTTP status code.
    code : str
        Stable machine-readable code, e.g. ``"invalid_field"``.
    message : str
        Human-readable explanation naming the offending field or limit.
    """

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def error_response(status: int, code: str, message: str, headers=None):
    """Build the JSON error response.

    Parameters
    ----------
    status : int
        HTTP status code.
    code : str
        Machine-readable error code.
    message : str
        Human-readable message.
    headers : iterable of (str, str), optional
        Extra headers (``Content-Type`` is always ``application/json``).

    Returns
    -------
    flask.Response
    """
    response = jsonify({"error": {"code": code, "message": message}})
    response.status_code = status
    for name, value in headers or ():
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    return response


def payload_too_large_message() -> str:
    """The 413 message, naming the configured body limit."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return f"request body is larger than the limit of {limit} bytes"


def handle_api_error(exc: APIError):
    """Render an :class:`APIError` (with ``Retry-After`` when it has ``retry_after``)."""
    retry = getattr(exc, "retry_after", None)
    return error_response(exc.status, exc.code, exc.message,
                          headers=[("Retry-After", str(retry))] if retry is not None else None)


def handle_http_exception(exc: HTTPException):
    """Render a werkzeug HTTP exception in the JSON shape, keeping its headers."""
    if exc.code is None:  # not a real error response (should not happen)
        return exc
    status = exc.code
    code = HTTP_CODES.get(status) or (exc.name or "error").lower().replace(" ", "_").replace("'", "")
    if status == 404:
        message = "no such endpoint; see /openapi.json"
    elif status == 405:
        allowed = ", ".join(getattr(exc, "valid_methods", None) or ())
        message = f"method {request.method} is not allowed for {request.path}; allowed: {allowed}"
    elif status == 413:
        message = payload_too_large_message()
    else:
        message = exc.description or exc.name or "error"
    return error_response(status, code, message, headers=exc.get_headers())


def handle_unexpected(exc: Exception):
    """Log an unexpected exception and answer 500 without details."""
    if isinstance(exc, HTTPException):  # defensive: handled above normally
        return handle_http_exception(exc)
    current_app.logger.exception("unhandled error (request id %s)", g.get("request_id", "-"))
    return error_response(500, "internal_error",
                          "internal server error; quote the X-Request-ID header when reporting it")


def register_error_handlers(app: Flask) -> None:
    """Install the JSON error handlers on ``app``."""
    app.register_error_handler(APIError, handle_api_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
