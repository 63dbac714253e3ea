"""Per-word cache of :class:`model.scorer.Scorer`: each distinct word's n-gram counts and tokens.

A sentence's ``char_wb`` n-grams are the n-grams of its white-space-separated words,
and its word tokens are its words' tokens in order (a token never contains white
space). So both are computed once per distinct lower-cased word and looked up by a
dict afterwards. Entries live in growable numpy buffers (capacity doubles), so
adding words costs time for the new words only; the cache starts again from empty
when it would exceed ``max_words``.
"""

from __future__ import annotations

import threading
from itertools import repeat

import numpy as np

from model.tokens import TOKEN_RE


class _Buffer:
    """A numpy array that grows by doubling; :meth:`view` is the filled part."""

    def __init__(self, dtype, initial=()):
        self.array = np.asarray(initial, dtype)
        self.size = len(self.array)

    def extend(self, values: np.ndarray) -> None:
        end = self.size + len(values)
        if end > len(self.array):
            grown = np.empty(max(end, 2 * len(self.array), 1024), self.array.dtype)
            grown[:self.size] = self.array[:self.size]
            self.array = grown  # views handed out earlier keep the old array
        self.array[self.size:end] = values
        self.size = end

    def view(self) -> np.ndarray:
        return self.array[:self.size]


def char_wb_ngrams(word: str, lo: int, hi: int) -> list[str]:
    """scikit-learn's ``char_wb`` n-grams of one white-space-free, lower-cased word."""
    padded = f" {word} "
    size = len(padded)
    grams = []
    for n in range(lo, hi + 1):
        if size <= n:  # the whole padded word, once (sklearn stops growing n here)
            grams.append(padded)
            break
        grams.extend(padded[i:i + n] for i in range(size - n + 1))
    return grams


def fold_quotes(text: str) -> str:
    """``text.translate(model.tokens.QUOTES)``, by six ``str.replace`` calls (much faster)."""
    return (text.replace("“", '"').replace("”", '"').replace("«", '"').replace("»", '"')
            .replace("‘", "'").replace("’", "'"))


class WordCache:
    """Thread-safe cache: word -> (char n-gram column counts, word-token ids).

    Parameters
    ----------
    grams : dict of str to int
        Char n-gram vocabulary (n-gram -> column).
    ngram_range : (int, int)
        Smallest and largest n-gram length.
    tokens : dict of str to int
        Word-token vocabulary; unknown tokens get ``unknown``.
    unknown : int
        Id of tokens outside ``tokens``.
    separator : str
        A "word" that marks sentence ends; cached as id 0 with the single token ``sep_token``.
    sep_token : int
        Token id of ``separator``.
    max_words : int
        Size limit; beyond it the cache is cleared and refilled.
    """

    def __init__(self, grams, ngram_range, tokens, unknown, separator, sep_token, max_words=50_000):
        self.grams, (self.lo, self.hi), self.tokens = grams, ngram_range, tokens
        self.unknown, self.separator, self.sep_token, self.max_words = unknown, separator, sep_token, max_words
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        """Forget every word except the separator (id 0)."""
        self.words = {self.separator: 0}
        self.indptr, self.indices = _Buffer(np.int64, [0, 0]), _Buffer(np.int64)
        self.counts = _Buffer(np.float32)
        self.tok_ptr, self.tok_ids = _Buffer(np.int64, [0, 1]), _Buffer(np.int64, [self.sep_token])

    def __len__(self) -> int:
        return len(self.words)

    def _add(self, new: list[str]) -> None:
        get, tok_get, unknown, width = self.grams.get, self.tokens.get, self.unknown, len(self.grams) + 1
        base = len(self.words)
        keys, toks, tok_lens = [], [], []
        for i, word in enumerate(new):
            self.words[word] = base + i
            offset = i * width
            keys.extend(offset + c for c in map(get, char_wb_ngrams(word, self.lo, self.hi)) if c is not None)
            found = [tok_get(t, unknown) for t in TOKEN_RE.findall(fold_quotes(word))]
            toks.extend(found)
            tok_lens.append(len(found))
        u, counts = np.unique(np.asarray(keys, np.int64), return_counts=True)
        per_word = np.bincount(u // width, minlength=len(new))
        self.indptr.extend(self.indptr.view()[-1] + np.cumsum(per_word))
        self.indices.extend(u % width)
        self.counts.extend(counts.astype(np.float32))
        self.tok_ptr.extend(self.tok_ptr.view()[-1] + np.cumsum(tok_lens))
        self.tok_ids.extend(np.asarray(toks, np.int64))

    def lookup(self, words: list[str]) -> tuple:
        """Ids of ``words`` (new ones are added) and the cache arrays they index.

        Returns
        -------
        tuple
            ``(ids, (indptr, indices, counts), tok_ptr, tok_ids)``: ``ids`` per word;
            CSR rows of n-gram counts per cached word; token ids of cached word ``i``
            are ``tok_ids[tok_ptr[i]:tok_ptr[i + 1]]``. The arrays stay valid
            (unchanged) when other calls add words later.
        """
        get = self.words.get
        with self._lock:
            ids = np.fromiter(map(get, words, repeat(-1)), np.int64, len(words))
            if len(ids) and ids.min() < 0:
                new = sorted({w for w, i in zip(words, ids.tolist()) if i < 0})
                if len(self.words) + len(new) > self.max_words:
                    self.clear()
                    new = sorted(set(words) - {self.separator})
                self._add(new)
                ids = np.fromiter(map(self.words.__getitem__, words), np.int64, len(words))
            return (ids, (self.indptr.view(), self.indices.view(), self.counts.view()),
                    self.tok_ptr.view(), self.tok_ids.view())
