"""Lower-case alnum runs -> lexicon and word-class bits, looked up in numpy (no string per word).

The keys are the runs :mod:`model.cue_batch` asks about: the alnum runs that lexicon
matches (entry, or entry + ``s``/``es``) can consist of, the WORD_CLASS words, the
NOT_SUPERLATIVE words and the words speech tags and neutral compound heads need, all
lower-case ASCII letters of at most :data:`MAX_LEN`. A run is encoded as 16 bytes
(``a``..``z`` -> 1..26, any other character -> another nonzero code, zero padding; a run
longer than 16 as no bytes at all, which no key is) read as two uint64; a multiplicative
hash finds the one candidate key, and the run *is* that key iff both words are equal, so
the lookup is exact whatever the hash does. The hash is a small perfect hash of the keys
(hash and displace: the top bits of the product pick a bucket, whose displacement is XORed
into the next bits): its tables (a few dozen kilobytes) stay in the processor's cache, where
a plain perfect hash needs megabytes and a cache miss per run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from model.cue_decisions import _match_categories
from model.cue_patterns import AS_END_WORDS, LEXICON, NEUTRAL_HEAD_WORDS, NOT_SUPERLATIVE, TAG_VERB_WORDS, WORD_CLASS
from model.lexicon import DETERMINERS, TITLE_CUE_PAIRS, TITLE_CUES

HEAD, FIRST_PART, SECOND_PART, NOT_SUPERLATIVE_WORD = 1, 2, 4, 8
CLASS_BITS = (16, 32, 64, 128)  # WORD_CLASS index 0..3
ONE_HIT = 256  # (in RunTable.codes only) a HEAD key that is a hit: it has lexicon categories
TAG_VERB_WORD, NEUTRAL_HEAD_WORD = 512, 1024  # a TAG_VERB_WORDS / NEUTRAL_HEAD_WORDS word
TITLE_WORD, AS_END_WORD = 2048, 4096  # an alnum run of a title cue (or cue pair) / an AS_END_WORDS word
DETERMINER_WORD = 8192  # a model.lexicon.DETERMINERS word
CATEGORY_BITS = {"attrib": 1, "hedge": 2, "intens": 4, "modal": 8, "loaded": 16, "first": 32}
MAX_LEN = 16
_WORD_BITS = 64


def run_codes() -> tuple[dict[str, int], set[tuple[str, str]]]:
    """Key -> bits, and the (first, second) run pairs of lexicon matches with several runs.

    A lexicon match begins with its first alnum run (up to its first non-alnum character)
    and, if it has more, the text's next alnum run is its second one. :data:`HEAD`: a whole
    match can be this one run; :data:`FIRST_PART` / :data:`SECOND_PART`: the first / second
    run of a match with several. :data:`TAG_VERB_WORD`, :data:`NEUTRAL_HEAD_WORD`, :data:`AS_END_WORD`: see
    :data:`model.cue_patterns.TAG_VERB_WORDS`, :data:`model.cue_patterns.NEUTRAL_HEAD_WORDS` and
    :data:`model.cue_patterns.AS_END_WORDS`. :data:`TITLE_WORD`: every alnum run of the title cues and
    title cue pairs, :data:`DETERMINER_WORD`: the determiners (what ``model.cue_decisions._is_title``
    compares the last words before a quote with).
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
    for word in AS_END_WORDS:
        add(word, AS_END_WORD)
    for entry in TITLE_CUES | TITLE_CUE_PAIRS:
        for word in re.findall(r"[^\W_]+", entry):
            add(word, TITLE_WORD)
    for word in DETERMINERS:
        add(word, DETERMINER_WORD)
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
    displacements: np.ndarray  # uint64 per bucket: XORed into the slot bits
    shifts: tuple[np.uint64, np.uint64, np.uint64]  # bucket shift, slot-bits shift, slot-bits mask

    def slot_of(self, first: np.ndarray, second: np.ndarray) -> np.ndarray:
        """Hash slot of each encoded run (uint64 array arithmetic wraps around silently)."""
        product = first * self.multipliers[0]
        product ^= second * self.multipliers[1]
        bucket_shift, slot_shift, slot_mask = self.shifts
        slot = product >> slot_shift
        slot &= slot_mask
        slot ^= self.displacements.take((product >> bucket_shift).view(np.int64))  # (int64: take casts uint64)
        return slot.view(np.int64)

    def lookup(self, letters: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """Key index of each run ``letters[starts[i]:starts[i] + lengths[i]]`` (-1: not a key).

        ``letters`` holds the letter codes (``a``..``z`` -> 1..26, any other character
        another nonzero value below 0xFF) per character and at least MAX_LEN more bytes.
        """
        # the 16 bytes from each start as two uint64. Indexing, not take(): take() would first copy the
        # overlapping view whole, 16 bytes per character
        words = sixteen_bytes(letters)[starts].view(np.uint64).reshape(-1, 2)
        # a run longer than MAX_LEN is encoded as no bytes (clipped to the all-zero mask)
        words &= _KEEP.take(lengths, axis=0, mode="clip")  # (words is a fresh array: indexing copies)
        first, second = words[:, 0], words[:, 1]
        index = self.slots.take(self.slot_of(first, second)).astype(np.intp)  # (cast once, not per take)
        same = self.first.take(index) == first
        same &= self.second.take(index) == second
        return np.where(same, index, -1)


def sixteen_bytes(data: np.ndarray) -> np.ndarray:
    """The 16 bytes from each offset of the uint8 array ``data`` (but its last 15), as one overlapping
    ``V16`` item each: index it (``[positions]``, not ``take``) and view the result as two uint64."""
    return np.ndarray((len(data) - 15,), dtype="V16", buffer=data, strides=(1,))


# _KEEP[n]: the two uint64 of 16 bytes whose first n are 0xFF and the rest 0 (none for n > MAX_LEN)
_BYTES = np.tril(np.full((MAX_LEN + 2, 16), 0xFF, dtype=np.uint8), -1)
_BYTES[MAX_LEN + 1] = 0
_KEEP = _BYTES.view(np.uint64).copy()


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
    slot_bits, bucket_bits = max(12, (4 * len(keys)).bit_length()), max(1, len(keys).bit_length() - 1)
    shifts = (np.uint64(_WORD_BITS - bucket_bits), np.uint64(_WORD_BITS - bucket_bits - slot_bits),
              np.uint64(2**slot_bits - 1))
    key_codes = np.array([*(codes[k] | (ONE_HIT if cats else 0) for k, cats in zip(keys, categories)), 0],
                         dtype=np.int64)
    key_bits = np.array([*(sum(CATEGORY_BITS[c] for c in cats) for cats in categories), 0], dtype=np.int64)
    rng = np.random.default_rng(20240611)
    for _ in range(1000):  # multipliers for which every bucket has a displacement (almost always the first)
        multipliers = tuple(np.uint64(m | 1) for m in rng.integers(1, 2**63, size=2, dtype=np.uint64))
        product = first[:-1] * multipliers[0] ^ second[:-1] * multipliers[1]
        displacements = _displacements((product >> shifts[0]).tolist(), ((product >> shifts[1]) & shifts[2]).tolist(),
                                       bucket_bits, slot_bits)
        if displacements is None:
            continue
        table = RunTable(keys, first, second, key_codes, key_bits, categories,
                         np.full(2**slot_bits, -1, dtype=np.int16), pair_ids, multipliers, displacements, shifts)
        slot = table.slot_of(first[:-1], second[:-1])
        if len(np.unique(slot)) == len(keys):  # (what _displacements made sure of)
            table.slots[slot] = np.arange(len(keys))
            return table
    raise RuntimeError("no collision-free hash multipliers found")


def _displacements(buckets: list[int], bits: list[int], bucket_bits: int, slot_bits: int) -> np.ndarray | None:
    """Per bucket, a displacement that, XORed into the slot bits of its keys, gives every key a slot of
    its own (largest buckets first, each the smallest that fits); None if two keys of a bucket share
    their slot bits or a bucket finds no room."""
    members: dict[int, list[int]] = {}
    for bucket, key_bits in zip(buckets, bits):
        members.setdefault(bucket, []).append(key_bits)
    used = bytearray(2**slot_bits)
    out = np.zeros(2**bucket_bits, dtype=np.uint64)
    for bucket in sorted(members, key=_size_in(members), reverse=True):
        group = members[bucket]
        if len(set(group)) < len(group):
            return None
        for shift in range(2**slot_bits):
            if not any(used[b ^ shift] for b in group):
                for b in group:
                    used[b ^ shift] = 1
                out[bucket] = shift
                break
        else:
            return None
    return out


class _size_in:  # noqa: N801 - a sort key (picklable, unlike a lambda)
    """``len(members[bucket])``, as a sort key."""

    def __init__(self, members: dict):
        self.members = members

    def __call__(self, bucket: int) -> int:
        return len(self.members[bucket])
