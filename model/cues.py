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
import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from operator import itemgetter

import numpy as np

from model.lexicon import (ACRONYMS, COMMON_WORDS, DETERMINERS, INTENSIFIERS, LOADED_WORDS, SNEER_ASIDES,
                           TITLE_CUE_PAIRS, TITLE_CUES, lexicon_categories, normalise, trie_pattern)

CUE_TYPES: tuple[str, ...] = ("scare_quotes", "so_called", "caps_emphasis", "exclamation",
                              "sneer_aside", "loaded_word", "first_person_opinion", "rhetorical_question")

_L = r"[^\W\d_]"  # one letter
_QUOTE_RE = re.compile(
    r"“[^“”\n]*”|„[^„“”\n]*[“”]|«[^«»\n]*»|\"[^\"\n]*\""
    r"|(?<![\w’'])‘(?:[^‘’\n]|’(?=\w))+’(?!\w)"
    rf"|(?<![\w'’])'(?={_L})(?:[^'\n]|'(?=\w))+'(?!\w)")
_SPEECHY_RE = re.compile(r"[!?;]|[.,:]\s*$|\.\s")
_INTRO_COLON_RE = re.compile(r":\s*$")
# One pass over the sentence finds every lexicon entry (loaded words, first-person
# phrases, attribution verbs, hedges, intensifiers, modals); categories by lookup.
_LEXICON = lexicon_categories()
_LEX_RE = re.compile(rf"(?<![\w'’-]){trie_pattern(_LEXICON)}(?:e?s)?(?![\w-])", re.IGNORECASE)
# Speed only: the same pattern without IGNORECASE, run on ``sentence.lower()`` when that is
# equivalent (lower() keeps every offset and no character case-folds to a different ASCII
# letter than its lower() -- dotless i, long s, Kelvin sign and dotted I do).
_LEX_LOWER_RE = re.compile(_LEX_RE.pattern)
_FOLD_SPECIAL = frozenset("ıſKİ")
_SUBJ = (r"(?:he|she|they|it|we|i|(?:the|a|an|one|some|many|two|three)\s+[\w-]+(?:\s+[\w-]+)?"
         r"|[a-z]{3,}s|[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3})")
_TAG_VERB = (r"(?:said|says|say|added|adds|insisted|insists|claimed|claims|wrote|writes|told\s+\w+|tells\s+\w+"
             r"|argued|argues|warned|warns|explained|noted|replied|stated|declared|tweeted|believes|thinks)")
_SPEECH_TAG_RE = re.compile(rf"[,;–—]\s*(?:{_SUBJ}\s+{_TAG_VERB}|{_TAG_VERB}\s+{_SUBJ})\b"
                            r"(?=\s*(?:[.,;:!?…–—)]|$)|\s+(?:on|in|at|after|before|during|last|this|yesterday|today)\b)")
_SO_CALLED_RE = re.compile(r"\bso[-‐‑ ]called\b", re.IGNORECASE)
_EXCL_RE = re.compile(r"!+")
_QMARK_END_RE = re.compile(r"(\?+)[!?]*[\s)\]]*$")
_sneers = trie_pattern([s for s in SNEER_ASIDES if s not in "!?"])
_SNEER_RE = re.compile(rf"[(\[]\s*(?:{_sneers}\s*[!?]*|[!?]+)\s*[)\]]", re.IGNORECASE)
# Neutral compounds: "tax regime", "pension scheme", "training regime" are not loaded.
_NEUTRAL_HEAD_RE = re.compile(
    r"\b(?:tax|sanctions?|training|visa|regulatory|pension|insurance|savings|loan|benefits?|licensing|pilot"
    r"|fitness|exercise|drug|treatment|legal|trade|tariff|colour|color|rhyme|rhyming|incentive|support)\s+$",
    re.IGNORECASE)
_CAPS_RE = re.compile(r"(?<![\w'’-])[A-Z]{2,}(?:['’][A-Z]{1,2})?(?![\w'’-])")
_KICKER_RE = re.compile(r"^\W*[A-Z][A-Z ]+:")
_ROMAN_RE = re.compile(r"M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_SUFFIX_RE = re.compile(r"(?:ING|ED|LY|TION|SION|ABLE|IBLE|OUS|NESS|MENT|FUL|LESS|IVE|ISM|IST|IZE|ISE|ITY)$")
_WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_TAIL_RE = re.compile(r"[\w'’-]+")
_DIGIT_RE = re.compile(r"\d")
# Speed-only helpers over words joined by NUL (never inside a word): same counts as per-word loops.
_DIGIT_WORD_RE = re.compile(r"\d[^\x00]*")  # one match per word that contains a digit
_EST_WORD_RE = re.compile(r"\x00([^\x00]{3,}est)(?=\x00)")  # words of 6+ letters ending in "est"
_CAPS2_RE = re.compile(r"[A-Z][A-Z]")  # cheap pre-check for _CAPS_RE
_first = itemgetter(0)

_EMPHASIS_WORDS = COMMON_WORDS | {w for w in LOADED_WORDS + INTENSIFIERS if " " not in w}
_ACRONYMS_UPPER = frozenset(a.upper() for a in ACRONYMS)
_WORD_CLASS: dict[str, tuple[int, ...]] = {}
for _words, _index in ((("i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"), 0),
                       (("you", "your", "yours", "yourself", "yourselves"), 1),
                       (("not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "cannot",
                         "without", "nowhere"), 2),
                       (("most", "least", "best", "worst"), 3)):
    for _w in _words:
        _WORD_CLASS[_w] = _WORD_CLASS.get(_w, ()) + (_index,)
_NOT_SUPERLATIVE = frozenset(
    "interest test rest west protest request arrest forest honest modest suggest contest harvest invest "
    "digest manifest conquest quest guest chest pest nest vest zest crest priest earnest inquest unrest "
    "behest bequest attest detest infest budapest everest midwest northwest southwest".split())

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
    if token in ACRONYMS or token in _ACRONYMS_UPPER or _ROMAN_RE.fullmatch(token):
        return False
    low = token.lower().replace("’", "'")
    if low in _EMPHASIS_WORDS:
        return True
    if len(low) >= 5:
        for suffix in ("s", "es", "ed", "d", "ing", "ly"):
            if low.endswith(suffix) and low[:-len(suffix)] in _EMPHASIS_WORDS:
                return True
    return len(low) >= 6 and _SUFFIX_RE.search(token) is not None


def _is_title(before: str) -> bool:
    """Whether the text ``before`` a quote ends in a title/mention cue (``a film called``)."""
    words = [w.lower() for w in _TAIL_RE.findall(before[-60:])][-5:]
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
    if len(low) == len(sentence) and _FOLD_SPECIAL.isdisjoint(sentence):
        matches = _LEX_LOWER_RE.finditer(low)
    else:
        matches = _LEX_RE.finditer(sentence)
    for m in matches:
        key = normalise(sentence[m.start():m.end()])
        cats = _LEXICON.get(key)
        if cats is None:
            stem = key[:-2] if key.endswith("es") and key[:-2] in _LEXICON else key[:-1]
            cats = _LEXICON.get(stem, frozenset()) & {"loaded"}
        if cats:
            hits.append((m.start(), m.end(), cats))
    return hits


@lru_cache(maxsize=8192)
def _analyse(sentence: str) -> tuple[tuple[Cue, ...], tuple[float, ...]]:
    """Cues of ``sentence`` and its raw feature counts (cached; both public functions use it)."""
    hits = _lexicon_hits(sentence)
    spans = [m.span() for m in _QUOTE_RE.finditer(sentence)] if any(q in sentence for q in "“\"‘'«„") else []

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
                and sum(ch.isalpha() for ch in inner) >= 2 and not _SPEECHY_RE.search(inner)
                and not _INTRO_COLON_RE.search(before)):
            scare.append((start, end))
        else:
            other.append((start, end))
    tags = [m.start() for m in _SPEECH_TAG_RE.finditer(sentence)] if "," in sentence or "–" in sentence else []
    tag_end = tags[-1] if tags else -1

    def free(pos: int) -> bool:
        """True if ``pos`` is outside every quote and after any unquoted speech tag."""
        return pos >= tag_end and not quoted(pos)

    found: list[tuple[str, int, int]] = [("scare_quotes", s, e) for s, e in scare]
    if "called" in sentence.lower():
        found += [("so_called", *m.span()) for m in _SO_CALLED_RE.finditer(sentence)]
    sneers = [m.span() for m in _SNEER_RE.finditer(sentence)] if "(" in sentence or "[" in sentence else []
    found += [("sneer_aside", s, e) for s, e in sneers]
    if "!" in sentence:
        found += [("exclamation", *m.span()) for m in _EXCL_RE.finditer(sentence)
                  if free(m.start()) and not any(s <= m.start() < e for s, e in sneers)]
    for s, e, cats in hits:
        if "loaded" in cats and free(s) and not _NEUTRAL_HEAD_RE.search(sentence, max(0, s - 16), s):
            found.append(("loaded_word", s, e))
        if "first" in cats and free(s):
            found.append(("first_person_opinion", s, e))
    caps = list(_CAPS_RE.finditer(sentence)) if _CAPS2_RE.search(sentence) else []
    if spans:
        tokens = [(m.start(), m.group()) for m in _WORD_RE.finditer(sentence)]
        words = [w for _, w in tokens]
    else:
        words = _WORD_RE.findall(sentence)
    lens = list(map(len, words))
    if caps and 2 * len(caps) <= len(lens) - lens.count(1):
        kicker = _KICKER_RE.match(sentence)
        skip = kicker.end() if kicker else -1
        found += [("caps_emphasis", *m.span()) for m in caps
                  if m.start() >= skip and free(m.start()) and _is_emphasis(m.group())]
    q = _QMARK_END_RE.search(sentence) if "?" in sentence else None
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
        # Per word: its _WORD_CLASS entries; "n't"/"n’t" endings are negations; 6+ letter words
        # in "est" not in _NOT_SUPERLATIVE are superlatives. Done by C-level string operations: lower-casing
        # the NUL-joined words equals lower-casing each word (NUL is neither cased nor
        # case-ignorable, so even the final-sigma rule sees the same word boundaries).
        joined = "\x00" + "\x00".join(free_words).lower() + "\x00"
        for word in filter(_WORD_CLASS.__contains__, joined[1:-1].split("\x00")):
            for index in _WORD_CLASS[word]:
                classes[index] += 1
        classes[2] += joined.count("n't\x00") + joined.count("n’t\x00")
        for word in _EST_WORD_RE.findall(joined):
            if word not in _NOT_SUPERLATIVE:
                classes[3] += 1
    n_tok = len(words)
    denom = max(n_tok, 1)
    # a word with a digit is never alphabetic, so this counts the non-alpha words with a digit
    n_digit = len(_DIGIT_WORD_RE.findall("\x00".join(words))) if _DIGIT_RE.search(sentence) else 0
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
