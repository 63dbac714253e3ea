"""Word-level supervision for :class:`model.wordtable.LoadedWordTable`, built at training time.

* :func:`biased_word_lists` -- per training record, its BABE ``biased_words``
  (``None`` for records without word-level annotation);
* :func:`span_tables` -- static ``word -> rate`` tables from corpora that are
  never evaluation data here: BASIL lexical-bias spans (``basil/spans.csv``
  vs all BASIL sentences) and PTC Loaded_Language + Name_Calling,Labeling spans
  (``semeval2020_ptc/train-task2-TC.labels`` offsets into
  ``train-articles/article<ID>.txt``). Only word-level rates are kept (a word
  with rate > 0 and its rate), never sentences.
"""

from __future__ import annotations

import csv
from collections import Counter
from functools import lru_cache
from pathlib import Path

from model.features import tokenize
from training.corpora import Record

PTC_TECHNIQUES = ("Loaded_Language", "Name_Calling,Labeling")


def biased_word_lists(records: list[Record]) -> list[list[str] | None]:
    """BABE rows: their ``biased_words`` (possibly empty); other rows: ``None``."""
    return [list(r.biased_words) if r.source.startswith("babe") else None for r in records]


def basil_lex_rates(path: Path, alpha: float = 2.0) -> dict[str, float]:
    """``word -> (times inside a BASIL lexical span) / (BASIL sentences containing it + alpha)``."""
    csv.field_size_limit(10**8)
    inside, total, seen = Counter(), Counter(), set()
    with open(path / "sentences.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            text = row.get("text") or ""
            if text not in seen:
                seen.add(text)
                total.update(set(tokenize(text)))
    with open(path / "spans.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row.get("bias_type") == "lex":
                inside.update(set(tokenize(row.get("pos") or "")))
    return {w: inside[w] / (total[w] + alpha) for w in inside}


def ptc_loaded_rates(path: Path, alpha: float = 2.0) -> dict[str, float]:
    """``word -> min(1, tokens inside Loaded_Language/Name_Calling spans / (tokens in all articles + alpha))``."""
    inside, total, articles = Counter(), Counter(), {}
    with open(path / "train-task2-TC.labels", encoding="utf-8") as fh:
        for line in fh:
            aid, technique, start, end = line.rstrip("\n").split("\t")
            if technique not in PTC_TECHNIQUES:
                continue
            if aid not in articles:
                article = path / "train-articles" / f"article{aid}.txt"
                articles[aid] = article.read_text(encoding="utf-8") if article.exists() else ""
            inside.update(tokenize(articles[aid][int(start):int(end)]))
    for article in sorted((path / "train-articles").glob("article*.txt")):
        total.update(tokenize(article.read_text(encoding="utf-8")))
    return {w: min(1.0, inside[w] / (total[w] + alpha)) for w in inside}


@lru_cache(maxsize=4)
def _span_tables(data_dir: str) -> dict[str, dict[str, float]]:
    data_dir, tables = Path(data_dir), {}
    if (data_dir / "basil" / "spans.csv").is_file() and (data_dir / "basil" / "sentences.csv").is_file():
        tables["basil_lex"] = basil_lex_rates(data_dir / "basil")
    if (data_dir / "semeval2020_ptc" / "train-task2-TC.labels").is_file():
        tables["ptc_loaded"] = ptc_loaded_rates(data_dir / "semeval2020_ptc")
    return tables


def span_tables(data_dir: Path | str | None) -> dict[str, dict[str, float]]:
    """Static span tables found under ``data_dir`` (missing corpora are skipped; cached per folder)."""
    if data_dir is None:
        return {}
    return {name: dict(table) for name, table in _span_tables(str(Path(data_dir).resolve())).items()}
