"""The batch fast path (model/fastpath.py) gives the reference sklearn pipeline's numbers."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from model.artifact import load_model
from model.fastpath import AnalyzerTfidfBlock, FastScorer, GenericBlock

SUBJECTS = ["The minister", "Officials", "A spokeswoman for the council", "Critics", "The so-called reform",
            "Our correspondent", "The central bank", "Protesters in the capital", "This disgraceful policy",
            "The company's CEO"]
VERBS = ["said on Tuesday that", "claimed", "argued that", "announced", "insisted", "warned", "denied that",
         "will probably decide whether", "must explain why", "has been accused of hiding that"]
OBJECTS = ["the budget rose by 3.5% in 2023.", "the “temporary” measures were a disaster!",
           "inflation is the worst in 40 years.", "nobody believes the NONSENSE anymore?",
           "the plan, frankly, is a shameful betrayal.", "'reforms' will cost $2bn (really?).",
           "we should never accept this outrageous scheme.", "the vote passed 52-48 after a long debate.",
           "the report, titled \"Growth Ahead\", was published.", "I think it's clearly a radical agenda..."]
EDGE_CASES = [
    "", " ", "\n", "\t \n", ".", "!!!", "?!?!", "...", "“”", "\"\"", "'", "— – -", "()[]{}", "%$#@^&*",
    "a", "A", "I", "ok", "OK!", "NO WAY", "BREAKING: markets fall", "12345", "3.14159", "_under_score_",
    "Ünïcödé façade naïve café résumé", "ΟΔΟΣ ΣΟΦΟΣ Σ", "İstanbul'da İSTANBUL", "ß STRASSE straße",
    "Привет, мир! Это тест.", "中文句子没有空格。", "مرحبا بالعالم", "emoji 😀😡🔥 make 👍 news 🗞️",
    "👍", "tab\tseparated\twords", "non\u00a0breaking\u2009space", "zero\u200bwidth", "e\u0301 combining",
    "don't won’t can't isn’t", "well-known long-term self-made", "“Quoted” ‘single’ «guillemets» „low“",
    "word " * 400, "the the the the the the the the", "ha" * 500, "Loaded! " * 60,
    " ".join(f"w{i}" for i in range(300)), "x" * 3000, "a\x00b", "\ufeffBOM start",
]


def invented_sentences(n: int = 300) -> list[str]:
    rng = random.Random(7)
    combos = list(itertools.product(SUBJECTS, VERBS, OBJECTS))
    return [" ".join(rng.choice(combos)) for _ in range(n)]


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture(scope="module")
def sample():
    return invented_sentences() + EDGE_CASES


def test_fast_path_is_built_for_the_shipped_model(model):
    assert model.fast is not None
    assert not any(isinstance(b, (GenericBlock, AnalyzerTfidfBlock)) for b in model.fast.blocks)


def test_fast_equals_reference(model, sample):
    ref = model.reference_scores(sample)
    fast = model.scores(sample)
    assert fast.shape == ref.shape == (len(sample), 3)
    assert np.array_equal(fast.argmax(axis=1), ref.argmax(axis=1))
    assert np.abs(fast - ref).max() <= 1e-6
    assert np.allclose(fast.sum(axis=1), 1.0)


def test_feature_matrix_equals_feature_union(model, sample):
    ref = model.estimator.steps[0][1].transform(sample)
    fast = model.fast.transform(sample)
    assert fast.shape == ref.shape
    assert abs(fast - ref).max() <= 1e-6


def test_batch_independence_and_cache_reset(model, sample):
    whole = model.scores(sample)
    one_by_one = np.vstack([model.scores([s]) for s in sample[:40]])
    assert np.abs(whole[:40] - one_by_one).max() <= 1e-12
    char = next(b for b in model.fast.blocks if type(b).__name__ == "CharWbBlock")
    old = char.MAX_CACHED_WORDS
    try:
        char.MAX_CACHED_WORDS = 50  # force cache resets mid-stream
        again = model.scores(sample)
    finally:
        char.MAX_CACHED_WORDS = old
    assert np.abs(again - whole).max() <= 1e-12


def test_empty_batch(model):
    assert model.scores([]).shape == (0, 3)


def test_generic_fallback_blocks_agree(model, sample):
    """Blocks the fast path does not specialise still give the reference numbers."""
    union = model.estimator.steps[0][1]
    for block, (_, transformer) in zip([AnalyzerTfidfBlock(union.transformer_list[1][1]),
                                        GenericBlock(union.transformer_list[2][1])], union.transformer_list[1:]):
        from model.fastpath import Batch
        got = block.transform(Batch(sample[:100]))
        assert abs(got - transformer.transform(sample[:100])).max() <= 1e-6


def test_unsupported_pipeline_raises():
    with pytest.raises(ValueError):
        FastScorer.from_pipeline(type("P", (), {"steps": [("x", object()), ("y", object())]})())


def test_concurrent_scoring_from_threads_is_safe_and_exact():
    """A threaded server shares one scorer: its word cache must not corrupt under concurrency."""
    import random
    import threading

    from model import load_model

    model = load_model()
    words = "the council said radical plan NOT so-called “reform” voters harbour budget I think".split()
    errors, mismatches = [], []

    def work(seed):
        rng = random.Random(seed)
        for _ in range(60):
            batch = [" ".join(rng.choice(words) + str(rng.randint(0, 10**6)) for _ in range(12)) + "."
                     for _ in range(5)]
            try:
                fast = model.scores(batch)
            except Exception as exc:  # pragma: no cover - the failure being tested for
                errors.append(repr(exc))
                continue
            if abs(fast - model.reference_scores(batch)).max() > 1e-6:
                mismatches.append(batch)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and mismatches == []
