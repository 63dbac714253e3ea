"""Fuzzing through the API: property-based invariants of /v1/classify and schemathesis on /openapi.json."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import LABELS

TOKEN = "fuzz-token-0123456789abcdef"
EXAMPLES_PER_OPERATION = 30


def has_lone_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(codec=None), max_size=400)
       | st.lists(st.sampled_from(["The mayor said “fine”.", " ", "\n\n", "Mr. Smith left.", "WOW!", "…",
                                   "so-called", "(alleged)", "\u200b", "\u202e", "\x00", "a. ", "é"]),
                  max_size=40).map("".join))
def test_any_text_keeps_the_api_invariants(client, text):
    resp = client.post("/v1/classify", json={"text": text})
    if has_lone_surrogate(text):
        assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "invalid_text"
        return
    if not text.strip():
        assert resp.status_code == 400 and resp.get_json()["error"]["code"] == "empty_text"
        return
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    last = 0
    for i, row in enumerate(body["sentences"]):
        assert row["index"] == i and last <= row["start"] < row["end"] <= len(text)
        assert text[row["start"]:row["end"]] == row["text"]
        last = row["end"]
        assert row["label"] in LABELS and set(row["scores"]) == set(LABELS)
        assert all(0.0 <= p <= 1.0 for p in row["scores"].values())
        assert abs(sum(row["scores"].values()) - 1.0) <= 1e-6
        for cue in row["cues"]:
            assert 0 <= cue["start"] < cue["end"] <= len(row["text"])
            assert row["text"][cue["start"]:cue["end"]] == cue["text"]
    for warning in body.get("warnings", []):
        assert warning["code"] == "sentence_split" and 0 <= warning["index"] < len(body["sentences"]) - 1


def test_schemathesis_against_the_openapi_document(make_app, tmp_path):
    schemathesis = pytest.importorskip("schemathesis")
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (content_type_conformance, negative_data_rejection,
                                                   response_headers_conformance, response_schema_conformance,
                                                   status_code_conformance)

    app = make_app(API_TOKEN=TOKEN, FEEDBACK_DB=str(tmp_path / "fuzz.sqlite3"))
    # The admin reload loads (unpickles) a model directory: not something to fuzz; it has its own tests.
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app).exclude(path="/v1/admin/reload")
    # Too many items (e.g. 2,001 sentences) is a documented 413 `too_many_sentences`, a proper rejection.
    from schemathesis.config._checks import NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, NegativeDataRejectionConfig
    schema.config.checks.negative_data_rejection = NegativeDataRejectionConfig(
        expected_statuses=[*NEGATIVE_DATA_REJECTION_EXPECTED_STATUSES, "413"])
    checks = [not_a_server_error, status_code_conformance, content_type_conformance,
              response_headers_conformance, response_schema_conformance, negative_data_rejection]
    headers = {"Authorization": f"Bearer {TOKEN}"}  # feedback writes need it; ignored elsewhere
    started, operations = time.monotonic(), []
    for result in schema.get_all_operations():
        operation = result.ok()
        operations.append(operation.label)
        modes = [GenerationMode.POSITIVE]
        if operation.label.startswith("POST "):  # bodies that break the schema must get a 4xx
            modes.append(GenerationMode.NEGATIVE)
        for mode in modes:

            @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(mode))
            def run(case):
                response = case.call(headers=headers)
                case.validate_response(response, checks=checks, headers=headers)

            run()
    assert "POST /v1/classify" in operations and "POST /v1/feedback" in operations
    assert time.monotonic() - started < 60
