"""POST /v1/feedback (auth, validation, idempotency, durable SQLite) and `slant feedback export`."""

from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from service import storage
from training.cli import main
from training.corpora import read_labelled_file

TOKEN = "s3cret-token-0123456789"
GOOD = {"text": "The so-called “plan” is a DISGRACE!", "predicted": "opinion", "corrected": "loaded",
        "model_version": "v1", "document_id": "doc-7", "url": "https://news.example/a"}


@pytest.fixture
def db(tmp_path):
    return tmp_path / "nested" / "feedback.sqlite3"


@pytest.fixture
def open_client(make_app, db):
    return make_app(WRITE_AUTH="open", FEEDBACK_DB=str(db)).test_client()


def rows(db):
    with sqlite3.connect(db) as conn:  # a fresh connection, as another process would see it
        return conn.execute("SELECT id, text, predicted, corrected, model_version, document_id, url, created_at "
                            "FROM feedback ORDER BY created_at").fetchall()


def test_token_policy(make_app, db):
    client = make_app(API_TOKEN=TOKEN, FEEDBACK_DB=str(db)).test_client()
    resp = client.post("/v1/feedback", json=GOOD)
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "unauthorized"
    resp = client.post("/v1/feedback", json=GOOD, headers={"Authorization": "Bearer wrong-token-xxxxxxxx"})
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "forbidden"
    resp = client.post("/v1/feedback", json=GOOD, headers={"Authorization": f"Bearer {TOKEN}"})
    assert resp.status_code == 201
    no_token = make_app(FEEDBACK_DB=str(db)).test_client().post("/v1/feedback", json=GOOD)
    assert no_token.status_code == 403 and no_token.get_json()["error"]["code"] == "auth_not_configured"


@pytest.mark.parametrize("change, code", [
    ({"text": None}, "invalid_field"),
    ({"text": "   "}, "empty_text"),
    ({"text": "x" * 5001}, "text_too_long"),
    ({"corrected": "biased"}, "invalid_label"),
    ({"predicted": 3}, "invalid_field"),
    ({"document_id": 12}, "invalid_field"),
    ({"url": "u" * 2001}, "invalid_field"),
])
def test_validation_errors(open_client, db, change, code):
    resp = open_client.post("/v1/feedback", json={**GOOD, **change})
    assert resp.status_code == 400, resp.get_json()
    assert resp.get_json()["error"]["code"] == code and resp.get_json()["error"]["message"]


def test_missing_fields_and_bad_bodies(open_client):
    for field in ("text", "predicted", "corrected"):
        body = {k: v for k, v in GOOD.items() if k != field}
        resp = open_client.post("/v1/feedback", json=body)
        assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "missing_field"
        assert field in resp.get_json()["error"]["message"]
    assert open_client.post("/v1/feedback", data="{x", content_type="application/json").status_code == 400
    assert open_client.post("/v1/feedback", data="{}", content_type="text/plain").status_code == 415
    assert open_client.get("/v1/feedback").status_code == 405


def test_store_and_idempotency(open_client, db):
    first = open_client.post("/v1/feedback", json=GOOD)
    assert first.status_code == 201 and first.get_json()["created"] is True
    again = open_client.post("/v1/feedback", json=GOOD)
    assert again.status_code == 200 and again.get_json() == {"id": first.get_json()["id"], "created": False}
    other_doc = open_client.post("/v1/feedback", json={**GOOD, "document_id": "doc-8"})
    other_label = open_client.post("/v1/feedback", json={**GOOD, "corrected": "factual"})
    no_doc = {k: v for k, v in GOOD.items() if k != "document_id"}
    a, b = open_client.post("/v1/feedback", json=no_doc), open_client.post("/v1/feedback", json=no_doc)
    assert [r.status_code for r in (other_doc, other_label, a, b)] == [201, 201, 201, 200]
    stored = rows(db)
    assert len(stored) == 4
    row = stored[0]
    assert row[:7] == (first.get_json()["id"], GOOD["text"], "opinion", "loaded", "v1", "doc-7", GOOD["url"])
    assert row[7].endswith("Z")


def test_sqlite_is_wal_full_and_migrated_once(open_client, db):
    assert open_client.post("/v1/feedback", json=GOOD).status_code == 201
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(1,)]
    with storage.connect(db) as conn:
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert storage.migrate(conn) == []  # already applied: nothing to do


def test_export_roundtrip_reads_as_training_corpus(open_client, db, tmp_path):
    texts = ["A “so-called” reform, with a comma.", "Line one\nline two.", "Rates rose 2 % — 🚢 “quoted”."]
    for text in texts:
        assert open_client.post("/v1/feedback", json={**GOOD, "text": text}).status_code == 201
    out = tmp_path / "corrections.csv"
    result = CliRunner().invoke(main, ["feedback", "export", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0, result.output
    records = read_labelled_file(out)
    assert [r.text for r in records] == texts
    assert {r.label for r in records} == {"loaded"} and {r.source for r in records} == {"feedback"}
    assert all(r.id for r in records)


def test_export_errors(tmp_path):
    runner = CliRunner()
    missing = runner.invoke(main, ["feedback", "export", "--db", str(tmp_path / "none.db"),
                                   "--out", str(tmp_path / "x.csv")])
    assert missing.exit_code != 0 and "no feedback database" in missing.output
    wrong = runner.invoke(main, ["feedback", "export", "--db", str(tmp_path / "x"), "--out", str(tmp_path / "x.tsv")])
    assert wrong.exit_code != 0 and ".csv" in wrong.output


def test_demo_routes(client):
    page = client.get("/")
    assert page.status_code == 200 and b"slant-annotator" in page.data and b"/static/slant.js" in page.data
    script = client.get("/static/slant.js")
    assert script.status_code == 200 and script.mimetype == "text/javascript" and b"Slant" in script.data
    assert client.get("/docs/embedding").status_code == 200


def test_postgresql_backend(make_app, tmp_path):
    """Same endpoint and export on PostgreSQL; opt-in: set SLANT_TEST_POSTGRES_URL=postgresql://..."""
    import os
    import uuid

    url = os.environ.get("SLANT_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("SLANT_TEST_POSTGRES_URL not set (needs a PostgreSQL server and psycopg)")
    pytest.importorskip("psycopg")
    client = make_app(WRITE_AUTH="open", FEEDBACK_DB=url).test_client()
    body = {**GOOD, "text": f"A “so-called” test {uuid.uuid4().hex} 🚢."}
    first = client.post("/v1/feedback", json=body)
    again = client.post("/v1/feedback", json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    out = tmp_path / "pg.csv"
    result = CliRunner().invoke(main, ["feedback", "export", "--db", url, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert body["text"] in [r.text for r in read_labelled_file(out)]
