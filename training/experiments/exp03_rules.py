"""Avenue 2 (cont.): diagnose the heads' decision rule with cached probabilities."""
import sys
import numpy as np
from sklearn.metrics import roc_auc_score
from feats import Recipe
from probs import get_probs, scores, Y_CTDEV, Y_CTTEST, Y_BABE

res = get_probs("heads_base", lambda: Recipe(mode="heads"))
for k, y in (("ct_dev", Y_CTDEV), ("ct_test", Y_CTTEST)):
    print(k, "AUC subj", round(roc_auc_score(y, res[k]["subj"]), 4), "AUC loaded", round(roc_auc_score(y, res[k]["loaded"]), 4),
          "frac loaded>0.5", round(float((res[k]["loaded"] > .5).mean()), 3), "mean P(subj)", round(float(res[k]["subj"].mean()), 3))
print("babe AUC loaded", round(roc_auc_score(Y_BABE == "loaded", res["babe"]["loaded"]), 4),
      "AUC subj", round(roc_auc_score(Y_BABE != "factual", res["babe"]["subj"]), 4))
for tl in (0.5, 0.6, 0.7, 0.8, 1.01):
    for ts in (0.4, 0.5, 0.6, 0.7):
        print("t_loaded", tl, "t_subj", ts, scores(res, t_loaded=tl, t_subj=ts))
