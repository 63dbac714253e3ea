"""Evaluation protocols on the shared corpora and report helpers.

Protocols (documented in ``docs/evaluation.md``):

``checkthat``
    train on the training records (CheckThat train + dev, BABE SG2), test on
    CheckThat ``dev_test_en.tsv``: macro-F1 of factual vs opinion-or-loaded,
    with a bootstrap 95% interval.
``babe``
    5-fold CV over BABE SG2 sentences labelled Biased / Non-biased
    (``StratifiedKFold(5, shuffle=True, random_state=0)``); each fold trains on
    the other folds plus CheckThat train + dev, with any training sentence
    that duplicates a test sentence removed. Reports loaded-vs-not macro-F1 and
    the three-way macro-F1 with its confusion matrix.

Word-level supervision (BABE ``biased_words``) travels on the records, so a
fitter only ever sees the training folds' annotations, never the test fold's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import FeatureUnion, Pipeline

from model.pipeline import LABELS
from training.corpora import Record, normalise, read_babe, read_checkthat
from training.train import fit


def naive_pipeline(seed: int = 0, **_ignored):
    """The reference baseline: TF-IDF word 1-2 + char_wb 2-5 + LogisticRegression(C=4, balanced)."""
    features = FeatureUnion([
        ("word", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)),
    ])
    return Pipeline([("features", features),
                     ("classifier", LogisticRegression(C=4, class_weight="balanced", max_iter=3000,
                                                       random_state=seed))])


def fit_naive(records: list[Record], seed: int = 0, **params):
    """Fit :func:`naive_pipeline` on ``records``."""
    return naive_pipeline(seed).fit([r.text for r in records], [r.label for r in records])


def bootstrap_ci(y_true, y_pred, n: int = 1000, seed: int = 0) -> tuple[float, float]:
    """95% percentile bootstrap interval of macro-F1."""
    rng = np.random.default_rng(seed)
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    scores = []
    for _ in range(n):
        idx = rng.integers(0, len(y_true), len(y_true))
        scores.append(f1_score(y_true[idx], y_pred[idx], average="macro", zero_division=0))
    low, high = np.percentile(scores, [2.5, 97.5])
    return float(low), float(high)


def report(y_true, y_pred, labels) -> dict:
    """Per-class precision/recall/F1, macro-F1, accuracy and confusion matrix."""
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=list(labels), zero_division=0)
    return {
        "macro_f1": float(f1_score(y_true, y_pred, labels=list(labels), average="macro", zero_division=0)),
        "accuracy": float(np.mean(np.asarray(y_true) == np.asarray(y_pred))),
        "per_class": {lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
                      for i, lab in enumerate(labels)},
        "labels": list(labels),
        "confusion": confusion_matrix(y_true, y_pred, labels=list(labels)).tolist(),
        "n": len(y_true),
    }


def _without(records: list[Record], banned: set[str]) -> list[Record]:
    return [r for r in records if normalise(r.text) not in banned]


def checkthat_protocol(data_dir: Path, fitter: Callable = fit, seed: int = 0,
                       extra_records: list[Record] | None = None, **params) -> dict:
    """Train on CheckThat train+dev and BABE SG2 (+ ``extra_records``); test factual vs not on CheckThat dev_test."""
    data_dir = Path(data_dir)
    test = read_checkthat(data_dir / "checkthat2025_en" / "dev_test_en.tsv")
    banned = {normalise(r.text) for r in test}
    train = _without(read_checkthat(data_dir / "checkthat2025_en")
                     + read_babe(data_dir / "babe" / "final_labels_SG2.csv") + list(extra_records or []), banned)
    model = fitter(train, seed=seed, **params)
    predicted = model.predict([r.text for r in test])
    y_true = ["factual" if r.label == "factual" else "subjective" for r in test]
    y_pred = ["factual" if p == "factual" else "subjective" for p in predicted]
    result = report(y_true, y_pred, ("factual", "subjective"))
    result["ci95"] = bootstrap_ci(y_true, y_pred, seed=seed)
    result["train_sentences"] = len(train)
    return result


def babe_protocol(data_dir: Path, fitter: Callable = fit, seed: int = 0,
                  extra_records: list[Record] | None = None, **params) -> dict:
    """5-fold CV on BABE SG2 (loaded vs not, and three-way), CheckThat train+dev (+ ``extra_records``) added."""
    data_dir = Path(data_dir)
    babe = [r for r in read_babe(data_dir / "babe" / "final_labels_SG2.csv") if r.bias in ("Biased", "Non-biased")]
    extra = read_checkthat(data_dir / "checkthat2025_en") + list(extra_records or [])
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    y_bias = np.array([r.bias for r in babe])
    true3, pred3 = [None] * len(babe), [None] * len(babe)
    for train_idx, test_idx in folds.split(np.zeros(len(babe)), y_bias):
        test = [babe[i] for i in test_idx]
        banned = {normalise(r.text) for r in test}
        train = _without([babe[i] for i in train_idx] + extra, banned)
        predicted = fitter(train, seed=seed, **params).predict([r.text for r in test])
        for i, p in zip(test_idx, predicted):
            true3[i], pred3[i] = babe[i].label, str(p)
    binary_true = ["loaded" if t == "loaded" else "not loaded" for t in true3]
    binary_pred = ["loaded" if p == "loaded" else "not loaded" for p in pred3]
    return {"loaded_vs_not": report(binary_true, binary_pred, ("loaded", "not loaded")),
            "three_way": report(true3, pred3, LABELS)}


def run_protocols(data_dir: Path, systems: dict[str, Callable], seed: int = 0) -> dict:
    """Run both protocols for each system (name → fitter); return nested results."""
    return {name: {"checkthat": checkthat_protocol(data_dir, fitter, seed),
                   "babe": babe_protocol(data_dir, fitter, seed)}
            for name, fitter in systems.items()}
