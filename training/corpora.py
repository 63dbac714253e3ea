"""Labelled corpora: our own CSV/TSV/JSON Lines format and readers for public corpora.

Every reader returns a list of :class:`Record`. Problems in a file are all
collected and raised together as one :class:`CorpusError`, each naming the
file, line and field at fault.
"""

from __future__ import annotations

import ast
import csv
import difflib
import json
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from model.pipeline import LABELS


@dataclass(frozen=True)
class Record:
    """One labelled sentence."""

    text: str
    label: str
    source: str
    id: str = ""
    split: str = ""
    bias: str = ""  # BABE: "Biased" / "Non-biased" when known
    biased_words: tuple[str, ...] = ()  # BABE: words the annotators marked as biased
    marks_loaded: bool = True  # the corpus's scheme has a "loaded" class (CheckThat's does not)
    other_bias: tuple[str, ...] = ()  # BABE: this sentence's bias labels in the sibling label sets (SG1, MBIC)


class CorpusError(Exception):
    """A corpus could not be read; ``problems`` lists every fault found."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        shown = self.problems[:50]
        more = len(self.problems) - len(shown)
        super().__init__("\n".join(shown) + (f"\n... and {more} more problems" if more else ""))


def normalise(text: str) -> str:
    """Key for de-duplication: NFKC, quotes folded, lower case, collapsed whitespace."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[“”„«»\"‘’']", "", text)
    return re.sub(r"\s+", " ", text).strip()


def _suggest(value: str) -> str:
    match = difflib.get_close_matches(value.lower().strip(), LABELS, n=1, cutoff=0.6)
    return f' — did you mean "{match[0]}"?' if match else ""


def _read_rows(path: Path) -> list[tuple[int, dict]]:
    """Rows of a CSV/TSV/JSONL file as (line number, dict); raises CorpusError."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".tsv", ".jsonl", ".ndjson"):
        raise CorpusError([f"{path}: unknown format {suffix or '(none)'}; use .csv, .tsv or .jsonl"])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorpusError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CorpusError([f"{path}: line {line}: bytes are not valid UTF-8 (save the file as UTF-8)"]) from None
    if suffix in (".jsonl", ".ndjson"):
        rows, problems = [], []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{path}: line {number}: not valid JSON ({exc.msg})")
                continue
            if not isinstance(obj, dict):
                problems.append(f"{path}: line {number}: expected a JSON object")
                continue
            rows.append((number, obj))
        if problems:
            raise CorpusError(problems)
        return rows
    delimiter = "\t" if suffix == ".tsv" else ","
    reader = csv.DictReader(text.splitlines(keepends=True), delimiter=delimiter)
    rows = []
    for row in reader:
        rows.append((reader.line_num, row))
    fields = reader.fieldnames or []
    missing = [c for c in ("text", "label") if c not in fields]
    if missing:
        close = {c: difflib.get_close_matches(c, fields, n=1) for c in missing}
        hint = "; ".join(f'did you mean "{close[c][0]}" for "{c}"?' for c in missing if close[c])
        raise CorpusError([f"{path}: line 1: missing column(s) {', '.join(missing)} "
                           f"(found: {', '.join(fields) or 'none'}){' — ' + hint if hint else ''}"])
    return rows


def read_labelled_file(path: str | Path, source: str | None = None) -> list[Record]:
    """Read our own format: columns ``text`` and ``label`` (+ optional ``id``, ``source``, ``split``).

    Raises
    ------
    CorpusError
        Listing every bad line: unknown or misspelt label, empty text, wrong types.
    """
    path = Path(path)
    records, problems = [], []
    rows = _read_rows(path)
    for number, row in rows:
        text, label = row.get("text"), row.get("label")
        where = f"{path}: line {number}"
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: text is empty" if text in (None, "") or isinstance(text, str)
                            else f"{where}: text must be a string")
            continue
        if not isinstance(label, str) or label.strip().lower() not in LABELS:
            shown = label if isinstance(label, str) else json.dumps(label)
            problems.append(f'{where}: label "{shown}" is not one of {", ".join(LABELS)}{_suggest(str(shown))}')
            continue
        records.append(Record(text=text.strip(), label=label.strip().lower(),
                              source=str(row.get("source") or source or path.stem),
                              id=str(row.get("id") or ""), split=str(row.get("split") or "")))
    if not rows and not problems:
        problems.append(f"{path}: no rows")
    if problems:
        raise CorpusError(problems)
    return records


def babe_label(bias: str, opinion: str) -> str:
    """Three-way label of a BABE row: Biased → loaded; Entirely factual → factual; else opinion."""
    if bias == "Biased":
        return "loaded"
    return "factual" if opinion == "Entirely factual" else "opinion"


def read_babe(path: str | Path) -> list[Record]:
    """BABE ``final_labels_*.csv`` (``;``-separated); a directory means ``final_labels_SG2.csv``.

    Each record's ``other_bias`` lists the bias labels the same sentence (compared by
    :func:`normalise`) carries in the sibling ``final_labels_*.csv`` files of the folder
    (BABE's other annotator groups, SG1 and MBIC), so training can weight rows the groups
    disagree on; they never change a record's own label.
    """
    path = Path(path)
    if path.is_dir():
        path = path / "final_labels_SG2.csv"
    records = _read_babe_file(path)
    others: dict[str, list[str]] = {}
    for sibling in sorted(path.parent.glob("final_labels_*.csv")):
        if sibling.resolve() != path.resolve():
            for r in _read_babe_file(sibling):
                if r.bias:
                    others.setdefault(normalise(r.text), []).append(r.bias)
    if not others:
        return records
    return [replace(r, other_bias=tuple(others.get(normalise(r.text), ()))) for r in records]


def _read_babe_file(path: Path) -> list[Record]:
    rows = _checked_dict_rows(path, ";", ("text", "label_bias", "label_opinion"))
    return [Record(text=r["text"].strip(), label=babe_label(r["label_bias"], r["label_opinion"]),
                   source=f"babe:{path.stem}", id=f"{path.stem}:{n}", bias=r["label_bias"],
                   biased_words=parse_biased_words(r.get("biased_words")))
            for n, r in rows if r["text"].strip()]


def parse_biased_words(value) -> tuple[str, ...]:
    """BABE's ``biased_words`` cell (a Python list literal such as ``['slammed', 'radical']``) as a tuple."""
    if not value or not value.strip():
        return ()
    try:
        words = ast.literal_eval(value.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return ()
    if isinstance(words, str):
        words = [words]
    if not isinstance(words, (list, tuple)):
        return ()
    return tuple(w.strip() for w in words if isinstance(w, str) and w.strip())


def read_checkthat(path: str | Path, splits=("train", "dev")) -> list[Record]:
    """CheckThat! 2025 English subjectivity: OBJ → factual, SUBJ → opinion.

    ``path`` is the folder (reads ``{split}_en.tsv`` for each of ``splits``) or one TSV file.
    """
    path = Path(path)
    files = [path / f"{s}_en.tsv" for s in splits] if path.is_dir() else [path]
    records = []
    for file in files:
        rows = _checked_dict_rows(file, "\t", ("sentence", "label"))
        for n, r in rows:
            if r["label"] in ("OBJ", "SUBJ") and r["sentence"].strip():
                records.append(Record(text=r["sentence"].strip(),
                                      label="factual" if r["label"] == "OBJ" else "opinion",
                                      source=f"checkthat:{file.stem}", id=r.get("sentence_id", ""),
                                      split=file.stem.replace("_en", ""), marks_loaded=False))
    return records


def _checked_dict_rows(path: Path, delimiter: str, required: tuple[str, ...]):
    try:
        handle = open(path, encoding="utf-8", newline="")
    except OSError as exc:
        raise CorpusError([f"{path}: cannot read: {exc.strerror or exc}"]) from None
    with handle:
        quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
        reader = csv.DictReader(handle, delimiter=delimiter, quoting=quoting)
        try:
            rows = [(reader.line_num, row) for row in reader]
        except (UnicodeDecodeError, csv.Error) as exc:
            raise CorpusError([f"{path}: line {reader.line_num}: {exc}"]) from None
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        raise CorpusError([f"{path}: line 1: missing column(s) {', '.join(missing)}"])
    return rows


def _read_basil(path):
    from training.public_corpora import read_basil
    return read_basil(path)


def _read_ptc(path):
    from training.public_corpora import read_ptc
    return read_ptc(path)


READERS = {"babe": read_babe, "checkthat": read_checkthat, "basil": _read_basil, "ptc": _read_ptc,
           "file": read_labelled_file}


def read_corpus(spec: str, data_dir: Path | None = None) -> list[Record]:
    """Read ``NAME:PATH`` (NAME one of :data:`READERS`) or a plain file path.

    A relative PATH after a reader name is tried as given, then under ``data_dir``.
    """
    name, sep, rest = spec.partition(":")
    if sep and name in READERS:
        path = Path(rest)
        if not path.exists() and data_dir is not None and (Path(data_dir) / rest).exists():
            path = Path(data_dir) / rest
        if not path.exists():
            raise CorpusError([f"--corpus {spec}: {path} does not exist"])
        return READERS[name](path)
    if not Path(spec).exists():
        raise CorpusError([f"--corpus {spec}: no such file (or use NAME:PATH with NAME in {', '.join(READERS)})"])
    return read_labelled_file(spec)


def deduplicate(records: list[Record]) -> tuple[list[Record], int, int]:
    """Drop repeated texts (first wins) and texts carrying conflicting labels.

    Returns
    -------
    kept, n_duplicates, n_conflicting
        Records kept; how many exact repeats were dropped; how many distinct
        texts were dropped because their sources disagree on the label.
    """
    labels: dict[str, set[str]] = {}
    for rec in records:
        labels.setdefault(normalise(rec.text), set()).add(rec.label)
    kept, seen, duplicates = [], set(), 0
    conflicts = {k for k, v in labels.items() if len(v) > 1}
    for rec in records:
        key = normalise(rec.text)
        if key in conflicts:
            continue
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        kept.append(rec)
    return kept, duplicates, len(conflicts)
