"""CheckThat selection split for the word-vector settings: how the three-way model stacks the loaded head.

Trains on CheckThat train + BABE SG2 with the selection teacher's pool labels and scores CheckThat dev
(factual vs not; dev_test untouched) for: no vector block, the block stacked into the three-way model
(``stack_vectors=True``) and the shipped setting (a vector-free head stacked, ``stack_vectors=False``),
with the head rows weighted by annotator agreement (the default since RESULTS.md row 60) and, for
comparison, with unit head-row weights (``disagreement_weight=1``, the setting before row 60).

Usage: .venv/bin/python training/experiments/exp17_stack_ctdev.py [DATA_DIR [NAME_PART ...]]
(about 100 s per setting; NAME_PARTs keep only the settings whose name contains one of them)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sklearn.metrics import f1_score  # noqa: E402

from training.evaluate import checkthat_selection_split  # noqa: E402
from training.student import fit_distilled  # noqa: E402
from training.train import DEFAULT_DATA_DIR  # noqa: E402

SELECTION_TABLE = Path(__file__).resolve().parent / "pseudo-labels-selection.npz"
SETTINGS = {"no vector block": {"vector_scale": 0.0}, "vectors, stacked": {"stack_vectors": True},
            "vectors, vector-free head stacked (shipped)": {"stack_vectors": False},
            "shipped with unit head-row weights": {"stack_vectors": False, "disagreement_weight": 1.0}}


def main(data_dir: Path, only=()):
    train, test = checkthat_selection_split(data_dir)
    truth = [r.label == "factual" for r in test]
    for name, params in SETTINGS.items():
        if only and not any(part in name for part in only):
            continue
        model = fit_distilled(train, table=SELECTION_TABLE, data_dir=data_dir, **params)
        predicted = [label == "factual" for label in model.predict([r.text for r in test])]
        print(f"{name:45s} CheckThat dev macro-F1 {f1_score(truth, predicted, average='macro'):.4f}", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DATA_DIR, sys.argv[2:])
