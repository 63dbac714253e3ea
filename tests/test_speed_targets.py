"""bench.targets: the speed issue's targets judged on a run's figures (no timing here)."""

from __future__ import annotations

import pytest

from bench.targets import article_floor, ceilings, verdicts

GOOD = dict(fast_per_s=60_000.0, naive_per_s=1_500.0, article_ms=(0.9, 2.5), ready_s=0.5, peak_rss_mb=120.0,
            max_diff=2e-8, mismatches=0)


def _met(**changes):
    return [v.met for v in verdicts(**{**GOOD, **changes})]


def test_every_target_met_by_a_run_that_meets_them():
    assert _met() == [True] * 7


@pytest.mark.parametrize("changes, missed", [
    (dict(fast_per_s=49_999.0), [0]),
    (dict(naive_per_s=2_001.0), [1]),  # 60,000 / 2,001 < 30
    (dict(article_ms=(1.01, 2.5)), [2]),
    (dict(article_ms=(0.9, 3.2)), [3]),
    (dict(ready_s=1.2), [4]),
    (dict(peak_rss_mb=151.0), [5]),
    (dict(mismatches=1), [6]),
    (dict(max_diff=2e-6), [6]),
])
def test_each_target_is_missed_on_its_own_figure(changes, missed):
    met = _met(**changes)
    assert [i for i, ok in enumerate(met) if not ok] == missed


def test_boundaries_count_as_met():
    assert _met(fast_per_s=50_000.0, naive_per_s=50_000.0 / 30, article_ms=(1.0, 3.0), ready_s=1.0,
                peak_rss_mb=150.0, max_diff=1e-6) == [True] * 7


def test_lines_show_the_measured_value_and_the_verdict():
    lines = [v.line() for v in verdicts(**{**GOOD, "fast_per_s": 31_777.0, "naive_per_s": 3_508.0})]
    assert lines[0].split()[0] == "MISSED" and "31,777/s" in lines[0]
    assert "9.1x (3,508/s naive)" in lines[1]
    assert lines[4].split()[0] == "met"


def test_a_run_that_measured_nothing_is_an_error():
    with pytest.raises(ValueError, match="throughputs must be positive"):
        verdicts(**{**GOOD, "naive_per_s": 0.0})


def test_ceilings_remove_whole_groups_of_stages():
    stages = {"join + lower + split": 4.0, "word-cache lookup": 6.0, "word n-gram block": 5.0,
              "char n-gram block": 10.0, "cue features": 10.0}
    budget, without_numeric, without_numeric_and_cues = ceilings(stages, naive_per_s=2_000.0)
    assert "20.0 us for 50,000/s" in budget and "16.7 us for 30x naive" in budget
    assert "text handling 10.0 + numeric blocks 15.0 + cues 10.0 = 35.0 us" in budget
    assert "50,000/s (25.0x naive)" in without_numeric  # 1e6 / (10 + 10)
    assert "100,000/s (50.0x naive)" in without_numeric_and_cues  # 1e6 / 10


def test_ceilings_name_a_missing_stage():
    with pytest.raises(ValueError, match="stage profile lacks cue features"):
        ceilings({"join + lower + split": 1.0, "word-cache lookup": 1.0}, naive_per_s=1_000.0)


def test_article_floor_sums_the_steps_outside_the_numeric_blocks():
    line = article_floor({"split": 0.2, "cue features": 0.6, "join + lower + split": 0.1, "word-cache lookup": 0.3,
                          "word n-gram block": 0.3, "char n-gram block": 0.5})
    assert "split 0.20 + cue features 0.60 + join + lower + split 0.10 + word-cache lookup 0.30 = 1.20 ms" in line
    assert "char" not in line
    with pytest.raises(ValueError, match="only numeric blocks"):
        article_floor({"char n-gram block": 0.5})
