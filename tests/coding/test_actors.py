"""Actor recognition and resolution: a table of mentions in sentence context with dates.

``data/actor_cases.tsv``: sentence, date (or empty), mention (exact text in the sentence),
expected code, or ``-`` when the mention must not be an actor (a location, a non-actor).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from blocwatch import Coder
from blocwatch.records import Article

CASES = Path(__file__).parents[1] / "data" / "actor_cases.tsv"


def _cases() -> list[tuple[str, str | None, str, str]]:
    with CASES.open(encoding="utf-8", newline="") as handle:
        rows = [r for r in csv.DictReader((ln for ln in handle if not ln.startswith("#")),
                                          delimiter="\t", quoting=csv.QUOTE_NONE)]
    return [(r["sentence"], r["date"] or None, r["mention"], r["expected"]) for r in rows]


def test_table_is_large_enough() -> None:
    cases = _cases()
    assert len(cases) >= 200
    assert sum(1 for c in cases if c[3] == "-") >= 20  # locations and non-actors


@pytest.mark.parametrize(("sentence", "date", "mention", "expected"), _cases())
def test_mention(coder, sentence: str, date: str | None, mention: str, expected: str) -> None:
    assert mention in sentence, "the mention must be quoted exactly from the sentence"
    doc = coder.nlp(sentence)
    context: list = []
    found = []
    for sent in doc.sents:
        ms = coder.actors.find(sent, date, context)
        context += [m for m in ms if not m.locative]
        found += [(m, m.ref(sent), sent.start_char) for m in ms]
    start = sentence.index(mention)
    end = start + len(mention)
    covering = [(m, ref) for m, ref, base in found
                if base + ref.start <= start and end <= base + ref.end]
    actors = [(m, ref) for m, ref in covering if not m.locative]
    if expected == "-":
        assert not actors, f"{mention!r} should not be an actor, got {actors[0][1].code}"
    else:
        assert actors, f"{mention!r} not recognised (mentions: {[r.text for _, r, _ in found]})"
        assert actors[0][1].code == expected


@pytest.mark.parametrize(("text", "expected"), [
    # the dateline's country for an actor nothing else places
    ("ABUJA -- Police arrested ten suspects on Sunday.", "NGACOP"),
    ("MINGORA, Pakistan (Reuters) - Gunmen abducted two teachers on Monday.", "PAKUAF"),
    ("CAIRO: Police detained dozens of students.", "EGYCOP"),
    # no dateline, no country: CAMEO's unknown country
    ("Police arrested ten suspects on Sunday.", "---COP"),
])
def test_home_country_from_dateline(coder, text: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    events = coder.code_text(text, date="2021-05-02")
    assert expected in {e.source.code for e in events}, [
        (e.source.code, e.cameo, e.target.code if e.target else None) for e in events]


@pytest.mark.parametrize(("text", "dateline", "first"), [
    ("MIAMI A federal jury convicted him.", "MIAMI", "A federal jury convicted him."),
    ("NEW HAVEN, Conn. A Navy mechanic pleaded guilty.", "NEW HAVEN, Conn.",
     "A Navy mechanic pleaded guilty."),
    ("ISLAMABAD Pakistan accused India.", "ISLAMABAD", "Pakistan accused India."),
    # an organisation, a country, an acronym, a word: no dateline, the words stay
    ("NATO Secretary General Jens Stoltenberg spoke.", None,
     "NATO Secretary General Jens Stoltenberg spoke."),
    ("FBI Director James Comey spoke.", None, "FBI Director James Comey spoke."),
    ("IRAN Rejects US offer of talks.", None, "IRAN Rejects US offer of talks."),
    ("BREAKING News from Kabul.", None, "BREAKING News from Kabul."),
])
def test_dash_less_dateline(coder: Coder, text: str, dateline: str | None,
                            first: str) -> None:
    art = coder._clean(Article(id="d", text=text))
    assert (art.dateline, art.paragraphs[0].text) == (dateline, first)


def test_dash_less_dateline_places_agents(coder: Coder) -> None:
    """The split dateline is the article's home: the jury is an American court."""
    events = coder.code_text("MIAMI A federal jury on Thursday convicted a former Liberian "
                             "commander of torture.", date="2024-01-01")
    assert ("USAJUD", "116") in {(e.source.code, e.cameo) for e in events}


@pytest.mark.parametrize(("sentence", "expected"), [
    # a sponsor named before "-backed", "-funded" ... is neither the actor nor its country
    ("US-backed fighters besieged the town.", [("fighters", "---REB")]),
    ("Iranian-backed Houthis fired missiles at Saudi Arabia.",
     [("Houthis", "YEMREB"), ("Saudi Arabia", "SAU")]),
    ("Turkish-backed Syrian rebels attacked the town.", [("Syrian rebels", "SYRREB")]),
    # a leader is: "a Saudi-led coalition" is Saudi Arabia's
    ("A Saudi-led coalition bombed the port.", [("Saudi", "SAU")]),
])
def test_sponsor_is_no_actor(coder, sentence: str, expected: list[tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    doc = coder.nlp(sentence)
    sent = next(iter(doc.sents))
    got = [(m.ref(sent).text, m.code) for m in coder.actors.find(sent, "2024-03-01", [])]
    assert got == expected
