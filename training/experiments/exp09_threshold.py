"""Rule/threshold check on the ensemble probabilities (selection on CT dev; dev_test only reported)."""
import pickle, sys
import numpy as np
from sklearn.metrics import f1_score, brier_score_loss
for f in sys.argv[1:]:
    P = pickle.load(open(f, "rb"))
    print(f)
    for ts in (0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7):
        row = {}
        for k in ("ct_dev", "ct_test"):
            ps, pl, y = P[k]
            row[k] = round(f1_score(y != "factual", ps > ts, average="macro"), 4)
        ps = np.concatenate([P[f"babe{i}"][0] for i in range(5)]); pl = np.concatenate([P[f"babe{i}"][1] for i in range(5)])
        y = np.concatenate([P[f"babe{i}"][2] for i in range(5)])
        lab = np.where((ps > ts) & (pl > .5), "loaded", np.where(ps > ts, "opinion", "factual"))
        row["babe_loaded"] = round(f1_score(y == "loaded", lab == "loaded", average="macro"), 4)
        row["babe_3way"] = round(f1_score(y, lab, average="macro"), 4)
        print(" rule2 t_subj", ts, row)
    print(" Brier P(loaded) BABE OOF", round(brier_score_loss(y == "loaded", pl), 4),
          " Brier P(subj) BABE", round(brier_score_loss(y != "factual", ps), 4),
          " Brier P(subj) CT test", round(brier_score_loss(P["ct_test"][2] != "factual", P["ct_test"][0]), 4))
