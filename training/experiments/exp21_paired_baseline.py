"""Paired comparison of the shipped recipe with the MiniLM embedding + LR baseline (exp20).

The shipped recipe is fitted on the `slant evaluate` protocol splits (as `slant evaluate` does:
``distilled_protocol_fitter("auto")``, the same seed); the baseline's predicted labels come from
``exp20_embedding_baseline.py`` (run it first, in the torch venv; it writes /tmp/slant-exp20-predictions.npz).
For each axis the same sentences are resampled with replacement (2,000 bootstrap samples, seed 0) and
the difference of macro-F1 (shipped - baseline) is computed on each sample: its 95% interval and the
share of samples where the shipped model is not ahead.

Usage: .venv/bin/python training/experiments/exp21_paired_baseline.py [DATA_DIR [PREDICTIONS]]   (~4 min)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from model.pipeline import LABELS  # noqa: E402
from training.evaluate import babe_folds, babe_sentences, checkthat_split  # noqa: E402
from training.evaluate import _probabilities  # noqa: E402
from training.student import distilled_protocol_fitter  # noqa: E402
from training.train import DEFAULT_DATA_DIR  # noqa: E402

SAMPLES = 2000


def macro_f1(true: np.ndarray, pred: np.ndarray) -> float:
    """Binary macro-F1 of boolean arrays (both classes)."""
    scores = []
    for t, p in ((true, pred), (~true, ~pred)):
        tp = np.sum(t & p)
        denom = np.sum(t) + np.sum(p)
        scores.append(2 * tp / denom if denom else 0.0)
    return float(np.mean(scores))


def paired(name: str, true: np.ndarray, ours: np.ndarray, base: np.ndarray) -> None:
    rng = np.random.default_rng(0)
    diffs = np.empty(SAMPLES)
    for i in range(SAMPLES):
        at = rng.integers(0, len(true), len(true))
        diffs[i] = macro_f1(true[at], ours[at]) - macro_f1(true[at], base[at])
    low, high = np.percentile(diffs, [2.5, 97.5])
    print(f"{name:44s} shipped {macro_f1(true, ours):.4f}  baseline {macro_f1(true, base):.4f}  "
          f"difference {macro_f1(true, ours) - macro_f1(true, base):+.4f} (95% {low:+.4f} to {high:+.4f}; "
          f"not ahead in {np.mean(diffs <= 0):.1%} of samples)", flush=True)


def main(data_dir: Path, predictions: Path):
    if not predictions.exists():
        raise SystemExit(f"{predictions} is missing: run training/experiments/exp20_embedding_baseline.py first")
    base = np.load(predictions)
    fitter = distilled_protocol_fitter("auto", data_dir)
    ct_train, ct_test = checkthat_split(data_dir)
    ct_proba = _probabilities(fitter, ct_train, [r.text for r in ct_test], 0, {})
    babe = babe_sentences(data_dir)
    babe_pred = np.empty(len(babe), dtype=object)
    for test_idx, train, test in babe_folds(data_dir):
        babe_pred[test_idx] = np.array(LABELS)[_probabilities(fitter, train, [r.text for r in test], 0, {})
                                               .argmax(axis=1)]
    if len(base["checkthat"]) != len(ct_test) or len(base["babe_binary"]) != len(babe):
        raise SystemExit(f"{predictions} does not match the protocol splits of {data_dir}")
    ct_true = np.array([r.label == "factual" for r in ct_test])
    paired("CheckThat dev_test, factual vs not", ct_true, np.array(LABELS)[ct_proba.argmax(axis=1)] == "factual",
           base["checkthat"] == "factual")
    babe_true = np.array([r.label == "loaded" for r in babe])
    ours = babe_pred.astype(str) == "loaded"
    paired("BABE loaded vs not (baseline: binary LR)", babe_true, ours, base["babe_binary"] == "loaded")
    paired("BABE loaded vs not (baseline: three-way LR)", babe_true, ours, base["babe_three_way"] == "loaded")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA_DIR,
         Path(sys.argv[2]) if len(sys.argv) > 2 else Path("/tmp/slant-exp20-predictions.npz"))
