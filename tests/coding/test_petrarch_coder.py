"""The PETRARCH coder on a small dictionary written for these tests
(``tests/data/petrarch_mini``: fictional states Aldor, Brenn, Corvia)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from blocwatch.coding.petrarch_coder import PetrarchCoder, PetrarchOptions
from blocwatch.petrarch.dictionaries import load_dictionaries
from blocwatch.records import Article

MINI = Path(__file__).parents[1] / "data" / "petrarch_mini"
Triple = tuple[str, str, str]


@pytest.fixture(scope="module")
def mini(coder) -> PetrarchCoder:  # type: ignore[no-untyped-def]
    return PetrarchCoder(load_dictionaries(MINI, strict=True), coder.nlp)


def triples(coder: PetrarchCoder, text: str, date: str = "2005-01-01") -> set[Triple]:
    return {(e.source.code, e.target.code if e.target else "---", e.cameo)
            for e in coder.code_text(text, date=date)}


@pytest.mark.parametrize(("text", "date", "expected"), [
    # the verb's own code; its pattern when the pattern matches
    ("Aldor attacked Brenn on Monday.", "2005-01-01", {("ALD", "BRN", "190")}),
    ("Aldor attacked Brenn with rockets.", "2005-01-01", {("ALD", "BRN", "195")}),
    # '_' joins: HEAVILY_* needs "heavily" right before the verb
    ("Aldor heavily criticized Brenn.", "2005-01-01", {("ALD", "BRN", "112")}),
    ("Aldor heavily and loudly criticized Brenn.", "2005-01-01", {("ALD", "BRN", "111")}),
    # '%': the compound's members with each other; '040:040' codes both directions
    ("Aldor and Brenn met on Friday.", "2005-01-01",
     {("ALD", "BRN", "043"), ("BRN", "ALD", "043")}),
    ("Aldor met Brenn.", "2005-01-01", {("ALD", "BRN", "040"), ("BRN", "ALD", "040")}),
    ("The Aldorian foreign minister visited Corvia.", "2005-01-01",
     {("ALDGOVFRM", "COR", "042"), ("COR", "ALDGOVFRM", "043")}),
    # dated codes follow the article's date
    ("Duke Orren visited Corvia.", "2005-01-01",
     {("ALDGOV", "COR", "042"), ("COR", "ALDGOV", "043")}),
    ("Duke Orren visited Corvia.", "2012-01-01",
     {("ALDELI", "COR", "042"), ("COR", "ALDELI", "043")}),
    # passive: the "by" phrase is the source; '+'/'$' bind target and source
    ("Corvia was attacked by Aldor.", "2005-01-01", {("ALD", "COR", "190")}),
    ("Brenn was released from Aldor.", "2005-01-01", {("ALD", "BRN", "0841")}),
    # agents: ~CODE after the actor, CODE~ before it, "former" makes them ELI
    ("Aldor police arrested Brenn students.", "2005-01-01", {("ALDCOP", "BRNEDU", "173")}),
    ("The relief agency of Aldor visited Corvia.", "2005-01-01",
     {("NGOALD", "COR", "042"), ("COR", "NGOALD", "043")}),
    ("Former Aldor soldiers attacked Corvia.", "2005-01-01", {("ALDELI", "COR", "190")}),
    ("Police arrested students.", "2005-01-01", {("---COP", "---EDU", "173")}),
    ("The Isles attacked Corvia.", "2005-01-01", {("ISA", "COR", "190"), ("ISB", "COR", "190")}),
    # a null code, a sentence discard, a story discard, no target
    ("Nobody attacked Corvia.", "2005-01-01", set()),
    ("Aldor attacked Brenn during a football match.", "2005-01-01", set()),
    ("Aldor attacked Brenn. The chess tournament ended.", "2005-01-01", set()),
    ("Aldor attacked.", "2005-01-01", set()),
    ("Brenn said Aldor attacked Corvia.", "2005-01-01",
     {("BRN", "ALD", "010"), ("ALD", "COR", "190")}),
])
def test_coding(mini: PetrarchCoder, text: str, date: str, expected: set[Triple]) -> None:
    assert triples(mini, text, date) == expected


def test_bare_agents_can_be_turned_off(mini: PetrarchCoder, coder) -> None:  # type: ignore[no-untyped-def]
    strict = PetrarchCoder(mini.dictionaries, coder.nlp,
                           options=PetrarchOptions(bare_agents=False))
    assert triples(strict, "Police arrested students.") == set()
    assert triples(strict, "Aldor police arrested Brenn students.") == {
        ("ALDCOP", "BRNEDU", "173")}


@pytest.mark.parametrize(("text", "field", "value"), [
    ("Aldor did not attack Brenn.", "modality", "negated"),
    ("Aldor will visit Corvia.", "modality", "intended"),
    ("Brenn said Aldor attacked Corvia.", "attribution", "BRN"),
    ("Aldor attacked Brenn with rockets.", "rule", "petrarch:ATTACK:- * + WITH &WEAPON"),
    ("Aldor attacked Brenn on Monday.", "rule", "petrarch:ATTACK:ATTACKED"),
])
def test_event_fields(mini: PetrarchCoder, text: str, field: str, value: str) -> None:
    events = [e for e in mini.code_text(text, date="2005-01-01") if e.verb.lemma != "say"]
    assert events and all(getattr(e, field) == value for e in events)


def test_output_contract(mini: PetrarchCoder) -> None:
    text = "The Aldorian foreign minister visited Corvia on Monday."
    events = mini.code_text(text, doc_id="d1", date="2005-01-01")
    assert len(events) == 2
    for event in events:
        assert event.doc_id == "d1" and event.sentence == text and event.date == "2005-01-01"
        for ref in (event.source, event.target):
            assert ref is not None and text[ref.start:ref.end] == ref.text
        assert text[event.verb.start:event.verb.end] == "visited"
        assert event.root == "04" and event.quad_class == 1
        json.dumps(event.to_dict())
    first = events[0]
    assert (first.source.country, first.source.sector) == ("ALD", "GOVFRM")


def test_articles_are_coded_in_order_with_sentence_indexes(mini: PetrarchCoder) -> None:
    articles = [
        Article(id="a", text="Aldor met Brenn.\nBrenn attacked Corvia.", title="Aldor attacks",
                date="2005-01-01"),
        Article(id="b", text="The chess tournament ended. Aldor attacked Brenn.",
                date="2005-01-01"),
        Article(id="c", text="Corvia was attacked by Aldor.", date="2005-01-01"),
    ]
    coded = list(mini.code_articles(articles))
    assert [c.article.id for c in coded] == ["a", "b", "c"]
    assert {(e.sentence_index, e.cameo) for e in coded[0].events} == {(0, "040"), (1, "190")}
    assert coded[1].events == ()  # story discard
    assert [e.source.code for e in coded[2].events] == ["ALD"]


@pytest.mark.parametrize(("text", "cameo", "root", "quad"), [
    ("Brenn was released from Aldor.", "0841", "08", 2),
    # a code outside the CAMEO table keeps its code; its longest CAMEO prefix gives the rest
    ("Aldor protested to Brenn.", "1X4", "1X4", 0),
])
def test_codes(mini: PetrarchCoder, text: str, cameo: str, root: str, quad: int) -> None:
    event = mini.code_text(text, date="2005-01-01")[0]
    assert (event.cameo, event.root, event.quad_class) == (cameo, root, quad)
