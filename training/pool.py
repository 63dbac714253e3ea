"""The unlabelled news-sentence pool used for distillation.

The pool is the text of public news corpora whose *labels* Slant does not
train on (their label definitions differ from ours): every PTC article
(train, dev and test folders), BASIL, MultiDimNews, the SemEval-2023
paragraphs and the BABE SG1/MBIC sentences. Only the text is used; a teacher
model (:mod:`training.distill`) labels it.

The pool is rebuilt deterministically from the data directory; nothing of it
is stored in the repository except 64-bit hashes of its sentences
(:func:`pool_keys`), which let a pseudo-label file check that it labels the
same pool. Any sentence that is, after :func:`training.corpora.normalise`,
also a CheckThat sentence (any split) or a BABE SG2 sentence is left out, so
no evaluation sentence reaches training through the pool.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import numpy as np

from model.splitter import SentenceSplitter
from training.corpora import CorpusError, normalise, read_babe, read_checkthat

MIN_CHARS, MAX_CHARS, MIN_WORDS = 25, 400, 5


def _csv_texts(path: Path, column: str = "text", delimiter: str = ",") -> list[str]:
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return [row.get(column) or "" for row in csv.DictReader(handle, delimiter=delimiter)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise CorpusError([f"{path}: cannot read: {exc}"]) from None


def _documents(data_dir: Path) -> list[str]:
    """Raw texts in a fixed order; each is split into sentences afterwards."""
    docs: list[str] = []
    ptc = data_dir / "semeval2020_ptc"
    for folder in ("train-articles", "dev-articles", "test-articles"):
        for article in sorted((ptc / folder).glob("article*.txt")):
            docs.append(article.read_text(encoding="utf-8"))
    docs += _csv_texts(data_dir / "basil" / "sentences.csv")
    docs += _csv_texts(data_dir / "multidimnews" / "sentences.csv")
    docs += _csv_texts(data_dir / "semeval2023_task3_en" / "paragraphs.csv")
    for name in ("final_labels_SG1.csv", "final_labels_MBIC.csv"):
        docs += _csv_texts(data_dir / "babe" / name, delimiter=";")
    return docs


def build_pool(data_dir: str | Path, splitter: SentenceSplitter | None = None) -> list[str]:
    """Return the pool sentences of ``data_dir`` (deterministic order, de-duplicated).

    Raises
    ------
    CorpusError
        When a pool corpus is missing or unreadable.
    """
    data_dir = Path(data_dir)
    missing = [p for p in ("semeval2020_ptc", "basil", "multidimnews", "semeval2023_task3_en", "babe",
                           "checkthat2025_en") if not (data_dir / p).is_dir()]
    if missing:
        raise CorpusError([f"{data_dir}: missing corpus folder(s) {', '.join(missing)}"])
    banned = {normalise(r.text) for r in read_babe(data_dir / "babe" / "final_labels_SG2.csv")}
    banned |= {normalise(r.text) for r in read_checkthat(data_dir / "checkthat2025_en",
                                                         splits=("train", "dev", "dev_test"))}
    splitter = splitter or SentenceSplitter.from_file()
    seen: set[str] = set()
    pool: list[str] = []
    for doc in _documents(data_dir):
        for _, _, sentence in splitter.split(doc):
            sentence = " ".join(sentence.split())
            key = normalise(sentence)
            if (not MIN_CHARS <= len(sentence) <= MAX_CHARS or len(sentence.split()) < MIN_WORDS
                    or key in seen or key in banned):
                continue
            seen.add(key)
            pool.append(sentence)
    return pool


def text_key(text: str) -> int:
    """64-bit key of a sentence: the first 8 bytes of SHA-256 of its normalised text."""
    return int.from_bytes(hashlib.sha256(normalise(text).encode("utf-8", "surrogatepass")).digest()[:8], "big")


def pool_keys(pool: list[str]) -> np.ndarray:
    """The :func:`text_key` of each pool sentence, as ``uint64``."""
    return np.fromiter((text_key(t) for t in pool), dtype=np.uint64, count=len(pool))
