"""Gunicorn settings for the Slant service (``gunicorn -c gunicorn.conf.py service.wsgi:app``).

Follows Heroku-style conventions, so the same file works locally and on a
platform that injects ``PORT`` and ``WEB_CONCURRENCY``:

``PORT``
    If set, listen on ``0.0.0.0:$PORT`` (all interfaces, as a platform router
    needs); otherwise ``127.0.0.1:8000`` (local only).
``WEB_CONCURRENCY``
    Number of worker processes (default 2). Classification is CPU-bound, so
    about one worker per core is right; each worker shares the preloaded model.
``GUNICORN_TIMEOUT``
    Worker timeout in seconds (default 30).

Application settings are ``SLANT_*`` variables, read by ``service.config``.
"""

import os


def _env_int(name: str, default: int) -> int:
    """A positive integer from the environment, failing loudly on a bad value."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"gunicorn.conf.py: {name} must be a positive integer, got {raw!r}")
    return int(raw)


# --- Socket -----------------------------------------------------------------
_port = os.environ.get("PORT", "").strip()
bind = f"0.0.0.0:{_env_int('PORT', 8000)}" if _port else "127.0.0.1:8000"
backlog = 2048

# --- Workers ----------------------------------------------------------------
# Plain sync workers: requests are short and CPU-bound (no I/O to overlap).
workers = _env_int("WEB_CONCURRENCY", 2)
worker_class = "sync"
# Load the app (and so verify and load the model) once in the master before
# forking: a broken model stops the start instead of crash-looping workers,
# and workers share the model's memory pages copy-on-write.
preload_app = True
# Recycle workers now and then to bound any slow memory growth; the jitter
# keeps them from restarting all at once. Cheap thanks to preload_app.
max_requests = 5000
max_requests_jitter = 500
# Heartbeat files in memory, not on a possibly slow disk (as in containers).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# --- Timeouts ---------------------------------------------------------------
# A worker silent for this long is killed and restarted (a request at the
# size limits classifies in well under this).
timeout = _env_int("GUNICORN_TIMEOUT", 30)
# Time given to workers to finish in-flight requests on SIGTERM (deploys).
graceful_timeout = 30
# Seconds to hold an idle keep-alive connection (behind a router/proxy).
keepalive = 5

# --- Request limits (cheap protection before the app sees a request) ---------
limit_request_line = 4094        # bytes in the request line (method + URL)
limit_request_fields = 100       # number of header fields
limit_request_field_size = 8190  # bytes per header field
# (The body limit is SLANT_MAX_CONTENT_LENGTH, enforced by the app.)

# --- Logging ----------------------------------------------------------------
# Both logs to stdout/stderr, where a platform collects them.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Common log format plus duration (microseconds) and the X-Request-ID the app sets.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(D)sus rid=%({x-request-id}o)s'
# Let the app's own logging (warnings, tracebacks) reach the error log.
capture_output = True

proc_name = "slant"
