"""``slant evaluate``: the shared protocols, or one model (or two, compared) on any labelled corpus."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from model.artifact import DEFAULT_MODEL_DIR, ModelLoadError
from training.corpora import CorpusError


def _load(model_dir):
    from model import load_model
    try:
        return load_model(model_dir)
    except ModelLoadError as exc:
        raise click.ClickException(str(exc)) from None


def _table(reports: dict[str, dict]) -> list[str]:
    """Per-class P/R/F1 and macro-F1 of one or more models, columns side by side."""
    names = list(reports)
    labels = next(iter(reports.values()))["labels"]
    lines = ["".ljust(24) + "".join(n[-26:].rjust(28) for n in names)]
    lines.append("".ljust(24) + "".join("     P      R     F1".rjust(28) for _ in names))
    for lab in labels:
        cells = [reports[n]["per_class"][lab] for n in names]
        lines.append(f"{lab} ({cells[0]['support']})".ljust(24)
                     + "".join(f"{c['precision']:6.3f} {c['recall']:6.3f} {c['f1']:6.3f}".rjust(28) for c in cells))
    lines.append("macro-F1".ljust(24) + "".join(f"{reports[n]['macro_f1']:.3f}".rjust(28) for n in names))
    lines.append("accuracy".ljust(24) + "".join(f"{reports[n]['accuracy']:.3f}".rjust(28) for n in names))
    lines.append("Brier score".ljust(24)
                 + "".join(f"{reports[n]['calibration']['brier']:.3f}".rjust(28) for n in names))
    return lines


def format_report(result: dict) -> str:
    """Plain-text report of :func:`run` output."""
    from training.report import _confusion

    models = result["models"]
    lines = [f"{result['sentences']} labelled sentences from {', '.join(result['corpora'])}", ""]
    lines += _table({m["label"]: m["report"] for m in models})
    for m in models:
        lines += ["", f"{m['label']} ({m['version']}): confusion matrix"] + _confusion(m["report"])
    if "comparison" in result:
        c = result["comparison"]
        boot, test = c["bootstrap"], c["mcnemar"]
        lines += ["", f"difference in macro-F1 (first − second): {boot['difference']:+.3f}, paired bootstrap 95% CI "
                      f"[{boot['ci95'][0]:+.3f}, {boot['ci95'][1]:+.3f}] ({boot['resamples']} resamples)",
                  f"McNemar ({test['test']}): only first right {test['b']}, only second right {test['c']}, "
                  f"p = {test['p_value']:.4f}",
                  f"→ {c['verdict']}"]
    return "\n".join(lines)


def run(model_dirs: list[Path], records, seed: int = 0) -> dict:
    """Score each model on ``records``; with two models add the paired comparison."""
    from training.holdout import evaluate_scores, predictions
    from training.metrics import compare

    texts = [r.text for r in records]
    models, preds = [], []
    for model_dir in model_dirs:
        model = _load(model_dir)
        scores = model.scores(texts)
        preds.append(predictions(scores))
        models.append({"label": str(model_dir), "model_dir": str(model_dir), "version": model.version,
                       "report": evaluate_scores(records, scores)})
    result = {"sentences": len(records), "models": models}
    if len(models) == 2:
        result["comparison"] = compare([r.label for r in records], preds[0], preds[1], seed=seed)
    return result


@click.command()
@click.option("--model", "model_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Model to evaluate on --corpus (default: $SLANT_MODEL_DIR or the shipped model).")
@click.option("--corpus", "corpora", multiple=True, metavar="SPEC",
              help="Labelled corpus to evaluate on (as for `slant train`); repeat to pool several.")
@click.option("--split", "split_name", default=None, metavar="NAME",
              help="Only rows whose split column equals NAME (e.g. test).")
@click.option("--compare", "other_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="A second model: print both side by side with the difference and its significance.")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the shared corpora (default ../shared/corpora or $SLANT_DATA_DIR).")
@click.option("--seed", default=0, show_default=True, help="Random seed.")
@click.option("--jobs", default=None, type=click.IntRange(1, None),
              help="Processes for the protocol fits (default: one per CPU core; results do not depend on it).")
@click.option("--json", "as_json", is_flag=True, help="Print the full results as JSON.")
def evaluate(model_dir, corpora, split_name, other_dir, data_dir, seed, jobs, as_json):
    """Evaluate models.

    Without --corpus: run the shared evaluation protocols for the naive
    baseline and the Slant recipe, side by side (retrains both; needs the
    shared corpora). With --corpus: score --model (and --compare) on the
    labelled sentences: per-class precision/recall/F1, macro-F1, confusion
    matrix, Brier score; with --compare also McNemar's test and a paired
    bootstrap 95% interval of the macro-F1 difference.
    """
    from training.corpora import deduplicate
    from training.train import DEFAULT_DATA_DIR

    data_dir = data_dir or DEFAULT_DATA_DIR
    if not corpora:
        if model_dir or other_dir or split_name:
            raise click.ClickException("--model, --compare and --split need at least one --corpus to evaluate on")
        return _protocols(data_dir, seed, as_json, jobs or len(os.sched_getaffinity(0)))
    from training.train_cli import read_all

    records = [r for _, part in read_all(corpora, data_dir) for r in part]
    if split_name is not None:
        records = [r for r in records if r.split == split_name]
    records, _, _ = deduplicate(records)
    if not records:
        raise click.ClickException("no labelled sentences to evaluate on"
                                   + (f" (no row has split={split_name})" if split_name else ""))
    first = model_dir or Path(os.environ.get("SLANT_MODEL_DIR") or DEFAULT_MODEL_DIR)
    result = run([first] + ([other_dir] if other_dir else []), records, seed=seed)
    result["corpora"] = list(corpora) + ([f"split={split_name}"] if split_name else [])
    click.echo(json.dumps(result, indent=2) if as_json else format_report(result))


def _protocols(data_dir: Path, seed: int, as_json: bool, jobs: int = 1) -> None:
    from training.evaluate import fit_naive, run_protocols
    from training.pseudo import DEFAULT_TABLE, PseudoLabelError
    from training.report import format_side_by_side
    from training.student import distilled_protocol_fitter
    from training.train import fit

    if not (Path(data_dir) / "checkthat2025_en").is_dir() or not (Path(data_dir) / "babe").is_dir():
        raise click.ClickException(f"the shared corpora are not in {data_dir} (set --data-dir or SLANT_DATA_DIR)")
    systems = {"naive TF-IDF + LR": fit_naive, "slant, gold only": fit}
    if DEFAULT_TABLE.exists():
        systems["slant, distilled, single model"] = distilled_protocol_fitter("auto", data_dir, heads=False)
        systems["slant (shipped recipe)"] = distilled_protocol_fitter("auto", data_dir)
    else:
        click.echo(f"note: no pseudo-label table at {DEFAULT_TABLE}; the distilled (shipped) recipe is not run",
                   err=True)
    try:
        results = run_protocols(data_dir, systems, seed=seed, n_jobs=jobs)
    except (CorpusError, PseudoLabelError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(json.dumps(results, indent=2) if as_json else format_side_by_side(results))
