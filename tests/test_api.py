"""HTTP API: classification, input validation, error shape, health, CORS, start-up checks."""

from __future__ import annotations

import io
import json
import re
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import LABELS, ModelLoadError
from model.artifact import CLASSIFIER_FILE, MANIFEST, PUNKT_FILE, SCORER_FILE
from service import ConfigError, create_app

SAMPLE = ("The city council approved the budget on Tuesday by a vote of 7 to 2. "
          "Critics called the so-called “reform” a disaster! "
          "I think the mayor should resign. The plan takes effect in March.")


def post(client, payload=None, data=None, content_type="application/json", **kw):
    body = json.dumps(payload) if data is None else data
    return client.post("/v1/classify", data=body, content_type=content_type, **kw)


def assert_error(resp, status, code, *fragments):
    assert resp.status_code == status, resp.get_data(as_text=True)
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    for fragment in fragments:
        assert fragment in body["error"]["message"]
    assert resp.headers.get("X-Request-ID")
    return body["error"]["message"]


def raiser(exc):
    def fail(*args, **kwargs):
        raise exc
    return fail


def ok(resp):
    assert resp.status_code == 200 and resp.mimetype == "application/json", resp.get_data(as_text=True)
    return resp.get_json()


def check_result(result, model, text=None):
    """Invariants of a 200 classify response; ``text`` given for text input."""
    assert result["model"] == model.info()
    rows = result["sentences"]
    assert [r["index"] for r in rows] == list(range(len(rows)))
    for row in rows:
        assert ("start" in row) is ("end" in row) is (text is not None)
        if text is not None:
            assert text[row["start"]:row["end"]] == row["text"]
        scores = row["scores"]
        assert set(scores) == set(LABELS) and abs(sum(scores.values()) - 1) < 1e-6
        assert all(0 <= p <= 1 for p in scores.values())
        assert row["label"] in LABELS and row["label"] == max(LABELS, key=scores.__getitem__)
        for cue in row["cues"]:
            assert 0 <= cue["start"] < cue["end"] <= len(row["text"])
            assert row["text"][cue["start"]:cue["end"]] == cue["text"]
    counts = result["summary"]["counts"]
    assert result["summary"]["sentences"] == len(rows) == sum(counts.values())
    assert counts == {label: sum(r["label"] == label for r in rows) for label in LABELS}


def test_text_input(client, slant_model):
    result = ok(post(client, {"text": SAMPLE, "document_id": "doc-1"}))
    check_result(result, slant_model, SAMPLE)
    assert len(result["sentences"]) == 4
    cues = {(c["type"], c["text"]) for r in result["sentences"] for c in r["cues"]}
    assert ("so_called", "so-called") in cues


def test_sentences_input_keeps_order_and_count(client, slant_model):
    sentences = ["Prices rose 3% in May.", "This is a SHAMEFUL betrayal!", "Prices rose 3% in May.",
                 "We believe the court got it wrong."]
    result = ok(post(client, {"sentences": sentences}))
    check_result(result, slant_model)
    assert [r["text"] for r in result["sentences"]] == sentences
    assert result["sentences"][0]["scores"] == result["sentences"][2]["scores"]


def test_unicode_offsets_are_code_points(client, slant_model):
    text = ("👍🏽 Great news! “Quotes” and ‘curly’ ones are fine. Vyriausybė šiandien patvirtino biudžetą. "
            "Η κυβέρνηση ανακοίνωσε νέα μέτρα. 政府今天宣布了新措施。 The mayor said “fine”.")
    result = ok(post(client, {"text": text}))
    check_result(result, slant_model, text)
    # Astral emoji and skin-tone modifier count as one code point each (not UTF-16 units or bytes).
    for needle in ("Vyriausybė", "Η κυβέρνηση", "政府", "The mayor"):
        row = next(r for r in result["sentences"] if needle in r["text"])
        assert row["start"] + row["text"].index(needle) == text.index(needle)
    assert result["sentences"][-1]["end"] == len(text)


def test_charset_parameter_and_valid_surrogate_pair(client):
    resp = post(client, data='{"text": "Fine \\ud83d\\udc4d news."}', content_type="application/json; charset=utf-8")
    assert ok(resp)["sentences"][0]["text"] == "Fine 👍 news."


def test_request_id_echoed_or_generated(client):
    assert post(client, {"text": "Hi."}, headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id\twith <junk>"}).headers["X-Request-ID"]
    assert generated and generated != "bad id\twith <junk>" and len(generated) == 32


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_any_text_is_200_or_a_4xx(client, slant_model, text):
    resp = post(client, {"text": text})
    if resp.status_code == 200:
        check_result(resp.get_json(), slant_model, text)
    else:
        assert resp.status_code == 400 and resp.get_json()["error"]["code"] in ("empty_text", "invalid_text")


@pytest.mark.parametrize("data, code, fragment", [
    ("{", "invalid_json", "not valid JSON"),
    ('{"text": "a",}', "invalid_json", "not valid JSON"),
    ("", "invalid_json", "empty"),
    (b'{"text": "\xff\xfe"}', "invalid_json", "UTF-8"),
    ("[" * 100_000, "invalid_json", "nested"),
    ('{"text": ' + "9" * 5000 + "}", "invalid_json", "not valid JSON"),
    ("[]", "invalid_body", "object"),
    ('"just a string"', "invalid_body", "object"),
    ("{}", "missing_field", "text"),
    ('{"document_id": "x"}', "missing_field", "sentences"),
    ('{"text": "a", "sentences": ["a"]}', "conflicting_fields", "not both"),
    ('{"text": 3}', "invalid_field", "text must be a string"),
    ('{"text": null}', "invalid_field", "text must be a string"),
    ('{"sentences": "One. Two."}', "invalid_field", "sentences must be an array"),
    ('{"sentences": ["a", "b", "c", null]}', "invalid_field", "sentences[3] must be a string"),
    ('{"sentences": [["nested"]]}', "invalid_field", "sentences[0] must be a string"),
    ('{"text": "Fine.", "document_id": 7}', "invalid_field", "document_id"),
    ('{"text": ""}', "empty_text", "text"),
    ('{"text": " \\n\\t\\u00a0 "}', "empty_text", "text"),
    ('{"sentences": ["ok", "   "]}', "empty_text", "sentences[1]"),
    ('{"sentences": []}', "empty_sentences", "sentences"),
    ('{"text": "bad \\ud800 half"}', "invalid_text", "U+D800"),
    ('{"text": "bad \\udfff"}', "invalid_text", "text"),
    ('{"sentences": ["fine", "x\\udc00"]}', "invalid_text", "sentences[1]"),
])
def test_bad_input_is_400(client, data, code, fragment):
    assert_error(post(client, data=data), 400, code, fragment)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None,
                                          "application/jsonx", "multipart/form-data; boundary=x"])
def test_wrong_media_type_is_415(client, content_type):
    resp = client.post("/v1/classify", data='{"text": "Hello."}', content_type=content_type)
    assert_error(resp, 415, "unsupported_media_type", "application/json")


def test_body_over_the_limit_is_413(client, make_app):
    big = json.dumps({"text": "word " * 200_001})
    assert_error(post(client, data=big), 413, "payload_too_large", "1000000")
    assert_error(post(make_app(MAX_CONTENT_LENGTH=50).test_client(), {"text": "x" * 60}),
                 413, "payload_too_large", "50 bytes")


@pytest.mark.parametrize("size, status", [(49, 200), (50, 200), (51, 413), (5000, 413)])
def test_chunked_body_over_the_limit_is_413(make_app, size, status):
    client = make_app(MAX_CONTENT_LENGTH=50).test_client()
    body = json.dumps({"text": "x" * (size - 12)}).encode()
    assert len(body) == size
    resp = client.post("/v1/classify", input_stream=io.BytesIO(body), content_type="application/json",
                       headers={"Transfer-Encoding": "chunked"}, environ_overrides={"wsgi.input_terminated": True})
    assert resp.status_code == status, resp.get_json()


def test_too_many_sentences_is_413(client, make_app):
    assert_error(post(client, {"sentences": ["A fact."] * 2001}), 413, "too_many_sentences", "2000")
    small = make_app(MAX_SENTENCES=3).test_client()
    assert_error(post(small, {"sentences": ["A.", "B.", "C.", "D."]}), 413, "too_many_sentences", "limit is 3")
    assert_error(post(small, {"text": "One is here. Two is here. Three is here. Four is here."}),
                 413, "too_many_sentences", "limit is 3")
    assert post(small, {"text": "One is here. Two is here. Three is here."}).status_code == 200


def test_sentence_too_long_is_413(client, make_app):
    assert post(client, {"sentences": ["a" * 5000]}).status_code == 200
    assert_error(post(client, {"sentences": ["ok", "a" * 5001]}), 413, "sentence_too_long", "sentences[1]", "5000")
    assert_error(post(make_app(MAX_SENTENCE_CHARS=10).test_client(), {"sentences": ["eleven char"]}),
                 413, "sentence_too_long", "limit is 10")


def test_unknown_route_and_wrong_method(client):
    assert_error(client.get("/nope"), 404, "not_found")
    assert_error(client.post("/v1/classify/extra"), 404, "not_found")
    resp = client.get("/v1/classify")
    assert_error(resp, 405, "method_not_allowed", "POST")
    assert "POST" in resp.headers["Allow"]
    assert_error(client.post("/healthz"), 405, "method_not_allowed")


def test_model_failures_are_a_bare_500(client, slant_model, monkeypatch):
    monkeypatch.setattr(slant_model, "classify_text", raiser(RuntimeError("secret internal detail")))
    message = assert_error(post(client, {"text": "Hello there."}), 500, "internal_error")
    assert "secret" not in message
    monkeypatch.setattr(slant_model.splitter, "spans", raiser(TimeoutError("splitter detail")))
    message = assert_error(post(client, {"text": "a. " * 50}), 500, "internal_error")
    assert "splitter" not in message


def test_health_ready_and_model(app, client, slant_model, monkeypatch):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json() == {"status": "ready", "model": slant_model.info()}
    monkeypatch.setitem(slant_model.manifest, "signing_token", "do-not-leak")
    info = client.get("/v1/model").get_json()
    assert "signing_token" not in info
    for key in ("name", "version", "labels", "created", "training", "metrics", "versions"):
        assert info[key] == slant_model.manifest[key]
    assert info["files"] == slant_model.manifest["files"]
    monkeypatch.setitem(app.extensions, "slant_model", None)
    assert client.get("/readyz").status_code == 503
    assert_error(client.get("/v1/model"), 503, "model_unavailable")


PREFLIGHT = {"Origin": "https://newsroom.example", "Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "content-type"}


def test_cors_off_by_default(client):
    resp = client.options("/v1/classify", headers=PREFLIGHT)
    assert "Access-Control-Allow-Origin" not in resp.headers
    resp = post(client, {"text": "Hi."}, headers={"Origin": "https://newsroom.example"})
    assert resp.status_code == 200 and "Access-Control-Allow-Origin" not in resp.headers


def test_cors_any_origin(make_app):
    client = make_app(CORS_ORIGINS="*").test_client()
    resp = client.options("/v1/classify", headers=PREFLIGHT)
    assert resp.status_code == 204 and resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in resp.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in resp.headers["Access-Control-Allow-Headers"]
    resp = post(client, {"text": "Hi."}, headers={"Origin": "https://newsroom.example"})
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "X-Request-ID" in resp.headers["Access-Control-Expose-Headers"]
    assert client.options("/v1/nope", headers=PREFLIGHT).status_code == 404


def test_cors_origin_list_from_env(make_app, monkeypatch):
    monkeypatch.setenv("SLANT_CORS_ORIGINS", "https://newsroom.example, http://localhost:3000")
    client = make_app().test_client()
    resp = client.options("/v1/classify", headers=PREFLIGHT)
    assert resp.status_code == 204
    assert resp.headers["Access-Control-Allow-Origin"] == "https://newsroom.example"
    resp = post(client, {"text": "Hi."}, headers={"Origin": "http://localhost:3000"})
    assert resp.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert "Origin" in resp.headers["Vary"]
    resp = post(client, {"text": "Hi."}, headers={"Origin": "https://evil.example"})
    assert resp.status_code == 200 and "Access-Control-Allow-Origin" not in resp.headers


def test_create_app_loads_and_verifies_the_model_dir(make_app, slant_model, monkeypatch, tmp_path):
    for name in (CLASSIFIER_FILE, PUNKT_FILE, SCORER_FILE, MANIFEST):
        shutil.copyfile(slant_model.model_dir / name, tmp_path / name)
    app = create_app({"TESTING": True, "MODEL_DIR": str(tmp_path)})
    assert app.test_client().get("/readyz").get_json()["model"] == slant_model.info()
    data = bytearray((tmp_path / CLASSIFIER_FILE).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (tmp_path / CLASSIFIER_FILE).write_bytes(bytes(data))
    monkeypatch.setenv("SLANT_MODEL_DIR", str(tmp_path))
    with pytest.raises(ModelLoadError, match="hash"):
        create_app({"TESTING": True})


@pytest.mark.parametrize("value", ["lots", "0", "-5", "1.5", "2e3"])
def test_bad_config_value_is_a_clear_error(make_app, monkeypatch, value):
    monkeypatch.setenv("SLANT_MAX_SENTENCES", value)
    with pytest.raises(ConfigError, match=r"SLANT_MAX_SENTENCES must be a positive integer, got '.*'"):
        make_app()


def test_config_layers(make_app, monkeypatch):
    monkeypatch.setenv("SLANT_MAX_SENTENCES", "1_500")
    monkeypatch.setenv("SLANT_MAX_CONTENT_LENGTH", "2000")
    app = make_app(MAX_CONTENT_LENGTH=3000)
    assert app.config["MAX_SENTENCES"] == 1500 and app.config["MAX_CONTENT_LENGTH"] == 3000
    assert app.config["MAX_SENTENCE_CHARS"] == 5000 and app.config["CORS_ORIGINS"] == ()
    with pytest.raises(ConfigError, match="MAX_SENTENCE_CHARS"):
        make_app(MAX_SENTENCE_CHARS="many")
    monkeypatch.setenv("SLANT_CORS_ORIGINS", "newsroom.example")
    with pytest.raises(ConfigError, match="SLANT_CORS_ORIGINS"):
        make_app()


def test_vilnius_reference(client, slant_model, vilnius_text):
    result = ok(post(client, {"text": vilnius_text}))
    check_result(result, slant_model, vilnius_text)
    cues = [c for row in result["sentences"] for c in row["cues"]]
    found = {(c["type"], c["text"]) for c in cues}
    for expected in [("scare_quotes", "“values based”"), ("scare_quotes", "“European pillar”"),
                     ("so_called", "so-called"), ("caps_emphasis", "AGAINST"), ("sneer_aside", "(alleged)")]:
        assert expected in found, expected
    assert not [c for c in cues if c["text"].strip() in ("NATO", "USA", "EU", "US")]
    # nothing else in capitals is emphasis, and every curly-quoted phrase of this text is a scare quote
    assert [c["text"] for c in cues if c["type"] == "caps_emphasis"] == ["AGAINST"]
    quoted = set(re.findall(r"“[^”]{1,80}”", vilnius_text))
    assert len(quoted) >= 5 and quoted <= {c["text"] for c in cues if c["type"] == "scare_quotes"}


def test_writable_manifest_is_warned_about(app, slant_model, caplog, tmp_path):
    """The service never writes the manifest; a manifest it *could* write is logged as a risk."""
    from service import warn_if_manifest_writable

    (tmp_path / "manifest.json").write_text("{}", encoding="utf-8")
    with caplog.at_level("WARNING"):
        assert warn_if_manifest_writable(app, tmp_path) is True
    assert "writable by the service user" in caplog.text
    assert warn_if_manifest_writable(app, tmp_path / "absent") is False
