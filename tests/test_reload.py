"""Hot reload: POST /v1/admin/reload under load, refusal of bad models, the model-directory watch."""

from __future__ import annotations

import http.client
import json
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from model import DEFAULT_MODEL_DIR
from model.artifact import CLASSIFIER_FILE, MANIFEST, PUNKT_FILE, SCORER_FILE
from training.corpora import read_labelled_file
from training.train import train_and_save

FIXTURE = Path(__file__).parent / "fixtures" / "tiny_corpus.csv"
TOKEN = "reload-secret-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("tiny")
    train_and_save(read_labelled_file(FIXTURE), out, seed=1)
    return out


def copy_model(src: Path, dst: Path) -> Path:
    dst.mkdir(parents=True, exist_ok=True)
    for name in (CLASSIFIER_FILE, PUNKT_FILE, SCORER_FILE, MANIFEST):
        shutil.copyfile(src / name, dst / name)
    return dst


def version_of(model_dir: Path) -> str:
    return json.loads((model_dir / MANIFEST).read_text())["version"]


def test_reload_needs_the_admin_token(make_app, tiny_model):
    client = make_app(API_TOKEN=TOKEN).test_client()
    assert client.post("/v1/admin/reload").status_code == 401
    assert client.post("/v1/admin/reload", headers={"Authorization": "Bearer nope"}).status_code == 403
    assert make_app().test_client().post("/v1/admin/reload", headers=AUTH).status_code == 403


def test_reload_swaps_and_v1_model_shows_it(make_app, tiny_model):
    client = make_app(API_TOKEN=TOKEN).test_client()
    before = client.get("/v1/model").get_json()["version"]
    res = client.post("/v1/admin/reload", json={"model_dir": str(tiny_model)}, headers=AUTH)
    assert res.status_code == 200, res.get_json()
    assert res.get_json()["model"]["version"] == version_of(tiny_model) != before
    assert res.get_json()["previous"]["version"] == before
    assert client.get("/v1/model").get_json()["version"] == version_of(tiny_model)
    assert client.get("/openapi.json").get_json()["info"]["x-model"]["version"] == version_of(tiny_model)
    out = client.post("/v1/classify", json={"text": "The council met on Monday."}).get_json()
    assert out["model"]["version"] == version_of(tiny_model)
    # no body: reload the directory now configured (the tiny one)
    assert client.post("/v1/admin/reload", headers=AUTH).get_json()["model"]["version"] == version_of(tiny_model)


@pytest.mark.parametrize("body, status, code", [
    ("[1]", 400, "invalid_json"),
    ('{"model_dir": 3}', 400, "invalid_field"),
    ('{"model_dir": "/no/such/dir"}', 422, "model_rejected"),
])
def test_bad_requests(make_app, body, status, code):
    client = make_app(API_TOKEN=TOKEN).test_client()
    res = client.post("/v1/admin/reload", data=body, content_type="application/json", headers=AUTH)
    assert res.status_code == status and res.get_json()["error"]["code"] == code


def test_wrong_versions_are_refused_and_old_model_keeps_serving(make_app, tiny_model, tmp_path):
    bad = copy_model(tiny_model, tmp_path / "bad")
    manifest = json.loads((bad / MANIFEST).read_text())
    manifest["versions"]["scikit-learn"] = "0.24.2"
    (bad / MANIFEST).write_text(json.dumps(manifest))
    client = make_app(API_TOKEN=TOKEN).test_client()
    before = client.get("/v1/model").get_json()["version"]
    res = client.post("/v1/admin/reload", json={"model_dir": str(bad)}, headers=AUTH)
    assert res.status_code == 422
    assert "built with 0.24.2" in res.get_json()["error"]["message"]
    assert client.get("/v1/model").get_json()["version"] == before


def _post(port: int, path: str, body: dict, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json", **(headers or {})})
        res = conn.getresponse()
        return res.status, json.loads(res.read())
    finally:
        conn.close()


def test_reloads_under_load_fail_no_request(make_app, tiny_model, tmp_path):
    app = make_app(API_TOKEN=TOKEN, MODEL_CHECK_SECONDS=0)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port = server.server_port
    threading.Thread(target=server.serve_forever, daemon=True).start()
    shipped, tiny = version_of(DEFAULT_MODEL_DIR), version_of(tiny_model)
    stop, results = threading.Event(), []

    def hammer():
        while not stop.is_set():
            try:
                status, out = _post(port, "/v1/classify", {"text": "The dam closed on Friday. What a DISGRACE!"})
                results.append((status, out.get("model", {}).get("version")))
            except Exception as exc:  # a dropped connection is a failed request too
                results.append((repr(exc), None))

    workers = [threading.Thread(target=hammer) for _ in range(4)]
    for w in workers:
        w.start()
    try:
        for i in range(6):
            target = tiny_model if i % 2 == 0 else DEFAULT_MODEL_DIR
            status, out = _post(port, "/v1/admin/reload", {"model_dir": str(target)}, AUTH)
            assert status == 200, out
            assert out["model"]["version"] == (tiny if i % 2 == 0 else shipped)
        tampered = copy_model(tiny_model, tmp_path / "tampered")
        data = bytearray((tampered / CLASSIFIER_FILE).read_bytes())
        data[len(data) // 2] ^= 0xFF
        (tampered / CLASSIFIER_FILE).write_bytes(bytes(data))
        status, out = _post(port, "/v1/admin/reload", {"model_dir": str(tampered)}, AUTH)
        assert status == 422 and "does not match its manifest hash" in out["error"]["message"]
        status, out = _post(port, "/v1/classify", {"text": "Rain fell."})
        assert status == 200 and out["model"]["version"] == shipped
    finally:
        stop.set()
        for w in workers:
            w.join()
        server.shutdown()
    assert results and all(status == 200 for status, _ in results), [r for r in results if r[0] != 200][:3]
    assert {v for _, v in results} <= {shipped, tiny}


def test_watch_picks_up_a_replaced_model_directory(make_app, tiny_model, tmp_path):
    watched = copy_model(tiny_model, tmp_path / "watched")
    app = make_app(MODEL=None, MODEL_DIR=str(watched), MODEL_CHECK_SECONDS=0.001)
    client = app.test_client()
    assert client.get("/v1/model").get_json()["version"] == version_of(tiny_model)
    records = read_labelled_file(FIXTURE)[:-3]
    new = train_and_save(records, watched, seed=2)["version"]
    assert new != version_of(tiny_model)
    app.extensions["slant_reload"]["checked"] = 0.0
    assert client.get("/v1/model").get_json()["version"] == new
    # a tampered replacement is refused and the current model keeps serving
    (watched / PUNKT_FILE).write_bytes((watched / PUNKT_FILE).read_bytes()[:50])
    manifest = json.loads((watched / MANIFEST).read_text())
    manifest["name"] = "touched"
    (watched / MANIFEST).write_text(json.dumps(manifest))
    app.extensions["slant_reload"]["checked"] = 0.0
    assert client.get("/v1/model").get_json()["version"] == new
