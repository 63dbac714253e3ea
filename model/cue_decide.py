"""The cue decisions of a batch (:mod:`model.cue_batch`): the shared per-sentence decisions
:func:`model.cue_decisions._find_cues`, or less work where that gives the same cues.

A sentence that can have a cue (an *event* sentence) is *quiet* when it has no ``!`` and no
ALL-CAPS emphasis candidate: then ``_find_cues`` finds no exclamation or caps cue, and its
so-called and sneer cues are all the ``SO_CALLED_RE`` and ``SNEER_RE`` matches. If besides no
neutral compound head precedes a hit, it has no *scheme(s)* hit, and no speech tag is possible
where it has loaded or first-person hits, then ``_find_cues`` keeps exactly the loaded and
first-person hits outside quotes (none of its rules for loaded words applies), and a rhetorical
question outside quotes: such a sentence is decided here with
:func:`model.cue_decisions._quote_cues` for its quotes, the rest in a few lines. Any other event
sentence goes through ``_find_cues``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from model.cue_decisions import _CUE_ORDER, _find_cues, _quote_cues
from model.cue_patterns import QMARK_END_RE, SNEER_RE, SO_CALLED_RE
from model.cue_quotes import Quotes
from model.cue_scan import Batch
from model.cue_words import CATEGORY_BITS, run_table
from model.cues import CUE_TYPES, FEATURE_NAMES, Cue

_TYPE_INDEX = {t: k for k, t in enumerate(CUE_TYPES)}
_N_COLUMNS = len(FEATURE_NAMES)
_FIRST, _LOADED = CATEGORY_BITS["first"], CATEGORY_BITS["loaded"]
_EVENT_HIT = _FIRST | _LOADED
_CHECKED_WORDS = ("scheme", "schemes")  # loaded hits model.cue_decisions._neutral_loaded can clear


@lru_cache(maxsize=1)
def _checked_keys() -> frozenset[int]:
    """The run-table keys of :data:`_CHECKED_WORDS`."""
    keys = run_table().keys
    return frozenset(keys.index(word) for word in _CHECKED_WORDS if word in keys)


def new_cue(kind: str, start: int, end: int, text: str) -> Cue:
    """``Cue(kind, start, end, text)`` without the frozen dataclass's per-field ``object.__setattr__``."""
    cue = object.__new__(Cue)
    cue.__dict__.update(type=kind, start=start, end=end, text=text)
    return cue


def decide(b: Batch, event: np.ndarray, quiet: np.ndarray, quotes: Quotes, caps: dict, called: np.ndarray,
           n_multi: np.ndarray, hits: tuple, longer_cats: list, cues: list, hints: tuple):
    """Decide the cues of the ``event`` sentences; fill ``cues`` and return the cue cells
    (``sentence * len(FEATURE_NAMES) + type``), the sentences with quotes and, for each, its
    numbers of attributed (not scare, not title) quotes and of titles.

    Parameters
    ----------
    b : Batch
    event : numpy.ndarray
        Boolean per sentence: can have a cue (and is not SPECIAL).
    quiet : numpy.ndarray
        Boolean per sentence: no ``!`` and no ALL-CAPS emphasis candidate.
    quotes : Quotes
    caps : dict
        Sentence index -> its ``CAPS_RE`` matches.
    called : numpy.ndarray
        Boolean per sentence: its ``lower()`` holds "called".
    n_multi : numpy.ndarray
        Per sentence, its words longer than one character.
    hits : tuple
        ``(starts, ends, category bits, sources, sentences)`` of the lexicon hits in the joined text,
        as :func:`model.cue_scan.lexicon_hits` returns them with ``longer_cats``, and their sentences.
    cues : list
        The cue tuple per sentence, filled in here.
    hints : tuple
        ``(speech, neutral, quote_hints)``: per sentence whether a speech tag is possible, the
        loaded hits (joined positions) a neutral compound head may precede, and
        :meth:`Quotes.hints`.
    """
    texts, bases, table = b.texts, b.bases, run_table()
    categories, spans = table.categories, quotes.spans
    hit_pos, hit_end, hit_bits, hit_src, hit_sid = hits
    speech, neutral_at, quote_hints = hints
    # the hits of event sentences (few numpy calls: they cost more than their work on small batches)
    rows = np.concatenate([hit_pos, hit_end, hit_bits, hit_src, hit_sid]).reshape(5, -1)[:, event.take(hit_sid)]
    at = event.nonzero()[0]
    hit_from, hit_to = rows[4].searchsorted(at).tolist(), rows[4].searchsorted(at + 1).tolist()
    starts_, stops_, bits, sources, sids = rows.tolist()
    # not decided here (see the module): a neutral compound head before a hit, a scheme(s) hit
    unusual = set(b.sid(neutral_at).tolist()) if len(neutral_at) else set()
    checked = _checked_keys()
    unusual.update(i for i, key in zip(sids, sources) if key in checked)
    quiet, called, speech = quiet.tolist(), called.tolist(), speech.tolist()
    neutral: dict[int, set[int]] = {}
    if len(neutral_at):
        for pos, i in zip(neutral_at.tolist(), b.sid(neutral_at).tolist()):
            neutral.setdefault(i, set()).add(pos - bases[i])
    cue_cells, quote_rows, quote_values = [], [], []
    for i, first, last in zip(at.tolist(), hit_from, hit_to):
        text, sentence_spans, base = texts[i], spans.get(i), bases[i]
        if quiet[i] and i not in unusual and not (speech[i] and ("," in text or "–" in text) and any(
                kinds & _EVENT_HIT for kinds in bits[first:last])):
            if sentence_spans:
                hints_i = quote_hints[i]  # the hits matter to _quote_cues only with an attribution hit
                sentence_hits = _sentence_hits(starts_, stops_, sources, first, last, base, categories,
                                               longer_cats) if hints_i[2] else []
                found, n_other, titles, quoted = _quote_cues(text, sentence_hits, sentence_spans, hints_i)
            else:
                found, quoted = [], None
            for s, e, kinds in zip(starts_[first:last], stops_[first:last], bits[first:last]):
                if kinds & _EVENT_HIT and (quoted is None or not quoted(s - base)):
                    if kinds & _FIRST:
                        found.append(("first_person_opinion", s - base, e - base))
                    if kinds & _LOADED:
                        found.append(("loaded_word", s - base, e - base))
            if "?" in text and (q := QMARK_END_RE.search(text)) and (quoted is None or not quoted(q.start(1))):
                found.append(("rhetorical_question", *q.span(1)))
            if called[i]:
                found += [("so_called", *m.span()) for m in SO_CALLED_RE.finditer(text)]
            if "(" in text or "[" in text:
                found += [("sneer_aside", *m.span()) for m in SNEER_RE.finditer(text)]
            if len(found) > 1:
                found.sort(key=_CUE_ORDER)
        else:
            found, n_other, titles = _find_cues(
                text, _sentence_hits(starts_, stops_, sources, first, last, base, categories, longer_cats),
                sentence_spans or [], int(n_multi[i]), caps.get(i, ()), called[i], speech[i], neutral.get(i, ()),
                quote_hints.get(i))
        if found:
            cues[i] = tuple([new_cue(t, s, e, text[s:e]) for t, s, e in found])
            cue_cells += [i * _N_COLUMNS + _TYPE_INDEX[t] for t, _, _ in found]
        if sentence_spans:
            quote_rows.append(i)
            quote_values.append((n_other - titles, titles))
    return cue_cells, quote_rows, quote_values


def _sentence_hits(starts: list, stops: list, sources: list, first: int, last: int, base: int, categories: tuple,
                   longer_cats: list) -> list:
    """The hits ``first:last`` as ``model.cues._lexicon_hits`` gives them: ``(start, end, categories)``,
    offsets into their sentence (which starts at ``base``)."""
    return [(s - base, e - base, categories[k] if k >= 0 else longer_cats[~k])
            for s, e, k in zip(starts[first:last], stops[first:last], sources[first:last])]
