"""Separate subjective / loaded heads on top of the distilled model (issue 3, BABE loaded-vs-not).

For every protocol split (CheckThat; BABE folds 0-4) this fits
* the shipped distilled 3-way model (subjectivity = 1 - P(factual));
* binary loaded heads (loaded vs not) of several recipes;
and caches the test-set probabilities in OUT (npz per split), so decision rules
can be compared without refitting: ``exp14_heads.py fit OUT`` then ``exp14_heads.py rules OUT``;
``exp14_heads.py ctdev training/experiments/pseudo-labels-selection.npz`` gives the CheckThat dev
(selection split) figures of the single model and the two-head variants.

Nothing is tuned on a test fold here: ``rules`` prints every rule for reading; the
rule that ships must be chosen on an inner split (``inner``), not on these numbers.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from model.features import build_pipeline  # noqa: E402
from model.pipeline import LABELS  # noqa: E402
from training.corpora import normalise  # noqa: E402
from training.evaluate import babe_folds, checkthat_split  # noqa: E402
from training.pseudo import DEFAULT_TABLE  # noqa: E402
from training.student import fit_distilled, load_pool, load_table  # noqa: E402
from training.train import DEFAULT_DATA_DIR  # noqa: E402

LOADED = LABELS.index("loaded")


def binary_records(records, only_babe=True):
    out = []
    for r in records:
        if only_babe and not r.source.startswith("babe"):
            continue
        out.append(dataclasses.replace(r, label="loaded" if r.label == "loaded" else "not"))
    return out


def pool_rows(gold, table, data_dir, conf):
    """Pool sentences the fold's teacher is sure about, as (texts, labels loaded/not)."""
    probs = table.for_training_set(gold)
    pool = load_pool(data_dir, table)
    gold_keys = {normalise(r.text) for r in gold}
    pl = probs[:, LOADED]
    texts, labels = [], []
    for i in np.flatnonzero((pl >= conf) | (pl <= 1 - conf)):
        if normalise(pool[i]) not in gold_keys:
            texts.append(pool[i])
            labels.append("loaded" if pl[i] >= conf else "not")
    return texts, labels


def fit_binary(recs, extra_texts=(), extra_labels=(), extra_weight=1.0, bw=0.0, data_dir=None, seed=0):
    from sklearn import config_context

    from training.wordtables import biased_word_lists, span_tables
    texts = [r.text for r in recs] + list(extra_texts)
    y = np.array([r.label for r in recs] + list(extra_labels))
    n_gold = len(recs)
    gold_y = y[:n_gold]
    cw = {c: n_gold / (2 * max(1, int((gold_y == c).sum()))) for c in ("loaded", "not")}
    w = np.array([cw[c] for c in y]) * np.r_[np.ones(n_gold), np.full(len(y) - n_gold, extra_weight)]
    pipe = build_pipeline(seed=seed, word_table_scale=bw)
    pipe.set_params(classifier__class_weight=None)
    if not bw:
        return pipe.fit(texts, y, classifier__sample_weight=w)
    words = biased_word_lists(recs) + [None] * len(extra_texts)
    with config_context(enable_metadata_routing=True):
        pipe.named_steps["classifier"].set_fit_request(sample_weight=True)
        return pipe.fit(texts, y, biased_words=words, span_tables=span_tables(data_dir), sample_weight=w)


class SharedHead:
    """Loaded head on the distilled model's own fitted features (+ a bw block fitted on the BABE rows)."""

    def __init__(self, base, recs, data_dir, bw=0.3, C=4.0, weights=None, threshold=0.3):
        from sklearn import config_context
        from sklearn.linear_model import LogisticRegression

        from model.wordtable import LoadedWordTable
        from training.wordtables import biased_word_lists, span_tables
        self.union = base.named_steps["features"]
        texts = [r.text for r in recs]
        X = self.union.transform(texts)
        self.bw = None
        if bw:
            self.bw = LoadedWordTable(scale=bw, threshold=threshold)
            B = self.bw.fit_transform(texts, biased_words=biased_word_lists(recs), span_tables=span_tables(data_dir))
            X = sp.hstack([X, sp.csr_matrix(B)]).tocsr()
        self.clf = LogisticRegression(C=C, class_weight="balanced", max_iter=3000, random_state=0)
        self.clf.fit(X, [r.label for r in recs], sample_weight=weights)
        self.classes_ = self.clf.classes_

    def predict_proba(self, texts):
        X = self.union.transform(texts)
        if self.bw is not None:
            X = sp.hstack([X, sp.csr_matrix(self.bw.transform(texts))]).tocsr()
        return self.clf.predict_proba(X)


def agree_weights(recs, data_dir, w=0.5):
    from training.corpora import read_babe
    other = {}
    for name in ("final_labels_SG1.csv", "final_labels_MBIC.csv"):
        path = Path(data_dir) / "babe" / name
        if path.exists():
            for r in read_babe(path):
                if r.bias:
                    other.setdefault(normalise(r.text), []).append(r.bias)
    return np.array([w ** sum(o != r.bias for o in other.get(normalise(r.text), [])) for r in recs])


def head_variants(train, table, data_dir, base=None):
    b = binary_records(train)
    ball = binary_records(train, only_babe=False)
    pt8, pl8 = pool_rows(train, table, data_dir, 0.8)
    ctobj = [dataclasses.replace(r, label="not") for r in train
             if r.source.startswith("checkthat") and r.label == "factual"]
    return {
        "S_agree_C1": lambda: SharedHead(base, b, data_dir, C=1.0, weights=agree_weights(b, data_dir)),
        "S_agree_C8": lambda: SharedHead(base, b, data_dir, C=8.0, weights=agree_weights(b, data_dir)),
        "S_agree_w025": lambda: SharedHead(base, b, data_dir, weights=agree_weights(b, data_dir, 0.25)),
        "S_agree_thr02": lambda: SharedHead(base, b, data_dir, threshold=0.2, weights=agree_weights(b, data_dir)),
        "S_agree_bw1": lambda: SharedHead(base, b, data_dir, bw=1.0, weights=agree_weights(b, data_dir)),
        "S_bw_ctobj": lambda: SharedHead(base, b + ctobj, data_dir,
                                         weights=np.r_[agree_weights(b, data_dir), np.ones(len(ctobj))]),
        "S_bw_ctobj03": lambda: SharedHead(base, b + ctobj, data_dir,
                                           weights=np.r_[agree_weights(b, data_dir), np.full(len(ctobj), .3)]),
        "S_bw": lambda: SharedHead(base, b, data_dir),
        "S_bw_agree": lambda: SharedHead(base, b, data_dir, weights=agree_weights(b, data_dir)),
        "S_bw6": lambda: SharedHead(base, b, data_dir, bw=0.6),
        "S_bw_C2": lambda: SharedHead(base, b, data_dir, C=2.0),
        "S_nobw": lambda: SharedHead(base, b, data_dir, bw=0),
        "L_babe": lambda: fit_binary(b),
        "L_all": lambda: fit_binary(ball),
        "L_babe_bw": lambda: fit_binary(b, bw=0.3, data_dir=data_dir),
        "L_babe_pool8": lambda: fit_binary(b, pt8, pl8, 1.0),
        "L_babe_pool8_w03": lambda: fit_binary(b, pt8, pl8, 0.3),
        "L_babe_bw_pool8": lambda: fit_binary(b, pt8, pl8, 1.0, bw=0.3, data_dir=data_dir),
    }


def fit_distilled_bw(train, table, data_dir, bw=0.3):
    """The shipped distilled recipe with the learned loaded-word table block added to the 3-way model."""
    from sklearn import config_context

    from training.student import distilled_training_data
    from training.wordtables import biased_word_lists, span_tables
    texts, labels, w, _ = distilled_training_data(train, table, data_dir)
    words = biased_word_lists(train) + [None] * (len(texts) - len(train))
    pipe = build_pipeline(seed=0, word_table_scale=bw)
    pipe.set_params(classifier__class_weight=None)
    with config_context(enable_metadata_routing=True):
        pipe.named_steps["classifier"].set_fit_request(sample_weight=True)
        return pipe.fit(texts, labels, biased_words=words, span_tables=span_tables(data_dir), sample_weight=w)


class Stacked:
    """3-way distilled LR whose features include the BABE loaded head's out-of-fold log-odds (times ``gamma``).

    At inference the head's log-odds is linear in the same features, so the whole model is one linear model.
    """

    def __init__(self, train, table, data_dir, gamma=1.0, bw3=0.0, agree=True):
        from sklearn import config_context
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold

        from model.wordtable import LoadedWordTable
        from training.student import distilled_training_data
        from training.wordtables import biased_word_lists, span_tables
        texts, labels, w, _ = distilled_training_data(train, table, data_dir)
        spans = span_tables(data_dir)
        pipe = build_pipeline(seed=0)
        self.union = pipe.named_steps["features"].fit(texts)
        b = binary_records(train)
        bt = [r.text for r in b]
        self.hbw = LoadedWordTable(scale=0.3)
        Xb = sp.hstack([self.union.transform(bt), sp.csr_matrix(
            self.hbw.fit_transform(bt, biased_words=biased_word_lists(b), span_tables=spans))]).tocsr()
        yb = np.array([r.label for r in b])
        wb = agree_weights(b, data_dir) if agree else np.ones(len(b))
        mk = lambda: LogisticRegression(C=4.0, class_weight="balanced", max_iter=3000, random_state=0)
        self.head = mk().fit(Xb, yb, sample_weight=wb)
        oof = np.zeros(len(b))
        for a, t in StratifiedKFold(5, shuffle=True, random_state=0).split(Xb, yb):
            oof[t] = mk().fit(Xb[a], yb[a], sample_weight=wb[a]).decision_function(Xb[t])
        sign = 1 if self.head.classes_[1] == "loaded" else -1
        z = self._head_logit(texts) * sign
        key = {normalise(r.text): v * sign for r, v in zip(b, oof)}
        z = np.array([key.get(normalise(t), zi) for t, zi in zip(texts, z)])
        self.sign, self.gamma = sign, gamma
        X = sp.hstack([self.union.transform(texts), sp.csr_matrix((gamma * z)[:, None])])
        self.bw3 = None
        if bw3:
            self.bw3 = LoadedWordTable(scale=bw3)
            words = biased_word_lists(train) + [None] * (len(texts) - len(train))
            X = sp.hstack([X, sp.csr_matrix(self.bw3.fit_transform(texts, biased_words=words, span_tables=spans))])
        self.clf = LogisticRegression(C=4.0, max_iter=3000, random_state=0).fit(X.tocsr(), labels, sample_weight=w)
        self.classes_ = self.clf.classes_

    def _head_logit(self, texts):
        X = sp.hstack([self.union.transform(texts), sp.csr_matrix(self.hbw.transform(texts))]).tocsr()
        return self.head.decision_function(X)

    def predict_proba(self, texts):
        z = self._head_logit(texts) * self.sign
        X = sp.hstack([self.union.transform(texts), sp.csr_matrix((self.gamma * z)[:, None])])
        if self.bw3 is not None:
            X = sp.hstack([X, sp.csr_matrix(self.bw3.transform(texts))])
        return self.clf.predict_proba(X.tocsr())


def run_split(name, train, test, out, data_dir):
    path = out / f"{name}.npz"
    have = dict(np.load(path)) if path.exists() else {}
    table = load_table(DEFAULT_TABLE)
    texts = [r.text for r in test]
    base = fit_distilled(train, table=table, data_dir=data_dir)
    if "P3" not in have:
        have["P3"] = base.predict_proba(texts)[:, [list(base.classes_).index(c) for c in LABELS]]
    if "P3bw" not in have:
        m = fit_distilled_bw(train, table, data_dir)
        have["P3bw"] = m.predict_proba(texts)[:, [list(m.classes_).index(c) for c in LABELS]]
        np.savez(path, **have)
    for key, kw in (("P3stack", {}), ("P3stack_g03", {"gamma": 0.3}), ("P3stack_bw", {"bw3": 0.3})):
        if key not in have:
            t = time.perf_counter()
            m = Stacked(train, table, data_dir, **kw)
            have[key] = m.predict_proba(texts)[:, [list(m.classes_).index(c) for c in LABELS]]
            print(f"{name} {key} {time.perf_counter() - t:.0f}s", flush=True)
            np.savez(path, **have)
    for key, make in head_variants(train, table, data_dir, base).items():
        if key in have:
            continue
        t = time.perf_counter()
        m = make()
        have[key] = m.predict_proba(texts)[:, list(m.classes_).index("loaded")]
        print(f"{name} {key} {time.perf_counter() - t:.0f}s", flush=True)
        np.savez(path, **have)
    have["y"] = np.array([r.label for r in test])
    np.savez(path, **have)


def fit_all(out: Path, data_dir: Path, which=None):
    out.mkdir(parents=True, exist_ok=True)
    splits = [("ct",) + checkthat_split(data_dir)]
    splits += [(f"babe{k}", train, test) for k, (_, train, test) in enumerate(babe_folds(data_dir))]
    for name, train, test in splits:
        if which and name not in which:
            continue
        run_split(name, train, test, out, data_dir)


def macro_f1(y, p):
    from sklearn.metrics import f1_score
    return f1_score(y, p, average="macro")


def rules(out: Path):
    babe = [dict(np.load(out / f"babe{k}.npz")) for k in range(5)]
    ct = dict(np.load(out / "ct.npz")) if (out / "ct.npz").exists() else None
    y = np.concatenate([d["y"] for d in babe])
    P3 = np.concatenate([d["P3"] for d in babe])
    yl = y == "loaded"
    print("3-way argmax: BABE-L %.4f" % macro_f1(yl, P3.argmax(1) == LOADED))
    keys = [k for k in babe[0] if k[:2] in ("L_", "S_") and all(k in d for d in babe)]
    subj = 1 - P3[:, 0]
    for k in keys:
        pl = np.concatenate([d[k] for d in babe])
        line = [f"{k:20s} head alone {macro_f1(yl, pl > .5):.4f}"]
        for ts in (0.3, 0.5):
            line.append(f"rule2(ts{ts}) {macro_f1(yl, (subj > ts) & (pl > .5)):.4f}")
        prod = np.c_[1 - subj, subj * (1 - pl), subj * pl]
        line.append(f"product-argmax {macro_f1(yl, prod.argmax(1) == 2):.4f}")
        if ct is not None and k in ct:
            cs = 1 - ct["P3"][:, 0]
            cp = np.c_[1 - cs, cs * (1 - ct[k]), cs * ct[k]]
            ctl = ct["y"] != "factual"
            line.append(f"CT product {macro_f1(ctl, cp.argmax(1) != 0):.4f} (rule2 {macro_f1(ctl, cs > .5):.4f})")
        print("  ".join(line))


def ctdev(table_path: Path, data_dir: Path):
    """CheckThat dev (selection split) macro-F1 of the single distilled model and the two-head variants."""
    from training.evaluate import checkthat_selection_split
    from training.pseudo import PseudoLabels
    table = PseudoLabels.load(table_path)
    train, test = checkthat_selection_split(data_dir)
    y = np.array([r.label != "factual" for r in test])
    for kw in ({"heads": False}, {"heads": True, "stack_weight": 0.0}, {"heads": True, "stack_weight": 1.0},
               {"heads": True, "stack_weight": 3.0}):
        m = fit_distilled(train, table=table, data_dir=data_dir, **kw)
        P = m.predict_proba([r.text for r in test])
        print(kw, "CT dev", round(macro_f1(y, P.argmax(1) != list(m.classes_).index("factual")), 4), flush=True)


if __name__ == "__main__":
    cmd, out = sys.argv[1], Path(sys.argv[2])
    if cmd == "ctdev":  # exp14_heads.py ctdev training/experiments/pseudo-labels-selection.npz
        ctdev(out, DEFAULT_DATA_DIR)
    elif cmd == "fit":
        fit_all(out, DEFAULT_DATA_DIR, set(sys.argv[3:]) or None)
    else:
        rules(out)
