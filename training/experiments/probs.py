"""Cache head probabilities for the protocols so decision rules / thresholds can be explored cheaply.

get_probs(name, factory) -> dict with
  ct_dev   : heads fitted on CT train + SG2 (+extra), probs on CT dev  (selection split)
  ct_test  : heads fitted on CT train+dev + SG2 (+extra), probs on CT dev_test (protocol)
  babe     : out-of-fold probs on BABE SG2 (protocol folds)
Saved under /tmp/slant_probs/<name>.npz-like pickle.
"""
import pickle
from pathlib import Path

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from common import CT_DEV, CT_TEST, CT_TRAIN, SG2, normalise, without

OUT = Path("/tmp/slant_probs"); OUT.mkdir(exist_ok=True)
BABE = [r for r in SG2 if r.bias in ("Biased", "Non-biased")]
Y_BABE = np.array([r.label for r in BABE])
Y_CTDEV = np.array([r.label != "factual" for r in CT_DEV])
Y_CTTEST = np.array([r.label != "factual" for r in CT_TEST])


def get_probs(name, factory, extra=(), force=False):
    f = OUT / f"{name}.pkl"
    if f.exists() and not force:
        return pickle.loads(f.read_bytes())
    res = {}
    banned = {normalise(r.text) for r in CT_TEST} | {normalise(r.text) for r in CT_DEV}
    m = factory().fit(without(CT_TRAIN + SG2 + list(extra), banned))
    res["ct_dev"] = m.predict_proba_heads([r.text for r in CT_DEV])
    banned = {normalise(r.text) for r in CT_TEST}
    m = factory().fit(without(CT_TRAIN + CT_DEV + SG2 + list(extra), banned))
    res["ct_test"] = m.predict_proba_heads([r.text for r in CT_TEST])
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    parts = {}
    for tr, te in folds.split(np.zeros(len(BABE)), np.array([r.bias for r in BABE])):
        test = [BABE[i] for i in te]
        bn = {normalise(r.text) for r in test}
        m = factory().fit(without([BABE[i] for i in tr] + CT_TRAIN + CT_DEV + list(extra), bn))
        o = m.predict_proba_heads([r.text for r in test])
        for k, v in o.items():
            if k == "3way":
                cls, P = v
                parts.setdefault("3way", np.zeros((len(BABE), 3)))[te] = P[:, [list(cls).index(c) for c in ("factual", "opinion", "loaded")]]
            else:
                parts.setdefault(k, np.zeros(len(BABE)))[te] = v
    res["babe"] = parts
    for k in ("ct_dev", "ct_test"):
        if "3way" in res[k]:
            cls, P = res[k]["3way"]
            res[k]["3way"] = P[:, [list(cls).index(c) for c in ("factual", "opinion", "loaded")]]
    f.write_bytes(pickle.dumps(res))
    return res


def rule(p, t_loaded=0.5, t_subj=0.5, ct_loaded=True):
    """3-way labels from heads: loaded if P(loaded)>t_l, else opinion if P(subj)>t_s, else factual."""
    lab = np.where(p["subj"] > t_subj, "opinion", "factual")
    if ct_loaded:
        lab = np.where(p["loaded"] > t_loaded, "loaded", lab)
    return lab


def scores(res, **kw):
    out = {}
    for k, y in (("ct_dev", Y_CTDEV), ("ct_test", Y_CTTEST)):
        lab = rule(res[k], **kw)
        out[k] = f1_score(y, lab != "factual", average="macro")
    lab = rule(res["babe"], **kw)
    out["babe_loaded"] = f1_score(Y_BABE == "loaded", lab == "loaded", average="macro")
    out["babe_3way"] = f1_score(Y_BABE, lab, average="macro")
    out["babe_subj_auc_f1"] = f1_score(Y_BABE != "factual", res["babe"]["subj"] > kw.get("t_subj", .5), average="macro")
    return {k: round(v, 4) for k, v in out.items()}
