"""PETRARCH's own validation suite, coded by blocwatch's PETRARCH coder on our spaCy parse.

The suite (``shared/petrarch/validate/PETR.UnitTest.records.xml``) has 284 sentences.
Each ``<EventCoding sourcecode targetcode eventcode>`` is an expected (source, target,
code) triple: 359 of them; 19 records say ``noevents`` and 7 expect an ``error``
(discards, bad input), which here means no events.  The stored Treebank parse is ignored:
the text is parsed with our spaCy model.  Each record is coded alone, with its date.

Matching: per record, the set of produced triples (source code, target code or ``---``
for none, event code) against the set of expected triples; codes compare exactly as
strings (no prefix or root credit).  ``found`` = expected triples produced / expected
triples; ``extra`` = produced triples not expected / produced triples.  UD-PETRARCH
published 68% found and 23% extra.  Per-record misses are written to
``petrarch_suite_report.txt`` in pytest's temporary folder (the path is printed), or to
``$BLOCWATCH_PETRARCH_REPORT``.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

from blocwatch.coding.petrarch_coder import PetrarchCoder
from blocwatch.petrarch.dictionaries import load_dictionaries

# Floors a little under what the coder reaches (90.3% found, 3.6% extra with
# en_core_web_sm 3.8); the target was >= 90% found and <= 10% extra.
FOUND_FLOOR = 0.89
EXTRA_CEILING = 0.05

Triple = tuple[str, str, str]


@dataclass(frozen=True)
class Record:
    id: str
    date: str  # ISO
    text: str
    expected: frozenset[Triple]


def read_records(path: Path) -> list[Record]:
    records = []
    for sent in ET.parse(path).iter("Sentence"):
        text = " ".join((sent.findtext("Text") or "").split())
        expected = frozenset(
            (e.get("sourcecode", ""), e.get("targetcode", ""), e.get("eventcode", ""))
            for e in sent.findall("EventCoding") if e.get("eventcode"))
        raw = sent.get("date", "")
        records.append(Record(sent.get("id", ""), f"{raw[:4]}-{raw[4:6]}-{raw[6:8]}", text,
                              expected))
    return records


@pytest.fixture(scope="module")
def suite(shared: Path) -> Path:
    return shared / "petrarch" / "validate"


@pytest.fixture(scope="module")
def results(suite: Path, coder) -> list[tuple[Record, frozenset[Triple]]]:  # type: ignore[no-untyped-def]
    petrarch = PetrarchCoder(load_dictionaries(suite, strict=True), coder.nlp)
    out = []
    for record in read_records(suite / "PETR.UnitTest.records.xml"):
        events = petrarch.code_text(record.text, doc_id=record.id, date=record.date)
        got = frozenset((e.source.code, e.target.code if e.target else "---", e.cameo)
                        for e in events)
        out.append((record, got))
    return out


def write_report(results: list[tuple[Record, frozenset[Triple]]], path: Path,
                 found: float, extra: float) -> None:
    lines = [f"found {found:.3f}  extra {extra:.3f}", ""]
    for record, got in results:
        if got != record.expected:
            lines += [f"{record.id} ({record.date}): {record.text}",
                      f"    missed {sorted(record.expected - got)}",
                      f"    extra  {sorted(got - record.expected)}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_suite_shape(results: list[tuple[Record, frozenset[Triple]]]) -> None:
    records = [r for r, _ in results]
    assert len(records) == 284
    assert sum(len(r.expected) for r in records) == 359


def test_suite_found_and_extra(results: list[tuple[Record, frozenset[Triple]]],
                               tmp_path_factory: pytest.TempPathFactory) -> None:
    expected = sum(len(r.expected) for r, _ in results)
    produced = sum(len(got) for _, got in results)
    hits = sum(len(r.expected & got) for r, got in results)
    extra_n = sum(len(got - r.expected) for r, got in results)
    found, extra = hits / expected, extra_n / max(produced, 1)
    report = Path(os.environ.get("BLOCWATCH_PETRARCH_REPORT") or
                  tmp_path_factory.getbasetemp() / "petrarch_suite_report.txt")
    write_report(results, report, found, extra)
    print(f"\nPETRARCH suite: found {found:.1%} ({hits}/{expected}), extra {extra:.1%} "
          f"({extra_n}/{produced}); misses in {report}")
    assert found >= FOUND_FLOOR, f"found {found:.1%} < {FOUND_FLOOR:.0%}; see {report}"
    assert extra <= EXTRA_CEILING, f"extra {extra:.1%} > {EXTRA_CEILING:.0%}; see {report}"


@pytest.mark.parametrize("record_id", ["DISCARD-01", "DISCARD-02", "DISCARD-03",
                                       "DISCARD-04", "VERB-20", "VERB-21", "FINAL-RECORD"])
def test_records_that_code_nothing(results: list[tuple[Record, frozenset[Triple]]],
                                   record_id: str) -> None:
    got = {r.id: g for r, g in results}[record_id]
    assert got == frozenset()
