"""``slant train``: read and de-duplicate corpora, hold out a test split, fit, gate, save."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import click

from model.artifact import MANIFEST, ModelLoadError
from training.corpora import CorpusError, normalise


def progress(quiet: bool, started: float):
    """A ``say(message)`` that prints ``[  1.2s] message`` on stderr unless ``quiet``."""
    def say(message: str):
        if not quiet:
            click.echo(f"[{time.perf_counter() - started:6.1f}s] {message}", err=True)
    return say


def read_all(specs, data_dir):
    """Read every corpus spec; raise one ClickException listing the problems of all files."""
    from training.corpora import read_corpus

    parts, problems = [], []
    for spec in specs:
        try:
            parts.append((spec, read_corpus(spec, data_dir)))
        except CorpusError as exc:
            problems.extend(exc.problems)
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) in the corpus, nothing was written:\n"
                                   + "\n".join(problems[:50])
                                   + (f"\n... and {len(problems) - 50} more" if len(problems) > 50 else ""))
    return parts


def conflict_examples(records, limit: int = 5) -> list[str]:
    """Up to ``limit`` lines describing texts that carry different labels in different rows."""
    seen: dict[str, list] = {}
    for r in records:
        seen.setdefault(normalise(r.text), []).append(r)
    lines = []
    for group in seen.values():
        if len({r.label for r in group}) > 1:
            where = ", ".join(f"{r.label} ({r.source}{' #' + r.id if r.id else ''})" for r in group[:4])
            lines.append(f"  conflicting labels for “{group[0].text[:70]}”: {where}")
            if len(lines) == limit:
                break
    return lines


def quality_gate(out_dir: Path, test, new_f1: float, force: bool, say) -> dict | None:
    """Compare with the model already at ``out_dir`` on the same held-out records.

    Returns the comparison (or None when there is nothing to compare); raises
    ClickException when the new model is worse and ``force`` is not set.
    """
    from model import load_model
    from training.holdout import evaluate_scores

    if not (Path(out_dir) / MANIFEST).exists():
        return None
    if not test:
        say("quality gate skipped: no held-out sentences to compare the models on")
        return {"skipped": "no held-out sentences"}
    try:
        current = load_model(out_dir)
    except ModelLoadError as exc:
        if force:
            say(f"existing model cannot be loaded ({exc}); overwriting (--force)")
            return {"skipped": f"existing model unreadable: {exc}"}
        raise click.ClickException(f"the existing model in {out_dir} cannot be loaded to compare with ({exc}); "
                                   "use --force to overwrite") from None
    old_f1 = evaluate_scores(test, current.scores([r.text for r in test]))["macro_f1"]
    gate = {"current_version": current.version, "current_macro_f1": round(old_f1, 4),
            "new_macro_f1": round(new_f1, 4), "delta": round(new_f1 - old_f1, 4), "sentences": len(test)}
    message = (f"new model macro-F1 {new_f1:.3f} {'<' if new_f1 < old_f1 else '>='} current {old_f1:.3f} "
               f"({new_f1 - old_f1:+.3f}) on {len(test)} held-out sentences")
    if new_f1 < old_f1 and not force:
        raise click.ClickException(f"{message}; use --force to overwrite")
    say(message + ("; overwriting (--force)" if new_f1 < old_f1 else ""))
    return gate


@click.command()
@click.option("--corpus", "corpora", multiple=True, metavar="SPEC",
              help="Labelled corpus: a .csv/.tsv/.jsonl file with text,label columns, or NAME:PATH with NAME "
                   "babe, checkthat, basil or ptc. Repeat to mix. Default: the shared corpora (BABE SG2 + CheckThat train/dev).")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the shared corpora (default ../shared/corpora or $SLANT_DATA_DIR).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Model directory to write (classifier.joblib, scorer.npz, punkt.json, manifest.json, MODEL_CARD.md).")
@click.option("--seed", default=0, show_default=True, help="Random seed (classifier and hold-out split).")
@click.option("--holdout", default=0.2, show_default=True, type=click.FloatRange(0, 0.9),
              help="Fraction held out (stratified) for the report when no row has split=test; 0: none.")
@click.option("--force", is_flag=True, help="Overwrite --out even if the model there scores better on the held-out split.")
@click.option("--name", default="slant", show_default=True, help="Model name recorded in the manifest.")
@click.option("--evaluate/--no-evaluate", "run_eval", default=True, show_default=True,
              help="Also run the shared evaluation protocols (needs the data dir) and record them in the manifest.")
@click.option("--pseudo-labels", "pseudo", default="auto", show_default=True, metavar="auto|none|PATH",
              help="Distillation: also fit on the unlabelled pool as labelled by the teacher of exactly this "
                   "training set, from this table (auto: the shipped table when it has that teacher).")
@click.option("--pseudo-weight", default=1.0, show_default=True, type=click.FloatRange(0, None),
              help="Weight of a pool sentence relative to a gold sentence of the same class.")
@click.option("--pseudo-min-confidence", default=0.9, show_default=True, type=click.FloatRange(0, 1),
              help="Use only pool sentences whose teacher probability for its top class is at least this.")
@click.option("--heads/--single-model", default=True, show_default=True,
              help="Two-head model (three-way + a loaded head learned from corpora that use the loaded label), "
                   "or one three-way model. Without enough loaded rows the single model is fitted either way.")
@click.option("--quiet", is_flag=True, help="No progress lines.")
@click.option("--json", "as_json", is_flag=True, help="Print a machine-readable JSON summary on stdout.")
def train(corpora, data_dir, out_dir, seed, holdout, force, name, run_eval, pseudo, pseudo_weight,
          pseudo_min_confidence, heads, quiet, as_json):
    """Train a model on labelled corpora and write it to --out.

    Texts repeated across or within corpora are kept once (normalised text);
    texts with conflicting labels are dropped. Rows with split=test (or else a
    stratified --holdout fraction) are held out: the saved model is fitted on
    the rest and its held-out report goes into the manifest and model card.
    An existing model at --out is only replaced if it does not score better
    on the same held-out sentences (or with --force).
    """
    from training.corpora import deduplicate
    from training.evaluate import run_protocols
    from training.holdout import estimator_scores, evaluate_scores, rounded, split_records
    from training.pseudo import PseudoLabelError
    from training.student import distilled_protocol_fitter, recipe_for
    from training.train import DEFAULT_DATA_DIR, default_corpora, train_and_save

    started = time.perf_counter()
    say = progress(quiet, started)
    data_dir = data_dir or DEFAULT_DATA_DIR
    specs = list(corpora) or default_corpora(data_dir)
    records = []
    for spec, part in read_all(specs, data_dir):
        say(f"read {len(part)} sentences from {spec}")
        records.extend(part)
    kept, duplicates, conflicts = deduplicate(records)
    if duplicates or conflicts:
        say(f"dropped {duplicates} duplicate sentence(s) and {conflicts} text(s) with conflicting labels")
        for line in conflict_examples(records) if not quiet else []:
            click.echo(line, err=True)
    train_part, test_part, how = split_records(kept, holdout, seed)
    say(f"holding out {len(test_part)} sentences ({how}); fitting on {len(train_part)}")
    try:
        fitter, distillation, note = recipe_for(pseudo, train_part, data_dir, pseudo_weight, pseudo_min_confidence,
                                                heads)
    except PseudoLabelError as exc:
        raise click.ClickException(f"--pseudo-labels {pseudo}: {exc}") from None
    say(note)
    fit_started = time.perf_counter()
    try:
        estimator = fitter(train_part, seed=seed)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if distillation:
        distillation.update(getattr(estimator, "distillation_", {}))
        say(f"fitted on {len(train_part)} gold + {distillation['pool_sentences_used']} teacher-labelled pool sentences")
    evaluation = None
    if test_part:
        evaluation = evaluate_scores(test_part, estimator_scores(estimator, [r.text for r in test_part]))
        evaluation = rounded({**evaluation, "split": how})
        say(f"held-out macro-F1 {evaluation['macro_f1']:.3f} on {len(test_part)} sentences")
    gate = quality_gate(out_dir, test_part, evaluation["macro_f1"] if evaluation else 0.0, force, say)
    metrics = {}
    if run_eval:
        if not (Path(data_dir) / "checkthat2025_en").is_dir():
            raise click.ClickException(f"--evaluate needs the shared corpora in {data_dir} (or pass --no-evaluate)")
        say("evaluating on CheckThat dev_test (factual vs opinion-or-loaded)")
        protocol_fitter = distilled_protocol_fitter(pseudo, data_dir, pseudo_weight, pseudo_min_confidence,
                                                    type(estimator).__name__ == "TwoHeadClassifier") \
            if distillation else fitter
        say("  and BABE SG2 5-fold CV (6 fits, one process per CPU core)")
        try:
            both = run_protocols(data_dir, {"recipe": protocol_fitter}, seed=seed,
                                 n_jobs=len(os.sched_getaffinity(0)))["recipe"]
            ct, babe = both["checkthat"], both["babe"]
            say(f"  CheckThat macro-F1 {ct['macro_f1']:.4f}")
        except PseudoLabelError as exc:
            raise click.ClickException(f"--evaluate: {exc} (or pass --no-evaluate)") from None
        metrics = {"checkthat_dev_test": {"macro_f1": ct["macro_f1"], "ci95_low": ct["ci95"][0],
                                          "ci95_high": ct["ci95"][1]},
                   "babe_sg2_5fold": {"loaded_vs_not_macro_f1": babe["loaded_vs_not"]["macro_f1"],
                                      "three_way_macro_f1": babe["three_way"]["macro_f1"],
                                      "three_way_brier": babe["three_way"]["calibration"]["brier"]},
                   "babe_sg2_5fold_three_way_confusion": babe["three_way"]["confusion"]}
        say(f"  loaded-vs-not macro-F1 {metrics['babe_sg2_5fold']['loaded_vs_not_macro_f1']:.4f}")
    shown = [spec.replace(str(data_dir), "$DATA_DIR") for spec in specs]
    extra = {"fit_seconds": round(time.perf_counter() - fit_started, 2), "holdout": how, "heldout_sentences": len(test_part),
             "duration_seconds": round(time.perf_counter() - started, 2)}
    if distillation:
        extra["distillation"] = distillation
    if type(estimator).__name__ == "TwoHeadClassifier":
        from training.heads import head_summary
        extra["model"] = {"type": "two-head", "combine": "hier", "params": estimator.get_params(),
                          **head_summary(train_part)}
        if len(getattr(estimator, "vector_scores_", ())):
            from training.word_vectors import describe
            extra["model"]["word_vectors"] = describe()
    else:
        extra["model"] = {"type": "single"}
    manifest = train_and_save(train_part, out_dir, seed=seed, name=name, metrics=metrics, corpora=shown,
                              evaluation=evaluation, dropped=(duplicates, conflicts), extra=extra,
                              estimator=estimator)
    say(f"wrote model {manifest['version']} to {out_dir}")
    if as_json:
        click.echo(json.dumps({"out": str(out_dir), "version": manifest["version"], "metrics": metrics,
                               "evaluation": evaluation, "gate": gate, "training": manifest["training"],
                               "seconds": round(time.perf_counter() - started, 2)}, indent=2))
