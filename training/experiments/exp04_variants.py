"""Avenues 2/3: heads with CT rows as loaded-head negatives; lexicon + learned loaded-word blocks."""
import sys, json
from feats import Recipe
from probs import get_probs, scores

V = {
    "heads_lct": lambda: Recipe(mode="heads", loaded_sources=("babe", "checkthat")),
    "heads_lctobj": lambda: Recipe(mode="heads", loaded_sources=("babe", "checkthat"), loaded_ct_obj_only=True),
    "heads_lct_lex": lambda: Recipe(mode="heads", loaded_sources=("babe", "checkthat"), lex=0.3),
    "heads_lct_bw": lambda: Recipe(mode="heads", loaded_sources=("babe", "checkthat"), bw=0.3),
    "heads_lct_lex_bw": lambda: Recipe(mode="heads", loaded_sources=("babe", "checkthat"), lex=0.3, bw=0.3),
}
for name in sys.argv[1:] or V:
    res = get_probs(name, V[name])
    for tl, ts in ((0.5, 0.5), (0.5, 0.6), (0.6, 0.6)):
        print(json.dumps({"variant": name, "t_loaded": tl, "t_subj": ts, **scores(res, t_loaded=tl, t_subj=ts)}), flush=True)
