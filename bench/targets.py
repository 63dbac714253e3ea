"""The speed issue's targets, judged on one run of :mod:`bench.speed`, and what the profile allows.

:func:`verdicts` compares the run's figures with the issue's targets (met / missed,
with the measured value). :func:`ceilings` turns the run's per-stage profile into
upper bounds: the throughput the fast path would reach if whole groups of stages
cost nothing, so the report shows which stages a target cannot be reached without.
"""

from __future__ import annotations

from dataclasses import dataclass

BATCH_PER_S = 50_000
NAIVE_RATIO = 30.0
ARTICLE_P50_MS, ARTICLE_P99_MS = 1.0, 3.0
READY_S, RSS_MB = 1.0, 150.0
MAX_DIFF = 1e-6

# stage names printed by bench.speed, grouped by what kind of code runs them
TEXT_STAGES = ("join + lower + split", "word-cache lookup")  # CPython str methods and one dict lookup per word
CUE_STAGES = ("cue features",)  # regex scans plus per-sentence Python decisions
NUMERIC_STAGES = ("word n-gram block", "loaded-word table block", "word-vector column", "char n-gram block")


@dataclass(frozen=True)
class Verdict:
    """One target: what it asks, what the run measured, and whether that meets it."""

    target: str
    measured: str
    met: bool

    def line(self) -> str:
        return f"  {'met   ' if self.met else 'MISSED'} {self.target:38s} {self.measured}"


def verdicts(fast_per_s: float, naive_per_s: float, article_ms: tuple[float, float], ready_s: float,
             peak_rss_mb: float, max_diff: float, mismatches: int) -> list[Verdict]:
    """The issue's targets against one run's figures (medians as printed by :mod:`bench.speed`).

    Raises
    ------
    ValueError
        If a throughput is not positive (a run that measured nothing).
    """
    if fast_per_s <= 0 or naive_per_s <= 0:
        raise ValueError(f"throughputs must be positive, got fast={fast_per_s} naive={naive_per_s}")
    ratio = fast_per_s / naive_per_s
    p50, p99 = article_ms
    return [
        Verdict(f"batch >= {BATCH_PER_S:,} sentences/s", f"{fast_per_s:,.0f}/s", fast_per_s >= BATCH_PER_S),
        Verdict(f">= {NAIVE_RATIO:.0f}x the naive pipeline", f"{ratio:.1f}x ({naive_per_s:,.0f}/s naive)",
                ratio >= NAIVE_RATIO),
        Verdict(f"article p50 <= {ARTICLE_P50_MS:g} ms (full path)", f"{p50:.2f} ms", p50 <= ARTICLE_P50_MS),
        Verdict(f"article p99 <= {ARTICLE_P99_MS:g} ms (full path)", f"{p99:.2f} ms", p99 <= ARTICLE_P99_MS),
        Verdict(f"start to ready <= {READY_S:g} s", f"{ready_s:.2f} s", ready_s <= READY_S),
        Verdict(f"peak RSS <= {RSS_MB:.0f} MB", f"{peak_rss_mb:.0f} MB", peak_rss_mb <= RSS_MB),
        Verdict(f"fast = reference (labels, {MAX_DIFF:g})", f"max diff {max_diff:.2g}, {mismatches} label mismatches",
                mismatches == 0 and max_diff <= MAX_DIFF),
    ]


def ceilings(stage_us: dict[str, float], naive_per_s: float) -> list[str]:
    """Report lines: each target's budget per sentence and the ceilings the stage profile implies.

    ``stage_us``: microseconds per sentence of each :mod:`bench.speed` stage. A
    ceiling is ``1e6 / (cost of the stages that remain)``: what the fast path could
    reach at best if the other stages were free (e.g. moved to compiled code).

    Raises
    ------
    ValueError
        If a stage of :data:`TEXT_STAGES` or :data:`CUE_STAGES` is missing from ``stage_us``.
    """
    missing = [s for s in TEXT_STAGES + CUE_STAGES if s not in stage_us]
    if missing:
        raise ValueError(f"stage profile lacks {', '.join(missing)}")
    text = sum(stage_us[s] for s in TEXT_STAGES)
    cue = sum(stage_us[s] for s in CUE_STAGES)
    numeric = sum(stage_us.get(s, 0.0) for s in NUMERIC_STAGES)
    ratio_budget = 1e6 / (NAIVE_RATIO * naive_per_s)
    return [
        f"  budget per sentence: {1e6 / BATCH_PER_S:.1f} us for {BATCH_PER_S:,}/s, {ratio_budget:.1f} us for "
        f"{NAIVE_RATIO:.0f}x naive; spent: text handling {text:.1f} + numeric blocks {numeric:.1f} + cues {cue:.1f} "
        f"= {text + numeric + cue:.1f} us",
        f"  ceiling if the numeric blocks cost nothing      {1e6 / (text + cue):10,.0f}/s "
        f"({1e6 / (text + cue) / naive_per_s:.1f}x naive)",
        f"  ceiling if numeric blocks and cues cost nothing {1e6 / text:10,.0f}/s "
        f"({1e6 / text / naive_per_s:.1f}x naive)",
    ]


def article_floor(step_ms: dict[str, float]) -> str:
    """Report line: one article's cost without its numeric blocks, against the p50 target.

    ``step_ms``: median milliseconds of each step of the full path for one article
    (:func:`bench.speed.article_stages`); the steps outside :data:`NUMERIC_STAGES` remain.

    Raises
    ------
    ValueError
        If ``step_ms`` has no step outside the numeric blocks.
    """
    rest = {k: v for k, v in step_ms.items() if k not in NUMERIC_STAGES}
    if not rest:
        raise ValueError("article steps hold only numeric blocks; expected split, cue features and text handling")
    parts = " + ".join(f"{k} {v:.2f}" for k, v in rest.items())
    return (f"  article without the numeric blocks: {parts} = {sum(rest.values()):.2f} ms "
            f"(p50 target {ARTICLE_P50_MS:g} ms)")
