"""Write docs/accuracy.md: blocwatch's current figures on the development sets, next to
the field's published ones.  Run: .venv/bin/python scripts/accuracy_report.py [--full]
[--cv DIR]

``--cv DIR`` adds the cross-validated figures of the sets the learned sentence model was
trained on: each sentence coded with the fold model that did not see it (the models that
``scripts/train_sentence_model.py --folds K --out DIR`` writes).

Sets and their case limits come from tests/eval_baseline.json (``--full`` lifts the
limits).  The shared data folder is ../shared or $BLOCWATCH_SHARED.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import time
from dataclasses import replace
from pathlib import Path

from blocwatch import Coder
from blocwatch.evaluation.gate import load_baseline, run_set

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = [
    ("UD-PETRARCH on PETRARCH's validation suite", "68% of expected events found, 23% extra",
     "Halterman et al., UD-PETRARCH README"),
    ("TABARI vs. a human coder", "75-85% agreement", "TABARI manual (Schrodt)"),
    ("textacy 0.13 `direct_quotations` on polnear-attribution (first 100 documents, "
     "our scorer)", "direct.strict F1 0.221, direct.lenient F1 0.342, attributions F1 "
     "0.168, direct.speakers 0.813", "measured by `benchmarks/quotes_textacy.py`"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true", help="score every case of every set")
    parser.add_argument("--cv", type=Path, metavar="DIR",
                        help="fold models (fold*.npz) for cross-validated figures")
    args = parser.parse_args()
    shared = Path(os.environ.get("BLOCWATCH_SHARED", ROOT.parent / "shared"))
    coder = Coder()
    lines = ["# Accuracy", "",
             f"Produced by `scripts/accuracy_report.py` on {dt.date.today().isoformat()}; "
             "do not edit by hand. The gate in `tests/evaluation/test_eval_gate.py` keeps these figures "
             "above the floors in `tests/eval_baseline.json`. Matching rules: "
             "`src/blocwatch/evaluation/evaluate.py`.", "",
             "## The field's published figures", "", "| coder and data | figure | source |",
             "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in PUBLISHED]
    lines += ["", "## blocwatch on the development sets", "",
              "| set | format | cases | figure | value | floor | seconds |",
              "|---|---|---|---|---|---|---|"]
    for spec in load_baseline(ROOT / "tests" / "eval_baseline.json"):
        if args.full:
            spec = replace(spec, limit=None)
        start = time.perf_counter()
        report = run_set(spec, shared, coder, project=ROOT)
        seconds = time.perf_counter() - start
        for name, value in report.metrics().items():
            floor = spec.floors.get(name, spec.ceilings.get(name, ""))
            lines.append(f"| {spec.name} | {spec.format} | {report.cases} | {name} | "
                         f"{value:.3f} | {floor} | {seconds:.0f} |")
    if args.cv is not None:
        lines += _cross_validated(args.cv, shared, coder)
    out = ROOT / "docs" / "accuracy.md"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}")


TRAINED_ON = ("conflibert-quadclass", "conflibert-dyads", "cameo-raters")


def _cross_validated(folder: Path, shared: Path, coder: Coder) -> list[str]:
    """The sets the sentence model learned from, each sentence coded by a model that
    did not see it: the figures to expect on news the project does not hold."""
    from blocwatch.coding.learned import read_model
    from blocwatch.evaluation.crossval import FoldCoder

    models = [read_model(str(p)) for p in sorted(folder.glob("fold*.npz"))]
    if not models:
        raise SystemExit(f"no fold*.npz in {folder}: run scripts/train_sentence_model.py "
                         f"--folds 5 --out {folder}")
    folds = FoldCoder(coder, models)
    lines = ["", f"## Cross-validated ({len(models)} folds)", "",
             "The shipped sentence model was trained on the sets below, so their figures "
             "above are in-sample. Here each sentence is coded with a model trained "
             f"without it (`scripts/train_sentence_model.py --folds {len(models)}`).", "",
             "| set | format | cases | figure | value |", "|---|---|---|---|---|"]
    for spec in load_baseline(ROOT / "tests" / "eval_baseline.json"):
        if spec.name not in TRAINED_ON:
            continue
        report = run_set(replace(spec, limit=None), shared, folds, project=ROOT)
        lines += [f"| {spec.name} | {spec.format} | {report.cases} | {name} | {value:.3f} |"
                  for name, value in report.metrics().items()]
    return lines


if __name__ == "__main__":
    main()
