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
``GUNICORN_MAX_REQUESTS``
    Requests after which a worker is recycled (default 100,000, plus up to 10%
    jitter); see the comment at ``max_requests``.
``GUNICORN_ACCESSLOG``
    ``-`` (default: access log on stdout), a file path, or ``off``.
``GUNICORN_LOGLEVEL``
    Error-log level (default ``info``).
``GUNICORN_CONTROL_SOCKET``
    ``off`` (default: no control socket) or a socket path to open gunicorn's
    control socket there; see the comment at ``control_socket_disable``.

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
# gthread with keep-alive was measured against them (2026-11-29, bench/RESULTS-load.md):
# with 1 thread, keep-alive saves ~10% of a worker's CPU per request, but a
# gthread worker accepts connections even while its thread is busy and keeps
# them, so kept-alive clients can all land on one worker while the other idles
# (2 connections: 3 runs in 5), and a client that stalls mid-request holds the
# thread with no timeout while its worker keeps accepting, so most new
# connections wait behind it. 2 threads cost ~15% more CPU per request. A sync
# worker accepts only when idle, and one held by a silent client is killed after
# ``timeout``. Keep-alive to clients belongs in the router or proxy.
workers = _env_int("WEB_CONCURRENCY", 2)
worker_class = "sync"
# Load the app (and so verify and load the model) once in the master before
# forking: a broken model stops the start instead of crash-looping workers,
# and workers share the model's memory pages copy-on-write.
preload_app = True
# Recycle workers now and then to bound any slow memory growth; the jitter
# keeps them from restarting all at once. Not often: a recycled worker stops
# accepting while it exits and its replacement forks, and it starts with an
# empty per-word cache (the model's, filled by real traffic), so the requests
# queued behind a restart wait tens of ms. With the old 5,000 a worker was
# recycled every ~10 s at 1,000 requests/s, and each restart showed up as a
# latency spike (bench/RESULTS-load.md). 100,000 (+ up to 10,000 of jitter)
# is a restart every ~3 minutes per worker at that rate, hours at normal load;
# worker RSS stays flat under load (~85 MB), so nothing needs it more often.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 100_000)
max_requests_jitter = max_requests // 10
# Heartbeat files in memory, not on a possibly slow disk (as in containers).
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# --- Timeouts ---------------------------------------------------------------
# A worker silent for this long is killed and restarted (a request at the
# size limits classifies in well under this).
timeout = _env_int("GUNICORN_TIMEOUT", 30)
# Time given to workers to finish in-flight requests on SIGTERM (deploys).
graceful_timeout = 30
# Seconds to hold an idle keep-alive connection. Only for non-sync worker
# classes: gunicorn's sync workers close every connection after one response
# (it sends "Connection: close"), whatever this says; a router or proxy in
# front keeps the client-side connections alive.
keepalive = 5

# --- Request limits (cheap protection before the app sees a request) ---------
limit_request_line = 4094        # bytes in the request line (method + URL)
limit_request_fields = 100       # number of header fields
limit_request_field_size = 8190  # bytes per header field
# (The body limit is SLANT_MAX_CONTENT_LENGTH, enforced by the app.)

# --- Logging ----------------------------------------------------------------
# Both logs to stdout/stderr, where a platform collects them.
# GUNICORN_ACCESSLOG: "-" (default, stdout), a file path, or "off" for no
# access log (the app's JSON request line on stderr has the same facts:
# route, status, duration, request id). The access line costs a worker about
# 0.03-0.06 ms of CPU per request, 2-3% of an article request (bench/RESULTS-load.md),
# so it stays on unless that matters more than the log.
_accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-").strip() or "-"
accesslog = None if _accesslog.lower() in ("off", "none", "0", "false", "no") else _accesslog
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# Common log format plus duration (microseconds) and the X-Request-ID the app sets.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(D)sus rid=%({x-request-id}o)s'
# Let the app's own logging (warnings, tracebacks) reach the error log.
capture_output = True

proc_name = "slant"

# --- Control socket ---------------------------------------------------------
# gunicorn (25.1+) opens a control socket for its ``gunicornc`` tool by default,
# at one path per user: $XDG_RUNTIME_DIR/gunicorn.ctl, else ~/.gunicorn/gunicorn.ctl.
# Every instance started by the same user on a host uses that same path (a dev
# server, the tests and bench/load.py's servers run side by side): each new
# master deletes the existing socket and binds its own, and each master deletes
# the path when it stops, so gunicornc may reach the wrong instance or none.
# The service does not use the control socket (deploys signal the master), so
# it is off. GUNICORN_CONTROL_SOCKET: "off" (default) or a path, which turns it
# on at that path (give each instance its own).
_control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "off").strip() or "off"
control_socket_disable = _control_socket.lower() in ("off", "none", "0", "false", "no")
if not control_socket_disable:
    control_socket = _control_socket
