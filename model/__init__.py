"""Slant inference: sentence splitting, features, cues and the classifier artifact.

The public entry point is :func:`load_model`, which verifies a model directory
(SHA-256 of every file against ``manifest.json``, library versions) before it
unpickles anything, and returns a :class:`~model.pipeline.SlantModel`.
"""

from model.artifact import DEFAULT_MODEL_DIR, ModelLoadError, load_model
from model.pipeline import LABELS, SlantModel

__all__ = ["DEFAULT_MODEL_DIR", "LABELS", "ModelLoadError", "SlantModel", "load_model"]
