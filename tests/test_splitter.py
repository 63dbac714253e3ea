"""Sentence splitter: offsets, layout rules, abbreviations, quotes, ellipses, speed.

All test text is invented here; nothing depends on ../shared.
"""

import json
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[1]
PUNKT_JSON = ROOT / "model" / "punkt.json"

from model.splitter import FORMAT, SentenceSplitter


@pytest.fixture(scope="module")
def params():
    return json.loads(PUNKT_JSON.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def splitter(params):
    return SentenceSplitter(params)


def sents(splitter, text):
    return [t for _, _, t in splitter.split(text)]


def check_invariants(text, spans, max_chars=None):
    last = 0
    for s, e in spans:
        assert isinstance(s, int) and isinstance(e, int)
        assert last <= s < e <= len(text)
        piece = text[s:e]
        assert piece.strip() == piece and not piece[0].isspace() and not piece[-1].isspace()
        if max_chars:
            assert e - s <= max_chars
        last = e
    # nothing but white space is left out
    covered = set()
    for s, e in spans:
        covered.update(range(s, e))
    assert all(text[i].isspace() for i in range(len(text)) if i not in covered)


# ---------------------------------------------------------------- parameters


def test_params_file_format_and_size(params):
    assert params["format"] == FORMAT
    for key in ("abbrev_types", "collocations", "sent_starters", "ortho_context", "sources"):
        assert key in params
    assert params["abbrev_types"] == sorted(params["abbrev_types"])
    assert {"mr", "u.s", "p.s", "jan", "d.c"} <= set(params["abbrev_types"])
    assert PUNKT_JSON.stat().st_size < 300_000


def test_bad_params_raise_value_error(params):
    with pytest.raises(ValueError, match="format"):
        SentenceSplitter({**params, "format": "other/9"})
    broken = dict(params)
    del broken["sent_starters"]
    with pytest.raises(ValueError, match="sent_starters"):
        SentenceSplitter(broken)
    with pytest.raises(ValueError):
        SentenceSplitter({**params, "collocations": [["only-one"]]})
    with pytest.raises(ValueError):
        SentenceSplitter([])
    with pytest.raises(ValueError):
        SentenceSplitter(params, max_chars=0)


def test_from_file():
    s = SentenceSplitter.from_file(PUNKT_JSON)
    assert s.spans("One. Two.") == [(0, 4), (5, 9)]


def test_split_returns_text_slices(splitter):
    text = "  The council met on Monday.  It voted 7-2.  "
    out = splitter.split(text)
    assert [(a, b) for a, b, _ in out] == [(2, 28), (30, 43)]
    assert [t for _, _, t in out] == ["The council met on Monday.", "It voted 7-2."]
    assert all(text[s:e] == t for s, e, t in out)


# ---------------------------------------------------------------- basics


@pytest.mark.parametrize("text", ["", " ", "\n\n", "\r\n \t\r\n", "\u3000\u2028"])
def test_empty_and_whitespace(splitter, text):
    assert splitter.spans(text) == []


def test_bang_and_question(splitter):
    assert sents(splitter, "Is the mayor resigning? Nobody knows! Aides are silent.") == [
        "Is the mayor resigning?",
        "Nobody knows!",
        "Aides are silent.",
    ]


def test_no_break_before_lowercase_word(splitter):
    assert sents(splitter, "“Enough!” the senator shouted. The room went quiet.") == [
        "“Enough!” the senator shouted.",
        "The room went quiet.",
    ]
    text = "Inflation (which peaked in 2022.) is falling, the bank said."
    assert sents(splitter, text) == [text]
    assert len(splitter.spans("Sales fell 4%. iPhone demand was weak.")) == 2


@pytest.mark.parametrize(
    "text, expected",
    [
        ("He said “no.” Then he left.", ["He said “no.”", "Then he left."]),
        ("She asked: “Why now?” Nobody replied.", ["She asked: “Why now?”", "Nobody replied."]),
        ("They shouted ‘Stop!’ The guards ran.", ["They shouted ‘Stop!’", "The guards ran."]),
        ("Was it ‘legal?’ Lawyers disagree.", ["Was it ‘legal?’", "Lawyers disagree."]),
        ("The fund grew (by a third.) Critics scoffed.", ["The fund grew (by a third.)", "Critics scoffed."]),
        ('He called it "a farce." Aides winced.', ['He called it "a farce."', "Aides winced."]),
    ],
)
def test_closing_quotes_and_brackets_stay_with_sentence(splitter, text, expected):
    assert sents(splitter, text) == expected


@pytest.mark.parametrize("dash", ["–", "—", "-", " - ", " – ", "--"])
def test_dashes_never_split(splitter, dash):
    text = f"The deal is dead{dash}at least for now{dash}and talks resume in May."
    assert len(splitter.spans(text)) == 1


# ---------------------------------------------------------------- abbreviations


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Smith told reporters the plan was sound.",
        "Mrs. Okafor and Dr. Jones signed the letter.",
        "U.S. officials declined to comment on the report.",
        "Gen. Milley briefed Sen. Warren on the withdrawal.",
        "The riot on Jan. 6 led to hundreds of arrests.",
        "A spokesman in Washington, D.C., said the talks had stalled.",
        "Prof. Lindqvist, who teaches at St. Olaf, disagreed.",
        "Acme Corp. and Brightline Inc. merged last year.",
        "Lt. Col. Ramos said the convoy left at 6 a.m. on schedule.",
        "Gov. Hale met Mr. Trump and Sen. Sanders in private.",
        "Rep. Pelosi spoke after Mr. Clinton.",
        "Smaller parties, e.g. the Greens, lost seats.",
        "The report, i.e. the leaked draft, runs to 40 pages.",
    ],
)
def test_abbreviations_do_not_split(splitter, text):
    assert sents(splitter, text) == [text]


def test_postscript_starts_a_sentence(splitter):
    text = "The vote is on Friday. P.S. Durand is also causing trouble on another issue."
    assert sents(splitter, text) == ["The vote is on Friday.", "P.S. Durand is also causing trouble on another issue."]
    para = "Nobody expects a deal.\n\nP.S. Durand is also causing trouble on another issue. Aides deny it."
    assert sents(splitter, para) == [
        "Nobody expects a deal.",
        "P.S. Durand is also causing trouble on another issue.",
        "Aides deny it.",
    ]


# ---------------------------------------------------------------- ellipsis


def test_ellipsis_ends_sentence_before_capital(splitter):
    assert sents(splitter, "Ministers urged him to stay on… The board said no.") == [
        "Ministers urged him to stay on…",
        "The board said no.",
    ]
    assert sents(splitter, "Ministers urged him to stay on... The board said no.") == [
        "Ministers urged him to stay on...",
        "The board said no.",
    ]


def test_ellipsis_before_new_paragraph_and_end(splitter):
    assert sents(splitter, "They asked him to extend…\n\nHe refused.") == ["They asked him to extend…", "He refused."]
    assert sents(splitter, "They asked him to extend…\nHe refused.") == ["They asked him to extend…", "He refused."]
    assert sents(splitter, "The claim of moral superiority …") == ["The claim of moral superiority …"]
    assert sents(splitter, "Results pending...") == ["Results pending..."]


def test_ellipsis_before_lowercase_does_not_split(splitter):
    for text in ("We waited … and waited for the verdict.", "We waited... and waited for the verdict."):
        assert sents(splitter, text) == [text]


def test_bracketed_elision_does_not_split(splitter):
    text = "The memo said the agency “must act […] Congress has failed” to do so."
    assert sents(splitter, text) == [text]


# ---------------------------------------------------------------- layout


def test_headline_line_is_its_own_sentence(splitter):
    text = "Port Strike Enters Third Week: Shippers Count the “hidden” Cost\nDockworkers stayed out on Monday. Talks resume today."
    assert sents(splitter, text) == [
        "Port Strike Enters Third Week: Shippers Count the “hidden” Cost",
        "Dockworkers stayed out on Monday.",
        "Talks resume today.",
    ]


def test_blank_line_is_always_a_boundary(splitter):
    text = "Budget talks collapse\n\nthe mayor said nothing\n  \n\nand left"
    assert sents(splitter, text) == ["Budget talks collapse", "the mayor said nothing", "and left"]


def test_crlf_line_endings(splitter):
    text = "Flood Warning Issued\r\nThe river rose overnight. Schools closed.\r\n\r\nRoads reopen on Friday."
    out = splitter.split(text)
    assert [t for _, _, t in out] == [
        "Flood Warning Issued",
        "The river rose overnight.",
        "Schools closed.",
        "Roads reopen on Friday.",
    ]
    check_invariants(text, [(s, e) for s, e, _ in out])


def test_wrapped_lines_are_joined(splitter):
    text = (
        "The committee voted on Tuesday to delay the\n"
        "new rules by a year, citing costs that\n"
        "members said were higher than expected.\n"
        "A final decision is due in March."
    )
    assert sents(splitter, text) == [
        "The committee voted on Tuesday to delay the new rules by a year, citing costs that members said were higher than expected.".replace(
            " new", "\nnew"
        ).replace(" members", "\nmembers"),
        "A final decision is due in March.",
    ]


def test_line_ending_in_comma_or_function_word_continues(splitter):
    text = "Officials said on Tuesday that the\nGovernment would appeal."
    assert len(splitter.spans(text)) == 1


# ---------------------------------------------------------------- long input


def test_long_text_without_stop_is_fast_and_hard_split(splitter):
    text = "word " * 20_000
    t0 = time.perf_counter()
    spans = splitter.spans(text)
    assert time.perf_counter() - t0 < 1.0
    check_invariants(text, spans, max_chars=2000)
    assert all(text[e] == " " for _, e in spans[:-1])
    big = SentenceSplitter.from_file(PUNKT_JSON, max_chars=10**6)
    assert big.spans(text) == [(0, len(text) - 1)]


def test_hard_split_without_whitespace(params):
    s = SentenceSplitter(params, max_chars=100)
    text = "x" * 250
    assert s.spans(text) == [(0, 100), (100, 200), (200, 250)]


@pytest.mark.parametrize(
    "text",
    ["a.)" * 30_000, "!" * 100_000, ". " * 10_000, "…" * 100_000, "Mr. " * 20_000, "a\n" * 50_000, "x" * 100_000],
)
def test_pathological_input_is_fast(splitter, text):
    t0 = time.perf_counter()
    spans = splitter.spans(text)
    assert time.perf_counter() - t0 < 2.0
    check_invariants(text, spans, max_chars=2000)


@pytest.mark.parametrize("text", ["." * 200_000, "(" + "." * 100_000 + " Next", "x" + "....a" * 40_000, ". ." * 50_000])
def test_long_runs_of_dots_are_fast(splitter, text):
    t0 = time.perf_counter()
    spans = splitter.spans(text)
    assert time.perf_counter() - t0 < 2.0  # the ellipsis rule took minutes here (quadratic in the run)
    check_invariants(text, spans, max_chars=2000)


def test_article_speed(splitter):
    para = (
        "The city council approved the new transit budget on Tuesday night after a long and often bitter debate "
        "that stretched well past midnight and left several members visibly exhausted. "
        "Mr. Alvarez, who chairs the finance committee and has led the talks for months, called the final "
        "package a fair compromise between the suburbs and the downtown districts. "
        "Critics said the plan once again ignores the outer districts, where buses are slow, crowded and "
        "often late, and where many residents have no other way to reach their jobs! "
        "Will fares rise for commuters who already pay more than riders in most comparable cities? "
        "Officials insist that prices will stay frozen until at least Jan. 1, although they concede that "
        "the budget assumes higher revenue from parking fines and advertising. "
        "Dr. Reyes, an economist at the state university, warned that ridership is still well below its "
        "2019 level and may not recover for years… "
    )
    text = "Transit Budget Passes After Long Night\n\n" + "\n\n".join([para] * 5)
    assert 600 <= len(text.split()) <= 900
    n = len(splitter.spans(text))
    assert n == 1 + 5 * 6
    runs = 50
    t0 = time.perf_counter()
    for _ in range(runs):
        splitter.spans(text)
    per_call = (time.perf_counter() - t0) / runs
    assert per_call < 0.02  # typically ~1 ms


# ---------------------------------------------------------------- property test

_special = st.sampled_from(
    [". ", "! ", "? ", "\n", "\r\n", "\n\n", " \n \n", "…", "...", "Mr.", "U.S.", "P.S.", "“", "”", "’", ")",
     " ", "\t", "\u00a0", "\u2028", "\x1c", "\x00", "e\u0301", "👍🏽", "\ud800", "Word", "word", "-", "—"]
)
_any_char = st.characters(blacklist_categories=())  # includes lone surrogates and controls


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(_special, st.text(_any_char, max_size=6)), max_size=40).map("".join))
def test_spans_invariants_property(splitter, text):
    spans = splitter.spans(text)
    check_invariants(text, spans, max_chars=2000)
    assert splitter.split(text) == [(s, e, text[s:e]) for s, e in spans]


@settings(max_examples=100, deadline=None)
@given(st.text(_any_char, max_size=300), st.integers(min_value=1, max_value=40))
def test_spans_invariants_small_max_chars(text, max_chars):
    s = SentenceSplitter.from_file(PUNKT_JSON, max_chars=max_chars)
    check_invariants(text, s.spans(text), max_chars=max_chars)


# ---------------------------------------------------------------- training script


def test_training_is_deterministic_and_text_free(tmp_path, capsys):
    from training import punkt as train_punkt

    folder = tmp_path / "semeval2020_ptc" / "train-articles"
    folder.mkdir(parents=True)
    body = (
        "Harbour Board Delays Vote\n\n"
        "The harbour board delayed its vote on the new pier until next month. "
        "Mr. Quayle said the engineers needed more time. However, critics were unconvinced.\n\n"
        "The pier would cost about $40 million. It would be finished by 2027.\n"
    )
    for i in range(3):
        (folder / f"article{i}.txt").write_text(body, encoding="utf-8")
    a = train_punkt.dumps(train_punkt.build_params(tmp_path))
    b = train_punkt.dumps(train_punkt.build_params(tmp_path))
    assert a == b
    params = json.loads(a)
    assert params["format"] == FORMAT
    assert params["sources"] == {"semeval2020_ptc/train-articles": {"files": 3, "chars": 3 * len(body)}}
    assert "p.s" in params["abbrev_types"]
    assert "engineers needed" not in a and "harbour board delayed" not in a.lower()
    SentenceSplitter(params)  # loadable

    out = tmp_path / "punkt.json"
    assert train_punkt.main(["--data-dir", str(tmp_path), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == a


def test_training_missing_data_dir(tmp_path, capsys):
    from training import punkt as train_punkt

    assert train_punkt.main(["--data-dir", str(tmp_path / "nope"), "--out", str(tmp_path / "x.json")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error:") and "\n" not in err
    assert not (tmp_path / "x.json").exists()
