"""Render ``MODEL_CARD.md`` for a model directory from its manifest."""

from __future__ import annotations

from pathlib import Path

LICENSES = {
    "babe": "BABE (Spinde et al. 2021), AGPL-3.0",
    "checkthat": "CLEF CheckThat! 2025 Task 1 English subjectivity, CC BY-NC-SA 4.0",
    "file": "user-supplied corpus (see its own license)",
}


def _f(x) -> str:
    return f"{x:.3f}" if isinstance(x, (int, float)) else str(x)


def render(manifest: dict) -> str:
    """Markdown text of the model card."""
    training = manifest.get("training", {})
    metrics = manifest.get("metrics", {})
    sources = training.get("sources", {})
    families = sorted({s.split(":")[0] for s in sources}) or ["unknown"]
    lines = [
        f"# Model card: {manifest.get('name', 'slant')} {manifest.get('version', '')}",
        "",
        "Sentence classifier for news text: **factual** report, **opinion**, or **loaded** framing.",
        "Linear model (multinomial logistic regression) over word 1-2-gram and character 2-5-gram",
        "TF-IDF plus numeric cue features (scare quotes, so-called, capitals for emphasis, sneering",
        "asides, exclamation, loaded words, first-person stance, hedges, attribution, ...).",
        f"Decision rule: `{manifest.get('decision_rule', 'argmax')}` over the three probabilities.",
        "",
        "## Training data",
        "",
        f"{training.get('sentences', '?')} sentences after de-duplication "
        f"({training.get('duplicates_dropped', 0)} duplicates and "
        f"{training.get('conflicting_texts_dropped', 0)} conflicting texts dropped); "
        f"labels {training.get('labels', {})}; seed {training.get('seed', '?')}; "
        f"data sha256 `{training.get('sha256', '?')}`.",
        "",
        "| source | sentences |", "|---|---|",
        *[f"| {name} | {count} |" for name, count in sources.items()],
        "",
        "Licenses of the training corpora:",
        "",
        *[f"- {LICENSES.get(family, family)}" for family in families],
        "",
        "The corpora are research data, mostly non-commercial (CC BY-NC-SA) or copyleft (AGPL);",
        "check them before commercial use of this artifact. The corpora are not in this repository.",
        "",
        "## Evaluation",
        "",
    ]
    if metrics:
        lines += ["| protocol | metric | value |", "|---|---|---|"]
        for key, value in sorted(metrics.items()):
            if isinstance(value, dict):
                for sub, v in sorted(value.items()):
                    lines.append(f"| {key} | {sub} | {_f(v)} |")
            else:
                lines.append(f"| {key} | | {_f(value)} |")
        lines += ["", "Protocols are described in `docs/evaluation.md`; reproduce with `slant evaluate` (baseline and recipe side by side)."]
    else:
        lines.append("No shared-corpus evaluation was recorded for this model.")
    lines += _heldout(manifest.get("evaluation"))
    versions = manifest.get("versions", {})
    lines += ["", "## Built with", "", ", ".join(f"{k} {v}" for k, v in sorted(versions.items())), ""]
    extra = Path(__file__).with_name("model_card_notes.md")
    if extra.exists():
        lines += [extra.read_text(encoding="utf-8")]
    return "\n".join(lines)


def _heldout(ev: dict | None) -> list[str]:
    """The held-out evaluation section (per-class table, confusion matrix, calibration)."""
    if not ev:
        return []
    lines = ["", "## Held-out evaluation", "",
             f"{ev.get('n', '?')} held-out sentences ({ev.get('split', '?')}; data sha256 "
             f"`{ev.get('sha256', '?')}`), never used for fitting. Macro-F1 **{_f(ev.get('macro_f1'))}**, "
             f"accuracy {_f(ev.get('accuracy'))}.", "",
             "| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
    for lab, row in ev.get("per_class", {}).items():
        lines.append(f"| {lab} | {_f(row['precision'])} | {_f(row['recall'])} | {_f(row['f1'])} | {row['support']} |")
    labels = ev.get("labels", [])
    lines += ["", "Confusion matrix (rows true, columns predicted):", "",
              "| true \\ pred | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
    for lab, row in zip(labels, ev.get("confusion", [])):
        lines.append(f"| {lab} | " + " | ".join(str(v) for v in row) + " |")
    cal = ev.get("calibration", {})
    if cal:
        lines += ["", f"Calibration: Brier score {_f(cal.get('brier'))} (multi-class, 0 best). "
                      "Reliability of the predicted label's probability:", "",
                  "| confidence bin | sentences | mean confidence | accuracy |", "|---|---|---|---|"]
        for b in cal.get("reliability", []):
            lines.append(f"| {b['bin']} | {b['n']} | {_f(b['confidence']) if b['n'] else '–'} | "
                         f"{_f(b['accuracy']) if b['n'] else '–'} |")
    return lines


def write_model_card(model_dir: Path, manifest: dict) -> Path:
    """Write ``MODEL_CARD.md`` into ``model_dir``."""
    path = Path(model_dir) / "MODEL_CARD.md"
    path.write_text(render(manifest), encoding="utf-8")
    return path
