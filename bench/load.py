"""Load test: gunicorn with the shipped model on loopback, driven at a fixed rate.

    python -m bench.load [--rate 200] [--duration 60] [--workers 2] [--kill-worker-at 20]

Starts ``gunicorn -c gunicorn.conf.py service.wsgi:app`` on 127.0.0.1 (a free
port), sends 30-sentence invented articles to ``POST /v1/classify`` on an open
schedule (request *i* is due at ``i / rate`` s; latency counts from that time,
so a stalled server cannot hide its queue) over raw HTTP/1.1 sockets with
asyncio (a connection is kept alive when the server allows it; gunicorn's sync
workers close it). Optionally SIGKILLs one worker mid-run and reports the errors
around the kill and whether the master started a replacement (a new pid).
Finally it sends one slow request per worker, SIGTERMs the master while they
are in flight and reports whether they completed (graceful shutdown).
Everything is bounded: at most ``rate * duration`` requests, 256 in flight,
10 s per request, and the server is stopped on exit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start_server(port: int, workers: int, log_path: Path, env: dict | None = None) -> subprocess.Popen:
    """Start gunicorn (preloaded model) and wait until ``/readyz`` answers; return the master process."""
    environ = {**os.environ, "WEB_CONCURRENCY": str(workers), **(env or {})}
    environ.pop("PORT", None)
    environ.setdefault("SLANT_FEEDBACK_DB", str(log_path.with_suffix(".sqlite3")))
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = open(log_path, "ab")
    proc = subprocess.Popen([str(gunicorn), "-c", "gunicorn.conf.py", "--bind", f"{HOST}:{port}",
                             "service.wsgi:app"], cwd=ROOT, env=environ, stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/readyz", timeout=1) as resp:
                if resp.status == 200 and len(worker_pids(proc.pid)) >= workers:
                    return proc
        except OSError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"gunicorn did not become ready in 60 s; see {log_path}")


def worker_pids(master: int) -> set[int]:
    """Pids of the master's child processes (Linux /proc)."""
    try:
        return {int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()}
    except OSError:
        return set()


async def request(port: int, body: bytes, path: str = "/v1/classify") -> int:
    """One POST on a fresh connection; the status code (raises on a network error or timeout)."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        writer.write(b"POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n" % (path.encode(), HOST.encode(), len(body)) + body)
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


async def drive(port: int, rate: float, duration: float, bodies: list[bytes], on_tick=None) -> list[tuple]:
    """Send ``rate * duration`` requests on schedule; ``(due, done, status_or_error)`` per request."""
    results: list[tuple] = []
    in_flight = 0
    loop = asyncio.get_running_loop()
    start = loop.time()

    async def one(i: int, due: float):
        nonlocal in_flight
        in_flight += 1
        try:
            status = await asyncio.wait_for(request(port, bodies[i % len(bodies)]), REQUEST_TIMEOUT)
        except Exception as exc:  # connection reset, refused, timeout ...
            status = type(exc).__name__
        finally:
            in_flight -= 1
        results.append((due - start, loop.time() - start, status))

    tasks = []
    for i in range(int(rate * duration)):
        due = start + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        if on_tick is not None:
            on_tick(loop.time() - start)
        if in_flight >= MAX_IN_FLIGHT:
            results.append((due - start, due - start, "client_overloaded"))
            continue
        tasks.append(asyncio.ensure_future(one(i, due)))
    await asyncio.gather(*tasks)
    return results


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] if values else float("nan")


async def graceful_stop(proc: subprocess.Popen, port: int, workers: int) -> dict:
    """Send one slow request per worker, SIGTERM the master while they run, collect their outcome."""
    slow = json.dumps({"text": " ".join(["The council met on Tuesday and voted 7 to 2 on the budget."] * 1500)}).encode()
    tasks = [asyncio.ensure_future(asyncio.wait_for(request(port, slow), 30)) for _ in range(workers)]
    await asyncio.sleep(0.05)
    sent_at = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    exit_code = await asyncio.to_thread(proc.wait, 40)
    statuses = [o if isinstance(o, int) else type(o).__name__ for o in outcomes]
    return {"in_flight": workers, "completed_200": sum(s == 200 for s in statuses), "statuses": statuses,
            "master_exit": exit_code, "stop_seconds": round(time.monotonic() - sent_at, 2)}


def run(rate: float = 200, duration: float = 60, workers: int = 2, kill_worker_at: float | None = None,
        log_dir: Path | None = None) -> dict:
    """Run the whole load test and return its report (see module doc)."""
    log_dir = Path(log_dir or tempfile.mkdtemp(prefix="slant-load-"))
    port = free_port()
    proc = start_server(port, workers, log_dir / "gunicorn.log")
    kill: dict = {}

    def on_tick(t: float):
        if kill_worker_at is not None and not kill and t >= kill_worker_at:
            before = worker_pids(proc.pid)
            victim = min(before)
            os.kill(victim, signal.SIGKILL)
            kill.update(at=t, victim=victim, before=sorted(before))

    try:
        results = asyncio.run(drive(port, rate, duration, make_articles(), on_tick))
        if kill:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and len(worker_pids(proc.pid) - set(kill["before"])) < 1:
                time.sleep(0.1)
            kill["after"] = sorted(worker_pids(proc.pid))
            kill["replaced"] = bool(set(kill["after"]) - set(kill["before"])) and kill["victim"] not in kill["after"]
        shutdown = asyncio.run(graceful_stop(proc, port, workers))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return report(results, rate, duration, workers, kill, shutdown, log_dir)


def report(results, rate, duration, workers, kill, shutdown, log_dir) -> dict:
    ok = [done - due for due, done, status in results if status == 200]
    errors = [(due, done, status) for due, done, status in results if status != 200]
    last = max((done for _, done, _ in results), default=duration)
    out = {"target_rate": rate, "duration_s": duration, "workers": workers, "sent": len(results),
           "ok": len(ok), "errors": len(errors), "achieved_rate": round(len(ok) / max(last, 1e-9), 1),
           "p50_ms": round(percentile(ok, 50) * 1000, 1), "p95_ms": round(percentile(ok, 95) * 1000, 1),
           "p99_ms": round(percentile(ok, 99) * 1000, 1), "max_ms": round(max(ok, default=0) * 1000, 1),
           "error_kinds": sorted({str(s) for _, _, s in errors}), "shutdown": shutdown, "log_dir": str(log_dir)}
    if kill:
        at = kill["at"]
        in_flight = [e for e in errors if e[0] <= at <= e[1]]
        out["worker_kill"] = {**kill, "at": round(at, 2), "errors_in_flight_at_kill": len(in_flight),
                              "errors_not_in_flight": len(errors) - len(in_flight),
                              "errors_within_1s": sum(abs(e[1] - at) <= 1 for e in errors)}
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200, help="requests per second (default 200)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--kill-worker-at", type=float, default=None, help="SIGKILL one worker after this many s")
    args = parser.parse_args(argv)
    if not (0 < args.rate <= 2000 and 0 < args.duration <= 600 and 1 <= args.workers <= 16):
        parser.error("bounds: 0 < rate <= 2000, 0 < duration <= 600, 1 <= workers <= 16")
    result = run(args.rate, args.duration, args.workers, args.kill_worker_at)
    print(json.dumps(result, indent=2))
    graceful = result["shutdown"]["completed_200"] == result["shutdown"]["in_flight"]
    return 0 if result["errors"] == 0 and graceful else 1


if __name__ == "__main__":
    sys.exit(main())
