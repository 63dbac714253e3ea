"""Nested selection of the loaded head's training rows: BABE only, or BABE + BASIL (lex -> loaded) at a weight.

For each outer BABE fold, an inner 5-fold CV over the outer training fold's BABE rows scores each variant
(head alone, loaded vs not macro-F1 on the inner validation BABE rows); the outer test fold is scored
for every variant too, for reporting. BASIL rows are never validation rows. The union of word/char/cue
blocks is fitted (unsupervised) on the outer training texts; the loaded-word table on the head's BABE rows.

Usage: .venv/bin/python training/experiments/exp15_head_rows.py [DATA_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from model.features import build_pipeline  # noqa: E402
from model.wordtable import LoadedWordTable  # noqa: E402
from training.evaluate import babe_folds  # noqa: E402
from training.public_corpora import read_basil  # noqa: E402
from training.train import DEFAULT_DATA_DIR  # noqa: E402
from training.wordtables import biased_word_lists, span_tables  # noqa: E402

VARIANTS = {"babe only": 0.0, "+ BASIL w0.1": 0.1, "+ BASIL w0.3": 0.3, "+ BASIL w1": 1.0}


def head_f1(union, spans, babe_tr, basil, w, babe_te):
    texts = [r.text for r in babe_tr] + ([r.text for r in basil] if w else [])
    words = biased_word_lists(babe_tr) + ([None] * len(basil) if w else [])
    y = np.array([r.label == "loaded" for r in babe_tr] + ([r.label == "loaded" for r in basil] if w else []))
    n = len(babe_tr)
    yb = y[:n]
    cw = {True: n / (2 * yb.sum()), False: n / (2 * (n - yb.sum()))}
    sw = np.array([cw[v] for v in y]) * np.r_[np.ones(n), np.full(len(y) - n, w)]
    table = LoadedWordTable(scale=0.3)
    X = sp.hstack([union.transform(texts), table.fit_transform(texts, biased_words=words, span_tables=spans)]).tocsr()
    clf = LogisticRegression(C=4.0, max_iter=3000, random_state=0).fit(X, y, sample_weight=sw)
    tt = [r.text for r in babe_te]
    Xt = sp.hstack([union.transform(tt), table.transform(tt)]).tocsr()
    return clf.predict(Xt), np.array([r.label == "loaded" for r in babe_te])


def main(data_dir: Path):
    spans = span_tables(data_dir)
    basil = read_basil(data_dir / "basil")
    outer_pred = {v: [] for v in VARIANTS}
    outer_true = []
    for k, (_, train, test) in enumerate(babe_folds(data_dir)):
        babe_tr = [r for r in train if r.source.startswith("babe")]
        union = build_pipeline().named_steps["features"].fit([r.text for r in train])
        inner = {}
        ys = np.array([r.label == "loaded" for r in babe_tr])
        for v, w in VARIANTS.items():
            preds, trues = [], []
            for a, b in StratifiedKFold(5, shuffle=True, random_state=1).split(ys, ys):
                p, t = head_f1(union, spans, [babe_tr[i] for i in a], basil, w, [babe_tr[i] for i in b])
                preds.append(p)
                trues.append(t)
            inner[v] = f1_score(np.concatenate(trues), np.concatenate(preds), average="macro")
            p, t = head_f1(union, spans, babe_tr, basil, w, test)
            outer_pred[v].append(p)
        outer_true.append(t)
        best = max(inner, key=inner.get)
        print(f"fold {k}: inner " + " ".join(f"{v} {s:.4f}" for v, s in inner.items()) + f" -> {best}", flush=True)
    y = np.concatenate(outer_true)
    for v in VARIANTS:
        print(f"outer (all folds) {v:14s} head alone {f1_score(y, np.concatenate(outer_pred[v]), average='macro'):.4f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA_DIR)
