"""Pseudo-label tables: a teacher's probabilities over the unlabelled pool, per training set.

A table (``.npz``) holds no text. It has

``pool_keys``
    the 64-bit :func:`training.pool.text_key` of each pool sentence, in pool order;
``probs_<fingerprint>``
    ``float16`` (pool size × 3) probabilities in ``factual, opinion, loaded`` order
    from the teacher fine-tuned on the training set with that
    :func:`fingerprint` (and on nothing else);
``meta``
    JSON: the teacher recipe, versions, and a description of each training set.

Because each table row is keyed by the exact training set its teacher saw, a
student fitted on a protocol's training split finds the teacher of that split
and only that one; a training set with no teacher is an error, never a silent
fallback to another teacher.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

from training.corpora import Record, deduplicate, normalise

DEFAULT_TABLE = Path(__file__).resolve().parent / "data" / "pseudo-labels-minilm.npz"


class PseudoLabelError(ValueError):
    """A pseudo-label table is missing, malformed, or does not match the pool or training set."""


def fingerprint(records: list[Record]) -> str:
    """Order-independent 16-hex-digit hash of a training set (after :func:`deduplicate`)."""
    kept, _, _ = deduplicate(records)
    lines = sorted(f"{r.label}\t{normalise(r.text)}" for r in kept)
    return hashlib.sha256("\n".join(lines).encode("utf-8", "surrogatepass")).hexdigest()[:16]


class PseudoLabels:
    """In-memory pseudo-label table; see the module docstring for the file layout."""

    def __init__(self, pool_keys: np.ndarray, probs: dict[str, np.ndarray] | None = None, meta: dict | None = None):
        self.pool_keys = np.asarray(pool_keys, dtype=np.uint64)
        self.probs = dict(probs or {})
        self.meta = dict(meta or {})
        self.meta.setdefault("sets", {})

    @classmethod
    def load(cls, path: str | Path) -> "PseudoLabels":
        path = Path(path)
        if not path.exists():
            raise PseudoLabelError(f"{path}: no pseudo-label table; build one with 'slant distill --out {path}'")
        try:
            with np.load(path, allow_pickle=False) as data:
                keys = data["pool_keys"]
                probs = {name[6:]: data[name] for name in data.files if name.startswith("probs_")}
                meta = json.loads(str(data["meta"]))
        except (OSError, KeyError, ValueError) as exc:
            raise PseudoLabelError(f"{path}: not a pseudo-label table ({exc})") from None
        for key, value in probs.items():
            if value.shape != (len(keys), 3):
                raise PseudoLabelError(f"{path}: probs_{key} has shape {value.shape}, expected ({len(keys)}, 3)")
        return cls(keys, probs, meta)

    def save(self, path: str | Path) -> None:
        """Write atomically (temporary file + rename): an interrupted save keeps the old table."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays = {f"probs_{k}": v.astype(np.float16) for k, v in self.probs.items()}
        handle, tmp = tempfile.mkstemp(prefix=".pseudo-", suffix=".npz", dir=path.parent)
        os.close(handle)
        try:
            np.savez_compressed(tmp, pool_keys=self.pool_keys, meta=np.array(json.dumps(self.meta, sort_keys=True)),
                                **arrays)
            os.chmod(tmp, 0o644)  # mkstemp makes it private; the table is a normal project file
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)

    def add(self, key: str, probs: np.ndarray, description: dict) -> None:
        if probs.shape != (len(self.pool_keys), 3):
            raise PseudoLabelError(f"teacher probabilities have shape {probs.shape}, expected ({len(self.pool_keys)}, 3)")
        self.probs[key] = np.asarray(probs, dtype=np.float16)
        self.meta["sets"][key] = description

    def check_pool(self, keys: np.ndarray) -> None:
        """Raise unless ``keys`` (of the pool rebuilt now) equal the ones the teachers labelled."""
        if len(keys) != len(self.pool_keys) or not np.array_equal(keys, self.pool_keys):
            same = len(np.intersect1d(keys, self.pool_keys))
            raise PseudoLabelError(
                f"the unlabelled pool rebuilt from the data directory ({len(keys)} sentences) is not the one the "
                f"teachers labelled ({len(self.pool_keys)} sentences, {same} in common); "
                "point --data-dir at the corpora the table was built from, or rebuild it with 'slant distill'")

    def for_training_set(self, records: list[Record]) -> np.ndarray:
        """The teacher probabilities for exactly this training set, as float32."""
        key = fingerprint(records)
        if key not in self.probs:
            known = ", ".join(f"{k} ({v.get('name', '?')})" for k, v in sorted(self.meta["sets"].items())) or "none"
            raise PseudoLabelError(
                f"no teacher was trained on this training set (fingerprint {key}); the table has: {known}. "
                "Run 'slant distill' for it (a teacher must see exactly the student's gold training data)")
        return self.probs[key].astype(np.float32)


def select(probs: np.ndarray, min_confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose top probability is at least ``min_confidence``: (row indices, argmax label indices)."""
    if not 0.0 <= min_confidence <= 1.0:
        raise ValueError(f"min_confidence must be in [0, 1], got {min_confidence}")
    top = probs.max(axis=1)
    rows = np.flatnonzero(top >= min_confidence)
    return rows, probs[rows].argmax(axis=1)
