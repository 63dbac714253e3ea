"""Nested check of the loaded head's word-vector block: head alone, with and without it.

For each outer BABE fold an inner 5-fold CV over the outer training fold's BABE rows scores both
heads (loaded vs not macro-F1 on the inner validation rows) and picks one; the outer test fold is
scored for both, for reporting. The word/char/cue blocks are fitted (unsupervised) on the outer
training texts, the loaded-word table on the head's BABE rows (out-of-fold, as in the shipped
head), the vectors are the committed ``training/data/word-vectors-minilm.npz`` (their vocabulary
is drawn from unlabelled text only).

Usage: .venv/bin/python training/experiments/exp16_vectors.py [DATA_DIR] [VECTORS]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from model.features import build_pipeline  # noqa: E402
from model.heads import TwoHeadClassifier  # noqa: E402
from model.wordtable import LoadedWordTable  # noqa: E402
from training import word_vectors as wv  # noqa: E402
from training.evaluate import babe_folds  # noqa: E402
from training.train import DEFAULT_DATA_DIR  # noqa: E402
from training.wordtables import biased_word_lists, span_tables  # noqa: E402

VARIANTS = ("head", "head + vectors")


def blocks(union, spans, vectors, train, test):
    """Head inputs of ``train`` and ``test`` per variant."""
    table = LoadedWordTable(scale=0.3)
    tr, te = [r.text for r in train], [r.text for r in test]
    a = sp.hstack([union.transform(tr), table.fit_transform(tr, biased_words=biased_word_lists(train),
                                                              span_tables=spans)], format="csr")
    b = sp.hstack([union.transform(te), table.transform(te)], format="csr")
    mean = TwoHeadClassifier(vector_scale=1.0)._vector_block
    return {"head": (a, b), "head + vectors": (sp.hstack([a, mean(tr, vectors)], format="csr"),
                                               sp.hstack([b, mean(te, vectors)], format="csr"))}


def predict(Xa, y, Xb):
    return LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000, random_state=0).fit(Xa, y).predict(Xb)


def main(data_dir: Path, vector_path: Path):
    spans, vectors = span_tables(data_dir), wv.load(vector_path)
    outer_pred, outer_true = {v: [] for v in VARIANTS}, []
    for k, (_, train, test) in enumerate(babe_folds(data_dir)):
        started = time.time()
        babe_tr = [r for r in train if r.source.startswith("babe")]
        union = build_pipeline().named_steps["features"].fit([r.text for r in train])
        ys = np.array([r.label == "loaded" for r in babe_tr])
        inner = {v: ([], []) for v in VARIANTS}
        for ia, ib in StratifiedKFold(5, shuffle=True, random_state=1).split(ys, ys):
            made = blocks(union, spans, vectors, [babe_tr[i] for i in ia], [babe_tr[i] for i in ib])
            for v in VARIANTS:
                inner[v][0].append(ys[ib])
                inner[v][1].append(predict(made[v][0], ys[ia], made[v][1]))
        scores = {v: f1_score(np.concatenate(t), np.concatenate(p), average="macro") for v, (t, p) in inner.items()}
        made = blocks(union, spans, vectors, babe_tr, test)
        for v in VARIANTS:
            outer_pred[v].append(predict(made[v][0], ys, made[v][1]))
        outer_true.append(np.array([r.label == "loaded" for r in test]))
        print(f"fold {k} ({time.time() - started:.0f} s): inner " + " / ".join(f"{v} {s:.4f}" for v, s in scores.items())
              + f" -> {max(scores, key=scores.get)}", flush=True)
    y = np.concatenate(outer_true)
    for v in VARIANTS:
        print(f"outer (all folds) {v:15s} loaded vs not {f1_score(y, np.concatenate(outer_pred[v]), average='macro'):.4f}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA_DIR,
         Path(sys.argv[2]) if len(sys.argv) > 2 else wv.DEFAULT_VECTORS)
