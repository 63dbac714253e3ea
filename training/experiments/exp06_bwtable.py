"""Avenue 3/4 combined: richer learned loaded-word tables, added as cached blocks.

bwU : empirical table from the union of biased_words of SG2 + SG1 + MBIC annotations for the
      *training* sentences only (out-of-fold for training rows) -> max, sum/sqrt(n), count>0.3
bwE : embedding-smoothed table: a ridge regression from the 256-d static word vector to the
      word's empirical 'marked as biased' rate (fitted on words of the training sentences,
      word-level 5-fold cross-fitted for training rows' features), predicted for the whole
      26k vocabulary -> generalises to loaded words never seen in BABE training.
Computes blocks into /tmp/slant_blocks.pkl.
"""
import ast, csv, pickle, sys, time
from collections import Counter
from pathlib import Path
import numpy as np
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold

from common import DATA, normalise
from blocks import splits
from feats import Standardiser, emb_table, table_feats, span_rates
from model.features import tokenize

UNION = {}
for f in ("SG2", "SG1", "MBIC"):
    with open(DATA / "babe" / f"final_labels_{f}.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            try:
                ws = ast.literal_eval(row.get("biased_words") or "[]")
            except Exception:
                ws = []
            toks = set()
            for w in ws:
                if isinstance(w, str):
                    toks.update(tokenize(w))
            UNION.setdefault(normalise(row["text"].strip()), set()).update(toks)


def emp_table(records, alpha=2.0):
    marked, occ = Counter(), Counter()
    for r in records:
        if not r.source.startswith("babe"):
            continue
        toks = set(tokenize(r.text))
        occ.update(toks)
        marked.update(UNION.get(normalise(r.text), set()) & toks)
    return marked, occ


def emb_smoothed(records, cross=False):
    """word -> predicted rate, for the whole embedding vocabulary."""
    vocab, E = emb_table()
    idx = {w: i for i, w in enumerate(vocab)}
    marked, occ = emp_table(records, 0)
    words = [w for w in occ if w in idx]
    X = E[[idx[w] for w in words]]
    y = np.array([marked[w] / (occ[w] + 1.0) for w in words])
    sw = np.log1p([occ[w] for w in words])
    m = Ridge(alpha=10.0).fit(X, y, sample_weight=sw)
    pred = m.predict(E)
    if cross:  # words seen in training get a cross-fitted prediction (not trained on themselves)
        for a, b in KFold(5, shuffle=True, random_state=0).split(words):
            mm = Ridge(alpha=10.0).fit(X[a], y[a], sample_weight=sw[a])
            pred[[idx[words[i]] for i in b]] = mm.predict(X[b])
    pred = np.clip(pred, 0, 1)
    return {w: float(p) for w, p in zip(vocab, pred) if p > 0.02}


def block_pair(train, test, fn):
    trt, tet = [r.text for r in train], [r.text for r in test]
    Ftr = np.zeros((len(trt), 3), np.float32)
    for a, b in KFold(5, shuffle=True, random_state=0).split(trt):
        Ftr[b] = table_feats([trt[i] for i in b], fn([train[i] for i in a], True))
    Fte = table_feats(tet, fn(train, False))
    s = Standardiser().fit(Ftr)
    return s(Ftr), s(Fte)


def union_fn(recs, _cross):
    marked, occ = emp_table(recs)
    return {w: marked[w] / (occ[w] + 2.0) for w in marked}


if __name__ == "__main__":
    CACHE = Path("/tmp/slant_blocks.pkl")
    data = pickle.loads(CACHE.read_bytes())
    t = time.time()
    for name, (tr, te) in splits().items():
        data[name]["B"]["bwU"] = block_pair(tr, te, union_fn)
        data[name]["B"]["bwE"] = block_pair(tr, te, emb_smoothed)
        data[name]["keys"] = [normalise(r.text) for r in tr]
        print(name, round(time.time() - t, 1), flush=True)
    CACHE.write_bytes(pickle.dumps(data))
