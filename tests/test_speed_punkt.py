"""The Punkt shortcuts of issue 4 (a plain ``word. Next`` context decided without tokenising it, and the
second pass skipping the next token when no rule reads it) give nltk's spans.

nltk (a project dependency for training) is the reference, as in ``tests/test_punkt_runtime.py``.
"""

from __future__ import annotations

import re
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from model import punkt_runtime
from model.punkt_runtime import PunktRuntime

# abbreviations, collocations whose first type is a plain word, an abbreviation or an initial
PARAMS = {
    "abbrev_types": ["dr", "calif", "gov", "inc", "u.s", "st", "no", "jan"],
    "collocations": [["smith", "jones"], ["inc", "shares"], ["st", "louis"], ["b", "comey"], ["##number##", "tpm"]],
    "sent_starters": ["however", "the"],
    "ortho_context": {"the": 2 | 32 | 16, "however": 2 | 32, "jones": 4, "louis": 4, "comey": 4 | 32, "shares": 32},
}
WORDS = ["Smith", "smith", "Jones", "Calif", "Gov", "Inc", "inc", "St", "No", "no", "Jan", "B", "b", "Dr", "the",
         "The", "However", "comey", "Comey", "Louis", "shares", "He", "left", "it", "U.S", "4", "TPM", "tpm",
         "Mr", "ok", "OK", "eBay", "x"]


def _nltk() -> PunktSentenceTokenizer:
    p = PunktParameters()
    p.abbrev_types = set(PARAMS["abbrev_types"])
    p.collocations = {(a, b) for a, b in PARAMS["collocations"]}
    p.sent_starters = set(PARAMS["sent_starters"])
    p.ortho_context = defaultdict(int, PARAMS["ortho_context"])
    return PunktSentenceTokenizer(p)


REFERENCE = _nltk()
RUNTIME = PunktRuntime(PARAMS["abbrev_types"], PARAMS["collocations"], PARAMS["sent_starters"],
                       PARAMS["ortho_context"])


def _general_breaks(context: str) -> bool:
    """``PunktRuntime._breaks`` with the plain-context shortcut switched off."""
    saved = punkt_runtime._PLAIN
    punkt_runtime._PLAIN = re.compile(r"(?!)")  # matches nothing
    try:
        return RUNTIME._breaks(context)
    finally:
        punkt_runtime._PLAIN = saved


def test_every_word_pair_matches_nltk():
    wrong = []
    for first in WORDS:
        for second in WORDS:
            for sep in (". ", ".  ", ".\t", ". “", "! ", "? "):
                text = f"One two {first}{sep}{second} three four."
                if RUNTIME.span_tokenize(text) != list(REFERENCE.span_tokenize(text)):
                    wrong.append(text)
                context = f"{first}{sep}{second}"
                if RUNTIME._breaks(context) != _general_breaks(context):
                    wrong.append(f"shortcut differs on {context!r}")
    assert not wrong, wrong[:10]


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(alphabet="aBcZ.-’' 4", min_size=1, max_size=4)),
                min_size=2, max_size=12),
       st.lists(st.sampled_from([". ", " ", ".\n", "? ", " (", ". “"]), min_size=12, max_size=12))
def test_generated_texts_match_nltk(words, seps):
    text = "".join(w + s for w, s in zip(words, seps))
    assert RUNTIME.span_tokenize(text) == list(REFERENCE.span_tokenize(text)), repr(text)
