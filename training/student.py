"""Fit the Slant pipeline on gold sentences plus teacher-labelled pool sentences (distillation).

The student is the two-head Slant model (:mod:`training.heads`; or, with
``heads=False``, the single pipeline of :func:`model.features.build_pipeline`):
nothing about the pool changes inference. What changes is its training data: the gold
records, plus every pool sentence (:mod:`training.pool`) on which the
teacher fine-tuned on *exactly these gold records* (:mod:`training.pseudo`)
is at least ``min_confidence`` sure, labelled with the teacher's top class.

Sample weights: a gold sentence of class *c* weighs ``n / (3 · n_c)`` with
the counts taken over the gold records only (scikit-learn's "balanced"
rule), a pool sentence ``weight`` times the weight of its pseudo-label's
class (``balance="gold"``, the shipped setting) or so that each pseudo-class
of the pool weighs as much in total as each gold class (``balance="pool"``).
Settings were chosen on CheckThat dev (``docs/distillation.md``). The pool rows
train the three-way model only; the loaded head learns from gold rows alone.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from model.features import build_pipeline
from model.pipeline import LABELS
from training.corpora import CorpusError, Record, normalise
from training.numerics import single_threaded
from training.pool import build_pool, pool_keys
from training.pseudo import DEFAULT_TABLE, PseudoLabels, select
from training.train import DEFAULT_DATA_DIR, _widen

DEFAULT_WEIGHT, DEFAULT_MIN_CONFIDENCE, DEFAULT_BALANCE = 1.0, 0.9, "gold"
_POOLS: dict[str, list[str]] = {}
_TABLES: dict[str, PseudoLabels] = {}


def load_pool(data_dir: Path, table: PseudoLabels) -> list[str]:
    """The pool of ``data_dir`` (cached per folder), checked against the table's pool keys."""
    key = str(Path(data_dir).resolve())
    if key not in _POOLS:
        _POOLS[key] = build_pool(data_dir)
    table.check_pool(pool_keys(_POOLS[key]))
    return _POOLS[key]


def load_table(path: Path | str = DEFAULT_TABLE) -> PseudoLabels:
    """The pseudo-label table at ``path`` (cached per path)."""
    key = str(Path(path).resolve())
    if key not in _TABLES:
        _TABLES[key] = PseudoLabels.load(path)
    return _TABLES[key]


def distilled_training_data(records: list[Record], table: PseudoLabels, data_dir: Path,
                            weight: float = DEFAULT_WEIGHT, min_confidence: float = DEFAULT_MIN_CONFIDENCE,
                            balance: str = DEFAULT_BALANCE):
    """Texts, labels and sample weights of gold + selected pool sentences, and a summary (no text).

    ``balance="gold"``: a pool sentence of class *c* weighs ``weight`` × the gold
    weight of *c*. ``balance="pool"``: the pool sentences of each class weigh
    ``weight`` × (gold sentences / 3) in total, like the gold classes do, so the
    pool as a whole weighs ``weight`` × the gold data and is class-balanced.
    """
    if weight < 0:
        raise ValueError(f"pseudo-label weight must be >= 0, got {weight}")
    if balance not in ("gold", "pool"):
        raise ValueError(f'balance must be "gold" or "pool", got {balance!r}')
    probs = table.for_training_set(records)
    pool = load_pool(data_dir, table)
    rows, top = select(probs, min_confidence)
    gold_keys = {normalise(r.text) for r in records}
    rows_kept = [(i, c) for i, c in zip(rows, top) if normalise(pool[i]) not in gold_keys]
    y_gold = np.array([LABELS.index(r.label) for r in records])
    counts = np.bincount(y_gold, minlength=len(LABELS)).astype(float)
    class_weight = len(y_gold) / (len(LABELS) * np.maximum(counts, 1.0))
    texts = [r.text for r in records] + [pool[i] for i, _ in rows_kept]
    y_idx = np.concatenate([y_gold, np.array([c for _, c in rows_kept], dtype=int)])
    y_pool = y_idx[len(y_gold):]
    if balance == "gold":
        pool_weight = weight * class_weight[y_pool]
    else:
        pool_counts = np.bincount(y_pool, minlength=len(LABELS)).astype(float)
        pool_weight = weight * len(y_gold) / (len(LABELS) * np.maximum(pool_counts, 1.0))[y_pool]
    sample_weight = np.concatenate([class_weight[y_gold], pool_weight])
    labels = [LABELS[i] for i in y_idx]
    summary = {"pool_sentences": len(pool), "pool_sentences_used": len(rows_kept), "weight": weight,
               "min_confidence": min_confidence, "balance": balance,
               "pool_labels": {LABELS[c]: int(n) for c, n in enumerate(np.bincount(y_idx[len(y_gold):],
                                                                                   minlength=len(LABELS)))}}
    return texts, labels, sample_weight, summary


@single_threaded
def fit_distilled(records: list[Record], seed: int = 0, table: PseudoLabels | Path | str | None = None,
                  data_dir: Path | str | None = None, weight: float = DEFAULT_WEIGHT,
                  min_confidence: float = DEFAULT_MIN_CONFIDENCE, balance: str = DEFAULT_BALANCE, heads: bool = True,
                  **params):
    """Fit the Slant model on ``records`` plus the pool as labelled by their teacher.

    ``heads``: fit the two-head model (:func:`training.heads.fit_two_heads`), else the single pipeline.

    Raises
    ------
    training.pseudo.PseudoLabelError
        When the table has no teacher for exactly these records, or its pool is not the data directory's.
    ValueError
        When ``params`` ask for the learned word table (``word_table_scale``), which this fitter does not route,
        or the records cannot train a loaded head (:func:`training.heads.heads_problem`).
    """
    if params.get("word_table_scale"):
        raise ValueError("fit_distilled does not support word_table_scale; use training.train.fit")
    if len({r.label for r in records}) < 2:
        raise ValueError("training needs at least two labels")
    table = table if isinstance(table, PseudoLabels) else load_table(table or DEFAULT_TABLE)
    data_dir = Path(data_dir or DEFAULT_DATA_DIR)
    texts, labels, sample_weight, summary = distilled_training_data(
        records, table, data_dir, weight, min_confidence, balance)
    if heads:
        from training.heads import fit_two_heads
        n = len(records)
        model = fit_two_heads(records, seed=seed, span_dir=data_dir, extra_texts=texts[n:], extra_labels=labels[n:],
                              sample_weight=sample_weight, **params)
        model.distillation_ = summary
        return model
    pipeline = build_pipeline(seed=seed, **params)
    pipeline.set_params(classifier__class_weight=None)
    pipeline.fit(texts, labels, classifier__sample_weight=sample_weight)
    pipeline.distillation_ = summary  # recorded in the manifest by the CLI
    return _widen(pipeline)


def gold_fitter(records: list[Record], data_dir: Path | str | None = None, heads: bool = True):
    """The gold-only fitter: two heads when ``heads`` and the records allow a loaded head, else the single pipeline.

    Returns ``(fitter, note)``; the note says which model and why.
    """
    import functools

    from training.heads import fit_two_heads, heads_problem
    from training.train import fit

    if not heads:
        return fit, "single three-way model (--single-model)"
    problem = heads_problem(records)
    if problem:
        return fit, f"single three-way model: {problem}"
    return functools.partial(fit_two_heads, span_dir=data_dir), "two-head model (three-way + loaded head)"


def recipe_for(spec: str, records: list[Record], data_dir: Path | str | None = None,
               weight: float = DEFAULT_WEIGHT, min_confidence: float = DEFAULT_MIN_CONFIDENCE, heads: bool = True):
    """Choose the fitter for ``records`` from a ``--pseudo-labels`` value.

    ``none`` → gold only; ``auto`` → distil with the shipped table when it has a
    teacher for exactly these records, else gold only; a path → distil with that
    table (an error if it has no teacher for these records). ``heads``: the
    two-head model where the records allow it (:func:`gold_fitter`).

    Returns
    -------
    fitter, info, note
        ``fitter(records, seed=...)``; ``info`` for the manifest (None when not
        distilling); ``note`` a one-line explanation for the user.
    """
    import functools
    import hashlib

    from training.heads import heads_problem
    from training.pseudo import PseudoLabelError, fingerprint

    fit, kind = gold_fitter(records, data_dir, heads)
    if spec == "none":
        return fit, None, f"no distillation (--pseudo-labels none): fitting on the gold sentences only; {kind}"
    path = DEFAULT_TABLE if spec == "auto" else Path(spec)
    key = fingerprint(records)
    if spec == "auto":
        if not path.exists():
            return fit, None, f"no pseudo-label table at {path}: fitting on the gold sentences only; {kind}"
        if key not in load_table(path).probs:
            return fit, None, (f"the pseudo-label table has no teacher for this training set (fingerprint {key}): "
                               f"fitting on the gold sentences only ('slant distill' can add one); {kind}")
    table = load_table(path)
    table.for_training_set(records)  # raises PseudoLabelError naming the sets it has
    data_dir = Path(data_dir or DEFAULT_DATA_DIR)
    try:
        load_pool(data_dir, table)
    except CorpusError as exc:  # the pool is rebuilt from the shared corpora
        raise PseudoLabelError(f"distillation needs the unlabelled pool from {data_dir}: {exc}") from None
    heads = heads and heads_problem(records) is None
    fitter = functools.partial(fit_distilled, table=table, data_dir=data_dir, weight=weight,
                               min_confidence=min_confidence, heads=heads)
    info = {"table": path.name, "table_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
            "teacher": key, "teacher_recipe": table.meta.get("recipe", {}), "weight": weight,
            "min_confidence": min_confidence}
    return fitter, info, (f"distilling from teacher {key} in {path.name} (weight {weight}, confidence >= "
                          f"{min_confidence}); {kind}")


def distilled_protocol_fitter(spec: str, data_dir: Path | str | None, weight: float = DEFAULT_WEIGHT,
                              min_confidence: float = DEFAULT_MIN_CONFIDENCE, heads: bool = True):
    """The distilled fitter for the evaluation protocols (each split finds its own teacher in the table)."""
    import functools

    path = DEFAULT_TABLE if spec in ("auto", "none") else Path(spec)
    return functools.partial(fit_distilled, table=load_table(path), data_dir=Path(data_dir or DEFAULT_DATA_DIR),
                             weight=weight, min_confidence=min_confidence, heads=heads)
