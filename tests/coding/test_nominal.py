"""Nominal events (event_noun entries of the lexicon): the source from the noun's possessor,
modifier, "by" agent or the participant of "engaged in"; no target, no event."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Russia's invasion of Ukraine began in 2022.", ["RUS 192 UKR invasion.n"]),
    ("US sanctions on Iran hurt its economy.", ["USA 163 IRN sanctions.n"]),
    ("Blinken's visit to China was postponed.", ["USAGOV 042 CHN visit.n"]),
    ("Talks between Iran and the United States stalled.",
     ["IRN 046 USA talks.n", "USA 046 IRN talks.n"]),
    ("Clashes between Israeli troops and Palestinian protesters erupted in Hebron.",
     ["ISRMIL 190 PSEOPP clashes.n", "PSEOPP 190 ISRMIL clashes.n"]),
    ("The Nigerian military said it is engaged in a fierce battle with Boko Haram insurgents.",
     ["NGAINS 190 NGAMIL clashes.n", "NGAMIL 190 NGAINS clashes.n"]),
    # the light noun of an appeal is the appeal's, not an event of its own
    ("Qatar called for talks between the United States and Iran.", []),
    # protests need an owner, no target ("strike" alone is no protest)
    ("Saddam Hussein appeared in court for the first time since his hunger strike.",
     ["IRQELI 140 - protest.n"]),
    ("Thousands joined a protest by Kenyan opposition supporters in Nairobi.",
     ["KENOPP 140 - protest.n"]),
    ("A US strike on the Syrian airbase destroyed six jets.", []),
    # weapons tests need an owner; "nuclear and missile tests" is both
    ("North Korea's sixth nuclear test angered Japan.", ["PRK 150 - weapons.test.n"]),
    ("Iran's missile tests worry Israel.", ["IRN 150 - weapons.test.n"]),
    ("Japan protested after North Korea's recent nuclear and missile tests.",
     ["PRK 150 - weapons.test.n"]),
    ("Scientists ran new tests on the samples.", []),
    # no target actor: no event
    ("An air strike by government forces hit a market in Idlib.", []),
])
def test_nominal_events(coder, sentence: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    got = sorted(f"{e.source.code} {e.cameo} {e.target.code if e.target else '-'} {e.rule}"
                 for e in coder.code_text(sentence, date="2024-03-01")
                 if e.rule.endswith(".n"))
    assert got == expected
