"""The serving scorer: the fitted Slant pipeline as plain arrays, scored without scikit-learn.

``model/scorer.npz`` (written by :func:`model.compile.save_scorer` when a
model is trained) holds everything the linear model needs: the word and character
vocabularies, their IDF weights, the cue-block scale, the coefficients and the
intercept. :class:`Scorer` loads it with ``allow_pickle=False`` (only numeric and
string arrays, no code) and computes ``predict_proba`` for a whole batch with a
handful of passes over the batch text, all in C (``re``, ``str`` methods, numpy,
one scipy sparse product):

* **word block** -- one ``findall`` of :data:`model.features.TOKEN_RE` over the
  lower-cased, quote-folded batch (sentences joined by :data:`JOIN`, whose NUL is
  its own token and marks sentence ends), token ids by dict lookup, bigram ids
  by integer arithmetic and ``searchsorted``;
* **char block** -- ``str.split`` of the lower-cased batch; each distinct word's
  ``char_wb`` n-gram counts are computed once and cached, and summed into
  sentences by one sparse product;
* **cue block** -- :func:`model.cues.cue_feature_matrix`, scaled.

TF-IDF follows scikit-learn's ``TfidfVectorizer(sublinear_tf=True, norm="l2")``:
``(1 + log count) * idf``, divided by the row's L2 norm. The numbers equal the
scikit-learn pipeline's to float rounding (tests and ``bench/speed.py`` check this).
"""

from __future__ import annotations

import threading
from itertools import repeat

import numpy as np
import scipy.sparse as sp
from scipy.sparse._sparsetools import csr_matvecs  # y += A @ X in place (what ``csr @ dense`` calls)

from model.cues import FEATURE_NAMES, cue_feature_matrix
from model.tokens import TOKEN_RE

FORMAT = "slant-scorer/1"
SEP = "\x00"  # sentence separator inside the joined batch; its own token and its own word
SUB = "\x01"  # stands in for a NUL inside a sentence (same token, word and n-gram behaviour)
JOIN = f"\n{SEP}\n"
ARRAYS = ("format", "classes", "intercept", "word_tokens", "word_uni_col", "word_bi_keys", "word_bi_cols",
          "word_idf", "word_coef", "char_ngrams", "char_ngram_range", "char_idf", "char_coef", "cue_names",
          "cue_scale", "cue_coef")


def fold_quotes(text: str) -> str:
    """``text.translate(model.features.QUOTES)``, by six ``str.replace`` calls (much faster)."""
    return (text.replace("“", '"').replace("”", '"').replace("«", '"').replace("»", '"')
            .replace("‘", "'").replace("’", "'"))


def char_wb_ngrams(word: str, lo: int, hi: int) -> list[str]:
    """scikit-learn's ``char_wb`` n-grams of one white-space-free, lower-cased word."""
    padded = f" {word} "
    size = len(padded)
    grams = []
    for n in range(lo, hi + 1):
        if size <= n:  # the whole padded word, once (sklearn stops growing n here)
            grams.append(padded)
            break
        grams.extend(padded[i:i + n] for i in range(size - n + 1))
    return grams


def _tfidf_add(y, x, idf, coef) -> None:
    """``y += normalize(sublinear_tfidf(x)) @ coef`` for a CSR count matrix (no duplicate entries).

    Mirrors scikit-learn's float32 arithmetic step by step so the numbers are the
    same: ``(1 + log count) * idf`` in float32, squares in float32 summed in float64,
    each value divided by the row norm and stored as float32; then the product is
    accumulated into ``y`` row by row. With float32 weights (models trained before
    the weights were stored as float64) columns are added in ascending order -- the
    order scipy uses for the whole FeatureUnion matrix ``X @ coef_.T`` -- so even the
    float32 rounding is the same; with float64 weights the order does not matter.
    """
    if y.dtype == np.float32 and not x.has_sorted_indices:  # float32 sums depend on the order
        x = x.tocsc().tocsr()  # two linear transposes sort the column indices
    vals = np.log(x.data.astype(np.float32))
    vals += np.float32(1.0)
    vals *= idf[x.indices]
    rows = np.repeat(np.arange(x.shape[0]), np.diff(x.indptr))
    norm = np.sqrt(np.bincount(rows, weights=(vals * vals).astype(np.float64), minlength=x.shape[0]))
    norm[norm == 0] = 1.0
    vals = (vals / norm[rows]).astype(y.dtype)
    n, k = y.shape
    csr_matvecs(n, coef.shape[0], k, x.indptr.astype(np.int64), x.indices.astype(np.int64), vals,
                np.ascontiguousarray(coef, y.dtype).ravel(), y.reshape(-1))


class Scorer:
    """Batch class probabilities of a compiled Slant model.

    Parameters
    ----------
    arrays : mapping of str to numpy.ndarray
        The arrays named in :data:`ARRAYS` (as saved in ``scorer.npz``).

    Raises
    ------
    ValueError
        If an array is missing, has the wrong format tag or inconsistent shapes,
        or the cue features differ from this code's :data:`model.cues.FEATURE_NAMES`.
    """

    MAX_CACHED_WORDS = 100_000

    def __init__(self, arrays):
        missing = [k for k in ARRAYS if k not in arrays]
        if missing:
            raise ValueError(f"scorer arrays lack {', '.join(missing)}")
        if str(arrays["format"]) != FORMAT:
            raise ValueError(f"scorer format is {str(arrays['format'])!r}, expected {FORMAT!r}")
        a = self._arrays = {k: np.asarray(arrays[k]) for k in ARRAYS}
        self.classes_ = a["classes"].astype(str)
        k = len(self.classes_)
        self.intercept = a["intercept"]
        tokens = [str(t) for t in a["word_tokens"]]
        self.tokens = {t: i for i, t in enumerate(tokens)}
        if len(self.tokens) != len(tokens) or SEP in self.tokens:
            raise ValueError("scorer word_tokens must be distinct and must not contain NUL")
        self.sep_id = len(tokens)  # index of the separator; len + 1 is "unknown token"
        self.tokens[SEP] = self.sep_id
        self.uni_col = np.append(a["word_uni_col"].astype(np.int64), [-1, -1])
        self.bi_keys, self.bi_cols = a["word_bi_keys"].astype(np.int64), a["word_bi_cols"].astype(np.int64)
        self.n_tokens = len(tokens)
        starts, ends = self.bi_keys // max(self.n_tokens, 1), self.bi_keys % max(self.n_tokens, 1)
        self.first = np.zeros(self.n_tokens + 2, bool)
        self.second = np.zeros(self.n_tokens + 2, bool)
        self.first[starts], self.second[ends] = True, True
        self.word_idf, self.word_coef = a["word_idf"].astype(np.float32), a["word_coef"]
        grams = [str(g) for g in a["char_ngrams"]]
        self.grams = {g: i for i, g in enumerate(grams)}
        self.lo, self.hi = (int(v) for v in a["char_ngram_range"])
        self.char_idf, self.char_coef = a["char_idf"].astype(np.float32), a["char_coef"]
        if [str(x) for x in a["cue_names"]] != list(FEATURE_NAMES):
            raise ValueError("scorer cue features differ from model.cues.FEATURE_NAMES (retrain the model)")
        self.cue_scale, self.cue_coef = np.float32(a["cue_scale"]), a["cue_coef"]
        shapes = [(self.intercept.shape, (k,)), (self.word_coef.shape, (len(self.word_idf), k)),
                  (self.char_coef.shape, (len(grams), k)), (self.char_idf.shape, (len(grams),)),
                  (self.cue_coef.shape, (len(FEATURE_NAMES), k)), (self.uni_col.shape, (self.n_tokens + 2,)),
                  (self.bi_cols.shape, self.bi_keys.shape)]
        if any(got != want for got, want in shapes) or any(SEP in g or SUB in g for g in grams):
            raise ValueError("scorer arrays have inconsistent shapes or contents")
        self._lock = threading.Lock()  # the word n-gram cache is shared by a threaded server's requests
        self._reset_cache()

    @classmethod
    def load(cls, path) -> "Scorer":
        """Load ``scorer.npz`` (no pickles: ``allow_pickle=False``)."""
        with np.load(path, allow_pickle=False) as data:
            return cls({k: data[k] for k in data.files})

    # -- per-word cache: char n-gram counts and word-token ids of each distinct word -----
    def _reset_cache(self):
        self.words: dict[str, int] = {SEP: 0}
        self.indptr, self.indices, self.counts = [0, 0], [], []
        self.tok_ptr, self.tok_ids = [0, 1], [np.array([self.sep_id], np.int64)]
        self._freeze()

    def _freeze(self):
        self.matrix = sp.csr_matrix((np.concatenate([np.zeros(0, np.float32), *self.counts]),
                                     np.concatenate([np.zeros(0, np.int32), *self.indices]),
                                     np.asarray(self.indptr, np.int64)), shape=(len(self.words), len(self.grams)))
        self.tok_ptr_a = np.asarray(self.tok_ptr, np.int64)
        self.tok_ids_a = np.concatenate(self.tok_ids)

    def _add_words(self, new):
        get, unknown = self.grams.get, self.n_tokens + 1
        for word in new:
            self.words[word] = len(self.words)
            cols = [c for c in map(get, char_wb_ngrams(word, self.lo, self.hi)) if c is not None]
            u, c = np.unique(np.asarray(cols, np.int32), return_counts=True)
            self.indices.append(u)
            self.counts.append(c.astype(np.float32))
            self.indptr.append(self.indptr[-1] + len(u))
            toks = [self.tokens.get(t, unknown) for t in TOKEN_RE.findall(fold_quotes(word))]
            self.tok_ids.append(np.asarray(toks, np.int64))
            self.tok_ptr.append(self.tok_ptr[-1] + len(toks))
        self._freeze()

    def _word_ids(self, words: list[str]) -> tuple:
        """Cache ids of ``words`` (adding new ones) and the cache arrays they index."""
        get = self.words.get
        with self._lock:
            ids = np.fromiter(map(get, words, repeat(-1)), np.int64, len(words))
            if (ids < 0).any():
                new = sorted({w for w, i in zip(words, ids.tolist()) if i < 0})
                if len(self.words) + len(new) > self.MAX_CACHED_WORDS:
                    self._reset_cache()
                    new = sorted(set(words) - {SEP})
                self._add_words(new)
                ids = np.fromiter(map(self.words.__getitem__, words), np.int64, len(words))
            return ids, self.matrix, self.tok_ptr_a, self.tok_ids_a

    # -- blocks ------------------------------------------------------------------------
    def _word_block(self, y, ids, tok_ptr, tok_ids, n: int) -> None:
        """Word uni+bigram TF-IDF decision; a sentence's tokens are its words' tokens in order."""
        lens = tok_ptr[ids + 1] - tok_ptr[ids]
        ends = np.cumsum(lens)
        pos = np.arange(ends[-1] if len(ends) else 0) - np.repeat(ends - lens, lens) + np.repeat(tok_ptr[ids], lens)
        toks = tok_ids[pos]
        rows = np.cumsum(toks == self.sep_id)
        ucol = self.uni_col[toks]
        r_parts, c_parts = [rows[ucol >= 0]], [ucol[ucol >= 0]]
        if len(toks) > 1 and len(self.bi_keys):
            a, b = toks[:-1], toks[1:]
            ok = self.first[a] & self.second[b]
            key = a[ok] * self.n_tokens + b[ok]
            at = np.minimum(np.searchsorted(self.bi_keys, key), len(self.bi_keys) - 1)
            hit = self.bi_keys[at] == key
            r_parts.append(rows[:-1][ok][hit])
            c_parts.append(self.bi_cols[at[hit]])
        rows, cols = np.concatenate(r_parts), np.concatenate(c_parts)
        x = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(n, len(self.word_idf)))
        x.sum_duplicates()  # also sorts the indices (coo -> csr leaves duplicates)
        _tfidf_add(y, x, self.word_idf, self.word_coef)

    def _char_block(self, y, ids, matrix, n: int) -> None:
        """Char n-gram TF-IDF decision: per-word n-gram counts summed per sentence by one product."""
        rows = np.cumsum(ids == 0)
        keep = ids != 0
        counts = sp.csr_matrix((np.ones(int(keep.sum()), np.float32), (rows[keep], ids[keep])),
                               shape=(n, matrix.shape[0]))
        _tfidf_add(y, counts @ matrix, self.char_idf, self.char_coef)

    def decision_function(self, sentences) -> np.ndarray:
        """Decision values ``(n, n_classes)``: the blocks' products plus the intercept."""
        sentences = list(sentences)
        n = len(sentences)
        y = np.zeros((n, len(self.classes_)), np.result_type(self.word_coef, np.float32))
        if n == 0:
            return y
        clean = [s.replace(SEP, SUB) if SEP in s else s for s in sentences]
        ids, matrix, tok_ptr, tok_ids = self._word_ids(JOIN.join(clean).lower().split())
        self._word_block(y, ids, tok_ptr, tok_ids, n)
        self._char_block(y, ids, matrix, n)
        cues = cue_feature_matrix(sentences).astype(np.float32) * self.cue_scale
        if y.dtype == np.float32:
            for j in range(cues.shape[1]):  # column by column, as the sparse product accumulates
                y += cues[:, j, None] * self.cue_coef[j]
        else:
            y += cues.astype(y.dtype) @ self.cue_coef
        y += self.intercept
        return y

    def predict_proba(self, sentences) -> np.ndarray:
        """Class probabilities ``(n, n_classes)`` in ``classes_`` order (softmax of the decision)."""
        d = self.decision_function(sentences)
        d -= d.max(axis=1, keepdims=True)
        np.exp(d, out=d)
        d /= d.sum(axis=1, keepdims=True)
        return d
