"""Corpus reading and validation: every problem named with file, line and a fix."""

import json

import pytest

from training.corpora import CorpusError, Record, deduplicate, read_corpus, read_labelled_file

FIXTURE = __import__("pathlib").Path(__file__).parent / "fixtures" / "tiny_corpus.csv"


def test_reads_fixture_corpus():
    records = read_labelled_file(FIXTURE)
    assert len(records) == 30
    assert {r.label for r in records} == {"factual", "opinion", "loaded"}
    assert records[0].id == "1" and records[0].source == "fixture"


def test_tsv_and_jsonl(tmp_path):
    tsv = tmp_path / "c.tsv"
    tsv.write_text("text\tlabel\nRain fell.\tfactual\nI love rain.\topinion\n", encoding="utf-8")
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text(json.dumps({"text": "Rain fell.", "label": "Factual"}) + "\n\n", encoding="utf-8")
    assert [r.label for r in read_labelled_file(tsv)] == ["factual", "opinion"]
    assert [r.label for r in read_labelled_file(jsonl)] == ["factual"]


def test_all_problems_reported_at_once_with_suggestion(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("text,label\nFine sentence.,factual\nTypo here.,opinon\n,loaded\nOther.,banana\n",
                    encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        read_labelled_file(path)
    problems = info.value.problems
    assert len(problems) == 3
    assert f'{path}: line 3: label "opinon" is not one of factual, opinion, loaded — did you mean "opinion"?' in problems
    assert f"{path}: line 4: text is empty" in problems
    assert any("line 5" in p and "banana" in p and "did you mean" not in p for p in problems)


def test_missing_column_suggests_close_name(tmp_path):
    path = tmp_path / "cols.csv"
    path.write_text("text,lable\nA.,factual\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r'line 1: missing column\(s\) label .*did you mean "lable"'):
        read_labelled_file(path)


def test_undecodable_bytes_name_the_line(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("text,label\nFine.,factual\nCaf\xe9 owners protest.,factual\n".encode("latin-1"))
    with pytest.raises(CorpusError, match="line 3: bytes are not valid UTF-8"):
        read_labelled_file(path)


def test_bad_jsonl_line(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "A.", "label": "factual"}\n{oops\n[1]\n', encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        read_labelled_file(path)
    assert any("line 2: not valid JSON" in p for p in info.value.problems)
    assert any("line 3: expected a JSON object" in p for p in info.value.problems)


def test_unknown_format_and_missing_file(tmp_path):
    with pytest.raises(CorpusError, match="unknown format"):
        read_labelled_file(tmp_path / "x.xlsx")
    with pytest.raises(CorpusError, match="no such file"):
        read_corpus(str(tmp_path / "absent.csv"))


def test_deduplicate_counts_repeats_and_conflicts():
    records = [Record("Rain fell.", "factual", "a"), Record("rain  fell.", "factual", "b"),
               Record("“Great” plan.", "loaded", "a"), Record('"great" plan.', "opinion", "b"),
               Record("Other.", "opinion", "a")]
    kept, duplicates, conflicts = deduplicate(records)
    assert [r.text for r in kept] == ["Rain fell.", "Other."]
    assert (duplicates, conflicts) == (1, 1)


def _babe_file(path, rows):
    lines = ["text;label_bias;label_opinion;biased_words"]
    lines += [f"{text};{bias};Entirely factual;[]" for text, bias in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_read_babe_collects_the_sibling_label_sets(tmp_path):
    from training.corpora import read_babe

    _babe_file(tmp_path / "final_labels_SG2.csv", [("The mayor opened a new library.", "Non-biased"),
                                                   ("Critics slammed the reckless plan.", "Biased"),
                                                   ("Rain is expected on Friday.", "Non-biased")])
    _babe_file(tmp_path / "final_labels_SG1.csv", [("the mayor opened a new library.", "Biased"),
                                                   ("Critics slammed the “reckless” plan.", "Biased")])
    _babe_file(tmp_path / "final_labels_MBIC.csv", [("The mayor  opened a new library.", "Non-biased"),
                                                    ("Critics slammed the reckless plan.", "No agreement")])
    got = {r.text: r for r in read_babe(tmp_path)}
    assert got["The mayor opened a new library."].other_bias == ("Non-biased", "Biased")  # MBIC, SG1: sorted files
    assert got["Critics slammed the reckless plan."].other_bias == ("No agreement", "Biased")
    assert got["Rain is expected on Friday."].other_bias == ()
    # the own labels never change
    assert [r.bias for r in got.values()] == ["Non-biased", "Biased", "Non-biased"]
    assert got["Critics slammed the reckless plan."].label == "loaded"
    # a lone file has no siblings; a malformed sibling is an error naming it
    alone = tmp_path / "alone"
    alone.mkdir()
    _babe_file(alone / "final_labels_SG2.csv", [("Rain is expected on Friday.", "Non-biased")])
    assert read_babe(alone)[0].other_bias == ()
    (tmp_path / "final_labels_SG1.csv").write_text("text;label\nx;y\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="final_labels_SG1.csv"):
        read_babe(tmp_path)
