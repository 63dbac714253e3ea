"""Slant training: corpus loading, fitting, evaluation and the ``slant`` CLI."""
