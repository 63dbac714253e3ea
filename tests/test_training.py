"""`slant train` (hold-out, de-duplication, quality gate, reproducibility) and `slant evaluate --corpus/--compare`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from model.artifact import CLASSIFIER_FILE, MANIFEST
from training.cli import main
from training.corpora import read_labelled_file
from training.metrics import calibration, mcnemar, paired_bootstrap

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = Path(__file__).parent / "fixtures" / "tiny_corpus.csv"
STARTER = ROOT / "training" / "data" / "starter.csv"


@pytest.fixture
def cli():
    return CliRunner()


def subset(tmp_path: Path, n: int, name: str = "sub.csv", offset: int = 0) -> Path:
    """The first ``n`` train rows and ``n // 4`` test rows of the starter corpus, per label, as a CSV."""
    rows = list(csv.DictReader(open(STARTER, encoding="utf-8", newline="")))
    picked = []
    for label in ("factual", "opinion", "loaded"):
        for split, k in (("train", n), ("test", n // 4)):
            picked += [r for r in rows if r["label"] == label and r["split"] == split][offset:offset + k]
    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as h:
        writer = csv.DictWriter(h, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(picked)
    return path


def train(cli, *args):
    return cli.invoke(main, ["train", "--no-evaluate", *map(str, args)])


def test_starter_corpus_is_valid_and_balanced():
    records = read_labelled_file(STARTER)
    assert len(records) >= 1500
    shares = {lab: sum(r.label == lab for r in records) / len(records) for lab in ("factual", "opinion", "loaded")}
    assert 0.35 < shares["factual"] < 0.55 and 0.2 < shares["opinion"] < 0.4 and 0.15 < shares["loaded"] < 0.35
    test = [r for r in records if r.split == "test"]
    assert 0.15 < len(test) / len(records) < 0.25
    assert len({r.text.lower() for r in records}) == len(records)
    assert (ROOT / "training" / "data" / "LICENSE").is_file()


def test_split_column_is_held_out_and_recorded(cli, tmp_path):
    corpus = subset(tmp_path, 20)
    result = train(cli, "--corpus", corpus, "--out", tmp_path / "m", "--json", "--quiet")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["training"]["heldout_sentences"] == 15 and out["training"]["sentences"] == 60
    manifest = json.loads((tmp_path / "m" / MANIFEST).read_text())
    ev = manifest["evaluation"]
    assert ev["n"] == 15 and ev["split"].startswith("split column")
    assert set(ev["per_class"]) == {"factual", "opinion", "loaded"} and len(ev["confusion"]) == 3
    assert len(ev["calibration"]["reliability"]) == 5 and 0 <= ev["calibration"]["brier"] <= 2
    card = (tmp_path / "m" / "MODEL_CARD.md").read_text()
    assert "## Held-out evaluation" in card and "Brier" in card


def test_random_holdout_without_split_column_and_reproducible(cli, tmp_path):
    for name in ("a", "b"):
        result = train(cli, "--corpus", FIXTURE, "--out", tmp_path / name, "--seed", 4, "--holdout", 0.2, "--quiet")
        assert result.exit_code == 0, result.output
    a, b = (json.loads((tmp_path / n / MANIFEST).read_text()) for n in "ab")
    assert a["evaluation"]["n"] == 6 and a["evaluation"]["split"] == "stratified 20% hold-out (seed 4)"
    assert a["version"] == b["version"] and a["evaluation"] == b["evaluation"]
    assert (tmp_path / "a" / CLASSIFIER_FILE).read_bytes() == (tmp_path / "b" / CLASSIFIER_FILE).read_bytes()
    result = train(cli, "--corpus", FIXTURE, "--out", tmp_path / "c", "--holdout", 0, "--json", "--quiet")
    assert json.loads(result.stdout)["training"]["sentences"] == 30


def test_several_corpora_report_duplicates_and_conflicts(cli, tmp_path):
    first = tmp_path / "one.csv"
    first.write_text("text,label\nRain fell on Monday.,factual\nI like rain.,opinion\n", encoding="utf-8")
    second = tmp_path / "two.jsonl"
    second.write_text('{"text": "rain  fell on Monday.", "label": "factual"}\n'
                      '{"text": "I LIKE rain.", "label": "loaded"}\n', encoding="utf-8")
    result = train(cli, "--corpus", FIXTURE, "--corpus", first, "--corpus", second, "--out", tmp_path / "m", "--json")
    assert result.exit_code == 0, result.output
    assert "dropped 1 duplicate sentence(s) and 1 text(s) with conflicting labels" in result.stderr
    assert "conflicting labels for “I like rain.”: opinion (one), loaded (two)" in result.stderr
    training = json.loads(result.stdout)["training"]
    assert (training["duplicates_dropped"], training["conflicting_texts_dropped"]) == (1, 1)


def test_problems_in_several_files_are_all_reported(cli, tmp_path):
    bad1 = tmp_path / "a.csv"
    bad1.write_text("text,label\nOne.,factul\n", encoding="utf-8")
    bad2 = tmp_path / "b.tsv"
    bad2.write_text("text\tlabel\n\tloaded\n", encoding="utf-8")
    result = train(cli, "--corpus", bad1, "--corpus", bad2, "--corpus", tmp_path / "absent.csv", "--out", tmp_path / "m")
    assert result.exit_code == 1 and "3 problem(s)" in result.output
    assert f"{bad1}: line 2" in result.output and f"{bad2}: line 2: text is empty" in result.output
    assert "absent.csv: no such file" in result.output and not (tmp_path / "m").exists()


def test_one_label_only_is_a_clean_error(cli, tmp_path):
    path = tmp_path / "one.csv"
    path.write_text("text,label\nA.,factual\nB.,factual\n", encoding="utf-8")
    result = train(cli, "--corpus", path, "--out", tmp_path / "m")
    assert result.exit_code == 1 and "at least two labels" in result.output and "Traceback" not in result.output


def test_quality_gate_refuses_a_worse_model_unless_forced(cli, tmp_path):
    good, weak, out = subset(tmp_path, 60, "good.csv"), subset(tmp_path, 4, "weak.csv"), tmp_path / "m"
    # the weak corpus shares its test rows with the good one, so both are scored on the same sentences
    rows = list(csv.DictReader(open(good, encoding="utf-8")))
    with open(weak, "a", encoding="utf-8", newline="") as h:
        csv.DictWriter(h, fieldnames=list(rows[0])).writerows(r for r in rows if r["split"] == "test")
    assert train(cli, "--corpus", good, "--out", out, "--quiet").exit_code == 0
    before = (out / MANIFEST).read_bytes()
    result = train(cli, "--corpus", weak, "--out", out, "--quiet")
    assert result.exit_code == 1
    assert "new model macro-F1" in result.output and "use --force to overwrite" in result.output
    assert "on 45 held-out sentences" in result.output and "(-0." in result.output
    assert (out / MANIFEST).read_bytes() == before
    result = train(cli, "--corpus", weak, "--out", out, "--force", "--json", "--quiet")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["gate"]["delta"] < 0 and (out / MANIFEST).read_bytes() != before


def test_evaluate_and_compare(cli, tmp_path):
    corpus = subset(tmp_path, 30)
    assert train(cli, "--corpus", corpus, "--out", tmp_path / "a", "--quiet").exit_code == 0
    assert train(cli, "--corpus", FIXTURE, "--out", tmp_path / "b", "--quiet").exit_code == 0
    result = cli.invoke(main, ["evaluate", "--model", str(tmp_path / "a"), "--corpus", str(corpus), "--split", "test"])
    assert result.exit_code == 0, result.output
    assert "macro-F1" in result.output and "confusion matrix" in result.output and "loaded (7)" in result.output
    result = cli.invoke(main, ["evaluate", "--model", str(tmp_path / "a"), "--corpus", str(corpus),
                               "--compare", str(tmp_path / "b"), "--json"])
    out = json.loads(result.output)
    assert out["sentences"] == 111 and len(out["models"]) == 2
    comp = out["comparison"]
    assert comp["mcnemar"]["test"] and 0 <= comp["mcnemar"]["p_value"] <= 1
    low, high = comp["bootstrap"]["ci95"]
    assert low <= comp["bootstrap"]["difference"] <= high
    text = cli.invoke(main, ["evaluate", "--model", str(tmp_path / "a"), "--corpus", str(corpus),
                             "--compare", str(tmp_path / "b")]).output
    assert "paired bootstrap 95% CI" in text and "McNemar" in text and "significant" in text
    result = cli.invoke(main, ["evaluate", "--model", str(tmp_path / "a")])
    assert result.exit_code != 0 and "need at least one --corpus" in result.output


def test_metrics_helpers():
    y = ["factual", "opinion", "loaded"] * 10
    assert mcnemar(y, y, y)["p_value"] == 1.0
    worse = ["factual"] * 30
    test = mcnemar(y, y, worse)
    assert (test["b"], test["c"], test["test"]) == (20, 0, "exact binomial") and test["p_value"] < 0.001
    boot = paired_bootstrap(y, y, worse, n=200)
    assert boot["ci95"][0] > 0
    import numpy as np
    perfect = calibration(y, np.eye(3)[[("factual", "opinion", "loaded").index(v) for v in y]])
    assert perfect["brier"] == 0 and perfect["reliability"][-1]["n"] == 30


def test_evaluate_protocol_extra_records_parameter():
    import inspect

    from training.evaluate import babe_protocol, checkthat_protocol
    for fn in (babe_protocol, checkthat_protocol):
        assert "extra_records" in inspect.signature(fn).parameters
