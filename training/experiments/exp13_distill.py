"""Distillation settings, chosen on CheckThat dev (never dev_test), then the chosen one on the protocols.

Selection: students fitted on CheckThat train + BABE SG2 (+ the pool labelled by the teacher fine-tuned
on exactly that set), tested on CheckThat dev, factual vs not. The teacher's pool probabilities come
from a table made by ``slant distill --set checkthat-selection --out TABLE`` (torch needed once).

Usage (from the repository root):
    .venv/bin/python training/experiments/exp13_distill.py select TABLE [DATA_DIR]
    .venv/bin/python training/experiments/exp13_distill.py protocols [DATA_DIR]   # the shipped table, all settings
Prints one line per setting: macro-F1 (and, for ``protocols``, BABE loaded-vs-not / three-way).
"""

from __future__ import annotations

import functools
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from training.evaluate import (_checkthat_result, _probabilities, checkthat_selection_split,  # noqa: E402
                               run_protocols)
from training.pseudo import DEFAULT_TABLE, PseudoLabels  # noqa: E402
from training.student import fit_distilled  # noqa: E402
from training.train import DEFAULT_DATA_DIR, fit  # noqa: E402

#: (name, weight, min_confidence, balance); None = gold only.
SETTINGS = [("gold only", None, None, None),
            ("hard w0.3 c0.7 gold-balanced", 0.3, 0.7, "gold"),
            ("hard w1 c0.7 gold-balanced", 1.0, 0.7, "gold"),
            ("hard w1 c0.7 pool-balanced", 1.0, 0.7, "pool"),
            ("hard w3 c0.7 pool-balanced", 3.0, 0.7, "pool"),
            ("hard w1 c0.9 gold-balanced", 1.0, 0.9, "gold")]


def fitter_for(weight, confidence, balance, table, data_dir):
    if weight is None:
        return fit
    return functools.partial(fit_distilled, table=table, data_dir=data_dir, weight=weight,
                             min_confidence=confidence, balance=balance)


def select(table_path: Path, data_dir: Path) -> None:
    table = PseudoLabels.load(table_path)
    train, test = checkthat_selection_split(data_dir)
    for name, weight, confidence, balance in SETTINGS:
        started = time.perf_counter()
        proba = _probabilities(fitter_for(weight, confidence, balance, table, data_dir), train,
                               [r.text for r in test], 0, {})
        result = _checkthat_result(test, proba, 0, len(train))
        print(f"{name:34s} CheckThat dev macro-F1 {result['macro_f1']:.4f} "
              f"(CI {result['ci95'][0]:.3f}-{result['ci95'][1]:.3f}) [{time.perf_counter() - started:.0f} s]",
              flush=True)


def protocols(data_dir: Path) -> None:
    table = PseudoLabels.load(DEFAULT_TABLE)
    systems = {name: fitter_for(w, c, b, table, data_dir) for name, w, c, b in SETTINGS}
    results = run_protocols(data_dir, systems, n_jobs=2)
    for name, r in results.items():
        print(f"{name:34s} CT dev_test {r['checkthat']['macro_f1']:.4f} "
              f"BABE-L {r['babe']['loaded_vs_not']['macro_f1']:.4f} 3-way {r['babe']['three_way']['macro_f1']:.4f}",
              flush=True)


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in ("select", "protocols"):
        sys.exit(__doc__)
    if sys.argv[1] == "select":
        select(Path(sys.argv[2]), Path(sys.argv[3]) if len(sys.argv) > 3 else DEFAULT_DATA_DIR)
    else:
        protocols(Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_DATA_DIR)
