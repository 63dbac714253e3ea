"""The speed-only shortcuts of the cue and scorer code change no output (issue 4).

Each shortcut skips work only when a necessary condition fails; these tests check the
conditions themselves (exhaustively where the alphabet allows it) and the outputs on
sentences made to exercise them.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model import csr
from model.cue_batch import analyse_batch
from model.cue_decisions import _as_end_possible
from model.cue_patterns import (AS_END_RE, FOLD_SPECIAL, NEUTRAL_HEAD_RE, NEUTRAL_HEAD_WORDS, SPEECH_TAG_RE,
                                TAG_VERB_WORDS)
from model.cues import FEATURE_NAMES, _analyse

BMP = [chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000]


def _reference(sentences):
    results = [_analyse.__wrapped__(s) for s in sentences]
    return [c for c, _ in results], np.array([v for _, v in results], dtype=np.float64).reshape(-1, len(FEATURE_NAMES))


def _check(sentences):
    cues, features = analyse_batch(sentences)
    want_cues, want = _reference(sentences)
    assert [s for s, c, w in zip(sentences, cues, want_cues) if c != w] == []
    assert features.tobytes() == want.tobytes()


def test_only_fold_special_characters_match_ascii_letters_case_insensitively():
    # the run-table hints (lower-case ASCII words) see what an IGNORECASE regex sees, outside FOLD_SPECIAL
    odd = {c for c in BMP if ord(c) >= 128 and re.fullmatch("[a-z]", c, re.IGNORECASE)}
    assert odd <= FOLD_SPECIAL


def test_as_end_prefilter_never_rejects_a_match():
    letters = {ch: [c for c in BMP if re.fullmatch(ch, c, re.IGNORECASE)] for ch in "asnthe"}
    spaces = [c for c in BMP if c.isspace()]
    assert spaces == [c for c in BMP if re.fullmatch(r"\s", c)]  # \s is str.isspace, as rstrip strips
    tails = ["as", "as a", "as an", "as the"]
    for tail in tails:
        for k, ch in enumerate(tail):
            variants = spaces if ch == " " else letters[ch]
            for v in variants:
                for end in ("", " ", "\n", " \t\u3000"):
                    before = "He slammed the plan " + tail[:k] + v + tail[k + 1:] + end
                    if AS_END_RE.search(before):
                        assert _as_end_possible(before), repr(before)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from("asSAſnNtThHeE \t\n.x'’-İıK"), max_size=12))
def test_as_end_prefilter_fuzz(before):
    if AS_END_RE.search(before):
        assert _as_end_possible(before)


def test_hint_words_follow_the_patterns():
    assert "said" in TAG_VERB_WORDS and "told" in TAG_VERB_WORDS and "tells" in TAG_VERB_WORDS
    for word in NEUTRAL_HEAD_WORDS:
        assert NEUTRAL_HEAD_RE.search(f"the {word} ")
        assert NEUTRAL_HEAD_RE.search(f"the {word.upper()} ")
    assert NEUTRAL_HEAD_RE.search("the sanction ") and NEUTRAL_HEAD_RE.search("the benefits ")


HINT_SENTENCES = [
    "Critics, he said, called it a disgraceful plan!",
    "Critics, HE SAID, called it a disgraceful plan!",
    "This is outrageous, Said the minister.",
    "A shameful decision, the minister told reporters on Monday.",
    "A shameful decision, told reporters the minister.",
    "It was a disgraceful move – critics said – and a shameful one!",
    "It was a disgraceful move; critics say.",
    "It was a disgraceful move — critics say.",
    "It was a disgraceful move, critics_say.",
    "The tax scheme is a scam.",
    "The TAX scheme is a scam.",
    "The Tax  \t scheme is shameful.",
    "The taxes scheme is shameful.",
    "The sanction regime and the sanctions regime and the training regime.",
    "The pension-scheme is a scheme.",
    "A tax_scheme is a scheme.",
    "That is tax\nscheme talk, a disgraceful scheme.",
    "verylongprefixwordtax scheme is disgraceful.",
    "He was branded “a liar” by critics who described him as “dangerous”.",
    "She slammed the plan as “a disgrace”, but he was slammed as “weak”.",
    "They described it AS “rubbish” and as the “worst”.",
    "The minister insisted, however, that the scheme was “fair”, and critics said it was shameful.",
    "Residents were promised a “world-class” network, yet nothing came.",
    "Residents were told the “temporary closure” would last a week.",
    "In a so-called “reform”, the disgraceful tax regime stays, he argued.",
]


def test_hint_sentences_identical():
    _check(HINT_SENTENCES)
    _check(HINT_SENTENCES + [s.upper() for s in HINT_SENTENCES] + [s.lower() for s in HINT_SENTENCES])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(
    ["said", "SAID", "Said", "says", "told", "he", "critics", "The", "tax", "TAX", "pension", "scheme", "regime",
     "disgraceful", "shameful", "as", "AS", "a", "the", "described", "slammed", "“rubbish”", "'fair'", ",", ";",
     "–", "—", "!", "?", ".", "I", "think", "known", "called", "so-called", "but", "yet", "was", "by", "\n", "_"]),
    min_size=1, max_size=14).map(" ".join), min_size=4, max_size=12))
def test_hint_fuzz(sentences):
    _check(sentences)


def _tfidf_reference(y, m, idf, coef):
    """``csr.tfidf_add`` as it was before issue 4 (float64 weights)."""
    indptr, indices, counts = m
    n, k = y.shape
    vals = np.log(counts)
    vals += np.float32(1.0)
    vals *= idf[indices]
    squares = np.append(np.square(vals).astype(np.float64), 0.0)
    norm = np.sqrt(np.add.reduceat(squares, indptr[:-1]))
    norm[(np.diff(indptr) == 0) | (norm == 0)] = 1.0
    z = np.zeros_like(y)
    csr.csr_matvecs(n, coef.shape[0], k, indptr, indices, vals.astype(np.float64), coef.ravel(), z.reshape(-1))
    z /= norm[:, None]
    y += z


@pytest.mark.parametrize("seed", range(5))
def test_tfidf_add_identical(seed):
    rng = np.random.default_rng(seed)
    n, width = 40, 300
    lens = rng.integers(0, 30, n)
    lens[[0, n - 1, n - 2]] = 0  # empty rows, also at the end
    indptr = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
    indices = np.concatenate([rng.choice(width, size=k, replace=False) for k in lens]).astype(np.int64)
    counts = rng.integers(1, 6, len(indices)).astype(np.float32)
    idf = rng.uniform(1, 8, width).astype(np.float32)
    coef = rng.normal(size=(width, 3))
    start = rng.normal(size=(n, 3))
    got, want = start.copy(), start.copy()
    csr.tfidf_add(got, (indptr, indices, counts), idf, coef)
    _tfidf_reference(want, (indptr, indices, counts), idf, coef)
    assert got.tobytes() == want.tobytes()


def _attributions_reference(sentence, hits, quoted):
    """``model.cue_decisions._attributions`` as it was before issue 4 (every value computed)."""
    from bisect import bisect_right

    from model.cue_patterns import AGENT_AFTER_RE, CONTRAST_RE, PASSIVE_BEFORE_RE

    bounds = [m.start() for m in CONTRAST_RE.finditer(sentence) if not quoted(m.start())] if (
        "," in sentence or ";" in sentence or "–" in sentence or "—" in sentence) else []
    found = []
    for s, e, cats in hits:
        if "attrib" in cats and not quoted(s):
            passive = (PASSIVE_BEFORE_RE.search(sentence, max(0, s - 40), s) is not None
                       and AGENT_AFTER_RE.match(sentence, e) is None)
            found.append((bisect_right(bounds, s), passive))
    return bounds, found


def test_lazy_attributions_give_the_same_verdicts():
    from pathlib import Path

    from bench.cues import load_cases
    from model.cue_decisions import _attributions, _quote_attributed
    from model.cue_patterns import QUOTE_RE
    from model.cues import _lexicon_hits

    fixtures = Path(__file__).resolve().parent / "fixtures"
    sentences = HINT_SENTENCES + [c["text"] for name in ("cue_cases.jsonl", "cue_cases_independent.jsonl")
                                  for c in load_cases(fixtures / name)]
    checked = 0
    for sentence in sentences:
        spans = [m.span() for m in QUOTE_RE.finditer(sentence)]

        def quoted(pos, spans=spans):
            return any(s <= pos < e for s, e in spans)

        hits = _lexicon_hits(sentence)
        new, old = _attributions(sentence, hits, quoted), _attributions_reference(sentence, hits, quoted)
        for start, _ in spans:
            verdicts = [bool(found[1]) and _quote_attributed(*found, start) for found in (new, old)]
            assert verdicts[0] == verdicts[1], (sentence, start)
            checked += 1
    assert checked > 50
