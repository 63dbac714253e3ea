"""The faster table statistics change no bit (the reference is the earlier ``np.r_`` implementation)."""

from __future__ import annotations

import numpy as np
import pytest

from model.tablestats import table_stats


def _reference(keys, width, rates, lens, threshold, n):
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


@pytest.mark.parametrize("n_tables", [1, 3])
def test_table_stats_is_bit_identical_to_the_reference(n_tables):
    rng = np.random.default_rng(n_tables)
    width = 500
    rates = rng.random((width, n_tables)) ** 3
    for trial in range(300):
        n = int(rng.integers(1, 25))
        lens = rng.integers(0, 200, n)
        per = rng.integers(0, 150 if trial % 3 == 0 else 12, n)  # long runs: reduceat's pairwise sums
        parts = [s * width + rng.choice(width, p, replace=False) for s, p in enumerate(per)]
        keys = np.unique(np.concatenate(parts).astype(np.int64))
        got = table_stats(keys, width, rates, lens, 0.3, n)
        assert got.tobytes() == _reference(keys, width, rates, lens, 0.3, n).tobytes()


def test_table_stats_of_no_keys_is_zero():
    out = table_stats(np.zeros(0, np.int64), 4, np.ones((4, 2)), np.array([3, 0]), 0.5, 2)
    assert out.shape == (2, 6) and not out.any()
