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
    out = np.zeros((n, 3 * rates.shape[1]), np.float64)
    if not len(keys):
        return out
    r, w = keys // width, keys % width
    vals = rates[w]
    starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
    hit = r[starts]
    root = 1.0 / np.sqrt(np.maximum(lens, 1))[hit, None]
    out[hit, 0::3] = np.maximum.reduceat(vals, starts, axis=0)
    out[hit, 1::3] = np.add.reduceat(vals, starts, axis=0) * root
    out[hit, 2::3] = np.add.reduceat((vals > threshold).astype(np.float64), starts, axis=0) * root
    return out
