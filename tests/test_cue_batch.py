"""model.cue_batch gives exactly what model.cues gives sentence by sentence."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.cues import load_cases
from model import cue_batch
from model.cue_batch import _analyse_unique, analyse_batch
from model.cue_patterns import LEXICON
from model.cue_tables import char_tables
from model.cue_words import run_table
from model.cues import FEATURE_NAMES, _analyse, cue_feature_matrix
from training.corpora import read_babe, read_checkthat

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _reference(sentences):
    """Cues and features of each sentence by the per-sentence path (uncached)."""
    results = [_analyse.__wrapped__(s) for s in sentences]
    features = np.array([v for _, v in results], dtype=np.float64).reshape(len(results), len(FEATURE_NAMES))
    return [c for c, _ in results], features


def _differences(sentences, cues, features) -> list[str]:
    """Sentences whose batch cues or features differ from the per-sentence ones (features exactly)."""
    expected_cues, expected = _reference(sentences)
    assert features.shape == expected.shape and features.dtype == np.float64
    assert len(cues) == len(sentences)
    return [s for s, c, e, row, want in zip(sentences, cues, expected_cues, features, expected)
            if c != e or row.tobytes() != want.tobytes()]


def _check(sentences):
    assert _differences(sentences, *analyse_batch(sentences)) == []


@pytest.mark.parametrize("name", ["cue_cases.jsonl", "cue_cases_independent.jsonl"])
def test_fixtures_identical(name):
    sentences = [case["text"] for case in load_cases(FIXTURES / name)]
    assert len(sentences) >= cue_batch.SMALL
    _check(sentences)
    assert cue_feature_matrix(sentences).tobytes() == _reference(sentences)[1].tobytes()


def test_empty_strings_duplicates_and_small_batches():
    cases = [case["text"] for case in load_cases(FIXTURES / "cue_cases.jsonl")][:40]
    mixed = ["", cases[0], "", *cases, cases[3], "", cases[0], " ", "\n", "!", "?", "“”", "''",
             "So I would argues — it seems to mes that they argue"]
    _check(mixed)
    _check([""] * 20)
    for size in (0, 1, 2, cue_batch.SMALL - 1, cue_batch.SMALL, cue_batch.SMALL + 1):
        _check(mixed[:size])
    cues, features = analyse_batch([])
    assert cues == [] and features.shape == (0, len(FEATURE_NAMES))
    assert cue_feature_matrix(iter(cases[:3])).shape == (3, len(FEATURE_NAMES))


def test_every_batch_size(shared_dir):
    """Below, at and above the per-sentence cutoff, article-sized and chunked batches; the vectorised
    pass itself also for the sizes the cutoff sends to the per-sentence path."""
    sentences = [case["text"] for case in load_cases(FIXTURES / "cue_cases.jsonl")]
    corpora = shared_dir / "corpora"
    if corpora.is_dir():
        sentences = [r.text for r in read_babe(corpora / "babe")][:400] + sentences
    for size in sorted({1, 2, 3, cue_batch.SMALL - 1, cue_batch.SMALL, cue_batch.SMALL + 1, 8, 30, 40, 100}):
        for start in range(0, min(len(sentences) - size, 6 * size) + 1, size):
            _check(sentences[start:start + size])
    for size in range(1, cue_batch.SMALL + 2):
        chunk = sentences[size:2 * size]
        assert _differences(chunk, *_analyse_unique(chunk)) == []


# Sentences aimed at the vectorised pass's shortcuts: runs longer than the run keys (16 letters),
# sentences without words or alpha words between others, ALL-CAPS candidates, digits, word
# endings, longer lexicon matches (adjacent, covering one-run hits, at the end) and quotes.
EDGE_CASES = [
    "", "!!!", "123 456", "— …", "A", "I", "a b c", "x", "The scaremongeringes and scaremongeringess",
    "indoctrinationes, indoctrinationess; unquestionablyes unquestionablyesx UNQUESTIONABLYES",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa disgrace", "disgracedisgracedisgrace disgrace-disgrace",
    "USA, U.S. and NATO’S AWFUL, TERRIBLE plan", "ÉCOLE CAFÉ Über ÜBER ǅemal ǄEMAL ǅ Ⓐⓑ ⒶⒷ", "ABc AbC aBC A1 1A X-RAY",
    "It isn't, wasn’t and WON'T be, can't", "the biggest, greatest interest, most honest protest ever",
    "According to according to officials, I think, I would argues, it seems to mes",
    "We have to, we need to, we must: and they has to", "the so-called “experts” (sic) said ‘nothing’",
    "“Scheme”, 'rubbish' and \"nonsense\" — a film called “Hoax” (!)", "Is this a DISGRACE?! Yes!!",
    "He said: “It is a ‘total’ disgrace.” I believe, she added, that it’s 3 km away", "most best worst least",
    "not no never none nobody nothing neither nor cannot without nowhere me my mine us our you your",
    "I-me my-self non-stop anti-war e-mail 3-D co-op", "'tis o'clock rock'n'roll ‘90s", "so called",
    "CALLED called Called cAlLeD", "Hmm (really?) [alleged] ( so-called ) [!]", "ALL CAPS HEADLINE: SHAMEFUL DISGRACE",
    # quotes after title cues and determiners, attributed speech, nested and unbalanced quotes, non-ASCII
    "A film called “The Long Goodbye” (sic) won?", "“We will not back down,” the minister said.",
    "“He said ‘never’ twice” she wrote", "“unbalanced ‘quote", "naïve “café” Straße “Ça” – shameful?",
    "I believe the so-called “reform”, dubbed the “fix”, is what critics described as a “sham”.",
]


def test_edge_cases():
    _check(EDGE_CASES)
    _check(EDGE_CASES[::-1])
    _check([s for s in EDGE_CASES if s][:cue_batch.SMALL + 1])
    for size in range(1, 6):
        chunk = EDGE_CASES[size:size + size]
        assert _differences(chunk, *_analyse_unique(chunk)) == []


def test_warm_up_builds_the_tables():
    cue_batch.warm_up()
    assert char_tables.cache_info().currsize == 1 and run_table.cache_info().currsize == 1
    hits = (char_tables.cache_info().hits, run_table.cache_info().hits)
    _check(EDGE_CASES)
    assert char_tables.cache_info().hits > hits[0] and run_table.cache_info().hits > hits[1]


def test_long_sentences():
    words = "disgrace! NOT “so-called” scheme, he said, I think we must (alleged) n't biggest ".split(" ")
    _check([" ".join(words * k) for k in (1, 50, 400)] + [f"{k} WORDS" for k in range(cue_batch.SMALL)])


def test_chunks_and_special_sentences(monkeypatch):
    """Several chunks; sentences the tables leave to the per-sentence path sit among the others."""
    cases = [case["text"] for case in load_cases(FIXTURES / "cue_cases.jsonl")]
    special = ["The \x00 “plan” is a DISGRACE!", "\u0130stanbul’s “reform” is a SHAM", "\u03a3 \u0391\u03a3 regime",
               "\U0001f600 the “deal” (sic)", "\u017fo-called “experts”", "a \u212a rated SCAM",
               "lone \ud800 surrogate “hoax”"]
    sentences = [s for pair in zip(cases, special * 30) for s in pair]
    monkeypatch.setattr(cue_batch, "CHUNK_CHARS", 500)
    _check(sentences)


# Pieces rich in what the batch path must get right: every quote character, apostrophes,
# brackets, capitals, digits, hyphens, lexicon entries, "so-called", whitespace, the
# separator, and letters whose case mapping is special (escaped: editors may normalise them).
PIECES = (list("“”\"‘’'«»„!?()[]-‐‑_,;:.–— \n\t09aeiknstAEIKNST") +
          ["\u0130", "\u0131", "\u017f", "\u212a", "\u03a3", "\u03c2", "é", "ß", "\u01c5", "\u24b6", "\x00",
           "\U0001f600", "n't", "N’T", "est", "so-called",
           "CALLED", "said", ", he said", "NOT", "AGAINST", "USA", "BREAKING:", "I think", "(alleged)", "(!)",
           "a film called", "known as", "has to", "in a statement", "according to", "most", "biggest", "interest",
          "i would argues", "it seems to mes",  # matches that are no hits still hide the words they span
          "scaremongeringes", "indoctrinationess", "x" * 17, "ÉCOLE", "ǅ", "Ⓐ", "A1", "123", "won't"]
          + sorted(LEXICON)[::7])
QUOTES = [("“", "”"), ('"', '"'), ("‘", "’"), ("'", "'"), ("«", "»"), ("„", "“")]
piece = st.one_of(st.sampled_from(PIECES), st.sampled_from(PIECES).map(str.upper),
                  st.tuples(st.sampled_from(QUOTES), st.lists(st.sampled_from(PIECES), max_size=4))
                  .map(lambda q: q[0][0] + " ".join(q[1]) + q[0][1]))
sentence = st.lists(piece, max_size=24).map(lambda parts: " ".join(parts) if len(parts) % 2 else "".join(parts))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(sentence, min_size=1, max_size=30))
def test_random_sentences_identical(sentences):
    unique = list(dict.fromkeys(sentences))
    assert _differences(unique, *_analyse_unique(unique)) == []
    _check(sentences)


def test_corpora_identical(shared_dir):
    """Every BABE and CheckThat sentence of ../shared/corpora (the sentences the speed target is set on)."""
    corpora = shared_dir / "corpora"
    if not corpora.is_dir():
        pytest.skip("../shared/corpora not present (fresh clone without the shared data)")
    sentences = [r.text for r in read_babe(corpora / "babe")]
    sentences += [r.text for r in read_checkthat(corpora / "checkthat2025_en", splits=("train", "dev", "dev_test"))]
    assert len(sentences) > 1000
    _check(sentences)
