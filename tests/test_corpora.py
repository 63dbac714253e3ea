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
