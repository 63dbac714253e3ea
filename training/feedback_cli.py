"""``slant feedback export``: editors' corrections (``POST /v1/feedback``) as a training corpus."""

from __future__ import annotations

import csv
from pathlib import Path

import click


@click.group()
def feedback():
    """Label corrections sent by editors through POST /v1/feedback."""


@feedback.command()
@click.option("--out", "out_path", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="CSV file to write (text,label,source,id); `slant train --corpus FILE` reads it.")
@click.option("--db", default=None, metavar="PATH|URL",
              help="Feedback database: SQLite path or postgresql:// URL "
                   "(default $SLANT_FEEDBACK_DB, else instance/feedback.sqlite3).")
def export(out_path, db):
    """Write every stored correction as a labelled CSV (label = the corrected label)."""
    from service import storage

    if out_path.suffix.lower() != ".csv":
        raise click.ClickException(f"{out_path}: use a .csv file name (slant train picks the format by suffix)")
    target = storage.resolve_target(db)
    if not storage.is_postgres(target) and not Path(target).is_file():
        raise click.ClickException(f"no feedback database at {target} (set --db or SLANT_FEEDBACK_DB)")
    try:
        with storage.connect(target) as conn:
            rows = storage.all_feedback(conn)
    except Exception as exc:  # sqlite3/psycopg errors: report, no traceback
        raise click.ClickException(f"cannot read feedback from {target}: {exc}") from None
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "label", "source", "id"])
        for row in rows:
            writer.writerow([row["text"], row["corrected"], "feedback", row["id"]])
    click.echo(f"wrote {len(rows)} correction(s) to {out_path}", err=True)
