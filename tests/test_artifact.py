"""Model directory verification: nothing is unpickled unless hashes and versions match."""

import json
import shutil

import pytest

from model import DEFAULT_MODEL_DIR, ModelLoadError, load_model
from model.artifact import CLASSIFIER_FILE, MANIFEST, PUNKT_FILE, SCORER_FILE, sha256_file
from training.corpora import read_labelled_file
from training.train import train_and_save

FIXTURE = __import__("pathlib").Path(__file__).parent / "fixtures" / "tiny_corpus.csv"


@pytest.fixture
def model_copy(tmp_path):
    for name in (CLASSIFIER_FILE, PUNKT_FILE, SCORER_FILE, MANIFEST):
        shutil.copyfile(DEFAULT_MODEL_DIR / name, tmp_path / name)
    return tmp_path


def test_shipped_model_loads_and_is_verified():
    model = load_model()
    manifest = json.loads((DEFAULT_MODEL_DIR / MANIFEST).read_text())
    assert model.version == manifest["version"]
    for name, entry in manifest["files"].items():
        assert sha256_file(DEFAULT_MODEL_DIR / name) == entry["sha256"]
    assert set(manifest["labels"]) == {"factual", "opinion", "loaded"}


def test_flipped_byte_is_refused(model_copy):
    path = model_copy / CLASSIFIER_FILE
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match="does not match its manifest hash"):
        load_model(model_copy)


def test_truncated_punkt_is_refused(model_copy):
    path = model_copy / PUNKT_FILE
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(ModelLoadError, match=f"{PUNKT_FILE} does not match"):
        load_model(model_copy)


def test_swapped_classifier_is_refused(model_copy, tmp_path_factory):
    other = tmp_path_factory.mktemp("other")
    train_and_save(read_labelled_file(FIXTURE), other)
    shutil.copyfile(other / CLASSIFIER_FILE, model_copy / CLASSIFIER_FILE)
    with pytest.raises(ModelLoadError, match="hash"):
        load_model(model_copy)


def test_missing_files_and_manifest(model_copy):
    (model_copy / PUNKT_FILE).unlink()
    with pytest.raises(ModelLoadError, match="model file missing"):
        load_model(model_copy)
    (model_copy / MANIFEST).unlink()
    with pytest.raises(ModelLoadError, match="no manifest.json"):
        load_model(model_copy)


def test_incompatible_library_version_is_refused(model_copy):
    manifest = json.loads((model_copy / MANIFEST).read_text())
    manifest["versions"]["scikit-learn"] = "0.24.2"
    (model_copy / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(ModelLoadError, match="scikit-learn .* built with 0.24.2"):
        load_model(model_copy)


def test_manifest_cannot_point_outside_the_directory(model_copy):
    manifest = json.loads((model_copy / MANIFEST).read_text())
    manifest["files"]["../classifier.joblib"] = manifest["files"][CLASSIFIER_FILE]
    (model_copy / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(ModelLoadError, match="outside the model directory"):
        load_model(model_copy)


def test_same_data_and_seed_give_identical_model(tmp_path):
    records = read_labelled_file(FIXTURE)
    first = train_and_save(records, tmp_path / "a", seed=3)
    second = train_and_save(records, tmp_path / "b", seed=3)
    assert first["version"] == second["version"]
    assert (tmp_path / "a" / CLASSIFIER_FILE).read_bytes() == (tmp_path / "b" / CLASSIFIER_FILE).read_bytes()
    model = load_model(tmp_path / "a")
    out = model.classify_text("The council met on Monday. I think it was a waste of time!")
    assert out["summary"]["sentences"] == 2


def test_tampered_scorer_is_refused(model_copy):
    path = model_copy / SCORER_FILE
    data = bytearray(path.read_bytes())
    data[-40] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match=f"{SCORER_FILE} does not match"):
        load_model(model_copy)


def test_classifier_swapped_after_load_is_refused_when_the_reference_is_needed(model_copy, tmp_path_factory):
    model = load_model(model_copy)  # serves from scorer.npz; the pipeline is loaded on first use
    other = tmp_path_factory.mktemp("other2")
    train_and_save(read_labelled_file(FIXTURE), other)
    shutil.copyfile(other / CLASSIFIER_FILE, model_copy / CLASSIFIER_FILE)
    with pytest.raises(ModelLoadError, match="hash"):
        model.reference_scores(["A sentence."])


def test_model_without_scorer_serves_through_sklearn(model_copy):
    from model.artifact import write_manifest

    manifest = json.loads((model_copy / MANIFEST).read_text())
    (model_copy / SCORER_FILE).unlink()
    info = {k: v for k, v in manifest.items() if k not in ("format", "files", "version", "versions")}
    assert write_manifest(model_copy, info)["version"] == manifest["version"]  # version ignores the scorer
    model = load_model(model_copy)
    assert model.scorer is not None  # compiled in memory from the verified pipeline
    sample = ["The so-called reform is a DISGRACE!", "Rates rose 0.25 points on Tuesday."]
    assert abs(model.scores(sample) - load_model().scores(sample)).max() <= 1e-9
