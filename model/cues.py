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
  …); and when no attribution verb (*said, told, according to, described* …)
  occurs outside quotes anywhere in the sentence. ``so-called “X”`` is a
  scare quote (and a ``so_called`` cue).
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

from model.cue_patterns import (ACRONYMS_UPPER, CAPS2_RE, CAPS_RE, DIGIT_RE, DIGIT_WORD_RE, EMPHASIS_WORDS,
                                 EST_WORD_RE, EXCL_RE, FOLD_SPECIAL, INTRO_COLON_RE, KICKER_RE, LEX_LOWER_RE,
                                 LEX_RE, LEXICON, NEUTRAL_HEAD_RE, NOT_SUPERLATIVE, QMARK_END_RE, QUOTE_RE,
                                 ROMAN_RE, SNEER_RE, SO_CALLED_RE, SPEECH_TAG_RE, SPEECHY_RE, SUFFIX_RE, TAIL_RE,
                                 WORD_CLASS, WORD_RE)
from model.lexicon import ACRONYMS, DETERMINERS, TITLE_CUE_PAIRS, TITLE_CUES, normalise

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


def _is_emphasis(token: str) -> bool:
    """Whether an ALL-CAPS token is a common English word rather than an acronym."""
    if token in ACRONYMS or token in ACRONYMS_UPPER or ROMAN_RE.fullmatch(token):
        return False
    low = token.lower().replace("’", "'")
    if low in EMPHASIS_WORDS:
        return True
    if len(low) >= 5:
        for suffix in ("s", "es", "ed", "d", "ing", "ly"):
            if low.endswith(suffix) and low[:-len(suffix)] in EMPHASIS_WORDS:
                return True
    return len(low) >= 6 and SUFFIX_RE.search(token) is not None


def _is_title(before: str) -> bool:
    """Whether the text ``before`` a quote ends in a title/mention cue (``a film called``)."""
    words = [w.lower() for w in TAIL_RE.findall(before[-60:])][-5:]
    if before.rstrip()[-1:] not in ("", ",", ":") and not before[-1:].isspace():
        return False
    skipped = 0
    while words and words[-1] in DETERMINERS and skipped < 2:
        words.pop()
        skipped += 1
    if not words:
        return False
    if words[-1] in TITLE_CUES:
        return not (words[-1] == "called" and len(words) > 1 and words[-2] == "so")
    return " ".join(words[-2:]) in TITLE_CUE_PAIRS


def _lexicon_hits(sentence: str) -> list[tuple[int, int, frozenset[str]]]:
    """Every lexicon match as ``(start, end, categories)``."""
    hits = []
    low = sentence.lower()
    if len(low) == len(sentence) and FOLD_SPECIAL.isdisjoint(sentence):
        matches = LEX_LOWER_RE.finditer(low)
    else:
        matches = LEX_RE.finditer(sentence)
    for m in matches:
        key = normalise(sentence[m.start():m.end()])
        cats = LEXICON.get(key)
        if cats is None:
            stem = key[:-2] if key.endswith("es") and key[:-2] in LEXICON else key[:-1]
            cats = LEXICON.get(stem, frozenset()) & {"loaded"}
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

    attributed = any("attrib" in c and not quoted(s) for s, _, c in hits)
    scare, other, titles = [], [], 0
    for start, end in spans:
        inner = sentence[start + 1:end - 1].strip()
        before = sentence[:start]
        is_title = _is_title(before)
        titles += is_title
        if (not attributed and not is_title and 1 <= len(inner.split()) <= 4
                and sum(ch.isalpha() for ch in inner) >= 2 and not SPEECHY_RE.search(inner)
                and not INTRO_COLON_RE.search(before)):
            scare.append((start, end))
        else:
            other.append((start, end))
    tags = [m.start() for m in SPEECH_TAG_RE.finditer(sentence)] if "," in sentence or "–" in sentence else []
    tag_end = tags[-1] if tags else -1

    def free(pos: int) -> bool:
        """True if ``pos`` is outside every quote and after any unquoted speech tag."""
        return pos >= tag_end and not quoted(pos)

    found: list[tuple[str, int, int]] = [("scare_quotes", s, e) for s, e in scare]
    if "called" in sentence.lower():
        found += [("so_called", *m.span()) for m in SO_CALLED_RE.finditer(sentence)]
    sneers = [m.span() for m in SNEER_RE.finditer(sentence)] if "(" in sentence or "[" in sentence else []
    found += [("sneer_aside", s, e) for s, e in sneers]
    if "!" in sentence:
        found += [("exclamation", *m.span()) for m in EXCL_RE.finditer(sentence)
                  if free(m.start()) and not any(s <= m.start() < e for s, e in sneers)]
    for s, e, cats in hits:
        if "loaded" in cats and free(s) and not NEUTRAL_HEAD_RE.search(sentence, max(0, s - 16), s):
            found.append(("loaded_word", s, e))
        if "first" in cats and free(s):
            found.append(("first_person_opinion", s, e))
    caps = list(CAPS_RE.finditer(sentence)) if CAPS2_RE.search(sentence) else []
    if spans:
        tokens = [(m.start(), m.group()) for m in WORD_RE.finditer(sentence)]
        words = [w for _, w in tokens]
    else:
        words = WORD_RE.findall(sentence)
    lens = list(map(len, words))
    if caps and 2 * len(caps) <= len(lens) - lens.count(1):
        kicker = KICKER_RE.match(sentence)
        skip = kicker.end() if kicker else -1
        found += [("caps_emphasis", *m.span()) for m in caps
                  if m.start() >= skip and free(m.start()) and _is_emphasis(m.group())]
    q = QMARK_END_RE.search(sentence) if "?" in sentence else None
    if q and not quoted(q.start(1)):
        found.append(("rhetorical_question", *q.span(1)))
    found.sort(key=_sort_key)
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
        float(lex["attrib"] > 0), log1p(len(spans)), log1p(len(other) - titles), log1p(titles),
        log1p(lex["hedge"]), log1p(lex["intens"]), log1p(lex["modal"]), log1p(classes[0]), log1p(classes[1]),
        float("?" in sentence), float("!" in sentence), n_digit / denom, float(n_digit > 0),
        n_cap / max(len(alpha) - 1, 1), n_allcaps / max(len(alpha), 1), log1p(n_tok), log1p(classes[3]),
        log1p(classes[2]), min(sum(lens) / denom, 30.0) / 10.0,
        sum(e - s for s, e in spans) / max(len(sentence), 1), counts["loaded_word"] / denom]
    return cues, tuple(values)


def _sort_key(cue: tuple[str, int, int]) -> tuple[int, int, str]:
    return cue[1], cue[2], cue[0]


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
    """``(n, len(FEATURE_NAMES))`` float64 rows of :func:`cue_features` for many sentences."""
    rows = [_analyse(s)[1] for s in sentences]
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES))
