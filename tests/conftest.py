"""Shared fixtures: the Flask app (model loaded once per session), client, CLI runner, shared data.

The shared data directory (corpora, example texts) lives next to the project,
``../shared``; set ``SLANT_SHARED_DIR`` to use another location. Tests that need
it skip when it is absent (a fresh clone without the shared data).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from model import load_model
from service import create_app

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ["SLANT_SHARED_DIR"]) if os.environ.get("SLANT_SHARED_DIR") else ROOT.parent / "shared"

#: Service settings a developer's shell could set; cleared so tests see the defaults.
SERVICE_ENV = ("SLANT_FEEDBACK_DB", "SLANT_MAX_CONTENT_LENGTH", "SLANT_MAX_SENTENCES", "SLANT_MAX_SENTENCE_CHARS",
               "SLANT_CORS_ORIGINS", "SLANT_CORS_MAX_AGE", "SLANT_API_TOKEN", "SLANT_WRITE_AUTH", "SLANT_READ_AUTH",
               "SLANT_RATE_LIMIT", "SLANT_TRUST_PROXY", "SLANT_MAX_SENTENCE_MARKS", "SLANT_RESULT_CACHE")


@pytest.fixture(scope="session")
def slant_model():
    """The model of ``SLANT_MODEL_DIR`` (default: the shipped one), loaded and verified once."""
    return load_model(os.environ.get("SLANT_MODEL_DIR") or None)


@pytest.fixture
def make_app(slant_model, monkeypatch):
    """Factory: ``make_app(**config)`` builds an app with the shared model and extra settings."""
    for name in SERVICE_ENV:
        monkeypatch.delenv(name, raising=False)

    def factory(**config):
        return create_app({"TESTING": True, "MODEL": slant_model, **config})

    return factory


@pytest.fixture
def app(make_app):
    """An application with default settings."""
    return make_app()


@pytest.fixture
def client(app):
    """A test client for :func:`app`."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for :func:`app`."""
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared data directory (it may not exist)."""
    return SHARED


@pytest.fixture
def vilnius_text() -> str:
    """The Vilnius commentary example, read from the shared data (never copied into the repo)."""
    path = SHARED / "examples" / "vilnius-commentary.txt"
    if not path.is_file():
        pytest.skip("../shared/examples/vilnius-commentary.txt not present (fresh clone without the shared data)")
    return path.read_text(encoding="utf-8")
