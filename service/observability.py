"""Per-request JSON logs on stderr and Prometheus metrics at ``GET /metrics``.

Each request logs one JSON line (logger ``slant.access``): ``ts``, ``level``,
``request_id``, ``method``, ``route`` (the URL rule, not the path), ``status``,
``duration_ms``, ``sentences``, ``model_version``, ``client``. Never the text,
never a header (so never a token).

``/metrics`` is written by hand in the Prometheus text exposition format 0.0.4:
``slant_requests_total{route,status}``, ``slant_request_duration_seconds``
(histogram by route), ``slant_sentences_classified_total`` and
``slant_model_info{name,version} 1``, and with the result cache on
``slant_result_cache_hits_total``, ``slant_result_cache_misses_total`` (sentences
found / not found; they start again from 0 when the model is reloaded) and
``slant_result_cache_sentences``. Counters live in the process: with N
gunicorn workers each scrape reaches one worker and shows only its counts.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from datetime import datetime, timezone

from flask import Blueprint, Flask, Response, current_app, g, request

from service.ratelimit import client_address

bp = Blueprint("observability", __name__)
log = logging.getLogger("slant.access")
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _StderrHandler(logging.Handler):
    """Write each record to the *current* ``sys.stderr`` (so test capture sees it)."""

    def emit(self, record):
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:
            self.handleError(record)


class JSONFormatter(logging.Formatter):
    def format(self, record):
        line = {"ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds")
                .replace("+00:00", "Z"), "level": record.levelname.lower()}
        line.update(getattr(record, "fields", None) or {"message": record.getMessage()})
        return json.dumps(line, ensure_ascii=False, separators=(",", ":"))


def _setup_logger() -> None:
    if not any(isinstance(h, _StderrHandler) for h in log.handlers):
        handler = _StderrHandler()
        handler.setFormatter(JSONFormatter())
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


class Metrics:
    """Thread-safe counters and a duration histogram of one process."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests: dict[tuple[str, str], int] = {}
        self.durations: dict[str, list] = {}  # route -> [bucket counts..., sum, count]
        self.sentences = 0

    def observe(self, route: str, status: int, seconds: float, sentences: int) -> None:
        with self.lock:
            key = (route, str(status))
            self.requests[key] = self.requests.get(key, 0) + 1
            row = self.durations.setdefault(route, [0] * len(BUCKETS) + [0.0, 0])
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    row[i] += 1
            row[-2] += seconds
            row[-1] += 1
            self.sentences += sentences

    def render(self, model, cache=None) -> str:
        out = ["# HELP slant_requests_total HTTP requests by route and status.",
               "# TYPE slant_requests_total counter"]
        with self.lock:
            for (route, status), n in sorted(self.requests.items()):
                out.append(f'slant_requests_total{{route="{_esc(route)}",status="{status}"}} {n}')
            out += ["# HELP slant_request_duration_seconds Request duration by route.",
                    "# TYPE slant_request_duration_seconds histogram"]
            for route, row in sorted(self.durations.items()):
                r = _esc(route)
                for bound, n in zip(BUCKETS, row):
                    out.append(f'slant_request_duration_seconds_bucket{{route="{r}",le="{bound}"}} {n}')
                out.append(f'slant_request_duration_seconds_bucket{{route="{r}",le="+Inf"}} {row[-1]}')
                out.append(f'slant_request_duration_seconds_sum{{route="{r}"}} {row[-2]:.6f}')
                out.append(f'slant_request_duration_seconds_count{{route="{r}"}} {row[-1]}')
            out += ["# HELP slant_sentences_classified_total Sentences classified.",
                    "# TYPE slant_sentences_classified_total counter",
                    f"slant_sentences_classified_total {self.sentences}"]
        out += ["# HELP slant_model_info The model being served.", "# TYPE slant_model_info gauge"]
        if model is not None:
            out.append(f'slant_model_info{{name="{_esc(model.name)}",version="{_esc(model.version)}"}} 1')
        if cache is not None:
            out += ["# HELP slant_result_cache_hits_total Sentences answered from the result cache.",
                    "# TYPE slant_result_cache_hits_total counter", f"slant_result_cache_hits_total {cache.hits}",
                    "# HELP slant_result_cache_misses_total Sentences the result cache did not hold.",
                    "# TYPE slant_result_cache_misses_total counter", f"slant_result_cache_misses_total {cache.misses}",
                    "# HELP slant_result_cache_sentences Sentences held by the result cache.",
                    "# TYPE slant_result_cache_sentences gauge", f"slant_result_cache_sentences {len(cache)}"]
        return "\n".join(out) + "\n"


def _esc(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _start() -> None:
    g.started = time.perf_counter()


def _finish(response):
    started = g.get("started")
    seconds = time.perf_counter() - started if started is not None else 0.0
    route = request.url_rule.rule if request.url_rule is not None else "unmatched"
    sentences = int(g.get("sentences") or 0) if response.status_code == 200 else 0
    current_app.extensions["slant_metrics"].observe(route, response.status_code, seconds, sentences)
    model = current_app.extensions.get("slant_model")
    log.info("request", extra={"fields": {
        "request_id": g.get("request_id"), "method": request.method, "route": route,
        "status": response.status_code, "duration_ms": round(seconds * 1000, 2), "sentences": sentences,
        "model_version": g.get("model_version") or (model.version if model is not None else None),
        "client": client_address()}})
    return response


@bp.get("/metrics")
def metrics():
    """Prometheus text exposition of this process's counters."""
    _, cache = current_app.extensions.get("slant_result_cache", (None, None))
    body = current_app.extensions["slant_metrics"].render(current_app.extensions.get("slant_model"), cache)
    return Response(body, mimetype="text/plain", content_type="text/plain; version=0.0.4; charset=utf-8")


def init_observability(app: Flask) -> None:
    """Install the timing hook (call first), the log/metrics hook and ``/metrics``."""
    _setup_logger()
    app.extensions["slant_metrics"] = Metrics()
    app.before_request(_start)
    app.after_request(_finish)
    app.register_blueprint(bp)
