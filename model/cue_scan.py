"""Scanning many sentences at once for :mod:`model.cue_batch`: the joined text, its
per-character arrays, and the regex matches found by trying only possible start positions.

Sentences are joined with NUL (:data:`SEP`) after a leading SEP and before a tail of
:data:`PAD` SEPs (room for the 16-byte reads of :meth:`model.cue_words.RunTable.lookup`);
position ``p`` of the joined text belongs to sentence ``Batch.sid(p)``. A sentence holding
a SPECIAL character (see :mod:`model.cue_tables`) or ``SEP`` itself is marked ``special``:
the scans here skip it and :mod:`model.cue_batch` sends it through ``model.cues._analyse``.

Everything here costs a fixed number of numpy calls per batch (plus Python work per
candidate position, and candidates are rare), so small batches stay cheap too.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate

import numpy as np

from model.cue_decisions import _match_categories
from model.cue_patterns import LEX_LOWER_RE, QUOTE_RE
from model.cue_tables import (APOS, LEFT_SQ, LEX_AFTER, LEX_BEFORE, QUOTE_BEFORE, QUOTE_OPEN, SPECIAL,
                              char_tables)
from model.cue_words import CATEGORY_BITS, FIRST_PART, ONE_HIT, SECOND_PART, run_table

assert SECOND_PART >> 1 == FIRST_PART  # (lexicon_hits tests both bits with one shift)

SEP = "\x00"
PAD = SEP * 16
_QUOTE_CHAR = QUOTE_OPEN | APOS | LEFT_SQ


class Batch:
    """The joined text of distinct sentences and its per-character arrays.

    Attributes
    ----------
    starts : numpy.ndarray
        ``n + 1`` int64: sentence ``i`` is ``joined[starts[i]:starts[i + 1] - 1]``; the SEP
        after it belongs to it too. ``bases`` is the same as a list.
    cp, flags, letters : numpy.ndarray
        Per character of ``joined``: code point (uint32), flags (uint16) and letter code
        (uint8), see :func:`model.cue_tables.char_tables`.
    special : numpy.ndarray
        Boolean per sentence (``any_special``: any of them).
    """

    def __init__(self, texts: list[str]):
        flag_table, letter_table = char_tables()
        self.texts, n = texts, len(texts)
        self.joined = SEP.join(["", *texts, PAD])
        self.bases = list(accumulate(map((1).__add__, map(len, texts)), initial=1))
        self.starts = np.array(self.bases, dtype=np.int64)
        self.cp = np.frombuffer(self.joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        self.flags = flag_table.take(self.cp)
        self.letters = letter_table.take(self.cp)
        self.special = np.zeros(n, dtype=bool)
        self.any_special = False
        if self.flags.max() >= SPECIAL:  # SPECIAL is the highest flag bit
            self.special[self.sid((self.flags >= SPECIAL).nonzero()[0])] = True
            self.any_special = True
        if np.count_nonzero(self.cp == 0) != n + 1 + len(PAD):  # SEP is code point 0 (faster than str.count)
            self.special |= np.fromiter((SEP in t for t in texts), bool, n)
            self.any_special = True

    def sid(self, positions: np.ndarray) -> np.ndarray:
        """Sentence index of each position in the joined text."""
        return self.starts.searchsorted(positions, "right") - 1

    def mark(self, positions) -> np.ndarray:
        """Boolean per sentence: holds one of ``positions`` (an array or a list)."""
        out = np.zeros(len(self.texts), dtype=bool)
        if len(positions):
            out[self.sid(positions)] = True
        return out

    def find_all(self, sub: str) -> list[int]:
        """Start positions of ``sub`` in the joined text (for rare characters: a C-speed search)."""
        found, at, joined = [], self.joined.find(sub), self.joined
        while at >= 0:
            found.append(at)
            at = joined.find(sub, at + 1)
        return found


def matches_within(batch: Batch, flat: np.ndarray, pattern) -> dict[int, list[re.Match]]:
    """What ``pattern.finditer`` finds in each sentence, trying only the candidate start positions ``flat``
    (sorted positions in the joined text, covering every position where a match can start)."""
    found: dict[int, list[re.Match]] = {}
    if not len(flat):
        return found
    current, end, base, text, matches, bases, texts = -1, 0, 0, "", [], batch.bases, batch.texts
    for pos, i in zip(flat.tolist(), batch.sid(flat).tolist()):
        if i != current:
            current, end, base, text = i, 0, bases[i], texts[i]
            matches = found.setdefault(i, [])
        if pos - base >= end and (m := pattern.match(text, pos - base)):
            matches.append(m)
            end = m.end()
    return {i: m for i, m in found.items() if m}


def usual(batch: Batch, flat: np.ndarray) -> np.ndarray:
    """The positions of ``flat`` outside SPECIAL sentences."""
    return flat[~batch.special[batch.sid(flat)]] if batch.any_special and len(flat) else flat


def quote_spans(batch: Batch) -> dict[int, list[tuple[int, int]]]:
    """``QUOTE_RE`` spans of each non-special sentence that has any.

    Candidates: ``“„«"`` anywhere, ``'`` and ``‘`` after no ``[\\w’']`` (the regex checks the rest).
    """
    flags = batch.flags
    at = ((flags & _QUOTE_CHAR) != 0).nonzero()[0]  # nonzero() is fast on booleans only
    if not len(at):
        return {}
    at = at[((flags.take(at) & QUOTE_OPEN) != 0) | ((flags.take(at - 1) & QUOTE_BEFORE) == 0)]
    found = matches_within(batch, usual(batch, at), QUOTE_RE)
    return {i: [m.span() for m in matches] for i, matches in found.items()}


def lexicon_hits(batch: Batch, runs: np.ndarray, ends: np.ndarray, keys: np.ndarray, codes: np.ndarray):
    """Lexicon hits, sorted: ``(starts, ends, category bits, sources)``, and the categories of the sources.

    A source ``k >= 0`` is the run-table key ``k`` (categories ``run_table().categories[k]``),
    ``k < 0`` the longer match with categories ``longer[~k]`` (the second value returned).
    A match that is one alnum run is that run, if the run is a HEAD key (with categories:
    else it is no hit) after no ``[\\w'’-]`` and followed by neither ``\\w`` nor ``-``. Only
    a run that, with the next one, can begin a longer match needs the regex (on the
    sentence's ``lower()``, as ``model.cues._lexicon_hits`` runs it); a match found there
    covers the one-run hit at its start, if any (where the regex finds no match, there is
    none), and the runs it spans. A one-run match covers no other run.
    """
    table, flags = run_table(), batch.flags
    one = ((codes & ONE_HIT) != 0).nonzero()[0]
    one = one[((flags.take(runs.take(one) - 1) & LEX_BEFORE) | (flags.take(ends.take(one)) & LEX_AFTER)) == 0]
    firsts = ((codes[:-1] & (codes[1:] >> 1) & FIRST_PART) != 0).nonzero()[0]  # (SECOND_PART >> 1 == FIRST_PART)
    longer_cats, hits = [], []
    if len(firsts):  # only the known pairs: a sorted search instead of a set lookup per candidate
        pairs = keys.take(firsts) * len(table.keys) + keys.take(firsts + 1)
        known = _known_pairs()
        firsts = firsts[known.take(known.searchsorted(pairs)) == pairs]  # (a pair id is below the last entry)
    if len(firsts):
        longer_cats, matched, hits = _longer_matches(batch, runs.take(firsts).tolist())
        if matched:  # drop the one-run hits at the runs a longer match spans
            covered = np.zeros(len(runs) + 1, dtype=np.int8)
            matched = np.array(matched, dtype=np.int64)
            covered[runs.searchsorted(matched[:, 0])] = 1
            covered[runs.searchsorted(matched[:, 1])] -= 1  # (the matches are disjoint)
            one = one[covered.cumsum(dtype=np.int8).take(one) == 0]
    if batch.any_special:
        one = one[~batch.special[batch.sid(runs.take(one))]]
    one_keys = keys.take(one)
    found = runs.take(one), ends.take(one), table.category_bits.take(one_keys), one_keys
    if not hits:
        return found, longer_cats
    more = np.array(hits, dtype=np.int64).T
    order = np.argsort(np.concatenate([found[0], more[0]]), kind="stable")
    return tuple(np.concatenate([a, b])[order] for a, b in zip(found, more)), longer_cats


@lru_cache(maxsize=1)
def _known_pairs() -> np.ndarray:
    """``run_table().pair_ids``, sorted, then the largest int64 (no pair id, and above all of them: a
    ``searchsorted`` of a pair id is a valid index)."""
    return np.array([*sorted(run_table().pair_ids), np.iinfo(np.int64).max], dtype=np.int64)


def _longer_matches(batch: Batch, positions: list[int]):
    """``LEX_LOWER_RE`` matches at the runs (at ``positions``) whose key and next run's key are a
    known pair: the categories of the hits, the ``(start, end)`` of every match and the hits (rows
    as :func:`lexicon_hits` returns them)."""
    longer_cats, matched, hits = [], [], []
    last, current, low, base, text, bases = 0, -1, "", 0, "", batch.bases
    special = batch.special if batch.any_special else None
    for pos in positions:
        if pos < last:
            continue
        i = bisect_right(bases, pos) - 1
        if i != current:
            if special is not None and special[i]:
                continue
            current, base, text = i, bases[i], batch.texts[i]
            low = text.lower()  # a non-special sentence: same length, lower-cased character by character
        if (m := LEX_LOWER_RE.match(low, pos - base)) is None:
            continue
        last = base + m.end()
        matched.append((pos, last))  # a match covers what it spans even when it is no hit
        cats = _match_categories(text[m.start():m.end()])
        if cats:
            hits.append((pos, last, _bits(cats), ~len(longer_cats)))
            longer_cats.append(cats)
    return longer_cats, matched, hits


@lru_cache(maxsize=256)
def _bits(categories: frozenset) -> int:
    """The :data:`model.cue_words.CATEGORY_BITS` of a set of lexicon categories."""
    return sum(CATEGORY_BITS[c] for c in categories)
