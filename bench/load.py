"""Load test: gunicorn with the shipped model on loopback, driven at fixed rates.

    python -m bench.load [--rate 200] [--duration 60] [--workers 2] [--kill-worker-at 20]
    python -m bench.load --rate 400,600,800,1000 --duration 20       # several rates, one server
    python -m bench.load --find-max --rate 400 --step 100 --duration 20
    python -m bench.load --client wrk --connections 2,4,8 --duration 20   # closed loop, needs wrk

Starts ``gunicorn -c gunicorn.conf.py service.wsgi:app`` on 127.0.0.1 (a free
port), sends 30-sentence invented articles to ``POST /v1/classify`` on an open
schedule (request *i* of a step is due at ``i / rate`` s; latency counts from
that time, so neither a stalled server nor a late generator can hide a queue),
one connection per request (gunicorn's sync workers close every connection).
The generator is a single-threaded ``selectors`` (epoll) loop over non-blocking
sockets: about 0.1 ms of CPU per request, so it can offer 1,000+/s from one
core. Each step reports achieved requests/s, p50/p95/p99/max, errors, how late
the generator started requests (its own lag), and the CPU used by the
generator, by the gunicorn processes (master + workers, sampled from /proc) and
by the whole machine (/proc/stat; what is neither is someone else's load).
``--find-max`` raises the rate by ``--step`` until a step misses the target
(``--p99-ms``, default 20, with 0 errors).

``--client wrk`` drives the server with wrk (C, closed loop: each of
``--connections`` connections sends its next request when the previous answer
arrived; wrk's latency is service time, with no open-schedule queueing) to
show the server's ceiling with a near-free generator; it needs ``wrk`` on PATH
(Debian: ``apt-get install wrk``). The default needs only the Python standard library.

Optionally SIGKILLs one worker during the first step and reports the errors
around the kill and whether the master started a replacement (a new pid). At
the end it reports each worker's memory (RSS and PSS, MB), sends one slow
request per worker, SIGTERMs the master while they are in flight and reports
whether they completed (graceful shutdown). Everything is bounded: at most
``rate * duration`` requests per step, 256 in flight, 10 s per request, and the
server is stopped on exit.

Modules: this one is the command line and runs the steps; :mod:`bench.load_client`
generates the load (epoll client, wrk), :mod:`bench.load_server` starts, measures and
stops gunicorn, :mod:`bench.load_report` computes and prints the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from bench.load_client import drive, drive_wrk, make_articles
from bench.load_report import (HEADER, cpu_report, format_step, kill_report, late_seconds, meets, print_summary,
                               summarize)
from bench.load_server import ServerCPU, free_port, graceful_stop, machine_cpu, memory_mb, start_server, worker_pids

MAX_RATE = 2000
PAUSE_BETWEEN_STEPS = 2.0  # seconds for queues to drain before the next step


def run_steps(rates=(200.0,), duration: float = 60, workers: int = 2, kill_worker_at: float | None = None,
              log_dir: Path | None = None, find_max: bool = False, step: float = 100, p99_ms: float = 20.0,
              client: str = "python", connections=(4,), env: dict | None = None, progress=None) -> dict:
    """Run one step per rate (or per wrk connection count) against one server; see the module doc.

    With ``find_max`` the rate starts at ``rates[0]`` and rises by ``step`` while a step
    meets ``p99_ms`` with 0 errors (up to :data:`MAX_RATE`). ``progress(step_report)`` is
    called after every step.
    """
    log_dir = Path(log_dir or tempfile.mkdtemp(prefix="slant-load-"))
    port = free_port()
    proc = start_server(port, workers, log_dir / "gunicorn.log", env)
    bodies = make_articles()
    server_cpu = ServerCPU(proc.pid)
    kill: dict = {}
    steps: list[dict] = []

    def on_tick(t: float):
        if kill_worker_at is not None and not kill and not steps and t >= kill_worker_at:
            before = worker_pids(proc.pid)
            victim = min(before)
            os.kill(victim, signal.SIGKILL)
            kill.update(at=t, victim=victim, before=sorted(before))

    def one_step(load) -> dict:
        t0, m0 = os.times(), machine_cpu()[0]
        server_cpu.start()
        wall0 = time.monotonic()
        if client == "wrk":
            report = drive_wrk(port, int(load), duration, bodies, log_dir)
            wall = report.pop("wall_s")
            gen_s = report.pop("generator_cpu_s")  # wrk's own CPU (this process only waited)
        else:
            stats: dict = {}
            results = drive(port, load, duration, bodies, on_tick, stats, on_sample=server_cpu.sample)
            wall = time.monotonic() - wall0
            t1 = os.times()
            gen_s = (t1.user + t1.system) - (t0.user + t0.system)
            report = {**summarize(results, load, duration), **stats, "late_seconds": late_seconds(results, p99_ms)}
            if kill and "results" not in kill:
                kill["results"] = results
        cpu_report(report, gen_s, server_cpu.seconds(), machine_cpu()[0] - m0, wall)
        if client != "wrk":
            report["cpu"]["other_peak_pct"] = server_cpu.other_peak_pct()
        report["meets_target"] = meets(report, p99_ms)
        steps.append(report)
        if progress is not None:
            progress(report)
        return report

    try:
        if client == "wrk":
            for count in connections:
                one_step(count)
                time.sleep(PAUSE_BETWEEN_STEPS)
        elif find_max:
            rate = rates[0]
            while rate <= MAX_RATE and one_step(rate)["meets_target"]:
                rate += step
                time.sleep(PAUSE_BETWEEN_STEPS)
        else:
            for n, rate in enumerate(rates):
                one_step(rate)
                if n + 1 < len(rates):
                    time.sleep(PAUSE_BETWEEN_STEPS)
        if kill:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and len(worker_pids(proc.pid) - set(kill["before"])) < 1:
                time.sleep(0.1)
            kill["after"] = sorted(worker_pids(proc.pid))
            kill["replaced"] = bool(set(kill["after"]) - set(kill["before"])) and kill["victim"] not in kill["after"]
        memory = {"master": memory_mb(proc.pid),
                  "workers": {str(pid): memory_mb(pid) for pid in sorted(worker_pids(proc.pid))}}
        shutdown = asyncio.run(graceful_stop(proc, port, workers))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    out = {"client": client, "workers": workers, "p99_target_ms": p99_ms, "steps": steps, "memory": memory,
           "shutdown": shutdown, "log_dir": str(log_dir)}
    passing = [s for s in steps if s["meets_target"]]
    if client != "wrk":
        out["max_rate_meeting_target"] = max((s["target_rate"] for s in passing), default=None)
    if kill:
        out["worker_kill"] = kill_report(kill)
    return out


def run(rate: float = 200, duration: float = 60, workers: int = 2, kill_worker_at: float | None = None,
        log_dir: Path | None = None, env: dict | None = None) -> dict:
    """One open-schedule step at ``rate`` (see module doc): the step's figures at the top level,
    plus ``cpu``, ``memory``, ``shutdown`` and ``worker_kill``."""
    out = run_steps([rate], duration, workers, kill_worker_at, log_dir, env=env)
    return {**out.pop("steps")[0], **out}


# --- Command line --------------------------------------------------------------

def _numbers(text: str) -> list[float]:
    try:
        values = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected numbers separated by commas, got {text!r}") from None
    if not values:
        raise argparse.ArgumentTypeError("expected at least one number")
    return values


def _env_pair(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=_numbers, default=[200.0],
                        help="requests per second, or several separated by commas, one step each (default 200)")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load per step (default 60)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--kill-worker-at", type=float, default=None,
                        help="SIGKILL one worker after this many s of the first step")
    parser.add_argument("--find-max", action="store_true",
                        help="start at the (first) --rate and add --step while a step meets the target")
    parser.add_argument("--step", type=float, default=100, help="rate increment for --find-max (default 100)")
    parser.add_argument("--p99-ms", type=float, default=20.0, help="target p99 latency in ms (default 20)")
    parser.add_argument("--client", choices=("python", "wrk"), default="python",
                        help="python: open-schedule epoll generator (default); wrk: closed loop, needs wrk")
    parser.add_argument("--connections", type=_numbers, default=[4.0],
                        help="wrk only: connections, or several separated by commas (default 4)")
    parser.add_argument("--env", type=_env_pair, action="append", default=[], metavar="NAME=VALUE",
                        help="extra environment for gunicorn, e.g. GUNICORN_ACCESSLOG=off (repeatable)")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON instead of a table")
    args = parser.parse_args(argv)
    if not (all(0 < r <= MAX_RATE for r in args.rate) and 0 < args.duration <= 600 and 1 <= args.workers <= 16
            and 0 < args.step <= 1000 and len(args.rate) <= 20
            and all(1 <= c <= 256 for c in args.connections) and len(args.connections) <= 20):
        parser.error(f"bounds: 0 < rate <= {MAX_RATE} (at most 20 rates), 0 < duration <= 600, "
                     "1 <= workers <= 16, 0 < step <= 1000, 1 <= connections <= 256")
    if args.client == "wrk" and shutil.which("wrk") is None:
        parser.error("--client wrk needs wrk on PATH (Debian: apt-get install wrk); the default client needs nothing")
    if args.client == "wrk" and args.kill_worker_at is not None:
        parser.error("--kill-worker-at needs the default (python) client")
    progress = None
    if not args.json:
        cache = dict(args.env).get("SLANT_RESULT_CACHE", "0")
        print(f"gunicorn workers={args.workers}, client={args.client}, {args.duration:g} s per step, "
              f"target p99 <= {args.p99_ms:g} ms with 0 errors, result cache "
              f"{'off' if cache == '0' else cache + ' sentences (the same article every request)'}", flush=True)
        print(HEADER, flush=True)
        progress = lambda s: print(format_step(s), flush=True)  # noqa: E731
    result = run_steps(args.rate, args.duration, args.workers, args.kill_worker_at, find_max=args.find_max,
                       step=args.step, p99_ms=args.p99_ms, client=args.client,
                       connections=[int(c) for c in args.connections], env=dict(args.env), progress=progress)
    graceful = result["shutdown"]["completed_200"] == result["shutdown"]["in_flight"]
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_summary(result, args.client)
    errors = sum(s["errors"] for s in result["steps"])
    if args.find_max:
        errors = sum(s["errors"] for s in result["steps"] if s["meets_target"])  # the failing step is expected
    return 0 if errors == 0 and graceful else 1


if __name__ == "__main__":
    sys.exit(main())
