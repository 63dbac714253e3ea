"""Text in, labelled sentences out: the inference path served by the API and the CLI."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from model.cue_batch import analyse_batch

LABELS = ("factual", "opinion", "loaded")
_FACTUAL, _OPINION, _LOADED = LABELS
log = logging.getLogger(__name__)


class SlantModel:
    """A verified, loaded Slant model.

    Parameters
    ----------
    estimator : sklearn estimator or None
        Fitted pipeline with ``predict_proba`` and ``classes_`` over :data:`LABELS`
        (the reference). ``None``: loaded from ``model_dir`` on first use.
    splitter : model.splitter.SentenceSplitter
        Sentence splitter built from the model's Punkt parameters.
    manifest : dict
        The verified manifest of the model directory.
    model_dir : Path, optional
        Where the model was loaded from.
    scorer : model.scorer.Scorer, optional
        The compiled model that :meth:`scores` uses. When absent it is compiled
        from ``estimator`` if the pipeline has the supported shape, else the
        scikit-learn estimator scores.
    """

    def __init__(self, estimator, splitter, manifest, model_dir=None, scorer=None):
        if estimator is None and (scorer is None or model_dir is None):
            raise ValueError("SlantModel needs an estimator, or a scorer plus the model_dir to load one from")
        self._estimator = estimator
        self.splitter = splitter
        self.manifest = manifest
        self.model_dir = Path(model_dir) if model_dir is not None else None
        if scorer is None:
            try:  # serve with the compiled arrays; the sklearn estimator stays the reference
                from model.compile import compile_pipeline
                from model.scorer import Scorer

                scorer = Scorer(compile_pipeline(estimator))
            except (ImportError, ValueError) as exc:  # unsupported pipeline shape: keep the sklearn path
                log.warning("compiled scorer unavailable, scoring with the sklearn estimator: %s", exc)
        self.scorer = scorer
        classes = [str(c) for c in (scorer.classes_ if scorer is not None else estimator.classes_)]
        if sorted(classes) != sorted(LABELS):
            raise ValueError(f"classifier classes {classes} are not {list(LABELS)}")
        self._order = np.array([classes.index(label) for label in LABELS])

    @property
    def estimator(self):
        """The scikit-learn pipeline (the reference), loaded and re-verified on first use."""
        if self._estimator is None:
            from model.artifact import load_estimator

            self._estimator = load_estimator(self.model_dir)
        return self._estimator

    @property
    def name(self) -> str:
        return self.manifest.get("name", "slant")

    @property
    def version(self) -> str:
        return self.manifest.get("version", "unknown")

    def info(self) -> dict:
        """``{"name", "version"}`` as shown in every response."""
        return {"name": self.name, "version": self.version}

    def scores(self, sentences: list[str], cue_features=None) -> np.ndarray:
        """Class probabilities, one row per sentence, columns in :data:`LABELS` order.

        ``cue_features``: the sentences' cue feature matrix if the caller has it.
        """
        if self.scorer is None:
            return self.reference_scores(sentences)
        if not sentences:
            return np.zeros((0, len(LABELS)))
        return self.scorer.predict_proba(list(sentences), cue_features)[:, self._order]

    def reference_scores(self, sentences: list[str]) -> np.ndarray:
        """:meth:`scores` computed by the sklearn estimator itself (the reference)."""
        if not sentences:
            return np.zeros((0, len(LABELS)))
        estimator = self.estimator
        proba = estimator.predict_proba(list(sentences))
        classes = [str(c) for c in estimator.classes_]
        return proba[:, [classes.index(label) for label in LABELS]]

    def _entries(self, texts: list[str]) -> list[tuple]:
        """``(label, (p_factual, p_opinion, p_loaded), cues)`` of each text (cues: a tuple of Cue)."""
        if not texts:
            return []
        cues, features = analyse_batch(texts)  # displayed cues and the classifier's cue features, once
        probs = self.scores(texts, features)
        labels = [LABELS[k] for k in probs.argmax(axis=1).tolist()]
        return list(zip(labels, map(tuple, probs.tolist()), map(tuple, cues)))

    def _cached_entries(self, texts: list[str], cache) -> list[tuple]:
        """:meth:`_entries` through ``cache``: only the texts it lacks are classified (once each)."""
        entries = cache.get_many(texts)
        missing = list(dict.fromkeys(t for t, e in zip(texts, entries) if e is None))
        if missing:
            fresh = dict(zip(missing, self._entries(missing)))
            cache.put_many(fresh.items())
            entries = [fresh[t] if e is None else e for t, e in zip(texts, entries)]
        return entries

    def _sentence_dicts(self, texts: list[str], spans=None, cache=None) -> list[dict]:
        entries = self._entries(texts) if cache is None else self._cached_entries(texts, cache)
        if spans is None:
            return [{"index": index, "text": text, "label": label, "scores": {_FACTUAL: a, _OPINION: b, _LOADED: c},
                     "cues": [cue.to_dict() for cue in cues]}
                    for index, (text, (label, (a, b, c), cues)) in enumerate(zip(texts, entries))]  # LABELS order
        return [{"index": index, "start": start, "end": end, "text": text, "label": label,
                 "scores": {_FACTUAL: a, _OPINION: b, _LOADED: c}, "cues": [cue.to_dict() for cue in cues]}
                for index, ((start, end, _), text, (label, (a, b, c), cues)) in enumerate(zip(spans, texts, entries))]

    @staticmethod
    def _summary(rows: list[dict]) -> dict:
        counts = dict.fromkeys(LABELS, 0)
        for row in rows:
            counts[row["label"]] += 1
        return {"counts": counts, "sentences": len(rows)}

    def classify_sentences(self, sentences: list[str], cache=None) -> dict:
        """Classify sentences a caller has already split (no offsets into a text).

        ``cache``: a :class:`model.sentence_cache.SentenceCache` of this model's results;
        sentences found there are not classified again.
        """
        rows = self._sentence_dicts(list(sentences), cache=cache)
        return {"model": self.info(), "sentences": rows, "summary": self._summary(rows)}

    def split(self, text: str) -> list[tuple[int, int, str]]:
        """Sentences of ``text`` as ``(start, end, sentence)`` code-point spans."""
        return self.splitter.split(text)

    def classify_text(self, text: str, spans=None, cache=None) -> dict:
        """Split ``text`` into sentences and classify each one.

        Sentence ``start``/``end`` index ``text``; cue offsets index the sentence.
        ``cache``: as in :meth:`classify_sentences`.
        """
        spans = self.split(text) if spans is None else spans
        rows = self._sentence_dicts([s for _, _, s in spans], spans, cache)
        return {"model": self.info(), "sentences": rows, "summary": self._summary(rows)}
