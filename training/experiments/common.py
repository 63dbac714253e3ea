"""Shared harness for the recipe experiments (our own scripts; nothing here is shipped).

Stubs ``model.cues`` when it does not exist yet, loads the corpora once, and runs
the two fixed protocols of ``training/evaluate.py`` with a *recipe*: an object with
``fit(train_records) -> self`` and ``predict(texts) -> 3-way labels``.
Records are ``training.corpora.Record``s plus, for BABE rows, the biased words
(kept in a side dict keyed by normalised text, never in the Record).
"""
from __future__ import annotations

import ast
import csv
import importlib.util
import json
import sys
import time
import types
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DATA = Path("/work/shared/corpora")
sys.path.insert(0, str(ROOT))

if not (ROOT / "model" / "cues.py").exists():  # concurrently written elsewhere: stub it
    stub = types.ModuleType("model.cues")
    stub.FEATURE_NAMES = ["stub"]
    stub.cue_features = lambda s: [0.0]
    stub.detect_cues = lambda s: []
    sys.modules["model.cues"] = stub

from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from training.corpora import Record, normalise, read_babe, read_checkthat  # noqa: E402
from training import evaluate as ev  # noqa: E402

CT_TRAIN = read_checkthat(DATA / "checkthat2025_en", splits=("train",))
CT_DEV = read_checkthat(DATA / "checkthat2025_en", splits=("dev",))
CT_TEST = read_checkthat(DATA / "checkthat2025_en" / "dev_test_en.tsv")
SG2 = read_babe(DATA / "babe" / "final_labels_SG2.csv")


def _biased_words(path):
    out = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter=";"):
            try:
                words = ast.literal_eval(row.get("biased_words") or "[]")
            except Exception:
                words = []
            out[normalise(row["text"].strip())] = [w for w in words if isinstance(w, str)]
    return out


BIASED_WORDS = {}
for _f in ("MBIC", "SG1", "SG2"):
    BIASED_WORDS.update(_biased_words(DATA / "babe" / f"final_labels_{_f}.csv"))


def extra_babe(name):
    """SG1 or MBIC records (same 3-way mapping), source babe:final_labels_X."""
    return [r for r in read_babe(DATA / "babe" / f"final_labels_{name}.csv") if r.bias in ("Biased", "Non-biased")]


def without(records, banned):
    return [r for r in records if normalise(r.text) not in banned]


def run_checkthat(make_recipe, extra=()):
    """CheckThat protocol: train CT train+dev + SG2 (+extra), test factual vs not on dev_test."""
    banned = {normalise(r.text) for r in CT_TEST}
    train = without(CT_TRAIN + CT_DEV + SG2 + list(extra), banned)
    model = make_recipe().fit(train)
    pred = model.predict([r.text for r in CT_TEST])
    y = ["factual" if r.label == "factual" else "subj" for r in CT_TEST]
    p = ["factual" if x == "factual" else "subj" for x in pred]
    return float(f1_score(y, p, average="macro"))


def run_babe(make_recipe, extra=()):
    """BABE protocol: 5-fold SG2 CV + CT train+dev (+extra, filtered against the test fold)."""
    babe = [r for r in SG2 if r.bias in ("Biased", "Non-biased")]
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    yb = np.array([r.bias for r in babe])
    true3, pred3 = [None] * len(babe), [None] * len(babe)
    for tr, te in folds.split(np.zeros(len(babe)), yb):
        test = [babe[i] for i in te]
        banned = {normalise(r.text) for r in test}
        train = without([babe[i] for i in tr] + CT_TRAIN + CT_DEV + list(extra), banned)
        pred = make_recipe().fit(train).predict([r.text for r in test])
        for i, p in zip(te, pred):
            true3[i], pred3[i] = babe[i].label, str(p)
    bt = ["L" if t == "loaded" else "N" for t in true3]
    bp = ["L" if p == "loaded" else "N" for p in pred3]
    return float(f1_score(bt, bp, average="macro")), float(f1_score(true3, pred3, average="macro",
                                                                     labels=["factual", "opinion", "loaded"]))


def run_both(name, make_recipe, script, extra=(), log=True):
    t = time.time()
    ct = run_checkthat(make_recipe, extra)
    lb, three = run_babe(make_recipe, extra)
    row = {"recipe": name, "checkthat": round(ct, 4), "babe_loaded": round(lb, 4), "babe_3way": round(three, 4),
           "script": script, "seconds": round(time.time() - t, 1)}
    print(json.dumps(row), flush=True)
    if log:
        with open(Path(__file__).with_name("results.jsonl"), "a") as fh:
            fh.write(json.dumps(row) + "\n")
    return row


class Wrap:
    """Adapter for a fitter of training.evaluate/train (fitter(records) -> sklearn model)."""

    def __init__(self, fitter, **params):
        self.fitter, self.params = fitter, params

    def fit(self, records):
        self.model = self.fitter(records, **self.params)
        return self

    def predict(self, texts):
        return self.model.predict(texts)
