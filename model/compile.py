"""Compile a fitted Slant pipeline into the arrays of :class:`model.scorer.Scorer` (training time).

Training keeps the scikit-learn pipeline (``classifier.joblib``, the reference the
evaluation and the equality checks use); serving loads ``scorer.npz``, written
here, and never imports scikit-learn. Two shapes compile:

* ``Pipeline([FeatureUnion([word TF-IDF over model.features.word_ngrams, char_wb
  TF-IDF, CueFeatures]), multinomial LogisticRegression])`` (:func:`compile_pipeline`);
* :class:`model.heads.TwoHeadClassifier` over the same blocks (:func:`compile_two_heads`):
  the head's log-odds column of the three-way model is folded into the weights
  (it is linear in the features), leaving four decision columns.

Anything else raises :class:`ValueError` (the model then serves through scikit-learn).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from model import features as F
from model.cues import FEATURE_NAMES
from model.scorer import FORMAT, SEP, SUB, Scorer

NO_TABLE = {"table_token_ids": np.zeros(0, np.int64), "table_rates": np.zeros((0, 0)),
            "table_threshold": np.array(0.0), "table_mean": np.zeros(0), "table_std": np.zeros(0),
            "table_scale": np.array(0.0)}


def _is_tfidf(t) -> bool:
    return (type(t).__name__ == "TfidfVectorizer" and t.use_idf and t.sublinear_tf and t.norm == "l2"
            and t.input == "content" and t.preprocessor is None)


def _word_arrays(vec, extra_tokens=()) -> dict:
    tokens: dict[str, int] = {}
    uni, bi = {}, {}
    for term, col in vec.vocabulary_.items():
        parts = term.split(" ")
        if len(parts) == 1:
            uni[tokens.setdefault(term, len(tokens))] = col
        elif len(parts) == 2 and all(parts):
            a, b = (tokens.setdefault(p, len(tokens)) for p in parts)
            bi[(a, b)] = col
        else:
            raise ValueError(f"unexpected word n-gram {term!r}")
    for token in extra_tokens:  # words only the table block looks up
        tokens.setdefault(token, len(tokens))
    uni_col = np.full(len(tokens), -1, np.int64)
    uni_col[list(uni)] = list(uni.values())
    keys = np.array([a * len(tokens) + b for a, b in bi], np.int64)
    order = np.argsort(keys)
    return {"word_tokens": np.array(list(tokens), dtype=str), "word_uni_col": uni_col,
            "word_bi_keys": keys[order], "word_bi_cols": np.array(list(bi.values()), np.int64)[order],
            "word_idf": vec.idf_.astype(np.float32)}


def _feature_blocks(union):
    """The word, char and cue blocks of a fitted FeatureUnion, validated."""
    names = [name for name, t in union.transformer_list if t not in ("drop", None)]
    blocks = dict((name, t) for name, t in union.transformer_list if t not in ("drop", None))
    if names != ["word", "char", "cues"] or getattr(union, "transformer_weights", None):
        raise ValueError(f"expected feature blocks word, char, cues without weights; got {names}")
    word, char, cues = blocks["word"], blocks["char"], blocks["cues"]
    if not (_is_tfidf(word) and word.analyzer is F.word_ngrams):
        raise ValueError("word block must be a sublinear L2 TfidfVectorizer over model.features.word_ngrams")
    if not (_is_tfidf(char) and char.analyzer == "char_wb" and char.lowercase and char.strip_accents is None):
        raise ValueError("char block must be a lower-casing sublinear L2 char_wb TfidfVectorizer")
    if type(cues) is not F.CueFeatures:
        raise ValueError("cues block must be model.features.CueFeatures")
    grams = sorted(char.vocabulary_, key=char.vocabulary_.get)
    if any(SEP in g or SUB in g for g in grams):
        raise ValueError("char vocabulary contains NUL or \\x01; cannot compile")
    return word, char, cues, grams


def _arrays(union, classes, coef, intercept, combine: str, table=None, table_coef=None, vectors=None) -> dict:
    """Scorer arrays from feature blocks and ``coef`` ``(n_features, n_columns)`` over ``[word, char, cues]``.

    ``vectors``: ``(words, scores, column weights)`` of a collapsed word-vector column, or None.
    """
    word, char, cues, grams = _feature_blocks(union)
    n_word, n_char = len(word.vocabulary_), len(grams)
    if coef.shape[0] != n_word + n_char + len(FEATURE_NAMES):
        raise ValueError(f"classifier has {coef.shape[0]} features, blocks give {n_word + n_char + len(FEATURE_NAMES)}")
    table_words = sorted(table.word_index_, key=table.word_index_.get) if table is not None else []
    vector_words = list(vectors[0]) if vectors is not None else []
    words = _word_arrays(word, table_words + vector_words)
    arrays = {"format": np.array(FORMAT), "classes": np.array([str(c) for c in classes]), "intercept": intercept,
              **words, "word_coef": coef[:n_word], "char_ngrams": np.array(grams, dtype=str),
              "char_ngram_range": np.array(char.ngram_range, np.int64), "char_idf": char.idf_.astype(np.float32),
              "char_coef": coef[n_word:n_word + n_char], "cue_names": np.array(FEATURE_NAMES),
              "cue_scale": np.array(cues.scale, np.float32), "cue_coef": coef[n_word + n_char:],
              "combine": np.array(combine), **NO_TABLE, "table_coef": np.zeros((0, coef.shape[1]), coef.dtype)}
    if table is not None:
        index = {str(t): i for i, t in enumerate(words["word_tokens"])}
        arrays.update(table_token_ids=np.array([index[w] for w in table_words], np.int64),
                      table_rates=np.asarray(table.rates_, np.float64), table_threshold=np.array(table.threshold),
                      table_mean=np.asarray(table.mean_, np.float64), table_std=np.asarray(table.std_, np.float64),
                      table_scale=np.array(table.scale), table_coef=np.ascontiguousarray(table_coef))
    if vectors is not None:
        index = {str(t): i for i, t in enumerate(words["word_tokens"])}
        arrays.update(vector_token_ids=np.array([index[w] for w in vector_words], np.int64),
                      vector_scores=np.asarray(vectors[1], np.float64),
                      vector_coef=np.asarray(vectors[2], coef.dtype))
    Scorer(arrays)  # validates shapes
    return arrays


def compile_pipeline(pipeline) -> dict[str, np.ndarray]:
    """Return the :class:`model.scorer.Scorer` arrays of a fitted Slant pipeline.

    Raises
    ------
    ValueError
        If the pipeline is not the shipped shape (see the module docstring).
    """
    if type(pipeline).__name__ == "TwoHeadClassifier":
        return compile_two_heads(pipeline)
    steps = getattr(pipeline, "steps", None)
    if not steps or len(steps) != 2 or not hasattr(steps[0][1], "transformer_list"):
        raise ValueError("expected Pipeline([FeatureUnion, LogisticRegression])")
    union, clf = steps[0][1], steps[1][1]
    if type(clf).__name__ != "LogisticRegression" or clf.coef_.shape[0] != len(clf.classes_):
        raise ValueError("expected a multinomial LogisticRegression")
    # coef in the classifier's own dtype (float32 when X is)
    return _arrays(union, clf.classes_, clf.coef_.T, clf.intercept_, "softmax")


def compile_two_heads(model) -> dict[str, np.ndarray]:
    """Scorer arrays of a fitted :class:`model.heads.TwoHeadClassifier` (``combine="hier"``).

    The three-way model sees ``[features, w * z]`` with ``z = gamma . [features, table] + b``
    (the log-odds of ``stack_head_``, the head itself unless ``stack_vectors=False``): its columns
    become ``coef + w * c_z * gamma`` over the features and ``w * c_z * gamma_table`` over the table
    block; the fourth column is the head (``beta``), with the word-vector column when there is one.
    """
    clf, head, w = model.classifier_, model.head_, float(model.stack_weight)
    stack = getattr(model, "stack_head_", head)  # the head whose log-odds the three-way model sees
    n_feat, n_table = clf.coef_.shape[1] - 1, model.table_.n_features_out_
    scores = getattr(model, "vector_scores_", np.zeros(0))
    n_vec = 1 if len(scores) else 0
    n_stack = n_feat + n_table + (n_vec if stack is head else 0)
    if (clf.coef_.shape[0] != 3 or head.coef_.shape[0] != 1 or head.coef_.shape[1] != n_feat + n_table + n_vec
            or stack.coef_.shape != (1, n_stack)):
        raise ValueError("TwoHeadClassifier weights do not match its feature blocks")
    c_z, beta, b_head = clf.coef_[:, n_feat], head.coef_[0], float(head.intercept_[0])
    gamma, b_stack = stack.coef_[0], float(stack.intercept_[0])
    coef = np.c_[clf.coef_[:, :n_feat].T + w * np.outer(gamma[:n_feat], c_z), beta[:n_feat]]
    table_coef = np.c_[w * np.outer(gamma[n_feat:n_feat + n_table], c_z), beta[n_feat:n_feat + n_table]]
    intercept = np.r_[clf.intercept_ + w * c_z * b_stack, b_head]
    vectors = None
    if n_vec:  # the vector column: head weight beta_v; three-way weights w * c_z * gamma_v (0 without it)
        words = sorted(model.vector_index_, key=model.vector_index_.get)
        stacked = w * c_z * gamma[-1] if stack is head else np.zeros(3)
        vectors = (words, scores, np.r_[stacked, beta[-1]])
    return _arrays(model.features_, clf.classes_, coef, intercept, "hier", model.table_, table_coef, vectors)


def save_scorer(pipeline, path: Path) -> None:
    """Compile ``pipeline`` and write ``scorer.npz`` to ``path`` (compressed; same bytes for the same model)."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **compile_pipeline(pipeline))
    Path(path).write_bytes(buffer.getvalue())
