"""The context screens (blocwatch.coding.screens): sports, audiences, one organisation,
repeats — whichever layer coded the event, and only those readings."""

from __future__ import annotations

import pytest

from blocwatch.coding import screens


def _events(coder, sentence: str) -> list[str]:
    return [f"{e.source.code} {e.root} {e.target.code if e.target else '-'}"
            for e in coder.code_text(sentence, date="2024-03-01")]


@pytest.mark.parametrize(("sentence", "gone"), [
    ("Brazil beat Argentina 2-1 in a World Cup qualifier on Tuesday.", "BRA"),
    ("The United States beat Canada in the ice hockey final.", "USA"),
    ("India and Pakistan clashed in the Asia Cup final in Colombo.", "IND"),
    ("Spain hosted Morocco in a friendly at the Bernabeu.", "ESP"),
    ("Germany defeated France 3-0 at the European championship.", "DEU"),
    ("\"China is bullying the Philippines,\" the Philippine foreign minister told reporters.",
     "PHLGOV 01"),
    # a named outlet is an audience too ("told Reuters"): what was said stays
    ("The Pakistani army has attacked the Taliban, a commander told Reuters.", "PAKMIL 01"),
    ("Russia will never give up Crimea, Lavrov told the BBC.", "RUSGOV 01"),
    # a place's newspaper is its press, an audience too
    ("The minister told the Jerusalem Post that Israel would respond.", "---GOV 01"),
    ("The minister told the Daily Telegraph that Britain would act.", "---GOV 01"),
    # talking to the press is a statement, not a consultation (both directions go)
    ("President Donald Trump speaks to reporters as he departs the White House.", "USAGOV"),
    ("President Donald Trump speaks to reporters as he departs the White House.", "USAMED"),
    # speaking with a named outlet is an interview
    ("The New York Times spoke with Israeli Prime Minister Benjamin Netanyahu.", "ISRGOV"),
    ("The Security Council voted to extend the UN peacekeeping mission in Lebanon.",
     "IGOUNOSEC"),
    # private people's journeys are travel, not visits
    ("Tens of thousands of Syrian refugees arrived in Canada last year.", "SYRREF 04"),
    ("Hundreds of British citizens have travelled to Syria since 2014.", "GBRCVL 04"),
    ("A British journalist travelled to Syria in 2014.", "GBRMED 04"),
    # tourism is travel, not a visit
    ("Spain received 80 million foreign tourists last year.", "ESP"),
    ("Russian tourists visited Turkey in record numbers.", "RUS"),
    ("KOCHI: The Kerala tourism department on Friday conducted a campaign in Dubai to "
     "attract more tourists from the Gulf.", "IND"),
    ("The Egyptian tourism ministry organised a festival in Moscow to lure more Russian "
     "tourists.", "EGY"),
])
def test_screened_out(coder, sentence: str, gone: str) -> None:
    assert not [e for e in _events(coder, sentence) if e.startswith(gone)]


@pytest.mark.parametrize(("sentence", "kept"), [
    # the same verbs outside a match, and meetings at a competition, stay events
    ("Israeli forces clashed with Palestinian protesters in Hebron.", "ISR"),
    ("Chinese President Xi Jinping met Russian President Vladimir Putin at the Olympics.",
     "CHNGOV 04 RUSGOV"),
    ("China hosted Pakistan's prime minister in a friendly atmosphere.", "CHN"),
    ("Russia defeated Ukrainian forces near Bakhmut.", "RUS"),
    ("\"China is bullying the Philippines,\" the Philippine foreign minister told reporters.",
     "CHN 17 PHL"),
    ("The minister met The New York Times editors in Kabul.", "AFGGOV 04"),
    ("The Pakistani army has attacked the Taliban, a commander told Reuters.",
     "PAKMIL 19 AFGINS"),
    ("Spain received the Turkish foreign minister.", "ESP 04 TURGOV"),
    ("The Iranian foreign minister travelled to Syria.", "IRNGOV 04 SYR"),
    ("Gunmen killed three British tourists in Tunisia.", "TUN"),  # violence stays
])
def test_kept(coder, sentence: str, kept: str) -> None:
    assert [e for e in _events(coder, sentence) if e.startswith(kept)], _events(coder, sentence)


@pytest.mark.parametrize(("text", "match", "competition"), [
    ("Brazil beat Argentina 2-1.", True, False),
    ("The Senate passed it by a 52-48 vote.", False, False),
    ("They played a friendly match.", True, False),
    ("talks in a friendly atmosphere", False, False),
    ("at the Winter Olympics in Beijing", False, True),
    ("the Asia Cup final", False, True),
])
def test_context_patterns(text: str, match: bool, competition: bool) -> None:
    assert bool(screens.MATCH.search(text)) is match
    assert bool(screens.COMPETITION.search(text)) is competition


@pytest.mark.parametrize(("sentence", "expected"), [
    # one verb's coordinated actors of one code are one event
    ("Seven women and four men lost their lives in a rocket attack on a bus in Kabul.",
     ["--- 19 AFGCVL"]),
    ("Ukraine has imposed sanctions on former President Viktor Yanukovich and ex-Prime "
     "Minister Mykola Azarov.", ["UKR 16 UKRELI"]),
    # two verbs are two events, though their codes are the same
    ("Russia shelled Kharkiv on Monday and attacked Kyiv on Tuesday.",
     ["RUS 19 UKR", "RUS 19 UKR"]),
    # actors CAMEO cannot code stay apart by name
    ("China has imposed sanctions on Mike Pompeo, Alex Azar, and Steve Bannon.",
     ["CHN 16 USAELI", "CHN 16 ---", "CHN 16 ---"]),
])
def test_repeats_are_one_event(coder, sentence: str, expected: list[str]) -> None:
    assert _events(coder, sentence) == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    # the killed and wounded of a coded attack are its toll, not a second act
    ("The Taliban attacked an Afghan army base and killed at least 26 soldiers.",
     ["AFGINS 19 AFGMIL"]),
    ("Israeli jets carried out air strikes in the Gaza Strip, killing a Hamas militant.",
     ["ISRMIL 19 PSEGZA"]),
    ("At least two people were killed when ISIL launched an attack on the Iraqi embassy "
     "in Kabul.", ["IRQINS 19 IRQGOV"]),
    # a killing by another actor is its own act
    ("Syrian troops shelled Idlib, and rebels killed three soldiers.",
     ["SYRMIL 19 SYR", "SYRREB 19 SYRMIL"]),
    # a killing with no attack beside it stays
    ("Gunmen killed three British tourists in Tunisia.", ["TUNUAF 19 GBRCVL"]),
])
def test_toll_of_an_attack_is_no_second_event(coder, sentence: str,
                                              expected: list[str]) -> None:
    assert _events(coder, sentence) == expected
