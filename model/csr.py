"""Raw CSR arithmetic for :mod:`model.scorer`: scipy's compiled routines without matrix objects.

Building ``scipy.sparse`` matrices costs tens of microseconds of Python-level
validation each, which dominates a 30-sentence request. These helpers call the
same C++ routines (``scipy.sparse._sparsetools``: the ones ``csr_matrix``
methods call) on plain arrays. Index arrays are int64, values float32.
A CSR matrix here is a tuple ``(indptr, indices, data)``.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse._sparsetools import (csr_matmat, csr_matmat_maxnnz, csr_matvecs, csr_sort_indices,
                                       csr_sum_duplicates)

I = np.int64  # noqa: E741  (index dtype of every array here)


def from_rows(rows: np.ndarray, cols: np.ndarray, n: int, data: np.ndarray | None = None) -> tuple:
    """CSR of ``n`` rows from entries whose ``rows`` are already in non-decreasing order.

    ``cols`` becomes the indices as they are when int64 (not copied: pass an array you own).
    """
    indptr = np.zeros(n + 1, I)
    np.add.accumulate(np.bincount(rows, minlength=n), out=indptr[1:])
    values = np.ones(len(cols), np.float32) if data is None else data.astype(np.float32)
    return indptr, cols.astype(I, copy=False), values


def canonical(m: tuple, n_cols: int, copy: bool = True) -> tuple:
    """Sort each row's column indices and sum duplicate entries (``sum_duplicates``).

    ``copy=False``: in place (for arrays the caller owns, e.g. fresh from :func:`from_rows`).
    """
    indptr, indices, data = (a.copy() for a in m) if copy else m
    n = len(indptr) - 1
    csr_sort_indices(n, indptr, indices, data)
    csr_sum_duplicates(n, n_cols, indptr, indices, data)
    nnz = int(indptr[-1])
    return indptr, indices[:nnz], data[:nnz]


def distinct_sorted(keys: np.ndarray) -> np.ndarray:
    """The values of the sorted array ``keys``, each once (``np.unique`` without its sort)."""
    if len(keys) < 2:
        return keys
    first = np.empty(len(keys), bool)
    first[0] = True
    np.not_equal(keys[1:], keys[:-1], out=first[1:])
    return keys[first]


def matmat(a: tuple, b: tuple, n_cols: int, max_nnz: int | None = None) -> tuple:
    """``a @ b`` (rows of the product are unsorted, without duplicates).

    ``max_nnz``: an upper bound of the product's entries if the caller knows one
    (else scipy counts them exactly, a second pass over the data).
    """
    n = len(a[0]) - 1
    nnz = csr_matmat_maxnnz(n, n_cols, a[0], a[1], b[0], b[1]) if max_nnz is None else max_nnz
    indptr, indices, data = np.empty(n + 1, I), np.empty(nnz, I), np.empty(nnz, np.float32)
    csr_matmat(n, n_cols, a[0], a[1], a[2], b[0], b[1], b[2], indptr, indices, data)
    nnz = int(indptr[-1])
    return indptr, indices[:nnz], data[:nnz]


def tfidf_add(y: np.ndarray, m: tuple, idf: np.ndarray, coef: np.ndarray) -> None:
    """``y += normalize(sublinear_tfidf(m)) @ coef`` for a count matrix without duplicates.

    Mirrors scikit-learn's float32 arithmetic step by step: ``(1 + log count) * idf``
    in float32, squares in float32 summed in float64, each value divided by the row
    norm and stored as float32; then the product is accumulated into ``y`` row by
    row. With float32 weights (models trained before weights were stored as float64)
    each row's columns are added in ascending order -- the order scipy uses for the
    whole FeatureUnion matrix ``X @ coef_.T`` -- so even float32 rounding agrees;
    with float64 weights the order does not matter.
    """
    indptr, indices, counts = m
    n, k = y.shape
    if y.dtype == np.float32:
        indptr, indices, counts = (a.copy() for a in m)
        csr_sort_indices(n, indptr, indices, counts)
    vals = np.log(counts)
    vals += np.float32(1.0)
    scratch = idf.take(indices)  # float32 scratch: the idf per entry, later the squares
    vals *= scratch
    if y.dtype == np.float32:  # sklearn's order: squares summed one by one, values divided, then the product
        rows = np.repeat(np.arange(n), np.diff(indptr))
        norm = np.sqrt(np.bincount(rows, weights=np.square(vals).astype(np.float64), minlength=n))
        norm[norm == 0] = 1.0
        vals = (vals / norm[rows]).astype(np.float32)
        csr_matvecs(n, coef.shape[0], k, indptr, indices, vals, coef.ravel(), y.reshape(-1))
        return
    # float64: same numbers to ~1e-16, fewer passes -- row sums of squares by reduceat, and each
    # row's product divided by its norm instead of each value. One float64 buffer holds the squares
    # (squared in float32, then widened; a last 0 keeps reduceat in bounds), then the values: fewer
    # large temporaries than ``np.append(np.square(vals).astype(np.float64), 0.0)`` (same bits).
    nnz = len(vals)
    wide = np.empty(nnz + 1, np.float64)
    wide[nnz] = 0.0
    np.square(vals, out=scratch, dtype=np.float32)
    wide[:nnz] = scratch
    norm = np.add.reduceat(wide, indptr[:-1])
    np.sqrt(norm, out=norm)
    unit = indptr[1:] == indptr[:-1]  # reduceat gives a stray value for an empty row
    unit |= norm == 0
    norm[unit] = 1.0
    wide[:nnz] = vals
    z = np.zeros(y.shape, y.dtype)
    csr_matvecs(n, coef.shape[0], k, indptr, indices, wide[:nnz], coef.ravel(), z.reshape(-1))
    z /= norm[:, None]
    y += z
