"""Fit the two-head model (:class:`model.heads.TwoHeadClassifier`) on training records.

The loaded head learns only from corpora whose annotation scheme has a
``loaded`` class (BABE, a house corpus labelled factual/opinion/loaded): their
rows are "loaded" or "not". CheckThat marks subjectivity only, so its rows
(``Record.marks_loaded`` false) are no evidence that a sentence is not loaded
and do not train the head; they, and any pseudo-labelled pool rows, train the
three-way model only.

A head row whose sentence other annotator groups labelled differently (BABE's
SG1 and MBIC label sets, ``Record.other_bias``) counts ``disagreement_weight``
(default 0.5) per disagreeing group: the nested check in
``training/experiments/exp19_head_nested.py`` preferred it to unit weights in
every outer training fold (RESULTS.md row 60).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from model.heads import TwoHeadClassifier
from training.corpora import Record
from training.numerics import single_threaded

_VECTORS: dict = {}
MIN_PER_CLASS = 5  # the head's out-of-fold log-odds use 5 folds
DISAGREEMENT_WEIGHT = 0.5


def head_targets(records: list[Record]) -> list[str | None]:
    """Per record: ``"loaded"`` / ``"not"`` when its corpus marks loaded sentences, else ``None``."""
    return [("loaded" if r.label == "loaded" else "not") if r.marks_loaded else None for r in records]


def head_weights(records: list[Record], disagreement_weight: float = DISAGREEMENT_WEIGHT) -> np.ndarray:
    """Per record: ``disagreement_weight`` to the power of the number of ``other_bias`` labels unlike its own.

    Raises
    ------
    ValueError
        When ``disagreement_weight`` is not in (0, 1].
    """
    if not 0.0 < disagreement_weight <= 1.0:
        raise ValueError(f"disagreement_weight must be in (0, 1] (1 turns the down-weighting off), "
                         f"got {disagreement_weight}")
    return np.array([disagreement_weight ** sum(o != r.bias for o in r.other_bias) for r in records], dtype=float)


def heads_problem(records: list[Record]) -> str | None:
    """Why a loaded head cannot be fitted on ``records`` (None when it can)."""
    counts = Counter(t for t in head_targets(records) if t is not None)
    if counts["loaded"] < MIN_PER_CLASS or counts["not"] < MIN_PER_CLASS:
        return (f"a loaded head needs at least {MIN_PER_CLASS} loaded and {MIN_PER_CLASS} not-loaded sentences "
                f"from corpora whose scheme has a loaded class; got {counts['loaded']} and {counts['not']}")
    if len({r.label for r in records}) < 3:
        return "a two-head model needs all three labels (factual, opinion, loaded) in the training data"
    return None


def head_summary(records: list[Record]) -> dict:
    """Sizes of the head's training rows, by source (for the manifest; no text)."""
    targets = head_targets(records)
    rows = [(r.source, t) for r, t in zip(records, targets) if t is not None]
    weights = head_weights(records)
    return {"head_rows": len(rows), "head_loaded": sum(t == "loaded" for _, t in rows),
            "head_sources": sorted({s for s, _ in rows}),
            "head_down_weighted": int(sum(w < 1 for w, t in zip(weights, targets) if t is not None))}


@single_threaded
def fit_two_heads(records: list[Record], seed: int = 0, span_dir: Path | str | None = None,
                  extra_texts=(), extra_labels=(), sample_weight=None, word_vectors: Path | str | None = None,
                  disagreement_weight: float = DISAGREEMENT_WEIGHT, **params) -> TwoHeadClassifier:
    """Fit a :class:`TwoHeadClassifier` on ``records`` (+ extra three-way rows, e.g. the distillation pool).

    Parameters
    ----------
    records : list of Record
        Gold sentences; head rows and ``biased_words`` come from them.
    seed : int
        Random state.
    span_dir : path, optional
        Folder of the shared corpora for the static span tables (see :func:`training.wordtables.span_tables`).
    extra_texts, extra_labels : sequences
        More three-way training rows (never head rows, no word-level supervision).
    sample_weight : array-like, optional
        Weights of the three-way model's rows (records first, then extras); with
        it the model uses no class weights of its own.
    **params
        :class:`TwoHeadClassifier` parameters.

    Raises
    ------
    ValueError
        When :func:`heads_problem` finds the records unfit for a loaded head.
    training.word_vectors.WordVectorError
        When ``word_vectors`` names a missing or malformed file.
    """
    from training.train import DEFAULT_DATA_DIR
    from training.wordtables import biased_word_lists, span_tables

    problem = heads_problem(records)
    if problem:
        raise ValueError(problem)
    row_weights = head_weights(records, disagreement_weight)
    extra_texts, extra_labels = list(extra_texts), list(extra_labels)
    if len(extra_texts) != len(extra_labels):
        raise ValueError(f"{len(extra_texts)} extra texts but {len(extra_labels)} extra labels")
    texts = [r.text for r in records] + extra_texts
    labels = [r.label for r in records] + extra_labels
    extra_none = [None] * len(extra_texts)
    model = TwoHeadClassifier(seed=seed, class_weight=None if sample_weight is not None else "balanced", **params)
    return model.fit(texts, labels, sample_weight=None if sample_weight is None else np.asarray(sample_weight),
                     head_target=head_targets(records) + extra_none,
                     head_weight=np.r_[row_weights, np.ones(len(extra_texts))],
                     biased_words=biased_word_lists(records) + extra_none,
                     span_tables=span_tables(DEFAULT_DATA_DIR if span_dir is None else span_dir),
                     word_vectors=vectors_for(word_vectors))


def vectors_for(path: Path | str | None):
    """The word vectors at ``path`` (default: the committed file, or None when it is absent), cached per file."""
    from training import word_vectors as wv

    path = Path(path) if path is not None else wv.DEFAULT_VECTORS
    if path == wv.DEFAULT_VECTORS and not path.exists():
        return None
    key = (str(path.resolve()), path.stat().st_mtime_ns if path.exists() else 0)
    if key not in _VECTORS:
        _VECTORS[key] = wv.load(path)
    return _VECTORS[key]
