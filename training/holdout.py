"""Held-out evaluation of a trained model: choose the split, score it, summarise it.

A corpus with a ``split`` column keeps its ``split == "test"`` rows for the
report; otherwise a stratified, seeded fraction (``--holdout``) is held out.
The model that is saved is fitted on everything that is not held out, so the
reported figures are for the saved model.
"""

from __future__ import annotations

import hashlib

import numpy as np
from sklearn.model_selection import train_test_split

from model.pipeline import LABELS
from training.corpora import Record
from training.evaluate import report
from training.metrics import calibration


def split_records(records: list[Record], holdout: float = 0.2, seed: int = 0):
    """Return ``(train, test, how)``.

    ``how`` describes the split: ``"split column"`` when any record has
    ``split == "test"``, ``"stratified 20% hold-out (seed 0)"``-style text
    otherwise, or ``"none"`` when ``holdout`` is 0 or there is too little data.
    """
    marked = [r for r in records if r.split.strip().lower() == "test"]
    if marked:
        return [r for r in records if r.split.strip().lower() != "test"], marked, "split column (split == test)"
    if holdout <= 0:
        return list(records), [], "none"
    labels = [r.label for r in records]
    counts = {lab: labels.count(lab) for lab in set(labels)}
    n_test = int(np.ceil(holdout * len(records)))
    if min(counts.values()) < 2 or n_test < len(counts) or len(records) - n_test < len(counts):
        return list(records), [], "none (too few sentences per label to hold some out)"
    index = np.arange(len(records))
    train_idx, test_idx = train_test_split(index, test_size=holdout, random_state=seed, stratify=labels)
    return ([records[i] for i in sorted(train_idx)], [records[i] for i in sorted(test_idx)],
            f"stratified {holdout:.0%} hold-out (seed {seed})")


def estimator_scores(estimator, texts: list[str]) -> np.ndarray:
    """``predict_proba`` of a fitted sklearn estimator with columns in :data:`LABELS` order."""
    classes = [str(c) for c in estimator.classes_]
    proba = estimator.predict_proba(list(texts))
    out = np.zeros((len(texts), len(LABELS)))
    for j, lab in enumerate(LABELS):
        if lab in classes:
            out[:, j] = proba[:, classes.index(lab)]
    return out


def predictions(scores: np.ndarray) -> list[str]:
    """Arg-max label of each row of ``scores`` (columns in :data:`LABELS` order)."""
    return [LABELS[int(i)] for i in np.argmax(scores, axis=1)]


def records_digest(records: list[Record]) -> str:
    """SHA-256 of the labelled texts, in order (identifies an evaluation set)."""
    digest = hashlib.sha256()
    for r in records:
        digest.update(f"{r.label}\t{r.text}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


def evaluate_scores(records: list[Record], scores: np.ndarray) -> dict:
    """Per-class P/R/F1, macro-F1, confusion matrix and calibration of ``scores`` on ``records``."""
    y_true = [r.label for r in records]
    result = report(y_true, predictions(scores), LABELS)
    result["calibration"] = calibration(y_true, scores, LABELS)
    result["sha256"] = records_digest(records)
    return result


def rounded(obj, digits: int = 4):
    """``obj`` with every float rounded (stable, readable manifests)."""
    if isinstance(obj, float):
        return round(obj, digits)
    if isinstance(obj, dict):
        return {k: rounded(v, digits) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [rounded(v, digits) for v in obj]
    return obj
