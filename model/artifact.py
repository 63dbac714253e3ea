"""Model directory format: write, verify and load.

A model directory holds

``classifier.joblib``
    the fitted scikit-learn pipeline (features + linear classifier), compressed:
    the reference for evaluation, loaded only when asked for;
``scorer.npz``
    the same model compiled to plain arrays (:mod:`model.scorer`): what the
    service scores with, loaded without pickle and without scikit-learn (absent
    for pipeline shapes that do not compile; those serve through scikit-learn);
``punkt.json``
    the Punkt sentence-splitter parameters (plain JSON, changes rarely);
``manifest.json``
    SHA-256 and size of both files, the library versions the model was built
    with, labels, training data summary and metrics;
``MODEL_CARD.md``
    the human-readable card.

Nothing is read before its hash matches the manifest and the running
library versions are compatible with the recorded ones.
"""

from __future__ import annotations

import hashlib
import json
import platform
from importlib import metadata
from pathlib import Path

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent
MANIFEST = "manifest.json"
CLASSIFIER_FILE = "classifier.joblib"
PUNKT_FILE = "punkt.json"
SCORER_FILE = "scorer.npz"
FORMAT = "slant-model/1"

# Libraries the model files depend on: (distribution name, how many version
# components must be equal). scikit-learn does not promise pickle compatibility
# across minor releases, numpy/joblib across majors; the compiled scorer calls
# scipy's sparse routines (``scipy.sparse._sparsetools``, not a public API), so
# scipy must match to the minor release. nltk only trains the Punkt parameters
# (plain JSON), so it is not pinned here.
PINNED = (("scikit-learn", 2), ("numpy", 1), ("scipy", 2), ("joblib", 1))


class ModelLoadError(Exception):
    """A model directory is missing, tampered with, or built for other library versions."""


def sha256_file(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def library_versions() -> dict[str, str]:
    """Versions of Python and the pinned libraries in this environment."""
    versions = {"python": platform.python_version()}
    for dist, _ in PINNED:
        versions[dist] = metadata.version(dist)
    return versions


def _compatible(built: str, running: str, parts: int) -> bool:
    return built.split(".")[:parts] == running.split(".")[:parts]


def check_versions(recorded: dict[str, str]) -> None:
    """Raise :class:`ModelLoadError` if a pinned library differs from ``recorded``."""
    running = library_versions()
    problems = []
    for dist, parts in PINNED:
        built = recorded.get(dist)
        if built is None:
            problems.append(f"{dist} version not recorded in the manifest")
        elif not _compatible(built, running[dist], parts):
            problems.append(f"{dist} {running[dist]} is installed but the model was built with {built}")
    if problems:
        raise ModelLoadError(
            "model was built for other library versions: " + "; ".join(problems)
            + " (install the pinned versions from pyproject.toml, or retrain with `slant train`)"
        )


def read_manifest(model_dir: Path) -> dict:
    """Read and sanity-check ``manifest.json`` of ``model_dir``."""
    path = Path(model_dir) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelLoadError(f"no {MANIFEST} in model directory {model_dir}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelLoadError(f"cannot read {path}: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ModelLoadError(f"{path} is not a {FORMAT} manifest")
    files = manifest.get("files")
    if not isinstance(files, dict) or CLASSIFIER_FILE not in files or PUNKT_FILE not in files:
        raise ModelLoadError(f"{path} does not list {CLASSIFIER_FILE} and {PUNKT_FILE}")
    return manifest


def verify_files(model_dir: Path, manifest: dict) -> None:
    """Check size and SHA-256 of every file the manifest lists."""
    for name, entry in manifest["files"].items():
        path = Path(model_dir) / name
        if Path(name).name != name:
            raise ModelLoadError(f"manifest lists a file outside the model directory: {name!r}")
        if not path.is_file():
            raise ModelLoadError(f"model file missing: {path}")
        actual = sha256_file(path)
        if actual != entry.get("sha256"):
            raise ModelLoadError(
                f"model file {path} does not match its manifest hash "
                f"(expected sha256 {entry.get('sha256')}, found {actual}); refusing to load it"
            )


def load_model(model_dir: str | Path | None = None):
    """Verify and load the model in ``model_dir`` (default: the shipped one).

    Parameters
    ----------
    model_dir : str or Path, optional
        Directory with ``manifest.json``, ``classifier.joblib`` and ``punkt.json``.

    Returns
    -------
    SlantModel

    Raises
    ------
    ModelLoadError
        If a file is missing, a hash differs from the manifest, or the pinned
        library versions differ from those the model was built with.
    """
    from model.pipeline import SlantModel
    from model.splitter import SentenceSplitter

    model_dir = Path(model_dir) if model_dir is not None else DEFAULT_MODEL_DIR
    manifest = read_manifest(model_dir)
    verify_files(model_dir, manifest)
    check_versions(manifest.get("versions", {}))
    try:
        splitter = SentenceSplitter.from_file(model_dir / PUNKT_FILE)
        if SCORER_FILE in manifest["files"]:
            from model.scorer import Scorer

            scorer, estimator = Scorer.load(model_dir / SCORER_FILE), None
            scorer.warm_up()
            from model.cue_batch import warm_up as warm_cues

            warm_cues()
        else:
            scorer, estimator = None, load_estimator(model_dir)
    except ModelLoadError:
        raise
    except Exception as exc:  # a verified file that still fails to load
        raise ModelLoadError(f"cannot load model from {model_dir}: {exc}") from exc
    return SlantModel(estimator, splitter, manifest, model_dir=model_dir, scorer=scorer)


def load_estimator(model_dir: str | Path):
    """The scikit-learn pipeline of a verified model directory (imports scikit-learn).

    The file is hashed again right before unpickling, so a file swapped after
    :func:`load_model` verified the directory is refused.
    """
    import joblib

    model_dir = Path(model_dir)
    manifest = read_manifest(model_dir)
    path = model_dir / CLASSIFIER_FILE
    if sha256_file(path) != manifest["files"][CLASSIFIER_FILE].get("sha256"):
        raise ModelLoadError(f"model file {path} does not match its manifest hash; refusing to load it")
    try:
        return joblib.load(path)
    except Exception as exc:
        raise ModelLoadError(f"cannot load {path}: {exc}") from exc


def write_manifest(model_dir: Path, manifest: dict) -> dict:
    """Hash the model files, fill in versions and write ``manifest.json``.

    The model ``version`` is derived from the content hashes of the classifier
    and the Punkt parameters, so the same model always carries the same version
    (``scorer.npz``, when present, is listed and verified but derived from them).
    """
    model_dir = Path(model_dir)
    files = {}
    for name in (CLASSIFIER_FILE, PUNKT_FILE, SCORER_FILE):
        path = model_dir / name
        if name != SCORER_FILE or path.is_file():
            files[name] = {"sha256": sha256_file(path), "bytes": path.stat().st_size}
    combined = hashlib.sha256((files[CLASSIFIER_FILE]["sha256"] + files[PUNKT_FILE]["sha256"]).encode()).hexdigest()
    manifest = {"format": FORMAT, **manifest, "files": files,
                "version": combined[:12], "versions": library_versions()}
    (model_dir / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest
