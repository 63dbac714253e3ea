"""The serving scorer: the fitted Slant pipeline as plain arrays, scored without scikit-learn.

``model/scorer.npz`` (written by :func:`model.compile.save_scorer` when a
model is trained) holds everything the linear model needs: the word and character
vocabularies, their IDF weights, the cue-block scale, the coefficients and the
intercept. :class:`Scorer` loads it with ``allow_pickle=False`` (only numeric and
string arrays, no code) and computes ``predict_proba`` for a whole batch with a
handful of passes over the batch text, all in C (``re``, ``str`` methods, numpy,
one scipy sparse product):

* the batch is joined by :data:`JOIN` (whose NUL is a word of its own and marks
  sentence ends), lower-cased and split at white space once; each distinct word's
  char n-gram counts and word tokens come from :class:`model.wordcache.WordCache`;
* **word block** -- the sentences' token ids (their words' tokens in order),
  bigram ids by integer arithmetic and ``searchsorted``, counts summed per sentence;
* **char block** -- the words' n-gram counts summed into sentences by one sparse
  product (:mod:`model.csr`: scipy's compiled routines without matrix objects);
* **cue block** -- :func:`model.cues.cue_feature_matrix`, scaled.

TF-IDF follows scikit-learn's ``TfidfVectorizer(sublinear_tf=True, norm="l2")``:
``(1 + log count) * idf``, divided by the row's L2 norm. The numbers equal the
scikit-learn pipeline's to float rounding (tests and ``bench/speed.py`` check this).
"""

from __future__ import annotations

import numpy as np

from model import csr

from model.cues import FEATURE_NAMES, cue_feature_matrix
from model.wordcache import WordCache

FORMAT = "slant-scorer/1"
SEP = "\x00"  # sentence separator inside the joined batch; its own token and its own word
SUB = "\x01"  # stands in for a NUL inside a sentence (same token, word and n-gram behaviour)
JOIN = f"\n{SEP}\n"
ARRAYS = ("format", "classes", "intercept", "word_tokens", "word_uni_col", "word_bi_keys", "word_bi_cols",
          "word_idf", "word_coef", "char_ngrams", "char_ngram_range", "char_idf", "char_coef", "cue_names",
          "cue_scale", "cue_coef")


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

    MAX_CACHED_WORDS = 50_000  # per-word cache size (about 25 MB when full)

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
        self.cue_scale, self.cue_coef = np.float32(a["cue_scale"]), np.ascontiguousarray(a["cue_coef"])
        self.word_coef, self.char_coef = np.ascontiguousarray(self.word_coef), np.ascontiguousarray(self.char_coef)
        dtypes = {c.dtype for c in (self.word_coef, self.char_coef, self.cue_coef, self.intercept)}
        if len(dtypes) != 1 or dtypes.pop() not in (np.float32, np.float64):
            raise ValueError("scorer weights must all be float32 or all float64")
        shapes = [(self.intercept.shape, (k,)), (self.word_coef.shape, (len(self.word_idf), k)),
                  (self.char_coef.shape, (len(grams), k)), (self.char_idf.shape, (len(grams),)),
                  (self.cue_coef.shape, (len(FEATURE_NAMES), k)), (self.uni_col.shape, (self.n_tokens + 2,)),
                  (self.bi_cols.shape, self.bi_keys.shape)]
        if any(got != want for got, want in shapes) or any(SEP in g or SUB in g for g in grams):
            raise ValueError("scorer arrays have inconsistent shapes or contents")
        self.cache = WordCache(self.grams, (self.lo, self.hi), self.tokens, self.n_tokens + 1, SEP, self.sep_id,
                               self.MAX_CACHED_WORDS)

    def warm_up(self) -> None:
        """Fill the per-word cache with the vocabulary's alphabetic tokens (~0.07 s, ~7k words).

        Most running words of news text are among them (82% on the BABE + CheckThat
        text), so a fresh process does not pay the per-word set-up on its first
        requests; under gunicorn's ``preload_app`` the master does it once for all workers.
        """
        self.cache.lookup([t for t in self.tokens if t.isalpha()])

    @classmethod
    def load(cls, path) -> "Scorer":
        """Load ``scorer.npz`` (no pickles: ``allow_pickle=False``)."""
        with np.load(path, allow_pickle=False) as data:
            return cls({k: data[k] for k in data.files})

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
        order = np.argsort(rows, kind="stable")  # two sorted runs: a linear merge
        width = len(self.word_idf)
        counts = csr.canonical(csr.from_rows(rows[order], cols[order], n), width)
        csr.tfidf_add(y, counts, self.word_idf, self.word_coef)

    def _char_block(self, y, ids, matrix, n: int) -> None:
        """Char n-gram TF-IDF decision: per-word n-gram counts summed per sentence by one product."""
        rows = np.cumsum(ids == 0)
        keep = ids != 0
        words = csr.from_rows(rows[keep], ids[keep], n)  # sentence x cached word (with repeats)
        bound = int((matrix[0][ids + 1] - matrix[0][ids]).sum())  # n-gram entries of all words >= product nnz
        csr.tfidf_add(y, csr.matmat(words, matrix, len(self.char_idf), bound), self.char_idf, self.char_coef)

    def decision_function(self, sentences, cue_features=None) -> np.ndarray:
        """Decision values ``(n, n_classes)``: the blocks' products plus the intercept.

        ``cue_features``: the sentences' :func:`model.cues.cue_feature_matrix`, when the
        caller has it already (it is computed here otherwise).
        """
        sentences = list(sentences)
        n = len(sentences)
        y = np.zeros((n, len(self.classes_)), np.result_type(self.word_coef, np.float32))
        if n == 0:
            return y
        clean = [s.replace(SEP, SUB) if SEP in s else s for s in sentences]
        ids, matrix, tok_ptr, tok_ids = self.cache.lookup(JOIN.join(clean).lower().split())
        self._word_block(y, ids, tok_ptr, tok_ids, n)
        self._char_block(y, ids, matrix, n)
        if cue_features is None:
            cue_features = cue_feature_matrix(sentences)
        if np.shape(cue_features) != (n, len(FEATURE_NAMES)):
            raise ValueError(f"cue_features must have shape ({n}, {len(FEATURE_NAMES)}), got {np.shape(cue_features)}")
        cues = np.asarray(cue_features).astype(np.float32) * self.cue_scale
        if y.dtype == np.float32:
            for j in range(cues.shape[1]):  # column by column, as the sparse product accumulates
                y += cues[:, j, None] * self.cue_coef[j]
        else:
            y += cues.astype(y.dtype) @ self.cue_coef
        y += self.intercept
        return y

    def predict_proba(self, sentences, cue_features=None) -> np.ndarray:
        """Class probabilities ``(n, n_classes)`` in ``classes_`` order (softmax of the decision)."""
        d = self.decision_function(sentences, cue_features)
        d -= d.max(axis=1, keepdims=True)
        np.exp(d, out=d)
        d /= d.sum(axis=1, keepdims=True)
        return d
