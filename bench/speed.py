"""Speed of the naive baseline, the sklearn (reference) Slant path and the compiled fast path, in one run.

Run ``python -m bench.speed [--data-dir ../shared/corpora] [--repeats 5]``. One process,
one thread (BLAS/OpenMP pinned to 1). Sentences are the BABE SG2 ``text`` column and the
CheckThat 2025 English ``sentence`` column, read at run time. The cue cache
(``model.cues._analyse``) is cleared before every timed batch and article, so cue
detection is always paid for. The service's per-sentence result cache is used only in
the row that says so (an article re-checked after one sentence was edited). The fast
path's per-word cache (char n-grams and word tokens of each distinct word) is reported
cold (first batch of a fresh scorer) and warm (median of the repeats).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

from bench import targets  # noqa: E402
from model import cue_decisions, cues  # noqa: E402
from model.artifact import load_model  # noqa: E402
from model.cue_batch import analyse_batch  # noqa: E402
from model.scorer import JOIN, Scorer  # noqa: E402
from model.sentence_cache import SentenceCache  # noqa: E402
from training.corpora import read_babe, read_checkthat  # noqa: E402
from training.evaluate import naive_pipeline  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = 30

CHILD = r"""
import os, sys, time, json
for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"): os.environ[v] = "1"
t0 = time.perf_counter()
from model.artifact import load_model
m = load_model(sys.argv[2] if len(sys.argv) > 2 else None)
if sys.argv[1] == "reference": m.scorer = None
m.classify_text("Warm up. One sentence.")
ready = time.perf_counter() - t0
heavy = sorted({k.split(".")[0] for k in sys.modules} & {"sklearn", "nltk", "joblib", "torch"})
ready_rss = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS:"))
print("ready", flush=True)
sents = json.loads(sys.stdin.read())
for i in range(0, len(sents), 1000):
    m.classify_sentences(sents[i:i + 1000])
# VmHWM, not ru_maxrss: ru_maxrss survives fork + exec, so it would report the parent's peak
hwm = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"load_s": ready, "heavy_imports": heavy, "ready_rss_mb": ready_rss / 1024,
                  "peak_rss_mb": hwm / 1024}), flush=True)
"""


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    return (f"nproc={os.cpu_count()} cpu={cpu!r} python={platform.python_version()} numpy={np.__version__} "
            f"load_avg={os.getloadavg()[0]:.2f}")


def corpus(data_dir: Path):
    records = read_babe(data_dir / "babe") + read_checkthat(data_dir / "checkthat2025_en",
                                                            splits=("train", "dev", "dev_test"))
    return [r.text for r in records], [r.label for r in records]


def timed(fn, repeats, before=None):
    times = []
    for _ in range(repeats):
        if before:
            before()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def cold_cues():
    """Clear every cue cache, so cue detection is paid for in full."""
    cues._analyse.cache_clear()
    cue_decisions._match_categories.cache_clear()


def articles_latency(fn, articles, rounds=3):
    lat = []
    for _ in range(rounds):
        for art in articles:
            cold_cues()
            t = time.perf_counter()
            fn(art)
            lat.append(time.perf_counter() - t)
    return np.percentile(lat, 50) * 1e3, np.percentile(lat, 99) * 1e3


def article_stages(model, articles, rounds=3) -> dict[str, float]:
    """Median ms per 30-sentence article of each step of ``classify_text``, in the order it runs them.

    Cue caches are cleared before each article (as in :func:`articles_latency`); the
    scorer's steps are called one by one, as :meth:`model.scorer.Scorer.decision_function` does.
    """
    fast, times = model.scorer, {}

    def step(name, t0):
        t1 = time.perf_counter()
        times.setdefault(name, []).append(t1 - t0)
        return t1

    for _ in range(rounds):
        for art in articles:
            cold_cues()
            t = time.perf_counter()
            texts = [s for _, _, s in model.split(art)]
            t = step("split", t)
            analyse_batch(texts)
            t = step("cue features", t)
            n, y = len(texts), np.zeros((len(texts), fast.word_coef.shape[1]))
            words = JOIN.join(texts).lower().split()
            t = step("join + lower + split", t)
            ids, matrix, tok_ptr, tok_ids = fast.cache.lookup(words)
            t = step("word-cache lookup", t)
            toks, rows = fast._word_block(y, ids, tok_ptr, tok_ids, n)
            t = step("word n-gram block", t)
            toks, rows, lens = fast._words_only(toks, rows, n)
            if fast.table_rates is not None:
                fast._table_block(y, toks, rows, n, lens)
                t = step("loaded-word table block", t)
            if getattr(fast, "vector_by_token", None) is not None:
                fast._vector_block(y, toks, rows, n, lens)
                t = step("word-vector column", t)
            fast._char_block(y, ids, matrix, n)
            step("char n-gram block", t)
    return {k: statistics.median(v) * 1e3 for k, v in times.items()}


def recheck_latency(model, sents, rounds=3):
    """ms p50 / p99 of ``classify_text`` on an article whose middle sentence was just edited.

    A :class:`~model.sentence_cache.SentenceCache` holds the unedited articles' results
    (as the service's cache does after the first check); cue caches are cleared before each call.
    """
    lat = []
    for _ in range(rounds):
        cache = SentenceCache(100_000)
        for sentences in sents:
            model.classify_text(" ".join(sentences), cache=cache)
        for sentences in sents:
            edited = list(sentences)
            mid = len(edited) // 2
            edited[mid] = "Also, " + edited[mid]
            text = " ".join(edited)
            cold_cues()
            t = time.perf_counter()
            model.classify_text(text, cache=cache)
            lat.append(time.perf_counter() - t)
    return np.percentile(lat, 50) * 1e3, np.percentile(lat, 99) * 1e3


def subprocess_load(mode: str, sentences: list[str], model_dir: Path | None = None) -> dict:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", CHILD, mode, *([str(model_dir)] if model_dir else [])], cwd=ROOT, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    wall = time.perf_counter() - start
    out, _ = proc.communicate(json.dumps(sentences))
    info = json.loads(out.strip().splitlines()[-1])
    info["wall_to_ready_s"] = wall
    return info


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--model", type=Path, default=None, help="model directory (default: the shipped model)")
    args = parser.parse_args(argv)
    threadpool_limits(1)
    print(machine())
    texts, labels = corpus(args.data_dir)
    n = len(texts)
    print(f"sentences: {n} (mean {np.mean([len(t) for t in texts]):.0f} chars)")

    t = time.perf_counter()
    naive = naive_pipeline().fit(texts, labels)
    print(f"naive pipeline fitted in {time.perf_counter() - t:.1f} s")
    model = load_model(args.model)
    fast = model.scorer
    assert fast is not None, "compiled scorer not shipped"

    # equality over ALL sentences
    cold_cues()
    ref = model.reference_scores(texts)
    got = model.scores(texts)
    diff = float(np.abs(ref - got).max())
    mism = int((ref.argmax(1) != got.argmax(1)).sum())
    print(f"equality: max |p_fast - p_ref| = {diff:.3g}, label mismatches = {mism} / {n}")

    # batch throughput
    rates = {}
    rates["naive"] = timed(lambda: naive.predict_proba(texts), args.repeats)
    rates["reference"] = timed(lambda: model.reference_scores(texts), args.repeats, cold_cues)
    model.scorer = Scorer.load(model.model_dir / "scorer.npz")  # fresh, as load_model leaves it
    model.scorer.warm_up()
    cold_cues()
    t = time.perf_counter()
    model.scores(texts)
    cold = n / (time.perf_counter() - t)
    rates["fast"] = timed(lambda: model.scores(texts), args.repeats, cold_cues)
    rates["fast, cue cache warm"] = timed(lambda: model.scores(texts), args.repeats)
    rates["fast full rows (scores+cues+dicts)"] = timed(lambda: model.classify_sentences(texts), args.repeats,
                                                        cold_cues)
    model.scorer = None
    rates["reference full rows"] = timed(lambda: model.classify_sentences(texts), max(1, args.repeats // 2),
                                         cold_cues)
    model.scorer = fast
    per_s = {k: n / statistics.median(v) for k, v in rates.items()}
    print("\nbatch throughput (sentences/s, median of repeats, cue cache cleared unless noted):")
    for k, v in per_s.items():
        print(f"  {k:38s} {v:10,.0f}")
    print(f"  {'fast, first batch of a fresh scorer':38s} {cold:10,.0f}")
    print(f"  ratio fast/naive     = {per_s['fast'] / per_s['naive']:.1f}x")
    print(f"  ratio fast/reference = {per_s['fast'] / per_s['reference']:.1f}x")

    # per-block profile of the fast path (warm word cache, cue cache cleared)
    print("\nfast path per stage (us/sentence, median of repeats):")
    n_cls = fast.word_coef.shape[1]  # decision columns (4 for a two-head model)
    stages = {}
    stages["join + lower + split"] = timed(lambda: JOIN.join(texts).lower().split(), args.repeats)
    words = JOIN.join(texts).lower().split()
    stages["word-cache lookup"] = timed(lambda: fast.cache.lookup(words), args.repeats)
    ids, matrix, tok_ptr, tok_ids = fast.cache.lookup(words)
    y = np.zeros((n, n_cls))
    stages["word n-gram block"] = timed(lambda: fast._word_block(y, ids, tok_ptr, tok_ids, n), args.repeats)
    toks, rows = fast._word_block(y, ids, tok_ptr, tok_ids, n)
    if fast.table_rates is not None:
        stages["loaded-word table block"] = timed(lambda: fast._table_block(y, toks, rows, n), args.repeats)
    if getattr(fast, "vector_by_token", None) is not None:
        stages["word-vector column"] = timed(lambda: fast._vector_block(y, toks, rows, n), args.repeats)
    stages["char n-gram block"] = timed(lambda: fast._char_block(y, ids, matrix, n), args.repeats)
    stages["cue features"] = timed(lambda: cues.cue_feature_matrix(texts), args.repeats, cold_cues)
    stage_us = {k: statistics.median(v) / n * 1e6 for k, v in stages.items()}
    for k, v in stage_us.items():
        print(f"  {k:22s} {v:7.2f}")

    # articles: 30 consecutive sentences
    sents = [texts[i:i + ARTICLE] for i in range(0, n - ARTICLE + 1, ARTICLE)]
    arts = [" ".join(s) for s in sents]
    print(f"\narticle latency ({len(arts)} articles of {ARTICLE} sentences, "
          f"~{np.mean([len(a.split()) for a in arts]):.0f} words; ms p50 / p99):")
    rows = {
        "split only": articles_latency(model.split, arts),
        "naive scores only (no split)": articles_latency(naive.predict_proba, sents),
        "reference scores only (no split)": articles_latency(model.reference_scores, sents),
        "fast scores only (no split)": articles_latency(model.scores, sents),
        "fast classify_sentences (no split)": articles_latency(model.classify_sentences, sents),
        "fast full path classify_text": articles_latency(model.classify_text, arts),
    }
    rows["fast full path, one sentence edited (cache)"] = recheck_latency(model, sents)
    model.scorer = None
    rows["reference full path classify_text"] = articles_latency(model.classify_text, arts, rounds=1)
    model.scorer = fast
    for k, (p50, p99) in rows.items():
        print(f"  {k:38s} {p50:6.2f} / {p99:6.2f}")
    article_ms = article_stages(model, arts)
    print("  steps of the full path (ms, median; the rest is softmax, combining and the JSON-ready rows):")
    print("    " + ", ".join(f"{k} {v:.3f}" for k, v in article_ms.items()))

    print("\nmodel load + peak RSS (fresh subprocess; classify all sentences in chunks of 1000):")
    loads = {}
    for mode in ("fast", "reference"):
        info = loads[mode] = subprocess_load(mode, texts, args.model)
        print(f"  {mode:10s} start->ready {info['wall_to_ready_s']:.2f} s (in-process import+load "
              f"{info['load_s']:.2f} s), RSS at ready {info['ready_rss_mb']:.0f} MB, peak {info['peak_rss_mb']:.0f} MB, "
              f"heavy modules imported at ready: {', '.join(info['heavy_imports']) or 'none'}")

    print("\ntargets of the speed issue (this run):")
    for verdict in targets.verdicts(per_s["fast"], per_s["naive"], rows["fast full path classify_text"],
                                    loads["fast"]["wall_to_ready_s"], loads["fast"]["peak_rss_mb"], diff, mism):
        print(verdict.line())
    print("\nwhat the stage profile allows (us/sentence, this run):")
    print("\n".join(targets.ceilings(stage_us, per_s["naive"])))
    print(targets.article_floor(article_ms))


if __name__ == "__main__":
    main()
