"""End-to-end check of the best recipe through the official protocol functions of training/evaluate.py.

Recipe ("ens3-rule2"): three members, each a pair of LogisticRegression(C=4, class_weight=balanced) heads
  A' = word + char_wb2-5 + lex*.3 + bw*.3 + bwE*.3
  B' = emb*1 + lex*.3 + bw*.3 + bwE*.3
  C' = word + emb*1 + lex*.3 + bw*.3 + bwE*.3
subj head: all training rows (CheckThat SUBJ / BABE not 'Entirely factual' -> 1);
loaded head: BABE rows only (Biased -> 1), sample weight 0.5**(number of SG1/MBIC label groups disagreeing with SG2).
P(subj), P(loaded) = mean over members.  rule2: factual if P(subj)<=.5, else loaded if P(loaded)>.5 else opinion.
Usage: exp11_final.py [ABC|ABCD]
"""
import sys, json, time
from collections import Counter
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from common import DATA, ev, extra_babe, normalise, SG2, run_both
from feats import Standardiser, emb_block, lex_block, learn_bw_table, span_rates, table_feats
from exp06_bwtable import emb_smoothed
from model.features import word_ngrams

OTHER = {}
for n in ("SG1", "MBIC"):
    for r in extra_babe(n):
        OTHER.setdefault(normalise(r.text), []).append(r.bias)


import csv as _csv
OPIN = {}
with open(DATA / "babe" / "final_labels_SG2.csv", encoding="utf-8", newline="") as _fh:
    for _row in _csv.DictReader(_fh, delimiter=";"):
        OPIN[normalise(_row["text"].strip())] = _row["label_opinion"]


def agree_weight(r, w=0.5):
    k = normalise(r.text)
    return w ** sum(o != r.bias for o in OTHER.get(k, [])) if r.bias else 1.0


MEMBERS = {"A": {"word": 1, "char25": 1, "lex": .3, "bw": .3, "bwE": .3},
           "B": {"emb": 1, "lex": .3, "bw": .3, "bwE": .3},
           "C": {"word": 1, "emb": 1, "lex": .3, "bw": .3, "bwE": .3},
           "D": {"char36": 1, "lex": .3, "bw": .3, "bwE": .3}}


def tables_feats(texts, bw_tab, bwe_tab):
    rates = span_rates()
    return (np.hstack([table_feats(texts, bw_tab)] + [table_feats(texts, rates[k]) for k in sorted(rates)]),
            table_feats(texts, bwe_tab))


class Ens:
    def __init__(self, members="ABC", t_subj=0.5, t_loaded=0.5, somewhat_w=1.0):
        self.members, self.t_subj, self.t_loaded, self.somewhat_w = members, t_subj, t_loaded, somewhat_w

    def fit(self, records):
        texts = [r.text for r in records]
        need = set().union(*[MEMBERS[m] for m in self.members])
        self.vec = {}
        if "word" in need:
            self.vec["word"] = TfidfVectorizer(analyzer=word_ngrams, min_df=2, sublinear_tf=True, dtype=np.float32)
        if "char25" in need:
            self.vec["char25"] = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True,
                                                 max_features=60000, dtype=np.float32)
        if "char36" in need:
            self.vec["char36"] = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 6), min_df=2, sublinear_tf=True,
                                                 max_features=100000, dtype=np.float32)
        B = {k: v.fit_transform(texts).tocsr() for k, v in self.vec.items()}
        L = lex_block(texts); self.std_lex = Standardiser().fit(L); B["lex"] = self.std_lex(L)
        B["emb"] = emb_block(texts)
        # learned tables: out-of-fold for training rows, full for inference
        bw, bwe = np.zeros((len(texts), 9), np.float32), np.zeros((len(texts), 3), np.float32)
        for a, b in KFold(5, shuffle=True, random_state=0).split(texts):
            sub = [records[i] for i in a]
            bw[b], bwe[b] = tables_feats([texts[i] for i in b], learn_bw_table(sub), emb_smoothed(sub, True))
        self.bw_tab, self.bwe_tab = learn_bw_table(records), emb_smoothed(records, False)
        self.std_bw, self.std_bwe = Standardiser().fit(bw), Standardiser().fit(bwe)
        B["bw"], B["bwE"] = self.std_bw(bw), self.std_bwe(bwe)
        ys = np.array([r.label != "factual" for r in records])
        ws = np.array([self.somewhat_w if r.source.startswith("babe") and OPIN.get(normalise(r.text), "").startswith("Somewhat")
                       else 1.0 for r in records])
        li = np.array([i for i, r in enumerate(records) if r.source.startswith("babe")])
        yl = np.array([records[i].label == "loaded" for i in li])
        wl = np.array([agree_weight(records[i]) for i in li])
        self.heads = {}
        for m in self.members:
            X = self._stack(B, MEMBERS[m])
            hs = LogisticRegression(C=4, class_weight="balanced", max_iter=3000).fit(X, ys, sample_weight=ws)
            hl = LogisticRegression(C=4, class_weight="balanced", max_iter=3000).fit(X[li], yl, sample_weight=wl)
            self.heads[m] = (hs, hl)
        return self

    @staticmethod
    def _stack(B, scales):
        return sp.hstack([(B[k] * s) if sp.issparse(B[k]) else sp.csr_matrix(B[k] * s) for k, s in scales.items()]).tocsr()

    def proba(self, texts):
        B = {k: v.transform(texts).tocsr() for k, v in self.vec.items()}
        B["lex"] = self.std_lex(lex_block(texts)); B["emb"] = emb_block(texts)
        bw, bwe = tables_feats(texts, self.bw_tab, self.bwe_tab)
        B["bw"], B["bwE"] = self.std_bw(bw), self.std_bwe(bwe)
        ps, pl = [], []
        for m, (hs, hl) in self.heads.items():
            X = self._stack(B, MEMBERS[m])
            ps.append(hs.predict_proba(X)[:, 1]); pl.append(hl.predict_proba(X)[:, 1])
        return np.mean(ps, 0), np.mean(pl, 0)

    def predict(self, texts):
        ps, pl = self.proba(texts)
        return np.where(ps <= self.t_subj, "factual", np.where(pl > self.t_loaded, "loaded", "opinion"))


if __name__ == "__main__":
    members = sys.argv[1] if len(sys.argv) > 1 else "ABC"
    sw = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
    t = time.time()
    ct = ev.checkthat_protocol(DATA, fitter=lambda recs, seed=0, **k: Ens(members, somewhat_w=sw).fit(recs))
    bb = ev.babe_protocol(DATA, fitter=lambda recs, seed=0, **k: Ens(members, somewhat_w=sw).fit(recs))
    row = {"recipe": f"ens{members} rule2 somewhat_w={sw} via training/evaluate.py protocols", "checkthat": round(ct["macro_f1"], 4),
           "checkthat_ci95": [round(x, 4) for x in ct["ci95"]],
           "babe_loaded": round(bb["loaded_vs_not"]["macro_f1"], 4), "babe_3way": round(bb["three_way"]["macro_f1"], 4),
           "babe_3way_confusion": bb["three_way"]["confusion"], "script": "exp11_final.py", "seconds": round(time.time() - t, 1)}
    print(json.dumps(row), flush=True)
    with open("/work/main/training/experiments/results.jsonl", "a") as fh:
        fh.write(json.dumps(row) + "\n")
