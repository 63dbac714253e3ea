"""Feature blocks and the two-head / 3-way recipe used by the experiment scripts.

Blocks (each a sparse/dense matrix, hstacked, each with a scale):
  word  - TF-IDF over model.features.word_ngrams (uni+bigrams), min_df, sublinear
  char  - TF-IDF char_wb (lo..hi), min_df, sublinear, max_features
  lex   - static lexicons: (token counts) @ L  (L = vocab x K lexicon matrix), / sqrt(n tokens)
  bw    - learned loaded-word table from BABE training rows' biased_words (out-of-fold for
          training rows), plus BASIL lexical-bias spans and PTC Loaded_Language/Name_Calling
          span rates (external, static)
  emb   - mean of static word vectors (model2vec-distilled MiniLM table), L2-normalised
"""
from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from common import BIASED_WORDS, DATA, normalise
from model.features import tokenize, word_ngrams

LEX = DATA / "lexicons"
csv.field_size_limit(10**9)


def _plain(path):
    out = []
    for line in open(path, encoding="latin-1"):
        line = line.strip()
        if line and not line.startswith(("#", ";")):
            out.append(line.lower())
    return out


@lru_cache(None)
def static_lexicon():
    """(vocab list, L dense float32 V x K, names)."""
    cols = defaultdict(dict)  # name -> word -> value
    for line in open(LEX / "MPQA_subjectivity_clues" / "subjclueslen1-HLTEMNLP05.tff", encoding="latin-1"):
        kv = dict(p.split("=", 1) for p in line.split() if "=" in p)
        w = kv.get("word1")
        if not w:
            continue
        cols["mpqa_" + kv.get("type", "")][w] = 1.0
        pol = kv.get("priorpolarity", "")
        if pol in ("positive", "negative"):
            cols["mpqa_" + pol][w] = 1.0
    nb = LEX / "neutralizing-bias_lexicons"
    for name, f in [("npov", "npov_lexicon.txt"), ("hedge", "hedges_hyland2005.txt"),
                    ("factive", "factives_hooper1975.txt"), ("assertive", "assertives_hooper1975.txt"),
                    ("implicative", "implicatives_karttunen1971.txt"), ("report", "report_verbs.txt"),
                    ("riloff_strong", "strong_subjectives_riloff2003.txt"),
                    ("riloff_weak", "weak_subjectives_riloff2003.txt"),
                    ("liu_pos", "positive_liu2005.txt"), ("liu_neg", "negative_liu2005.txt")]:
        for w in _plain(nb / f):
            if " " not in w:
                cols[name][w] = 1.0
    ps = LEX / "pypi_shipped"
    for line in open(ps / "vaderSentiment__vader_lexicon.txt", encoding="utf-8", errors="ignore"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) >= 2 and re.fullmatch(r"[a-z][a-z'\-]*", parts[0]):
            v = float(parts[1]) / 4.0
            cols["vader_abs"][parts[0]] = abs(v)
            cols["vader_pos" if v > 0 else "vader_neg"][parts[0]] = abs(v)
    for w, emos in json.load(open(ps / "nrclex__nrc_en.json", encoding="utf-8")).items():
        for e in emos:
            cols["nrc_" + e][w.lower()] = 1.0
    tb = defaultdict(list)
    for el in ET.parse(ps / "textblob__en-sentiment.xml").getroot().iter("word"):
        tb[el.get("form").lower()].append((float(el.get("polarity", 0)), float(el.get("subjectivity", 0))))
    for w, vals in tb.items():
        p = np.mean([a for a, b in vals]); s = np.mean([b for a, b in vals])
        cols["tb_subj"][w] = s
        cols["tb_abspol"][w] = abs(p)
    names = sorted(cols)
    vocab = sorted({w for c in cols.values() for w in c})
    index = {w: i for i, w in enumerate(vocab)}
    L = np.zeros((len(vocab), len(names)), np.float32)
    for j, n in enumerate(names):
        for w, v in cols[n].items():
            L[index[w], j] = v
    return vocab, L, names


@lru_cache(None)
def span_rates():
    """Per-word rate of occurring inside BASIL 'lex' spans and PTC Loaded_Language/Name_Calling spans."""
    out = {}
    # BASIL: spans.csv rows = (sentence text, span text pos, bias_type). words in lex spans vs all words
    inside, total = Counter(), Counter()
    seen = set()
    for r in csv.DictReader(open(DATA / "basil" / "sentences.csv", encoding="utf-8")):
        t = r.get("text") or ""
        if t in seen:
            continue
        seen.add(t)
        total.update(set(tokenize(t)))
    for r in csv.DictReader(open(DATA / "basil" / "spans.csv", encoding="utf-8")):
        if r.get("bias_type") == "lex":
            inside.update(set(tokenize(r.get("pos") or "")))
    out["basil_lex"] = {w: inside[w] / (total[w] + 2.0) for w in inside}
    inside, total = Counter(), Counter()
    arts = {}
    for line in open(DATA / "semeval2020_ptc" / "train-task2-TC.labels", encoding="utf-8"):
        aid, tech, s, e = line.split("\t")
        if tech in ("Loaded_Language", "Name_Calling,Labeling"):
            if aid not in arts:
                p = DATA / "semeval2020_ptc" / "train-articles" / f"article{aid}.txt"
                arts[aid] = p.read_text(encoding="utf-8") if p.exists() else ""
            inside.update(tokenize(arts[aid][int(s):int(e)]))
    for p in (DATA / "semeval2020_ptc" / "train-articles").glob("article*.txt"):
        total.update(tokenize(p.read_text(encoding="utf-8")))
    out["ptc_loaded"] = {w: min(1.0, inside[w] / (total[w] + 2.0)) for w in inside}
    return out


@lru_cache(None)
def emb_table(path="/tmp/emb"):
    vocab = Path(path, "vocab.txt").read_text(encoding="utf-8").split("\n")
    vec = np.load(Path(path, "vectors.f16.npy")).astype(np.float32)
    return vocab, vec


def _counts(texts, vocab):
    cv = CountVectorizer(analyzer=tokenize, vocabulary={w: i for i, w in enumerate(vocab)})
    return cv.transform(texts).astype(np.float32)


def _ntok(texts):
    return np.array([max(1, len(tokenize(t))) for t in texts], np.float32)


def lex_block(texts):
    vocab, L, _ = static_lexicon()
    C = _counts(texts, vocab)
    F = np.asarray(C @ L) / np.sqrt(_ntok(texts))[:, None]
    return F


def table_feats(texts, table: dict):
    """From a word->score table: max, sum/sqrt(n), count(score>0.3)/sqrt(n)."""
    vocab = list(table)
    if not vocab:
        return np.zeros((len(texts), 3), np.float32)
    s = np.array([table[w] for w in vocab], np.float32)
    B = _counts(texts, vocab)
    B.data[:] = 1.0
    M = B.multiply(s[None, :]).tocsr()
    mx = M.max(axis=1).toarray().ravel()
    n = np.sqrt(_ntok(texts))
    return np.column_stack([mx, np.asarray(M.sum(axis=1)).ravel() / n,
                            np.asarray((M > 0.3).sum(axis=1)).ravel() / n]).astype(np.float32)


def learn_bw_table(records, alpha=2.0):
    """word -> P(word is a marked biased word | word occurs in a BABE training sentence), smoothed."""
    marked, occ = Counter(), Counter()
    for r in records:
        if not r.source.startswith("babe"):
            continue
        toks = set(tokenize(r.text))
        occ.update(toks)
        bw = set()
        for w in BIASED_WORDS.get(normalise(r.text), []):
            bw.update(tokenize(w))
        marked.update(bw & toks)
    return {w: marked[w] / (occ[w] + alpha) for w in marked}


def bw_block(train_records, test_texts, oof=True):
    """Learned-table features: OOF for training rows, full-table for test rows; + static span rates."""
    tr_texts = [r.text for r in train_records]
    Ftr = np.zeros((len(tr_texts), 3), np.float32)
    if oof:
        for a, b in KFold(5, shuffle=True, random_state=0).split(tr_texts):
            tab = learn_bw_table([train_records[i] for i in a])
            Ftr[b] = table_feats([tr_texts[i] for i in b], tab)
    else:
        Ftr = table_feats(tr_texts, learn_bw_table(train_records))
    Fte = table_feats(test_texts, learn_bw_table(train_records))
    rates = span_rates()
    S_tr = np.hstack([table_feats(tr_texts, rates[k]) for k in sorted(rates)])
    S_te = np.hstack([table_feats(test_texts, rates[k]) for k in sorted(rates)])
    return np.hstack([Ftr, S_tr]), np.hstack([Fte, S_te])


def emb_block(texts, path="/tmp/emb"):
    vocab, E = emb_table(path)
    C = _counts(texts, vocab)
    V = np.asarray(C @ E)
    V /= np.maximum(np.linalg.norm(V, axis=1, keepdims=True), 1e-6)
    return V.astype(np.float32)


class Standardiser:
    def fit(self, F):
        self.mu, self.sd = F.mean(0), F.std(0) + 1e-6
        return self

    def __call__(self, F):
        return (F - self.mu) / self.sd


class Recipe:
    """Feature blocks + either one 3-way LR ('mode=3way') or two binary heads ('mode=heads').

    heads rule: loaded if P(loaded) > t_loaded, else opinion if P(subj) > t_subj, else factual.
    subj head data: CheckThat (SUBJ=1) + BABE (label != factual) [+ extra with source weights];
    loaded head data: BABE rows only (bias axis) [+ extra loaded-labelled data].
    """

    def __init__(self, mode="heads", word=1.0, char=1.0, char_range=(2, 5), min_df=2, char_max=60000,
                 lex=0.0, bw=0.0, emb=0.0, C_subj=4.0, C_loaded=4.0, C=4.0, t_loaded=0.5, t_subj=0.5,
                 loaded_sources=("babe",), subj_sources=("checkthat", "babe"), src_weight=None,
                 augment=False, class_weight="balanced", emb_path="/tmp/emb", subj_babe_label="3way", loaded_ct_obj_only=False):
        self.__dict__.update(locals()); del self.__dict__["self"]

    # --- features
    def _fit_blocks(self, records):
        texts = [r.text for r in records]
        self.vecs = []
        if self.word:
            self.vecs.append((TfidfVectorizer(analyzer=word_ngrams, min_df=self.min_df, sublinear_tf=True,
                                              dtype=np.float32), self.word))
        if self.char:
            self.vecs.append((TfidfVectorizer(analyzer="char_wb", ngram_range=self.char_range, min_df=self.min_df,
                                              sublinear_tf=True, max_features=self.char_max, dtype=np.float32),
                              self.char))
        blocks = [v.fit_transform(texts) * s for v, s in self.vecs]
        dense = []
        if self.lex:
            F = lex_block(texts); self.lex_std = Standardiser().fit(F); dense.append(self.lex_std(F) * self.lex)
        self._bw_test = None
        if self.emb:
            dense.append(emb_block(texts, self.emb_path) * self.emb)
        if dense:
            blocks.append(sp.csr_matrix(np.hstack(dense)))
        return blocks

    def _transform_blocks(self, texts):
        blocks = [v.transform(texts) * s for v, s in self.vecs]
        dense = []
        if self.lex:
            dense.append(self.lex_std(lex_block(texts)) * self.lex)
        if self.emb:
            dense.append(emb_block(texts, self.emb_path) * self.emb)
        if dense:
            blocks.append(sp.csr_matrix(np.hstack(dense)))
        return blocks

    def fit(self, records):
        self.records = records
        self.Xtr = sp.hstack(self._fit_blocks(records)).tocsr()
        return self

    def _bw(self, texts):
        Ftr, Fte = bw_block(self.records, texts)
        std = Standardiser().fit(Ftr)
        return sp.csr_matrix(std(Ftr) * self.bw), sp.csr_matrix(std(Fte) * self.bw)

    def _weights(self, recs):
        if not self.src_weight:
            return None
        return np.array([next((w for k, w in self.src_weight.items() if r.source.startswith(k)), 1.0)
                         for r in recs])

    def _aug(self, X, recs, domain=None):
        """Frustratingly easy DA: [X, X*is_ct, X*is_babe]; test rows use the general copy only."""
        if not self.augment:
            return X
        if domain is None:
            z = sp.csr_matrix(X.shape, dtype=X.dtype)
            return sp.hstack([X, z, z]).tocsr()
        ct = sp.diags(np.array([r.source.startswith("checkthat") for r in recs], np.float32))
        bb = sp.diags(np.array([not r.source.startswith("checkthat") for r in recs], np.float32))
        return sp.hstack([X, ct @ X, bb @ X]).tocsr()

    def predict_proba_heads(self, texts):
        Xte = sp.hstack(self._transform_blocks(texts)).tocsr()
        Xtr = self.Xtr
        if self.bw:
            Btr, Bte = self._bw(texts)
            Xtr, Xte = sp.hstack([Xtr, Btr]).tocsr(), sp.hstack([Xte, Bte]).tocsr()
        recs = self.records
        out = {}
        if self.mode == "3way":
            y = np.array([r.label for r in recs])
            clf = LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=3000)
            clf.fit(self._aug(Xtr, recs, True), y, sample_weight=self._weights(recs))
            P = clf.predict_proba(self._aug(Xte, None))
            out["3way"] = (clf.classes_, P)
            return out
        si = [i for i, r in enumerate(recs) if r.source.startswith(tuple(self.subj_sources))]
        srec = [recs[i] for i in si]
        ys = np.array([r.label != "factual" for r in srec])
        cs = LogisticRegression(C=self.C_subj, class_weight=self.class_weight, max_iter=3000)
        cs.fit(self._aug(Xtr[si], srec, True), ys, sample_weight=self._weights(srec))
        out["subj"] = cs.predict_proba(self._aug(Xte, None))[:, 1]
        li = [i for i, r in enumerate(recs) if r.source.startswith(tuple(self.loaded_sources))
              and not (self.loaded_ct_obj_only and r.source.startswith("checkthat") and r.label != "factual")]
        lrec = [recs[i] for i in li]
        yl = np.array([r.label == "loaded" for r in lrec])
        cl = LogisticRegression(C=self.C_loaded, class_weight=self.class_weight, max_iter=3000)
        cl.fit(Xtr[li], yl, sample_weight=self._weights(lrec))
        out["loaded"] = cl.predict_proba(Xte)[:, 1]
        return out

    def predict(self, texts):
        out = self.predict_proba_heads(texts)
        if "3way" in out:
            cls, P = out["3way"]
            return cls[P.argmax(1)]
        return np.where(out["loaded"] > self.t_loaded, "loaded",
                        np.where(out["subj"] > self.t_subj, "opinion", "factual"))
