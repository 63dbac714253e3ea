"""Fit a Slant model and write it as a verified model directory."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import joblib
import numpy as np

from model.artifact import CLASSIFIER_FILE, DEFAULT_MODEL_DIR, PUNKT_FILE, SCORER_FILE, write_manifest
from model.compile import save_scorer
from model.features import build_pipeline
from training.corpora import Record, deduplicate, read_babe, read_checkthat
from training.numerics import single_threaded

log = logging.getLogger(__name__)
DEFAULT_DATA_DIR = Path(os.environ.get("SLANT_DATA_DIR", Path(__file__).resolve().parents[2] / "shared" / "corpora"))


def default_corpora(data_dir: Path) -> list[str]:
    """The corpus specs the shipped model is trained on."""
    return [f"babe:{Path(data_dir) / 'babe' / 'final_labels_SG2.csv'}", f"checkthat:{Path(data_dir) / 'checkthat2025_en'}"]


def shared_training_records(data_dir: Path) -> list[Record]:
    """BABE SG2 (three-way) and CheckThat train + dev (never ``dev_test``)."""
    data_dir = Path(data_dir)
    return read_babe(data_dir / "babe" / "final_labels_SG2.csv") + read_checkthat(data_dir / "checkthat2025_en")


@single_threaded
def fit(records: list[Record], seed: int = 0, span_dir: Path | str | None = None, **params):
    """Fit the Slant pipeline on ``records``.

    When the pipeline has the learned loaded-word table block (``bw``,
    ``word_table_scale > 0``), its word-level supervision is built here and
    routed to it with scikit-learn metadata routing: the ``biased_words`` of
    *these* records only (BABE rows; other rows carry none) and the static
    span tables of :func:`training.wordtables.span_tables`. Nothing else in
    the pipeline receives them.

    Parameters
    ----------
    records : list of Record
        Training sentences with labels in ``factual/opinion/loaded``.
    seed : int
        Random state of the classifier.
    span_dir : path, optional
        Folder of the shared corpora holding ``basil/`` and ``semeval2020_ptc/``
        for the span tables (default :data:`DEFAULT_DATA_DIR`; missing → no span tables).
    **params
        Passed to :func:`model.features.build_pipeline`.
    """
    labels = {r.label for r in records}
    if len(labels) < 2:
        raise ValueError(f"training needs at least two labels, got {sorted(labels) or 'none'}")
    pipeline = build_pipeline(seed=seed, **params)
    texts, y = [r.text for r in records], [r.label for r in records]
    if "bw" not in dict(pipeline.named_steps["features"].transformer_list):
        return _widen(pipeline.fit(texts, y))
    from sklearn import config_context

    from training.wordtables import biased_word_lists, span_tables
    with config_context(enable_metadata_routing=True):
        return _widen(pipeline.fit(texts, y, biased_words=biased_word_lists(records),
                                   span_tables=span_tables(DEFAULT_DATA_DIR if span_dir is None else span_dir)))


def _widen(pipeline):
    """Store the classifier's weights as float64 (they are fitted as float32 on float32 features).

    ``X @ coef_.T`` is then summed in float64, so the decision no longer depends on
    the order of a float32 sum: the compiled scorer (:mod:`model.scorer`) agrees with
    this reference to ~1e-12 whatever order it adds features in.
    """
    clf = pipeline.steps[-1][1]
    clf.coef_, clf.intercept_ = clf.coef_.astype(np.float64), clf.intercept_.astype(np.float64)
    return pipeline


def data_summary(records: list[Record]) -> dict:
    """Sizes, label counts and a content hash of the training data (no text)."""
    by_source = Counter(r.source for r in records)
    digest = hashlib.sha256()
    for r in records:
        digest.update(f"{r.label}\t{r.text}\n".encode("utf-8", "surrogatepass"))
    return {"sentences": len(records), "labels": dict(sorted(Counter(r.label for r in records).items())),
            "sources": dict(sorted(by_source.items())), "sha256": digest.hexdigest()}


def save_model(estimator, out_dir: Path, info: dict, punkt_path: Path | None = None) -> dict:
    """Write ``estimator`` + Punkt parameters + manifest into ``out_dir`` atomically.

    The files are written to a temporary directory beside ``out_dir`` and moved
    in only when complete, so an interrupted save never leaves a half-written model.
    """
    out_dir = Path(out_dir)
    punkt_path = Path(punkt_path) if punkt_path else DEFAULT_MODEL_DIR / PUNKT_FILE
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".slant-", dir=out_dir))
    try:
        joblib.dump(estimator, staging / CLASSIFIER_FILE, compress=("zlib", 6))
        try:
            save_scorer(estimator, staging / SCORER_FILE)
        except ValueError as exc:  # a pipeline shape the compiled scorer does not support
            log.warning("no %s for this pipeline (it will serve through scikit-learn): %s", SCORER_FILE, exc)
        if punkt_path.resolve() != (staging / PUNKT_FILE).resolve():
            shutil.copyfile(punkt_path, staging / PUNKT_FILE)
        manifest = write_manifest(staging, info)
        from training.model_card import write_model_card
        write_model_card(staging, manifest)
        if not (staging / SCORER_FILE).exists() and (out_dir / SCORER_FILE).exists():
            os.remove(out_dir / SCORER_FILE)  # the old scorer belongs to the old model
        for name in (CLASSIFIER_FILE, SCORER_FILE, PUNKT_FILE, "MODEL_CARD.md", "manifest.json"):
            if (staging / name).exists():
                os.replace(staging / name, out_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def train_and_save(records: list[Record], out_dir: Path, seed: int = 0, name: str = "slant",
                   metrics: dict | None = None, corpora: list[str] | None = None,
                   punkt_path: Path | None = None, evaluation: dict | None = None,
                   dropped: tuple[int, int] | None = None, extra: dict | None = None, estimator=None,
                   **params) -> dict:
    """De-duplicate, fit and save; return the manifest.

    ``evaluation`` (held-out report, see :mod:`training.holdout`) is recorded
    under the manifest key ``evaluation``; ``dropped`` overrides the
    (duplicates, conflicts) counts when the caller de-duplicated already;
    ``extra`` is merged into the ``training`` section; ``estimator``, if
    given, is an already fitted pipeline for exactly these records.
    """
    kept, duplicates, conflicts = deduplicate(records)
    if dropped is not None:
        duplicates, conflicts = duplicates + dropped[0], conflicts + dropped[1]
    started = time.perf_counter()
    if estimator is None:
        estimator = fit(kept, seed=seed, **params)
    info = {
        "name": name, "labels": ["factual", "opinion", "loaded"], "decision_rule": "argmax",
        "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "training": {**data_summary(kept), "corpora": corpora or [], "duplicates_dropped": duplicates,
                     "conflicting_texts_dropped": conflicts, "seed": seed, "params": params,
                     "fit_seconds": round(time.perf_counter() - started, 2), **(extra or {})},
        "metrics": metrics or {},
    }
    if evaluation:
        info["evaluation"] = evaluation
    return save_model(estimator, out_dir, info, punkt_path=punkt_path)
