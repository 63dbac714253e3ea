"""Span-annotated corpora projected to sentence labels (fixtures written here, not corpus text)."""

import pytest

from training.corpora import CorpusError, read_corpus
from training.public_corpora import read_basil, read_ptc


def test_basil_mapping(tmp_path):
    path = tmp_path / "sentences.csv"
    path.write_text("article,source,sent_idx,text,label\n"
                    "a1,x,0,The mayor spoke on Monday.,none\n"
                    "a1,x,1,The mayor's reckless stunt backfired.,lex\n"
                    "a1,x,2,The report left out the cost overrun.,inf\n"
                    "a1,x,3,,none\n", encoding="utf-8")
    records = read_basil(tmp_path)
    assert [(r.text, r.label) for r in records] == [
        ("The mayor spoke on Monday.", "factual"), ("The mayor's reckless stunt backfired.", "loaded"),
        ("The report left out the cost overrun.", "factual")]
    assert read_corpus(f"basil:{tmp_path}") == records


def test_ptc_projects_spans_to_sentences(tmp_path):
    text = "Officials met on Monday. The thugs wrecked the vote. Can we trust them at all?"
    (tmp_path / "train-articles").mkdir()
    (tmp_path / "train-articles" / "article42.txt").write_text(text, encoding="utf-8")
    start = text.index("thugs")
    doubt = text.index("Can we")
    (tmp_path / "train-task2-TC.labels").write_text(
        f"42\tName_Calling,Labeling\t{start}\t{start + 5}\n42\tDoubt\t{doubt}\t{doubt + 10}\n", encoding="utf-8")
    records = read_ptc(tmp_path)
    assert [(r.text, r.label) for r in records] == [
        ("Officials met on Monday.", "factual"), ("The thugs wrecked the vote.", "loaded"),
        ("Can we trust them at all?", "opinion")]
    assert read_corpus(f"ptc:{tmp_path}") == records


def test_ptc_bad_label_line_is_reported(tmp_path):
    (tmp_path / "train-articles").mkdir()
    (tmp_path / "train-task2-TC.labels").write_text("42\tDoubt\tx\t9\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="line 1: expected"):
        read_ptc(tmp_path)
