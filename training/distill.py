"""Build a pseudo-label table: one fine-tuned teacher per training set, each labelling the pool.

The training sets are those of the evaluation protocols (CheckThat's train
split, each of the five BABE folds' train split) and the shipped model's
training set; sets that are equal (same :func:`training.pseudo.fingerprint`)
share a teacher. Each teacher sees its gold training set only, so a student
evaluated on a protocol split learns nothing, directly or through the
teacher, from that split's test sentences.

The table is saved after every teacher, and a rerun skips the sets already in
it, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import logging
import platform
import time
from datetime import datetime, timezone
from pathlib import Path

from training.corpora import Record, deduplicate
from training.evaluate import babe_folds, checkthat_selection_split, checkthat_split
from training.pool import build_pool, pool_keys
from training.pseudo import DEFAULT_TABLE, PseudoLabels, fingerprint
from training.train import shared_training_records

log = logging.getLogger(__name__)


def training_sets(data_dir: Path, selection: bool = False) -> list[tuple[str, list[Record]]]:
    """(name, records) of every training set a student is fitted on by ``slant evaluate`` and ``slant train``.

    With ``selection``, also ``checkthat-selection`` (CheckThat train + BABE SG2, tested on CheckThat dev),
    the split the distillation settings were chosen on (``training/experiments/exp13_distill.py``).
    """
    sets = [("checkthat-train", checkthat_split(data_dir)[0])]
    sets += [(f"babe-fold-{k}", train) for k, (_, train, _) in enumerate(babe_folds(data_dir))]
    sets.append(("shipped", shared_training_records(data_dir)))
    if selection:
        sets.append(("checkthat-selection", checkthat_selection_split(data_dir)[0]))
    return sets


def distill(data_dir: Path, out: Path = DEFAULT_TABLE, only: list[str] | None = None, threads: int | None = None,
            seed: int = 0) -> PseudoLabels:
    """Fine-tune the missing teachers and write their pool probabilities into ``out``; return the table."""
    from training.teacher import RECIPE, Teacher, check_available  # torch is imported only here

    check_available()
    data_dir, out = Path(data_dir), Path(out)
    pool = build_pool(data_dir)
    keys = pool_keys(pool)
    if out.exists():
        table = PseudoLabels.load(out)
        table.check_pool(keys)
    else:
        table = PseudoLabels(keys, meta={"recipe": RECIPE, "pool_sentences": len(pool)})
    for name, records in training_sets(data_dir, selection=bool(only and "checkthat-selection" in only)):
        if only and name not in only:
            continue
        key = fingerprint(records)
        if key in table.probs:
            log.info("%s: teacher %s already in the table", name, key)
            table.meta["sets"][key].setdefault("also", [])
            if name != table.meta["sets"][key]["name"] and name not in table.meta["sets"][key]["also"]:
                table.meta["sets"][key]["also"].append(name)
                table.save(out)
            continue
        kept, _, _ = deduplicate(records)
        started = time.perf_counter()
        log.info("%s: fine-tuning a teacher on %d sentences", name, len(kept))
        teacher = Teacher(seed=seed, threads=threads).fit([r.text for r in kept], [r.label for r in kept])
        fitted = time.perf_counter()
        probs = teacher.predict_proba(pool)
        import torch
        import transformers
        table.add(key, probs, {"name": name, "sentences": len(kept), "seed": seed,
                               "fit_seconds": round(fitted - started, 1),
                               "label_seconds": round(time.perf_counter() - fitted, 1),
                               "created": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
                               "versions": {"torch": torch.__version__, "transformers": transformers.__version__,
                                            "python": platform.python_version()}})
        table.save(out)
        log.info("%s: done in %.0f s, saved to %s", name, time.perf_counter() - started, out)
    return table

