"""Deterministic cue detectors: character spans that explain a sentence's label.

:func:`detect_cues` returns the cues shown to editors (precision first);
:func:`cue_features` turns them, plus a few signals that are never displayed,
into a fixed-length numeric vector for the classifier.

Decisions (documented for editors and tests)
--------------------------------------------
* Quotes are ``“…”``, ``"…"``, ``‘…’``, ``'…'``, ``«…»`` and ``„…“``. A quote is a
  **scare quote** when its content has 1-4 words, at least two letters, no
  ``!?;`` and no trailing ``.,:``; when it is not introduced by ``:``; when it is
  not a title or a mention (preceded by *called, titled, named, dubbed, known
  as, film, book, song, album, show, campaign, operation, bill, act, the word*
  …); when it does not follow ``<subject> slammed/branded/dismissed/described
  … X as`` (the subject's words; a passive ``was slammed as`` only with a
  ``by`` agent); and when no attribution verb (*said, told, according to,
  described* …) occurs outside quotes in the quote's clause. Clauses are cut
  at a contrast (``, but``, ``, yet``, ``; although`` …). A passive reporting
  verb with no ``by`` agent (*were promised, have been told*) names no
  speaker: it does not attribute a quote whose clause a contrast follows
  (``Residents were promised a “world-class” network, yet …``); without the
  contrast it still does (``Residents were told the “temporary closure”
  would last a week``). ``so-called “X”`` is a scare quote (and a
  ``so_called`` cue).
* A loaded word opening the sentence as a one-word interjection
  (``Unbelievable!``) is not a loaded-word cue (the exclamation cue is).
  *scheme(s)* after a neutral modifier (``parking scheme``, ``the “voluntary”
  scheme``) is neutral; bare (``the scheme``, ``a scheme to …``), possessed
  or after a loaded word (``shameless scheme``) it stays loaded.
* Exclamation marks, caps emphasis, loaded words and first-person phrases
  are reported only **outside** quotation marks, and not before an unquoted
  speech tag (``…, he said``; ``…, Berlin says, …``).
* A sentence whose words of 2+ letters are more than half ALL-CAPS is headline
  style: no caps emphasis. An ALL-CAPS kicker before a colon at the start of
  a sentence (``BREAKING:``) is a label, not emphasis.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from operator import itemgetter

import numpy as np

from model.cue_decisions import _find_cues, _is_emphasis, _is_title, _match_categories, _sort_key  # noqa: F401
from model.cue_patterns import (DIGIT_RE, DIGIT_WORD_RE, EST_WORD_RE, FOLD_SPECIAL, LEX_LOWER_RE, LEX_RE,
                                 NOT_SUPERLATIVE, QUOTE_RE, WORD_CLASS, WORD_RE)

CUE_TYPES: tuple[str, ...] = ("scare_quotes", "so_called", "caps_emphasis", "exclamation",
                              "sneer_aside", "loaded_word", "first_person_opinion", "rhetorical_question")

_first = itemgetter(0)

FEATURE_NAMES: tuple[str, ...] = tuple(f"n_{t}" for t in CUE_TYPES) + (
    "attribution_verb", "quote_any", "quote_attributed", "quote_title_or_mention", "hedges", "intensifiers",
    "modal_obligation", "first_person_pronouns", "second_person", "question_mark", "exclamation_mark",
    "number_density", "has_number", "capitalised_ratio", "allcaps_ratio", "log_tokens", "superlatives",
    "negations", "mean_word_length", "quoted_char_fraction", "loaded_density")


@dataclass(frozen=True)
class Cue:
    """One detected cue: a typed character span of a sentence.

    Attributes
    ----------
    type : str
        One of :data:`CUE_TYPES`.
    start, end : int
        Code-point offsets into the sentence, ``end`` exclusive.
    text : str
        ``sentence[start:end]``.
    """

    type: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        """Return ``{"type", "start", "end", "text"}``."""
        return {"type": self.type, "start": self.start, "end": self.end, "text": self.text}


def _lexicon_hits(sentence: str) -> list[tuple[int, int, frozenset[str]]]:
    """Every lexicon match as ``(start, end, categories)``."""
    hits = []
    low = sentence.lower()
    if len(low) == len(sentence) and FOLD_SPECIAL.isdisjoint(sentence):
        matches = LEX_LOWER_RE.finditer(low)
    else:
        matches = LEX_RE.finditer(sentence)
    for m in matches:
        cats = _match_categories(sentence[m.start():m.end()])
        if cats:
            hits.append((m.start(), m.end(), cats))
    return hits


@lru_cache(maxsize=8192)
def _analyse(sentence: str) -> tuple[tuple[Cue, ...], tuple[float, ...]]:
    """Cues of ``sentence`` and its raw feature counts (cached; both public functions use it)."""
    hits = _lexicon_hits(sentence)
    spans = [m.span() for m in QUOTE_RE.finditer(sentence)] if any(q in sentence for q in "“\"‘'«„") else []

    starts, ends = [s for s, _ in spans], [e for _, e in spans]

    def quoted(pos: int) -> bool:
        """True if ``pos`` lies inside a quotation (spans are sorted and disjoint)."""
        i = bisect_right(starts, pos) - 1
        return i >= 0 and pos < ends[i]

    if spans:
        tokens = [(m.start(), m.group()) for m in WORD_RE.finditer(sentence)]
        words = [w for _, w in tokens]
    else:
        words = WORD_RE.findall(sentence)
    lens = list(map(len, words))
    found, n_other, titles = _find_cues(sentence, hits, spans, len(lens) - lens.count(1))
    cues = tuple(Cue(t, s, e, sentence[s:e]) for t, s, e in found)

    counts = dict.fromkeys(CUE_TYPES, 0)
    for cue in cues:
        counts[cue.type] += 1
    lex = dict.fromkeys(("attrib", "hedge", "intens", "modal"), 0)
    for s, _, cats in hits:
        if not quoted(s):
            for cat in cats & lex.keys():
                lex[cat] += 1
    classes = [0, 0, 0, 0]  # pronoun 1st / 2nd person, negations, superlatives (unquoted words)
    free_words = [w for start, w in tokens if not quoted(start)] if spans else words
    if free_words:
        # Per word: its WORD_CLASS entries; "n't"/"n’t" endings are negations; 6+ letter words
        # in "est" not in NOT_SUPERLATIVE are superlatives. Done by C-level string operations: lower-casing
        # the NUL-joined words equals lower-casing each word (NUL is neither cased nor
        # case-ignorable, so even the final-sigma rule sees the same word boundaries).
        joined = "\x00" + "\x00".join(free_words).lower() + "\x00"
        for word in filter(WORD_CLASS.__contains__, joined[1:-1].split("\x00")):
            for index in WORD_CLASS[word]:
                classes[index] += 1
        classes[2] += joined.count("n't\x00") + joined.count("n’t\x00")
        for word in EST_WORD_RE.findall(joined):
            if word not in NOT_SUPERLATIVE:
                classes[3] += 1
    n_tok = len(words)
    denom = max(n_tok, 1)
    # a word with a digit is never alphabetic, so this counts the non-alpha words with a digit
    n_digit = len(DIGIT_WORD_RE.findall("\x00".join(words))) if DIGIT_RE.search(sentence) else 0
    firsts = list(map(_first, words))
    alpha = list(compress(words, map(str.isalpha, firsts)))
    alpha_firsts = "".join(map(_first, alpha))
    n_cap = sum(map(str.isupper, alpha_firsts[1:]))
    n_allcaps = sum(map(str.isupper, alpha))
    if n_allcaps and 1 in lens:  # one-letter words do not count as ALL-CAPS
        n_allcaps -= sum(1 for w in alpha if len(w) == 1 and w.isupper())
    log1p = math.log1p
    values = [log1p(counts[t]) for t in CUE_TYPES] + [
        float(lex["attrib"] > 0), log1p(len(spans)), log1p(n_other - titles), log1p(titles),
        log1p(lex["hedge"]), log1p(lex["intens"]), log1p(lex["modal"]), log1p(classes[0]), log1p(classes[1]),
        float("?" in sentence), float("!" in sentence), n_digit / denom, float(n_digit > 0),
        n_cap / max(len(alpha) - 1, 1), n_allcaps / max(len(alpha), 1), log1p(n_tok), log1p(classes[3]),
        log1p(classes[2]), min(sum(lens) / denom, 30.0) / 10.0,
        sum(e - s for s, e in spans) / max(len(sentence), 1), counts["loaded_word"] / denom]
    return cues, tuple(values)


def detect_cues(sentence: str) -> list[Cue]:
    """Return the cues of one sentence, sorted by ``(start, end, type)``.

    Parameters
    ----------
    sentence : str
        One sentence (offsets are code points into it).

    Returns
    -------
    list of Cue
        Deterministic; empty for an empty string.
    """
    return list(_analyse(sentence)[0])


def cue_features(sentence: str) -> np.ndarray:
    """Return the numeric cue features of one sentence, named by :data:`FEATURE_NAMES`.

    Counts are ``log1p``-scaled; ratios are in ``[0, 1]``; all values are finite.
    Lexical counts (hedges, intensifiers, modals, pronouns, negations,
    superlatives, attribution) ignore quoted text.

    Parameters
    ----------
    sentence : str
        One sentence.

    Returns
    -------
    numpy.ndarray
        ``float64`` vector of length ``len(FEATURE_NAMES)``.
    """
    return np.array(_analyse(sentence)[1], dtype=np.float64)


def cue_feature_matrix(sentences) -> np.ndarray:
    """``(n, len(FEATURE_NAMES))`` float64 rows of :func:`cue_features` for many sentences.

    Computed by :func:`model.cue_batch.analyse_batch` (same values, several times faster
    for many sentences); it does not fill the cache behind :func:`detect_cues`.
    """
    from model.cue_batch import analyse_batch  # noqa: PLC0415 - model.cue_batch imports this module

    return analyse_batch(sentences)[1]
