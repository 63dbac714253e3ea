"""Throughput settings and tooling: bench.load's generator and reports (bench/load.py and
bench/load_*.py), gunicorn.conf.py's environment switches, the start-up warm-up and the
sentence-mark check's fast path.

(The gunicorn run itself, with a worker kill and SIGTERM, is tests/test_gunicorn.py.)
"""

from __future__ import annotations

import argparse
import http.server
import json
import os
import runpy
import threading
import time
from pathlib import Path

import pytest

import service
from bench import load, load_client, load_report, load_server
from model import ModelLoadError
from service import WARM_UP_ARTICLE, create_app

ROOT = Path(__file__).resolve().parents[1]


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        out = json.dumps({"length": len(body)}).encode()
        self.send_response(200 if json.loads(body).get("text") else 400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args):
        pass


@pytest.fixture
def http_port():
    server = http.server.ThreadingHTTPServer((load_client.HOST, 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_drive_sends_on_schedule_and_reads_every_answer(http_port):
    stats: dict = {}
    ticks: list[float] = []
    results = load_client.drive(http_port, 100, 0.5, load_client.make_articles(count=3), on_tick=ticks.append,
                                stats=stats)
    assert len(results) == len(ticks) == 50
    assert [status for _, _, status in results] == [200] * 50
    dues = sorted(due for due, _, _ in results)
    assert dues == pytest.approx([i / 100 for i in range(50)])
    assert all(done >= due for due, done, _ in results)
    summary = load_report.summarize(results, 100, 0.5)
    assert summary["ok"] == 50 and summary["errors"] == 0 and summary["p99_ms"] < 1000
    assert set(stats["start_lag_ms"]) == {"p50", "p99", "max"}


def test_drive_reports_refused_connections_as_errors():
    port = load_server.free_port()  # nothing listens there
    results = load_client.drive(port, 50, 0.1, load_client.make_articles(count=1))
    assert len(results) == 5 and {status for _, _, status in results} == {"ConnectionRefusedError"}
    summary = load_report.summarize(results, 50, 0.1)
    assert summary["ok"] == 0 and summary["errors"] == 5 and summary["error_kinds"] == ["ConnectionRefusedError"]


def test_proc_readers_measure_this_process():
    cpu = load_server.ServerCPU(os.getpid())
    cpu.start()
    deadline = time.process_time() + 0.1
    while time.process_time() < deadline:
        pass
    assert cpu.seconds() >= 0.05
    busy, total = load_server.machine_cpu()
    assert 0 < busy <= total
    memory = load_server.memory_mb(os.getpid())
    assert memory["rss_mb"] > 1 and memory["pss_mb"] > 1
    assert load_server.process_cpu(2**22 + 1) is None and load_server.memory_mb(2**22 + 1) == {}


def test_step_report_and_command_line_parsing():
    step = {**load_report.summarize([(0.0, 0.002, 200), (0.01, 0.05, "ConnectionResetError")], 100, 0.02),
            "start_lag_ms": {"p50": 0.1, "p99": 0.2, "max": 0.3}}
    load_report.cpu_report(step, gen_s=0.01, server_s=0.03, machine_s=0.05, wall=0.1)
    step["meets_target"] = load_report.meets(step, 20.0)
    assert step["cpu"]["server_pct"] == 30.0 and step["cpu"]["other_pct"] == 10.0
    assert step["meets_target"] is False  # an error
    line = load_report.format_step(step)
    assert "100/s" in line and "MISSED" in line and "ConnectionResetError" in line
    assert load._numbers("400, 600,800") == [400.0, 600.0, 800.0]
    with pytest.raises(argparse.ArgumentTypeError):
        load._numbers("fast")
    assert load._env_pair("GUNICORN_ACCESSLOG=off") == ("GUNICORN_ACCESSLOG", "off")
    with pytest.raises(SystemExit):
        load.main(["--rate", "5000"])  # beyond MAX_RATE: refused before starting anything


def _gunicorn_conf(monkeypatch, **env) -> dict:
    for name in ("PORT", "WEB_CONCURRENCY", "GUNICORN_ACCESSLOG", "GUNICORN_MAX_REQUESTS", "GUNICORN_TIMEOUT",
                 "GUNICORN_CONTROL_SOCKET"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_conf_defaults_and_switches(monkeypatch):
    conf = _gunicorn_conf(monkeypatch)
    assert conf["accesslog"] == "-" and conf["errorlog"] == "-"
    assert conf["max_requests"] == 100_000 and conf["max_requests_jitter"] == 10_000
    assert conf["workers"] == 2 and conf["worker_class"] == "sync" and conf["preload_app"] is True
    assert conf["limit_request_line"] == 4094 and conf["limit_request_fields"] == 100
    assert _gunicorn_conf(monkeypatch, GUNICORN_ACCESSLOG="off")["accesslog"] is None
    assert _gunicorn_conf(monkeypatch, GUNICORN_ACCESSLOG="/var/log/slant-access.log")["accesslog"] \
        == "/var/log/slant-access.log"
    conf = _gunicorn_conf(monkeypatch, GUNICORN_MAX_REQUESTS="2000")
    assert conf["max_requests"] == 2000 and conf["max_requests_jitter"] == 200
    with pytest.raises(SystemExit, match="GUNICORN_MAX_REQUESTS"):
        _gunicorn_conf(monkeypatch, GUNICORN_MAX_REQUESTS="lots")
    conf = _gunicorn_conf(monkeypatch)
    assert conf["control_socket_disable"] is True and "control_socket" not in conf
    conf = _gunicorn_conf(monkeypatch, GUNICORN_CONTROL_SOCKET="/run/slant/gunicorn.ctl")
    assert conf["control_socket_disable"] is False and conf["control_socket"] == "/run/slant/gunicorn.ctl"


def test_gunicorn_knows_the_control_socket_setting(monkeypatch):
    cfg = pytest.importorskip("gunicorn.config").Config()
    assert "control_socket_disable" in cfg.settings  # else gunicorn ignores the name and opens the socket
    cfg.set("control_socket_disable", _gunicorn_conf(monkeypatch)["control_socket_disable"])
    assert cfg.control_socket_disable is True


class _SpyModel:
    """Delegates to the real model and records the texts of ``classify_text``."""

    def __init__(self, model, fail: bool = False):
        self._model, self.fail, self.texts = model, fail, []

    def classify_text(self, text, spans=None, cache=None):
        self.texts.append(text)
        if self.fail:
            raise RuntimeError("boom")
        return self._model.classify_text(text, spans=spans, cache=cache)

    def __getattr__(self, name):
        return getattr(self._model, name)


def test_start_up_classifies_a_warm_up_article(slant_model, make_app, monkeypatch):  # make_app: clean env
    spy = _SpyModel(slant_model)
    monkeypatch.setattr(service, "load_model", lambda model_dir: spy)
    app = create_app({"TESTING": True})
    assert spy.texts == [WARM_UP_ARTICLE]
    result = slant_model.classify_text(WARM_UP_ARTICLE)
    assert len({row["text"] for row in result["sentences"]}) >= 10  # many distinct sentences: the batched paths
    assert app.test_client().post("/v1/classify", json={"text": "The mayor resigned."}).status_code == 200
    monkeypatch.setattr(service, "load_model", lambda model_dir: _SpyModel(slant_model, fail=True))
    with pytest.raises(ModelLoadError, match="failed a test classification"):
        create_app({"TESTING": True})


def test_mark_limit_counts_only_marks_when_there_are_many_full_stops(make_app):
    client = make_app(MAX_SENTENCE_MARKS=5).test_client()
    numbers = "Pi is 3.14159, e is 2.71828, and the ratio is 1.61803 or 0.5 or 0.25 or 0.125 of it."
    assert numbers.count(".") > 5  # more full stops than the limit, but only one is a sentence mark
    assert client.post("/v1/classify", json={"text": numbers + " Next."}).status_code == 200
    resp = client.post("/v1/classify", json={"text": "A. B. C. D. E. F. G."})
    assert resp.status_code == 413 and resp.get_json()["error"]["code"] == "text_too_complex"
    assert client.post("/v1/classify", json={"text": "A. B. C. D. E. F"}).status_code == 200  # exactly 5 marks


def test_load_server_turns_the_result_cache_off_unless_asked(monkeypatch, tmp_path):
    # every bench request sends the same article: with the cache on, nothing would be classified
    monkeypatch.setenv("SLANT_RESULT_CACHE", "4096")
    monkeypatch.setenv("PORT", "1234")
    env = load_server.server_env(3, tmp_path / "g.log")
    assert env["SLANT_RESULT_CACHE"] == "0" and env["WEB_CONCURRENCY"] == "3" and "PORT" not in env
    assert env["SLANT_FEEDBACK_DB"] == str(tmp_path / "g.sqlite3")
    assert load_server.server_env(2, tmp_path / "g.log", {"SLANT_RESULT_CACHE": "100"})["SLANT_RESULT_CACHE"] == "100"
