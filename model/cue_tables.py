"""Per-code-point tables behind :mod:`model.cue_batch` (built once, on first use).

Every flag is derived from the very regex class or ``str`` method that :mod:`model.cues`
uses, code point by code point, so a table lookup answers exactly what the
per-sentence code asks. Sentences with a :data:`SPECIAL` character are left to the
per-sentence path: code points outside the BMP, surrogates, the letters that make
:func:`model.cues._lexicon_hits` leave its lower-case fast path (``FOLD_SPECIAL``; and
anything whose ``lower()`` is not one character), capital sigma (the only
context-dependent ``lower()``), and any character whose lower-case form differs from
it in a flag the batch reads for lower-cased text (``ALNUM``, ``WORD``, ``LEX_BEFORE``).
SPECIAL is the highest flag bit: a text has a SPECIAL character iff its largest flag
value is at least SPECIAL.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np

from model.cue_patterns import FOLD_SPECIAL

ALNUM, WORD, DIGIT, LEX_AFTER, ALPHA, UPPER, LOWER_TITLE = 1, 2, 4, 8, 16, 32, 64
JOINER, LEX_BEFORE, QUOTE_BEFORE, QUOTE_OPEN, APOS, LEFT_SQ, ASCII_UPPER, SPECIAL = (
    128, 256, 512, 1024, 2048, 4096, 8192, 16384)
BMP = 0x10000


def _regex_mask(pattern: str, text: str) -> np.ndarray:
    mask = np.zeros(len(text), dtype=bool)
    mask[[m.start() for m in re.finditer(pattern, text)]] = True
    return mask


#: letter codes (see :func:`char_tables`): a-z 1..26, other characters 27, apostrophes 28, NUL 0
OTHER_LETTER, APOSTROPHE_LETTER = 27, 28


@lru_cache(maxsize=1)
def char_tables() -> tuple[np.ndarray, np.ndarray]:
    """``(flags, letters)`` for every code point: uint16 flags and the uint8 letter code of its lower case.

    A character is SPECIAL unless its ``lower()`` is one BMP character that keeps the
    flags the batch reads for lower-cased text. The letter code of a non-SPECIAL character
    is that of its ``lower()``: ``a``..``z`` -> 1..26, ``'`` and ``’`` -> 28, NUL -> 0, any
    other character 27 (for a SPECIAL one: 27, or 1..26 if it is itself ``a``..``z``).
    Only lower-case ASCII letters have codes 1..26 and only apostrophes code 28.
    """
    chars = "".join(map(chr, range(BMP)))
    flags = np.zeros(BMP, dtype=np.uint16)
    for bit, pattern in ((ALNUM, r"[^\W_]"), (WORD, r"\w"), (DIGIT, r"\d"), (LEX_AFTER, r"[\w-]"),
                         (JOINER, r"['’\-]"), (LEX_BEFORE, r"[\w'’-]"), (QUOTE_BEFORE, r"[\w’']"),
                         (QUOTE_OPEN, r"[“„«\"]"), (APOS, "'"), (LEFT_SQ, "‘"), (ASCII_UPPER, "[A-Z]")):
        flags[_regex_mask(pattern, chars)] |= bit
    flags[np.fromiter(map(str.isalpha, chars), bool, BMP)] |= ALPHA
    flags[np.fromiter(map(str.isupper, chars), bool, BMP)] |= UPPER
    # a character makes a longer word not isupper() iff it is lower- or title-case: test it after "A"
    flags[np.array([not ("A" + c).isupper() for c in chars])] |= LOWER_TITLE
    lower = np.arange(BMP, dtype=np.uint16)
    special = np.zeros(BMP, dtype=bool)
    special[0xD800:0xE000] = True
    for c in FOLD_SPECIAL | {"Σ"}:
        special[ord(c)] = True
    kept = ALNUM | WORD | LEX_BEFORE
    for code, ch in enumerate(chars):
        low = ch.lower()
        if low == ch:
            continue
        if len(low) != 1 or low in FOLD_SPECIAL or (flags[code] & kept) != (flags[ord(low)] & kept):
            special[code] = True
        else:
            lower[code] = ord(low)
    flags[special] |= SPECIAL
    codes = np.full(BMP, OTHER_LETTER, dtype=np.uint8)
    codes[ord("a"):ord("z") + 1] = np.arange(1, 27)
    codes[[ord("'"), ord("’"), 0]] = APOSTROPHE_LETTER, APOSTROPHE_LETTER, 0
    full = np.full(0x110000, SPECIAL, dtype=np.uint16)
    full[:BMP] = flags
    letters = np.full(0x110000, OTHER_LETTER, dtype=np.uint8)
    letters[:BMP] = codes.take(lower)
    return full, letters


_LOG1P = np.zeros(0, dtype=np.float64)


def log1p_table(largest: int) -> np.ndarray:
    """``math.log1p(k)`` for ``k = 0 .. largest`` at least (the very floats the per-sentence path uses)."""
    global _LOG1P
    if len(_LOG1P) <= largest:
        _LOG1P = np.array([math.log1p(k) for k in range(max(largest + 1, 2 * len(_LOG1P), 1024))], dtype=np.float64)
    return _LOG1P
