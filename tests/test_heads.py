"""The two-head model (model/heads.py, training/heads.py) and its compiled form (model/compile.py, model/scorer.py)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from model.compile import compile_pipeline, compile_two_heads
from model.heads import TwoHeadClassifier
from model.scorer import Scorer, combine_heads
from training.corpora import Record, read_labelled_file
from training.heads import fit_two_heads, head_summary, head_targets, head_weights, heads_problem
from training.train import fit

from test_scorer import EDGE_CASES, invented_sentences

STARTER = Path(__file__).resolve().parents[1] / "training" / "data" / "starter.csv"


@pytest.fixture(scope="module")
def records():
    rows = read_labelled_file(STARTER)
    # word-level supervision of our own, BABE-style (each loaded row's longest word; biased words are
    # read from BABE rows only), so the learned table is not empty even without the shared span tables
    return [dataclasses.replace(r, source="babe:starter",
                                biased_words=(max(r.text.lower().split(), key=len).strip(".,!?;:\"'"),)
                                if r.label == "loaded" else ()) for r in rows if r.split == "train"]


@pytest.fixture(scope="module")
def model(records):
    return fit_two_heads(records, span_dir=None)


def test_probabilities_are_hierarchical_and_sum_to_one(model):
    texts = invented_sentences(60)
    proba = model.predict_proba(texts)
    classes = list(model.classes_)
    assert sorted(classes) == ["factual", "loaded", "opinion"]
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert (proba >= 0).all()
    factual = proba[:, classes.index("factual")]
    # P(loaded | not factual) is the head's probability, the same for any three-way split
    F = model.features_.transform(texts)
    q = model.head_.predict_proba(model._head_matrix(texts, F))[:, 1]
    assert np.allclose(proba[:, classes.index("loaded")], (1 - factual) * q)
    assert list(model.predict(texts)) == [classes[i] for i in proba.argmax(axis=1)]


def test_compiled_scorer_equals_the_reference(model):
    sample = invented_sentences(200) + EDGE_CASES
    ref = model.predict_proba(sample)
    got = Scorer(compile_two_heads(model)).predict_proba(sample)
    assert np.abs(ref - got).max() < 1e-6
    assert (ref.argmax(axis=1) == got.argmax(axis=1)).all()
    assert compile_pipeline(model)["combine"] == "hier"  # the generic entry point dispatches


def test_the_table_block_is_compiled_and_used(model, records):
    arrays = compile_two_heads(model)
    assert arrays["table_rates"].shape[0] == len(model.table_.word_index_) > 0
    zeroed = dict(arrays, table_coef=np.zeros_like(arrays["table_coef"]))
    text = [r.text for r in records if r.biased_words][:5]
    assert not np.allclose(Scorer(arrays).predict_proba(text), Scorer(zeroed).predict_proba(text))


def test_scorer_rejects_inconsistent_table_arrays(model):
    arrays = compile_two_heads(model)
    for bad in (dict(arrays, table_mean=arrays["table_mean"][:-1]),
                dict(arrays, table_token_ids=arrays["table_token_ids"] + 10**9),
                dict(arrays, combine=np.array("vote"))):
        with pytest.raises(ValueError):
            Scorer(bad)


def test_an_empty_table_still_matches_the_reference(records):
    """No word-level supervision and no span tables: the table block is constant, and still exact."""
    plain = [dataclasses.replace(r, biased_words=()) for r in records]
    model = fit_two_heads(plain, span_dir="/nonexistent")
    assert len(model.table_.word_index_) == 0
    sample = invented_sentences(50)
    assert np.abs(Scorer(compile_two_heads(model)).predict_proba(sample) - model.predict_proba(sample)).max() < 1e-6


def test_legacy_scorer_arrays_still_load(records):
    pipeline = fit(records[:400])
    arrays = compile_pipeline(pipeline)
    legacy = {k: v for k, v in arrays.items() if not k.startswith("table_") and k != "combine"}
    legacy["format"] = np.array("slant-scorer/1")
    texts = invented_sentences(30)
    assert np.allclose(Scorer(legacy).predict_proba(texts), pipeline.predict_proba(texts))


def test_combine_heads_is_the_logistic_split():
    three = np.array([[0.2, 0.5, 0.3], [0.9, 0.05, 0.05]])
    out = combine_heads(three, np.array([0.0, 800.0]), ["factual", "loaded", "opinion"])
    assert np.allclose(out, [[0.2, 0.4, 0.4], [0.9, 0.1, 0.0]])


def test_head_rows_are_the_corpora_that_mark_loaded():
    rows = [Record("a", "loaded", "babe"), Record("b", "factual", "babe"),
            Record("c", "opinion", "checkthat:train_en", marks_loaded=False)]
    assert head_targets(rows) == ["loaded", "not", None]


def test_head_rows_weigh_less_per_disagreeing_annotator_group():
    rows = [Record("a", "loaded", "babe", bias="Biased", other_bias=("Biased", "Non-biased")),
            Record("b", "factual", "babe", bias="Non-biased", other_bias=("Biased", "No agreement")),
            Record("c", "factual", "babe", bias="Non-biased", other_bias=("Non-biased",)),
            Record("d", "opinion", "house")]
    assert head_weights(rows).tolist() == [0.5, 0.25, 1.0, 1.0]
    assert head_weights(rows, 0.2).tolist() == pytest.approx([0.2, 0.04, 1.0, 1.0])
    assert head_weights(rows, 1.0).tolist() == [1.0] * 4
    assert head_summary(rows)["head_down_weighted"] == 2
    for bad in (0.0, -1, 1.5):
        with pytest.raises(ValueError, match=r"disagreement_weight must be in \(0, 1\]"):
            head_weights(rows, bad)


def test_fit_passes_the_agreement_weights_to_the_head(records, monkeypatch):
    n = len(records)
    marked = [dataclasses.replace(r, bias="Biased" if r.label == "loaded" else "Non-biased",
                                  other_bias=("No agreement",) if i % 3 == 0 else ()) for i, r in enumerate(records)]
    seen = []
    original = TwoHeadClassifier.fit

    def spy(self, *args, **kwargs):
        seen.append(np.asarray(kwargs["head_weight"]))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(TwoHeadClassifier, "fit", spy)
    extra = dict(extra_texts=["The bridge reopened."], extra_labels=["factual"], sample_weight=np.ones(n + 1))
    weighted = fit_two_heads(marked, **extra)
    unit = fit_two_heads(marked, disagreement_weight=1.0, **extra)
    expected = np.where(np.arange(n) % 3 == 0, 0.5, 1.0)
    assert np.array_equal(seen[0], np.r_[expected, 1.0]) and np.array_equal(seen[1], np.ones(n + 1))
    assert not np.allclose(weighted.head_.coef_, unit.head_.coef_)


def test_too_few_head_rows_is_a_clear_error(records):
    few = [r for r in records if r.label != "loaded"] + [r for r in records if r.label == "loaded"][:3]
    assert "at least 5 loaded" in heads_problem(few)
    with pytest.raises(ValueError, match="at least 5 loaded and 5 not-loaded"):
        fit_two_heads(few)
    no_scheme = [dataclasses.replace(r, marks_loaded=False) for r in records]
    assert "got 0 and 0" in heads_problem(no_scheme)


def test_bad_fit_input_is_a_clear_error():
    texts = ["one", "two", "three"]
    with pytest.raises(ValueError, match="labels must be factual, opinion, loaded; got biased"):
        TwoHeadClassifier().fit(texts, ["factual", "opinion", "biased"], head_target=[None] * 3)
    with pytest.raises(ValueError, match="head_target entries must be"):
        TwoHeadClassifier().fit(texts, ["factual"] * 3, head_target=["yes", None, None])
    with pytest.raises(ValueError, match="as many entries"):
        TwoHeadClassifier().fit(texts, ["factual"] * 2, head_target=[None] * 3)


def test_extra_rows_take_sample_weights_and_no_class_weights(records):
    extra = ["The council said the bridge will reopen on Monday."] * 3
    base = fit_two_heads(records)
    more = fit_two_heads(records, extra_texts=extra, extra_labels=["opinion"] * 3,
                         sample_weight=np.ones(len(records) + 3))
    assert more.classifier_.class_weight is None and base.classifier_.class_weight == "balanced"
    with pytest.raises(ValueError, match="1 extra texts but 2 extra labels"):
        fit_two_heads(records, extra_texts=extra[:1], extra_labels=["opinion"] * 2)


def test_babe_protocol_head_uses_only_the_training_folds_biased_words(tmp_path):
    from test_wordtable import TOPICS, fixture_rows, marker, write_data_dir

    from training.evaluate import babe_protocol

    data_dir = write_data_dir(tmp_path)
    seen = []

    def fitter(train, seed=0, **_):
        model = fit_two_heads(train, seed=seed, span_dir=data_dir)
        seen.append(model)
        return model

    babe_protocol(data_dir, fitter=fitter)
    assert len(seen) == 5
    index = {r["text"]: i for i, r in enumerate(fixture_rows())}
    from training.evaluate import babe_folds
    for model, (_, _, test) in zip(seen, babe_folds(data_dir)):
        test_markers = {marker(index[r.text] // 2) for r in test if index[r.text] % 2 == 0}
        train_markers = {marker(i) for i in range(len(TOPICS))} - test_markers
        assert test_markers and not test_markers & set(model.table_.word_index_)
        assert train_markers <= set(model.table_.word_index_)


def test_fitters_use_one_blas_thread_whatever_the_caller_set(records, monkeypatch):
    """The solver's sums, so the fitted weights, must not depend on the machine's core count."""
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_info, threadpool_limits

    from training.evaluate import fit_naive

    seen = []
    original = LogisticRegression.fit

    def spy(self, *args, **kwargs):
        seen.append(max(pool["num_threads"] for pool in threadpool_info()))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(LogisticRegression, "fit", spy)
    with threadpool_limits(limits=2):
        assert max(pool["num_threads"] for pool in threadpool_info()) == 2
        fit_two_heads(records)
        fit(records)
        fit_naive(records)
        assert max(pool["num_threads"] for pool in threadpool_info()) == 2  # restored afterwards
    assert len(seen) >= 3 and set(seen) == {1}
