"""Sentence splitter for news text: Punkt plus a few layout and typography rules.

The Punkt parameters come from ``model/punkt.json`` (written by
``python -m training.punkt``). Splitting works in three stages:

1. **Blocks.** A blank line (two or more line breaks, possibly with spaces
   between; ``\\r\\n`` counts as one break) always ends a sentence.
2. **Headline lines.** Inside a block, a line break also ends a sentence when
   the line before it is short (at most ``HEADLINE_MAX_WORDS`` words), has no
   sentence-final punctuation, does not end in a comma, colon, dash or a
   function word (*the*, *of* ...), and the next line does not start lower
   case. Blocks that look hard-wrapped (two or more line breaks followed by a
   lower-case word) are left to Punkt.
3. **Punkt** (:class:`model.punkt_runtime.PunktRuntime`: nltk's Punkt spans
   without nltk) splits each piece, with closing quotes and brackets realigned
   onto the sentence they close. Fix-ups: a break after a title (*Mr.*, *Sen.*, *Gen.* ...) is undone;
   a break before an all-lower-case word (``“Stop!” he said``,
   ``(in 2022.) is``) is undone, but not before *iPhone* or *eBay*; an
   ellipsis (``…`` or ``...``) followed by white space and a capitalised word
   ends a sentence (not after ``(`` or ``[``, which mark an elision).

Finally sentences longer than ``max_chars`` are hard-split (see
:class:`SentenceSplitter`).

A piece over ``CHUNK_CHARS`` (one huge line) is cut into chunks of at most that
size before Punkt (at the last line break, else sentence-like end, else white
space in the window's second half: then the sentence across the cut is kept
whole), which bounds the work of one Punkt call; text whose pieces are all
shorter is split exactly as without chunking.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from model.punkt_runtime import PunktRuntime

FORMAT = "slant-punkt/1"
DEFAULT_PATH = Path(__file__).resolve().parent / "punkt.json"
REQUIRED_KEYS = ("format", "abbrev_types", "collocations", "sent_starters", "ortho_context")
HEADLINE_MAX_WORDS = 20
CHUNK_CHARS = 20_000

_LB = r"(?:\r\n|[\n\r\x0b\x0c\x85\u2028\u2029])"  # one line break
_HS = r"[^\S\n\r\x0b\x0c\x85\u2028\u2029]"  # horizontal white space
_BLANK_LINE = re.compile(rf"{_LB}(?:{_HS}*{_LB})+")
_LINE_BREAK = re.compile(_LB)
_CLOSERS = "\"'’”»)]}"
_OPENERS = "\"'‘“«([{"
_FINAL_PUNCT = re.compile(rf"[.!?…][{re.escape(_CLOSERS)}]*$")
_CONTINUES = re.compile(r"(?:[,;:(&/\-–—‐]|\b(?:the|a|an|of|to|and|or|but|in|on|at|by|for|with|from|that|as|is|was|were|are))$", re.I)
_TITLE_END = re.compile(
    r"(?:^|[\s" + re.escape(_OPENERS) + r"])(?:mr|mrs|ms|messrs|mme|dr|prof|rev|fr|hon|sen|sens|rep|reps|gov|pres"
    r"|gen|lt|col|maj|capt|cmdr|cdr|adm|sgt|cpl|pvt|brig|insp|det|supt|atty|amb)\.$",
    re.I,
)
_WORD = re.compile(r"[^\W\d_]+")
_ELLIPSIS_END = rf"[{re.escape(_CLOSERS)}]*+(?=\s+[{re.escape(_OPENERS)}]*(\w))"  # closers, white space, a word
_ELLIPSIS_AT = re.compile(rf"(?<![(\[])(?:…|\.\.\.+){_ELLIPSIS_END}")  # the rule; see _ellipses for _ELLIPSIS
_ELLIPSIS = re.compile(rf"(?:…(?<![(\[]…)|\.(?<![(\[.]\.)\.\.++|\.(?<=[(\[]\.\.)\.\.++){_ELLIPSIS_END}")
_LAST_SPACE = re.compile(r".*\s", re.S)
_CHUNK_CUTS = (
    re.compile(_LB),
    re.compile(rf"[.!?…][{re.escape(_CLOSERS)}]*{_HS}+(?=[{re.escape(_OPENERS)}]*[^\W\d_])"),
    re.compile(r"\s+"),
)


class SentenceSplitter:
    """Split text into sentences, returning code-point offsets.

    Parameters
    ----------
    params : dict
        The parsed ``punkt.json``: ``format`` (``"slant-punkt/1"``),
        ``abbrev_types``, ``collocations`` (pairs), ``sent_starters``,
        ``ortho_context`` (type -> int flags).
    max_chars : int, optional
        Longest sentence returned, in code points (default 2,000). A longer
        run is hard-split at the last white space before the limit, or exactly
        at the limit if it has none, so no sentence exceeds ``max_chars``.

    Raises
    ------
    ValueError
        If ``params`` lacks a required key, has the wrong ``format`` or
        badly typed values, or ``max_chars`` < 1.

    Examples
    --------
    >>> s = SentenceSplitter.from_file(DEFAULT_PATH)
    >>> [t for _, _, t in s.split("Mr. Smith left. He said “no.” Then he went.")]
    ['Mr. Smith left.', 'He said “no.”', 'Then he went.']
    """

    def __init__(self, params: dict, *, max_chars: int = 2000):
        if not isinstance(params, dict):
            raise ValueError(f"punkt params must be a dict, got {type(params).__name__}")
        missing = [k for k in REQUIRED_KEYS if k not in params]
        if missing:
            raise ValueError(f"punkt params lack required key(s): {', '.join(missing)}")
        if params["format"] != FORMAT:
            raise ValueError(f"punkt params have format {params['format']!r}, expected {FORMAT!r}")
        if not isinstance(max_chars, int) or max_chars < 1:
            raise ValueError(f"max_chars must be a positive int, got {max_chars!r}")
        try:
            self._punkt = PunktRuntime(
                {str(a) for a in params["abbrev_types"]}, {(str(a), str(b)) for a, b in params["collocations"]},
                {str(s) for s in params["sent_starters"]}, {str(k): int(v) for k, v in params["ortho_context"].items()})
        except (TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"punkt params are malformed: {exc}") from None
        self.max_chars = max_chars

    @classmethod
    def from_file(cls, path=DEFAULT_PATH, **kwargs) -> "SentenceSplitter":
        """Build a splitter from a ``punkt.json`` file (UTF-8; default: the shipped one); ``kwargs``: ``max_chars``."""
        with open(path, encoding="utf-8") as fh:
            return cls(json.load(fh), **kwargs)

    def split(self, text: str) -> list[tuple[int, int, str]]:
        """Sentences as ``(start, end, text[start:end])`` triples.

        Parameters
        ----------
        text : str
            Any text.

        Returns
        -------
        list of tuple of (int, int, str)
        """
        return [(s, e, text[s:e]) for s, e in self.spans(text)]

    def spans(self, text: str, *, cuts: list | None = None, limit: int | None = None) -> list[tuple[int, int]]:
        """Sentence offsets into ``text`` (Python ``str`` indices).

        Sentences are non-empty, never start or end with white space, are in
        order and do not overlap; empty or white-space-only text gives ``[]``.

        Parameters
        ----------
        text : str
            Any text.
        cuts : list, optional
            Gets the index of every sentence hard-split at ``max_chars`` (its run goes on in the next).
        limit : int, optional
            Stop once more than ``limit`` sentences were found (the caller refuses such a text).

        Returns
        -------
        list of tuple of (int, int)
            ``(start, end)`` such that ``text[start:end]`` is a sentence.
        """
        out: list[tuple[int, int]] = []
        last = 0
        for s, e in self._raw_spans(text):
            s = max(s, last)
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if s < e:
                pieces = self._hard_split(text, s, e) if e - s > self.max_chars else [(s, e)]
                if cuts is not None and len(pieces) > 1:
                    cuts.extend(range(len(out), len(out) + len(pieces) - 1))
                out.extend(pieces)
                last = e
                if limit is not None and len(out) > limit:
                    break
        return out

    def _raw_spans(self, text: str):
        """Punkt spans (with fix-ups) of every block, line and chunk, in order."""
        for bs, be in _pieces(text, 0, len(text), _BLANK_LINE):
            for ls, le in self._lines(text, bs, be):
                pending = None  # the last span of a chunk cut inside a run: it goes on in the next chunk
                for cs, ce, glue in _chunks(text, ls, le, CHUNK_CHARS):
                    spans = self._punkt_spans(text, cs, ce)
                    if pending is not None:
                        spans = [(pending[0], spans[0][1]), *spans[1:]] if spans else [pending]
                    pending = spans.pop() if glue and spans else None
                    yield from spans
                if pending is not None:
                    yield pending

    def _lines(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """Split a block at line breaks that end a headline-like line."""
        lines = _pieces(text, start, end, _LINE_BREAK)
        if len(lines) < 2:
            return lines
        info = []
        for s, e in lines:
            line = text[s:e].strip()
            ends = not line or bool(_FINAL_PUNCT.search(line))
            info.append((line, ends))
        lower_next = [bool(info[i + 1][0]) and info[i + 1][0][0].islower() for i in range(len(lines) - 1)]
        if sum(1 for i, low in enumerate(lower_next) if low and not info[i][1]) >= 2:
            return [(start, end)]  # hard-wrapped prose
        out, cur = [], lines[0][0]
        for i in range(len(lines) - 1):
            line, ends = info[i]
            headline = line and not ends and not lower_next[i] and len(line.split()) <= HEADLINE_MAX_WORDS
            if headline and not _CONTINUES.search(line):
                out.append((cur, lines[i][1]))
                cur = lines[i + 1][0]
        out.append((cur, end))
        return out

    def _punkt_spans(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """Punkt spans of ``text[start:end]`` (absolute offsets) with fix-ups."""
        piece = text[start:end]
        if not piece.strip():
            return []
        merged: list[tuple[int, int]] = []
        for s, e in self._punkt.span_tokenize(piece):
            s, e = s + start, e + start
            if merged:
                ps, pe = merged[-1]
                prev = text[max(ps, pe - 12) : pe] if text[pe - 1] == "." else ""  # a title ends in a period
                if (prev and _TITLE_END.search(prev, max(0, len(prev) - 8))) or _starts_lower(text, s, e):
                    merged[-1] = (ps, e)
                    continue
            merged.append((s, e))
        if "…" not in piece and "..." not in piece:  # no ellipsis to split at
            return merged
        out = []
        for s, e in merged:
            for m in _ellipses(text, s, e):
                if m.start() > s and m.group(1)[0].isupper() and any(c.isalnum() for c in text[s : m.start()]):
                    out.append((s, m.end()))
                    s = m.end()
            out.append((s, e))
        return out

    def _hard_split(self, text: str, s: int, e: int) -> list[tuple[int, int]]:
        """Cut a stripped span into pieces of at most ``max_chars``."""
        out, limit = [], self.max_chars
        while e - s > limit:
            m = _LAST_SPACE.match(text, s + 1, s + limit + 1)
            cut = m.end() - 1 if m else s + limit
            stop = cut
            while text[stop - 1].isspace():
                stop -= 1
            out.append((s, stop))
            s = cut
            while text[s].isspace():
                s += 1
        out.append((s, e))
        return out


def _ellipses(text: str, start: int, end: int):
    """``_ELLIPSIS_AT.finditer(text, start, end)`` in linear time: ``_ELLIPSIS`` tries a run of dots only from
    its start (its 2nd dot after ``(`` or ``[``), not from every dot; a ``start`` inside a run needs the match."""
    m = _ELLIPSIS_AT.match(text, start, end) if start and text[start - 1] == "." == text[start : start + 1] else None
    if m:  # start is inside a run of dots, which _ELLIPSIS only tries from the run's start
        yield m
    yield from _ELLIPSIS.finditer(text, m.end() if m else start, end)


def _starts_lower(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` starts, after opening quotes, with an all-lower-case word (not *iPhone*)."""
    while start < end and text[start] in _OPENERS:
        start += 1
    upper = start < end and text[start].isupper()  # (the usual case) then the word, if any, is not lower-case
    m = None if upper else _WORD.match(text, start, end)
    return bool(m) and m.group().islower()


def _chunks(text: str, start: int, end: int, size: int) -> list[tuple[int, int]]:
    """``(start, end, glue)`` chunks of at most ``size``; ``glue``: cut inside a run, not at a break."""
    out, cur = [], start
    while end - cur > size:
        lo, hi = cur + size // 2, cur + size
        cut, glue = hi, True
        for rank, pattern in enumerate(_CHUNK_CUTS):
            found = None
            for found in pattern.finditer(text, lo, hi):
                pass
            if found is not None:
                cut, glue = found.end(), rank == 2
                break
        out.append((cur, cut, glue))
        cur = cut
    out.append((cur, end, False))
    return out


def _pieces(text: str, start: int, end: int, sep: re.Pattern) -> list[tuple[int, int]]:
    """Offsets of ``text[start:end]`` between matches of ``sep`` (a pattern that starts with a line break)."""
    if not any(text.find(c, start, end) >= 0 for c in "\n\r\x0b\x0c\x85\u2028\u2029"):  # no _LB
        return [(start, end)]
    out, cur = [], start
    for m in sep.finditer(text, start, end):
        out.append((cur, m.start()))
        cur = m.end()
    out.append((cur, end))
    return out
