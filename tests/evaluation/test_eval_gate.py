"""The accuracy gate: every figure in ``eval_baseline.json`` must hold on its development
set.  A failure names the set, the figure, its value and its floor."""

from __future__ import annotations

from pathlib import Path

import pytest

from blocwatch.evaluation.gate import load_baseline, run_set, violations

BASELINE = Path(__file__).parents[1] / "eval_baseline.json"
SETS = load_baseline(BASELINE)


@pytest.mark.parametrize("spec", SETS, ids=[s.name for s in SETS])
def test_accuracy_floor(coder, shared: Path, spec) -> None:
    assert spec.floors or spec.ceilings, "a gate set without floors checks nothing"
    report = run_set(spec, shared, coder, project=BASELINE.parents[1])
    assert report.cases > 0
    assert not violations(spec, report)
