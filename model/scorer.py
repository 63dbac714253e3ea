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
* **cue block** -- :func:`model.cues.cue_feature_matrix`, scaled;
* **table block** (format 2, optional) -- the loaded-word table features of
  :class:`model.wordtable.LoadedWordTable` (max / sum / count of the rates of a
  sentence's distinct tokens), from the same token ids as the word block;
* **vector column** (format 2, optional arrays ``vector_*``) -- the loaded head's
  word-vector block, collapsed to one score per word
  (:attr:`model.heads.TwoHeadClassifier.vector_scores_`): the sum of a sentence's
  token scores / its number of tokens, times one weight per decision column.

Format 2 also names how the decision columns become probabilities: ``softmax``
(one multinomial model) or ``hier`` (:class:`model.heads.TwoHeadClassifier`:
three class columns and the loaded head's log-odds, see :func:`combine_heads`).

TF-IDF follows scikit-learn's ``TfidfVectorizer(sublinear_tf=True, norm="l2")``:
``(1 + log count) * idf``, divided by the row's L2 norm. The numbers equal the
scikit-learn pipeline's to float rounding (tests and ``bench/speed.py`` check this).
"""

from __future__ import annotations

import numpy as np

from model import csr
from model.combine import combine_heads

from model.cues import FEATURE_NAMES, cue_feature_matrix
from model.tablestats import table_stats
from model.wordcache import WordCache

FORMAT = "slant-scorer/2"
LEGACY_FORMAT = "slant-scorer/1"  # softmax, no table block
SEP = "\x00"  # sentence separator inside the joined batch; its own token and its own word
SUB = "\x01"  # stands in for a NUL inside a sentence (same token, word and n-gram behaviour)
JOIN = f"\n{SEP}\n"
ARRAYS = ("format", "classes", "intercept", "word_tokens", "word_uni_col", "word_bi_keys", "word_bi_cols",
          "word_idf", "word_coef", "char_ngrams", "char_ngram_range", "char_idf", "char_coef", "cue_names",
          "cue_scale", "cue_coef")
TABLE_ARRAYS = ("combine", "table_token_ids", "table_rates", "table_threshold", "table_mean", "table_std",
                "table_scale", "table_coef")
VECTOR_ARRAYS = ("vector_token_ids", "vector_scores", "vector_coef")  # optional in format 2
COMBINE = ("softmax", "hier")


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
        fmt = str(arrays["format"]) if "format" in arrays else "none"
        if fmt not in (FORMAT, LEGACY_FORMAT):
            raise ValueError(f"scorer format is {fmt!r}, expected {FORMAT!r}")
        names = ARRAYS + (TABLE_ARRAYS if fmt == FORMAT else ())
        missing = [k for k in names if k not in arrays]
        if missing:
            raise ValueError(f"scorer arrays lack {', '.join(missing)}")
        a = self._arrays = {k: np.asarray(arrays[k]) for k in names}
        self.classes_ = a["classes"].astype(str)
        self._class_list = list(self.classes_)
        self.combine = str(a["combine"]) if fmt == FORMAT else "softmax"
        if self.combine not in COMBINE:
            raise ValueError(f"scorer combine is {self.combine!r}, expected one of {', '.join(COMBINE)}")
        k = len(self.classes_) + (self.combine == "hier")  # decision columns
        if self.combine == "hier" and sorted(self.classes_) != sorted(("factual", "opinion", "loaded")):
            raise ValueError("a 'hier' scorer needs the classes factual, opinion and loaded")
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
        self._set_table(a if fmt == FORMAT else None, k)
        self._set_vectors(arrays if fmt == FORMAT else {}, k)
        self.cache = WordCache(self.grams, (self.lo, self.hi), self.tokens, self.n_tokens + 1, SEP, self.sep_id,
                               self.MAX_CACHED_WORDS)

    def _set_table(self, a, k: int) -> None:
        """The optional table block: token id -> row of rates, standardisation and weights."""
        self.table_index = np.full(self.n_tokens + 2, -1, np.int64)
        if a is None or a["table_coef"].size == 0:  # no table block (a single softmax model)
            self.table_rates = None
            return
        ids, rates = a["table_token_ids"].astype(np.int64), a["table_rates"].astype(np.float64)
        n_feats = 3 * rates.shape[1] if rates.ndim == 2 else -1
        shapes = [(rates.shape, (len(ids), rates.shape[-1])), (a["table_mean"].shape, (n_feats,)),
                  (a["table_std"].shape, (n_feats,)), (a["table_coef"].shape, (n_feats, k))]
        if (any(got != want for got, want in shapes) or a["table_coef"].dtype != self.word_coef.dtype
                or len(np.unique(ids)) != len(ids) or (len(ids) and (ids.min() < 0 or ids.max() >= self.n_tokens))):
            raise ValueError("scorer table arrays have inconsistent shapes or contents")
        self.table_index[ids] = np.arange(len(ids))
        self.table_rates, self.table_threshold = rates, float(a["table_threshold"])
        self.table_mean, self.table_std = a["table_mean"].astype(np.float64), a["table_std"].astype(np.float64)
        self.table_scale, self.table_coef = float(a["table_scale"]), np.ascontiguousarray(a["table_coef"])

    def _set_vectors(self, arrays, k: int) -> None:
        """The optional vector column: token id -> score, and its weight in each decision column."""
        present = [name for name in VECTOR_ARRAYS if name in arrays]
        self.vector_by_token = None
        if not present:
            return
        if len(present) != len(VECTOR_ARRAYS):
            raise ValueError(f"scorer has {', '.join(present)} but not all of {', '.join(VECTOR_ARRAYS)}")
        ids, scores, coef = (np.asarray(arrays[name]) for name in VECTOR_ARRAYS)
        if (ids.ndim != 1 or scores.shape != ids.shape or coef.shape != (k,) or coef.dtype != self.word_coef.dtype
                or len(np.unique(ids)) != len(ids) or (len(ids) and (ids.min() < 0 or ids.max() >= self.n_tokens))
                or not np.isfinite(scores).all()):
            raise ValueError("scorer vector arrays have inconsistent shapes or contents")
        self._arrays.update((name, np.asarray(arrays[name])) for name in VECTOR_ARRAYS)
        self.vector_by_token = np.zeros(self.n_tokens + 2, np.float64)
        self.vector_by_token[ids.astype(np.int64)] = scores.astype(np.float64)
        self.vector_coef = coef

    def warm_up(self) -> None:
        """Fill the per-word cache with the vocabulary's alphabetic tokens (~0.07 s, ~7k words).

        Most running words of news text are among them (82% on the BABE + CheckThat
        text), so a fresh process does not pay the per-word set-up on its first
        requests; under gunicorn's ``preload_app`` the master does it once for all workers.
        """
        self.cache.lookup([t for t, i in self.tokens.items() if t.isalpha() and self.uni_col[i] >= 0])

    @classmethod
    def load(cls, path) -> "Scorer":
        """Load ``scorer.npz`` (no pickles: ``allow_pickle=False``)."""
        with np.load(path, allow_pickle=False) as data:
            return cls({k: data[k] for k in data.files})

    # -- blocks ------------------------------------------------------------------------
    def _word_block(self, y, ids, tok_ptr, tok_ids, n: int):
        """Word uni+bigram TF-IDF decision; a sentence's tokens are its words' tokens in order.

        Returns the batch's token ids and their sentence rows (for :meth:`_table_block`).
        """
        first = tok_ptr.take(ids)
        lens = tok_ptr.take(ids + 1) - first
        ends = np.add.accumulate(lens)
        first -= ends - lens  # token i of the batch is tok_ids[i + first[word of i]]
        toks = tok_ids.take(np.arange(ends[-1] if len(ends) else 0) + first.repeat(lens))
        tok_rows = rows = np.add.accumulate(toks == self.sep_id, dtype=np.int64)
        ucol = self.uni_col.take(toks)
        r_parts, c_parts = [rows[uni := ucol >= 0]], [ucol[uni]]
        if len(toks) > 1 and len(self.bi_keys):
            a, b = toks[:-1], toks[1:]
            ok = self.first.take(a) & self.second.take(b)
            key = a[ok] * self.n_tokens + b[ok]
            at = np.minimum(self.bi_keys.searchsorted(key), len(self.bi_keys) - 1)
            hit = self.bi_keys.take(at) == key
            r_parts.append(rows[:-1][ok][hit])
            c_parts.append(self.bi_cols.take(at[hit]))
        rows, cols = np.concatenate(r_parts), np.concatenate(c_parts)
        order = rows.argsort(kind="stable")  # two sorted runs: a linear merge
        counts = csr.canonical(csr.from_rows(rows.take(order), cols.take(order), n), len(self.word_idf), copy=False)
        csr.tfidf_add(y, counts, self.word_idf, self.word_coef)
        return toks, tok_rows

    def _words_only(self, toks, rows, n: int):
        """The tokens and rows without the separators, and each sentence's number of tokens."""
        words = toks != self.sep_id
        toks, rows = toks[words], rows[words]
        return toks, rows, np.bincount(rows, minlength=n)[:n]

    def _table_block(self, y, toks, rows, n: int, lens=None) -> None:
        """Loaded-word table features (as :meth:`model.wordtable.LoadedWordTable.transform`), times their weights.

        ``lens`` given: ``toks`` and ``rows`` are :meth:`_words_only` (shared with the vector block).
        """
        if lens is None:
            toks, rows, lens = self._words_only(toks, rows, n)
        idx = self.table_index.take(toks)
        m = np.int64(len(self.table_rates))
        keys = rows * m
        keys += idx
        # distinct (sentence, word) pairs; rows ascending: nearly sorted runs (10x faster than np.unique here)
        keys = csr.distinct_sorted(np.sort(keys[idx >= 0], kind="stable"))
        raw = table_stats(keys, int(m), self.table_rates, lens, self.table_threshold, n)
        raw -= self.table_mean
        raw /= self.table_std
        raw *= self.table_scale
        y += raw.astype(np.float32).astype(y.dtype) @ self.table_coef

    def _vector_block(self, y, toks, rows, n: int, lens=None) -> None:
        """The head's vector column (sum of token scores / number of tokens), times its weights."""
        if lens is None:
            toks, rows, lens = self._words_only(toks, rows, n)
        sums = np.bincount(rows, weights=self.vector_by_token.take(toks), minlength=n)[:n]
        column = np.divide(sums, lens, out=np.zeros(n), where=lens > 0)
        y += (column[:, None] * self.vector_coef).astype(y.dtype)

    def _char_block(self, y, ids, matrix, n: int) -> None:
        """Char n-gram TF-IDF decision: per-word n-gram counts summed per sentence by one product."""
        rows = np.add.accumulate(ids == 0, dtype=np.int64)
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
        y = np.zeros((n, self.word_coef.shape[1]), np.result_type(self.word_coef, np.float32))
        if n == 0:
            return y
        clean = [s.replace(SEP, SUB) if SEP in s else s for s in sentences]
        ids, matrix, tok_ptr, tok_ids = self.cache.lookup(JOIN.join(clean).lower().split())
        toks, rows = self._word_block(y, ids, tok_ptr, tok_ids, n)
        if self.table_rates is not None or self.vector_by_token is not None:
            toks, rows, lens = self._words_only(toks, rows, n)  # once for both blocks
            if self.table_rates is not None:
                self._table_block(y, toks, rows, n, lens)
            if self.vector_by_token is not None:
                self._vector_block(y, toks, rows, n, lens)
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
        """Class probabilities ``(n, n_classes)`` in ``classes_`` order.

        ``softmax``: of the decision columns; ``hier``: softmax of the three class
        columns, split by the head column (:func:`combine_heads`).
        """
        d = self.decision_function(sentences, cue_features)
        head = d[:, -1].copy() if self.combine == "hier" else None
        if head is not None:
            d = d[:, :-1]
        d -= d.max(axis=1, keepdims=True)
        np.exp(d, out=d)
        d /= d.sum(axis=1, keepdims=True)
        return d if head is None else combine_heads(d, head, self._class_list)
