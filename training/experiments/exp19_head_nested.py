"""Nested choice of the loaded head's row weights and C (head alone, with the word-vector block).

Candidates: the shipped head (C 4, unit weights); SG1/MBIC agreement weights (0.5 per
SG1/MBIC label group that disagrees with the sentence's SG2 label, row 42 of RESULTS.md,
where it was read on the test folds and so not adopted); C 2; C 8. For each outer BABE fold an
inner 5-fold CV over the outer training fold's BABE rows scores every candidate (loaded vs not
macro-F1 on the pooled inner validation rows) and picks one; the outer test fold is scored for
every candidate and for the pick, so the figure of the whole procedure ("choose by inner CV")
is an honest outer estimate. SG1/MBIC labels are read for training rows only (they weight a
training row; a test sentence's own labels are never used).

Usage: .venv/bin/python training/experiments/exp19_head_nested.py [DATA_DIR] [VECTORS]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from exp14_heads import agree_weights  # noqa: E402
from exp16_vectors import blocks  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from model.features import build_pipeline  # noqa: E402
from training import word_vectors as wv  # noqa: E402
from training.evaluate import babe_folds  # noqa: E402
from training.train import DEFAULT_DATA_DIR  # noqa: E402
from training.wordtables import span_tables  # noqa: E402

CANDIDATES = {"shipped (C 4)": (4.0, False), "agreement weights": (4.0, True), "C 2": (2.0, False),
              "C 8": (8.0, False)}


def predict(Xa, y, Xb, C, w):
    clf = LogisticRegression(C=C, class_weight="balanced", max_iter=3000, random_state=0)
    return clf.fit(Xa, y, sample_weight=w).predict(Xb)


def run(made, ys, weights, ib_true):
    """Predictions of every candidate on the test part of ``made`` (the head + vectors variant)."""
    Xa, Xb = made["head + vectors"]
    return {c: predict(Xa, ys, Xb, C, weights if agree else None) for c, (C, agree) in CANDIDATES.items()}


def main(data_dir: Path, vector_path: Path):
    spans, vectors = span_tables(data_dir), wv.load(vector_path)
    outer = {c: [] for c in [*CANDIDATES, "nested pick"]}
    outer_true, picks = [], []
    for k, (_, train, test) in enumerate(babe_folds(data_dir)):
        started = time.time()
        babe_tr = [r for r in train if r.source.startswith("babe")]
        union = build_pipeline().named_steps["features"].fit([r.text for r in train])
        ys = np.array([r.label == "loaded" for r in babe_tr])
        w_all = agree_weights(babe_tr, data_dir)
        inner_true, inner_pred = [], {c: [] for c in CANDIDATES}
        for ia, ib in StratifiedKFold(5, shuffle=True, random_state=1).split(ys, ys):
            made = blocks(union, spans, vectors, [babe_tr[i] for i in ia], [babe_tr[i] for i in ib])
            got = run(made, ys[ia], w_all[ia], ys[ib])
            inner_true.append(ys[ib])
            for c in CANDIDATES:
                inner_pred[c].append(got[c])
        t = np.concatenate(inner_true)
        scores = {c: f1_score(t, np.concatenate(p), average="macro") for c, p in inner_pred.items()}
        pick = max(scores, key=scores.get)
        picks.append(pick)
        got = run(blocks(union, spans, vectors, babe_tr, test), ys, w_all, None)
        for c in CANDIDATES:
            outer[c].append(got[c])
        outer["nested pick"].append(got[pick])
        outer_true.append(np.array([r.label == "loaded" for r in test]))
        print(f"fold {k} ({time.time() - started:.0f} s, {int((w_all < 1).sum())} down-weighted rows): inner "
              + " / ".join(f"{c} {s:.4f}" for c, s in scores.items()) + f" -> {pick}", flush=True)
    y = np.concatenate(outer_true)
    for c, p in outer.items():
        print(f"outer (all folds) {c:18s} loaded vs not {f1_score(y, np.concatenate(p), average='macro'):.4f}")
    print("picks:", ", ".join(picks))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA_DIR,
         Path(sys.argv[2]) if len(sys.argv) > 2 else wv.DEFAULT_VECTORS)
