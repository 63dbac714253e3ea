"""The ``QUOTE_RE`` spans of a :class:`model.cue_scan.Batch`, as arrays, and the per-quote hints that
let :func:`model.cue_decisions._find_cues` skip the title and characterisation checks.

Both hints are exact filters: they are False only where the check cannot be true.

* ``_is_title(before)`` takes the last ``TAIL_RE`` words of ``before`` (lower-cased), drops at most
  two trailing determiners and compares the last one left (and the two last) with the title cues
  and title cue pairs; cues, pairs and determiners are made of ASCII letters and hyphens. In a
  sentence the batch handles (no SPECIAL character) only ASCII letters lower-case to ASCII
  letters, so such a word is a ``TAIL_RE`` word whose last alnum run is the last alnum run
  before it (in the text before the quote): it lower-cases to the last alnum run of a cue or
  pair (a :data:`model.cue_words.TITLE_WORD` run) or to a determiner (a
  :data:`model.cue_words.DETERMINER_WORD` run, itself a whole ``TAIL_RE`` word). So ``_is_title``
  can be true only if the last alnum run before the quote is a TITLE_WORD, or a DETERMINER_WORD
  after a TITLE_WORD or DETERMINER_WORD run. ``_is_title`` reads only the last 60 characters of
  ``before``, so where one of those runs starts earlier (it could be cut) the quote is checked.
  Without an alnum run before the quote the words have no letters and match nothing.
* ``_characterised(before)`` needs ``AS_END_RE`` to match at the end of ``before``: its last word
  (``as``, ``a``, ``an``, ``the``; only ASCII letters match them case-insensitively in such a
  sentence) is the last alnum run before the quote, an :data:`model.cue_words.AS_END_WORD` run.
"""

from __future__ import annotations

import numpy as np

from model.cue_scan import Batch, quote_spans
from model.cue_words import AS_END_WORD, DETERMINER_WORD, TITLE_WORD

TITLE_WINDOW = 60  # the characters before a quote that model.cue_decisions._is_title reads
_BACK = np.array([[1], [2]])  # the last and second last run before a quote


class Quotes:
    """The quote spans of a batch.

    Attributes
    ----------
    spans : dict
        Sentence index -> its sorted ``(start, end)`` spans (offsets into the sentence), for the
        sentences that have any, in sentence order.
    starts, ends, bases, sids : numpy.ndarray
        Per span, in that order: start and end in the joined text, its sentence's start and index.
    """

    def __init__(self, batch: Batch):
        self.spans = spans = quote_spans(batch)
        if not spans:
            self.sids = self.bases = self.starts = self.ends = np.zeros(0, dtype=np.int64)
            return
        bases = batch.bases
        flat = [x for i, sp in spans.items() for s, e in sp for x in (i, bases[i], bases[i] + s, bases[i] + e)]
        self.sids, self.bases, self.starts, self.ends = np.array(flat, dtype=np.int64).reshape(-1, 4).T

    def totals(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Per sentence (of ``n``): the number of quotes and the characters they span (float64, exact)."""
        return (np.bincount(self.sids, minlength=n),
                np.bincount(self.sids, weights=(self.ends - self.starts).astype(np.float64), minlength=n))

    def free(self, positions: np.ndarray) -> np.ndarray:
        """Whether each position (in the joined text) lies outside every quote."""
        if not self.spans:
            return np.ones(len(positions), dtype=bool)
        k = self.starts.searchsorted(positions, "right") - 1
        return (k < 0) | (positions >= self.ends.take(k))

    def hints(self, runs: np.ndarray, codes: np.ndarray, attributing: np.ndarray) -> dict[int, tuple]:
        """Sentence index -> the ``quote_hints`` of :func:`model.cue_decisions._find_cues` (see the module).

        ``runs`` are the starts of the alnum runs of the joined text, ``codes`` their run-table codes,
        ``attributing`` a boolean per sentence: has an unquoted attribution hit.
        """
        if not self.spans:
            return {}
        # per quote (columns): the code of the last and second last alnum run before it in its sentence
        # (0: none), and whether that run starts more than TITLE_WINDOW characters before the quote
        if len(runs):
            back = runs.searchsorted(self.starts) - _BACK
            safe = np.maximum(back, 0)
            start = runs.take(safe)
            inside = (back >= 0) & (start >= self.bases)
            code = codes.take(safe) * inside
            cut = (inside & (start < self.starts - TITLE_WINDOW)).tolist()
        else:
            code, cut = np.zeros((2, len(self.starts)), dtype=np.int64), [[False] * len(self.starts)] * 2
        title, characterised = [], []
        for last, second, last_cut, second_cut in zip(*code.tolist(), *cut):
            title.append(bool(last & TITLE_WORD) or last_cut or bool(
                last & DETERMINER_WORD and (second & (TITLE_WORD | DETERMINER_WORD) or second_cut)))
            characterised.append(bool(last & AS_END_WORD))
        attributing = attributing.tolist()
        out, at = {}, 0
        for i, sentence_spans in self.spans.items():
            stop = at + len(sentence_spans)
            out[i] = title[at:stop], characterised[at:stop], attributing[i]
            at = stop
        return out
