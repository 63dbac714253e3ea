"""Figures and text of ``bench.load``'s reports.

Turns the raw per-request results of a step into counts and latency percentiles
(:func:`summarize`, :func:`late_seconds`), adds the CPU split (:func:`cpu_report`),
judges a step against the p99 target (:func:`meets`), summarises the errors around a
worker kill (:func:`kill_report`), and formats the table rows (:data:`HEADER`,
:func:`format_step`) and the closing notes (:func:`print_summary`) of the command line.
"""

from __future__ import annotations


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile of ``values`` (nearest rank; NaN when empty)."""
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


def cpu_report(step: dict, gen_s: float, server_s: float, machine_s: float, wall: float) -> None:
    """Set ``step["cpu"]``: generator, server, machine and other CPU over ``wall`` s, in % of one core."""
    n = max(step["sent"], 1)
    step["cpu"] = {"wall_s": round(wall, 2),
                   "generator_pct": round(100 * gen_s / wall, 1), "server_pct": round(100 * server_s / wall, 1),
                   "machine_pct": round(100 * machine_s / wall, 1),
                   "other_pct": round(100 * max(machine_s - gen_s - server_s, 0.0) / wall, 1),
                   "generator_ms_per_req": round(1000 * gen_s / n, 3),
                   "server_ms_per_req": round(1000 * server_s / n, 3)}


def meets(step: dict, p99_ms: float) -> bool:
    """Whether a step met the target: 0 errors and p99 within ``p99_ms``."""
    return step["errors"] == 0 and step["p99_ms"] <= p99_ms


def late_seconds(results, p99_ms: float) -> list[list[int]]:
    """``[second, count]`` for each second of a step with requests over ``p99_ms`` or failed (by due time)."""
    counts: dict[int, int] = {}
    for due, done, status in results:
        if status != 200 or (done - due) * 1000 > p99_ms:
            counts[int(due)] = counts.get(int(due), 0) + 1
    return [[second, n] for second, n in sorted(counts.items())]


def kill_report(kill: dict) -> dict:
    """The worker-kill record with the step's errors counted in flight at the kill, or not."""
    at = kill["at"]
    errors = [(due, done, s) for due, done, s in kill.pop("results", []) if s != 200]
    in_flight = [e for e in errors if e[0] <= at <= e[1]]
    return {**kill, "at": round(at, 2), "errors_in_flight_at_kill": len(in_flight),
            "errors_not_in_flight": len(errors) - len(in_flight),
            "errors_within_1s": sum(abs(e[1] - at) <= 1 for e in errors)}


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


def print_summary(result: dict, client: str) -> None:
    """The notes printed under the table: column legend, highest passing rate, memory, worker kill, shutdown."""
    latency_note = ("wrk, closed loop: latencies in ms as wrk measures them (service time, no open-schedule "
                    "queueing); no lag99/oth^" if client == "wrk" else
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
