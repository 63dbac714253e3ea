"""The ``slant`` command line: JSON out, clean one-line errors, help everywhere."""

import json

import pytest
from click.testing import CliRunner

from training.cli import main

FIXTURE = __import__("pathlib").Path(__file__).parent / "fixtures" / "tiny_corpus.csv"
TEXT = ("Officials confirmed the dam was closed on Friday.\n\n"
        "The so-called “plan” is a disgrace! I think the council should resign.")


@pytest.fixture
def cli():
    return CliRunner()


def test_classify_stdin_prints_api_json(cli):
    result = cli.invoke(main, ["classify", "-"], input=TEXT)
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["summary"]["sentences"] == len(out["sentences"]) == 3
    for s in out["sentences"]:
        assert TEXT[s["start"]:s["end"]] == s["text"]
    assert {"so_called", "scare_quotes"} <= {c["type"] for c in out["sentences"][1]["cues"]}


def test_classify_file(cli, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(TEXT, encoding="utf-8")
    result = cli.invoke(main, ["classify", str(path)])
    assert result.exit_code == 0
    assert json.loads(result.output)["model"]["version"]


def test_classify_sentences_jsonl_keeps_lines(cli, tmp_path):
    path = tmp_path / "s.txt"
    path.write_text("First line. Still the first line.\n\n  Second line!  \nThird?\n", encoding="utf-8")
    result = cli.invoke(main, ["classify", "--sentences", str(path)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["text"] for r in rows] == ["First line. Still the first line.", "Second line!", "Third?"]
    assert all(set(r) == {"text", "label", "scores", "cues"} for r in rows)
    assert abs(sum(rows[0]["scores"].values()) - 1) < 1e-6


@pytest.mark.parametrize("args, message", [
    (["classify", "/no/such/file.txt"], "cannot read /no/such/file.txt"),
    (["classify", "--model", "/no/such/dir", "-"], "no manifest.json"),
])
def test_errors_are_one_clean_line(cli, args, message):
    result = cli.invoke(main, args, input="Some text.")
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_invalid_utf8_names_the_line(cli, tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"Fine line.\nBad \xff byte.\n")
    result = cli.invoke(main, ["classify", str(path)])
    assert result.exit_code == 1
    assert "line 2: bytes are not valid UTF-8" in result.output


def test_empty_text_is_an_error(cli):
    result = cli.invoke(main, ["classify", "-"], input="   \n")
    assert result.exit_code == 1 and "no text to classify" in result.output


@pytest.mark.parametrize("command", [[], ["classify"], ["train"], ["evaluate"], ["serve"]])
def test_every_command_has_help(cli, command):
    result = cli.invoke(main, command + ["--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output and len(result.output.splitlines()) > 3


def test_train_writes_a_loadable_model(cli, tmp_path):
    out = tmp_path / "m"
    result = cli.invoke(main, ["train", "--corpus", str(FIXTURE), "--out", str(out), "--no-evaluate",
                               "--quiet", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["training"]["sentences"] + summary["training"]["heldout_sentences"] == 30
    result = cli.invoke(main, ["classify", "--model", str(out), "-"], input=TEXT)
    assert result.exit_code == 0
    assert json.loads(result.output)["model"]["version"] == summary["version"]


def test_train_reports_all_corpus_problems_and_writes_nothing(cli, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\nOne.,factual\nTwo.,opinon\n,loaded\n", encoding="utf-8")
    out = tmp_path / "m"
    result = cli.invoke(main, ["train", "--corpus", str(bad), "--out", str(out), "--no-evaluate"])
    assert result.exit_code == 1
    assert "2 problem(s)" in result.output
    assert 'line 3: label "opinon" is not one of factual, opinion, loaded — did you mean "opinion"?' in result.output
    assert "line 4: text is empty" in result.output
    assert not out.exists()
