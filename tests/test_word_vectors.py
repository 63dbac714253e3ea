"""The loaded head's word-vector block: training/word_vectors.py, its collapse in model/heads.py, the scorer."""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression

from model.compile import compile_two_heads
from model.features import tokenize
from model.scorer import Scorer
from training import word_vectors as wv
from training.heads import fit_two_heads, head_targets
from training.train import DEFAULT_DATA_DIR
from training.wordtables import biased_word_lists, span_tables

from test_heads import records  # noqa: F401  (the module's fixture: starter rows with word-level supervision)
from test_scorer import EDGE_CASES, invented_sentences


@pytest.fixture(scope="module")
def vectors(records):  # noqa: F811
    """Invented vectors (seeded noise) for the starter corpus's words, as the file format stores them."""
    words = wv.vocabulary([r.text for r in records], min_count=1)
    rng = np.random.default_rng(0)
    return words, rng.normal(size=(len(words), 8)).astype(np.float16).astype(np.float32)


@pytest.fixture(scope="module")
def vector_file(tmp_path_factory, vectors):
    path = tmp_path_factory.mktemp("vectors") / "vectors.npz"
    wv.save(path, *vectors, {"encoder": "seeded noise (test)"})
    return path


@pytest.fixture(scope="module")
def model(records, vector_file):  # noqa: F811
    return fit_two_heads(records, span_dir=None, word_vectors=vector_file)


def test_vocabulary_counts_word_tokens_only():
    texts = ["The cat “sat”!", "the CAT sat? Dogs the", "dogs don’t"]
    assert wv.vocabulary(texts) == ["the", "cat", "dogs", "sat"]  # by count, ties alphabetical; no quotes, ! or ?
    assert wv.vocabulary(texts, min_count=1)[-1] == "don't"  # tokens are model.features.tokenize's
    assert wv.vocabulary(texts, max_words=2) == ["the", "cat"]


def test_file_round_trip_and_clear_errors(tmp_path, vectors, records):  # noqa: F811
    words, matrix = vectors
    path = tmp_path / "v.npz"
    wv.save(path, words, matrix, {"encoder": "test"})
    got_words, got = wv.load(path)
    assert got_words == words and np.array_equal(got, matrix) and got.dtype == np.float32
    with pytest.raises(wv.WordVectorError, match="cannot read"):
        wv.load(tmp_path / "missing.npz")
    np.savez(tmp_path / "shape.npz", words=np.array(words[:-1]), vectors=matrix,
             meta=np.array(json.dumps({"format": wv.FORMAT})))
    with pytest.raises(wv.WordVectorError, match="shape"):
        wv.load(tmp_path / "shape.npz")
    np.savez(tmp_path / "fmt.npz", words=np.array(words), vectors=matrix, meta=np.array(json.dumps({"format": "x"})))
    with pytest.raises(wv.WordVectorError, match="format 'x'"):
        wv.load(tmp_path / "fmt.npz")
    bad = matrix.copy()
    bad[0, 0] = np.nan
    wv.save(tmp_path / "nan.npz", words, bad, {})
    with pytest.raises(wv.WordVectorError, match="NaN"):
        wv.load(tmp_path / "nan.npz")
    with pytest.raises(wv.WordVectorError, match="missing.npz: cannot read"):
        fit_two_heads(records, span_dir=None, word_vectors=tmp_path / "missing.npz")


def test_collapsed_head_equals_the_head_fitted_on_the_vectors(model, records, vectors):  # noqa: F811
    """The fitted model keeps one score per word; its head decides exactly as a head over the full vector block."""
    texts = [r.text for r in records]
    rows = [i for i, t in enumerate(head_targets(records)) if t is not None]
    head_texts = [texts[i] for i in rows]
    target = np.array([head_targets(records)[i] == "loaded" for i in rows], dtype=np.int64)
    words, matrix = vectors
    # the same head input the model was fitted on: features, out-of-fold table block, mean vectors
    table = type(model.table_)(**model.table_.get_params())
    T = table.fit_transform(head_texts, biased_words=[biased_word_lists(records)[i] for i in rows],
                            span_tables=span_tables(DEFAULT_DATA_DIR))  # as fit_two_heads(span_dir=None)
    V = model._vector_block(head_texts, (words, matrix))
    H = sp.hstack([model.features_.transform(head_texts), T, V], format="csr")
    full = LogisticRegression(C=model.head_C, class_weight="balanced", max_iter=3000, random_state=model.seed)
    full.fit(H, target)
    new = invented_sentences(80) + EDGE_CASES
    Hn = sp.hstack([model.features_.transform(new), model.table_.transform(new), model._vector_block(new, vectors)],
                   format="csr")
    assert len(model.vector_scores_) == len(words) and model.head_.coef_.shape[1] == H.shape[1] - 8 + 1
    assert np.abs(full.decision_function(Hn) - model.head_.decision_function(
        model._head_matrix(new, model.features_.transform(new)))).max() < 1e-9


def test_scorer_equals_the_reference_with_the_vector_column(model):
    sample = invented_sentences(200) + EDGE_CASES
    arrays = compile_two_heads(model)
    assert arrays["vector_scores"].shape == (len(model.vector_index_),) and arrays["vector_coef"].shape == (4,)
    ref, got = model.predict_proba(sample), Scorer(arrays).predict_proba(sample)
    assert np.abs(ref - got).max() < 1e-6 and (ref.argmax(axis=1) == got.argmax(axis=1)).all()
    zeroed = Scorer(dict(arrays, vector_coef=np.zeros_like(arrays["vector_coef"]))).predict_proba(sample)
    assert not np.allclose(zeroed, got)  # the column is used


def test_scorer_rejects_inconsistent_vector_arrays(model):
    arrays = compile_two_heads(model)
    partial = {k: v for k, v in arrays.items() if k != "vector_coef"}
    for bad in (partial, dict(arrays, vector_coef=arrays["vector_coef"][:3]),
                dict(arrays, vector_scores=arrays["vector_scores"][:-1]),
                dict(arrays, vector_token_ids=arrays["vector_token_ids"] + 10**9)):
        with pytest.raises(ValueError, match="vector"):
            Scorer(bad)


def test_without_vectors_or_at_scale_zero_there_is_no_vector_block(records, vector_file, tmp_path,  # noqa: F811
                                                                   monkeypatch):
    at_zero = fit_two_heads(records, span_dir=None, word_vectors=vector_file, vector_scale=0.0)
    monkeypatch.setattr(wv, "DEFAULT_VECTORS", tmp_path / "absent.npz")  # a checkout without the committed file
    for model in (at_zero, fit_two_heads(records, span_dir=None)):
        assert len(model.vector_scores_) == 0
        assert "vector_scores" not in compile_two_heads(model)
        assert model.head_.coef_.shape[1] == model.features_.transform(["x"]).shape[1] + model.table_.n_features_out_


def test_a_model_pickled_before_the_vector_block_still_predicts(records):  # noqa: F811
    model = fit_two_heads(records, span_dir=None, vector_scale=0.0)
    expected = model.predict_proba(EDGE_CASES)
    del model.vector_scores_, model.vector_index_  # what an older pickle lacks
    assert np.array_equal(model.predict_proba(EDGE_CASES), expected)
    assert "vector_scores" not in compile_two_heads(model)


def test_vector_column_is_the_mean_over_all_tokens(model):
    sentence = "Zzqx the the “quoted” word!"
    tokens = tokenize(sentence)
    index, scores = model.vector_index_, model.vector_scores_
    want = sum(scores[index[t]] for t in tokens if t in index) / len(tokens)
    assert model._vector_column([sentence, ""])[0] == pytest.approx(want)
    assert model._vector_column([""])[0] == 0.0


def test_stacking_with_and_without_vectors(records, vector_file, model):  # noqa: F811
    """Default (stack_vectors=False): the three-way model sees a vector-free head; True: the head itself.

    Either way the scorer equals the reference.
    """
    assert model.stack_head_ is not model.head_ and len(model.vector_scores_)
    assert model.stack_head_.coef_.shape[1] == model.head_.coef_.shape[1] - 1
    stacked = fit_two_heads(records, span_dir=None, word_vectors=vector_file, stack_vectors=True)
    assert stacked.stack_head_ is stacked.head_
    sample = invented_sentences(150) + EDGE_CASES
    for fitted, zero_three_way in ((model, True), (stacked, False)):
        arrays = compile_two_heads(fitted)
        assert np.array_equal(arrays["vector_coef"][:3], np.zeros(3)) == zero_three_way
        assert arrays["vector_coef"][3] != 0
        ref, got = fitted.predict_proba(sample), Scorer(arrays).predict_proba(sample)
        assert np.abs(ref - got).max() < 1e-6 and (ref.argmax(axis=1) == got.argmax(axis=1)).all()
