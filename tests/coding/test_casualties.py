"""Killings whose subject is an attack (blocwatch.coding.casualties): victims as targets, the
attack's owner or CAMEO's unknown actor as source, the code from the means."""

from __future__ import annotations

import pytest


def _casualties(coder, sentence: str) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(f"{e.source.code}|{e.source.text} {e.cameo} {e.target.code if e.target else '-'}"
                  for e in coder.code_text(sentence, date="2024-03-01")
                  if e.rule.startswith("casualty:"))


@pytest.mark.parametrize(("sentence", "expected"), [
    ("CAIRO: A suicide car bombing in Egypt's Sinai Peninsula killed at least 28 soldiers "
     "on Friday.", ["---| 1831 EGYMIL"]),
    ("At least three soldiers and dozens of Boko Haram insurgents have been killed during "
     "clashes in the northeast Nigerian city of Maiduguri.", ["---| 190 NGAINS",
                                                              "---| 190 NGAMIL"]),
    ("A Taliban attack killed 12 Afghan soldiers.", ["AFGINS|Taliban 180 AFGMIL"]),
    ("Five Palestinians were killed in an Israeli air strike.", ["ISR|Israeli 195 PSE"]),
    # the strike on Gaza is an event of its own (ISR 195 PSEGZA): the dead are its toll
    ("Five Palestinians were killed in an Israeli air strike on Gaza.", []),
    # accidents and disasters, and killings by a named actor (the frame coder's), are not
    ("Twelve people were killed in a bus crash in Kenya.", []),
    ("Twelve people were killed when an earthquake struck northern Iran.", []),
    ("At least six people have been killed and several others are missing after Typhoon "
     "Mitag lashed South Korea with heavy rain.", []),
    ("The former president died in hospital on Monday.", []),
    # deaths in an attack, and killings whose cause is a clause ("when ISIL launched ...")
    ("Seven people died in a rocket attack on Monday.", ["---| 194 ---CVL"]),
    # before the base layer, whose LOSE &WEAPON pattern read this as demobilisation
    ("Four Afghan soldiers lost their lives in a rocket attack on Monday.",
     ["---| 194 AFGMIL"]),
    ("Five soldiers were killed when a roadside bomb exploded in Kandahar.",
     ["---| 1833 AFGMIL"]),
    ("Russian troops killed three civilians in Donetsk.", []),
    # a group's name modifying the attack inside "in ..." owns it (a place's would not)
    ("Three Afghan soldiers lost their lives in a Taliban attack.",
     ["AFGINS|Taliban 180 AFGMIL"]),
    ("Two Kenyan soldiers were killed in an al-Shabaab ambush in Somalia.",
     ["SOMINS|al-Shabaab 180 KENMIL"]),
    ("Three Afghan soldiers were killed in a Kabul attack.", ["---| 180 AFGMIL"]),
])
def test_casualty_events(coder, sentence: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert _casualties(coder, sentence) == expected


def test_unknown_source_has_no_span(coder) -> None:  # type: ignore[no-untyped-def]
    [event] = [e for e in coder.code_text("A roadside bomb killed four Iraqi policemen.",
                                          date="2024-03-01") if e.rule.startswith("casualty")]
    assert (event.source.code, event.source.text, event.cameo) == ("---", "", "1833")
    assert event.source.start == event.source.end == event.verb.start
    assert event.target is not None and event.target.code == "IRQCOP"


@pytest.mark.parametrize(("sentence", "expected"), [
    ("The missiles fired by the Israeli military struck an arms depot of the Syrian army.",
     ["ISRMIL|Israeli military 194 SYRMIL"]),
    ("The storm hit the coast of Japan.", []),
])
def test_weapon_subjects(coder, sentence: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert _casualties(coder, sentence) == expected
