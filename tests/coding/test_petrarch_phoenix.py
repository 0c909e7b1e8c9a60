"""The production Phoenix dictionaries (CAMEO.2.0 verbs, Phoenix actors/agents/discards)
load and code sentences about real events.  The load time is printed, not asserted
(speed targets belong to benchmarks)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from blocwatch.coding.petrarch_coder import PetrarchCoder
from blocwatch.petrarch.dictionaries import PetrarchDictionaries, load_dictionaries


@pytest.fixture(scope="module")
def phoenix(shared: Path) -> PetrarchDictionaries:
    start = time.perf_counter()
    dicts = load_dictionaries(shared / "petrarch" / "phoenix")
    print(f"\nPhoenix dictionaries loaded in {time.perf_counter() - start:.2f} s")
    return dicts


@pytest.fixture(scope="module")
def phoenix_coder(phoenix: PetrarchDictionaries, coder) -> PetrarchCoder:  # type: ignore[no-untyped-def]
    return PetrarchCoder(phoenix, coder.nlp)


def test_phoenix_loads_everything(phoenix: PetrarchDictionaries) -> None:
    assert len(phoenix.files) == 6
    assert len(phoenix.actors) > 20000
    assert len(phoenix.agents) > 4000
    assert len(phoenix.blocks) > 300
    assert sum(len(b.patterns) for b in phoenix.blocks) > 4000
    assert len(phoenix.synsets) > 30
    assert any(d.story for d in phoenix.discards)
    # the files' own slips are read the way PETRARCH reads them, each reported by line
    assert phoenix.warnings and all(":" in w for w in phoenix.warnings)


@pytest.mark.parametrize(("name", "date", "codes"), [
    ("JAVIER SOLANA", 19950801, ("IGOEUREEC",)),
    ("JAVIER SOLANA", 19970101, ("IGOWSTNAT",)),
    ("UNITED STATES", 20200101, ("USA",)),
])
def test_phoenix_dated_actors(phoenix: PetrarchDictionaries, name: str, date: int,
                              codes: tuple[str, ...]) -> None:
    entry = next(a for a in phoenix.actors if tuple(name.split()) in a.phrases)
    assert entry.codes_on(date) == codes


@pytest.mark.parametrize(("text", "date", "event"), [
    ("Israel attacked Hamas in Gaza.", "2014-07-20", ("ISR", "PSEREBHMS", "190")),
    ("China condemned Japan over the disputed islands.", "2013-01-10", ("CHN", "JPN", "111")),
    ("The United States imposed sanctions on Iran.", "2018-11-05", ("USA", "IRN", "163")),
    ("North Korea fired missiles toward Japan.", "2017-08-29", ("PRK", "JPN", "190")),
    ("Egypt mediated talks between Israel and Hamas.", "2014-08-01", ("EGY", "ISR", "045")),
    ("Turkish police arrested dozens of protesters in Istanbul.", "2013-06-01",
     ("TURCOP", "---OPP", "173")),
    ("Germany promised aid to Greece.", "2015-07-10", ("DEU", "GRC", "033")),
    ("India accused Pakistan of supporting militants.", "2016-09-20", ("IND", "PAK", "112")),
    ("French President Francois Hollande visited Mali.", "2013-02-02",
     ("FRAGOV", "MLI", "042")),
    ("French President Francois Hollande visited Mali.", "2013-02-02",
     ("MLI", "FRAGOV", "043")),
])
def test_phoenix_codes_real_events(phoenix_coder: PetrarchCoder, text: str, date: str,
                                   event: tuple[str, str, str]) -> None:
    events = phoenix_coder.code_text(text, date=date)
    triples = {(e.source.code, e.target.code if e.target else "---", e.cameo) for e in events}
    assert event in triples, triples
    for e in events:  # the output contract is filled
        assert text[e.source.start:e.source.end] == e.source.text
        assert e.target is not None and text[e.target.start:e.target.end] == e.target.text
        assert text[e.verb.start:e.verb.end] == e.verb.text
        assert e.rule.startswith("petrarch:") and e.modality == "asserted"
