"""A bounded cache of per-sentence results, for re-checking an article that changed a little.

A sentence's label, scores and cues depend on its text alone, so when an editor
re-checks an article after typing, only the sentences that changed need the
classifier. :class:`SentenceCache` maps a sentence's text to its result
(least recently used entries are dropped beyond ``max_entries``); it belongs to
one loaded model (the service builds a new one when the model is reloaded).

Scores from the cache equal a fresh computation to float rounding: the scorer's
table block multiplies a dense matrix (``@``, BLAS), which can round a row's last
bits differently in a one-row batch than in a larger one, so the same sentence in
two different requests may differ by about 1e-16 with or without the cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict


class SentenceCache:
    """Thread-safe least-recently-used map: sentence text -> result entry.

    Parameters
    ----------
    max_entries : int
        Most sentences kept; the least recently used are dropped beyond it.

    Raises
    ------
    ValueError
        If ``max_entries`` is not a positive integer.
    """

    def __init__(self, max_entries: int):
        if isinstance(max_entries, bool) or not isinstance(max_entries, int) or max_entries < 1:
            raise ValueError(f"max_entries must be a positive integer, got {max_entries!r}")
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get_many(self, texts: list[str]) -> list[tuple | None]:
        """The entry of each text (``None`` where absent); the found ones become most recent."""
        found = []
        with self._lock:
            get, touch = self._entries.get, self._entries.move_to_end
            for text in texts:
                entry = get(text)
                if entry is not None:
                    touch(text)
                found.append(entry)
            hits = len(found) - found.count(None)
            self.hits += hits
            self.misses += len(found) - hits
        return found

    def put_many(self, items) -> None:
        """Store ``(text, entry)`` pairs (entries are kept as given: pass immutable ones)."""
        with self._lock:
            entries = self._entries
            for text, entry in items:
                entries[text] = entry
                entries.move_to_end(text)
            while len(entries) > self.max_entries:
                entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every entry (the hit and miss counts stay)."""
        with self._lock:
            self._entries.clear()
