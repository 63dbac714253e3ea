"""Text in, labelled sentences out: the inference path served by the API and the CLI."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from model.cues import detect_cues

LABELS = ("factual", "opinion", "loaded")


class SlantModel:
    """A verified, loaded Slant model.

    Parameters
    ----------
    estimator : sklearn estimator
        Fitted pipeline with ``predict_proba`` and ``classes_`` over :data:`LABELS`.
    splitter : model.splitter.SentenceSplitter
        Sentence splitter built from the model's Punkt parameters.
    manifest : dict
        The verified manifest of the model directory.
    model_dir : Path, optional
        Where the model was loaded from.
    """

    def __init__(self, estimator, splitter, manifest, model_dir=None):
        self.estimator = estimator
        self.splitter = splitter
        self.manifest = manifest
        self.model_dir = Path(model_dir) if model_dir is not None else None
        classes = [str(c) for c in estimator.classes_]
        if sorted(classes) != sorted(LABELS):
            raise ValueError(f"classifier classes {classes} are not {list(LABELS)}")
        self._order = np.array([classes.index(label) for label in LABELS])

    @property
    def name(self) -> str:
        return self.manifest.get("name", "slant")

    @property
    def version(self) -> str:
        return self.manifest.get("version", "unknown")

    def info(self) -> dict:
        """``{"name", "version"}`` as shown in every response."""
        return {"name": self.name, "version": self.version}

    def scores(self, sentences: list[str]) -> np.ndarray:
        """Class probabilities, one row per sentence, columns in :data:`LABELS` order."""
        if not sentences:
            return np.zeros((0, len(LABELS)))
        proba = self.estimator.predict_proba(list(sentences))
        return proba[:, self._order]

    def _sentence_dicts(self, texts: list[str]) -> list[dict]:
        rows = []
        for text, row in zip(texts, self.scores(texts)):
            rows.append({
                "text": text,
                "label": LABELS[int(np.argmax(row))],
                "scores": {label: float(p) for label, p in zip(LABELS, row)},
                "cues": [cue.to_dict() for cue in detect_cues(text)],
            })
        return rows

    @staticmethod
    def _summary(rows: list[dict]) -> dict:
        counts = dict.fromkeys(LABELS, 0)
        for row in rows:
            counts[row["label"]] += 1
        return {"counts": counts, "sentences": len(rows)}

    def classify_sentences(self, sentences: list[str]) -> dict:
        """Classify sentences a caller has already split (no offsets into a text)."""
        rows = self._sentence_dicts(list(sentences))
        for index, row in enumerate(rows):
            row["index"] = index
        return {"model": self.info(), "sentences": rows, "summary": self._summary(rows)}

    def split(self, text: str) -> list[tuple[int, int, str]]:
        """Sentences of ``text`` as ``(start, end, sentence)`` code-point spans."""
        return self.splitter.split(text)

    def classify_text(self, text: str, spans=None) -> dict:
        """Split ``text`` into sentences and classify each one.

        Sentence ``start``/``end`` index ``text``; cue offsets index the sentence.
        """
        spans = self.split(text) if spans is None else spans
        rows = self._sentence_dicts([s for _, _, s in spans])
        for index, ((start, end, _), row) in enumerate(zip(spans, rows)):
            row.update(index=index, start=start, end=end)
        return {"model": self.info(), "sentences": rows, "summary": self._summary(rows)}
