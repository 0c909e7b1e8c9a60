"""blocwatch's quotations against textacy 0.13's ``direct_quotations`` (the library one
would try first) on the accuracy gate's PolNeAR documents, with the same scorer: ours
must be at least as good.  ``benchmarks/quotes_textacy.py`` prints both tables."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from blocwatch import Coder

pytest.importorskip("textacy")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from quotes_textacy import compare  # noqa: E402

LIMIT = 100  # the documents tests/eval_baseline.json scores


@pytest.fixture(scope="module")
def reports(coder: Coder, shared: Path):  # type: ignore[no-untyped-def]
    return compare(shared, LIMIT, coder)


@pytest.mark.parametrize("figure", ["direct.strict.f1", "direct.lenient.f1",
                                    "attributions.f1", "direct.speakers.f1"])
def test_at_least_as_good_as_textacy(reports, figure: str) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = (r.metrics()[figure] for r in reports)
    assert ours >= theirs, f"{figure}: blocwatch {ours} < textacy {theirs}"
