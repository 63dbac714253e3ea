"""Scanning many sentences at once for :mod:`model.cue_batch`: the joined text, its
per-character arrays, and the regex matches found by trying only possible start positions.

Sentences are joined with NUL (:data:`SEP`); position ``p`` of the joined text belongs to
sentence ``Batch.sid(p)``. A sentence holding a SPECIAL character (see
:mod:`model.cue_tables`) or ``SEP`` itself is marked ``special``: the scans here skip it
and :mod:`model.cue_batch` sends it through ``model.cues._analyse``.
"""

from __future__ import annotations

import re

import numpy as np

from model.cue_decisions import _match_categories
from model.cue_patterns import LEX_LOWER_RE, QUOTE_RE
from model.cue_tables import APOS, LEFT_SQ, LETTER, LEX_BEFORE, QUOTE_BEFORE, QUOTE_OPEN, SPECIAL, WORD, char_tables
from model.cue_words import CATEGORY_BITS, FIRST_PART, HEAD, SECOND_PART, run_table

SEP = "\x00"


class Batch:
    """The joined text of distinct sentences and its per-character arrays."""

    def __init__(self, texts: list[str]):
        flag_table, lower_table = char_tables()
        self.texts, n = texts, len(texts)
        self.joined = SEP.join(["", *texts, ""])
        self.starts = np.zeros(n + 1, dtype=np.int64)  # sentence i is joined[starts[i]:starts[i] + len]
        np.cumsum(np.fromiter(map(len, texts), np.int64, n) + 1, out=self.starts[1:])
        self.starts += 1
        self.owner = np.zeros(len(self.joined), dtype=np.intp)  # sentence of each character (a SEP: the one before)
        self.owner[1:] = np.repeat(np.arange(n), np.diff(self.starts))
        self.cp = np.frombuffer(self.joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        self.flags = flag_table.take(self.cp)
        self.low = lower_table.take(self.cp)  # uint16, no surrogates; read only for sentences without SPECIAL
        self.low_text = self.low.tobytes().decode("utf-16-le")
        self.special = self.mark(np.flatnonzero(self.flags & SPECIAL))
        if self.joined.count(SEP) != n + 1:
            self.special |= np.fromiter((SEP in t for t in texts), bool, n)
        self.any_special = bool(self.special.any())

    def sid(self, positions: np.ndarray) -> np.ndarray:
        """Sentence index of each position in the joined text."""
        return self.owner[positions]

    def mark(self, positions: np.ndarray) -> np.ndarray:
        """Boolean per sentence: holds one of ``positions``."""
        out = np.zeros(len(self.texts), dtype=bool)
        out[self.sid(positions)] = True
        return out

    def has(self, flag: int) -> np.ndarray:
        """Boolean per character: its flags include ``flag``."""
        return (self.flags & flag) != 0


def matches_within(batch: Batch, flat: np.ndarray, pattern) -> dict[int, list[re.Match]]:
    """What ``pattern.finditer`` finds in each sentence, trying only the candidate start positions ``flat``
    (sorted positions in the joined text, covering every position where a match can start)."""
    found: dict[int, list[re.Match]] = {}
    current, end, base, text, matches = -1, 0, 0, "", []
    for pos, i in zip(flat.tolist(), batch.sid(flat).tolist()):
        if i != current:
            current, end, base, text = i, 0, int(batch.starts[i]), batch.texts[i]
            matches = found.setdefault(i, [])
        if pos - base >= end and (m := pattern.match(text, pos - base)):
            matches.append(m)
            end = m.end()
    return {i: m for i, m in found.items() if m}


def usual(batch: Batch, flat: np.ndarray) -> np.ndarray:
    """The positions of ``flat`` outside SPECIAL sentences."""
    return flat[~batch.special[batch.sid(flat)]] if batch.any_special else flat


def quote_spans(batch: Batch) -> dict[int, list[tuple[int, int]]]:
    """``QUOTE_RE`` spans of each non-special sentence that has any."""
    flags = batch.flags
    start = np.zeros(len(flags), dtype=bool)  # the ends of the joined text are SEP
    start[1:-1] = ((((flags[1:-1] & APOS) != 0) & ((flags[2:] & LETTER) != 0)) | ((flags[1:-1] & LEFT_SQ) != 0)) \
        & ((flags[:-2] & QUOTE_BEFORE) == 0)
    start |= (flags & QUOTE_OPEN) != 0
    found = matches_within(batch, usual(batch, np.flatnonzero(start)), QUOTE_RE)
    return {i: [m.span() for m in matches] for i, matches in found.items()}


def lexicon_hits(batch: Batch, runs: np.ndarray, ends: np.ndarray, keys: np.ndarray, codes: np.ndarray):
    """Lexicon hits, sorted: ``(starts, ends, category bits, categories)`` (the last a list).

    A match that is one alnum run is that run, if the run is a HEAD key and is followed by
    neither ``\\w`` nor ``-``; only a run that, with the next one, can begin a longer match
    needs the regex. A longer match can cover later runs, which are then skipped; a one-run
    match covers no other run.
    """
    table = run_table()
    at = np.flatnonzero(codes & (HEAD | FIRST_PART))
    at = at[(batch.flags[runs[at] - 1] & LEX_BEFORE) == 0]
    if batch.any_special:
        at = at[~batch.special[batch.sid(runs[at])]]
    nxt = np.minimum(at + 1, len(runs) - 1)
    longer = ((codes[at] & FIRST_PART) != 0) & ((codes[nxt] & SECOND_PART) != 0) & (at + 1 < len(runs))
    pair = keys[at[longer]] * len(table.keys) + keys[nxt[longer]]
    longer[longer] = table.pairs[np.minimum(np.searchsorted(table.pairs, pair), len(table.pairs) - 1)] == pair
    starts, stops, categories, matched, last = [], [], [], [], 0
    match, low, joined = LEX_LOWER_RE.match, batch.low_text, batch.joined
    for pos in runs[at[longer]].tolist():
        if pos < last or (m := match(low, pos)) is None:
            continue
        last = m.end()
        matched.append((pos, last))  # a match covers what it spans even when it is no hit
        cats = _match_categories(joined[pos:last])
        if cats:
            starts.append(pos)
            stops.append(last)
            categories.append(cats)
    one = at[~longer]
    one = one[((codes[one] & HEAD) != 0) & (table.category_bits[keys[one]] != 0)
              & ((batch.flags[ends[one]] & WORD) == 0) & (batch.low[ends[one]] != ord("-"))]
    if matched:  # drop one-run hits inside a longer match
        cover_starts, cover_ends = np.array(matched, dtype=np.int64).T
        cover = np.searchsorted(cover_starts, runs[one], side="right") - 1
        one = one[~((cover >= 0) & (runs[one] < cover_ends[cover]))]
    positions = np.concatenate([runs[one], np.array(starts, dtype=np.int64)])
    order = np.argsort(positions, kind="stable")
    bits = np.concatenate([table.category_bits[keys[one]],
                           [sum(CATEGORY_BITS[c] for c in cats) for cats in categories]]).astype(np.int64)
    source = np.concatenate([keys[one], len(table.keys) + np.arange(len(starts))]).astype(np.intp)[order]
    categories = [*table.categories, *categories]
    hit_ends = np.concatenate([ends[one], np.array(stops, dtype=np.int64)])[order]
    return positions[order], hit_ends, bits[order], [categories[k] for k in source.tolist()]


def in_range(mask: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """How many ``mask`` characters lie in each ``[lo, hi)``."""
    total = np.zeros(len(mask) + 1, dtype=np.int32 if len(mask) < 2**31 else np.int64)
    np.cumsum(mask.view(np.int8), out=total[1:])
    return total[hi] - total[lo]
