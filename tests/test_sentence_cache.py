"""The per-sentence result cache: re-checking an edited article classifies only what changed."""

from __future__ import annotations

import copy

import pytest

from model.sentence_cache import SentenceCache
from service import ConfigError
from service.classify import get_cache

ARTICLE = ("The council approved the budget on Tuesday by nine votes to four. "
           "Critics call the plan a reckless giveaway to “values-based” developers. "
           "The mayor said the vote was “a good day for the city”. "
           "Frankly, the whole affair is an embarrassment. "
           "The so-called reform will cost 4 million euros over two years.")
EDITED = ARTICLE.replace("nine votes to four", "eight votes to five")


def _counting(model, monkeypatch):
    """Record how many sentences each call of ``model.scores`` classifies."""
    calls = []
    scores = model.scores

    def spy(sentences, cue_features=None):
        calls.append(list(sentences))
        return scores(sentences, cue_features)

    monkeypatch.setattr(model, "scores", spy)
    return calls


def _plain(result):
    return [(r["text"], r.get("start"), r.get("end"), r["label"], r["cues"]) for r in result["sentences"]]


def test_lru_keeps_the_most_recent_entries():
    cache = SentenceCache(2)
    cache.put_many([("a", (1,)), ("b", (2,))])
    assert cache.get_many(["a"]) == [(1,)]  # "a" is now the most recent
    cache.put_many([("c", (3,))])
    assert cache.get_many(["a", "b", "c"]) == [(1,), None, (3,)]
    assert len(cache) == 2 and (cache.hits, cache.misses) == (3, 1)
    cache.clear()
    assert len(cache) == 0 and cache.get_many(["a"]) == [None]


@pytest.mark.parametrize("size", [0, -1, 1.5, True, "10"])
def test_size_must_be_a_positive_integer(size):
    with pytest.raises(ValueError, match="max_entries must be a positive integer"):
        SentenceCache(size)


def test_cached_results_equal_fresh_ones(slant_model):
    cache = SentenceCache(100)
    first = slant_model.classify_text(ARTICLE, cache=cache)
    again = slant_model.classify_text(ARTICLE, cache=cache)
    fresh = slant_model.classify_text(ARTICLE)
    assert _plain(first) == _plain(again) == _plain(fresh)
    assert any(r["cues"] for r in fresh["sentences"])  # the article has cues to compare
    for row, want in zip(again["sentences"], fresh["sentences"]):
        assert row.keys() == want.keys()
        assert row["scores"] == pytest.approx(want["scores"], abs=1e-12)
    assert again["summary"] == fresh["summary"]


def test_an_edited_article_classifies_only_the_changed_sentence(slant_model, monkeypatch):
    cache = SentenceCache(100)
    calls = _counting(slant_model, monkeypatch)
    slant_model.classify_text(ARTICLE, cache=cache)
    assert len(calls) == 1 and len(calls[0]) == 5
    result = slant_model.classify_text(EDITED, cache=cache)
    assert calls[1] == ["The council approved the budget on Tuesday by eight votes to five."]
    slant_model.classify_text(EDITED, cache=cache)
    assert len(calls) == 2  # nothing left to classify
    starts = [r["start"] for r in result["sentences"]]
    assert [EDITED[r["start"]:r["end"]] for r in result["sentences"]] == [r["text"] for r in result["sentences"]]
    assert starts == sorted(starts)


def test_repeated_sentences_are_classified_once(slant_model, monkeypatch):
    calls = _counting(slant_model, monkeypatch)
    result = slant_model.classify_sentences(["Same words.", "Other words.", "Same words."], cache=SentenceCache(10))
    assert calls == [["Same words.", "Other words."]]
    assert [r["index"] for r in result["sentences"]] == [0, 1, 2]


def test_changing_a_response_does_not_change_the_cache(slant_model):
    cache = SentenceCache(10)
    first = slant_model.classify_text(ARTICLE, cache=cache)
    want = copy.deepcopy(_plain(first))
    for row in first["sentences"]:
        row["scores"]["loaded"] = -1.0
        row["cues"].clear()
    assert _plain(slant_model.classify_text(ARTICLE, cache=cache)) == want


def test_the_service_reuses_results_across_requests(make_app):
    app = make_app()
    client = app.test_client()
    first = client.post("/v1/classify", json={"text": ARTICLE}).get_json()
    second = client.post("/v1/classify", json={"text": EDITED}).get_json()
    _, cache = app.extensions["slant_result_cache"]
    assert (cache.misses, cache.hits) == (6, 4)
    shift = len(EDITED) - len(ARTICLE)
    for old, new in zip(first["sentences"][1:], second["sentences"][1:]):  # the same results, moved by the edit
        assert (new["start"], new["end"]) == (old["start"] + shift, old["end"] + shift)
        assert {k: v for k, v in new.items() if k not in ("start", "end")} == {
            k: v for k, v in old.items() if k not in ("start", "end")}


def test_the_service_cache_can_be_turned_off(make_app):
    app = make_app(RESULT_CACHE="0")
    client = app.test_client()
    assert client.post("/v1/classify", json={"text": ARTICLE}).status_code == 200
    assert "slant_result_cache" not in app.extensions


def test_a_reloaded_model_gets_an_empty_cache(make_app, slant_model):
    app = make_app(RESULT_CACHE=8)
    with app.test_request_context():
        cache = get_cache(slant_model)
        assert cache.max_entries == 8 and get_cache(slant_model) is cache
        assert get_cache(copy.copy(slant_model)) is not cache  # another loaded model object


@pytest.mark.parametrize("value, message", [
    ("lots", r"SLANT_RESULT_CACHE must be a positive integer, got 'lots'"),
    ("-5", r"SLANT_RESULT_CACHE must be a positive integer"),
    ("200000", r"SLANT_RESULT_CACHE must be at most 100000 sentences, got .200000."),
])
def test_bad_cache_settings_are_refused_by_name(make_app, monkeypatch, value, message):
    monkeypatch.setenv("SLANT_RESULT_CACHE", value)
    with pytest.raises(ConfigError, match=message):
        make_app()


def test_metrics_show_the_cache(make_app):
    app = make_app()
    client = app.test_client()
    assert "slant_result_cache" not in client.get("/metrics").get_data(as_text=True)  # no classify request yet
    for text in (ARTICLE, ARTICLE):
        client.post("/v1/classify", json={"text": text})
    body = client.get("/metrics").get_data(as_text=True)
    for line in ("slant_result_cache_hits_total 5", "slant_result_cache_misses_total 5",
                 "slant_result_cache_sentences 5", "# TYPE slant_result_cache_hits_total counter"):
        assert line in body.splitlines()
