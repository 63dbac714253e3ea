"""Sentence statistics of a word → rate table: the one definition the reference and the scorer share.

Used by :class:`model.wordtable.LoadedWordTable` (training, the reference) and by
:class:`model.scorer.Scorer` (serving, without scikit-learn), so both compute the
same numbers in the same order.
"""

from __future__ import annotations

import numpy as np


def table_stats(keys: np.ndarray, width: int, rates: np.ndarray, lens: np.ndarray, threshold: float,
                n: int) -> np.ndarray:
    """Raw ``(n, 3 * n_tables)`` features: per table, max / sum / count(> threshold) of the words' rates.

    Parameters
    ----------
    keys : ndarray of int64
        Sorted, distinct ``sentence * width + word`` keys (each word once per sentence).
    width : int
        Number of table words (the key multiplier).
    rates : ndarray of shape (width, n_tables)
        Rate of each table word in each table.
    lens : ndarray of int
        Number of tokens of each sentence (the sum and count are divided by its square root).
    threshold : float
        A word counts for the count feature when its rate exceeds this.
    n : int
        Number of sentences.
    """
    n_tables = rates.shape[1]
    out = np.zeros((n, 3 * n_tables), np.float64)
    if not len(keys):
        return out
    r, w = np.divmod(keys, width)
    vals = rates.take(w, axis=0)
    first = np.empty(len(r), bool)  # a sentence's first key (np.r_ costs ~20 us a call)
    first[0] = True
    np.not_equal(r[1:], r[:-1], out=first[1:])
    starts = first.nonzero()[0]
    hit = r[first]
    root = (1.0 / np.sqrt(np.maximum(lens.take(hit), 1)))[:, None]
    stats = np.empty((len(hit), n_tables, 3), np.float64)  # a hit row of ``out``: per table max, sum, count
    stats[:, :, 0] = np.maximum.reduceat(vals, starts, axis=0)
    stats[:, :, 1] = np.add.reduceat(vals, starts, axis=0) * root
    stats[:, :, 2] = np.add.reduceat(vals > threshold, starts, axis=0, dtype=np.float64) * root
    out[hit] = stats.reshape(len(hit), 3 * n_tables)
    return out
