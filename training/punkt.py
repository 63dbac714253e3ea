"""Train the Punkt sentence-splitter parameters shipped in ``model/punkt.json``.

Usage::

    python -m training.punkt --data-dir ../shared/corpora --out model/punkt.json

The trainer (:class:`nltk.tokenize.punkt.PunktTrainer`) reads running news
text from the data directory:

* ``semeval2020_ptc/{train,dev,test}-articles/*.txt`` -- full articles, the
  main source (paragraph breaks intact);
* ``basil/sentences.csv`` -- sentences re-joined into their articles in
  ``sent_idx`` order.

Learned abbreviations are filtered (:func:`keep_learned_abbrev`) and our own
list (``model/wordlists/abbreviations.txt``) is added to ``abbrev_types``.

Frequent sentence starters are kept only if they are mostly written lower
case mid-sentence (:func:`_mostly_lower`), which drops names such as *Trump* that would
otherwise cause a break in "Mr. Trump".

The output JSON holds only what Punkt learns -- word *types* (abbreviations,
collocation pairs, frequent sentence starters, orthographic-context flags) --
plus ``format`` and ``sources`` (file and character counts). No sentence or
passage of the corpora is written. To keep the file small, orthographic
context is kept only for types seen at least ``ORTHO_MIN_COUNT`` (2) times in
the training text (``PunktTrainer.freq_threshold``); unseen types get the
neutral context 0, which makes Punkt fall back to its other heuristics.

The output is deterministic: the same input gives a byte-identical file
(sorted lists, sorted keys, files read in sorted order).
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

from nltk.tokenize.punkt import PunktTrainer

FORMAT = "slant-punkt/1"
ORTHO_MIN_COUNT = 2
ABBREVIATIONS = Path(__file__).resolve().parents[1] / "model" / "wordlists" / "abbreviations.txt"
PTC_DIRS = ("train-articles", "dev-articles", "test-articles")


class DataError(Exception):
    """The data directory is missing or holds no usable text."""


def load_abbreviations(path: Path = ABBREVIATIONS) -> list[str]:
    """Read an abbreviation list (one per line, ``#`` comments).

    Parameters
    ----------
    path : Path
        The word list.

    Returns
    -------
    list of str
        Lower-cased abbreviations without the final period, sorted.
    """
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip().lower()
        if line and not line.startswith("#"):
            words.add(line.rstrip("."))
    return sorted(words)


def keep_learned_abbrev(typ: str) -> bool:
    """Whether to keep an abbreviation type that Punkt learned from the corpus.

    Punkt also "learns" ordinary words that happened to precede a period
    followed by a lower-case word in the training text (e.g. *dry*, *saga*).
    Listed as abbreviations they would suppress real sentence breaks, so only
    abbreviation-shaped types are kept: ones with an inner period or hyphen
    (``u.s``, ``ph.d``, ``d-calif``), single letters (initials) and
    vowel-less letter strings (``mph``, ``vt``). Everything else must come
    from our own word list.

    Parameters
    ----------
    typ : str
        A lower-case type without its final period.

    Returns
    -------
    bool
        True to keep it.
    """
    if "." in typ or "-" in typ:
        return True
    if not typ.isalpha():
        return False
    return len(typ) == 1 or not any(v in typ for v in "aeiouy")


# a word preceded by a word character or comma and one space: mid-sentence
_MID_WORD = re.compile(r"(?<=[\w,] )[^\W\d_]+")


def _mostly_lower(typ: str, case_counts: dict[str, list[int]]) -> bool:
    """Whether ``typ`` is mostly lower case when it occurs mid-sentence.

    Punkt's frequent-sentence-starter list, learned from news, also holds
    names that often open sentences (*Trump*, *Pelosi*). After an
    abbreviation ("Sen. Sanders") Punkt would then break, so only
    starters that are mostly lower case after a word or comma (*the*,
    *however*) are kept; types never seen mid-sentence are kept too.
    """
    lower, upper = case_counts.get(typ, (0, 0))
    return lower >= upper


def _read_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def iter_training_texts(data_dir: Path):
    """Yield ``(source_name, text)`` for every training document.

    Parameters
    ----------
    data_dir : Path
        The shared corpora directory.

    Yields
    ------
    tuple of (str, str)
        The source name (a folder or file relative to ``data_dir``) and one
        document's text.
    """
    for sub in PTC_DIRS:
        folder = data_dir / "semeval2020_ptc" / sub
        if folder.is_dir():
            for path in sorted(folder.glob("*.txt")):
                yield f"semeval2020_ptc/{sub}", _read_text(path)
    basil = data_dir / "basil" / "sentences.csv"
    if basil.is_file():
        articles: dict[str, list[tuple[int, str]]] = {}
        with basil.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                try:
                    idx = int(row.get("sent_idx") or 0)
                except ValueError:
                    idx = 0
                text = (row.get("text") or "").strip()
                if text:
                    articles.setdefault(row.get("article") or "", []).append((idx, text))
        for key in sorted(articles):
            yield "basil/sentences.csv", " ".join(t for _, t in sorted(articles[key]))


def build_params(data_dir: Path) -> dict:
    """Train Punkt on the news text under ``data_dir``.

    Parameters
    ----------
    data_dir : Path
        The shared corpora directory (e.g. ``../shared/corpora``).

    Returns
    -------
    dict
        JSON-ready parameters: ``format``, ``abbrev_types``, ``collocations``
        (list of ``[word, word]``), ``sent_starters``, ``ortho_context``
        (type -> flag bits), ``sources`` (``{name: {"files", "chars"}}``) and
        ``ortho_min_count``.

    Raises
    ------
    DataError
        If ``data_dir`` is not a directory or contains no training text.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataError(f"data directory not found: {data_dir}")
    trainer = PunktTrainer()
    sources: dict[str, dict[str, int]] = {}
    case_counts: dict[str, list[int]] = {}
    for name, text in iter_training_texts(data_dir):
        if not text.strip():
            continue
        trainer.train(text, finalize=False)
        for word in _MID_WORD.findall(text):
            counts = case_counts.setdefault(word.lower(), [0, 0])
            counts[0 if word[0].islower() else 1] += 1
        entry = sources.setdefault(name, {"files": 0, "chars": 0})
        entry["files"] += 1
        entry["chars"] += len(text)
    if not sources:
        raise DataError(
            f"no training text under {data_dir} "
            "(expected semeval2020_ptc/*-articles/*.txt or basil/sentences.csv)"
        )
    trainer.finalize_training()
    trainer.freq_threshold(ortho_thresh=ORTHO_MIN_COUNT)
    params = trainer.get_params()
    abbrevs = {t for t in params.abbrev_types if keep_learned_abbrev(t)} | set(load_abbreviations())
    return {
        "format": FORMAT,
        "abbrev_types": sorted(abbrevs),
        "collocations": sorted([a, b] for a, b in params.collocations),
        "sent_starters": sorted(t for t in params.sent_starters if _mostly_lower(t, case_counts)),
        "ortho_context": {k: v for k, v in sorted(params.ortho_context.items()) if v},
        "ortho_min_count": ORTHO_MIN_COUNT,
        "sources": {k: sources[k] for k in sorted(sources)},
    }


def dumps(params: dict) -> str:
    """Serialise parameters deterministically (sorted keys, one entry a line)."""
    return json.dumps(params, ensure_ascii=False, sort_keys=True, indent=0, separators=(",", ":")) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m training.punkt", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/corpora"))
    parser.add_argument("--out", type=Path, default=Path("model/punkt.json"))
    args = parser.parse_args(argv)
    try:
        params = build_params(args.data_dir)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(dumps(params), encoding="utf-8")
    files = sum(s["files"] for s in params["sources"].values())
    chars = sum(s["chars"] for s in params["sources"].values())
    print(
        f"wrote {args.out}: {len(params['abbrev_types'])} abbreviations, "
        f"{len(params['collocations'])} collocations, {len(params['sent_starters'])} sentence starters, "
        f"{len(params['ortho_context'])} ortho types; trained on {files} documents, {chars} chars"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
