"""Avenue 7: calibration of the loaded head (config A blocks, BABE-only, agreement weights off):
raw LR (balanced) vs CalibratedClassifierCV sigmoid / isotonic (cv=3) — Brier + macro-F1 on BABE OOF."""
import json, pickle
from pathlib import Path
import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, f1_score
from blocks import stack

data = pickle.loads(Path("/tmp/slant_blocks.pkl").read_bytes())
scales = {"word": 1, "char25": 1, "lex": .3, "bw": .3}
res = {}
for method in ("raw", "raw_unweighted", "sigmoid", "isotonic"):
    ps, ys = [], []
    for i in range(5):
        d = data[f"babe{i}"]
        lab = np.array([l for l, s in d["train"]]); src = np.array([s.split(":")[0] for l, s in d["train"]])
        keep = src == "babe"
        Xtr, Xte = stack(d["B"], scales, 0)[keep], stack(d["B"], scales, 1)
        base = LogisticRegression(C=4, class_weight=None if method == "raw_unweighted" else "balanced", max_iter=3000)
        m = base if method.startswith("raw") else CalibratedClassifierCV(base, method=method, cv=3)
        m.fit(Xtr, lab[keep] == "loaded")
        ps.append(m.predict_proba(Xte)[:, 1]); ys.append(np.array(d["test"]) == "loaded")
    p, y = np.concatenate(ps), np.concatenate(ys)
    res[method] = {"brier": round(brier_score_loss(y, p), 4), "macroF1@0.5": round(f1_score(y, p > .5, average="macro"), 4)}
    print(method, res[method], flush=True)
with open(Path(__file__).with_name("sweep.jsonl"), "a") as fh:
    fh.write(json.dumps({"cfg": "calibration loaded head A (BABE only)", **res, "script": "exp10_calibration.py"}) + "\n")
