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
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import os
import random
import resource
import selectors
import shutil
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
MAX_RATE = 2000
PAUSE_BETWEEN_STEPS = 2.0  # seconds for queues to drain before the next step
CLK_TCK = os.sysconf("SC_CLK_TCK")

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


# --- CPU and memory from /proc -------------------------------------------------

def process_cpu(pid: int) -> float | None:
    """User + system CPU seconds of ``pid`` (all its threads), or None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def machine_cpu() -> tuple[float, float]:
    """``(busy, total)`` CPU seconds of the whole machine since boot (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    total = sum(values[:8])  # user nice system idle iowait irq softirq steal (guest is inside user)
    return (total - values[3] - values[4]) / CLK_TCK, total / CLK_TCK


def memory_mb(pid: int) -> dict:
    """``{"rss_mb", "pss_mb"}`` of ``pid``: resident set, and proportional set (shared pages split
    between the processes sharing them; with ``preload_app`` the workers share the model's pages)."""
    out = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                out["rss_mb"] = round(int(line.split()[1]) / 1024, 1)
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                out["pss_mb"] = round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return out


class ServerCPU:
    """CPU seconds used by the gunicorn master and its workers, including workers that exit
    during a measurement (each pid's last sample is kept; call :meth:`sample` every ~0.5 s).

    Every sample also records the machine's busy CPU and this process's CPU, so
    :meth:`other_peak_pct` can tell how much CPU something else took in the worst interval
    (another benchmark on a shared machine shows up there, not in the averages).
    """

    def __init__(self, master: int):
        self.master = master
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.timeline: list[tuple[float, float, float, float]] = []  # (t, server, machine busy, generator)

    def sample(self, starting: bool = False) -> None:
        for pid in (self.master, *worker_pids(self.master)):
            cpu = process_cpu(pid)
            if cpu is not None:
                self.first.setdefault(pid, cpu if starting else 0.0)  # a pid born mid-step counts from 0
                self.last[pid] = cpu
        own = os.times()
        self.timeline.append((time.monotonic(), sum(self.last[p] - self.first[p] for p in self.last),
                              machine_cpu()[0], own.user + own.system))

    def start(self) -> None:
        self.first, self.last, self.timeline = {}, {}, []
        self.sample(starting=True)

    def seconds(self) -> float:
        self.sample()
        return sum(self.last[pid] - self.first[pid] for pid in self.last)

    def other_peak_pct(self, min_interval: float = 0.4) -> float:
        """Highest CPU (% of one core) used by neither the server nor this process over one
        sampling interval (only meaningful for the python client, where this process is the generator)."""
        peak, prev = 0.0, None
        for sample in self.timeline:
            if prev is not None and sample[0] - prev[0] >= min_interval:
                dt = sample[0] - prev[0]
                other = (sample[2] - prev[2]) - (sample[1] - prev[1]) - (sample[3] - prev[3])
                peak = max(peak, 100 * other / dt)
                prev = sample
            elif prev is None:
                prev = sample
        return round(peak, 1)


def late_seconds(results, p99_ms: float) -> list[list[int]]:
    """``[second, count]`` for each second of a step with requests over ``p99_ms`` or failed (by due time)."""
    counts: dict[int, int] = {}
    for due, done, status in results:
        if status != 200 or (done - due) * 1000 > p99_ms:
            counts[int(due)] = counts.get(int(due), 0) + 1
    return [[second, n] for second, n in sorted(counts.items())]


# --- Generators ----------------------------------------------------------------

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


# --- Steps ---------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] if values else float("nan")


def summarize(results, rate, duration) -> dict:
    """Counts and latency percentiles of one open-schedule step."""
    ok = [done - due for due, done, status in results if status == 200]
    errors = [(due, done, status) for due, done, status in results if status != 200]
    last = max((done for _, done, _ in results), default=duration)
    return {"target_rate": rate, "duration_s": duration, "sent": len(results), "ok": len(ok),
            "errors": len(errors), "achieved_rate": round(len(ok) / max(last, 1e-9), 1),
            "p50_ms": round(percentile(ok, 50) * 1000, 1), "p95_ms": round(percentile(ok, 95) * 1000, 1),
            "p99_ms": round(percentile(ok, 99) * 1000, 1), "max_ms": round(max(ok, default=0) * 1000, 1),
            "error_kinds": sorted({str(s) for _, _, s in errors})}


def _cpu_report(step: dict, gen_s: float, server_s: float, machine_s: float, wall: float) -> None:
    n = max(step["sent"], 1)
    step["cpu"] = {"wall_s": round(wall, 2),
                   "generator_pct": round(100 * gen_s / wall, 1), "server_pct": round(100 * server_s / wall, 1),
                   "machine_pct": round(100 * machine_s / wall, 1),
                   "other_pct": round(100 * max(machine_s - gen_s - server_s, 0.0) / wall, 1),
                   "generator_ms_per_req": round(1000 * gen_s / n, 3),
                   "server_ms_per_req": round(1000 * server_s / n, 3)}


def meets(step: dict, p99_ms: float) -> bool:
    return step["errors"] == 0 and step["p99_ms"] <= p99_ms


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
        _cpu_report(report, gen_s, server_cpu.seconds(), machine_cpu()[0] - m0, wall)
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


def kill_report(kill: dict) -> dict:
    at = kill["at"]
    errors = [(due, done, s) for due, done, s in kill.pop("results", []) if s != 200]
    in_flight = [e for e in errors if e[0] <= at <= e[1]]
    return {**kill, "at": round(at, 2), "errors_in_flight_at_kill": len(in_flight),
            "errors_not_in_flight": len(errors) - len(in_flight),
            "errors_within_1s": sum(abs(e[1] - at) <= 1 for e in errors)}


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


HEADER = (f"{'rate':>8} {'sent':>6} {'ok':>6} {'err':>5} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>7} "
          f"{'max':>7} {'lag99':>6} {'gen%':>5} {'srv%':>5} {'all%':>5} {'oth%':>5} {'oth^':>5} "
          f"{'srv ms/req':>10}  target")


def format_step(s: dict) -> str:
    cpu, load = s["cpu"], (f"c={s['connections']}" if "connections" in s else f"{s['target_rate']:g}/s")
    lag = s.get("start_lag_ms", {}).get("p99", float("nan"))
    return (f"{load:>8} {s['sent']:>6} {s['ok']:>6} {s['errors']:>5} {s['achieved_rate']:>7.1f} {s['p50_ms']:>6.1f} "
            f"{s['p95_ms']:>6.1f} {s['p99_ms']:>7.1f} {s['max_ms']:>7.1f} {lag:>6.1f} {cpu['generator_pct']:>5.0f} "
            f"{cpu['server_pct']:>5.0f} {cpu['machine_pct']:>5.0f} {cpu['other_pct']:>5.0f} "
            f"{cpu.get('other_peak_pct', float('nan')):>5.0f} "
            f"{cpu['server_ms_per_req']:>10.2f}  {'ok' if s['meets_target'] else 'MISSED'}"
            + (f"  errors: {', '.join(s['error_kinds'])}" if s["errors"] else "")
            + (f"  late in s {_spans(s['late_seconds'])}" if not s["meets_target"] and s.get("late_seconds") else ""))


def _spans(late: list[list[int]]) -> str:
    """``[[3, 5], [4, 9], [9, 1]]`` -> ``"3-4, 9"`` (seconds of a step with late requests)."""
    runs: list[list[int]] = []
    for second, _ in late:
        if runs and second == runs[-1][1] + 1:
            runs[-1][1] = second
        else:
            runs.append([second, second])
    text = ", ".join(f"{a}-{b}" if b > a else f"{a}" for a, b in runs[:6])
    return text + (", ..." if len(runs) > 6 else "")


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
        print(f"gunicorn workers={args.workers}, client={args.client}, {args.duration:g} s per step, "
              f"target p99 <= {args.p99_ms:g} ms with 0 errors", flush=True)
        print(HEADER, flush=True)
        progress = lambda s: print(format_step(s), flush=True)  # noqa: E731
    result = run_steps(args.rate, args.duration, args.workers, args.kill_worker_at, find_max=args.find_max,
                       step=args.step, p99_ms=args.p99_ms, client=args.client,
                       connections=[int(c) for c in args.connections], env=dict(args.env), progress=progress)
    graceful = result["shutdown"]["completed_200"] == result["shutdown"]["in_flight"]
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        latency_note = ("wrk, closed loop: latencies in ms as wrk measures them (service time, no open-schedule "
                        "queueing); no lag99/oth^" if args.client == "wrk" else
                        "latencies in ms from each request's due time; lag99 = p99 of how late the generator "
                        "started requests")
        print(f"({latency_note}; CPU in % of one core: gen = generator, srv = gunicorn master + workers, all = whole "
              "machine, oth = all - gen - srv, oth^ = oth in the worst 0.5 s; 'late in s' = seconds of the "
              "step with requests over the target)")
        if "max_rate_meeting_target" in result:
            print(f"highest rate meeting the target: {result['max_rate_meeting_target']}")
        mem = result["memory"]
        print("memory per worker (MB): " + ", ".join(
            f"pid {pid}: RSS {m.get('rss_mb')} PSS {m.get('pss_mb')}" for pid, m in mem["workers"].items())
              + f"; master: RSS {mem['master'].get('rss_mb')} PSS {mem['master'].get('pss_mb')}")
        if "worker_kill" in result:
            k = result["worker_kill"]
            print(f"worker kill at {k['at']} s: pid {k['victim']} replaced={k['replaced']} "
                  f"(workers {k['before']} -> {k['after']}); errors in flight at the kill: "
                  f"{k['errors_in_flight_at_kill']}, other errors: {k['errors_not_in_flight']}")
        sd = result["shutdown"]
        print(f"SIGTERM with {sd['in_flight']} slow requests in flight: {sd['completed_200']} answered 200, "
              f"master exit {sd['master_exit']} after {sd['stop_seconds']} s")
        print(f"server log: {result['log_dir']}/gunicorn.log")
    errors = sum(s["errors"] for s in result["steps"])
    if args.find_max:
        errors = sum(s["errors"] for s in result["steps"] if s["meets_target"])  # the failing step is expected
    return 0 if errors == 0 and graceful else 1


if __name__ == "__main__":
    sys.exit(main())
