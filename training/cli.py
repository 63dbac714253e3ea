"""The ``slant`` command line: classify, train, evaluate, serve."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from model.artifact import DEFAULT_MODEL_DIR, ModelLoadError
from training.corpora import CorpusError

MODEL_OPTION = click.option("--model", "model_dir", type=click.Path(file_okay=False, path_type=Path),
                            default=None, help="Model directory (default: the shipped model, or $SLANT_MODEL_DIR).")


def _load(model_dir: Path | None):
    import os

    from model import load_model
    try:
        return load_model(model_dir or os.environ.get("SLANT_MODEL_DIR") or DEFAULT_MODEL_DIR)
    except ModelLoadError as exc:
        raise click.ClickException(str(exc)) from None


def _read_text(source: str) -> str:
    try:
        if source == "-":
            data = sys.stdin.buffer.read()
        else:
            data = Path(source).read_bytes()
    except OSError as exc:
        raise click.ClickException(f"cannot read {source}: {exc.strerror or exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise click.ClickException(f"{source}: line {line}: bytes are not valid UTF-8") from None


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="slant")
def main():
    """Slant: tag each sentence of a news text as factual, opinion or loaded, with the cues that explain it."""


@main.command()
@click.argument("source", default="-", metavar="[FILE|-]")
@click.option("--sentences", "presplit", is_flag=True,
              help="Treat each non-empty line as one sentence (no re-splitting); print JSON Lines.")
@MODEL_OPTION
def classify(source, presplit, model_dir):
    """Classify the text in FILE (or standard input) and print JSON.

    Without --sentences the output is the same JSON as POST /v1/classify; with
    it, one JSON object {text, label, scores, cues} per input line, in order.
    """
    text = _read_text(source)
    model = _load(model_dir)
    if presplit:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        for row in model.classify_sentences(lines)["sentences"]:
            click.echo(_dumps({k: row[k] for k in ("text", "label", "scores", "cues")}))
        return
    if not text.strip():
        raise click.ClickException(f"{source}: no text to classify")
    click.echo(json.dumps(model.classify_text(text), ensure_ascii=False, indent=2))


def _progress(quiet: bool, started: float):
    def say(message: str):
        if not quiet:
            click.echo(f"[{time.perf_counter() - started:6.1f}s] {message}", err=True)
    return say


@main.command()
@click.option("--corpus", "corpora", multiple=True, metavar="SPEC",
              help="Labelled corpus: a .csv/.tsv/.jsonl file with text,label columns, or NAME:PATH with NAME "
                   "babe or checkthat. Repeat to mix. Default: the shared corpora (BABE SG2 + CheckThat train/dev).")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the shared corpora (default ../shared/corpora or $SLANT_DATA_DIR).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Model directory to write (classifier.joblib, punkt.json, manifest.json, MODEL_CARD.md).")
@click.option("--seed", default=0, show_default=True, help="Random seed.")
@click.option("--name", default="slant", show_default=True, help="Model name recorded in the manifest.")
@click.option("--evaluate/--no-evaluate", "run_eval", default=True, show_default=True,
              help="Run the shared evaluation protocols (needs the data dir) and record them in the manifest.")
@click.option("--quiet", is_flag=True, help="No progress lines.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable JSON summary on stdout.")
def train(corpora, data_dir, out_dir, seed, name, run_eval, quiet, as_json):
    """Train a model on labelled corpora and write it to --out."""
    from training.corpora import read_corpus
    from training.evaluate import babe_protocol, checkthat_protocol
    from training.train import DEFAULT_DATA_DIR, default_corpora, train_and_save

    started = time.perf_counter()
    say = _progress(quiet, started)
    data_dir = data_dir or DEFAULT_DATA_DIR
    specs = list(corpora) or default_corpora(data_dir)
    records, problems = [], []
    for spec in specs:
        try:
            part = read_corpus(spec, data_dir)
        except CorpusError as exc:
            problems.extend(exc.problems)
            continue
        say(f"read {len(part)} sentences from {spec}")
        records.extend(part)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in the corpus, nothing was written:\n"
                                   + "\n".join(problems[:50]))
    metrics = {}
    if run_eval:
        if not (Path(data_dir) / "checkthat2025_en").is_dir():
            raise click.ClickException(f"--evaluate needs the shared corpora in {data_dir} (or pass --no-evaluate)")
        say("evaluating on CheckThat dev_test (factual vs opinion-or-loaded)")
        ct = checkthat_protocol(data_dir, seed=seed)
        say(f"  macro-F1 {ct['macro_f1']:.3f}; evaluating BABE SG2 5-fold CV")
        babe = babe_protocol(data_dir, seed=seed)
        metrics = {"checkthat_dev_test": {"macro_f1": ct["macro_f1"], "ci95_low": ct["ci95"][0],
                                          "ci95_high": ct["ci95"][1]},
                   "babe_sg2_5fold": {"loaded_vs_not_macro_f1": babe["loaded_vs_not"]["macro_f1"],
                                      "three_way_macro_f1": babe["three_way"]["macro_f1"]}}
        say(f"  loaded-vs-not macro-F1 {metrics['babe_sg2_5fold']['loaded_vs_not_macro_f1']:.3f}")
    say(f"fitting on {len(records)} sentences")
    shown = [spec.replace(str(data_dir), "$DATA_DIR") for spec in specs]
    manifest = train_and_save(records, out_dir, seed=seed, name=name, metrics=metrics, corpora=shown)
    say(f"wrote model {manifest['version']} to {out_dir}")
    if as_json:
        click.echo(json.dumps({"out": str(out_dir), "version": manifest["version"], "metrics": metrics,
                               "training": manifest["training"],
                               "seconds": round(time.perf_counter() - started, 2)}, indent=2))


@main.command()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the shared corpora (default ../shared/corpora or $SLANT_DATA_DIR).")
@click.option("--seed", default=0, show_default=True, help="Random seed.")
@click.option("--json", "as_json", is_flag=True, help="Print the full results as JSON.")
def evaluate(data_dir, seed, as_json):
    """Run the shared evaluation protocols for the naive baseline and the Slant recipe, side by side."""
    from training.evaluate import fit_naive, run_protocols
    from training.report import format_side_by_side
    from training.train import DEFAULT_DATA_DIR, fit

    data_dir = data_dir or DEFAULT_DATA_DIR
    if not (Path(data_dir) / "checkthat2025_en").is_dir() or not (Path(data_dir) / "babe").is_dir():
        raise click.ClickException(f"the shared corpora are not in {data_dir} (set --data-dir or SLANT_DATA_DIR)")
    try:
        results = run_protocols(data_dir, {"naive TF-IDF + LR": fit_naive, "slant": fit}, seed=seed)
    except CorpusError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(results, indent=2) if as_json else format_side_by_side(results))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port.")
@MODEL_OPTION
def serve(host, port, model_dir):
    """Run the development server (use gunicorn with the Procfile in production)."""
    from service import create_app

    config = {"MODEL_DIR": str(model_dir)} if model_dir else None
    try:
        app = create_app(config)
    except ModelLoadError as exc:
        raise click.ClickException(str(exc)) from None
    app.run(host=host, port=port)


if __name__ == "__main__":
    main()
