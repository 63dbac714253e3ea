"""Compiled patterns and word sets behind :mod:`model.cues` (built once at import)."""

from __future__ import annotations

import re

from model.lexicon import (ACRONYMS, COMMON_WORDS, INTENSIFIERS, LOADED_WORDS, SNEER_ASIDES, lexicon_categories,
                           trie_pattern)

LETTER = r"[^\W\d_]"  # one letter
QUOTE_RE = re.compile(
    r"“[^“”\n]*”|„[^„“”\n]*[“”]|«[^«»\n]*»|\"[^\"\n]*\""
    r"|(?<![\w’'])‘(?:[^‘’\n]|’(?=\w))+’(?!\w)"
    rf"|(?<![\w'’])'(?={LETTER})(?:[^'\n]|'(?=\w))+'(?!\w)")
SPEECHY_RE = re.compile(r"[!?;]|[.,:]\s*$|\.\s")
INTRO_COLON_RE = re.compile(r":\s*$")
# One pass over the sentence finds every lexicon entry (loaded words, first-person
# phrases, attribution verbs, hedges, intensifiers, modals); categories by lookup.
LEXICON = lexicon_categories()
LEX_RE = re.compile(rf"(?<![\w'’-]){trie_pattern(LEXICON)}(?:e?s)?(?![\w-])", re.IGNORECASE)
# Speed only: the same pattern without IGNORECASE, run on ``sentence.lower()`` when that is
# equivalent (lower() keeps every offset and no character case-folds to a different ASCII
# letter than its lower() -- dotless i, long s, Kelvin sign and dotted I do).
LEX_LOWER_RE = re.compile(LEX_RE.pattern)
# ı ſ K(Kelvin sign) İ. Escaped: the literal Kelvin sign had become an ASCII "K" (same output, slower path).
FOLD_SPECIAL = frozenset("\u0131\u017f\u212a\u0130")
SUBJ = (r"(?:he|she|they|it|we|i|(?:the|a|an|one|some|many|two|three)\s+[\w-]+(?:\s+[\w-]+)?"
         r"|[a-z]{3,}s|[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3})")
TAG_VERB = (r"(?:said|says|say|added|adds|insisted|insists|claimed|claims|wrote|writes|told\s+\w+|tells\s+\w+"
             r"|argued|argues|warned|warns|explained|noted|replied|stated|declared|tweeted|believes|thinks)")
SPEECH_TAG_RE = re.compile(rf"[,;–—]\s*(?:{SUBJ}\s+{TAG_VERB}|{TAG_VERB}\s+{SUBJ})\b"
                            r"(?=\s*(?:[.,;:!?…–—)]|$)|\s+(?:on|in|at|after|before|during|last|this|yesterday|today)\b)")
# Speed only (model.cue_batch): a SPEECH_TAG_RE match holds one of these words as a whole alnum run.
TAG_VERB_WORDS = frozenset(re.match("[a-z]+", verb).group() for verb in TAG_VERB[3:-1].split("|"))
SO_CALLED_RE = re.compile(r"\bso[-‐‑ ]called\b", re.IGNORECASE)
EXCL_RE = re.compile(r"!+")
QMARK_END_RE = re.compile(r"(\?+)[!?]*[\s)\]]*$")
SNEERS = trie_pattern([s for s in SNEER_ASIDES if s not in "!?"])
SNEER_RE = re.compile(rf"[(\[]\s*(?:{SNEERS}\s*[!?]*|[!?]+)\s*[)\]]", re.IGNORECASE)
# Neutral compounds: "tax regime", "pension scheme", "training regime" are not loaded.
NEUTRAL_HEADS = ("tax|sanctions?|training|visa|regulatory|pension|insurance|savings|loan|benefits?|licensing|pilot"
                 "|fitness|exercise|drug|treatment|legal|trade|tariff|colour|color|rhyme|rhyming|incentive|support")
NEUTRAL_HEAD_RE = re.compile(rf"\b(?:{NEUTRAL_HEADS})\s+$", re.IGNORECASE)
# Speed only (model.cue_batch): the words NEUTRAL_HEAD_RE can match (as a whole alnum run).
NEUTRAL_HEAD_WORDS = frozenset(word for head in NEUTRAL_HEADS.split("|")
                               for word in ((head[:-2], head[:-1]) if head.endswith("s?") else (head,)))
# Quote attribution (see model.cue_decisions): clauses joined by a contrast ("…, but …") are
# attributed separately; a reporting verb in the passive ("were told", "have been promised")
# names no speaker unless a "by" agent follows it.
CONTRAST_RE = re.compile(r"[,;–—]\s*(?:but|yet|although|though|whereas)\b", re.IGNORECASE)
PASSIVE_BEFORE_RE = re.compile(
    r"\b(?:am|is|are|was|were|be|been|being|get|gets|got|getting)\s+"
    r"(?:(?:\w+ly|all|also|never|not|once|again|just|since)\s+)?$", re.IGNORECASE)
AGENT_AFTER_RE = re.compile(r"\s+by\b", re.IGNORECASE)
# "<subject> slammed/branded/described … X as “…”": the quote is the subject's characterisation.
CHARACTERISE_VERBS = (
    "slam slams slammed brand brands branded call calls called describe describes described dismiss dismisses "
    "dismissed label labels labelled labeled deride derides derided denounce denounces denounced condemn condemns "
    "condemned decry decries decried hail hails hailed praise praises praised criticise criticises criticised "
    "criticize criticizes criticized attack attacks attacked mock mocks mocked ridicule ridicules ridiculed "
    "characterise characterises characterised characterize characterizes characterized portray portrays portrayed "
    "lambast lambasts lambasted blast blasts blasted reject rejects rejected deplore deplores deplored").split()
AS_END_RE = re.compile(r"(?<![\w'’-])as(?:\s+(?:a|an|the))?\s*$", re.IGNORECASE)
# Speed only (model.cue_batch): the last word of an AS_END_RE match, as a whole alnum run.
AS_END_WORDS = frozenset(("as", "a", "an", "the"))
CHARACTERISE_RE = re.compile(
    rf"(?<![\w'’-])(?P<prev>[\w'’-]+)\s+{trie_pattern(CHARACTERISE_VERBS)}\s+(?:[\w'’-]+\s+){{1,6}}?as"
    r"(?:\s+(?:a|an|the))?\s*$", re.IGNORECASE)
PREV_WORD_RE = re.compile(r"([\w'’-]+)[\s”\"’'»]*$")
INTERJECTION_AFTER_RE = re.compile(r"\s*!")
CAPS_RE = re.compile(r"(?<![\w'’-])[A-Z]{2,}(?:['’][A-Z]{1,2})?(?![\w'’-])")
KICKER_RE = re.compile(r"^\W*[A-Z][A-Z ]+:")
ROMAN_RE = re.compile(r"M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
SUFFIX_RE = re.compile(r"(?:ING|ED|LY|TION|SION|ABLE|IBLE|OUS|NESS|MENT|FUL|LESS|IVE|ISM|IST|IZE|ISE|ITY)$")
WORD_RE = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
TAIL_RE = re.compile(r"[\w'’-]+")
DIGIT_RE = re.compile(r"\d")
# Speed-only helpers over words joined by NUL (never inside a word): same counts as per-word loops.
DIGIT_WORD_RE = re.compile(r"\d[^\x00]*")  # one match per word that contains a digit
EST_WORD_RE = re.compile(r"\x00([^\x00]{3,}est)(?=\x00)")  # words of 6+ letters ending in "est"
CAPS2_RE = re.compile(r"[A-Z][A-Z]")  # cheap pre-check for CAPS_RE

EMPHASIS_WORDS = COMMON_WORDS | {w for w in LOADED_WORDS + INTENSIFIERS if " " not in w}
ACRONYMS_UPPER = frozenset(a.upper() for a in ACRONYMS)
WORD_CLASS: dict[str, tuple[int, ...]] = {}
for _words, _index in ((("i", "me", "my", "mine", "myself", "we", "us", "our", "ours", "ourselves"), 0),
                       (("you", "your", "yours", "yourself", "yourselves"), 1),
                       (("not", "no", "never", "none", "nobody", "nothing", "neither", "nor", "cannot",
                         "without", "nowhere"), 2),
                       (("most", "least", "best", "worst"), 3)):
    for _w in _words:
        WORD_CLASS[_w] = WORD_CLASS.get(_w, ()) + (_index,)
NOT_SUPERLATIVE = frozenset(
    "interest test rest west protest request arrest forest honest modest suggest contest harvest invest "
    "digest manifest conquest quest guest chest pest nest vest zest crest priest earnest inquest unrest "
    "behest bequest attest detest infest budapest everest midwest northwest southwest".split())
