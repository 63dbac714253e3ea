"""The hints and shortcuts of the batch cue path (issue 4) never change an output.

:mod:`model.cue_quotes` hints let the cue decisions skip the title and characterisation checks
of a quote; :mod:`model.cue_decide` decides quiet sentences without the full per-sentence
decisions; :mod:`model.cue_words` looks runs up through a small perfect hash. Each is checked
directly (a hint is never False where its check is true) and on outputs, against
``model.cues._analyse`` sentence by sentence.
"""

from __future__ import annotations

import random

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from model.cue_batch import analyse_batch
from model.cue_decisions import _characterised, _is_title, _two_letters
from model.cue_patterns import AS_END_RE, AS_END_WORDS
from model.cue_quotes import Quotes
from model.cue_scan import Batch
from model.cue_tables import ALNUM
from model.cue_words import MAX_LEN, run_table, sixteen_bytes
from model.cues import FEATURE_NAMES, _analyse


def _check(sentences):
    """The batch path gives exactly the per-sentence cues and feature bytes."""
    cues, features = analyse_batch(sentences)
    results = [_analyse.__wrapped__(s) for s in sentences]
    want = np.array([v for _, v in results], dtype=np.float64).reshape(-1, len(FEATURE_NAMES))
    assert [s for s, c, (w, _) in zip(sentences, cues, results) if c != w] == []
    assert features.tobytes() == want.tobytes()


# Text before quotes, aimed at the quote hints (model.cue_quotes): title cues and pairs, determiners
# (one, two, three before the quote), "as" endings, words cut by _is_title's 60-character window,
# hyphens, underscores, apostrophes, digits, non-ASCII letters and case.
BEFORE_QUOTE = ["a film called", "A FILM CALLED", "the so-called", "so called", "known as", "Known As the",
                "dubbed it the", "called it this their", "called the the the", "a book called my", "code-named",
                "the code-named", "film_called", "film-called", "called -", "called _", "called,", "called:",
                "called  \n ", "dubbed ‘", "the word", "the words", "the phrase, the", "described as",
                "referred to as", "slammed the plan as", "branded him AS A", "was branded as an", "critics as",
                "as", "AS THE", "alias", "has", "bias", "the", "a", "an", "it", "them", "this", "that", "her",
                "x" * 55 + " called", "x" * 58 + "called", "y" * 70, "the " + "z" * 58 + " film the", "é called",
                "naïve film", "Straße named", "2nd film called", "film’s", "o'called", "", " ", "—", "(", "said:"]
QUOTED = ["“The Long Goodbye”", "\"Hoax\"", "‘rubbish’", "'fair'", "«Reform»", "„Plan“", "“We will not back down,”",
          "“a ‘nested’ one”", "“unbalanced", "“”", "“x”", "“Ça va”", "“so-called experts”"]


def _hints(sentences):
    """The Batch, Quotes and quote hints the batch path computes for ``sentences``."""
    b = Batch(sentences)
    alnum = (b.flags & ALNUM) != 0
    bounds = (alnum[1:] != alnum[:-1]).nonzero()[0] + 1
    runs, ends = bounds[0::2], bounds[1::2]
    table = run_table()
    quotes = Quotes(b)
    return b, quotes, quotes.hints(runs, table.codes.take(table.lookup(b.letters, runs, ends - runs)),
                                   np.ones(len(sentences), dtype=bool))


def _check_hints(sentences):
    """Assert that no hint is False where its check is true; return the quotes and the true checks."""
    b, quotes, hints = _hints(sentences)
    checked, true = 0, 0
    for i, spans in quotes.spans.items():
        text = sentences[i]
        title, characterised, _ = hints[i]
        for k, (start, _) in enumerate(spans):
            before = text[:start]
            assert title[k] or not _is_title(before), before
            assert characterised[k] or not _characterised(before), before
            checked += 1
            true += _is_title(before) + _characterised(before)
    return checked, true


def test_quote_hints_never_skip_a_true_check():
    sentences = [f"{before} {quoted} is here." for before in BEFORE_QUOTE for quoted in QUOTED]
    sentences += [f"{before}{quoted}" for before in BEFORE_QUOTE for quoted in QUOTED[:4]]
    checked, true = _check_hints(sentences)
    assert checked > len(sentences) // 2 and true > 100
    _check(sentences)
    # the hints do skip: most quotes after no title cue need neither check
    b, quotes, hints = _hints(["He spoke of the “plan” and a “deal”.", "Officials said “it works” today."])
    assert hints[0][0] == [False, False] and hints[1] == ([False], [False], True)
    assert _hints(["A film called “Hoax”.", "They branded the plan a “sham”."])[2] == {0: ([True], [False], True),
                                                                       1: ([False], [True], True)}


def test_hint_word_sets_follow_the_patterns():
    for word in AS_END_WORDS:
        assert AS_END_RE.search(f"as {word} ") and AS_END_RE.search(f"AS {word.upper()}")
    # every way AS_END_RE can end: its last word is an AS_END_WORDS word
    for text in ("as", "AS  ", "as a", "as an\t", "As The "):
        assert AS_END_RE.search(text) and text.split()[-1].lower() in AS_END_WORDS


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.lists(st.sampled_from(BEFORE_QUOTE), max_size=3).map(" ".join),
                          st.sampled_from(QUOTED), st.sampled_from(["", " ", ", ", "  ", ": "])),
                min_size=1, max_size=4).map(lambda parts: "".join(a + c + q for a, q, c in parts)))
def test_quote_hints_fuzz(sentence):
    _check_hints([sentence, sentence.upper(), sentence.lower()])


# Sentences for the ways model.cue_decide decides: quiet ones (quotes, hits, "?", "called", sneer
# asides) without _find_cues, and the ones that need it (speech tags with hits, "!", caps, scheme).
DECIDE_SENTENCES = [
    "The film called “The Long Goodbye” is a disgrace?",
    "“We will not back down,” the minister said of the shameful plan.",
    "“We will not back down,” the minister said, calling it shameful.",
    "I think the so-called “reform” is a sham (sic).",
    "I think the so-called “reform” is a sham (sic)!",
    "A “disgraceful” scheme, I believe, and a parking scheme.",
    "The tax scheme is “shameful”, critics said?",
    "Is this really the “best” they can do?",
    "Is this really “the best they can do?”",
    "He said ‘no’ to the “deal” (allegedly) – a DISGRACE.",
    "Officials told reporters the “temporary” closure was a shameful mess.",
    "Residents were promised a “world-class” network, yet nothing came?",
    "They described it as “rubbish”, and I think it is.",
    "The “plan” is — as so called experts say — shameful",
    "“Unbalanced quote and a shameful plan",
    "“Nested ‘quotes’ here” and there",
    "Ça “va” — naïve, shameful café?",
]


def test_decide_paths_identical(monkeypatch):
    from model import cue_decide

    general = []
    original = cue_decide._find_cues

    def counting(*args, **kwargs):
        general.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(cue_decide, "_find_cues", counting)
    sentences = DECIDE_SENTENCES + [s.upper() for s in DECIDE_SENTENCES] + [""] * 3
    _check(sentences)
    simple = [s for s in DECIDE_SENTENCES if s not in general]
    assert len(simple) >= 8 and DECIDE_SENTENCES[0] in simple and DECIDE_SENTENCES[3] in simple  # both ways taken
    assert DECIDE_SENTENCES[4] in general and DECIDE_SENTENCES[9] in general


def test_two_letters():
    for text in ["", "a", "ab", "a1", "1a2b", "  é ", "éß", "\u00b2\u00b2", "x_y", "12", "a b", "ǅ!", "Ⓐⓑ"]:
        assert _two_letters(text) == (sum(map(str.isalpha, text)) >= 2), text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12))
def test_two_letters_fuzz(text):
    assert _two_letters(text) == (sum(map(str.isalpha, text)) >= 2)


def test_run_lookup_is_exact():
    """Every key finds itself; runs that are no key (near misses too) find nothing."""
    table = run_table()
    assert len(set(table.slots[table.slots >= 0].tolist())) == len(table.keys)
    rng = random.Random(4)
    others = [key[:-1] for key in table.keys] + [key + "s" for key in table.keys] + [
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(1, MAX_LEN + 3)))
        for _ in range(3000)] + ["x" * 17, "abcdefghijklmnopq", "a1", "é", "don't"]
    words = list(table.keys) + [w for w in others if w not in set(table.keys)]
    b = Batch(words)
    alnum = (b.flags & ALNUM) != 0
    bounds = (alnum[1:] != alnum[:-1]).nonzero()[0] + 1
    runs, ends = bounds[0::2], bounds[1::2]
    found = table.lookup(b.letters, runs, ends - runs)
    texts = [b.joined[s:e].lower() for s, e in zip(runs.tolist(), ends.tolist())]
    number = {key: k for k, key in enumerate(table.keys)}
    assert found.tolist() == [number.get(text, -1) for text in texts]
    # the gathered bytes are the run's letter codes
    assert (sixteen_bytes(b.letters)[runs[:5]].view(np.uint8).reshape(-1, 16) ==
            np.stack([b.letters[s:s + 16] for s in runs[:5].tolist()])).all()
