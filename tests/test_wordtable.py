"""The learned loaded-word table block: out-of-fold training features, no test-fold leakage, pickling, fast path."""

from __future__ import annotations

import csv
import pickle

import numpy as np
import pytest

from model.compile import compile_pipeline
from model.wordtable import LoadedWordTable, learn_rates
from training.corpora import Record, parse_biased_words, read_babe
from training.evaluate import babe_protocol
from training.train import fit

TOPICS = ["the council", "the senator", "the mayor", "the agency", "the union", "the court", "the governor",
          "the board", "the minister", "the company", "the committee", "the police"]


def marker(i: int) -> str:
    """A made-up word that occurs in exactly one fixture sentence."""
    return "zq" + "abcdefghijklmnopqrstuvwxyz"[i % 26] + "vx" + "abcdefghijklmnopqrstuvwxyz"[i // 26]


def fixture_rows():
    """BABE-like rows: 12 biased sentences (each with its own marker word, marked), 12 neutral ones."""
    rows = []
    for i, topic in enumerate(TOPICS):
        rows.append({"text": f"Critics say {topic} pushed a {marker(i)} radical scheme through again.",
                     "label_bias": "Biased", "label_opinion": "Expresses writer's opinion",
                     "biased_words": repr([marker(i), "radical"])})
        rows.append({"text": f"On Tuesday {topic} published its annual report number {i}.",
                     "label_bias": "Non-biased", "label_opinion": "Entirely factual", "biased_words": "[]"})
    return rows


def records():
    return [Record(r["text"], "loaded" if r["label_bias"] == "Biased" else "factual", "babe:fixture",
                   bias=r["label_bias"], biased_words=parse_biased_words(r["biased_words"])) for r in fixture_rows()]


def supervision(recs):
    return [list(r.biased_words) for r in recs]


def raw(block, z):
    """Undo standardisation and scale of the block's output."""
    return z.toarray() / block.scale * block.std_ + block.mean_


def test_learned_rates_are_smoothed_marked_over_occurrences():
    rates = learn_rates([{"a", "radical"}, {"b", "radical"}, {"c"}], [["radical"], [], None])
    assert rates == {"radical": pytest.approx(1 / 4)}


def test_training_features_are_out_of_fold_and_inference_uses_the_full_table():
    recs = records()
    texts = [r.text for r in recs]
    block = LoadedWordTable(scale=0.3)
    z_train = block.fit_transform(texts, biased_words=supervision(recs))
    assert z_train.shape == (len(texts), 3) and z_train.dtype == np.float32
    oof, full = raw(block, z_train), raw(block, block.transform(texts))
    for i in range(0, len(texts), 2):  # biased rows: marker only in this sentence, "radical" in all biased rows
        assert marker(i // 2) in block.word_index_
        # full table: the sum has the unique marker's rate 1/(1+2) (+ "radical" at 12/14); out of fold the
        # marker is unknown and "radical" has its rate in the other folds (< 12/14)
        root = np.sqrt(len(texts[i].split()))
        assert full[i, 0] == pytest.approx(12 / 14, abs=1e-5)
        assert full[i, 1] * root == pytest.approx(1 / 3 + 12 / 14, abs=1e-5)
        assert oof[i, 1] * root < 12 / 14 + 1e-5
    # fit() alone gives the same fitted state as fit_transform()
    other = LoadedWordTable(scale=0.3).fit(texts, biased_words=supervision(recs))
    np.testing.assert_array_equal(other.mean_, block.mean_)
    np.testing.assert_array_equal(other.rates_, block.rates_)


def test_sentences_without_supervision_do_not_count_as_occurrences():
    texts = ["a radical plan", "a radical idea", "radical"]
    block = LoadedWordTable().fit(texts, biased_words=[["radical"], None, None])
    assert block.rates_[block.word_index_["radical"], 0] == pytest.approx(1 / 3)


def test_span_tables_and_feature_names():
    recs = records()
    spans = {"ptc_loaded": {"scheme": 0.5}, "basil_lex": {"pushed": 0.2}}
    block = LoadedWordTable().fit([r.text for r in recs], biased_words=supervision(recs), span_tables=spans)
    assert block.table_names_ == ["bw", "basil_lex", "ptc_loaded"]
    assert list(block.get_feature_names_out())[:4] == ["wt:bw:max", "wt:bw:sum", "wt:bw:count", "wt:basil_lex:max"]
    x = raw(block, block.transform(["The scheme was pushed.", "Nothing here."]))
    assert x[0, 6] == pytest.approx(0.5, abs=1e-5) and x[0, 3] == pytest.approx(0.2, abs=1e-5)
    assert x[0, 8] == pytest.approx(1 / 2, abs=1e-5)  # one token above 0.3 / sqrt(4 tokens)
    assert np.allclose(x[1], 0, atol=1e-5)


def test_deterministic_and_picklable():
    recs = records()
    texts = [r.text for r in recs]
    a = LoadedWordTable().fit_transform(texts, biased_words=supervision(recs)).toarray()
    block = LoadedWordTable()
    b = block.fit_transform(texts, biased_words=supervision(recs)).toarray()
    np.testing.assert_array_equal(a, b)
    clone = pickle.loads(pickle.dumps(block))
    np.testing.assert_array_equal(clone.transform(texts).toarray(), block.transform(texts).toarray())
    assert set(block.get_params()) == {"scale", "threshold", "alpha", "n_folds", "random_state"}


def test_pipeline_routes_supervision_and_fast_path_matches():
    recs = records() + [Record(f"I think {t} is doing a fine job overall.", "opinion", "checkthat:x") for t in TOPICS]
    pipeline = fit(recs, word_table_scale=0.3, span_dir="/nonexistent")
    block = dict(pipeline.named_steps["features"].transformer_list)["bw"]
    assert block.table_names_ == ["bw"] and marker(0) in block.word_index_
    probe = [r.text for r in recs] + ["A radical scheme, critics say.", "", "Nothing to see"]
    with pytest.raises(ValueError, match="expected feature blocks"):
        compile_pipeline(pipeline)  # this shape serves through scikit-learn
    # without the block the pipeline is the old one (no routing needed)
    plain = fit(recs, word_table_scale=0.0)
    assert "bw" not in dict(plain.named_steps["features"].transformer_list)


def write_data_dir(tmp_path):
    (tmp_path / "babe").mkdir()
    with open(tmp_path / "babe" / "final_labels_SG2.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["text", "label_bias", "label_opinion", "biased_words"], delimiter=";")
        writer.writeheader()
        writer.writerows(fixture_rows())
    ct = tmp_path / "checkthat2025_en"
    ct.mkdir()
    for split in ("train", "dev", "dev_test"):
        with open(ct / f"{split}_en.tsv", "w", encoding="utf-8") as fh:
            fh.write("sentence_id\tsentence\tlabel\n")
            for i, t in enumerate(TOPICS[:6]):
                fh.write(f"{split}{i}\tI believe {t} deserves praise for {split} work.\tSUBJ\n")
                fh.write(f"{split}o{i}\t{t} met on day {i} of the {split} session.\tOBJ\n")
    return tmp_path


def test_babe_protocol_uses_only_the_training_folds_biased_words(tmp_path):
    data_dir = write_data_dir(tmp_path)
    assert read_babe(data_dir / "babe")[0].biased_words == (marker(0), "radical")
    seen = []

    class Spy:
        def __init__(self, model):
            self.model = model

        @property
        def classes_(self):
            return self.model.classes_

        def predict_proba(self, texts):
            seen.append((self.model, list(texts)))
            return self.model.predict_proba(texts)

    def fitter(train, seed=0, **_):
        return Spy(fit(train, seed=seed, word_table_scale=0.3, span_dir=data_dir))

    babe_protocol(data_dir, fitter=fitter)
    assert len(seen) == 5
    index = {r["text"]: i for i, r in enumerate(fixture_rows())}
    for model, test_texts in seen:
        table = dict(model.named_steps["features"].transformer_list)["bw"]
        test_markers = {marker(index[t] // 2) for t in test_texts if index[t] % 2 == 0}
        train_markers = {marker(i) for i in range(len(TOPICS))} - test_markers
        assert test_markers and not test_markers & set(table.word_index_)  # test-fold annotations never used
        assert train_markers <= set(table.word_index_)  # training-fold annotations are
