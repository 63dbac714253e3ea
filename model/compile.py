"""Compile a fitted Slant pipeline into the arrays of :class:`model.scorer.Scorer` (training time).

Training keeps the scikit-learn pipeline (``classifier.joblib``, the reference the
evaluation and the equality checks use); serving loads ``scorer.npz``, written
here, and never imports scikit-learn. Only the shipped pipeline shape compiles:
``FeatureUnion([word TF-IDF over model.features.word_ngrams, char_wb TF-IDF,
CueFeatures])`` followed by a multinomial ``LogisticRegression``; anything else
raises :class:`ValueError` (the model then serves through scikit-learn).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from model import features as F
from model.cues import FEATURE_NAMES
from model.scorer import FORMAT, SEP, SUB, Scorer


def _is_tfidf(t) -> bool:
    return (type(t).__name__ == "TfidfVectorizer" and t.use_idf and t.sublinear_tf and t.norm == "l2"
            and t.input == "content" and t.preprocessor is None)


def _word_arrays(vec) -> dict:
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
    uni_col = np.full(len(tokens), -1, np.int64)
    uni_col[list(uni)] = list(uni.values())
    keys = np.array([a * len(tokens) + b for a, b in bi], np.int64)
    order = np.argsort(keys)
    return {"word_tokens": np.array(list(tokens), dtype=str), "word_uni_col": uni_col,
            "word_bi_keys": keys[order], "word_bi_cols": np.array(list(bi.values()), np.int64)[order],
            "word_idf": vec.idf_.astype(np.float32)}


def compile_pipeline(pipeline) -> dict[str, np.ndarray]:
    """Return the :data:`model.scorer.ARRAYS` of a fitted pipeline.

    Raises
    ------
    ValueError
        If the pipeline is not the shipped shape (see the module docstring).
    """
    steps = getattr(pipeline, "steps", None)
    if not steps or len(steps) != 2 or not hasattr(steps[0][1], "transformer_list"):
        raise ValueError("expected Pipeline([FeatureUnion, LogisticRegression])")
    union, clf = steps[0][1], steps[1][1]
    if type(clf).__name__ != "LogisticRegression" or clf.coef_.shape[0] != len(clf.classes_):
        raise ValueError("expected a multinomial LogisticRegression")
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
    coef = clf.coef_.T  # (n_features, n_classes), in the classifier's own dtype (float32 when X is)
    n_word, n_char = len(word.vocabulary_), len(grams)
    if coef.shape[0] != n_word + n_char + len(FEATURE_NAMES):
        raise ValueError(f"classifier has {coef.shape[0]} features, blocks give {n_word + n_char + len(FEATURE_NAMES)}")
    arrays = {"format": np.array(FORMAT), "classes": np.array([str(c) for c in clf.classes_]),
              "intercept": clf.intercept_, **_word_arrays(word),
              "word_coef": coef[:n_word], "char_ngrams": np.array(grams, dtype=str),
              "char_ngram_range": np.array(char.ngram_range, np.int64), "char_idf": char.idf_.astype(np.float32),
              "char_coef": coef[n_word:n_word + n_char], "cue_names": np.array(FEATURE_NAMES),
              "cue_scale": np.array(cues.scale, np.float32), "cue_coef": coef[n_word + n_char:]}
    Scorer(arrays)  # validates shapes
    return arrays


def save_scorer(pipeline, path: Path) -> None:
    """Compile ``pipeline`` and write ``scorer.npz`` to ``path`` (compressed; same bytes for the same model)."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **compile_pipeline(pipeline))
    Path(path).write_bytes(buffer.getvalue())
