"""Event locations: a table of sentences with the place their events happened.

``data/location_cases.tsv``: sentence, date, expected = ``name|ISO3|feature`` or ``-``
when the sentence states no place.  Every case must code at least one event; every event
of the sentence must carry the expected location (or none).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

CASES_FILE = Path(__file__).parents[1] / "data" / "location_cases.tsv"


def _cases() -> list[tuple[str, str | None, str]]:
    with CASES_FILE.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader((ln for ln in handle if not ln.startswith("#")),
                              delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(r["sentence"], r["date"] or None, r["expected"]) for r in rows]


CASES = _cases()


def test_table_size() -> None:
    assert len(CASES) >= 100
    assert sum(1 for c in CASES if c[2] == "-") >= 15


@pytest.mark.parametrize(("sentence", "date", "expected"), CASES)
def test_location(coder, sentence: str, date: str | None, expected: str) -> None:
    events = coder.code_text(sentence, date=date)
    assert events, "the case must code at least one event"
    got = {(e.location.name, e.location.country, e.location.feature) if e.location else None
           for e in events}
    if expected == "-":
        assert got == {None}
    else:
        name, country, feature = expected.split("|")
        assert got == {(name, country, feature)}
