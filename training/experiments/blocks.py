"""Per-split cached feature blocks, so classifier / scale sweeps need no re-vectorising.

A split = (train records, test texts). Blocks are computed with the vectorisers fitted on the
training records only (the learned loaded-word table: out-of-fold on training rows).
"""
import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import StratifiedKFold

from common import CT_DEV, CT_TEST, CT_TRAIN, SG2, normalise, without
from feats import Standardiser, bw_block, emb_block, lex_block
from model.features import word_ngrams

BABE = [r for r in SG2 if r.bias in ("Biased", "Non-biased")]


def splits(extra=()):
    """name -> (train records, test records). ct_dev (selection), ct_test (protocol), babe0..4 (protocol)."""
    out = {}
    bn = {normalise(r.text) for r in CT_TEST} | {normalise(r.text) for r in CT_DEV}
    out["ct_dev"] = (without(CT_TRAIN + SG2 + list(extra), bn), CT_DEV)
    bn = {normalise(r.text) for r in CT_TEST}
    out["ct_test"] = (without(CT_TRAIN + CT_DEV + SG2 + list(extra), bn), CT_TEST)
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    for k, (tr, te) in enumerate(folds.split(np.zeros(len(BABE)), np.array([r.bias for r in BABE]))):
        test = [BABE[i] for i in te]
        bn = {normalise(r.text) for r in test}
        out[f"babe{k}"] = (without([BABE[i] for i in tr] + CT_TRAIN + CT_DEV + list(extra), bn), test)
    return out


def tfidf(tr, te, **kw):
    v = TfidfVectorizer(sublinear_tf=True, dtype=np.float32, **kw)
    return v.fit_transform(tr).tocsr(), v.transform(te).tocsr()


def compute_blocks(train, test, which=("word", "char25", "lex", "bw", "emb")):
    trt, tet = [r.text for r in train], [r.text for r in test]
    B = {}
    if "word" in which:
        B["word"] = tfidf(trt, tet, analyzer=word_ngrams, min_df=2)
    if "word1" in which:
        B["word1"] = tfidf(trt, tet, analyzer=word_ngrams, min_df=1)
    if "char25" in which:
        B["char25"] = tfidf(trt, tet, analyzer="char_wb", ngram_range=(2, 5), min_df=2, max_features=60000)
    if "char36" in which:
        B["char36"] = tfidf(trt, tet, analyzer="char_wb", ngram_range=(3, 6), min_df=2, max_features=100000)
    if "char14" in which:
        B["char14"] = tfidf(trt, tet, analyzer="char_wb", ngram_range=(1, 4), min_df=2)
    if "lex" in which:
        a, b = lex_block(trt), lex_block(tet); s = Standardiser().fit(a); B["lex"] = (s(a), s(b))
    if "bw" in which:
        a, b = bw_block(train, tet); s = Standardiser().fit(a); B["bw"] = (s(a), s(b))
    if "emb" in which:
        B["emb"] = (emb_block(trt), emb_block(tet))
    return B


def stack(B, scales, part):
    mats = []
    for k, s in scales.items():
        if s:
            m = B[k][part]
            mats.append((m * s) if sp.issparse(m) else sp.csr_matrix(m * s))
    return sp.hstack(mats).tocsr()
