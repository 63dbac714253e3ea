"""Avenues 3/4/5: cache feature blocks per split, sweep block scales, C, and heads' data cheaply.

Usage: exp05_block_sweep.py compute   (writes /tmp/slant_blocks.pkl)
       exp05_block_sweep.py sweep
"""
import json, pickle, sys, time
from pathlib import Path
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score, roc_auc_score

from blocks import compute_blocks, splits, stack
from common import normalise, DATA

CACHE = Path("/tmp/slant_blocks.pkl")
WHICH = [w for w in (sys.argv[2].split(",") if len(sys.argv) > 2 else ["word", "char25", "lex", "bw"])]

if sys.argv[1] == "compute":
    t = time.time()
    S = splits()
    data = {}
    if CACHE.exists():
        data = pickle.loads(CACHE.read_bytes())

from common import extra_babe, SG2 as _SG2  # noqa: E402
_OTHER = {}
for _n in ("SG1", "MBIC"):
    for _r in extra_babe(_n):
        _OTHER.setdefault(normalise(_r.text), []).append(_r.bias)
_SG2BIAS = {normalise(r.text): r.bias for r in _SG2}


import csv as _csv
_OPIN = {}
with open(DATA / "babe" / "final_labels_SG2.csv", encoding="utf-8", newline="") as _fh:
    for _row in _csv.DictReader(_fh, delimiter=";"):
        _OPIN[normalise(_row["text"].strip())] = _row["label_opinion"]


def agreement_weights(keys, w_dis):
    """1 for BABE rows whose SG1/MBIC bias labels (if any) agree with SG2, w_dis per disagreeing group."""
    out = []
    for k in keys:
        others = _OTHER.get(k, [])
        n_dis = sum(o != _SG2BIAS.get(k) for o in others)
        out.append(w_dis ** n_dis if k in _SG2BIAS else 1.0)
    return np.array(out)
    for name, (tr, te) in S.items():
        have = data.get(name, {}).get("B", {})
        need = [w for w in WHICH if w not in have]
        B = compute_blocks(tr, te, need)
        have.update(B)
        data[name] = {"B": have, "train": [(r.label, r.source) for r in tr], "test": [r.label for r in te]}
        print(name, round(time.time() - t, 1), flush=True)
    CACHE.write_bytes(pickle.dumps(data))
    sys.exit()

data = pickle.loads(CACHE.read_bytes())

from common import extra_babe, SG2 as _SG2  # noqa: E402
_OTHER = {}
for _n in ("SG1", "MBIC"):
    for _r in extra_babe(_n):
        _OTHER.setdefault(normalise(_r.text), []).append(_r.bias)
_SG2BIAS = {normalise(r.text): r.bias for r in _SG2}


import csv as _csv
_OPIN = {}
with open(DATA / "babe" / "final_labels_SG2.csv", encoding="utf-8", newline="") as _fh:
    for _row in _csv.DictReader(_fh, delimiter=";"):
        _OPIN[normalise(_row["text"].strip())] = _row["label_opinion"]


def agreement_weights(keys, w_dis):
    """1 for BABE rows whose SG1/MBIC bias labels (if any) agree with SG2, w_dis per disagreeing group."""
    out = []
    for k in keys:
        others = _OTHER.get(k, [])
        n_dis = sum(o != _SG2BIAS.get(k) for o in others)
        out.append(w_dis ** n_dis if k in _SG2BIAS else 1.0)
    return np.array(out)


def heads_eval(scales, C_subj=4.0, C_loaded=4.0, loaded_ct="obj", subj_w_babe=1.0, loaded_scales=None,
               t_loaded=0.5, t_subj=0.5, return_probs=False, loaded_ct_w=1.0, mode="heads", C=4.0, agree_w=None, subj_somewhat=None):
    """Train subj + loaded heads on every split; return metrics (and probs)."""
    loaded_scales = loaded_scales or scales
    P = {}
    for name, d in data.items():
        lab = np.array([l for l, s in d["train"]]); src = np.array([s.split(":")[0] for s in [s for l, s in d["train"]]])
        Xs_tr, Xs_te = stack(d["B"], scales, 0), stack(d["B"], scales, 1)
        w = np.where(src == "babe", subj_w_babe, 1.0)
        if subj_somewhat is not None:  # weight of BABE rows labelled 'Somewhat factual but also opinionated'
            w = w * np.array([subj_somewhat if _OPIN.get(k, "").startswith("Somewhat") else 1.0 for k in d["keys"]])
            if subj_somewhat == "as_factual":
                pass
        if mode == "3way":
            c3 = LogisticRegression(C=C, class_weight="balanced", max_iter=3000).fit(Xs_tr, lab)
            Q = c3.predict_proba(Xs_te); cls = list(c3.classes_)
            ps = 1 - Q[:, cls.index("factual")]; pl = Q[:, cls.index("loaded")]
            # 3-way argmax expressed in the same (ps, pl) form: loaded if argmax is loaded
            am = np.array(cls)[Q.argmax(1)]
            P[name] = (np.where(am == "factual", 0.0, 1.0), np.where(am == "loaded", 1.0, 0.0), np.array(d["test"]))
            continue
        cs = LogisticRegression(C=C_subj, class_weight="balanced", max_iter=3000).fit(Xs_tr, lab != "factual", sample_weight=w)
        Xl_tr, Xl_te = (Xs_tr, Xs_te) if loaded_scales is scales else (stack(d["B"], loaded_scales, 0), stack(d["B"], loaded_scales, 1))
        keep = (src == "babe") | ((src == "checkthat") & ((lab == "factual") if loaded_ct == "obj" else (loaded_ct == "all")))
        wl = np.where(src[keep] == "checkthat", loaded_ct_w, 1.0)
        if agree_w is not None:
            wl = wl * agreement_weights([k for k, kk in zip(d["keys"], keep) if kk], agree_w)
        cl = LogisticRegression(C=C_loaded, class_weight="balanced", max_iter=3000).fit(Xl_tr[keep], lab[keep] == "loaded", sample_weight=wl)
        P[name] = (cs.predict_proba(Xs_te)[:, 1], cl.predict_proba(Xl_te)[:, 1], np.array(d["test"]))
    out = metrics(P, t_loaded, t_subj)
    return (out, P) if return_probs else out


def metrics(P, t_loaded=0.5, t_subj=0.5):
    out = {}
    for k in ("ct_dev", "ct_test"):
        ps, pl, y = P[k]
        pred = (ps > t_subj) | (pl > t_loaded)
        out[k] = f1_score(y != "factual", pred, average="macro")
        out[k + "_subjonly"] = f1_score(y != "factual", ps > t_subj, average="macro")
        out[k + "_aucsubj"] = roc_auc_score(y != "factual", ps)
    ps = np.concatenate([P[f"babe{i}"][0] for i in range(5)]); pl = np.concatenate([P[f"babe{i}"][1] for i in range(5)])
    y = np.concatenate([P[f"babe{i}"][2] for i in range(5)])
    lab = np.where(pl > t_loaded, "loaded", np.where(ps > t_subj, "opinion", "factual"))
    out["babe_loaded"] = f1_score(y == "loaded", pl > t_loaded, average="macro")
    out["babe_auc_loaded"] = roc_auc_score(y == "loaded", pl)
    out["babe_3way"] = f1_score(y, lab, average="macro")
    return {k: round(float(v), 4) for k, v in out.items()}


def show(tag, **kw):
    t = time.time()
    r = heads_eval(**kw)
    print(json.dumps({"cfg": tag, **r, "s": round(time.time() - t, 1)}), flush=True)
    with open(Path(__file__).with_name("sweep.jsonl"), "a") as fh:
        fh.write(json.dumps({"cfg": tag, **r, "script": "exp05_block_sweep.py"}) + "\n")
    return r


if sys.argv[1] == "somewhat":
    b = {"word": 1, "char25": 1, "lex": .3, "bw": .3}
    for w in (0.0, 0.3):
        show(f"A, subj head weight {w} on BABE 'Somewhat factual' rows", scales=b, subj_somewhat=w)

if sys.argv[1] == "ens2":
    b = {"word": 1, "char25": 1, "lex": .3, "bw": .3}
    cfgs = {"A": dict(scales={**b, "bwE": .3}, agree_w=0.5),
            "B": dict(scales={"emb": 1, "lex": .3, "bw": .3, "bwE": .3}, agree_w=0.5),
            "C": dict(scales={"word": 1, "lex": .3, "bw": .3, "emb": 1, "bwE": .3}, agree_w=0.5),
            "D": dict(scales={"char36": 1, "lex": .3, "bw": .3, "bwE": .3}, agree_w=0.5)}
    for lct in ("obj", "none"):
        PS = {}
        for k, kw in cfgs.items():
            r, PS[k] = heads_eval(return_probs=True, loaded_ct=lct, **kw)
        for keys in (["A", "B", "C"], ["A", "B", "C", "D"]):
            P = {n: (np.mean([PS[k][n][0] for k in keys], 0), np.mean([PS[k][n][1] for k in keys], 0), PS[keys[0]][n][2]) for n in PS[keys[0]]}
            r = metrics(P)
            # rule 2: subjective/factual decided by the subj head alone; loaded only among subjective
            ps = np.concatenate([P[f"babe{i}"][0] for i in range(5)]); pl = np.concatenate([P[f"babe{i}"][1] for i in range(5)])
            y = np.concatenate([P[f"babe{i}"][2] for i in range(5)])
            for ts in (0.3, 0.5):
                lab = np.where(ps > ts, np.where(pl > .5, "loaded", "opinion"), np.where(pl > .5, "loaded", "factual")) if ts == 0 else np.where((ps > ts) & (pl > .5), "loaded", np.where(ps > .5, "opinion", "factual"))
                r[f"rule2_ts{ts}_babe_loaded"] = round(f1_score(y == "loaded", lab == "loaded", average="macro"), 4)
                r[f"rule2_ts{ts}_babe_3way"] = round(f1_score(y, lab, average="macro"), 4)
            tag = f"avg-prob ensemble {'+'.join(keys)} (all agree_w=.5,+bwE) loadedCT={lct}"
            print(tag, json.dumps(r), flush=True)
            with open(Path(__file__).with_name("sweep.jsonl"), "a") as fh:
                fh.write(json.dumps({"cfg": tag, **r, "script": "exp05_block_sweep.py ens2"}) + "\n")
            pickle.dump(P, open(f"/tmp/slant_ens2_{lct}_{''.join(keys)}.pkl", "wb"))

if sys.argv[1] == "ens":
    b = {"word": 1, "char25": 1, "lex": .3, "bw": .3}
    cfgs = {"A": dict(scales=b),
            "B": dict(scales={"emb": 1, "lex": .3, "bw": .3, "bwE": .3}),
            "C": dict(scales={"word": 1, "lex": .3, "bw": .3, "emb": 1}),
            "D": dict(scales={"char36": 1, "lex": .3, "bw": .3}),
            "E": dict(scales={**b, "bwE": .3}, agree_w=0.5)}
    PS = {}
    for k, kw in cfgs.items():
        r, PS[k] = heads_eval(return_probs=True, **kw)
        print(k, json.dumps(r), flush=True)

    def avg(keys):
        return {n: (np.mean([PS[k][n][0] for k in keys], 0), np.mean([PS[k][n][1] for k in keys], 0), PS[keys[0]][n][2]) for n in PS[keys[0]]}
    for keys in (["A", "B"], ["A", "C"], ["A", "B", "C"], ["A", "B", "C", "D"], ["A", "B", "C", "D", "E"], ["A", "B", "D"]):
        r = metrics(avg(keys))
        print("ENS", "+".join(keys), json.dumps(r), flush=True)
        with open(Path(__file__).with_name("sweep.jsonl"), "a") as fh:
            fh.write(json.dumps({"cfg": "avg-prob ensemble " + "+".join(keys), **r, "script": "exp05_block_sweep.py ens"}) + "\n")
    pickle.dump(PS, open("/tmp/slant_ens_probs.pkl", "wb"))

if sys.argv[1] == "sweep4":
    b = {"word": 1, "char25": 1, "lex": .3}
    show("heads +bwU.3", scales={**b, "bwU": .3})
    show("heads +bwE.3", scales={**b, "bwE": .3})
    show("heads +bw.3+bwE.3", scales={**b, "bw": .3, "bwE": .3})
    show("heads +bwU.3+bwE.3", scales={**b, "bwU": .3, "bwE": .3})
    show("heads +bwU.3+bwE.3 loadedCT=none", scales={**b, "bwU": .3, "bwE": .3}, loaded_ct="none")
    for w in (0.5, 0.25):
        show(f"heads +bw.3 agree_w={w}", scales={**b, "bw": .3}, agree_w=w)

if sys.argv[1] == "thresh":
    for tag, kw in (("lex.3+bw.3 loadedCT=obj", dict(scales={"word": 1, "char25": 1, "lex": .3, "bw": .3})),
                    ("lex.3+bw.3 loadedCT=none", dict(scales={"word": 1, "char25": 1, "lex": .3, "bw": .3}, loaded_ct="none"))):
        r, P = heads_eval(return_probs=True, **kw)
        for t in (0.35, 0.4, 0.45, 0.5, 0.55, 0.6):
            print(tag, "t_loaded", t, {k: v for k, v in metrics(P, t_loaded=t).items() if k in ("babe_loaded", "babe_3way", "ct_test", "ct_dev")})
        pl = np.concatenate([P[f"babe{i}"][1] for i in range(5)])
        print("mean P(loaded) babe", pl.mean(), "frac>0.5", (pl > .5).mean())

if sys.argv[1] == "sweep3":
    for e in (0.5, 1.0, 2.0):
        show(f"heads word+char25+lex.3+bw.3+emb{e}", scales={"word": 1, "char25": 1, "lex": .3, "bw": .3, "emb": e})
    show("heads emb1 only", scales={"emb": 1})
    show("heads word+char25+bw.3+emb1", scales={"word": 1, "char25": 1, "bw": .3, "emb": 1})
    show("3way word+char25+bw.3+emb1", scales={"word": 1, "char25": 1, "bw": .3, "emb": 1}, mode="3way")
    show("heads word+char36+lex.3+bw.3", scales={"word": 1, "char36": 1, "lex": .3, "bw": .3})

if sys.argv[1] == "sweep2":
    base = {"word": 1, "char25": 1, "lex": .3, "bw": .3}
    for w in (0.1, 0.3):
        show(f"lex.3+bw.3 loadedCTw={w}", scales=base, loaded_ct_w=w)
    show("3way word+char25", scales={"word": 1, "char25": 1}, mode="3way")
    show("3way word+char25+lex.3+bw.3", scales=base, mode="3way")
    show("3way word+char25+bw.3", scales={"word": 1, "char25": 1, "bw": .3}, mode="3way")
    show("3way word+char25+bw.3 C=2", scales={"word": 1, "char25": 1, "bw": .3}, mode="3way", C=2)
    show("bw.3, loaded head bw1", scales={"word": 1, "char25": 1, "bw": .3}, loaded_scales={"word": 1, "char25": 1, "bw": 1})
    show("bw.3+lex.3, loaded head word+char+bw.6+lex.3", scales=base, loaded_scales={"word": 1, "char25": 1, "bw": .6, "lex": .3})
    show("bw.3+lex.3, loaded head char .5", scales=base, loaded_scales={"word": 1, "char25": .5, "bw": .3, "lex": .3})
    show("bw.3+lex.3, loaded head word only", scales=base, loaded_scales={"word": 1, "bw": .3, "lex": .3})

if sys.argv[1] == "sweep":
    show("word+char25", scales={"word": 1, "char25": 1})
    show("word+char25+lex.3", scales={"word": 1, "char25": 1, "lex": .3})
    show("word+char25+bw.3", scales={"word": 1, "char25": 1, "bw": .3})
    show("word+char25+lex.3+bw.3", scales={"word": 1, "char25": 1, "lex": .3, "bw": .3})
    show("word+char25+lex.3+bw1", scales={"word": 1, "char25": 1, "lex": .3, "bw": 1})
    for C in (1, 2, 8):
        show(f"word+char25+lex.3+bw.3 C={C}", scales={"word": 1, "char25": 1, "lex": .3, "bw": .3}, C_subj=C, C_loaded=C)
    show("word+char25+lex.3+bw.3 loadedCT=none", scales={"word": 1, "char25": 1, "lex": .3, "bw": .3}, loaded_ct="none")
    show("word+char25+lex.3+bw.3 loadedCT=all", scales={"word": 1, "char25": 1, "lex": .3, "bw": .3}, loaded_ct="all")
    show("word+char25+lex.3+bw.3 subj_w_babe=.3", scales={"word": 1, "char25": 1, "lex": .3, "bw": .3}, subj_w_babe=.3)
