"""Punkt sentence boundaries at serving time, without nltk.

:class:`PunktRuntime` reimplements the *decision* half of nltk 3.10.4's
``PunktSentenceTokenizer(params).span_tokenize(text)`` (default
``PunktLanguageVars``, ``realign_boundaries=True``) and returns exactly the
same spans. nltk is still used to *train* the parameters
(``training/punkt.py``) and by the tests that check the equality; importing it
costs about 0.75 s and 110 MB, too much for a serving worker.

How nltk decides, and how this module mirrors it:

1. **Candidates.** Every ``.``, ``?`` or ``!`` followed by a non-word
   character (quotes, brackets, ``;:@*`` and ``?!``) or by white space and a
   token. Its *context* is the word before it (back to the last ASCII white
   space; if the previous candidate lies inside that word, the previous one is
   dropped), the mark and what follows it.
2. **Tokens.** The context is split into lines and word tokens with nltk's
   word regex; only these few tokens are looked at (nltk's ``PunktToken``
   objects are replaced by plain strings and flag ints).
3. **First pass.** A lone ``.?!`` is a break, ``..``+ an ellipsis; a word ending
   in one period is an abbreviation if it (or its part after the last hyphen)
   is a known abbreviation type, else a break.
4. **Second pass** on each token ending in a period, with the token after it:
   known collocation -> no break; abbreviation/ellipsis followed by an
   orthographic sentence starter or a capitalised frequent starter -> break;
   initial or number (``##number##``) followed by a word the orthographic
   heuristic says does not start a sentence, or an initial followed by a
   capitalised word never seen lower case -> no break.
5. A candidate is a boundary if any token but the last of its context is a
   break; then closing quotes and brackets after a boundary are moved onto the
   sentence they close (``realign_boundaries``).

nltk compiles its patterns with the ``regex`` module, whose ``\\s`` excludes
``\\x1c``-``\\x1f`` and whose ``\\d`` and ``[^\\W\\d]`` follow a newer Unicode
than ``re``; the classes below reproduce that (``tests/test_punkt_runtime.py``
checks them against ``regex`` on every code point). nltk's per-call regex time
limit is not reproduced: :mod:`model.splitter` cuts long text into chunks.
"""

from __future__ import annotations

import re
import unicodedata

_WS = r"[^\S\x1c-\x1f]"  # regex-module \s
_NWS = r"[\S\x1c-\x1f]"  # regex-module \S
_NON_WORD = r"[)\";}\]*:@'({\[\u2018\u2019\u201c\u201d\xab\xbb?!]"
_MULTI = rf"(?:-{{2,}}|\.{{2,}}|(?:\.{_WS}){{2,}}\.)"
_WORD_START = r"[^(\"`{\[:;&#*@)}\]\-,]"
_TOKEN = re.compile(
    rf"{_MULTI}|(?={_WORD_START}){_NWS}+?(?={_WS}|$|{_NON_WORD}|{_MULTI}|,(?=$|{_WS}|{_NON_WORD}|{_MULTI}))|{_NWS}"
)
_CANDIDATE = re.compile(rf"[.?!](?=({_NON_WORD}|{_WS}+({_NWS}+)))")
_PLAIN = re.compile(r"([A-Za-z]{2,})\. [A-Za-z]+")  # tokens "word." and "Next" (the usual context)
_REALIGN = re.compile(rf"[\"')\]}}\u2018\u2019\u201c\u201d\xab\xbb]+?(?:{_WS}+|(?=--)|$)", re.M)


def _class(ranges: str) -> str:
    """A character class body from space-separated hex ranges (``"10d40-10d49 1e4d0"``)."""
    parts = []
    for item in ranges.split():
        lo, _, hi = item.partition("-")
        parts.append(chr(int(lo, 16)) + ("-" + chr(int(hi, 16)) if hi else ""))
    return "".join(parts)


# decimal digits the regex module knows but Python 3.11's Unicode 14 does not
_NEW_DIGITS = (
    "10d40-10d49 116d0-116e3 11bf0-11bf9 11de0-11de9 11f50-11f59 16130-16139 16d70-16d79 1ccf0-1ccf9 1e4f0-1e4f9"
    " 1e5f1-1e5fa"
)
_DIGIT = rf"[\d{_class(_NEW_DIGITS)}]"
_NUMERIC = re.compile(rf"-?[.,]?{_DIGIT}[{_DIGIT[1:-1]},.\-]*\.?\Z")
# regex-module [^\W\d] beyond str.isalpha() and the categories Mn Mc Me Nl Pc: ZWNJ/ZWJ, circled
# letters and letters of Unicode versions newer than Python 3.11's
_NEW_LETTERS = (
    "200c-200d 558 58b-58c 5c8-5c9 88f 897 b53-b54 c5c cdc cf3 ece 1acf-1af0 1c89-1c8a 208f 209d-209f 24b6-24e9"
    " a7cb-a7cf a7d2 a7d4 a7da-a7dd a7e2 a7f1 ab6c-ab6d 105c0-105f3 107bb-107bf 10940-10959 10d4a-10d65 10d69-10d6d"
    " 10d6f-10d85 10ec2-10ec7 10ecb-10ecf 10ed9-10eee 10ef0-10eff 1123f-11241 11380-11389 1138b 1138e 11390-113b5"
    " 113b7-113c0 113c2 113c5 113c7-113ca 113cc-113d3 113e1-113e2 11b0a 11b60-11b67 11bc0-11be0 11db0-11ddb"
    " 11df0-11df1 11f00-11f10 11f12-11f3a 11f3e-11f42 11f5a 1246f 12475-1247f 12550-12686 1342f 13440-13455"
    " 13460-143fa 16100-1612f 16d40-16d6c 16ea0-16eb8 16ebb-16ed3 16ff2-16ff6 187f8-187ff 18cd6-18cda 18cff"
    " 18d09-18d20 18d80-18df2 18e00-19191 191a0-191d2 1b123-1b128 1b132 1b155 1b168 1d127-1d128 1d250-1d252"
    " 1d25b-1d25c 1d25f 1d280-1d281 1d6a6 1df1f-1df81 1df90-1df96 1dfcd-1dfff 1e030-1e06d 1e08f 1e4d0-1e4ef"
    " 1e5d0-1e5f0 1e6c0-1e6de 1e6e0-1e6f5 1e6fe-1e6ff 1f130-1f149 1f150-1f169 1f170-1f189 2b739-2b73f 2b81e"
    " 2cea2-2cead 2ebf0-2ee5d 31350-33479 3d000-3fc3f"
)
_LETTER_CATEGORIES = frozenset(("Mn", "Mc", "Me", "Nl", "Pc"))
_new_letter = None  # compiled on first use

_SB, _ABBR, _ELLIPSIS = 1, 2, 4  # token flags
_BEG_UC, _MID_UC, _UNK_UC, _BEG_LC, _MID_LC, _UNK_LC = 2, 4, 8, 16, 32, 64  # nltk's orthographic context bits
_UC = _BEG_UC | _MID_UC | _UNK_UC
_LC = _BEG_LC | _MID_LC | _UNK_LC
_SENT_END = frozenset(".?!")
_PUNCTUATION = frozenset(";:,.!?")
_NUMBER = "##number##"
_ASCII_WS = " \t\n\r\x0b\x0c"  # string.whitespace, what nltk uses to find the word before a candidate


def is_letter(c: str) -> bool:
    """Whether one character is in nltk's (regex-module) ``[^\\W\\d]``, i.e. can make an initial ``X.``."""
    global _new_letter
    if c.isalpha():
        return True
    if c < "\x80":
        return c == "_"
    if unicodedata.category(c) in _LETTER_CATEGORIES:
        return True
    if _new_letter is None:
        _new_letter = re.compile(f"[{_class(_NEW_LETTERS)}]")
    return _new_letter.match(c) is not None


def _type(tok: str) -> str:
    """nltk's token type: lower case, numbers as ``##number##``."""
    low = tok.lower()
    return low if low[0].isalpha() or not _NUMERIC.match(low) else _NUMBER  # no letter is a digit


def _no_period(typ: str) -> str:
    return typ[:-1] if len(typ) > 1 and typ[-1] == "." else typ


class PunktRuntime:
    """Punkt sentence boundaries, identical to nltk 3.10.4's, from learned parameters.

    Parameters
    ----------
    abbrev_types : iterable of str
        Lower-case abbreviation types without the final period (``"mr"``, ``"u.s"``).
    collocations : iterable of tuple of (str, str)
        Type pairs across a period that is not a boundary (``("s", "bach")``).
    sent_starters : iterable of str
        Frequent sentence starters (lower-case types).
    ortho_context : dict of str to int
        Orthographic-context flag bits per type (nltk's ``_ORTHO_*`` values); missing types count as 0.

    Examples
    --------
    >>> PunktRuntime({"mr"}, (), (), {}).span_tokenize("Mr. Smith left. He sat.")
    [(0, 15), (16, 23)]
    """

    def __init__(self, abbrev_types, collocations, sent_starters, ortho_context):
        self.abbrev_types = frozenset(abbrev_types)
        self.collocations = frozenset((a, b) for a, b in collocations)
        self._colloc_first = frozenset(a for a, _ in self.collocations)
        self.sent_starters = frozenset(sent_starters)
        self.ortho_context = {k: v for k, v in dict(ortho_context).items() if v}

    def span_tokenize(self, text: str) -> list[tuple[int, int]]:
        """Sentence spans of ``text``, as nltk's ``span_tokenize`` with ``realign_boundaries=True``.

        Parameters
        ----------
        text : str
            Any text.

        Returns
        -------
        list of tuple of (int, int)
            ``(start, end)`` offsets; sentences keep inner white space and may start with it.
        """
        return self._realign(text, self._slices(text))

    def _slices(self, text: str) -> list[tuple[int, int]]:
        """Sentence slices before realignment (nltk's ``_slices_from_text``)."""
        rfind = text.rfind
        breaks = self._breaks
        other_ws = [c for c in _ASCII_WS[1:] if c in text]
        out = []
        last_break = 0
        pending = None  # previous candidate and its word start, yielded once the next one does not overlap it
        prev_start = prev_stop = 0
        for m in _CANDIDATE.finditer(text):
            pos = m.start()
            j = rfind(" ", prev_stop, pos)
            for c in other_ws:
                j = max(j, rfind(c, prev_stop, pos))
            start = j + 1 if j > prev_stop else prev_start
            if pending is not None and prev_stop <= start and breaks(text[prev_start : pending.end(1)]):
                out.append((last_break, prev_stop + 1))
                last_break = pending.start(2) if pending.start(2) >= 0 else prev_stop + 1
            pending, prev_start, prev_stop = m, start, pos
        if pending is not None and breaks(text[prev_start : pending.end(1)]):
            out.append((last_break, prev_stop + 1))
            last_break = pending.start(2) if pending.start(2) >= 0 else prev_stop + 1
        out.append((last_break, len(text.rstrip())))
        return out

    def _breaks(self, context: str) -> bool:
        """Whether a token other than the last of ``context`` is a sentence break after both passes."""
        plain = _PLAIN.fullmatch(context)
        if plain is not None:  # the usual "word. Next": a break unless the word is an abbreviation
            word = plain.group(1).lower()  # or begins a collocation (no initial, number or ellipsis)
            if word not in self.abbrev_types and word not in self._colloc_first:
                return True
        if "\n" in context:
            toks = [t for line in context.split("\n") if line.strip() for t in _TOKEN.findall(line)]
        else:
            toks = _TOKEN.findall(context)
        if len(toks) < 2:
            return False
        first = self._first_pass
        tok = toks[0]
        flags = first(tok) if tok[-1] in ".?!" else 0
        for i in range(1, len(toks)):
            nxt = toks[i]
            next_flags = first(nxt) if nxt[-1] in ".?!" else 0
            if tok[-1] == ".":
                flags = self._second_pass(tok, flags, nxt, next_flags)
            if flags & _SB:
                return True
            tok, flags = nxt, next_flags
        return False

    def _first_pass(self, tok: str) -> int:
        """Type-based flags: break, abbreviation or ellipsis (nltk's ``_first_pass_annotation``)."""
        if tok in _SENT_END:
            return _SB
        if tok[-1] != ".":
            return 0
        if len(tok) > 1 and not tok.strip("."):
            return _ELLIPSIS
        if tok.endswith(".."):
            return 0
        word = tok[:-1].lower()
        if word in self.abbrev_types or word.rpartition("-")[2] in self.abbrev_types:
            return _ABBR
        return _SB

    def _second_pass(self, tok: str, flags: int, nxt: str, next_flags: int) -> int:
        """Revise the flags of ``tok`` (ending in a period) given the next token (nltk's second pass)."""
        typ = _no_period(_type(tok))
        initial = len(tok) == 2 and is_letter(tok[0])
        if not (initial or flags & (_ABBR | _ELLIPSIS) or typ == _NUMBER or typ in self._colloc_first):
            return flags  # (the usual case) no rule below applies: the next token does not matter
        next_typ = _type(nxt)
        if next_flags & _SB:
            next_typ = _no_period(next_typ)
        if (typ, next_typ) in self.collocations:
            return (flags & ~_SB) | _ABBR
        if flags & (_ABBR | _ELLIPSIS) and not initial:
            if self._ortho(nxt, next_typ) is True or (nxt[0].isupper() and next_typ in self.sent_starters):
                return flags | _SB
        if initial or typ == _NUMBER:
            ortho = self._ortho(nxt, next_typ)
            if ortho is False or (
                ortho is None
                and initial
                and nxt[0].isupper()
                and not self.ortho_context.get(next_typ, 0) & _LC
            ):
                return (flags & ~_SB) | _ABBR
        return flags

    def _ortho(self, tok: str, typ: str) -> bool | None:
        """Orthographic heuristic: True starts a sentence, False does not, None unknown."""
        if tok in _PUNCTUATION:
            return False
        ctx = self.ortho_context.get(typ, 0)
        first = tok[0]
        if first.isupper() and ctx & _LC and not ctx & _MID_UC:
            return True
        if first.islower() and (ctx & _UC or not ctx & _BEG_LC):
            return False
        return None

    @staticmethod
    def _realign(text: str, slices: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Move closing quotes and brackets after a boundary onto the sentence before it."""
        out = []
        shift = 0
        for i, (start, stop) in enumerate(slices):
            start += shift
            if i + 1 == len(slices):
                if start < stop:
                    out.append((start, stop))
                break
            nstart, nstop = slices[i + 1]
            m = _REALIGN.match(text, nstart, nstop)
            if m:
                out.append((start, nstart + len(m.group().rstrip())))
                shift = m.end() - nstart
            else:
                shift = 0
                if start < stop:
                    out.append((start, stop))
        return out
