"""Screen of word-vector block variants for the loaded head, head alone on the outer BABE folds.

NOT nested: every variant is scored on the protocol's test folds, so the best of them is an
optimistic figure; use it only to see how far apart the variants are (here: within +-0.003,
about the noise of one refit). The word/char/cue blocks are fitted (unsupervised) on the outer
training texts, the loaded-word table on the head's BABE rows, as in exp16_vectors.py.

Each argument is ``VECTOR_FILE:MODE:SCALE`` with MODE ``mean`` (sum / number of tokens, the
shipped block), ``knownmean`` (sum / number of tokens with a vector) or ``l2`` (sum, L2-normed;
not linear in the vectors, so it would not collapse to one score per word), e.g.

    .venv/bin/python training/experiments/exp18_vector_variants.py \
        training/data/word-vectors-minilm.npz:mean:1 training/data/word-vectors-minilm.npz:mean:2

A 256-d file is made with ``slant word-vectors --dims 256 --out /tmp/wv256.npz`` (vectors venv).
Set SLANT_DATA_DIR for another corpora folder.
"""

import os
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402

from model.features import build_pipeline, tokenize  # noqa: E402
from model.wordtable import LoadedWordTable  # noqa: E402
from training import word_vectors as wv  # noqa: E402
from training.evaluate import babe_folds  # noqa: E402
from training.train import DEFAULT_DATA_DIR  # noqa: E402
from training.wordtables import biased_word_lists, span_tables  # noqa: E402

DATA = Path(os.environ.get("SLANT_DATA_DIR", DEFAULT_DATA_DIR))


def lr():
    return LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000, random_state=0)


def block(texts, vec, mode, scale):
    words, V = vec
    index = {w: i for i, w in enumerate(words)}
    out = np.zeros((len(texts), V.shape[1]))
    for i, s in enumerate(texts):
        toks = tokenize(s)
        known = [index[t] for t in toks if t in index]
        if known:
            v = V[known].astype(np.float64).sum(axis=0)
            if mode == "mean":
                v = v / len(toks)
            elif mode == "l2":
                v = v / (np.linalg.norm(v) or 1.0)
            elif mode == "knownmean":
                v = v / len(known)
            out[i] = v
    return out * scale



def main(args):
    variants = []
    for arg in args:
        path, mode, scale = arg.split(":")
        variants.append((arg, wv.load(Path(path)), mode, float(scale)))
    spans = span_tables(DATA)
    pred, true = {name: [] for name in ["none"] + [v[0] for v in variants]}, []
    for k, (_, train, test) in enumerate(babe_folds(DATA)):
        started = time.time()
        babe_tr = [r for r in train if r.source.startswith("babe")]
        union = build_pipeline().named_steps["features"].fit([r.text for r in train])
        table = LoadedWordTable(scale=0.3)
        tr, te = [r.text for r in babe_tr], [r.text for r in test]
        a = sp.hstack([union.transform(tr), table.fit_transform(tr, biased_words=biased_word_lists(babe_tr),
                                                                  span_tables=spans)], format="csr")
        b = sp.hstack([union.transform(te), table.transform(te)], format="csr")
        ys = np.array([r.label == "loaded" for r in babe_tr])
        true.append(np.array([r.label == "loaded" for r in test]))
        pred["none"].append(lr().fit(a, ys).predict(b))
        for name, vec, mode, scale in variants:
            A = sp.hstack([a, block(tr, vec, mode, scale)], format="csr")
            B = sp.hstack([b, block(te, vec, mode, scale)], format="csr")
            pred[name].append(lr().fit(A, ys).predict(B))
        print(f"fold {k} ({time.time() - started:.0f} s)", flush=True)
    y = np.concatenate(true)
    for name, p in pred.items():
        print(f"{name:50s} loaded vs not {f1_score(y, np.concatenate(p), average='macro'):.4f}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
