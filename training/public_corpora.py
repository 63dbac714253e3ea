"""Readers for public span-annotated corpora, projected to sentence labels.

Both mappings are noisier than BABE's sentence labels (documented in
``docs/training-data.md``); they are opt-in (``--corpus basil:PATH``,
``--corpus ptc:PATH``) and not part of the shipped model's training data.
"""

from __future__ import annotations

import csv
from pathlib import Path

from model.splitter import SentenceSplitter
from training.corpora import CorpusError, Record

#: PTC techniques that are a matter of wording (→ loaded); any other technique → opinion.
PTC_WORDING = frozenset({"Loaded_Language", "Name_Calling,Labeling", "Exaggeration,Minimisation", "Slogans",
                         "Thought-terminating_Cliches", "Flag-Waving"})


def read_basil(path: str | Path) -> list[Record]:
    """BASIL sentences: ``lex`` (lexical bias) → loaded; ``inf`` / ``none`` → factual.

    Informational bias is a choice of facts, not of wording, so it is not
    *loaded* in Slant's sense. ``path`` is the folder or its ``sentences.csv``.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "sentences.csv"
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = [(reader.line_num, row) for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CorpusError([f"{path}: cannot read: {exc}"]) from None
    if rows and not {"text", "label"} <= set(rows[0][1]):
        raise CorpusError([f"{path}: line 1: missing column(s) text, label"])
    records = []
    for number, row in rows:
        text, label = (row.get("text") or "").strip(), row.get("label")
        if text and label in ("lex", "inf", "none"):
            records.append(Record(text=text, label="loaded" if label == "lex" else "factual",
                                  source="basil", id=f"{row.get('article', '')}:{row.get('sent_idx', number)}"))
    return records


def _ptc_spans(labels: Path) -> dict[str, list[tuple[int, int, str]]]:
    spans: dict[str, list[tuple[int, int, str]]] = {}
    try:
        lines = labels.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError([f"{labels}: cannot read: {exc}"]) from None
    problems = []
    for number, line in enumerate(lines, 1):
        parts = line.split("\t")
        if len(parts) != 4 or not parts[2].isdigit() or not parts[3].isdigit():
            problems.append(f"{labels}: line {number}: expected 'article<TAB>technique<TAB>start<TAB>end'")
            continue
        spans.setdefault(parts[0], []).append((int(parts[2]), int(parts[3]), parts[1]))
    if problems:
        raise CorpusError(problems)
    return spans


def read_ptc(path: str | Path, splitter: SentenceSplitter | None = None) -> list[Record]:
    """SemEval-2020 PTC training articles, split into sentences, labelled by overlapping spans.

    A sentence overlapping a wording technique (:data:`PTC_WORDING`) → loaded;
    else overlapping any other propaganda technique → opinion; else → factual.
    ``path`` is the ``semeval2020_ptc`` folder.
    """
    path = Path(path)
    spans = _ptc_spans(path / "train-task2-TC.labels")
    splitter = splitter or SentenceSplitter.from_file()
    records = []
    for article in sorted((path / "train-articles").glob("article*.txt")):
        key = article.stem.removeprefix("article")
        text = article.read_text(encoding="utf-8")
        marks = spans.get(key, [])
        for index, (start, end, sentence) in enumerate(splitter.split(text)):
            found = {tech for s, e, tech in marks if s < end and e > start}
            label = "loaded" if found & PTC_WORDING else "opinion" if found else "factual"
            records.append(Record(text=sentence, label=label, source="ptc", id=f"{key}:{index}"))
    return records
