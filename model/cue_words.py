"""Lower-case alnum runs -> lexicon and word-class bits, looked up in numpy (no string per word).

The keys are the runs :mod:`model.cue_batch` asks about: the alnum runs that lexicon
matches (entry, or entry + ``s``/``es``) can consist of, the WORD_CLASS words, the
NOT_SUPERLATIVE words and the words speech tags and neutral compound heads need, all
lower-case ASCII letters of at most :data:`MAX_LEN`. A run is encoded as 16 bytes
(``a``..``z`` -> 1..26, any other character -> another nonzero code, zero padding; a run
longer than 16 as no bytes at all, which no key is) read as two uint64; a multiplicative
hash finds the one candidate key, and the run *is* that key iff both words are equal, so
the lookup is exact whatever the hash does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from model.cue_decisions import _match_categories
from model.cue_patterns import LEXICON, NEUTRAL_HEAD_WORDS, NOT_SUPERLATIVE, TAG_VERB_WORDS, WORD_CLASS

HEAD, FIRST_PART, SECOND_PART, NOT_SUPERLATIVE_WORD = 1, 2, 4, 8
CLASS_BITS = (16, 32, 64, 128)  # WORD_CLASS index 0..3
ONE_HIT = 256  # (in RunTable.codes only) a HEAD key that is a hit: it has lexicon categories
TAG_VERB_WORD, NEUTRAL_HEAD_WORD = 512, 1024  # a TAG_VERB_WORDS / NEUTRAL_HEAD_WORDS word
CATEGORY_BITS = {"attrib": 1, "hedge": 2, "intens": 4, "modal": 8, "loaded": 16, "first": 32}
MAX_LEN = 16
_SLOT_BITS = 20


def run_codes() -> tuple[dict[str, int], set[tuple[str, str]]]:
    """Key -> bits, and the (first, second) run pairs of lexicon matches with several runs.

    A lexicon match begins with its first alnum run (up to its first non-alnum character)
    and, if it has more, the text's next alnum run is its second one. :data:`HEAD`: a whole
    match can be this one run; :data:`FIRST_PART` / :data:`SECOND_PART`: the first / second
    run of a match with several. :data:`TAG_VERB_WORD`, :data:`NEUTRAL_HEAD_WORD`: see
    :data:`model.cue_patterns.TAG_VERB_WORDS` and :data:`model.cue_patterns.NEUTRAL_HEAD_WORDS`.
    """
    codes: dict[str, int] = {}
    pairs = set()

    def add(word: str, bit: int) -> None:
        if not re.fullmatch(f"[a-z]{{1,{MAX_LEN}}}", word):
            raise ValueError(f"model.cue_words handles words of 1-{MAX_LEN} letters a-z only, not {word!r}")
        codes[word] = codes.get(word, 0) | bit

    for entry in LEXICON:
        if not entry[:1].isalnum():
            raise ValueError(f"lexicon entry {entry!r} does not begin with a letter or digit")
        for suffix in ("", "s", "es"):
            parts = re.findall(r"[^\W_]+", entry + suffix)
            if len(parts) == 1:
                add(parts[0], HEAD)
            else:
                add(parts[0], FIRST_PART)
                add(parts[1], SECOND_PART)
                pairs.add((parts[0], parts[1]))
    for word, indices in WORD_CLASS.items():
        for index in indices:
            add(word, CLASS_BITS[index])
    for word in NOT_SUPERLATIVE:
        add(word, NOT_SUPERLATIVE_WORD)
    for word in TAG_VERB_WORDS:
        add(word, TAG_VERB_WORD)
    for word in NEUTRAL_HEAD_WORDS:
        add(word, NEUTRAL_HEAD_WORD)
    return codes, pairs


@dataclass(frozen=True)
class RunTable:
    """The keys (as two uint64 each), their bits and the hash slots.

    Per-key arrays have one more entry at the end (index -1): a sentinel no run equals
    (its bytes are 0xFF), with no bits; an empty hash slot holds -1, so it points there.
    """

    keys: tuple[str, ...]
    first: np.ndarray
    second: np.ndarray
    codes: np.ndarray
    category_bits: np.ndarray  # CATEGORY_BITS of a one-run match that is exactly this key
    categories: tuple[frozenset, ...]
    slots: np.ndarray  # hash slot -> key index, -1 if empty
    pair_ids: frozenset  # first * len(keys) + second (key indices) of the run pairs
    multipliers: tuple[np.uint64, np.uint64]

    def slot_of(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """Hash slot of each encoded run (uint64 array arithmetic wraps around silently)."""
        return (first * self.multipliers[0] ^ second * self.multipliers[1]) >> np.uint64(64 - _SLOT_BITS)

    def lookup(self, letters: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Key index of each run ``letters[starts[i]:starts[i] + lengths[i]]`` (-1: not a key).

        ``letters`` holds the letter codes (``a``..``z`` -> 1..26, any other character
        another nonzero value below 0xFF) per character and at least MAX_LEN more bytes.
        """
        # the 8 bytes from every offset (and from 8 further), as one (unaligned) uint64 each
        eights = np.ndarray((len(letters) - 15,), dtype=np.uint64, buffer=letters, strides=(1,))
        next_eights = np.ndarray((len(letters) - 15,), dtype=np.uint64, buffer=letters, offset=8, strides=(1,))
        # a run longer than MAX_LEN is encoded as no bytes (clipped to the all-zero mask)
        first = eights.take(starts) & _KEEP[0].take(lengths, mode="clip")
        second = next_eights.take(starts) & _KEEP[1].take(lengths, mode="clip")
        index = self.slots.take(self.slot_of(first, second))
        return np.where((self.first.take(index) == first) & (self.second.take(index) == second), index, np.intp(-1))


# _KEEP[w][n]: uint64 word w (0, 1) of 16 bytes whose first n are 0xFF and the rest 0 (none for n > MAX_LEN)
_BYTES = np.tril(np.full((MAX_LEN + 2, 16), 0xFF, dtype=np.uint8), -1)
_BYTES[MAX_LEN + 1] = 0
_KEEP = _BYTES.view(np.uint64)[:, 0].copy(), _BYTES.view(np.uint64)[:, 1].copy()


def letter_codes(code_points: np.ndarray) -> np.ndarray:
    """uint8 per BMP code point: ``a``..``z`` -> 1..26, anything else 27."""
    return _LETTERS.take(code_points)


_LETTERS = np.full(0x10000, 27, dtype=np.uint8)
_LETTERS[ord("a"):ord("z") + 1] = np.arange(1, 27)


@lru_cache(maxsize=1)
def run_table() -> RunTable:
    """The :class:`RunTable` of :func:`run_codes` (built on first use, about 50 ms)."""
    codes, pairs = run_codes()
    keys = tuple(sorted(codes))
    if len(keys) >= 2**15:
        raise ValueError(f"{len(keys)} keys do not fit the int16 hash slots")
    number = {key: k for k, key in enumerate(keys)}
    pair_ids = frozenset(number[a] * len(keys) + number[b] for a, b in pairs)
    letters = np.zeros(len(keys) * MAX_LEN, dtype=np.uint8)
    for k, key in enumerate(keys):
        letters[k * MAX_LEN:k * MAX_LEN + len(key)] = letter_codes(np.array([ord(c) for c in key]))
    words = letters.view(np.uint64).reshape(len(keys), 2)
    sentinel = np.array([~np.uint64(0)])
    first, second = np.concatenate([words[:, 0], sentinel]), np.concatenate([words[:, 1], sentinel])
    categories = tuple(_match_categories(key) if codes[key] & HEAD else frozenset() for key in keys)
    rng = np.random.default_rng(20240611)
    for _ in range(10_000):  # a multiplier pair that gives every key its own slot (a few dozen tries)
        multipliers = tuple(np.uint64(m | 1) for m in rng.integers(1, 2**63, size=2, dtype=np.uint64))
        table = RunTable(keys, first, second,
                         np.array([*(codes[k] | (ONE_HIT if cats else 0) for k, cats in zip(keys, categories)), 0],
                                  dtype=np.int64),
                         np.array([*(sum(CATEGORY_BITS[c] for c in cats) for cats in categories), 0],
                                  dtype=np.int64),
                         categories, np.full(2**_SLOT_BITS, -1, dtype=np.int16), pair_ids, multipliers)
        slot = table.slot_of(first[:-1], second[:-1])
        if len(np.unique(slot)) == len(keys):
            table.slots[slot] = np.arange(len(keys))
            return table
    raise RuntimeError("no collision-free hash multipliers found")
