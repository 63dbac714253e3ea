"""The OpenAPI document describes every route, and real responses validate against it."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

BASE = "urn:slant:openapi"


@pytest.fixture
def doc(client):
    resp = client.get("/openapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    return resp.get_json()


def validator_for(doc, pointer):
    """A validator for the schema at JSON pointer ``pointer`` of ``doc``, resolving ``$ref``s."""
    registry = Registry().with_resource(BASE, Resource.from_contents(doc, default_specification=DRAFT202012))
    return Draft202012Validator({"$ref": f"{BASE}#{pointer}"}, registry=registry)


def escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


def validate_response(doc, path, method, resp):
    """Validate ``resp`` against the documented response for its status."""
    responses = doc["paths"][path][method]["responses"]
    status = str(resp.status_code)
    assert status in responses, f"{method.upper()} {path} -> {status} is not documented"
    assert "application/json" in responses[status]["content"]
    assert resp.mimetype == "application/json"
    pointer = f"/paths/{escape(path)}/{method}/responses/{status}/content/{escape('application/json')}/schema"
    validator_for(doc, pointer).validate(resp.get_json())


def walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def test_document_is_openapi_3_for_every_route(app, doc):
    assert doc["openapi"].startswith("3.")
    assert doc["info"]["title"] and doc["info"]["version"]
    for rule in app.url_map.iter_rules():
        assert rule.rule in doc["paths"], rule.rule
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            operation = doc["paths"][rule.rule][method.lower()]
            assert operation["operationId"] and operation["responses"]
            assert all("description" in r for r in operation["responses"].values())
    assert "requestBody" in doc["paths"]["/v1/classify"]["post"]
    for status in ("200", "400", "413", "415"):
        assert status in doc["paths"]["/v1/classify"]["post"]["responses"]


def test_every_ref_resolves_and_schemas_are_valid(doc):
    for node in walk(doc):
        ref = node.get("$ref")
        if isinstance(ref, str):
            assert ref.startswith("#/components/")
            target = doc
            for part in ref[2:].split("/"):
                target = target[part]
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_documented_limits_follow_config(make_app):
    doc = make_app(MAX_SENTENCES=7, MAX_SENTENCE_CHARS=99).test_client().get("/openapi.json").get_json()
    sentences = doc["components"]["schemas"]["SentencesRequest"]["properties"]["sentences"]
    assert sentences["maxItems"] == 7 and sentences["items"]["maxLength"] == 99


@pytest.mark.parametrize("body, valid", [
    ({"text": "Hello."}, True),
    ({"sentences": ["One.", "Two."], "document_id": "d1"}, True),
    ({"text": "Hello.", "sentences": ["One."]}, False),
    ({}, False),
    ({"sentences": []}, False),
    ({"sentences": ["ok", 3]}, False),
    ({"text": "   "}, False),
    ({"text": 3}, False),
])
def test_request_schema_matches_server_validation(client, doc, body, valid):
    schema = validator_for(doc, "/components/schemas/ClassifyRequest")
    assert schema.is_valid(body) is valid
    status = client.post("/v1/classify", json=body).status_code
    assert (status == 200) is valid


def test_classify_responses_validate(client, doc):
    cases = [
        ({"json": {"text": "The vote passed 7 to 2. What a “triumph” (allegedly)! I LOVE it."}}, 200),
        ({"json": {"sentences": ["Rates rose.", "This so-called plan is a DISGRACE!"]}}, 200),
        ({"data": "{oops", "content_type": "application/json"}, 400),
        ({"json": {"sentences": ["fine", None]}}, 400),
        ({"json": {"text": "a" * 1_000_001}}, 413),
        ({"json": {"sentences": ["x"] * 2001}}, 413),
        ({"json": {"sentences": ["x" * 5001]}}, 413),
        ({"data": json.dumps({"text": "Hi."}), "content_type": "text/plain"}, 415),
    ]
    for kwargs, status in cases:
        resp = client.post("/v1/classify", **kwargs)
        assert resp.status_code == status, (kwargs, resp.get_json())
        validate_response(doc, "/v1/classify", "post", resp)
    resp = client.get("/v1/classify")
    assert resp.status_code == 405
    validate_response(doc, "/v1/classify", "post", resp)


def test_not_found_is_the_error_schema(client, doc):
    resp = client.get("/v1/nothing-here")
    assert resp.status_code == 404
    validator_for(doc, "/components/schemas/Error").validate(resp.get_json())


def test_meta_responses_validate(app, client, doc, monkeypatch):
    for path in ("/healthz", "/readyz", "/v1/model", "/openapi.json"):
        resp = client.get(path)
        assert resp.status_code == 200
        validate_response(doc, path, "get", resp)
    monkeypatch.setitem(app.extensions, "slant_model", None)
    for path in ("/readyz", "/v1/model"):
        resp = client.get(path)
        assert resp.status_code == 503
        validate_response(doc, path, "get", resp)


def test_schema_rejects_a_drifted_response(doc):
    """The response schema is strict enough to catch a renamed or missing field."""
    validator = validator_for(doc, "/components/schemas/ClassifyResponse")
    good = {"model": {"name": "slant", "version": "1"},
            "sentences": [{"index": 0, "text": "A.", "label": "factual", "cues": [],
                           "scores": {"factual": 1.0, "opinion": 0.0, "loaded": 0.0}}],
            "summary": {"counts": {"factual": 1, "opinion": 0, "loaded": 0}, "sentences": 1}}
    assert validator.is_valid(good)
    bad = json.loads(json.dumps(good))
    bad["sentences"][0]["label"] = "biased"
    assert not validator.is_valid(bad)
    del good["summary"]
    assert not validator.is_valid(good)
