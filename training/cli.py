"""The ``slant`` command line: classify, train, evaluate, serve.

``train`` and ``evaluate`` live in :mod:`training.train_cli` and :mod:`training.evaluate_cli`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from model.artifact import DEFAULT_MODEL_DIR, ModelLoadError

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


from training.evaluate_cli import evaluate  # noqa: E402  (per-command modules)
from training.train_cli import train  # noqa: E402
from training.distill_cli import distill, word_vectors  # noqa: E402

main.add_command(train)
main.add_command(evaluate)
main.add_command(distill)
main.add_command(word_vectors)


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


from training.feedback_cli import feedback  # noqa: E402

main.add_command(feedback)


if __name__ == "__main__":
    main()
