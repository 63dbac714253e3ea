"""The gunicorn side of ``bench.load``: start it, watch its processes, stop it gracefully.

* :func:`start_server` runs ``gunicorn -c gunicorn.conf.py service.wsgi:app`` on
  127.0.0.1 at a free port (:func:`free_port`) and waits for ``/readyz``. The per-sentence
  result cache is off (``SLANT_RESULT_CACHE=0``) unless ``env`` sets it: every request
  sends the same article, which the cache would answer without classifying anything.
* :func:`worker_pids`, :func:`process_cpu`, :func:`machine_cpu` and :func:`memory_mb` read
  Linux ``/proc``: the master's workers, a process's CPU seconds, the whole machine's CPU
  and a process's RSS/PSS.
* :class:`ServerCPU` accumulates the CPU of the master and its workers over a step.
* :func:`graceful_stop` sends one slow request per worker, SIGTERMs the master while they
  run and reports whether they were answered.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.load_client import HOST, request

ROOT = Path(__file__).resolve().parents[1]
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_env(workers: int, log_path: Path, env: dict | None = None) -> dict:
    """gunicorn's environment: this one's, ``workers``, the result cache off, then ``env`` (which wins)."""
    environ = {**os.environ, "WEB_CONCURRENCY": str(workers), "SLANT_RESULT_CACHE": "0", **(env or {})}
    environ.pop("PORT", None)
    environ.setdefault("SLANT_FEEDBACK_DB", str(log_path.with_suffix(".sqlite3")))
    return environ


def start_server(port: int, workers: int, log_path: Path, env: dict | None = None) -> subprocess.Popen:
    """Start gunicorn (preloaded model) and wait until ``/readyz`` answers; return the master process."""
    environ = server_env(workers, log_path, env)
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
