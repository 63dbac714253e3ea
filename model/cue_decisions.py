"""The per-sentence cue decisions of :mod:`model.cues`, shared with :mod:`model.cue_batch`.

:func:`_find_cues` decides, from a sentence's lexicon hits and quote spans, which
cues it shows (the rules are documented in :mod:`model.cues`).
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache
from itertools import islice
from operator import itemgetter

from model.cue_patterns import (ACRONYMS_UPPER, AGENT_AFTER_RE, AS_END_RE, CAPS2_RE, CAPS_RE, CHARACTERISE_RE,
                                 CONTRAST_RE, EMPHASIS_WORDS, EXCL_RE, INTERJECTION_AFTER_RE, INTRO_COLON_RE,
                                 KICKER_RE, LEXICON, NEUTRAL_HEAD_RE, PASSIVE_BEFORE_RE, PREV_WORD_RE, QMARK_END_RE,
                                 ROMAN_RE, SNEER_RE, SO_CALLED_RE, SPEECH_TAG_RE, SPEECHY_RE, SUFFIX_RE, TAIL_RE)
from model.lexicon import ACRONYMS, DETERMINERS, TITLE_CUE_PAIRS, TITLE_CUES, normalise


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
    if before.rstrip()[-1:] not in ("", ",", ":") and not before[-1:].isspace():
        return False
    words = [w.lower() for w in TAIL_RE.findall(before, max(len(before) - 60, 0))[-5:]]  # of before[-60:]
    skipped = 0
    while words and words[-1] in DETERMINERS and skipped < 2:
        words.pop()
        skipped += 1
    if not words:
        return False
    if words[-1] in TITLE_CUES:
        return not (words[-1] == "called" and len(words) > 1 and words[-2] == "so")
    return " ".join(words[-2:]) in TITLE_CUE_PAIRS


def _attributions(sentence: str, hits: list, quoted) -> tuple[list[int], list[tuple[int, bool]]]:
    """The contrast boundaries of ``sentence`` (starts of ``CONTRAST_RE`` matches) and, per unquoted
    attribution hit, ``(clause index, passive)``; passive: a participle after a form of *be*/*get*
    with no ``by`` agent after it (``were told``, ``have been promised``: no speaker is named).

    Only :func:`_quote_attributed` reads them, and only when there is an attribution hit, so the
    boundaries are looked for only then; ``passive`` matters only with a boundary (it is False
    without one).
    """
    verbs = [(s, e) for s, e, cats in hits if "attrib" in cats and not quoted(s)]
    if not verbs:
        return [], []
    bounds = [m.start() for m in CONTRAST_RE.finditer(sentence) if not quoted(m.start())] if (
        "," in sentence or ";" in sentence or "–" in sentence or "—" in sentence) else []
    if not bounds:
        return bounds, [(0, False)] * len(verbs)
    return bounds, [(bisect_right(bounds, s), PASSIVE_BEFORE_RE.search(sentence, max(0, s - 40), s) is not None
                     and AGENT_AFTER_RE.match(sentence, e) is None) for s, e in verbs]


def _quote_attributed(bounds: list[int], attributions: list[tuple[int, bool]], start: int) -> bool:
    """Whether an attribution verb credits a speaker with the quote at ``start``: an unquoted attribution
    verb in the quote's clause, unless it is passive and a contrast clause follows (``Residents were
    promised a “world-class” network, yet …``: the writer's irony, not a source's words)."""
    clause = bisect_right(bounds, start)
    contrasted = clause < len(bounds)
    return any(c == clause and not (passive and contrasted) for c, passive in attributions)


# The lower-cased last two characters AS_END_RE's match can end in, before white space ("a" after white
# space is tested apart). "ſ" (long s) matches "s" under IGNORECASE and is its own lower case; the other
# letters fold to their ASCII lower case (tests/test_speed_equivalence.py checks every BMP character).
_AS_END_TAILS = frozenset(("as", "aſ", "an", "he"))


def _as_end_possible(before: str) -> bool:
    """False only if ``AS_END_RE`` cannot match ``before``: its match ends in "as", " a", "an" or "he"
    (case-insensitively), then white space only (``\\s`` is ``str.isspace``, as ``rstrip`` strips)."""
    tail = before.rstrip()[-2:].lower()
    return tail in _AS_END_TAILS or (tail[1:] == "a" and tail[:1].isspace())


def _characterised(before: str) -> bool:
    """Whether ``before`` a quote ends in ``<subject> slammed/branded/described … X as``: the subject's words.

    A passive verb (``was slammed as``) names a speaker only with a ``by`` agent."""
    if not _as_end_possible(before) or not AS_END_RE.search(before):
        return False
    m = CHARACTERISE_RE.search(before, max(0, len(before) - 120))
    if m is None:
        return False
    return PASSIVE_BEFORE_RE.search(m.group("prev") + " ") is None or " by " in m.group(0).lower()


_BARE_BEFORE = DETERMINERS | frozenset(
    "these those your every each any some no another such whose which what who he she they we i you of to in for "
    "with on at by from into against about over under and or but nor as than is are was were be been being has "
    "have had".split())


def _neutral_loaded(sentence: str, s: int, e: int) -> bool:
    """Loaded-word hits that are not loaded here: a sentence-opening one-word interjection (``Unbelievable!``:
    the exclamation cue covers it) and a *scheme* modified by a neutral word (``parking scheme``,
    ``the “voluntary” scheme``); a bare, possessed or pejoratively modified *scheme* stays loaded."""
    if not sentence[:s].strip() and INTERJECTION_AFTER_RE.match(sentence, e) and " " not in sentence[s:e]:
        return True
    if normalise(sentence[s:e]) not in ("scheme", "schemes"):
        return False
    m = PREV_WORD_RE.search(sentence, max(0, s - 40), s)
    if m is None:
        return False
    word = m.group(1).strip("'’").lower()
    return not (word in _BARE_BEFORE or word.endswith(("'s", "’s")) or "loaded" in _match_categories(word))


@lru_cache(maxsize=4096)
def _match_categories(text: str) -> frozenset[str]:
    """Lexicon categories of one LEX_RE match text (empty: not a hit; plural stems count as loaded only)."""
    key = normalise(text)
    cats = LEXICON.get(key)
    if cats is None:
        stem = key[:-2] if key.endswith("es") and key[:-2] in LEXICON else key[:-1]
        cats = LEXICON.get(stem, frozenset()) & {"loaded"}
    return cats


def _quote_cues(sentence: str, hits: list, spans: list[tuple[int, int]], quote_hints=None):
    """The quote decisions of :func:`_find_cues` (its arguments of the same names; ``spans`` not empty).

    Returns the scare-quote cues (sorted), the number of non-scare quotes, the number of titles
    and ``quoted(pos)``: whether ``pos`` lies inside a quote.
    """
    starts, ends = zip(*spans)

    def quoted(pos: int) -> bool:
        """True if ``pos`` lies inside a quotation (spans are sorted and disjoint)."""
        i = bisect_right(starts, pos) - 1
        return i >= 0 and pos < ends[i]

    maybe_title, maybe_characterised, attributing = quote_hints or (None, None, True)
    attribution = None if attributing else ([], [])  # _attributions(...), found when a quote first needs it
    scare, titles = [], 0
    for k, (start, end) in enumerate(spans):
        if (maybe_title is None or maybe_title[k]) and _is_title(sentence[:start]):
            titles += 1
            continue
        # the conditions of a scare quote, cheapest first (all of them are pure); 1-4 words: at most
        # five pieces of split() tell
        inner = sentence[start + 1:end - 1].strip()
        if (1 <= len(inner.split(None, 4)) <= 4 and _two_letters(inner) and not SPEECHY_RE.search(inner)
                and not INTRO_COLON_RE.search(before := sentence[:start])
                and not ((maybe_characterised is None or maybe_characterised[k]) and _characterised(before))):
            if attribution is None:
                attribution = _attributions(sentence, hits, quoted)
            if not (attribution[1] and _quote_attributed(*attribution, start)):
                scare.append(("scare_quotes", start, end))
    return scare, len(spans) - len(scare), titles, quoted


def _two_letters(text: str) -> bool:
    """``sum(map(str.isalpha, text)) >= 2``, stopping at the second letter."""
    return next(islice(filter(str.isalpha, text), 1, None), None) is not None


def _find_cues(sentence: str, hits: list, spans: list[tuple[int, int]], n_multi: int, caps: list | None = None,
               called: bool | None = None, speech: bool | None = None, neutral=None,
               quote_hints=None) -> tuple[list[tuple[str, int, int]], int, int]:
    """The cue decisions of one sentence, shared by :func:`_analyse` and :mod:`model.cue_batch`.

    ``hits`` are its :func:`_lexicon_hits`, ``spans`` its ``QUOTE_RE`` spans, ``n_multi``
    its number of ``WORD_RE`` words longer than one character; ``caps`` (its ``CAPS_RE``
    matches) and ``called`` (whether its ``lower()`` contains "called") are computed when
    None. Speed hints from :mod:`model.cue_batch` (None: unknown): ``speech`` False when no
    ``SPEECH_TAG_RE`` match is possible, ``neutral`` the hit starts a ``NEUTRAL_HEAD_RE``
    head may precede (a container), ``quote_hints`` two sequences aligned with ``spans``
    (False where :func:`_is_title` / :func:`_characterised` of the text before the quote
    cannot be true) and whether an unquoted attribution hit is possible. Returns the sorted
    ``(type, start, end)`` cues, the number of non-scare quotes and the number of titles.
    """
    if spans:
        found, n_other, titles, quoted = _quote_cues(sentence, hits, spans, quote_hints)
    else:  # the same decisions, without the quote bookkeeping
        quoted, found, n_other, titles = _unquoted, [], 0, 0
    tag_end: list[int] = []  # the start of the last speech tag (-1: none), found on first use

    def free(pos: int) -> bool:
        """True if ``pos`` is outside every quote and after any unquoted speech tag."""
        if not tag_end:
            tags = [m.start() for m in SPEECH_TAG_RE.finditer(sentence)] if speech is not False and (
                "," in sentence or "–" in sentence) else []
            tag_end.append(tags[-1] if tags else -1)
        return pos >= tag_end[0] and not quoted(pos)

    if called is None:
        called = "called" in sentence.lower()
    if called:
        found += [("so_called", *m.span()) for m in SO_CALLED_RE.finditer(sentence)]
    sneers = [m.span() for m in SNEER_RE.finditer(sentence)] if "(" in sentence or "[" in sentence else []
    found += [("sneer_aside", s, e) for s, e in sneers]
    if "!" in sentence:
        found += [("exclamation", *m.span()) for m in EXCL_RE.finditer(sentence)
                  if free(m.start()) and not any(s <= m.start() < e for s, e in sneers)]
    for s, e, cats in hits:
        if ("loaded" in cats and free(s) and not ((neutral is None or s in neutral)
                                                   and NEUTRAL_HEAD_RE.search(sentence, max(0, s - 16), s))
                and not _neutral_loaded(sentence, s, e)):
            found.append(("loaded_word", s, e))
        if "first" in cats and free(s):
            found.append(("first_person_opinion", s, e))
    if caps is None:
        caps = list(CAPS_RE.finditer(sentence)) if CAPS2_RE.search(sentence) else []
    if caps and 2 * len(caps) <= n_multi:
        kicker = KICKER_RE.match(sentence)
        skip = kicker.end() if kicker else -1
        found += [("caps_emphasis", *m.span()) for m in caps
                  if m.start() >= skip and free(m.start()) and _is_emphasis(m.group())]
    q = QMARK_END_RE.search(sentence) if "?" in sentence else None
    if q and not quoted(q.start(1)):
        found.append(("rhetorical_question", *q.span(1)))
    if len(found) > 1:
        found.sort(key=_CUE_ORDER)
    return found, n_other, titles


def _unquoted(pos: int) -> bool:
    """``quoted`` of a sentence without quotes."""
    return False


def _sort_key(cue: tuple[str, int, int]) -> tuple[int, int, str]:
    return cue[1], cue[2], cue[0]


_CUE_ORDER = itemgetter(1, 2, 0)  # what _sort_key gives, at C speed
