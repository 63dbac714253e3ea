"""Figures of models trained on (a) the starter corpus, (b) the shared corpora, (c) both.

    python -m bench.retrain_figures [--data-dir ../shared/corpora]

All three are measured on the shared evaluation splits (``docs/evaluation.md``):
CheckThat ``dev_test`` macro-F1 (factual vs opinion-or-loaded) and BABE SG2
loaded-vs-not and three-way macro-F1. (a) never saw BABE, so it is scored on all
of SG2; (b) and (c) use the 5-fold protocol, with the starter corpus added to
every training fold for (c).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from model.pipeline import LABELS
from training.corpora import read_babe, read_checkthat, read_labelled_file
from training.evaluate import babe_protocol, checkthat_protocol, report
from training.train import DEFAULT_DATA_DIR, fit

STARTER = Path(__file__).resolve().parents[1] / "training" / "data" / "starter.csv"


def starter_only(data_dir: Path, starter) -> tuple[float, float, float]:
    """(a): fit on the starter corpus, score CheckThat dev_test and all of BABE SG2."""
    model = fit(starter, seed=0)
    test = read_checkthat(data_dir / "checkthat2025_en" / "dev_test_en.tsv")
    subj = lambda label: "factual" if label == "factual" else "subjective"  # noqa: E731
    ct = report([subj(r.label) for r in test], [subj(p) for p in model.predict([r.text for r in test])],
                ("factual", "subjective"))["macro_f1"]
    babe = [r for r in read_babe(data_dir / "babe" / "final_labels_SG2.csv") if r.bias in ("Biased", "Non-biased")]
    pred = [str(p) for p in model.predict([r.text for r in babe])]
    loaded = lambda label: "loaded" if label == "loaded" else "not"  # noqa: E731
    lvn = report([loaded(r.label) for r in babe], [loaded(p) for p in pred], ("loaded", "not"))["macro_f1"]
    return ct, lvn, report([r.label for r in babe], pred, LABELS)["macro_f1"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    data_dir = parser.parse_args().data_dir
    starter = read_labelled_file(STARTER)
    rows = [("(a) starter corpus alone", *starter_only(data_dir, starter))]
    for name, extra in (("(b) shared corpora", None), ("(c) shared + starter", starter)):
        ct = checkthat_protocol(data_dir, seed=0, extra_records=extra)
        babe = babe_protocol(data_dir, seed=0, extra_records=extra)
        rows.append((name, ct["macro_f1"], babe["loaded_vs_not"]["macro_f1"], babe["three_way"]["macro_f1"]))
    print(f"{'training data':28}{'CheckThat F1':>14}{'BABE loaded':>14}{'BABE 3-way':>14}")
    for name, ct, lvn, three in rows:
        print(f"{name:28}{ct:14.3f}{lvn:14.3f}{three:14.3f}")


if __name__ == "__main__":
    main()
