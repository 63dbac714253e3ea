"""Cues and cue features of many sentences at once, identical to :mod:`model.cues` but faster.

:func:`analyse_batch` returns, for a list of sentences, what ``model.cues._analyse``
returns for each: the cue tuples and the ``(n, len(FEATURE_NAMES))`` float64 features.

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
  ``?``, a sneer aside, "called", caps emphasis) run the shared cue decisions
  :func:`model.cue_decisions._find_cues`.
* Large inputs are cut into chunks of about :data:`CHUNK_CHARS` characters (faster:
  the arrays stay in cache); fewer than :data:`SMALL` distinct sentences take the
  per-sentence path (faster than the fixed cost of the vectorised one).
"""

from __future__ import annotations

import numpy as np

from model.cue_decisions import _find_cues, _is_emphasis
from model.cue_patterns import CAPS_RE, SNEER_RE
from model.cue_scan import Batch, in_range, lexicon_hits, matches_within, quote_spans, usual
from model.cue_tables import ALNUM, ALPHA, ASCII_UPPER, DIGIT, JOINER, LEX_BEFORE, LOWER_TITLE, UPPER, log1p_table
from model.cue_words import CATEGORY_BITS, CLASS_BITS, MAX_LEN, NOT_SUPERLATIVE_WORD, letter_codes, run_table
from model.cues import CUE_TYPES, FEATURE_NAMES, Cue, _analyse

_TYPE_INDEX = {t: k for k, t in enumerate(CUE_TYPES)}
_LEX_CATEGORIES = ("attrib", "hedge", "intens", "modal")  # counted when unquoted
SMALL = 8  # fewer distinct sentences than this: the per-sentence path is faster
CHUNK_CHARS = 100_000  # characters per vectorised pass


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
        ends = np.cumsum(np.fromiter(map(len, unique), np.int64, len(unique)) + 1)
        cuts = np.unique(np.searchsorted(ends, np.arange(CHUNK_CHARS, ends[-1], CHUNK_CHARS))).tolist()
        cuts = [0, *cuts, len(unique)]
        parts = [_analyse_unique(unique[a:b]) for a, b in zip(cuts, cuts[1:]) if b > a]
        cues = [c for part_cues, _ in parts for c in part_cues]
        features = np.concatenate([f for _, f in parts]) if len(parts) > 1 else parts[0][1]
    if len(unique) == len(sentences):
        return cues, features
    return [cues[i] for i in rows], features[np.array(rows, dtype=np.intp)]


def _analyse_unique(texts: list[str]) -> tuple[list[tuple[Cue, ...]], np.ndarray]:
    """:func:`analyse_batch` of distinct sentences, in one vectorised pass."""
    n = len(texts)
    out = np.zeros((n, len(FEATURE_NAMES)), dtype=np.float64)
    cues: list[tuple[Cue, ...]] = [()] * n
    if n == 0:
        return cues, out
    b = Batch(texts)
    low, flags = b.low, b.flags

    # WORD_RE words: runs of alnum characters and of '’- between two alnum characters.
    alnum = b.has(ALNUM)
    joiner = b.has(JOINER)
    joiner[1:-1] &= alnum[:-2] & alnum[2:]
    edges = np.diff((alnum | joiner).view(np.int8))
    ws, we = np.flatnonzero(edges == 1) + 1, np.flatnonzero(edges == -1) + 1
    wsid, wlen = b.sid(ws), we - ws

    def per(mask: np.ndarray) -> np.ndarray:
        """Per sentence: how many of its words ``mask`` selects."""
        return np.bincount(wsid[mask], minlength=n)

    n_tok = np.bincount(wsid, minlength=n)
    n_multi = n_tok - per(wlen == 1)
    sum_len = np.bincount(wsid, weights=wlen, minlength=n)
    n_digit = per(in_range(b.has(DIGIT), ws, we) > 0)
    # str.isupper(): one character: it is upper-case; more: some are and none is lower- or title-case
    is_upper = (in_range(b.has(UPPER), ws, we) > 0) & ((in_range(b.has(LOWER_TITLE), ws, we) == 0) | (wlen == 1))
    alpha = (flags[ws] & ALPHA) != 0
    asid = wsid[alpha]
    first_alpha = np.ones(len(asid), dtype=bool)
    first_alpha[1:] = asid[1:] != asid[:-1]
    n_alpha = np.bincount(asid, minlength=n)
    n_cap = np.bincount(asid[((flags[ws[alpha]] & UPPER) != 0) & ~first_alpha], minlength=n)
    n_allcaps = np.bincount(asid[is_upper[alpha] & (wlen[alpha] != 1)], minlength=n)

    spans = quote_spans(b)
    bases = b.starts.tolist()
    quote_starts = np.array([bases[i] + s for i, sp in spans.items() for s, _ in sp], dtype=np.int64)
    quote_ends = np.array([bases[i] + e for i, sp in spans.items() for _, e in sp], dtype=np.int64)

    def quoted(positions: np.ndarray) -> np.ndarray:
        """Whether each position lies inside a quote (the spans are sorted and disjoint)."""
        if not len(quote_starts):
            return np.zeros(len(positions), dtype=bool)
        k = np.searchsorted(quote_starts, positions, side="right") - 1
        return (k >= 0) & (positions < quote_ends[k])

    word_free = ~quoted(ws)

    # alnum runs, lower-cased, for lexicon hits and word classes (a class word is a whole word)
    edges = np.diff(alnum.view(np.int8))
    rs, re_ = np.flatnonzero(edges == 1) + 1, np.flatnonzero(edges == -1) + 1
    table = run_table()
    keys = table.lookup(np.concatenate([letter_codes(low), np.zeros(MAX_LEN, np.uint8)]), rs, re_ - rs)
    codes = np.where(keys >= 0, table.codes[keys], 0)
    rsid = b.sid(rs)
    free_whole = ~joiner[rs - 1] & ~joiner[re_] & ~quoted(rs)
    classes = [np.bincount(rsid[free_whole & ((codes & bit) != 0)], minlength=n) for bit in CLASS_BITS]
    third, second, last = low[we - 3], low[we - 2], low[we - 1]  # of each lower-cased word
    # negations: words ending in "n't" or "n’t"
    classes[2] += per(word_free & (wlen >= 3) & (third == ord("n")) & ((second == ord("'")) | (second == ord("’")))
                      & (last == ord("t")))
    # superlatives: words of 6+ letters ending in "est", except NOT_SUPERLATIVE ones (all one-run words)
    est = np.flatnonzero(word_free & (wlen >= 6) & (third == ord("e")) & (second == ord("s")) & (last == ord("t")))
    first_run = np.searchsorted(rs, ws[est])
    listed = (re_[first_run] == we[est]) & ((codes[first_run] & NOT_SUPERLATIVE_WORD) != 0)
    classes[3] += np.bincount(wsid[est[~listed]], minlength=n)

    hit_pos, hit_end, hit_bits, hit_cats = lexicon_hits(b, rs, re_, keys, codes)
    hit_sid = b.sid(hit_pos)
    hit_from = np.searchsorted(hit_sid, np.arange(n + 1)).tolist()
    in_lex = (hit_bits[:, None] & np.array([CATEGORY_BITS[c] for c in _LEX_CATEGORIES])) != 0
    hit_row, hit_col = np.nonzero(in_lex & ~quoted(hit_pos)[:, None])
    lex = dict(zip(_LEX_CATEGORIES, np.bincount(hit_sid[hit_row] * 4 + hit_col, minlength=4 * n).reshape(n, 4).T))

    # sentences that can have a cue run the shared cue decisions
    excl, qmark = b.mark(np.flatnonzero(b.cp == ord("!"))), b.mark(np.flatnonzero(b.cp == ord("?")))
    event = excl | qmark
    event |= b.mark(hit_pos[(hit_bits & (CATEGORY_BITS["loaded"] | CATEGORY_BITS["first"])) != 0])
    upper = b.has(ASCII_UPPER)
    caps = matches_within(b, usual(b, np.flatnonzero(upper[1:-1] & upper[2:] & ((flags[:-2] & LEX_BEFORE) == 0)) + 1),
                           CAPS_RE)
    event[[i for i, matches in caps.items() if any(_is_emphasis(m.group()) for m in matches)]] = True
    event[list(matches_within(b, usual(b, np.flatnonzero((b.cp == ord("(")) | (b.cp == ord("[")))), SNEER_RE))] = True
    called, at = [], b.low_text.find("called")
    while at >= 0:
        called.append(at)
        at = b.low_text.find("called", at + 6)
    called = b.mark(np.array(called, dtype=np.int64))
    event |= called
    event[list(spans)] = True
    event &= ~b.special
    cue_rows, cue_types, quote_rows, quote_values, fractions = [], [], [], [], []
    multi, hit_starts, hit_stops = n_multi.tolist(), hit_pos.tolist(), hit_end.tolist()
    for i in np.flatnonzero(event).tolist():
        text, sentence_spans, base = texts[i], spans.get(i, []), bases[i]
        hits = [(hit_starts[k] - base, hit_stops[k] - base, hit_cats[k]) for k in range(hit_from[i], hit_from[i + 1])]
        found, n_other, titles = _find_cues(text, hits, sentence_spans, multi[i], caps.get(i, []), called[i])
        if found:
            cues[i] = tuple(Cue(t, s, e, text[s:e]) for t, s, e in found)
            cue_rows += [i] * len(found)
            cue_types += [_TYPE_INDEX[t] for t, _, _ in found]
        if sentence_spans:
            quote_rows.append(i)
            quote_values.append((len(sentence_spans), n_other - titles, titles))
            fractions.append(sum(e - s for s, e in sentence_spans) / max(len(text), 1))
    cue_counts = np.zeros((n, len(CUE_TYPES)), dtype=np.int64)
    np.add.at(cue_counts, (np.array(cue_rows, dtype=np.intp), np.array(cue_types, dtype=np.intp)), 1)
    quote_counts = np.zeros((n, 3), dtype=np.int64)  # quotes, attributed quotes, titles
    quoted_fraction = np.zeros(n, dtype=np.float64)
    if quote_rows:
        quote_counts[quote_rows] = quote_values
        quoted_fraction[quote_rows] = fractions

    log1p = log1p_table(int(np.diff(b.starts).max()))  # every count is at most the sentence's length
    denom = np.maximum(n_tok, 1)
    out[:, :len(CUE_TYPES)] = log1p[cue_counts]
    columns = {"attribution_verb": lex["attrib"] > 0, "quote_any": log1p[quote_counts[:, 0]],
               "quote_attributed": log1p[quote_counts[:, 1]], "quote_title_or_mention": log1p[quote_counts[:, 2]],
               "hedges": log1p[lex["hedge"]], "intensifiers": log1p[lex["intens"]],
               "modal_obligation": log1p[lex["modal"]], "first_person_pronouns": log1p[classes[0]],
               "second_person": log1p[classes[1]], "question_mark": qmark, "exclamation_mark": excl,
               "number_density": n_digit / denom, "has_number": n_digit > 0,
               "capitalised_ratio": n_cap / np.maximum(n_alpha - 1, 1),
               "allcaps_ratio": n_allcaps / np.maximum(n_alpha, 1), "log_tokens": log1p[n_tok],
               "superlatives": log1p[classes[3]], "negations": log1p[classes[2]],
               "mean_word_length": np.minimum(sum_len / denom, 30.0) / 10.0, "quoted_char_fraction": quoted_fraction,
               "loaded_density": cue_counts[:, _TYPE_INDEX["loaded_word"]] / denom}
    for k, name in enumerate(FEATURE_NAMES[len(CUE_TYPES):], start=len(CUE_TYPES)):
        out[:, k] = columns[name]
    for i in np.flatnonzero(b.special).tolist():
        cues[i], out[i] = _analyse(texts[i])
    return cues, out
