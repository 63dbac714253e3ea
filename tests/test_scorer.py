"""The compiled scorer (model/scorer.py) gives the reference sklearn pipeline's numbers."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from model.artifact import load_model
from model.compile import compile_pipeline
from model.scorer import Scorer
from model.wordcache import char_wb_ngrams

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


def test_shipped_model_serves_from_the_compiled_arrays(model):
    assert model.scorer is not None and model._estimator is None  # no sklearn pipeline loaded to serve


def test_fast_equals_reference(model, sample):
    ref = model.reference_scores(sample)
    fast = model.scores(sample)
    assert fast.shape == ref.shape == (len(sample), 3)
    assert np.array_equal(fast.argmax(axis=1), ref.argmax(axis=1))
    assert np.abs(fast - ref).max() <= 1e-6
    assert np.allclose(fast.sum(axis=1), 1.0)


def test_compiling_the_reference_gives_the_shipped_arrays(model):
    """scorer.npz is exactly what the reference pipeline compiles to."""
    fresh = compile_pipeline(model.estimator)
    assert fresh["word_coef"].dtype == np.float64
    for name, value in fresh.items():
        shipped = getattr(model.scorer, "_arrays")[name]
        assert np.array_equal(np.asarray(value), np.asarray(shipped)), name


def test_float32_weights_follow_sklearn_rounding_exactly(sample):
    """A single pipeline with float32 weights (the old format) is scored in sklearn's float32 order: same bits."""
    from pathlib import Path

    from training.corpora import read_labelled_file
    from training.train import fit

    starter = Path(__file__).resolve().parents[1] / "training" / "data" / "starter.csv"
    pipeline = fit([r for r in read_labelled_file(starter) if r.split == "train"][:600])
    clf = pipeline.steps[-1][1]
    clf.coef_, clf.intercept_ = clf.coef_.astype(np.float32), clf.intercept_.astype(np.float32)
    got = Scorer(compile_pipeline(pipeline)).predict_proba(sample)
    assert np.array_equal(got, pipeline.predict_proba(sample))


@pytest.mark.parametrize("word", ["a", "ab", "abc", "abcdefgh", "İstanbul", "😀x", "a\x01b"])
def test_char_wb_ngrams_equal_sklearn(word):
    from sklearn.feature_extraction.text import TfidfVectorizer

    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), lowercase=False).build_analyzer()
    assert char_wb_ngrams(word, 2, 5) == analyzer(word)


def test_batch_independence_and_cache_reset(model, sample):
    whole = model.scores(sample)
    one_by_one = np.vstack([model.scores([s]) for s in sample[:40]])
    assert np.abs(whole[:40] - one_by_one).max() <= 1e-12
    old = model.scorer.cache.max_words
    try:
        model.scorer.cache.max_words = 50  # force cache resets mid-stream
        again = model.scores(sample + ["an unseen zzqx0417 word"])[:-1]
        assert len(model.scorer.cache) <= len(" ".join(sample).split()) + 5  # cleared, then this batch only
    finally:
        model.scorer.cache.max_words = old
    assert np.abs(again - whole).max() <= 1e-12


def test_separator_characters_inside_sentences(model):
    batch = ["a\x00b c", "x\n\x00\ny", "\x01", "plain words", "\x00"]
    assert np.abs(model.scores(batch) - model.reference_scores(batch)).max() <= 1e-6


def test_empty_batch(model):
    assert model.scores([]).shape == (0, 3)


@pytest.mark.parametrize("mutate, message", [
    (lambda a: a.pop("char_idf"), "lack char_idf"),
    (lambda a: a.update(format=np.array("other/1")), "format"),
    (lambda a: a.update(cue_names=a["cue_names"][:-1]), "cue features differ"),
    (lambda a: a.update(char_idf=a["char_idf"][:-1]), "inconsistent"),
])
def test_bad_arrays_are_refused(model, mutate, message):
    arrays = dict(getattr(model.scorer, "_arrays"))
    mutate(arrays)
    with pytest.raises(ValueError, match=message):
        Scorer(arrays)


def test_unsupported_pipeline_raises():
    with pytest.raises(ValueError):
        compile_pipeline(type("P", (), {"steps": [("x", object()), ("y", object())]})())


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


def test_serving_imports_neither_sklearn_nor_nltk():
    """The service loads and classifies from the compiled arrays: no sklearn, nltk or joblib import."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, service\n"
            "app = service.create_app({'TESTING': True})\n"
            "r = app.test_client().post('/v1/classify', json={'text': 'The so-called reform passed. It is a DISGRACE!'})\n"
            "assert r.status_code == 200, r.get_data(as_text=True)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'nltk', 'joblib'}))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_fast_equals_reference_on_real_news(model, shared_dir):
    """Every 5th BABE + CheckThat sentence (the benchmark compares all of them)."""
    from training.corpora import read_babe, read_checkthat

    corpora = shared_dir / "corpora"
    if not (corpora / "babe").is_dir() or not (corpora / "checkthat2025_en").is_dir():
        pytest.skip("../shared/corpora (BABE, CheckThat) not present (fresh clone without the shared data)")
    records = read_babe(corpora / "babe") + read_checkthat(corpora / "checkthat2025_en",
                                                           splits=("train", "dev", "dev_test"))
    texts = [r.text for r in records][::5]
    ref, fast = model.reference_scores(texts), model.scores(texts)
    assert np.array_equal(fast.argmax(axis=1), ref.argmax(axis=1))
    assert np.abs(fast - ref).max() <= 1e-6
