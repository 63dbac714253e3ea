"""Per-client rate limiting: an in-process token bucket per client address.

``SLANT_RATE_LIMIT`` requests per minute (0 = off) for every ``/v1/*`` request;
each client's bucket holds up to that many tokens (a minute's worth as a burst)
and refills continuously. An empty bucket answers 429 ``rate_limited`` with
``Retry-After`` (whole seconds). The client is the peer address, or the last
``X-Forwarded-For`` address when ``SLANT_TRUST_PROXY=1`` (one trusted proxy in
front). State lives in the process: with N gunicorn workers a client can get up
to N times the limit, since each worker counts on its own.
"""

from __future__ import annotations

import math
import threading
import time

from flask import Flask, current_app, request

from service.errors import APIError

MAX_CLIENTS = 10_000  # buckets kept; beyond it full (idle) buckets are dropped


class TokenBucket:
    """Buckets of ``rate_per_minute`` tokens keyed by client; thread-safe."""

    def __init__(self, rate_per_minute: int, clock=time.monotonic):
        self.capacity = float(rate_per_minute)
        self.refill = rate_per_minute / 60.0  # tokens per second
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, time)
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """Take one token for ``client``; 0.0 when allowed, else seconds until one is free."""
        now = self.clock()
        with self._lock:
            tokens, then = self._buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - then) * self.refill)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                wait = 0.0
            else:
                self._buckets[client] = (tokens, now)
                wait = (1.0 - tokens) / self.refill
            if len(self._buckets) > MAX_CLIENTS:
                self._prune(now)
        return wait

    def _prune(self, now: float) -> None:
        full = [c for c, (t, at) in self._buckets.items() if t + (now - at) * self.refill >= self.capacity]
        for client in full:
            del self._buckets[client]
        while len(self._buckets) > MAX_CLIENTS:  # still too many: drop the oldest entries
            del self._buckets[next(iter(self._buckets))]


def client_address() -> str:
    """The client's address (see module doc for ``SLANT_TRUST_PROXY``)."""
    if current_app.config.get("TRUST_PROXY"):
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if forwarded:
            return forwarded[-1][:100]
    return request.remote_addr or "-"


def _check_rate() -> None:
    if not request.path.startswith("/v1/") or request.method == "OPTIONS":
        return
    wait = current_app.extensions["slant_rate_limiter"].take(client_address())
    if wait > 0:
        limit = current_app.config["RATE_LIMIT"]
        raise RateLimited(math.ceil(wait), limit)


class RateLimited(APIError):
    """429 with ``Retry-After``."""

    def __init__(self, retry_after: int, limit: int):
        super().__init__(429, "rate_limited",
                         f"too many requests: the limit is {limit} per minute per client (SLANT_RATE_LIMIT); "
                         f"retry after {retry_after} s")
        self.retry_after = retry_after


def init_rate_limit(app: Flask) -> None:
    """Install the limiter when ``RATE_LIMIT`` > 0."""
    if app.config.get("RATE_LIMIT", 0) > 0:
        app.extensions["slant_rate_limiter"] = TokenBucket(app.config["RATE_LIMIT"])
        app.before_request(_check_rate)
