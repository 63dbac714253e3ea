"""Batch fast path of the fitted Slant pipeline (same numbers, no per-feature Python).

:class:`FastScorer` reads a fitted ``Pipeline([("features", FeatureUnion), ("classifier",
LogisticRegression)])`` once and then scores a whole batch of sentences with a few
regex calls per sentence plus vectorised numpy / scipy work. Each FeatureUnion member
becomes one *block* with ``transform(batch) -> float32 CSR`` equal to the member's own
``transform``; a new feature block only needs a new block class (or falls back to
:class:`GenericBlock`, which calls the sklearn transformer). :class:`Batch` memoises
intermediate results (lower-cased text, word tokens) that several blocks share:

* :class:`WordNgramBlock` -- TF-IDF over :func:`model.features.word_ngrams`;
* :class:`CharWbBlock` -- TF-IDF ``char_wb`` n-grams, counted per *unique word* (cached)
  and summed into sentences with one sparse product;
* :class:`AnalyzerTfidfBlock` -- any other ``TfidfVectorizer`` (its own analyzer);
* :class:`CueBlock` -- :class:`model.features.CueFeatures`;
* :class:`GenericBlock` -- anything else, via ``transformer.transform``.

TF-IDF arithmetic follows scikit-learn step by step in the vectorizer's dtype
(float32): counts, ``log`` + 1, ``* idf``, row L2 norm accumulated in float64, so
the feature matrix equals the FeatureUnion's up to rare 1-ulp rounding of the norm.
"""

from __future__ import annotations

import threading
from itertools import chain, repeat

import numpy as np
import scipy.sparse as sp
from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

from model import features as F
from model.cues import cue_feature_matrix


class Batch:
    """One batch of sentences plus intermediate results shared by blocks (computed once, lazily)."""

    def __init__(self, sentences):
        self.sentences = list(sentences)
        self.n = len(self.sentences)
        self._memo = {}

    def get(self, key, compute):
        """``compute(self)`` memoised under ``key`` (e.g. ``"lower"``, ``"word_tokens"``)."""
        if key not in self._memo:
            self._memo[key] = compute(self)
        return self._memo[key]

    @property
    def lower(self):
        return self.get("lower", lambda b: [s.lower() for s in b.sentences])


def _fold_quotes(s):
    """``s.translate(features.QUOTES)`` (six single-character replacements; ~30x faster)."""
    return s.replace("“", '"').replace("”", '"').replace("«", '"').replace("»", '"').replace("‘", "'").replace("’", "'")


def _word_tokens(batch):
    findall = F.TOKEN_RE.findall
    return [findall(_fold_quotes(s)) for s in batch.lower]


def _tfidf(x, idf):
    """sklearn's sublinear TF-IDF + L2 row norm, in place on a CSR count matrix (sorted indices)."""
    data = x.data
    np.log(data, out=data)
    data += data.dtype.type(1.0)
    data *= idf[x.indices]
    inplace_csr_row_normalize_l2(x)  # the very routine sklearn's normalize() uses
    return x


def _csr(rows, cols, data, n, width, dtype):
    """CSR matrix of ``dtype`` from row-sorted triplets."""
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return sp.csr_matrix((data.astype(dtype), cols, indptr), shape=(n, width))


def _count(rows, cols, n_cols):
    """Unique ``(row, col)`` pairs with their multiplicities, row-major."""
    keys, counts = np.unique(rows * np.int64(n_cols) + cols, return_counts=True)
    return keys // n_cols, keys % n_cols, counts


class WordNgramBlock:
    """TF-IDF over word unigrams + bigrams of :func:`model.features.word_ngrams`."""

    def __init__(self, vectorizer):
        self.dtype = np.dtype(vectorizer.dtype).type
        self.idf = vectorizer.idf_.astype(self.dtype)
        self.n_features = len(vectorizer.vocabulary_)
        tokens: dict[str, int] = {}
        uni, bi = {}, {}
        for term, col in vectorizer.vocabulary_.items():
            parts = term.split(" ")
            if len(parts) == 1:
                uni[tokens.setdefault(term, len(tokens))] = col
            elif len(parts) == 2 and all(parts):
                a, b = (tokens.setdefault(p, len(tokens)) for p in parts)
                bi[(a, b)] = col
            else:
                raise ValueError(f"unexpected word n-gram {term!r}")
        self.tokens, self.n_tokens = tokens, len(tokens)
        self.first = np.zeros(self.n_tokens + 1, bool)  # tokens that start / end some bigram
        self.second = np.zeros(self.n_tokens + 1, bool)
        self.first[[a for a, _ in bi]] = True
        self.second[[b for _, b in bi]] = True
        self.uni_col = np.full(self.n_tokens + 1, -1, np.int64)  # last slot: unknown token
        self.uni_col[list(uni)] = list(uni.values())
        keys = np.array([a * self.n_tokens + b for a, b in bi], np.int64)
        order = np.argsort(keys)
        self.bi_keys = keys[order]
        self.bi_cols = np.array(list(bi.values()), np.int64)[order]

    def transform(self, batch):
        sentences, n = batch.sentences, batch.n
        per = batch.get("word_tokens", _word_tokens)
        lens = np.fromiter(map(len, per), np.int64, n)
        flat = list(chain.from_iterable(per))
        tid = np.fromiter(map(self.tokens.get, flat, repeat(-1)), np.int64, len(flat))
        rows = np.repeat(np.arange(n, dtype=np.int64), lens)
        ucol = self.uni_col[tid]
        known = ucol >= 0
        r_parts, c_parts = [rows[known]], [ucol[known]]
        if len(tid) > 1 and len(self.bi_keys):
            a, b = tid[:-1], tid[1:]
            ok = (rows[1:] == rows[:-1]) & self.first[a] & self.second[b]
            key = a[ok] * self.n_tokens + b[ok]
            pos = np.minimum(np.searchsorted(self.bi_keys, key), len(self.bi_keys) - 1)
            hit = self.bi_keys[pos] == key
            r_parts.append(rows[:-1][ok][hit])
            c_parts.append(self.bi_cols[pos[hit]])
        r, c, cnt = _count(np.concatenate(r_parts), np.concatenate(c_parts), self.n_features)
        return _tfidf(_csr(r, c, cnt, n, self.n_features, self.dtype), self.idf)


class CharWbBlock:
    """TF-IDF ``char_wb`` n-grams: per-word n-gram counts (cached) summed per sentence."""

    MAX_CACHED_WORDS = 60_000

    def __init__(self, vectorizer):
        self.dtype = np.dtype(vectorizer.dtype).type
        self.idf = vectorizer.idf_.astype(self.dtype)
        self.vocab = vectorizer.vocabulary_
        self.n_features = len(self.vocab)
        self.word_ngrams = vectorizer._char_wb_ngrams  # sklearn's own n-gram enumeration
        self._lock = threading.Lock()  # the word cache is shared by a threaded server's requests
        self._reset()

    def _reset(self):
        self.words: dict[str, int] = {}
        self.indptr, self.indices, self.data = np.zeros(1, np.int64), np.zeros(0, np.int32), np.zeros(0, np.float32)
        self.matrix = None

    def _add(self, new_words):
        get, lens, idx, cnt = self.vocab.get, [], [], []
        for word in new_words:
            self.words[word] = len(self.words)
            ids = [i for i in map(get, self.word_ngrams(word)) if i is not None]
            u, c = np.unique(np.asarray(ids, np.int32), return_counts=True)
            lens.append(len(u))
            idx.append(u)
            cnt.append(c)
        self.indptr = np.concatenate([self.indptr, self.indptr[-1] + np.cumsum(lens)])
        self.indices = np.concatenate([self.indices, *idx]).astype(np.int32)
        self.data = np.concatenate([self.data, *cnt]).astype(np.float32)
        self.matrix = sp.csr_matrix((self.data, self.indices, self.indptr),
                                    shape=(len(self.words), self.n_features))

    def transform(self, batch):
        with self._lock:
            return self._transform(batch)

    def _transform(self, batch):
        n = batch.n
        per = batch.get("lower_split", lambda b: [s.split() for s in b.lower])
        flat = list(chain.from_iterable(per))
        wid = np.fromiter(map(self.words.get, flat, repeat(-1)), np.int64, len(flat))
        if self.matrix is None or (wid < 0).any():
            new = set(w for w, i in zip(flat, wid.tolist()) if i < 0)
            if len(self.words) + len(new) > self.MAX_CACHED_WORDS:
                self._reset()
                new = set(flat)
            self._add(sorted(new))
            wid = np.fromiter(map(self.words.__getitem__, flat), np.int64, len(flat))
        lens = np.fromiter(map(len, per), np.int64, n)
        counts = sp.csr_matrix((np.ones(len(flat), np.float32), (np.repeat(np.arange(n), lens), wid)),
                               shape=(n, len(self.words)))
        x = (counts @ self.matrix).tocsc().tocsr()  # two linear transposes sort the indices
        return _tfidf(x, self.idf)


class AnalyzerTfidfBlock:
    """Any fitted ``TfidfVectorizer``: its analyzer per sentence, then the same TF-IDF maths."""

    def __init__(self, vectorizer):
        self.dtype = np.dtype(vectorizer.dtype).type
        self.idf = vectorizer.idf_.astype(self.dtype)
        self.vocab, self.n_features = vectorizer.vocabulary_, len(vectorizer.vocabulary_)
        self.analyzer = vectorizer.build_analyzer()

    def transform(self, batch):
        sentences, n = batch.sentences, batch.n
        per = [self.analyzer(s) for s in sentences]
        flat = list(chain.from_iterable(per))
        col = np.fromiter(map(self.vocab.get, flat, repeat(-1)), np.int64, len(flat))
        rows = np.repeat(np.arange(n, dtype=np.int64), np.fromiter(map(len, per), np.int64, n))
        r, c, cnt = _count(rows[col >= 0], col[col >= 0], self.n_features)
        return _tfidf(_csr(r, c, cnt, n, self.n_features, self.dtype), self.idf)


class CueBlock:
    """:class:`model.features.CueFeatures`: dense cue features times ``scale`` (float32)."""

    def __init__(self, transformer):
        self.scale = np.float32(transformer.scale)

    def transform(self, batch):
        sentences, n = batch.sentences, batch.n
        return sp.csr_matrix(cue_feature_matrix(sentences).astype(np.float32) * self.scale)


class GenericBlock:
    """Fallback for any other fitted transformer: its own ``transform``."""

    def __init__(self, transformer):
        self.transformer = transformer

    def transform(self, batch):
        sentences, n = batch.sentences, batch.n
        return sp.csr_matrix(self.transformer.transform(sentences))


def _block_for(transformer):
    from sklearn.feature_extraction.text import TfidfVectorizer
    if isinstance(transformer, TfidfVectorizer) and getattr(transformer, "use_idf", False) \
            and transformer.sublinear_tf and transformer.norm == "l2":
        if transformer.analyzer is F.word_ngrams:
            return WordNgramBlock(transformer)
        if (transformer.analyzer == "char_wb" and transformer.lowercase and transformer.strip_accents is None
                and transformer.preprocessor is None and transformer.input == "content"):
            return CharWbBlock(transformer)
        return AnalyzerTfidfBlock(transformer)
    if type(transformer) is F.CueFeatures:
        return CueBlock(transformer)
    return GenericBlock(transformer)


def _n_out(transformer) -> int:
    if hasattr(transformer, "vocabulary_"):
        return len(transformer.vocabulary_)
    if hasattr(transformer, "n_features_out_"):
        return int(transformer.n_features_out_)
    return len(transformer.get_feature_names_out())


class FastScorer:
    """Batch ``predict_proba`` of a fitted ``Pipeline([FeatureUnion, LogisticRegression])``.

    The blocks build the same float32 feature matrix as the FeatureUnion; the product
    with the coefficients and the softmax are then the very operations scikit-learn
    runs (``X @ coef_.T + intercept_``, scipy's dtype rules included).
    """

    def __init__(self, blocks, coef_t, intercept, classes):
        self.blocks, self.coef_t, self.intercept, self.classes_ = blocks, coef_t, intercept, classes

    @classmethod
    def from_pipeline(cls, pipeline) -> "FastScorer":
        """Precompute every block from a fitted pipeline; ``ValueError`` if it is not supported."""
        union, clf = pipeline.steps[0][1], pipeline.steps[-1][1]
        if len(pipeline.steps) != 2 or not hasattr(union, "transformer_list"):
            raise ValueError("expected Pipeline([FeatureUnion, LogisticRegression])")
        if type(clf).__name__ != "LogisticRegression" or len(clf.classes_) < 3:
            raise ValueError("expected a multinomial LogisticRegression with >= 3 classes")
        if getattr(union, "transformer_weights", None):
            raise ValueError("FeatureUnion transformer_weights are not supported")
        blocks = [_block_for(t) for _, t in union.transformer_list if t not in ("drop", None)]
        width = sum(_n_out(t) for _, t in union.transformer_list if t not in ("drop", None))
        if width != clf.coef_.shape[1]:
            raise ValueError(f"blocks give {width} features, classifier expects {clf.coef_.shape[1]}")
        return cls(blocks, clf.coef_.T, clf.intercept_, np.asarray(clf.classes_))

    def transform(self, sentences) -> sp.csr_matrix:
        """The FeatureUnion's feature matrix of ``sentences``."""
        batch = Batch(sentences)
        return sp.hstack([block.transform(batch) for block in self.blocks], format="csr")

    def decision_function(self, sentences) -> np.ndarray:
        return self.transform(sentences) @ self.coef_t + self.intercept

    def predict_proba(self, sentences) -> np.ndarray:
        """Class probabilities ``(n, n_classes)`` in ``classes_`` order (softmax of the decision)."""
        d = self.decision_function(sentences)
        d -= d.max(axis=1, keepdims=True)
        np.exp(d, out=d)
        d /= d.sum(axis=1, keepdims=True)
        return d
