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

A *fitter* is ``fitter(train_records, seed=..., **params)`` returning a fitted
estimator with ``classes_`` and ``predict_proba`` (predictions are the argmax).

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
from training.metrics import calibration
from training.numerics import single_threaded
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


@single_threaded
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


def checkthat_split(data_dir: Path, extra_records: list[Record] | None = None) -> tuple[list[Record], list[Record]]:
    """(train, test) of the CheckThat protocol: train = CheckThat train+dev + BABE SG2 (+ extra), minus test duplicates."""
    data_dir = Path(data_dir)
    test = read_checkthat(data_dir / "checkthat2025_en" / "dev_test_en.tsv")
    banned = {normalise(r.text) for r in test}
    train = _without(read_checkthat(data_dir / "checkthat2025_en")
                     + read_babe(data_dir / "babe" / "final_labels_SG2.csv") + list(extra_records or []), banned)
    return train, test


def checkthat_selection_split(data_dir: Path) -> tuple[list[Record], list[Record]]:
    """(train, test) for choosing settings: CheckThat train + BABE SG2 → CheckThat dev (dev_test untouched)."""
    data_dir = Path(data_dir)
    test = read_checkthat(data_dir / "checkthat2025_en", splits=("dev",))
    banned = {normalise(r.text) for r in test + read_checkthat(data_dir / "checkthat2025_en", splits=("dev_test",))}
    train = _without(read_checkthat(data_dir / "checkthat2025_en", splits=("train",))
                     + read_babe(data_dir / "babe" / "final_labels_SG2.csv"), banned)
    return train, test


def babe_sentences(data_dir: Path) -> list[Record]:
    """BABE SG2 sentences with a Biased / Non-biased label (the rows the BABE protocol folds)."""
    return [r for r in read_babe(Path(data_dir) / "babe" / "final_labels_SG2.csv") if r.bias in ("Biased", "Non-biased")]


def babe_folds(data_dir: Path, extra_records: list[Record] | None = None):
    """Yield ``(test_idx, train, test)`` for each of the 5 fixed BABE folds.

    ``test_idx`` indexes :func:`babe_sentences`; ``train`` is the other folds plus
    CheckThat train+dev (+ ``extra_records``), minus any duplicate of a test sentence.
    """
    babe = babe_sentences(data_dir)
    extra = read_checkthat(Path(data_dir) / "checkthat2025_en") + list(extra_records or [])
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    for train_idx, test_idx in folds.split(np.zeros(len(babe)), np.array([r.bias for r in babe])):
        test = [babe[i] for i in test_idx]
        banned = {normalise(r.text) for r in test}
        yield test_idx, _without([babe[i] for i in train_idx] + extra, banned), test


def _probabilities(fitter: Callable, train: list[Record], texts: list[str], seed: int, params: dict) -> np.ndarray:
    """Fit on ``train`` and return the probabilities of ``texts``, columns in LABELS order."""
    model = fitter(train, seed=seed, **params)
    columns = [list(model.classes_).index(label) for label in LABELS]
    return model.predict_proba(texts)[:, columns]


def _checkthat_result(test: list[Record], proba: np.ndarray, seed: int, train_sentences: int) -> dict:
    y_true = ["factual" if r.label == "factual" else "subjective" for r in test]
    y_pred = ["factual" if LABELS[i] == "factual" else "subjective" for i in proba.argmax(axis=1)]
    result = report(y_true, y_pred, ("factual", "subjective"))
    result["ci95"] = bootstrap_ci(y_true, y_pred, seed=seed)
    result["train_sentences"] = train_sentences
    return result


def _babe_result(babe: list[Record], folds: list[tuple[np.ndarray, np.ndarray]]) -> dict:
    true3 = [r.label for r in babe]
    proba = np.zeros((len(babe), len(LABELS)))
    for test_idx, fold_proba in folds:
        proba[test_idx] = fold_proba
    pred3 = [LABELS[i] for i in proba.argmax(axis=1)]
    binary_true = ["loaded" if t == "loaded" else "not loaded" for t in true3]
    binary_pred = ["loaded" if p == "loaded" else "not loaded" for p in pred3]
    three_way = report(true3, pred3, LABELS)
    three_way["calibration"] = calibration(true3, proba)
    return {"loaded_vs_not": report(binary_true, binary_pred, ("loaded", "not loaded")), "three_way": three_way}


def checkthat_protocol(data_dir: Path, fitter: Callable = fit, seed: int = 0,
                       extra_records: list[Record] | None = None, **params) -> dict:
    """Train on CheckThat train+dev and BABE SG2 (+ ``extra_records``); test factual vs not on CheckThat dev_test."""
    train, test = checkthat_split(data_dir, extra_records)
    proba = _probabilities(fitter, train, [r.text for r in test], seed, params)
    return _checkthat_result(test, proba, seed, len(train))


def babe_protocol(data_dir: Path, fitter: Callable = fit, seed: int = 0,
                  extra_records: list[Record] | None = None, **params) -> dict:
    """5-fold CV on BABE SG2 (loaded vs not, and three-way), CheckThat train+dev (+ ``extra_records``) added."""
    folds = [(test_idx, _probabilities(fitter, train, [r.text for r in test], seed, params))
             for test_idx, train, test in babe_folds(data_dir, extra_records)]
    return _babe_result(babe_sentences(data_dir), folds)


def run_protocols(data_dir: Path, systems: dict[str, Callable], seed: int = 0, n_jobs: int = 1) -> dict:
    """Run both protocols for each system (name → fitter); return nested results.

    The 6 fits per system (CheckThat, 5 BABE folds) are independent; ``n_jobs``
    runs them in that many processes (joblib), with the same results.
    """
    from joblib import Parallel, delayed

    ct_train, ct_test = checkthat_split(data_dir)
    folds = list(babe_folds(data_dir))
    splits = [(ct_train, ct_test)] + [(train, test) for _, train, test in folds]
    tasks = [(name, k) for name in systems for k in range(len(splits))]
    outputs = Parallel(n_jobs=n_jobs)(
        delayed(_probabilities)(systems[name], splits[k][0], [r.text for r in splits[k][1]], seed, {})
        for name, k in tasks)
    by_task = dict(zip(tasks, outputs))
    babe = babe_sentences(data_dir)
    return {name: {"checkthat": _checkthat_result(ct_test, by_task[name, 0], seed, len(ct_train)),
                   "babe": _babe_result(babe, [(folds[k][0], by_task[name, k + 1]) for k in range(len(folds))])}
            for name in systems}
