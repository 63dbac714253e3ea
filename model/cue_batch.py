"""Cues and cue features of many sentences at once, identical to :mod:`model.cues` but faster.

:func:`analyse_batch` returns, for a list of sentences, what ``model.cues._analyse``
returns for each: the cue tuples and the ``(n, len(FEATURE_NAMES))`` float64 features.
Call :func:`warm_up` once at model load: the first call would otherwise build the
lookup tables (about 0.1 s).

How (each step is exact, not an approximation; :mod:`model.cue_scan` has the scans):

* The distinct sentences are joined with NUL into one text, turned into a numpy array
  of code points and classified with per-code-point flag tables
  (:mod:`model.cue_tables`) built from the very regex classes and ``str`` methods the
  per-sentence code uses. A sentence with a character the tables do not vouch for (or
  with NUL) goes through ``_analyse`` itself.
* ``WORD_RE`` words are the maximal runs of alnum characters and of ``'’-`` between two
  alnum characters; their counts, lengths, digits and capitalisation are numpy sums.
* Lower-cased alnum runs are looked up in numpy (:mod:`model.cue_words`): lexicon
  heads, WORD_CLASS words (pronouns, negation words, superlatives) and NOT_SUPERLATIVE.
* Regexes run only where a match can start: ``QUOTE_RE`` at the quote characters its
  alternatives begin with (respecting their lookarounds), ``CAPS_RE`` at two capitals
  after a non-word character, ``LEX_LOWER_RE`` only where a lexicon match can span
  several runs (a one-run match is the run itself). Trying the candidates left to
  right, skipping those inside the previous match, finds exactly what ``finditer`` finds.
* Only sentences that can have a cue (a quote, a loaded or first-person hit, ``!`` or
  ``?``, a sneer aside, "called", caps emphasis) are decided (:mod:`model.cue_decide`), most
  with less than the shared cue decisions :func:`model.cue_decisions._find_cues`, all with
  hints from the run table that let them skip a regex: whether a speech-tag verb occurs,
  which loaded hits follow a neutral compound head word, which quotes can follow a title cue
  or a characterisation (:mod:`model.cue_quotes`), and whether an unquoted attribution hit occurs.
* The vectorised pass costs a fixed number of numpy calls (about 0.2 ms per call) plus
  about 8 us per sentence; the per-sentence path about 43 us per sentence, so fewer than
  :data:`SMALL` distinct sentences take the per-sentence path (measured: the two cross at
  about 6 distinct sentences of the corpora, ``python -m bench.cues --batch-sizes``). Large
  inputs are cut into chunks of about :data:`CHUNK_CHARS` characters (faster: the arrays stay
  in cache).
"""

from __future__ import annotations

import numpy as np

from model.cue_decide import decide
from model.cue_decisions import _is_emphasis
from model.cue_patterns import CAPS_RE, SNEER_RE
from model.cue_quotes import Quotes
from model.cue_scan import Batch, lexicon_hits, matches_within, usual
from model.cue_tables import (ALNUM, ALPHA, APOSTROPHE_LETTER, ASCII_UPPER, DIGIT, JOINER, LEX_BEFORE, LOWER_TITLE,
                              UPPER, char_tables, log1p_table)
from model.cue_words import (CATEGORY_BITS, CLASS_BITS, NEUTRAL_HEAD_WORD, NOT_SUPERLATIVE_WORD, TAG_VERB_WORD,
                              run_table)
from model.cues import CUE_TYPES, FEATURE_NAMES, Cue, _analyse

SMALL = 7  # fewer distinct sentences than this: the per-sentence path is faster (measured: bench.cues)
CHUNK_CHARS = 100_000  # characters per vectorised pass

_TYPE_INDEX = {t: k for k, t in enumerate(CUE_TYPES)}
_COLUMN = {name: k for k, name in enumerate(FEATURE_NAMES)}
_N_COLUMNS = len(FEATURE_NAMES)
# the feature column counting each bit of the class codes below (attribution: the count behind its flag)
_BIT_COLUMN = np.array([_COLUMN[name] for name in (
    "first_person_pronouns", "second_person", "negations", "superlatives",
    "attribution_verb", "hedges", "intensifiers", "modal_obligation")])
# the last three letter codes of a word (see model.cue_tables.char_tables) as one little-endian number
_NT = ord("n") - 96 | APOSTROPHE_LETTER << 8 | ord("t") - 96 << 16  # n't, n’t
_EST = ord("e") - 96 | ord("s") - 96 << 8 | ord("t") - 96 << 16
_CLASS_MASK = sum(CLASS_BITS)
_CLASS_SHIFT = CLASS_BITS[0].bit_length() - 1
_EIGHT = np.arange(8)
_NT_EST = np.array([4, 8], dtype=np.int64)  # the class codes of negations (n't) and superlatives (-est)
_ATTRIBUTION_BIT = 4  # (CATEGORY_BITS["attrib"] << 4 in the 8-bit codes below)
assert [CATEGORY_BITS[c] for c in ("attrib", "hedge", "intens", "modal")] == [1, 2, 4, 8]
assert _BIT_COLUMN[_ATTRIBUTION_BIT] == _COLUMN["attribution_verb"]
assert _COLUMN["quote_attributed"] == _COLUMN["quote_any"] + 1 and _COLUMN["quote_title_or_mention"] == _COLUMN[
    "quote_any"] + 2
_EVENT_HIT = CATEGORY_BITS["loaded"] | CATEGORY_BITS["first"]
_LOADED = CATEGORY_BITS["loaded"]
_CALLED = bytes(ord(c) - 96 for c in "called")  # letter codes


def warm_up() -> None:
    """Build every table :func:`analyse_batch` builds on first use (about 0.1 s), and run it once.

    Call it when loading the model, so that no request pays for it.
    """
    char_tables()
    run_table()
    log1p_table(4096)
    sample = ["I think the “so-called” plan is a DISGRACE (sic)!", "Is it?", "He said: 'No.'", "It's 3 km."]
    analyse_batch([f"{text} {k}" for k in range(SMALL) for text in sample])
    analyse_batch(sample[:1])


def analyse_batch(sentences) -> tuple[list[tuple[Cue, ...]], np.ndarray]:
    """Cues and cue features of every sentence (as ``model.cues._analyse`` gives them one by one).

    Parameters
    ----------
    sentences : iterable of str

    Returns
    -------
    tuple
        ``(cues, features)``: a list with one tuple of :class:`~model.cues.Cue` per sentence,
        and a ``(len(sentences), len(FEATURE_NAMES))`` float64 array.
    """
    sentences = list(sentences)
    index: dict[str, int] = {}
    rows = [index.setdefault(s, len(index)) for s in sentences]
    unique = list(index)
    if len(unique) < SMALL:
        results = [_analyse(s) for s in unique]
        cues, features = [c for c, _ in results], np.array([v for _, v in results], dtype=np.float64)
        features = features.reshape(len(unique), len(FEATURE_NAMES))
    else:  # chunks of about CHUNK_CHARS characters keep the arrays in cache
        cuts, size = [0], 0
        for k, s in enumerate(unique):
            size += len(s) + 1
            if size >= CHUNK_CHARS:
                cuts.append(k + 1)
                size = 0
        if cuts[-1] != len(unique):
            cuts.append(len(unique))
        parts = [_analyse_unique(unique[a:b]) for a, b in zip(cuts, cuts[1:])]
        cues = [c for part_cues, _ in parts for c in part_cues]
        features = np.concatenate([f for _, f in parts]) if len(parts) > 1 else parts[0][1]
    if len(unique) == len(sentences):
        return cues, features
    return [cues[i] for i in rows], features[np.array(rows, dtype=np.intp)]


def _analyse_unique(texts: list[str]) -> tuple[list[tuple[Cue, ...]], np.ndarray]:
    """:func:`analyse_batch` of distinct sentences, in one vectorised pass."""
    n = len(texts)
    cues: list[tuple[Cue, ...]] = [()] * n
    if n == 0:
        return cues, np.zeros((0, _N_COLUMNS), dtype=np.float64)
    b = Batch(texts)
    flags, letters, starts, joined = b.flags, b.letters, b.starts, b.joined

    # WORD_RE words: runs of alnum characters and of '’- between two alnum characters; alnum runs.
    # The joined text begins and ends with SEP, so the changes alternate: start, end, start, ...
    alnum = (flags & ALNUM) != 0
    joiner = (flags & JOINER) != 0
    joiner[1:-1] &= alnum[:-2] & alnum[2:]
    word = alnum | joiner
    bounds = (word[1:] != word[:-1]).nonzero()[0] + 1
    ws, we = bounds[0::2], bounds[1::2]
    run_bounds = (alnum[1:] != alnum[:-1]).nonzero()[0] + 1
    rs, re_ = run_bounds[0::2], run_bounds[1::2]
    wlen = we - ws
    word_from = ws.searchsorted(starts)
    n_tok = word_from[1:] - word_from[:-1]

    # per word, summed per sentence: one character, digit, alpha, capitalised, ALL-CAPS, length
    per_word = np.zeros((6, len(ws) + 1), dtype=np.int64)  # a last zero column: every sentence's sum ends there
    first = flags.take(ws)
    per_word[0, :-1] = single = wlen == 1
    per_word[1, ws.searchsorted(((flags & DIGIT) != 0).nonzero()[0], "right") - 1] = 1  # a digit is in a word
    per_word[2, :-1] = alpha = (first & ALPHA) != 0
    per_word[3, :-1] = alpha & ((first & UPPER) != 0)
    # str.isupper() of the alpha words of 2+ characters whose first two are not lower- or title-case
    second = flags.take(ws + 1)
    maybe = (alpha & ~single & (((first | second) & LOWER_TITLE) == 0)).nonzero()[0]
    if len(maybe):
        upper = [joined[s:e].isupper() for s, e in zip(ws.take(maybe).tolist(), we.take(maybe).tolist())]
        per_word[4, maybe[np.array(upper, dtype=bool)]] = 1
    per_word[5, :-1] = wlen
    # the first alpha word of a sentence is not counted as capitalised: uncount the first alpha word at or
    # after each sentence's first word (for a sentence without alpha words, a later sentence's first one)
    alpha_words = np.concatenate((alpha.nonzero()[0], [len(ws)]))
    per_word[3, alpha_words.take(alpha_words.searchsorted(word_from[:-1]))] = 0
    summed = np.add.reduceat(per_word, word_from[:-1], axis=1) * (n_tok > 0)  # an empty range gives a column
    n_alpha, n_cap = summed[2], summed[3]
    quotes = Quotes(b)
    spans, free = quotes.spans, quotes.free

    # unquoted words by class, as 4-bit codes (the WORD_CLASS bits): whole WORD_CLASS words, words
    # ending in "n't"/"n’t" (negations) and words of 6+ letters ending in "est" but no NOT_SUPERLATIVE
    # word (superlatives); then the lexicon categories of the unquoted hits, 4 bits higher
    table = run_table()
    keys = table.lookup(letters, rs, re_ - rs)
    codes = table.codes.take(keys)
    at = ((codes & _CLASS_MASK) != 0).nonzero()[0]
    at = at[~joiner.take(rs.take(at) - 1) & ~joiner.take(re_.take(at))]
    tails = np.ndarray((len(letters) - 3,), dtype=np.uint32, buffer=letters, strides=(1,)).take(we - 3) & 0xFFFFFF
    est = ((tails == _EST) & (wlen >= 6)).nonzero()[0]
    if len(est):
        first_run = rs.searchsorted(ws.take(est))
        est = est[(re_.take(first_run) != we.take(est)) | ((codes.take(first_run) & NOT_SUPERLATIVE_WORD) == 0)]
    (hit_pos, hit_end, hit_bits, hit_src), longer_cats = lexicon_hits(b, rs, re_, keys, codes)
    nt = (tails == _NT).nonzero()[0]  # a letter before "'t" is inside the word
    positions = np.concatenate([rs.take(at), ws.take(nt), ws.take(est), hit_pos])
    kinds = np.concatenate([codes.take(at) >> _CLASS_SHIFT & 15, _NT_EST.repeat((len(nt), len(est))),
                            (hit_bits & 15) << 4])
    kinds = kinds[:, None] >> _EIGHT
    kinds &= free(positions)[:, None] if spans else 1
    rows, bits = kinds.nonzero()
    cells = b.sid(positions.take(rows)) * _N_COLUMNS + _BIT_COLUMN.take(bits)  # counted at the end
    attributing = np.zeros(n, dtype=bool)  # has an unquoted attribution hit (read for quotes only)
    if spans:
        attributing[cells[bits == _ATTRIBUTION_BIT] // _N_COLUMNS] = True

    # sentences that can have a cue run the cue decisions (model.cue_decide)
    excl, qmark = b.mark(b.find_all("!")), b.mark(b.find_all("?"))
    event = excl.copy()
    # CAPS_RE matches start at a word (after no [\w'’-]) with two ASCII capitals
    caps = ws[(first & second & ASCII_UPPER) != 0]
    caps = matches_within(b, usual(b, caps[(flags.take(caps - 1) & LEX_BEFORE) == 0]), CAPS_RE)
    if emphasis := [i for i, matches in caps.items() if any(_is_emphasis(m.group()) for m in matches)]:
        event[emphasis] = True
    quiet = ~event  # no "!" and no caps emphasis
    brackets = b.find_all("(") + b.find_all("[")
    if brackets:
        event[list(matches_within(b, usual(b, np.sort(brackets)), SNEER_RE))] = True
    called, at, letter_bytes = [], -1, letters.tobytes()
    while (at := letter_bytes.find(_CALLED, at + 1)) >= 0:
        called.append(at)
    called = b.mark(called)
    event |= called
    event |= qmark
    hit_sid = b.sid(hit_pos)
    event[hit_sid[(hit_bits & _EVENT_HIT) != 0]] = True
    if spans:
        event[list(spans)] = True
    event &= ~b.special
    # hints for the decisions: a speech tag needs a TAG_VERB_WORDS run; a neutral compound head before a
    # loaded hit is the alnum run before it, a NEUTRAL_HEAD_WORDS word
    speech = b.mark(rs[(codes & TAG_VERB_WORD) != 0])
    loaded_at = hit_pos[(hit_bits & _LOADED) != 0]
    before = rs.searchsorted(loaded_at) - 1
    neutral = loaded_at[(before >= 0) & ((codes.take(np.maximum(before, 0)) & NEUTRAL_HEAD_WORD) != 0)]
    cue_cells, quote_rows, quote_values = decide(b, event, quiet, quotes, caps, called, n_tok - summed[0],
                                                 (hit_pos, hit_end, hit_bits, hit_src, hit_sid), longer_cats, cues,
                                                 (speech, neutral, quotes.hints(rs, codes, attributing)))

    # the counts behind the log1p columns (and the attribution count)
    cells = np.concatenate([cells, np.array(cue_cells, dtype=np.intp)])
    counts = np.bincount(cells, minlength=n * _N_COLUMNS).reshape(n, _N_COLUMNS)
    if spans:
        n_quotes, quoted_chars = quotes.totals(n)
        counts[:, _COLUMN["quote_any"]] = n_quotes
        counts[quote_rows, _COLUMN["quote_attributed"]:_COLUMN["quote_attributed"] + 2] = quote_values
    counts[:, _COLUMN["log_tokens"]] = n_tok
    out = log1p_table(int((starts[1:] - starts[:-1]).max())).take(counts)  # a count is at most the length
    denom = np.maximum(n_tok, 1)
    out[:, _COLUMN["attribution_verb"]] = counts[:, _COLUMN["attribution_verb"]] > 0
    out[:, _COLUMN["question_mark"]] = qmark
    out[:, _COLUMN["exclamation_mark"]] = excl
    out[:, _COLUMN["number_density"]] = summed[1] / denom
    out[:, _COLUMN["has_number"]] = summed[1] > 0
    out[:, _COLUMN["capitalised_ratio"]] = n_cap / np.maximum(n_alpha - 1, 1)
    out[:, _COLUMN["allcaps_ratio"]] = summed[4] / np.maximum(n_alpha, 1)
    out[:, _COLUMN["mean_word_length"]] = np.minimum(summed[5] / denom, 30.0) / 10.0
    if spans:  # (else the column holds log1p(0) = 0.0, the fraction of no quote)
        out[:, _COLUMN["quoted_char_fraction"]] = quoted_chars / np.maximum(starts[1:] - starts[:-1] - 1, 1)
    out[:, _COLUMN["loaded_density"]] = counts[:, _TYPE_INDEX["loaded_word"]] / denom
    for i in (b.special.nonzero()[0].tolist() if b.any_special else ()):
        cues[i], out[i] = _analyse(texts[i])
    return cues, out
