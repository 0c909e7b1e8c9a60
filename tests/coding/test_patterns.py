"""Events from the base layer's verb patterns, on blocwatch's actors: what they code,
where blocwatch's lexicon wins, and the switch that turns the layer off.

The learned model is turned off here so that these are the rules' events alone."""

from __future__ import annotations

import pytest

from blocwatch import Coder
from blocwatch.settings import Settings


@pytest.fixture(scope="module")
def rules(coder: Coder) -> Coder:
    return Coder(Settings.from_env(learned=False), nlp=coder.nlp)


def _triples(coder: Coder, text: str) -> list[tuple[str, str, str, str]]:
    return [(e.source.code, e.root, e.target.code if e.target else "-",
             e.rule.split(":")[0]) for e in coder.code_text(text, date="2021-06-01")]


@pytest.mark.parametrize(("text", "expected"), [
    # verbs blocwatch's lexicon does not have, coded by the base layer's patterns
    ("Israel banished Palestinian families.", ("ISR", "17", "PSE", "base")),
    # an actor only the base layer knows, under the lexicon's verb
    ("Abu Sayyaf gunmen ambushed Philippine soldiers.",
     ("IMGSEAMUSASF", "19", "PHLMIL", "attack")),
    # protests code with a source alone
    ("Thousands of Kenyan students demonstrated in Nairobi.", ("KENEDU", "14", "-", "base")),
    # the lexicon's own verb: its event, no second one from the base layer
    ("Russia attacked Ukraine.", ("RUS", "19", "UKR", "attack")),
])
def test_base_events(rules: Coder, text: str, expected: tuple[str, ...]) -> None:
    got = _triples(rules, text)
    assert expected in got, got
    verbs = [e.verb.start for e in rules.code_text(text, date="2021-06-01")]
    assert len(verbs) == len(set(verbs)) or expected[3] != "base"


@pytest.mark.parametrize("text", [
    # the appeal is the event, not the act asked for
    "The UN urged Russia to withdraw from Ukraine.",
    # a verb that governs the event is its modality, not another event
    "Washington hopes to sign a trade deal with New Delhi this year.",
    "Germany declined to criticise China.",
    # sports: the base layer's discard phrases
    "Brazil beat Argentina in the basketball final.",
    # a subject that undergoes the act is no source (the dictionary's DIE is 190)
    "As many as 60,000 Isis fighters have died since 2014, according to US officials.",
    "A total of six British citizens are known to have died in Syria fighting with the YPG.",
    "More than 2,000 US soldiers have died, and at least 30,000 civilians.",
])
def test_no_base_event(rules: Coder, text: str) -> None:
    assert not [e for e in rules.code_text(text, date="2021-06-01")
                if e.rule.startswith("base:")]


@pytest.mark.parametrize("text", [
    "Mr Trump ordered his generals to arrange a rapid exit of US troops.",
    "The Indian tourism department conducted a roadshow in Goa to woo Russian tourists.",
    "The phrase was first used by George W Bush and came to encompass US military forces.",
])
def test_final_to_of_a_pattern_is_a_preposition(rules: Coder, text: str) -> None:
    """A pattern ending in TO ("- * TO", "- * (TO)": "headed to", "arrived to") does not
    match the "to" of an infinitive."""
    rules_fired = [e.rule for e in rules.code_text(text, date="2021-06-01")]
    assert not [r for r in rules_fired if r.endswith(("* TO", "* (TO)"))], rules_fired


@pytest.mark.parametrize(("text", "unwanted"), [
    # "* DEAL" (060) is the noun, not the verb of a clause below the dictionary verb
    ("Prime Minister Abe said his victory had hardened his resolve to firmly deal with "
     "North Korea.", "* DEAL"),
    ("Turkey has remained adamant that Kurds would not use the chaos to close the gap.",
     "* CLOSE"),
    # a noun of another clause: the sanctions are not the speaker's
    ("Germany summoned the Chinese ambassador, saying sanctions against EU lawmakers were "
     "unacceptable.", "* SANCTIONS"),
])
def test_last_word_of_a_pattern_is_no_other_verb(rules: Coder, text: str,
                                                 unwanted: str) -> None:
    fired = [e.rule for e in rules.code_text(text, date="2021-06-01")]
    assert not [r for r in fired if r.endswith(unwanted)], fired


def test_a_pattern_word_inside_a_name_is_the_name(rules: Coder) -> None:
    """"&TREATY" is no treaty inside "North Atlantic Treaty Organization"."""
    fired = [e.rule for e in rules.code_text(
        "The South Korean president left to attend a NATO (North Atlantic Treaty "
        "Organization) summit in Spain.", date="2022-06-27")]
    assert not [r for r in fired if "&TREATY" in r], fired


def test_the_verbs_own_complement_still_matches(rules: Coder) -> None:
    """"declined to comment": the pattern's word is the dictionary verb's complement."""
    fired = [e.rule for e in rules.code_text(
        'The state department declined to comment, for "operational and security reasons",'
        " on a Reuters report that its personnel in Syria had been told to evacuate.",
        date="2021-06-01")]
    assert "base:REFUSE:- * COMMENT" in fired, fired


def test_rule_names_the_block_and_pattern(rules: Coder) -> None:
    [event] = [e for e in rules.code_text("Israel banished Palestinian families.")
               if e.rule.startswith("base:")]
    block, _, pattern = event.rule.removeprefix("base:").partition(":")
    assert block and pattern


def test_switch_off(coder: Coder) -> None:
    off = Coder(Settings.from_env(base_layer=False, learned=False), nlp=coder.nlp)
    assert off.patterns is None and off.base is None
    assert off.kb.lookup(["abu", "sayyaf"]) == ()
    assert _triples(off, "Israel banished Palestinian families.") == []
    assert _triples(off, "Russia attacked Ukraine.") == [("RUS", "19", "UKR", "attack")]


def test_thing_modifier_is_no_target(coder: Coder) -> None:
    """"stormed a migrant camp": the actor naming the kind of a thing is no target."""
    [event] = [e for e in coder.code_text("French police stormed a migrant camp near Calais "
                                          "on Sunday.",
                                          date="2018-01-01")
               if e.rule.startswith("base:")]
    assert (event.source.code, event.root, event.target) == ("FRACOP", "19", None)


@pytest.mark.parametrize("text", [
    "Vietnam is ready to contribute more to United Nations peacekeeping operations in Syria.",
    "Finland is ready to contribute to the UN peacekeeping mission in Ukraine.",
])
def test_no_reverse_event_of_a_thing_modifier(coder: Coder, text: str) -> None:
    """An ``A:B`` pattern's second event does not make the thing-modifier (left out as a
    target) a source: "UN peacekeeping operations" is no act of the UN here."""
    sources = [e.source.code for e in coder.code_text(text, date="2021-06-01")]
    assert "IGOUNO" not in sources, sources


def test_military_asset_names_its_owner(coder: Coder) -> None:
    """"hit Hamas positions": an armed actor's positions and bases name the target."""
    found = [(e.source.code, e.target.code if e.target else None)
             for e in coder.code_text("Israeli air strikes hit Hamas positions in Gaza.",
                                      date="2018-01-01")]
    assert ("ISR", "PSEINS") in found


def test_topic_of_a_talk_is_no_partner(coder: Coder) -> None:
    """"held talks ... to discuss the Iranian presence": the lexicon found no partner of
    "discuss", and the pattern's first actor after it is the topic."""
    found = [(e.verb.text, e.target.code if e.target else None) for e in coder.code_text(
        "Russian Foreign Minister Sergey Lavrov held talks in Jerusalem with Israeli Prime "
        "Minister Benjamin Netanyahu to discuss the Iranian presence in Syria.",
        date="2018-07-23")]
    assert not [f for f in found if f[1] == "IRN"], found


@pytest.mark.parametrize(("text", "expected"), [
    # the actors of a finite adverbial or relative clause act in their own events
    ("Philippine troops remained on alert in Manila after BIFF gunmen tried to set off "
     "bombs.", ("PHLMIL", "15", "-", "base")),
    ("Afrin was attacked by Turkey after the US said it would help raise a border force.",
     ("TUR", "19", "-", "base")),
    # a condition names whom a threat is meant for
    ("Damascus has threatened to hit back militarily if Erdogan pursues his threat to "
     "advance east.", ("SYR", "13", "TURGOV", "base")),
    # a participle clause is the verb's own: its actors can be the target
    ("Iraqi warplanes carried out a raid, targeting Islamic State commanders in Syria.",
     ("IRQMIL", "19", "IRQINS", "base")),
])
def test_target_not_in_finite_clause(rules: Coder, text: str,
                                     expected: tuple[str, ...]) -> None:
    got = _triples(rules, text)
    assert expected in got, got
