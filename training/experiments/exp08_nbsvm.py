"""Avenue 5: NB-SVM-style log-count-ratio word features (Wang & Manning 2012), per head.

For each head, r = log((p/|p|1)/(q/|q|1)) from binary uni+bigram counts of the head's training
rows (alpha=1); feature = binary counts * r, L2-normalised, scaled; hstacked with cached blocks.
"""
import json, pickle, sys
from pathlib import Path
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score
from sklearn.preprocessing import normalize

from blocks import splits, stack
from model.features import word_ngrams

data = pickle.loads(Path("/tmp/slant_blocks.pkl").read_bytes())
S = splits()
BIN = {}
for name, (tr, te) in S.items():
    cv = CountVectorizer(analyzer=word_ngrams, binary=True, min_df=1, dtype=np.float32)
    BIN[name] = (cv.fit_transform([r.text for r in tr]).tocsr(), cv.transform([r.text for r in te]).tocsr())


def nb(Xb, y, alpha=1.0):
    p = alpha + np.asarray(Xb[y].sum(0)).ravel(); q = alpha + np.asarray(Xb[~y].sum(0)).ravel()
    return np.log((p / p.sum()) / (q / q.sum())).astype(np.float32)


def run(tag, nb_scale, other, C=4.0, nb_loaded=True, nb_subj=True):
    P = {}
    for name, d in data.items():
        lab = np.array([l for l, s in d["train"]]); src = np.array([s.split(":")[0] for l, s in d["train"]])
        Xb_tr, Xb_te = BIN[name]
        O_tr, O_te = (stack(d["B"], other, 0), stack(d["B"], other, 1)) if other else (None, None)

        def head(rows, y, use_nb):
            mats_tr, mats_te = [], []
            if use_nb:
                r = nb(Xb_tr[rows], y)
                mats_tr.append(normalize(Xb_tr[rows].multiply(r[None, :]).tocsr()) * nb_scale)
                mats_te.append(normalize(Xb_te.multiply(r[None, :]).tocsr()) * nb_scale)
            if O_tr is not None:
                mats_tr.append(O_tr[rows]); mats_te.append(O_te)
            clf = LogisticRegression(C=C, class_weight="balanced", max_iter=3000)
            clf.fit(sp.hstack(mats_tr).tocsr(), y)
            return clf.predict_proba(sp.hstack(mats_te).tocsr())[:, 1]

        allrows = np.arange(len(lab))
        ps = head(allrows, lab != "factual", nb_subj)
        keep = np.where((src == "babe") | ((src == "checkthat") & (lab == "factual")))[0]
        pl = head(keep, lab[keep] == "loaded", nb_loaded)
        P[name] = (ps, pl, np.array(d["test"]))
    out = {}
    for k in ("ct_dev", "ct_test"):
        ps, pl, y = P[k]
        out[k] = f1_score(y != "factual", (ps > .5) | (pl > .5), average="macro")
        out[k + "_subjonly"] = f1_score(y != "factual", ps > .5, average="macro")
        out[k + "_aucsubj"] = roc_auc_score(y != "factual", ps)
    ps = np.concatenate([P[f"babe{i}"][0] for i in range(5)]); pl = np.concatenate([P[f"babe{i}"][1] for i in range(5)])
    y = np.concatenate([P[f"babe{i}"][2] for i in range(5)])
    out["babe_loaded"] = f1_score(y == "loaded", pl > .5, average="macro")
    out["babe_auc_loaded"] = roc_auc_score(y == "loaded", pl)
    out["babe_3way"] = f1_score(y, np.where(pl > .5, "loaded", np.where(ps > .5, "opinion", "factual")), average="macro")
    row = {"cfg": tag, **{k: round(float(v), 4) for k, v in out.items()}, "script": "exp08_nbsvm.py"}
    print(json.dumps(row), flush=True)
    with open(Path(__file__).with_name("sweep.jsonl"), "a") as fh:
        fh.write(json.dumps(row) + "\n")
    return P


if __name__ == "__main__":
    run("NB words only", 1.0, None)
    run("NB words + char25 + lex.3 + bw.3", 1.0, {"char25": 1, "lex": .3, "bw": .3})
    run("NB words + word + char25 + lex.3 + bw.3", 1.0, {"word": 1, "char25": 1, "lex": .3, "bw": .3})
    run("NB words + char25 + lex.3 + bw.3, C=1", 1.0, {"char25": 1, "lex": .3, "bw": .3}, C=1)
