"""Word lists of :mod:`model.cues`, loaded once, and a trie-regex builder.

The lists live in ``model/wordlists/*.txt`` next to this module: one entry per
line (or whitespace-separated for ``common_words.txt`` and ``acronyms.txt``),
``#`` starts a comment. All lists except the acronyms are lowercase.
"""

from __future__ import annotations

import re
from pathlib import Path

WORDLIST_DIR = Path(__file__).parent / "wordlists"


def load_lines(name: str) -> tuple[str, ...]:
    """Return the non-comment, non-empty lines of ``wordlists/<name>.txt``.

    Parameters
    ----------
    name : str
        File stem, e.g. ``"loaded_words"``.

    Returns
    -------
    tuple of str
        Stripped entries, in file order, duplicates removed.
    """
    text = (WORDLIST_DIR / f"{name}.txt").read_text(encoding="utf-8")
    entries = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return tuple(dict.fromkeys(e for e in entries if e))


def load_words(name: str) -> frozenset[str]:
    """Return the whitespace-separated tokens of ``wordlists/<name>.txt`` as a set."""
    return frozenset(tok for line in load_lines(name) for tok in line.split())


_CHAR_CLASS = {"'": "['’]", "’": "['’]", " ": r"\s+", "-": "[-‐‑]"}


def _emit(node: dict) -> str:
    """Regex source of one trie node (``""`` key marks the end of an entry)."""
    branches = [(_CHAR_CLASS.get(ch) or re.escape(ch)) + _emit(child)
                for ch, child in sorted((k, v) for k, v in node.items() if k)]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def trie_pattern(entries) -> str:
    """Regex source matching any of ``entries`` (longest first), built as a trie.

    A trie-shaped alternation lets the regex engine discard an entry on its
    first differing character, so a 700-entry list costs about as much as a
    handful of literal alternatives. Spaces match any whitespace run, hyphens
    any hyphen, and apostrophes a straight or curly apostrophe.

    Parameters
    ----------
    entries : iterable of str
        Lowercase words or phrases; use with ``re.IGNORECASE``.

    Returns
    -------
    str
        A non-capturing group; ``"(?!)"`` (never matches) if ``entries`` is empty.
    """
    trie: dict = {}
    for entry in entries:
        node = trie
        for ch in entry.lower():
            node = node.setdefault(ch, {})
        node[""] = {}
    return f"(?:{_emit(trie)})" if trie else "(?!)"


LOADED_WORDS = load_lines("loaded_words")
ACRONYMS = load_words("acronyms")
HEDGES = load_lines("hedges")
INTENSIFIERS = load_lines("intensifiers")
ATTRIBUTION_VERBS = load_lines("attribution_verbs")
FIRST_PERSON = load_lines("first_person")
SNEER_ASIDES = load_lines("sneer_asides")
COMMON_WORDS = load_words("common_words")

MODALS = ("must", "should", "ought", "need to", "needs to", "have to", "has to")
LEXICON_LISTS = {"loaded": LOADED_WORDS, "first": FIRST_PERSON, "attrib": ATTRIBUTION_VERBS,
                 "hedge": HEDGES, "intens": INTENSIFIERS, "modal": MODALS}


def normalise(phrase: str) -> str:
    """Lowercase, straight apostrophes, plain hyphens and single spaces."""
    return " ".join(phrase.lower().replace("’", "'").replace("‐", "-").replace("‑", "-").split())


def lexicon_categories() -> dict[str, frozenset[str]]:
    """Map each normalised entry of :data:`LEXICON_LISTS` to the lists containing it."""
    cats: dict[str, set[str]] = {}
    for name, entries in LEXICON_LISTS.items():
        for entry in entries:
            key = normalise(entry)
            cats.setdefault(key, set()).add(name)
            if name == "first" and any(m in key.split() for m in ("must", "should", "need")):
                cats[key].add("modal")
    return {key: frozenset(value) for key, value in cats.items()}


# Words right before a quote that make it a title or a mention, not a scare quote.
TITLE_CUES = frozenset(
    "called titled entitled named renamed dubbed nicknamed codenamed code-named branded labelled labeled "
    "termed call calls calling film movie book novel memoir song album single track show series sitcom "
    "programme program podcast documentary article essay column headline report study paper poem play "
    "musical opera painting exhibition campaign operation slogan motto hashtag magazine newspaper bill act "
    "initiative project brand episode hit anthem word words term terms phrase phrases sign signs banner "
    "banners reading read".split())
TITLE_CUE_PAIRS = frozenset({"known as", "billed as", "described as", "to as", "headlined as"})
DETERMINERS = frozenset("the a an it them this that his her its their our my".split())
