"""Distillation plumbing: the unlabelled pool, pseudo-label tables, the student fitter and its CLI options.

The teacher itself (torch) is training-time only and not installed in the test
environment; everything here runs without it, on small texts of our own.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from model.artifact import MANIFEST
from training.cli import main
from training.corpora import Record, read_labelled_file
from training.pool import build_pool, pool_keys, text_key
from training.pseudo import DEFAULT_TABLE, PseudoLabelError, PseudoLabels, fingerprint, select
from training.student import distilled_training_data, fit_distilled

ROOT = Path(__file__).resolve().parents[1]
STARTER = ROOT / "training" / "data" / "starter.csv"

ARTICLE = ("The regional council opened a new library in the old post office on Monday. "
           "Critics called the opening ceremony a shameless vanity project for the mayor. "
           "Short one. "
           "The library will be open six days a week from nine in the morning.")
POOL_ROWS = ["Ministers signed the trade agreement after two days of talks in Geneva.",
             "This reckless and frankly absurd plan will bankrupt the town within a year!",
             "I believe the committee should have listened to the residents much earlier.",
             "Ministers signed the trade agreement after two days of talks in Geneva.",  # a duplicate
             "Far too short."]
CHECKTHAT_TEXT = "The museum reopened to visitors after a long renovation of its east wing."
BABE_TEXT = "The senator's outrageous stunt was nothing but cheap political theatre."


def _write_csv(path: Path, rows: list[dict], delimiter: str = ",") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A miniature data directory with every corpus the pool reads, all text our own."""
    root = tmp_path / "corpora"
    for folder in ("train-articles", "dev-articles", "test-articles"):
        (root / "semeval2020_ptc" / folder).mkdir(parents=True)
    (root / "semeval2020_ptc" / "train-articles" / "article1.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "semeval2020_ptc" / "dev-articles" / "article2.txt").write_text(CHECKTHAT_TEXT, encoding="utf-8")
    _write_csv(root / "basil" / "sentences.csv", [{"text": t, "label": "none"} for t in POOL_ROWS])
    _write_csv(root / "multidimnews" / "sentences.csv", [{"text": BABE_TEXT, "label_bias": "1"}])
    _write_csv(root / "semeval2023_task3_en" / "paragraphs.csv",
               [{"text": "Residents queued for hours in the rain to see the new bridge open. It was worth it, they said.",
                 "label": "False"}])
    babe = [{"text": BABE_TEXT, "label_bias": "Biased", "label_opinion": "Expresses writer's opinion"}]
    for name in ("final_labels_SG1.csv", "final_labels_MBIC.csv", "final_labels_SG2.csv"):
        _write_csv(root / "babe" / name, babe, delimiter=";")
    for split in ("train", "dev", "dev_test"):
        _write_csv(root / "checkthat2025_en" / f"{split}_en.tsv",
                   [{"sentence_id": "1", "sentence": CHECKTHAT_TEXT, "label": "OBJ"}], delimiter="\t")
    return root


def test_pool_is_filtered_deduplicated_and_excludes_evaluation_sentences(data_dir):
    pool = build_pool(data_dir)
    assert pool == build_pool(data_dir)  # deterministic
    assert "The regional council opened a new library in the old post office on Monday." in pool
    assert POOL_ROWS[1] in pool and POOL_ROWS[2] in pool
    assert pool.count(POOL_ROWS[0]) == 1
    assert "Short one." not in pool and "Far too short." not in pool  # under 5 words / 25 characters
    assert CHECKTHAT_TEXT not in pool and BABE_TEXT not in pool  # evaluation corpora never enter the pool
    assert "Residents queued for hours in the rain to see the new bridge open." in pool  # paragraphs are split
    keys = pool_keys(pool)
    assert keys.dtype == np.uint64 and len(set(keys.tolist())) == len(pool)
    assert text_key("“Quoted”  TEXT") == text_key('"quoted" text')  # keys use the de-duplication normalisation


def test_pool_names_a_missing_corpus(tmp_path):
    with pytest.raises(Exception, match="missing corpus folder"):
        build_pool(tmp_path)


def _records(n: int = 6) -> list[Record]:
    return [r for r in read_labelled_file(STARTER) if r.split == "train"][: n * 20]


def test_fingerprint_ignores_order_and_repeats_but_not_labels():
    recs = _records()
    assert fingerprint(recs) == fingerprint(list(reversed(recs))) == fingerprint(recs + recs[:5])
    changed = [Record(text=recs[0].text, label="loaded" if recs[0].label != "loaded" else "factual",
                      source="x")] + recs[1:]
    assert fingerprint(changed) != fingerprint(recs)


def test_table_round_trip_and_errors(tmp_path):
    keys = np.arange(4, dtype=np.uint64)
    table = PseudoLabels(keys, meta={"recipe": {"epochs": 3}})
    probs = np.array([[0.9, 0.05, 0.05], [0.2, 0.5, 0.3], [0.1, 0.1, 0.8], [0.34, 0.33, 0.33]])
    recs = _records()
    table.add(fingerprint(recs), probs, {"name": "unit"})
    path = tmp_path / "t.npz"
    table.save(path)
    loaded = PseudoLabels.load(path)
    assert np.allclose(loaded.for_training_set(recs), probs, atol=1e-3)
    assert loaded.meta["recipe"] == {"epochs": 3} and loaded.meta["sets"][fingerprint(recs)]["name"] == "unit"
    with pytest.raises(PseudoLabelError, match="no teacher was trained on this training set.*unit"):
        loaded.for_training_set(recs[:10])
    with pytest.raises(PseudoLabelError, match="not the one the teachers labelled"):
        loaded.check_pool(keys[:3])
    with pytest.raises(PseudoLabelError, match="expected \\(4, 3\\)"):
        table.add("x", probs[:2], {})
    with pytest.raises(PseudoLabelError, match="slant distill"):
        PseudoLabels.load(tmp_path / "missing.npz")
    (tmp_path / "bad.npz").write_bytes(b"not a table")
    with pytest.raises(PseudoLabelError, match="not a pseudo-label table"):
        PseudoLabels.load(tmp_path / "bad.npz")
    rows, top = select(probs, 0.7)
    assert rows.tolist() == [0, 2] and top.tolist() == [0, 2]
    with pytest.raises(ValueError, match="min_confidence"):
        select(probs, 1.5)


def _table_for(data_dir: Path, records: list[Record]) -> tuple[PseudoLabels, list[str], np.ndarray]:
    pool = build_pool(data_dir)
    probs = np.tile([0.04, 0.04, 0.92], (len(pool), 1))
    probs[0] = [0.5, 0.3, 0.2]  # below the confidence threshold
    table = PseudoLabels(pool_keys(pool))
    table.add(fingerprint(records), probs, {"name": "unit"})
    return table, pool, probs


def test_student_weights_pool_rows_by_gold_class_balance(data_dir):
    records = _records()
    table, pool, _ = _table_for(data_dir, records)
    texts, labels, weights, summary = distilled_training_data(records, table, data_dir, weight=0.5,
                                                              min_confidence=0.7)
    gold = len(records)
    assert texts[:gold] == [r.text for r in records] and pool[0] not in texts[gold:]
    assert summary["pool_sentences_used"] == len(pool) - 1 == len(texts) - gold
    counts = {lab: sum(r.label == lab for r in records) for lab in ("factual", "opinion", "loaded")}
    loaded_weight = gold / (3 * counts["loaded"])
    assert np.allclose(weights[gold:], 0.5 * loaded_weight) and set(labels[gold:]) == {"loaded"}
    first = records[0]
    assert weights[0] == pytest.approx(gold / (3 * counts[first.label]))


def test_fit_distilled_trains_on_the_pool_and_refuses_a_foreign_training_set(data_dir):
    records = _records()
    table, pool, _ = _table_for(data_dir, records)
    model = fit_distilled(records, table=table, data_dir=data_dir)
    assert model.distillation_["pool_sentences_used"] == len(pool) - 1
    assert set(model.predict(pool)) <= {"factual", "opinion", "loaded"}
    assert model.classifier_.class_weight is None  # the sample weights balance the classes
    single = fit_distilled(records, table=table, data_dir=data_dir, heads=False)
    assert single.named_steps["classifier"].class_weight is None
    with pytest.raises(PseudoLabelError, match="no teacher"):
        fit_distilled(records[:30], table=table, data_dir=data_dir)


def test_train_cli_distils_from_a_table_and_records_it(data_dir, tmp_path):
    corpus = tmp_path / "house.csv"
    records = _records()
    with open(corpus, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label"])
        writer.writerows([(r.text, r.label) for r in records])
    table, pool, _ = _table_for(data_dir, read_labelled_file(corpus))
    table.save(tmp_path / "table.npz")
    out = tmp_path / "model"
    args = ["train", "--corpus", str(corpus), "--data-dir", str(data_dir), "--out", str(out), "--holdout", "0",
            "--no-evaluate"]
    result = CliRunner().invoke(main, args + ["--pseudo-labels", str(tmp_path / "table.npz")])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["training"]["distillation"]["pool_sentences_used"] == len(pool) - 1
    assert manifest["training"]["distillation"]["teacher"] == fingerprint(records)
    assert manifest["training"]["model"]["type"] == "two-head" and manifest["training"]["model"]["head_rows"] == len(records)
    single = CliRunner().invoke(main, args + ["--out", str(tmp_path / "m1"), "--single-model",
                                              "--pseudo-labels", str(tmp_path / "table.npz")])
    assert single.exit_code == 0 and "single three-way model (--single-model)" in single.output, single.output
    assert json.loads((tmp_path / "m1" / MANIFEST).read_text())["training"]["model"] == {"type": "single"}

    other = CliRunner().invoke(main, args + ["--holdout", "0.2", "--pseudo-labels", str(tmp_path / "table.npz")])
    assert other.exit_code == 1 and "no teacher was trained on this training set" in other.output
    assert "Traceback" not in other.output
    auto = CliRunner().invoke(main, args + ["--out", str(tmp_path / "m2")])
    assert auto.exit_code == 0 and "fitting on the gold sentences only" in auto.output
    assert "distillation" not in json.loads((tmp_path / "m2" / MANIFEST).read_text())["training"]


def test_distill_cli_rejects_unknown_sets():
    result = CliRunner().invoke(main, ["distill", "--set", "babe-fold-9"])
    assert result.exit_code == 2 and "unknown set(s) babe-fold-9" in result.output


def test_shipped_table_covers_every_protocol_split_of_the_shared_corpora(shared_dir):
    from training.distill import training_sets

    if not (shared_dir / "corpora" / "babe").is_dir():
        pytest.skip("needs the shared corpora in ../shared/corpora (fresh clone without the shared data)")
    table = PseudoLabels.load(DEFAULT_TABLE)
    table.check_pool(pool_keys(build_pool(shared_dir / "corpora")))
    for name, records in training_sets(shared_dir / "corpora"):
        assert fingerprint(records) in table.probs, name
