"""Avenue 6: extra subjectivity data for the subj head (sample-weighted), loaded head unchanged.

Extra sets: Pang & Lee subj (movie snippets, 10k), MultiDimNews label_subj (news, 2k),
ClaimBuster disjoint_2000 (-1 non-factual -> opinion, 0/1 -> factual; debate speech).
Each run recomputes word/char/lex/bw blocks with the extra rows in the vectoriser fit.
"""
import csv, json, sys, time
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score

from common import DATA, Record
from blocks import compute_blocks, splits, stack


def pang():
    return [Record(text=r["text"].strip(), label="opinion" if r["label"] == "1" else "factual", source="pang")
            for r in csv.DictReader(open(DATA / "subj_pang_lee" / "sentences.csv", encoding="utf-8")) if r["text"].strip()]


def mdn():
    return [Record(text=r["text"].strip(), label="opinion" if r["label_subj"] == "1" else "factual", source="mdn")
            for r in csv.DictReader(open(DATA / "multidimnews" / "sentences.csv", encoding="utf-8")) if r["text"].strip()]


def cb():
    return [Record(text=d["text"].strip(), label="opinion" if d["label"] == -1 else "factual", source="cb")
            for d in json.load(open(DATA / "claimbuster" / "disjoint_2000.json")) if d["text"].strip()]


SETS = {"pang": pang, "mdn": mdn, "cb": cb}
name = sys.argv[1]
extra = SETS[name]()
scales = {"word": 1, "char25": 1, "lex": .3, "bw": .3}
t = time.time()
S = splits(extra)
cache = {}
for sn, (tr, te) in S.items():
    cache[sn] = (compute_blocks(tr, te, ("word", "char25", "lex", "bw")), tr, te)
print("blocks", round(time.time() - t, 1), flush=True)
for w in (0.1, 0.3, 1.0):
    P = {}
    for sn, (B, tr, te) in cache.items():
        Xtr, Xte = stack(B, scales, 0), stack(B, scales, 1)
        lab = np.array([r.label for r in tr]); src = np.array([r.source.split(":")[0] for r in tr])
        sw = np.where(src == name, w, 1.0)
        ps = LogisticRegression(C=4, class_weight="balanced", max_iter=3000).fit(Xtr, lab != "factual", sample_weight=sw).predict_proba(Xte)[:, 1]
        y = np.array([r.label for r in te])
        P[sn] = (ps, y)
    out = {"extra": name, "w": w}
    for sn in ("ct_dev", "ct_test"):
        ps, y = P[sn]
        out[sn + "_subjonly"] = round(f1_score(y != "factual", ps > .5, average="macro"), 4)
        out[sn + "_auc"] = round(roc_auc_score(y != "factual", ps), 4)
    ps = np.concatenate([P[f"babe{i}"][0] for i in range(5)]); y = np.concatenate([P[f"babe{i}"][1] for i in range(5)])
    out["babe_subj_auc"] = round(roc_auc_score(y != "factual", ps), 4)
    print(json.dumps(out), flush=True)
    with open("/work/main/training/experiments/sweep.jsonl", "a") as fh:
        fh.write(json.dumps({**out, "script": "exp07_extra_subj.py"}) + "\n")
