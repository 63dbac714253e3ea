"""Avenue 1: baselines of training/evaluate.py (fit_naive) and training/train.py (fit, stub cues)."""
from common import Wrap, ev, run_both
from training.train import fit

run_both("naive (word1-2 + char_wb2-5, LR C=4 balanced, 3-way)", lambda: Wrap(ev.fit_naive), "exp01_baselines.py")
run_both("fit (model/features.py, stub cues, 3-way)", lambda: Wrap(fit), "exp01_baselines.py")
