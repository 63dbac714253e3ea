"""Learned loaded-word table feature block (:class:`LoadedWordTable`).

At fit time the block learns, from word-level supervision of the training
sentences, a table ``word -> loaded rate``:

* ``bw`` (learned): for sentences that carry a list of annotated biased words
  (BABE's ``biased_words``), ``rate(w) = times w is listed / (times w occurs in
  a supervised sentence + alpha)``, counting each word once per sentence;
* optional static span tables (e.g. BASIL lexical-bias spans, PTC
  Loaded_Language / Name_Calling spans), given as ready ``word -> rate`` dicts
  (built by :mod:`training.wordtables`; only word-level rates, no sentences).

A sentence gets three features per table: the max rate over its (unique)
tokens, the sum of rates / sqrt(n tokens) and the number of tokens with
rate > ``threshold`` / sqrt(n tokens); standardised and multiplied by ``scale``.

Leakage: :meth:`LoadedWordTable.fit_transform` (what ``FeatureUnion`` calls when
the pipeline is fitted) returns, for the learned table, *out-of-fold* features:
the training rows are split into ``n_folds`` folds and each fold's features come
from a table learned on the other folds only. The table kept for inference
(``transform``) is learned on all training rows. The standardisation is fitted
on the out-of-fold features, i.e. on what the classifier saw.

The supervision is passed as fit parameters (``biased_words``, ``span_tables``);
with scikit-learn metadata routing enabled, ``Pipeline.fit(X, y,
biased_words=..., span_tables=...)`` routes them here (see
:func:`training.train.fit`).
"""

from __future__ import annotations

from collections import Counter
from itertools import chain, repeat

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.model_selection import KFold

from model.features import tokenize
from model.tablestats import table_stats

STATS = ("max", "sum", "count")


def learn_rates(token_sets, biased_words, alpha=2.0) -> dict[str, float]:
    """``word -> marked / (occurrences + alpha)`` over the supervised sentences.

    Parameters
    ----------
    token_sets : list of set of str
        Unique tokens of each sentence.
    biased_words : list of (list of str or None)
        Annotated biased words (phrases are tokenised) per sentence; ``None``
        means the sentence carries no word-level supervision and is skipped.
    alpha : float, default=2.0
        Additive smoothing of the denominator.
    """
    marked, occurs = Counter(), Counter()
    for toks, words in zip(token_sets, biased_words):
        if words is None:
            continue
        occurs.update(toks)
        listed = set(chain.from_iterable(tokenize(w) for w in words if isinstance(w, str)))
        marked.update(listed & toks)
    return {w: marked[w] / (occurs[w] + alpha) for w in marked}


class LoadedWordTable(BaseEstimator, TransformerMixin):
    """Sentence features from learned (and optional static) word → loaded-rate tables.

    Parameters
    ----------
    scale : float, default=0.3
        Weight of the (standardised) block relative to the L2-normalised TF-IDF blocks.
    threshold : float, default=0.3
        A token counts as "loaded" for the count feature when its rate exceeds this.
    alpha : float, default=2.0
        Smoothing of the learned table: ``marked / (occurrences + alpha)``.
    n_folds : int, default=5
        Cross-fitting folds for the out-of-fold training features.
    random_state : int, default=0
        Seed of the cross-fitting fold split.

    Attributes
    ----------
    table_names_ : list of str
        ``"bw"`` followed by the names of the static span tables, sorted.
    word_index_ : dict of str to int
        Words with a non-zero rate in some table → row of ``rates_``.
    rates_ : ndarray of shape (n_words, n_tables)
        Rate of each vocabulary word in each table (the learned table fitted on all rows).
    mean_, std_ : ndarray of shape (n_features_out_,)
        Standardisation of the raw features (fitted on the out-of-fold training features).
    n_features_out_ : int
        ``3 * n_tables``.
    """

    def __init__(self, scale=0.3, threshold=0.3, alpha=2.0, n_folds=5, random_state=0):
        self.scale = scale
        self.threshold = threshold
        self.alpha = alpha
        self.n_folds = n_folds
        self.random_state = random_state

    # -- fitting -----------------------------------------------------------------------------
    def _fit(self, X, biased_words, span_tables):
        X = list(X)
        n = len(X)
        if biased_words is None:
            biased_words = [None] * n
        biased_words = list(biased_words)
        if len(biased_words) != n:
            raise ValueError(f"biased_words has {len(biased_words)} entries for {n} sentences")
        span_tables = dict(span_tables or {})
        self.table_names_ = ["bw"] + sorted(span_tables)
        token_sets = [set(tokenize(s)) for s in X]
        full = learn_rates(token_sets, biased_words, self.alpha)
        self._set_tables([full] + [span_tables[k] for k in self.table_names_[1:]])
        raw = self._raw(X)  # span-table columns: static, no cross-fitting needed
        n_folds = min(self.n_folds, n)
        if n_folds >= 2:
            folds = KFold(n_folds, shuffle=True, random_state=self.random_state).split(np.zeros(n))
            for train_idx, test_idx in folds:
                table = learn_rates([token_sets[i] for i in train_idx], [biased_words[i] for i in train_idx],
                                    self.alpha)
                raw[test_idx, :3] = self._raw([X[i] for i in test_idx], tables=[table])
        else:  # a single sentence cannot be cross-fitted: it gets no learned-table signal
            raw[:, :3] = 0.0
        self.mean_ = raw.mean(axis=0)
        self.std_ = raw.std(axis=0) + 1e-6
        self.n_features_out_ = raw.shape[1]
        return raw

    def fit(self, X, y=None, biased_words=None, span_tables=None):
        """Learn the tables and the standardisation.

        Parameters
        ----------
        X : list of str
            Training sentences.
        y : ignored
        biased_words : list of (list of str or None), optional
            Per sentence, its annotated biased words (``[]``: annotated, none
            biased; ``None``: no word-level supervision, e.g. non-BABE rows).
        span_tables : dict of str to dict of str to float, optional
            Static ``word -> rate`` tables (name → table) used as they are.
        """
        self._fit(X, biased_words, span_tables)
        return self

    def fit_transform(self, X, y=None, biased_words=None, span_tables=None):
        """Fit, and return the *out-of-fold* features of the training sentences."""
        raw = self._fit(X, biased_words, span_tables)
        return self._finish(raw)

    def _set_tables(self, tables):
        words = sorted(set(chain.from_iterable(t for t in tables)))
        self.word_index_ = {w: i for i, w in enumerate(words)}
        rates = np.zeros((len(words), len(tables)), np.float64)
        for j, table in enumerate(tables):
            for w, r in table.items():
                rates[self.word_index_[w], j] = r
        self.rates_ = rates

    # -- transforming ------------------------------------------------------------------------
    def _raw(self, X, tables=None):
        """Unstandardised ``(n, 3 * n_tables)`` features (``tables``: ad-hoc tables instead of ``rates_``)."""
        if tables is None:
            vocab, rates = self.word_index_, self.rates_
        else:
            words = sorted(set(chain.from_iterable(tables)))
            vocab = {w: i for i, w in enumerate(words)}
            rates = np.zeros((len(words), len(tables)))
            for j, table in enumerate(tables):
                for w, r in table.items():
                    rates[vocab[w], j] = r
        n = len(X)
        per = [tokenize(s) for s in X]
        lens = np.fromiter(map(len, per), np.int64, n)
        flat = list(chain.from_iterable(per))
        ids = np.fromiter(map(vocab.get, flat, repeat(-1)), np.int64, len(flat))
        rows = np.repeat(np.arange(n, dtype=np.int64), lens)
        known = ids >= 0
        # unique (row, word) pairs: each word counts once per sentence
        keys = np.unique(rows[known] * np.int64(max(len(vocab), 1)) + ids[known])
        return table_stats(keys, max(len(vocab), 1), rates, lens, self.threshold, n)

    def _finish(self, raw):
        z = (raw - self.mean_) / self.std_ * self.scale
        return sp.csr_matrix(z.astype(np.float32))

    def transform(self, X):
        """Return a sparse ``(n_sentences, n_features_out_)`` float32 matrix (full tables)."""
        return self._finish(self._raw(list(X)))

    def get_feature_names_out(self, input_features=None):
        """``wt:<table>:<stat>`` for each table and statistic."""
        return np.asarray([f"wt:{t}:{s}" for t in self.table_names_ for s in STATS], dtype=object)
