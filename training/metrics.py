"""Metrics for held-out evaluation and model comparison.

Everything here is plain numpy (fast enough for thousands of bootstrap
resamples) and deterministic for a given seed.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from model.pipeline import LABELS


def _codes(values, labels) -> np.ndarray:
    index = {lab: i for i, lab in enumerate(labels)}
    return np.array([index[str(v)] for v in values], dtype=np.int64)


def macro_f1_codes(y_true: np.ndarray, y_pred: np.ndarray, k: int) -> float:
    """Macro-F1 over ``k`` classes of integer-coded labels (a class absent from both counts as 0)."""
    tp = np.bincount(y_true[y_true == y_pred], minlength=k).astype(float)
    pred = np.bincount(y_pred, minlength=k).astype(float)
    true = np.bincount(y_true, minlength=k).astype(float)
    denom = pred + true
    f1 = np.divide(2 * tp, denom, out=np.zeros(k), where=denom > 0)
    return float(f1.mean())


def calibration(y_true, proba: np.ndarray, labels=LABELS, bins: int = 5) -> dict:
    """Multi-class Brier score and a reliability table of the top-class confidence.

    Parameters
    ----------
    y_true : sequence of str
    proba : array (n, len(labels))
        Predicted probabilities, columns in ``labels`` order.

    Returns
    -------
    dict
        ``brier`` (mean over sentences of the summed squared error, 0 best, 2 worst)
        and ``reliability``: ``bins`` equal-width bins of the predicted label's
        probability with count, mean confidence and accuracy.
    """
    proba = np.asarray(proba, dtype=float)
    codes = _codes(y_true, labels)
    onehot = np.eye(len(labels))[codes]
    brier = float(np.mean(np.sum((proba - onehot) ** 2, axis=1))) if len(codes) else 0.0
    confidence = proba.max(axis=1) if len(codes) else np.zeros(0)
    correct = proba.argmax(axis=1) == codes if len(codes) else np.zeros(0, bool)
    edges = np.linspace(0, 1, bins + 1)
    table = []
    for i in range(bins):
        inside = (confidence >= edges[i]) & ((confidence < edges[i + 1]) if i < bins - 1 else (confidence <= 1))
        n = int(inside.sum())
        table.append({"bin": f"{edges[i]:.1f}-{edges[i + 1]:.1f}", "n": n,
                      "confidence": round(float(confidence[inside].mean()), 4) if n else None,
                      "accuracy": round(float(correct[inside].mean()), 4) if n else None})
    return {"brier": round(brier, 4), "reliability": table}


def mcnemar(y_true, pred_a, pred_b) -> dict:
    """McNemar test on paired predictions: exact binomial when b + c < 25, else chi-square (corrected).

    ``b`` counts sentences A gets right and B wrong; ``c`` the reverse.
    """
    y_true, pred_a, pred_b = (np.asarray(x, dtype=object) for x in (y_true, pred_a, pred_b))
    a_ok, b_ok = pred_a == y_true, pred_b == y_true
    b, c = int(np.sum(a_ok & ~b_ok)), int(np.sum(~a_ok & b_ok))
    if b + c == 0:
        return {"b": b, "c": c, "test": "none (no discordant pairs)", "p_value": 1.0}
    if b + c < 25:
        p = min(1.0, 2 * stats.binom.cdf(min(b, c), b + c, 0.5))
        return {"b": b, "c": c, "test": "exact binomial", "p_value": float(p)}
    chi2 = (abs(b - c) - 1) ** 2 / (b + c)
    return {"b": b, "c": c, "test": "chi-square (continuity-corrected)", "statistic": round(float(chi2), 4),
            "p_value": float(stats.chi2.sf(chi2, 1))}


def paired_bootstrap(y_true, pred_a, pred_b, labels=LABELS, n: int = 2000, seed: int = 0) -> dict:
    """95% percentile interval of macro-F1(A) − macro-F1(B) over paired resamples of the sentences."""
    t, a, b = (_codes(x, labels) for x in (y_true, pred_a, pred_b))
    k = len(labels)
    rng = np.random.default_rng(seed)
    diffs = np.empty(n)
    for i in range(n):
        idx = rng.integers(0, len(t), len(t))
        diffs[i] = macro_f1_codes(t[idx], a[idx], k) - macro_f1_codes(t[idx], b[idx], k)
    low, high = np.percentile(diffs, [2.5, 97.5])
    return {"difference": macro_f1_codes(t, a, k) - macro_f1_codes(t, b, k),
            "ci95": [float(low), float(high)], "resamples": n, "seed": seed}


def compare(y_true, pred_a, pred_b, labels=LABELS, seed: int = 0) -> dict:
    """McNemar + paired bootstrap, with a one-line verdict."""
    test = mcnemar(y_true, pred_a, pred_b)
    boot = paired_bootstrap(y_true, pred_a, pred_b, labels, seed=seed)
    low, high = boot["ci95"]
    significant = test["p_value"] < 0.05 and (low > 0 or high < 0)
    verdict = ("significant at the 5% level" if significant
               else "not significant at the 5% level")
    return {"mcnemar": test, "bootstrap": boot, "significant": significant, "verdict": verdict}
