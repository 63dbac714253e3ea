"""Reliability and security: hostile input, input bounds, warnings, read auth, rate limits, logs, metrics."""

from __future__ import annotations

import json
import logging
import time

import pytest

from service import ConfigError
from service.ratelimit import TokenBucket

TOKEN = "read-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

#: (name, request body, expected status, expected error code or None). Each must answer within 2 s.
HOSTILE = [
    ("control_chars", {"text": "Hello\x00 world.\x07 Bell\x1b[31m red.\x7f Done\x0c."}, 200, None),
    ("lone_surrogate", '{"text": "bad \\udc80 half"}', 400, "invalid_text"),
    ("zero_width_bidi", {"text": "Zero\u200bwidth\u200d join. \u202eevil\u202c text \u2066x\u2069. \ufeffBOM."}, 200, None),
    ("100kB_no_full_stop", {"text": "word " * 20_000}, 200, None),
    ("50k_tiny_sentences", {"text": "a. " * 50_000}, 413, "text_too_complex"),
    ("300k_tiny_sentences", {"text": "a. " * 300_000}, 413, "text_too_complex"),
    ("50k_capital_sentences", {"text": "A. " * 50_000}, 413, "text_too_complex"),
    ("15k_tiny_sentences", {"text": "a. " * 15_000}, 200, None),
    ("50k_headline_lines", {"text": "Headline\n" * 50_000}, 413, "too_many_sentences"),
    ("150k_blank_line_blocks", {"text": "A\n\n" * 150_000}, 413, "too_many_sentences"),
    ("50k_lower_lines", {"text": "a\n" * 50_000}, 200, None),
    ("one_char_sentence_list", {"sentences": ["a."] * 50_000}, 413, "too_many_sentences"),
    ("deep_nesting", "[" * 100_000 + "]" * 100_000, 400, "invalid_json"),
    ("deep_nesting_in_text", '{"text": ' + "[" * 500 + "]" * 500 + "}", 400, "invalid_field"),
    ("very_deep_nesting_in_text", '{"text": ' + "[" * 50_000 + "]" * 50_000 + "}", 400, "invalid_json"),
    ("duplicate_keys", '{"text": "One.", "text": "Two."}', 400, "invalid_json"),
    ("number_for_text", {"text": 12.5}, 400, "invalid_field"),
    ("array_for_text", {"text": ["One."]}, 400, "invalid_field"),
    ("numbers_in_sentences", {"sentences": [1, 2]}, 400, "invalid_field"),
    ("object_for_document_id", {"text": "Fine.", "document_id": {"a": 1}}, 400, "invalid_field"),
    ("html_script", {"text": "<script>alert(1)</script> The mayor <b>resigned</b>. <img src=x onerror=alert(2)>"},
     200, None),
]


@pytest.mark.parametrize("name, body, status, code", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_input_is_answered_quickly(client, name, body, status, code):
    data = body if isinstance(body, str) else json.dumps(body)
    started = time.perf_counter()
    resp = client.post("/v1/classify", data=data, content_type="application/json")
    elapsed = time.perf_counter() - started
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    assert resp.mimetype == "application/json" and resp.headers["X-Content-Type-Options"] == "nosniff"
    assert elapsed < 2.0, f"{name} took {elapsed:.2f} s"
    result = resp.get_json()
    if code is not None:
        assert result["error"]["code"] == code and result["error"]["message"]
    elif "text" in body:
        for row in result["sentences"]:
            assert body["text"][row["start"]:row["end"]] == row["text"]


def test_html_comes_back_as_json_text(client):
    text = "<script>alert(1)</script> The mayor resigned."
    resp = client.post("/v1/classify", json={"text": text})
    assert resp.mimetype == "application/json" and "".join(r["text"] for r in resp.get_json()["sentences"]) \
        .replace(" ", "") == text.replace(" ", "")


def test_bounds_name_their_limit(client, make_app):
    small = make_app(MAX_SENTENCE_MARKS=5).test_client()
    resp = small.post("/v1/classify", json={"text": "One. Two. Three. Four. Five. Six. Seven."})
    assert resp.status_code == 413 and "5 sentence marks" in resp.get_json()["error"]["message"]
    assert "SLANT_MAX_SENTENCE_MARKS" in resp.get_json()["error"]["message"]
    resp = make_app(MAX_SENTENCES=2).test_client().post("/v1/classify", json={"text": "One is here. Two is here. Three is here."})
    assert resp.status_code == 413 and "limit is 2" in resp.get_json()["error"]["message"]


def test_long_runs_are_split_with_a_warning(client):
    text = "word " * 1000 + "The end."
    body = client.post("/v1/classify", json={"text": text}).get_json()
    assert [w["index"] for w in body["warnings"]] == [0, 1]
    assert all(w["code"] == "sentence_split" and "2000" in w["message"] for w in body["warnings"])
    assert all(len(r["text"]) <= 2000 for r in body["sentences"])
    assert "warnings" not in client.post("/v1/classify", json={"text": "Short. Fine."}).get_json()


def test_read_auth_token_closes_classify_and_model_only(make_app):
    client = make_app(API_TOKEN=TOKEN, READ_AUTH="token").test_client()
    for method, path, kw in [("post", "/v1/classify", {"json": {"text": "Hi."}}), ("get", "/v1/model", {})]:
        assert getattr(client, method)(path, **kw).status_code == 401
        wrong = getattr(client, method)(path, headers={"Authorization": "Bearer nope-nope-nope-nope"}, **kw)
        assert wrong.status_code == 403 and wrong.get_json()["error"]["code"] == "forbidden"
        assert getattr(client, method)(path, headers=AUTH, **kw).status_code == 200
    for path in ("/healthz", "/readyz", "/openapi.json", "/", "/static/slant.js", "/metrics"):
        assert client.get(path).status_code == 200, path
    assert make_app().test_client().post("/v1/classify", json={"text": "Hi."}).status_code == 200
    with pytest.raises(ConfigError, match="SLANT_READ_AUTH"):
        make_app(READ_AUTH="token")
    with pytest.raises(ConfigError, match="SLANT_READ_AUTH"):
        make_app(READ_AUTH="sometimes", API_TOKEN=TOKEN)


def test_tokens_and_text_are_never_logged(make_app, capsys, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    client = make_app(API_TOKEN=TOKEN, READ_AUTH="token", FEEDBACK_DB=str(tmp_path / "f.db")).test_client()
    secret_text = "Unmistakable-sentence-payload says hello."
    client.post("/v1/classify", json={"text": secret_text}, headers=AUTH)
    client.post("/v1/classify", json={"text": secret_text}, headers={"Authorization": f"Bearer {TOKEN}x"})
    client.post("/v1/feedback", json={"text": secret_text, "predicted": "factual", "corrected": "loaded"},
                headers=AUTH)
    client.post("/v1/admin/reload", data="{bad", content_type="application/json", headers=AUTH)
    out = capsys.readouterr()
    logged = out.err + out.out + caplog.text
    assert TOKEN not in logged and "Unmistakable" not in logged
    lines = [json.loads(line) for line in out.err.splitlines() if line.startswith("{")]
    assert len(lines) >= 4
    first = lines[0]
    assert set(first) == {"ts", "level", "request_id", "method", "route", "status", "duration_ms", "sentences",
                          "model_version", "client"}
    assert first["route"] == "/v1/classify" and first["status"] == 200 and first["sentences"] == 1


def test_rate_limit_answers_429_with_retry_after(make_app):
    client = make_app(RATE_LIMIT=3).test_client()
    statuses = [client.post("/v1/classify", json={"text": "Hi."}).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    resp = client.post("/v1/classify", json={"text": "Hi."})
    assert resp.status_code == 429 and resp.get_json()["error"]["code"] == "rate_limited"
    assert "3 per minute" in resp.get_json()["error"]["message"] and int(resp.headers["Retry-After"]) >= 1
    assert client.get("/healthz").status_code == 200  # probes are not limited
    other = client.post("/v1/classify", json={"text": "Hi."}, environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200  # another client has its own bucket
    forwarded = {"X-Forwarded-For": "203.0.113.7"}
    assert client.post("/v1/classify", json={"text": "Hi."}, headers=forwarded).status_code == 429  # not trusted
    proxied = make_app(RATE_LIMIT=1, TRUST_PROXY="1").test_client()
    for ip in ("203.0.113.7", "203.0.113.8"):
        assert proxied.get("/v1/model", headers={"X-Forwarded-For": f"1.1.1.1, {ip}"}).status_code == 200
    assert proxied.get("/v1/model", headers={"X-Forwarded-For": "203.0.113.7"}).status_code == 429


def test_token_bucket_refills():
    now = [100.0]
    bucket = TokenBucket(60, clock=lambda: now[0])  # one per second, burst 60
    assert all(bucket.take("c") == 0 for _ in range(60))
    assert bucket.take("c") == pytest.approx(1.0)
    now[0] += 1.0
    assert bucket.take("c") == 0 and bucket.take("c") > 0


def test_metrics_in_prometheus_text_format(client, slant_model):
    client.post("/v1/classify", json={"text": "One fact. Another fact."})
    client.post("/v1/classify", json={"sentences": ["A.", "B.", "C."]})
    client.post("/v1/classify", data="{", content_type="application/json")
    client.get("/nope")
    resp = client.get("/metrics")
    assert resp.status_code == 200 and resp.content_type.startswith("text/plain; version=0.0.4")
    lines = resp.get_data(as_text=True).splitlines()
    values = {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in lines if not line.startswith("#")}
    assert values['slant_requests_total{route="/v1/classify",status="200"}'] == 2
    assert values['slant_requests_total{route="/v1/classify",status="400"}'] == 1
    assert values['slant_requests_total{route="unmatched",status="404"}'] == 1
    assert values["slant_sentences_classified_total"] == 5
    assert values[f'slant_model_info{{name="{slant_model.name}",version="{slant_model.version}"}}'] == 1
    buckets = [v for k, v in values.items() if k.startswith('slant_request_duration_seconds_bucket{route="/v1/classify"')]
    assert buckets == sorted(buckets) and buckets[-1] == 3
    assert values['slant_request_duration_seconds_count{route="/v1/classify"}'] == 3
    assert "# TYPE slant_request_duration_seconds histogram" in lines
