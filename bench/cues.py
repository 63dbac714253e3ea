"""Precision / recall / F1 of :func:`model.cues.detect_cues` on the cue fixture.

Run ``python -m bench.cues [--fixture PATH] [path.jsonl]``. Each fixture line is
``{"text": ..., "cues": [{"type": ..., "text": ...[, "start": ...]}, ...]}``
listing exactly the expected cues. A predicted cue matches an expected one of
the same type with the same text (and the same start, when the fixture gives
one); each expected cue is matched at most once. Also prints the speed of
``detect_cues`` + ``cue_features`` in microseconds per sentence.

``python -m bench.cues --batch [--corpora ../shared/corpora]`` instead times the
per-sentence path against :func:`model.cue_batch.analyse_batch` (on the fixture, or on
the BABE + CheckThat sentences of the corpora directory).

``python -m bench.cues --batch-sizes 1,5,10,30,100,1000 [--corpora ../shared/corpora]``
times ``analyse_batch`` per call the way the service calls it (one call per article): the
sentences cut into consecutive chunks of each size, every cue cache cleared before each
call, each chunk timed ``--passes`` times; it prints the p50 / p99 microseconds per call
(over all timed calls), the p50 per sentence, and the p50 of each chunk's fastest pass
(less sensitive to a busy machine).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from model import cues as cue_module
from model.cues import CUE_TYPES, cue_features, detect_cues

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "cue_cases.jsonl"


def load_cases(path: Path = FIXTURE) -> list[dict]:
    """Read the fixture lines as dicts (blank lines skipped)."""
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _key(cue: dict, with_start: bool) -> tuple:
    return (cue["type"], cue["text"], cue["start"] if with_start else None)


def score_case(case: dict) -> tuple[Counter, Counter, Counter, list[dict], list[dict]]:
    """Compare predictions with the expected cues of one case.

    Returns
    -------
    tuple
        ``(tp, fp, fn, false_positives, false_negatives)``: per-type counters and
        the unmatched predicted / expected cue dicts.
    """
    predicted = [c.to_dict() for c in detect_cues(case["text"])]
    remaining = list(predicted)
    tp, fp, fn, missed = Counter(), Counter(), Counter(), []
    for expected in case["cues"]:
        with_start = "start" in expected
        hit = next((p for p in remaining if _key(p, with_start) == _key(expected, with_start)), None)
        if hit is None:
            fn[expected["type"]] += 1
            missed.append(expected)
        else:
            tp[expected["type"]] += 1
            remaining.remove(hit)
    for extra in remaining:
        fp[extra["type"]] += 1
    return tp, fp, fn, remaining, missed


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(cases: list[dict]) -> dict:
    """Per-type and micro-averaged scores over ``cases``.

    Returns
    -------
    dict
        ``{"per_type": {type: {"tp","fp","fn","precision","recall","f1"}},
        "micro": {...}, "errors": [{"text","false_positives","false_negatives"}]}``.
    """
    tp, fp, fn, errors = Counter(), Counter(), Counter(), []
    for case in cases:
        t, f, n, extra, missed = score_case(case)
        tp += t
        fp += f
        fn += n
        if extra or missed:
            errors.append({"text": case["text"], "false_positives": extra, "false_negatives": missed})
    per_type = {}
    for name in CUE_TYPES:
        p, r, f1 = _prf(tp[name], fp[name], fn[name])
        per_type[name] = {"tp": tp[name], "fp": fp[name], "fn": fn[name], "precision": p, "recall": r, "f1": f1}
    total = [sum(c.values()) for c in (tp, fp, fn)]
    p, r, f1 = _prf(*total)
    micro = {"tp": total[0], "fp": total[1], "fn": total[2], "precision": p, "recall": r, "f1": f1}
    return {"per_type": per_type, "micro": micro, "errors": errors}


def time_per_sentence(sentences: list[str], repeats: int = 20) -> float:
    """Microseconds per sentence of ``detect_cues`` + ``cue_features``, cache cleared each pass."""
    best = float("inf")
    for _ in range(repeats):
        cue_module._analyse.cache_clear()
        start = time.perf_counter()
        for sentence in sentences:
            detect_cues(sentence)
            cue_features(sentence)
        best = min(best, time.perf_counter() - start)
    return best / len(sentences) * 1e6


def batch_speed(sentences: list[str], repeats: int = 5) -> tuple[float, float]:
    """Median microseconds per sentence of ``_analyse`` one by one and of ``analyse_batch`` on all.

    Every cache of the cue code is cleared before each timed pass (cold numbers).
    """
    from model.cue_batch import analyse_batch  # noqa: PLC0415 - only for --batch
    from model.cue_decisions import _match_categories  # noqa: PLC0415

    def timed(run) -> float:
        cue_module._analyse.cache_clear()
        _match_categories.cache_clear()
        start = time.perf_counter()
        run()
        return time.perf_counter() - start

    analyse_batch(sentences[:50])  # builds the tables once per process
    old = statistics.median(timed(lambda: [cue_module._analyse(s) for s in sentences]) for _ in range(repeats))
    new = statistics.median(timed(lambda: analyse_batch(sentences)) for _ in range(repeats))
    return old / len(sentences) * 1e6, new / len(sentences) * 1e6


def batch_size_speed(sentences: list[str], sizes: list[int], passes: int = 3, max_calls: int = 600) -> list[dict]:
    """Per-call speed of ``analyse_batch`` on consecutive chunks of ``sentences`` of each size.

    Every cue cache is cleared before each call (cold numbers); the tables are built
    before timing (as ``model.cue_batch.warm_up`` does at model load). Returns one dict per
    size: ``size``, ``calls``, ``p50``, ``p99`` (us per call, over all timed calls),
    ``p50_per_sentence`` and ``p50_best`` (p50 over chunks of each chunk's fastest pass).
    """
    import numpy as np  # noqa: PLC0415 - only for --batch-sizes

    from model.cue_batch import analyse_batch  # noqa: PLC0415
    from model.cue_decisions import _match_categories  # noqa: PLC0415

    analyse_batch(sentences[:50])  # builds the tables once per process
    analyse_batch(sentences[:1])
    rows = []
    for size in sizes:
        chunks = [sentences[i:i + size] for i in range(0, len(sentences) - size + 1, size)][:max_calls]
        if not chunks:
            continue
        times = np.zeros((passes, len(chunks)))
        for p in range(passes):
            for k, chunk in enumerate(chunks):
                cue_module._analyse.cache_clear()
                _match_categories.cache_clear()
                start = time.perf_counter()
                analyse_batch(chunk)
                times[p, k] = time.perf_counter() - start
        times *= 1e6
        p50 = float(np.percentile(times, 50))
        rows.append({"size": size, "calls": times.size, "p50": p50, "p99": float(np.percentile(times, 99)),
                     "p50_per_sentence": p50 / size, "p50_best": float(np.percentile(times.min(axis=0), 50))})
    return rows


def corpus_sentences(corpora: Path) -> list[str]:
    """The BABE and CheckThat (train, dev, dev_test) sentences of a corpora directory."""
    from training.corpora import read_babe, read_checkthat  # noqa: PLC0415

    sentences = [r.text for r in read_babe(corpora / "babe")]
    return sentences + [r.text for r in read_checkthat(corpora / "checkthat2025_en",
                                                        splits=("train", "dev", "dev_test"))]


def main(argv: list[str] | None = None) -> int:
    """Print the score table, the errors and the speed; return 0."""
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m bench.cues")
    parser.add_argument("--fixture", type=Path, default=None, help=f"fixture JSONL to score (default: {FIXTURE})")
    parser.add_argument("path", nargs="?", type=Path, default=None, help="fixture path (positional form, kept for compatibility)")
    parser.add_argument("--batch", action="store_true",
                        help="only time _analyse one by one vs model.cue_batch.analyse_batch (median of 5, cold)")
    parser.add_argument("--corpora", type=Path, default=None,
                        help="with --batch or --batch-sizes: time the BABE + CheckThat sentences of this directory")
    parser.add_argument("--batch-sizes", default=None, metavar="N,N,...",
                        help="only time analyse_batch per call on chunks of these sizes (cold caches), e.g. 1,5,30")
    parser.add_argument("--passes", type=int, default=3, help="with --batch-sizes: times each chunk is timed")
    args = parser.parse_args(argv)
    if args.batch_sizes:
        sentences = corpus_sentences(args.corpora) if args.corpora else \
            [c["text"] for c in load_cases(args.fixture or args.path or FIXTURE)]
        sizes = [int(size) for size in args.batch_sizes.split(",")]
        print(f"{len(sentences)} sentences, {args.passes} passes, every cue cache cleared before each call")
        print(f"{'size':>6}{'calls':>7}{'p50 us':>10}{'p99 us':>10}{'us/sentence':>13}{'p50 best':>10}")
        for row in batch_size_speed(sentences, sizes, args.passes):
            print(f"{row['size']:>6}{row['calls']:>7}{row['p50']:>10.1f}{row['p99']:>10.1f}"
                  f"{row['p50_per_sentence']:>13.2f}{row['p50_best']:>10.1f}")
        return 0
    if args.batch:
        sentences = corpus_sentences(args.corpora) if args.corpora else \
            [c["text"] for c in load_cases(args.fixture or args.path or FIXTURE)]
        old, new = batch_speed(sentences)
        print(f"{len(sentences)} sentences: _analyse one by one {old:.1f} us/sentence, "
              f"analyse_batch {new:.1f} us/sentence ({old / new:.1f}x)")
        return 0
    cases = load_cases(args.fixture or args.path or FIXTURE)
    result = evaluate(cases)
    print(f"{len(cases)} sentences, {sum(len(c['cues']) for c in cases)} expected cues")
    print(f"{'type':<22}{'tp':>5}{'fp':>5}{'fn':>5}{'P':>8}{'R':>8}{'F1':>8}")
    rows = list(result["per_type"].items()) + [("micro", result["micro"])]
    for name, s in rows:
        print(f"{name:<22}{s['tp']:>5}{s['fp']:>5}{s['fn']:>5}"
              f"{s['precision']:>8.3f}{s['recall']:>8.3f}{s['f1']:>8.3f}")
    for error in result["errors"]:
        print("\n" + error["text"])
        for cue in error["false_positives"]:
            print(f"  FP {cue['type']}: {cue['text']!r}")
        for cue in error["false_negatives"]:
            print(f"  FN {cue['type']}: {cue['text']!r}")
    sentences = [c["text"] for c in cases]
    print(f"\nspeed: {time_per_sentence(sentences):.1f} us/sentence "
          f"(detect_cues + cue_features, mean {sum(len(s.split()) for s in sentences) / len(sentences):.1f} words)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
