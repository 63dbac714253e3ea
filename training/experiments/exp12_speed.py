"""Inference cost of the ens-ABC recipe (fit on all training data, time proba on ~20k sentences),
broken down by block; plus artifact-relevant sizes."""
import time, sys
import numpy as np
from common import CT_TRAIN, CT_DEV, SG2
from exp11_final import Ens
from feats import lex_block, emb_block, table_feats

recs = CT_TRAIN + CT_DEV + SG2
m = Ens("ABC").fit(recs)
texts = [r.text for r in recs] * 5
t = time.time(); m.proba(texts); tot = time.time() - t
print(f"ensABC proba: {len(texts)} sentences in {tot:.2f}s = {len(texts)/tot:.0f} sent/s (single process)")
for name, fn in (("word", lambda: m.vec["word"].transform(texts)), ("char25", lambda: m.vec["char25"].transform(texts)),
                 ("lex", lambda: lex_block(texts)), ("emb", lambda: emb_block(texts)),
                 ("bw tables", lambda: table_feats(texts, m.bw_tab)), ("bwE table", lambda: table_feats(texts, m.bwe_tab))):
    t = time.time(); fn(); print(f"  {name}: {len(texts)/(time.time()-t):.0f} sent/s")
print("vocab sizes:", {k: len(v.vocabulary_) for k, v in m.vec.items()}, "bw table", len(m.bw_tab), "bwE table", len(m.bwe_tab))
