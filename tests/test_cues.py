"""Tests of the cue detectors (model/cues.py) against tests/fixtures/cue_cases.jsonl."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.cues import evaluate, load_cases
from model.cues import CUE_TYPES, FEATURE_NAMES, Cue, cue_features, detect_cues

CASES = load_cases()


def _pairs(sentence: str) -> set[tuple[str, str]]:
    return {(c.type, c.text) for c in detect_cues(sentence)}


def test_fixture_is_large_enough():
    assert len(CASES) >= 100
    assert sum(1 for c in CASES if not c["cues"]) >= 40  # plenty of traps


def test_fixture_precision_and_recall():
    result = evaluate(CASES)
    micro = result["micro"]
    assert micro["precision"] >= 0.95, result["errors"]
    assert micro["recall"] >= 0.95, result["errors"]


MUST_PASS = [
    # scare quotes vs. speech, titles, apostrophes
    ("The council unveiled its “roadmap” for housing on Monday.", {("scare_quotes", "“roadmap”")}),
    ("The party presented its “values-based agenda” at the conference.",
     {("scare_quotes", "“values-based agenda”")}),
    ("The so-called “plan” is a disgrace!", {("so_called", "so-called"), ("scare_quotes", "“plan”"),
                                            ("loaded_word", "disgrace"), ("exclamation", "!")}),
    ("“We will not back down,” the minister said.", set()),
    ("She told reporters: \"It is over.\"", set()),
    ("According to the report, \"costs doubled\" between 2019 and 2023.", set()),
    ("She starred in a film called “The Long Goodbye” last year.", set()),
    ("He reread the book \"Bleak House\" on the train.", set()),
    ("The band closed with the song ‘Yesterday’ to loud applause.", set()),
    ("Democrats pushed the bill known as \"Build Back Better\" through the house.", set()),
    ("The Smiths’ house was sold for twice the asking price.", set()),
    ("Rock ’n’ roll fans packed the hall for the anniversary show.", set()),
    ("Rock 'n' roll came back in the '90s with a vengeance.", set()),
    # caps emphasis vs. acronyms, numerals, headlines
    ("Stoltenberg had only recently spoken out AGAINST the deployment.", {("caps_emphasis", "AGAINST")}),
    ("This is NOT acceptable.", {("caps_emphasis", "NOT")}),
    ("As long as there is still war, Berlin says, NATO accession is unthinkable.", set()),
    ("The USA is sending the EU a bill, and the US is paying for it.", set()),
    ("COVID-19 cases fell, and 40 F-35 jets were bought for the 5G era.", set()),
    ("World War II ended in 1945, and Henry VIII had six wives.", set()),
    ("The US-led coalition met the ECB, the SPD and the CIA.", set()),
    ("Our IT department says the AI tool will be ready in June.", set()),
    ("MINISTER RESIGNS AFTER HOUSING SCANDAL", set()),
    ("I met a man in a bar, and A is for apple.", set()),
    # asides, first person, questions
    ("The company's (alleged) commitment to safety did not survive the audit.", {("sneer_aside", "(alleged)")}),
    ("Costs rose by 40 percent (!) in a single year.", {("sneer_aside", "(!)")}),
    ("The Atlantic Alliance has no business in the Pacific, he says – I agree with him!",
     {("first_person_opinion", "I agree"), ("exclamation", "!")}),
    ("I believe the ruling will be appealed, the lawyer said.", set()),
    ("Who exactly benefits from this arrangement?", {("rhetorical_question", "?")}),
    ("“Where is the money?” asked one pensioner.", set()),
    ("The tax regime for pension savings will change in April.", set()),
    ("The regime jailed another journalist on Friday.", {("loaded_word", "regime")}),
]


@pytest.mark.parametrize("sentence, expected", MUST_PASS)
def test_must_pass(sentence, expected):
    assert _pairs(sentence) == expected


def test_cue_spans_are_consistent_and_sorted():
    for case in CASES:
        text = case["text"]
        cues = detect_cues(text)
        assert cues == sorted(cues, key=lambda c: (c.start, c.end, c.type))
        for cue in cues:
            assert cue.type in CUE_TYPES
            assert text[cue.start:cue.end] == cue.text
            assert cue.to_dict() == {"type": cue.type, "start": cue.start, "end": cue.end, "text": cue.text}


def test_offsets_are_code_points():
    sentence = "Émigrés 🙂 got a “shortcut”."
    (cue,) = detect_cues(sentence)
    assert (cue.start, cue.end) == (sentence.index("“"), len(sentence) - 1)


def test_cue_is_frozen_and_picklable():
    cue = Cue("so_called", 4, 13, "so-called")
    with pytest.raises(AttributeError):
        cue.start = 0  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(cue)) == cue


def test_features_shape_and_names():
    assert len(FEATURE_NAMES) == len(set(FEATURE_NAMES)) <= 40
    for case in CASES:
        vector = np.asarray(cue_features(case["text"]), dtype=float)
        assert vector.shape == (len(FEATURE_NAMES),)
        assert np.all(np.isfinite(vector))


def test_features_reflect_cues_and_signals():
    names = list(FEATURE_NAMES)
    quiet = np.asarray(cue_features("The museum will reopen in April."))
    loud = np.asarray(cue_features("I think we must stop this shameful, outrageous scheme NOW!"))
    assert loud[names.index("n_loaded_word")] == pytest.approx(math.log1p(3))
    assert loud[names.index("modal_obligation")] > 0 and quiet[names.index("modal_obligation")] == 0
    assert loud[names.index("first_person_pronouns")] > quiet[names.index("first_person_pronouns")]
    said = np.asarray(cue_features("“It is over,” she said."))
    assert said[names.index("attribution_verb")] == 1.0
    assert said[names.index("quote_attributed")] > 0


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_never_crashes_and_is_deterministic(sentence):
    first = detect_cues(sentence)
    assert first == detect_cues(sentence)
    for cue in first:
        assert sentence[cue.start:cue.end] == cue.text
    vector = np.asarray(cue_features(sentence), dtype=float)
    assert vector.shape == (len(FEATURE_NAMES),) and np.all(np.isfinite(vector))
