"""Load generators for ``bench.load``: request bodies, the open-schedule epoll client and wrk.

* :func:`make_articles` builds the JSON request bodies (invented 30-sentence news articles).
* :func:`drive` is the default generator: a single-threaded ``selectors`` (epoll) loop over
  non-blocking sockets that starts request *i* of a step at ``i / rate`` s (open schedule),
  one connection per request, about 0.1 ms of CPU per request. It returns
  ``(due, done, status_or_error)`` per request; latency counts from the due time.
* :func:`request` is one asyncio POST on a fresh connection (used for the slow requests of
  the graceful-shutdown check).
* :func:`drive_wrk` runs wrk (closed loop, ``--client wrk``) and turns its summary into a
  step report.

Bounds: at most :data:`MAX_IN_FLIGHT` requests in flight and :data:`REQUEST_TIMEOUT` s per request.
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
import random
import resource
import selectors
import socket
import subprocess
import time
from pathlib import Path

from bench.load_report import percentile

HOST = "127.0.0.1"
MAX_IN_FLIGHT = 256
REQUEST_TIMEOUT = 10.0

_SUBJECTS = ["The city council", "The regional health board", "A spokesperson for the ministry", "The harbour authority",
             "Local residents", "The transport union", "The school district", "Opposition lawmakers", "The mayor"]
_FACTS = ["approved a budget of {n} million on Tuesday.", "met for {n} hours before the vote.",
          "said the project would be finished in {n} months.", "published its annual report on Friday.",
          "reported {n} new cases over the weekend.", "voted {n} to 3 to delay the decision."]
_OPINIONS = ["I think the plan deserves a second look.", "In my view, the council should have waited.",
             "We believe the decision was premature.", "Frankly, this is the wrong priority for the city."]
_LOADED = ["The so-called “reform” is a shameless giveaway!", "This DISASTROUS plan was rammed through.",
           "Critics call the scheme an outrageous betrayal of taxpayers.", "The (alleged) savings are a fantasy."]


def make_articles(count: int = 40, sentences: int = 30, seed: int = 7) -> list[bytes]:
    """``count`` JSON request bodies, each an invented article of ``sentences`` sentences."""
    rng = random.Random(seed)
    bodies = []
    for _ in range(count):
        parts = []
        for _ in range(sentences):
            kind = rng.random()
            if kind < 0.6:
                parts.append(f"{rng.choice(_SUBJECTS)} {rng.choice(_FACTS).format(n=rng.randint(2, 90))}")
            else:
                parts.append(rng.choice(_OPINIONS if kind < 0.8 else _LOADED))
        bodies.append(json.dumps({"text": " ".join(parts)}).encode())
    return bodies


class _Conn:
    __slots__ = ("sock", "due", "out", "buf", "need", "status")

    def __init__(self, sock, due, out):
        self.sock, self.due, self.out, self.buf, self.need, self.status = sock, due, out, b"", -1, 0


def _error_name(code: int) -> str:
    return type(OSError(code, os.strerror(code))).__name__  # e.g. ConnectionResetError


def _request_bytes(path: str, body: bytes) -> bytes:
    return (b"POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n" % (path.encode(), HOST.encode(), len(body)) + body)


def drive(port: int, rate: float, duration: float, bodies: list[bytes], on_tick=None, stats: dict | None = None,
          on_sample=None) -> list[tuple]:
    """Send ``rate * duration`` requests on schedule; ``(due, done, status_or_error)`` per request.

    Times are seconds from the start of the step. A single-threaded epoll loop over
    non-blocking sockets (no asyncio tasks: it is the cheapest Python client for one
    request per connection). ``on_tick(t)`` is called before each request is started,
    ``on_sample()`` about every 0.5 s. ``stats`` (a dict) receives ``start_lag_ms``:
    p50/p99/max of how late requests were started (the generator's own lag).
    """
    requests = [_request_bytes("/v1/classify", body) for body in bodies]
    sel = selectors.DefaultSelector()
    results: list[tuple] = []
    lags: list[float] = []
    conns: dict[int, _Conn] = {}
    total = int(rate * duration)
    start = time.monotonic()
    next_sample = start + 0.5
    i = 0

    def finish(conn: _Conn, status, now: float) -> None:
        sel.unregister(conn.sock)
        del conns[conn.sock.fileno()]
        conn.sock.close()
        results.append((conn.due, now - start, status))

    def on_writable(conn: _Conn, now: float) -> None:
        err = conn.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err:
            return finish(conn, _error_name(err), now)
        try:
            sent = conn.sock.send(conn.out)
        except BlockingIOError:
            return
        except OSError as exc:
            return finish(conn, type(exc).__name__, now)
        conn.out = conn.out[sent:]
        if not conn.out:
            sel.modify(conn.sock, selectors.EVENT_READ, conn)

    def on_readable(conn: _Conn, now: float) -> None:
        try:
            data = conn.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError as exc:
            return finish(conn, type(exc).__name__, now)
        if not data:
            return finish(conn, "IncompleteReadError", now)
        conn.buf += data
        if conn.need < 0:
            head_end = conn.buf.find(b"\r\n\r\n")
            if head_end < 0:
                return
            head = conn.buf[:head_end]
            conn.status = int(head.split(b" ", 2)[1])
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            conn.need = head_end + 4 + length
        if len(conn.buf) >= conn.need:
            finish(conn, conn.status, now)

    try:
        while i < total or conns:
            now = time.monotonic()
            while i < total and start + i / rate <= now:  # start every request that is due
                due = i / rate
                i += 1
                if on_tick is not None:
                    on_tick(now - start)
                if len(conns) >= MAX_IN_FLIGHT:
                    results.append((due, due, "client_overloaded"))
                    continue
                lags.append(now - start - due)
                sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                sock.setblocking(False)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                conn = _Conn(sock, due, requests[(i - 1) % len(requests)])
                code = sock.connect_ex((HOST, port))
                conns[sock.fileno()] = conn
                sel.register(sock, selectors.EVENT_WRITE, conn)
                if code not in (0, errno.EINPROGRESS):
                    finish(conn, _error_name(code), now)
            wait = (start + i / rate - time.monotonic()) if i < total else 0.05
            for key, mask in sel.select(min(max(wait, 0.0), 0.05)):
                now = time.monotonic()
                if mask & selectors.EVENT_WRITE:
                    on_writable(key.data, now)
                else:
                    on_readable(key.data, now)
            now = time.monotonic()
            if now >= next_sample:
                next_sample = now + 0.5
                if on_sample is not None:
                    on_sample()
                for conn in [c for c in conns.values() if now - start - c.due > REQUEST_TIMEOUT]:
                    finish(conn, "TimeoutError", now)
    finally:
        for conn in list(conns.values()):
            conn.sock.close()
        sel.close()
    if stats is not None:
        stats["start_lag_ms"] = {q: round(percentile(lags, v) * 1000, 2) for q, v in (("p50", 50), ("p99", 99))}
        stats["start_lag_ms"]["max"] = round(max(lags, default=0.0) * 1000, 2)
    return results


async def request(port: int, body: bytes, path: str = "/v1/classify") -> int:
    """One POST on a fresh connection; the status code (raises on a network error or timeout)."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(_request_bytes(path, body))
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        await reader.readexactly(length)
        return status
    finally:
        writer.close()


_WRK_SCRIPT = """
local bodies = {%s}
local i = 0
request = function()
  i = i %% #bodies + 1
  return wrk.format("POST", "/v1/classify", {["Content-Type"] = "application/json"}, bodies[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("SLANT_WRK %%d %%d %%d %%d %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, e.connect, e.read, e.write, e.status, e.timeout, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.max))
end
"""


def drive_wrk(port: int, connections: int, duration: float, bodies: list[bytes], log_dir: Path) -> dict:
    """Closed loop with wrk (one thread, ``connections`` connections); its summary as a step report."""
    script = log_dir / "bench.lua"
    script.write_text(_WRK_SCRIPT % ", ".join("[==[%s]==]" % b.decode() for b in bodies), encoding="utf-8")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s", "--timeout",
                          f"{int(REQUEST_TIMEOUT)}s", "-s", str(script), f"http://{HOST}:{port}/v1/classify"],
                         capture_output=True, text=True, timeout=duration + 60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("SLANT_WRK ")), None)
    if line is None:
        raise RuntimeError(f"wrk failed: {out.stdout}{out.stderr}")
    n, micros, e_connect, e_read, e_write, e_status, e_timeout, p50, p95, p99, top = map(int, line.split()[1:])
    seconds = micros / 1e6
    errors = e_connect + e_read + e_write + e_status + e_timeout
    return {"connections": connections, "sent": n, "ok": n - errors, "errors": errors,
            "error_kinds": [k for k, v in (("connect", e_connect), ("read", e_read), ("write", e_write),
                                           ("status", e_status), ("timeout", e_timeout)) if v],
            "achieved_rate": round((n - errors) / max(seconds, 1e-9), 1), "wall_s": seconds,
            "p50_ms": round(p50 / 1000, 1), "p95_ms": round(p95 / 1000, 1), "p99_ms": round(p99 / 1000, 1),
            "max_ms": round(top / 1000, 1),
            "generator_cpu_s": (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)}
