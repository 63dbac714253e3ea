"""Avenue 2: one 3-way LR vs two binary heads (subj head: CT + BABE opinion axis; loaded head: BABE bias)."""
import sys
from common import run_both
from feats import Recipe
S = "exp02_heads.py"
which = sys.argv[1:] or ["3way", "heads", "heads_ctonly"]
if "3way" in which:
    run_both("3way LR word+char_wb2-5 (my Recipe, C=4)", lambda: Recipe(mode="3way"), S)
if "heads" in which:
    run_both("heads: subj(CT+BABE) + loaded(BABE), t=0.5/0.5", lambda: Recipe(mode="heads"), S)
if "heads_ctonly" in which:
    run_both("heads: subj(CT only) + loaded(BABE)", lambda: Recipe(mode="heads", subj_sources=("checkthat",)), S)
