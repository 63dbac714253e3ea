"""Render ``MODEL_CARD.md`` for a model directory from its manifest."""

from __future__ import annotations

from pathlib import Path

LICENSES = {
    "babe": "BABE (Spinde et al. 2021), AGPL-3.0",
    "checkthat": "CLEF CheckThat! 2025 Task 1 English subjectivity, CC BY-NC-SA 4.0",
    "file": "user-supplied corpus (see its own license)",
}


def _f(x) -> str:
    return f"{x:.4f}" if isinstance(x, (int, float)) else str(x)


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
        *_model_lines(training.get("model")),
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
            if key.endswith("_confusion"):
                continue
            if isinstance(value, dict):
                for sub, v in sorted(value.items()):
                    lines.append(f"| {key} | {sub} | {_f(v)} |")
            else:
                lines.append(f"| {key} | | {_f(value)} |")
        for key, matrix in sorted(metrics.items()):
            if key.endswith("_confusion"):
                lines += ["", f"{key} (rows true, columns predicted; factual, opinion, loaded):", "",
                          "| true \\ pred | factual | opinion | loaded |", "|---|---|---|---|",
                          *[f"| {lab} | " + " | ".join(str(v) for v in row) + " |"
                            for lab, row in zip(("factual", "opinion", "loaded"), matrix)]]
        lines += ["", "Protocols are described in `docs/evaluation.md`; reproduce with `slant evaluate` (baseline and recipe side by side)."]
    else:
        lines.append("No shared-corpus evaluation was recorded for this model.")
    lines += _distillation(training.get("distillation"))
    lines += _heldout(manifest.get("evaluation"))
    versions = manifest.get("versions", {})
    lines += ["", "## Built with", "", ", ".join(f"{k} {v}" for k, v in sorted(versions.items())), ""]
    extra = Path(__file__).with_name("model_card_notes.md")
    if extra.exists():
        lines += [extra.read_text(encoding="utf-8")]
    return "\n".join(lines)


FEATURES = ("word 1-2-gram and character 2-5-gram TF-IDF plus numeric cue features (scare quotes, so-called, "
            "capitals for emphasis, sneering asides, exclamation, loaded words, first-person stance, hedges, "
            "attribution, ...)")


def _vector_text(vectors: dict) -> str:
    return (f", and a word-vector block: the mean of the sentence's {vectors.get('dims', '?')}-d static word vectors "
            f"({vectors.get('words', '?')} words, `{vectors.get('file', '?')}`) distilled offline from "
            f"{vectors.get('encoder', '?')} with model2vec; after fitting it is one score per word, so serving needs "
            "neither the vectors nor torch (`docs/heads.md`)")


def _model_lines(info: dict | None) -> list[str]:
    """What kind of linear model this is."""
    if not info or info.get("type") != "two-head":
        return [f"Linear model (multinomial logistic regression) over {FEATURES}."]
    params = info.get("params", {})
    return [
        f"Two linear heads over one feature vector: {FEATURES}.",
        "",
        f"- **Loaded head**: logistic regression, loaded vs not, fitted on the {info.get('head_rows', '?')} sentences "
        f"({info.get('head_loaded', '?')} loaded) of corpora whose scheme has a loaded class "
        f"({', '.join(info.get('head_sources', [])) or '?'}), with a learned loaded-word table block "
        "(word rates from BABE's annotated biased words, plus static word rates from BASIL lexical-bias spans, "
        "GPL-3.0, and PTC Loaded_Language / Name_Calling spans, no license stated upstream; word-level numbers only)"
        + (_vector_text(info["word_vectors"]) if info.get("word_vectors") else "") + "."
        + (f" {info['head_down_weighted']} of its rows weigh 0.5 per BABE SG1/MBIC annotator group (AGPL-3.0) "
           "that labelled the same sentence differently (labels only, `docs/heads.md`)."
           if info.get("head_down_weighted") else ""),
        f"- **Three-way model**: multinomial logistic regression on all training sentences, with the loaded head's "
        f"out-of-fold log-odds as one more feature (weight {params.get('stack_weight', '?')}).",
        "- **Combination**: P(factual) from the three-way model; the remaining probability is split between loaded "
        "and opinion by the loaded head. Both heads are linear in the same features, so serving is one pass "
        "(`model/scorer.py`, `combine = hier`). See `docs/heads.md`.",
        "",
    ]


#: Corpora whose text (not labels) forms the unlabelled distillation pool (training/pool.py).
POOL_LICENSES = [
    "SemEval-2020 Task 11 PTC news articles (train, dev and test folders), no license stated upstream (aschern/semeval2020_task11)",
    "BASIL (Fan et al. 2019) sentences, GPL-3.0 (via MBIB)",
    "MultiDimNews (Färber 2020) sentences, no license stated upstream (via MAGPIE)",
    "SemEval-2023 Task 3 English paragraphs, Apache-2.0 (via MAGPIE)",
    "BABE SG1 / MBIC sentences (Spinde et al.), AGPL-3.0",
]


def _distillation(info: dict | None) -> list[str]:
    """The distillation section: teacher, pool, selection, licenses."""
    if not info:
        return []
    recipe = info.get("teacher_recipe", {})
    labels = info.get("pool_labels", {})
    return ["", "## Distillation", "",
            f"Besides the gold sentences, the model was fitted on {info.get('pool_sentences_used', '?')} of "
            f"{info.get('pool_sentences', '?')} unlabelled news sentences (pseudo-labels {labels}) labelled by a "
            f"teacher: {recipe.get('encoder', 'a sentence encoder')} fine-tuned as a three-way classifier on "
            f"exactly the gold training set above ({recipe.get('epochs', '?')} epochs, lr {recipe.get('lr', '?')}, "
            f"batch {recipe.get('batch_size', '?')}). A pool sentence is used when the teacher's top probability is "
            f"at least {info.get('min_confidence', '?')}, labelled with that class and weighted "
            f"{info.get('weight', '?')} × the balanced weight of its class among the gold sentences. The teacher "
            "runs only at training time (`slant distill`, optional torch); the shipped artifact is linear and "
            "needs no torch. Pool sentences train the three-way model only, never the loaded head. The teacher's probabilities ship in "
            f"`training/data/{info.get('table', '?')}` (sha256 `{info.get('table_sha256', '?')}`; hashes and "
            f"numbers, no text); teacher fingerprint `{info.get('teacher', '?')}`.", "",
            "The pool's text comes from these corpora (their labels are not used):", "",
            *[f"- {entry}" for entry in POOL_LICENSES],
            "", "Every sentence of CheckThat (all splits) and BABE SG2 is excluded from the pool, so no evaluation "
                "sentence is seen through it; see `docs/distillation.md`."]


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
