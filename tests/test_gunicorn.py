"""gunicorn under load for a few seconds: a killed worker is replaced, SIGTERM drains in-flight requests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bench import load


@pytest.mark.skipif(not Path(sys.executable).with_name("gunicorn").exists(), reason="gunicorn not in this venv")
def test_gunicorn_worker_kill_and_graceful_shutdown(tmp_path):
    result = load.run(rate=20, duration=5, workers=2, kill_worker_at=2.0, log_dir=tmp_path)
    kill = result["worker_kill"]
    assert kill["replaced"], kill
    assert kill["errors_not_in_flight"] == 0, result
    assert kill["errors_in_flight_at_kill"] <= 1, result  # a sync worker serves one request at a time
    assert result["ok"] >= result["sent"] - 1 and result["p99_ms"] < 1000, result
    workers = result["memory"]["workers"]
    assert len(workers) == 2 and all(0 < m["rss_mb"] <= 150 for m in workers.values()), result["memory"]
    assert result["cpu"]["server_pct"] > 0 and result["cpu"]["generator_ms_per_req"] > 0, result["cpu"]
    shutdown = result["shutdown"]
    assert shutdown["completed_200"] == shutdown["in_flight"] == 2, shutdown
    assert shutdown["master_exit"] == 0, shutdown
