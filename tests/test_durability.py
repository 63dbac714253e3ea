"""Acknowledged feedback survives a SIGKILL of the server right after the last 2xx."""

from __future__ import annotations

import http.client
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVER = """
import sys
from werkzeug.serving import make_server
from service import create_app
server = make_server("127.0.0.1", 0, create_app({"FEEDBACK_DB": sys.argv[1], "WRITE_AUTH": "open"}))
print(server.server_port, flush=True)
server.serve_forever()
"""


def test_acknowledged_feedback_survives_sigkill(tmp_path):
    db = tmp_path / "feedback.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLANT_")}
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(db)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = int(proc.stdout.readline())
        ids = []
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for i in range(40):
            body = json.dumps({"text": f"Sentence number {i} is plainly wrong.", "predicted": "factual",
                               "corrected": "loaded", "document_id": f"doc-{i}"})
            conn.request("POST", "/v1/feedback", body, {"Content-Type": "application/json"})
            resp = conn.getresponse()
            payload = json.loads(resp.read())
            assert resp.status == 201, payload
            ids.append(payload["id"])
        proc.send_signal(signal.SIGKILL)  # right after the last acknowledgement: no clean shutdown
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    time.sleep(0.05)
    with sqlite3.connect(db) as conn:
        stored = {row[0] for row in conn.execute("SELECT id FROM feedback")}
    assert set(ids) <= stored and len(ids) == 40
