"""Plain-text side-by-side report of evaluation results."""

from __future__ import annotations


def _confusion(rep: dict) -> list[str]:
    labels = rep["labels"]
    width = max(len(l) for l in labels) + 2
    head = "true \\ pred".ljust(width + 4) + "".join(l.rjust(width) for l in labels)
    rows = [f"    {lab.ljust(width)}" + "".join(str(v).rjust(width) for v in row)
            for lab, row in zip(labels, rep["confusion"])]
    return ["    " + head] + rows


def format_side_by_side(results: dict) -> str:
    """Table of both protocols for every system, then the three-way confusion matrices."""
    names = list(results)
    width = max([20] + [len(n) + 2 for n in names])
    lines = ["metric".ljust(46) + "".join(n.rjust(width) for n in names)]

    def row(label, getter):
        lines.append(label.ljust(46) + "".join(f"{getter(results[n]):{width}.4f}" for n in names))

    row("CheckThat dev_test macro-F1 (factual vs not)", lambda r: r["checkthat"]["macro_f1"])
    lines.append("  bootstrap 95% CI".ljust(46) + "".join(
        f"{r['checkthat']['ci95'][0]:.3f}-{r['checkthat']['ci95'][1]:.3f}".rjust(width) for r in results.values()))
    row("BABE SG2 5-fold macro-F1 (loaded vs not)", lambda r: r["babe"]["loaded_vs_not"]["macro_f1"])
    row("BABE SG2 5-fold macro-F1 (three-way)", lambda r: r["babe"]["three_way"]["macro_f1"])
    if all("calibration" in r["babe"]["three_way"] for r in results.values()):
        row("BABE three-way Brier score (0 best)", lambda r: r["babe"]["three_way"]["calibration"]["brier"])
    for name in names:
        lines += ["", f"{name}: BABE three-way confusion matrix"] + _confusion(results[name]["babe"]["three_way"])
    return "\n".join(lines)
