"""Which verbs the layers code at all (blocwatch.coding.events.not_coded): the act inside
someone else's decision, request or offer is no event of the sentence's subject."""

from __future__ import annotations

import pytest


def _events(coder, sentence: str) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(f"{e.source.code} {e.root} {e.target.code if e.target else '-'} {e.verb.text}"
                  for e in coder.code_text(sentence, date="2018-03-01"))


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Israeli Prime Minister Benjamin Netanyahu praised US President Donald Trump's "
     "decision to recognize Jerusalem as Israel's capital.",
     ["ISRGOV 05 USAGOV praised"]),
    ("The Afghan Interior Ministry refused a request from The New York Times to visit "
     "the prison.", ["AFGGOV 12 ---MED refused"]),
])
def test_others_plan_is_not_coded(coder, sentence: str, expected: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert _events(coder, sentence) == expected


def test_own_decision_is_coded(coder) -> None:  # type: ignore[no-untyped-def]
    found = _events(coder, "Trump announced his decision to withdraw troops from Syria.")
    assert "USAGOV 08 SYR withdraw" in found


def test_prevented_act_is_not_coded(coder) -> None:  # type: ignore[no-untyped-def]
    found = _events(coder, "A Turkish court has released German journalist Mesale Tolu but "
                           "barred her from leaving Turkey.")
    assert not [e for e in found if e.endswith(" leaving")], found


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Three Turkish journalists were arrested on Monday.", ["--- 17 TURMED arrested"]),
    ("A Kyrgyz journalist was jailed for four years.", ["--- 17 KGZMED jailed"]),
])
def test_agentless_passive_has_unknown_source(coder, sentence: str,  # type: ignore[no-untyped-def]
                                              expected: list[str]) -> None:
    """(Not in the golden table: its scorer reads a source key "---" as no actor.)"""
    assert _events(coder, sentence) == expected


# Classes of real-news sentences (issue 16), one table: (class, sentence, events).
CLASS_CASES = [
    # "the arrest of X": coercion and assault named by a noun with no owner have CAMEO's
    # unknown actor "---" as source, like the agentless passive
    ("ownerless-noun", "Rights groups condemned the arrest of two Egyptian journalists.",
     ["--- 17 EGYMED arrest", "---NGO 11 - condemned"]),
    ("ownerless-noun", "The abduction of three Nigerian students shocked the country.",
     ["--- 18 NGAEDU abduction"]),
    ("ownerless-noun", "The crackdown on Iranian protesters continued for a week.",
     ["--- 17 IRNOPP crackdown"]),
    # an owner named: the owner is the source, as before
    ("owned-noun", "The killing of two Kenyan farmers by police angered the village.",
     ["KENCOP 18 KENAGR killing"]),
    # not every event noun is coded without an owner: an extradition is as often a
    # cooperation between governments
    ("ownerless-noun", "The extradition of a Peruvian banker was delayed.", []),
    # a name the knowledge base does not hold is the actor its appositive or title names
    ("unknown-name", "Maria Sanchez, a Colombian senator, was arrested on Monday.",
     ["--- 17 COLLEG arrested"]),
    ("unknown-name", "Opposition leader Maria Sanchez criticised the Colombian government.",
     ["---OPP 11 COLGOV criticised"]),
    ("unknown-name", "Tom Baker, a British diplomat, met Chinese officials in Beijing.",
     ["CHNGOV 04 GBRGOV met", "GBRGOV 04 CHNGOV met"]),
    # protests and strikes are news without a named target
    ("one-actor", "Chilean dock workers went on strike on Thursday.", ["CHLLAB 14 - went"]),
    ("one-actor", "Argentine teachers have been on strike for two weeks.",
     ["ARGEDU 14 - been"]),
    ("one-actor", "Georgian opposition supporters protested against the election results.",
     ["GEOOPP 14 - protested"]),
    ("one-actor", "Hungarian teachers rioted in the capital.", ["HUNEDU 14 - rioted"]),
    ("one-actor", "Serbian students protested against the government.",
     ["SRBEDU 14 SRBGOV protested"]),  # with a target actor, as before
    # a month is no light verb's noun ("launched ... in March")
    ("month", "Saudi Arabia launched an oil price war against Russia in March 2020.", []),
    # "thousands of workers": the actor is the quantity's "of" object
    ("quantity", "Thousands of Bolivian miners went on strike on Monday.",
     ["BOLLAB 14 - went"]),
    ("quantity", "Dozens of Ethiopian soldiers attacked Eritrean positions.",
     ["ETHMIL 19 ERI attacked"]),
    # an act done to a place: the place's actor is the target when no actor is named
    ("place", "Turkish jets bombed targets in northern Iraq.", ["TURMIL 19 IRQ bombed"]),
    ("place", "Japan provided 3 million dollars in emergency aid to Nepal.",
     ["JPN 07 NPL provided"]),
    ("place", "Jordanian authorities eased the curfew in Amman on Monday.",
     ["JORGOV 08 JOR eased"]),
    ("place", "President Salva Kiir lifted a state of emergency in northern parts of South "
     "Sudan.", ["SSDGOV 08 SSD lifted"]),
    ("place", "Russia withdrew its troops from Syria.", ["RUS 08 SYR withdrew"]),
    ("place", "The US provided 340 million dollars for relief in northern Iraq.",
     ["USA 06 IRQ provided"]),
    # the act appealed for is not the appealer's event, also when parsed as a purpose
    # clause or hung from a noun of appeal; a pronoun in it is the one asked
    ("appealed-act", "China and Russia call on US to lift sanctions against Iran.",
     ["CHN 02 USA call", "RUS 02 USA call"]),
    ("appealed-act", "The United States has issued an ultimatum to Sudan to normalize "
     "diplomatic relations with Israel.", ["USA 13 SDN issued"]),
    # a call with an object is a phone call: its purpose clause is the caller's act
    ("phone-call", "Netanyahu called Morrison on Wednesday to congratulate him on his "
     "victory.", ["ISRGOV 01 AUSELI called", "ISRGOV 05 AUSELI congratulate"]),
    ("appealed-act", "France urged Israel to halt its attacks on Gaza.",
     ["FRA 02 ISR urged", "ISR 19 PSEGZA attacks"]),
    ("refuge", "Thousands of Myanmar nationals have sought refuge in India since the coup.",
     ["MMRCVL 02 IND sought"]),
    ("of-noun", "The Guatemalan government declared a state of siege on Sunday.",
     ["GTMGOV 17 - declared"]),
    # an act that is stopped is not going on: the stop is the event
    ("stopped-act", "Russia and Ukraine stopped fighting in the east.",
     ["RUS 08 UKR stopped", "UKR 08 RUS stopped"]),
    ("stopped-act", "Armenia and Azerbaijan agreed to halt fighting over the region.",
     ["ARM 03 AZE halt", "AZE 03 ARM halt"]),
    ("denial", "The Kremlin has vehemently denied involvement in the attack.",
     ["RUSGOV 01 - denied"]),  # a denial is news without a named accuser
    ("arson", "Protesters set fire to the Iranian embassy in Baghdad.",
     ["IRQOPP 17 IRNGOV set"]),
    ("opponents", "Political opponents of the Maldives government clashed with police.",
     ["MDVCOP 19 MDVOPP clashed", "MDVOPP 19 MDVCOP clashed"]),
    # legal acts: bringing a case is 115, finding guilty 116, also with the court unnamed
    ("legal", "A Nigerian court has convicted 45 Boko Haram members.",
     ["NGAJUD 11 NGAINS convicted"]),
    ("legal", "The opposition leader was convicted of treason.", ["--- 11 ---OPP convicted"]),
    ("legal", "Egyptian prosecutors will prosecute 20 Muslim Brotherhood leaders.",
     ["EGYJUD 11 EGYOPP prosecute"]),
    ("legal", "The trial of 11 suspected militants has begun in Stuttgart.",
     ["--- 11 DEUINS trial"]),
    ("legal", "Saddam Hussein's trial resumed in Baghdad on Monday.",
     ["--- 11 IRQELI trial"]),  # the possessor of a trial is the defendant
    # the base layer's bare verb takes the lexicon's code (ours wins), keeping its target
    ("legal", "A federal jury in Miami convicted the son of the former president of Liberia.",
     ["USAJUD 11 LBRELI convicted"]),
    # part of a group named before it ("Taliban members") is the group
    ("members", "Four Taliban members met Zalmay Khalilzad in Doha.",
     ["AFGINS 04 USAELI met", "USAELI 04 AFGINS met"]),
    ("members", "On Saturday, Isis members fired a guided missile at a Kurdish position, "
     "seriously wounding two British soldiers.",
     ["IRQINS 19 GBRMIL fired"]),  # the wounding is the firing's toll
    # a kind noun with a name in apposition is that name ("the group Hamas")
    ("kind-noun", "The group Hamas attacked Israel.", ["PSEINS 19 ISR attacked"]),
    # returning stolen art or antiquities is returning property (0842)
    ("property", "The Department of Homeland Security returned stolen antiquities to Iraq.",
     ["USAGOV 08 IRQ returned"]),
    ("property", "The refugees returned to Syria.", []),
    # laying down arms demobilises (0873), announced it is an intent to de-escalate (0356)
    ("disarm", "The Taliban laid down their arms in Faryab.", ["AFGINS 08 - laid"]),
    ("disarm", "The Taliban will lay down their arms on Sunday.", ["AFGINS 03 - lay"]),
    # leaving talks halts negotiations (164), announced it is a threat to (134)
    ("talks", "Iran pulled out of the talks with the EU.", ["IRN 16 IGOEUREEC pulled"]),
    ("talks", "North Korea will withdraw from the six-party talks.", ["PRK 13 - withdraw"]),
    # a refusal is the refuser's alone: no reverse event of the refused meeting
    ("refusal", "Erdogan refused to meet Bolton.", ["TURGOV 12 USAELI meet"]),
    ("refusal", "India and Pakistan refused to hold talks.",
     ["IND 12 PAK hold", "PAK 12 IND hold"]),
    # a clash between officials is a disagreement; between armed forces a fight
    ("clash", "The UK ambassador to the UN, Karen Pierce, also clashed with Trump over Syria.",
     ["GBRGOV 11 USAGOV clashed", "USAGOV 11 GBRGOV clashed"]),
    ("clash", "Government forces clashed with rebels near Aleppo.",
     ["SYRMIL 19 SYRREB clashed", "SYRREB 19 SYRMIL clashed"]),
    # ... and the code of the lexicon's entry for its object noun, when it has one
    ("object-sense", "Israeli President Reuven Rivlin has eased parole restrictions on "
     "former prime minister Ehud Olmert.", ["ISRGOV 08 ISRELI eased"]),
    ("object-sense", "The Sudanese government imposed blockades in parts of Darfur.",
     ["SDNGOV 19 SDN imposed"]),
    ("object-sense", "Iran released a video of the British tanker.", []),  # no 0841
    # part of a group names the group
    ("rescue", "The Philippine military rescued almost 80 hostages held by Muslim rebels.",
     ["PHLMIL 07 PHLCVL rescued", "PHLREBMUS 18 PHLCVL held"]),
    # an investigation is news without a named suspect; examining is not
    ("investigation", "Police and firefighters began investigating the fire.",
     ["---COP 09 - investigating", "---GOV 09 - investigating"]),
    ("investigation", "Officials in Whitehall are examining whether Britain will honour "
     "the pledge.", []),
    # who reports is no act; firing a person dismisses from a post
    ("no-act", "Russia and the United States are using their channels on Syria, according "
     "to the minister.", []),
    ("no-act", "Both children survived, according to the YPG.", []),
    ("no-act", "When President Obama fired Jim Mattis, Trump wrote.", []),
    ("no-act", "The president fired his defence minister.", []),
    ("no-act", "Hamas fired rockets at Israel.", ["PSEINS 19 ISR fired"]),
    # a vague verb alone gets no code from the base layer, only with its pattern words
    ("vague-alone", "At the end of the meeting Mattis took Trump by surprise.", []),
    ("vague-alone", "The Syrian government considers the YPG a terrorist group.", []),
    # a parenthesised acronym does not hide the next name of a list
    ("acronym", "The Security Council imposed sanctions on the Central African Republic "
     "(CAR) and the Democratic Republic of the Congo (DRC).",
     ["IGOUNOSEC 16 CAF imposed", "IGOUNOSEC 16 COD imposed"]),
    # scare quotes inside an agent's phrase
    ("quoted-agent", 'Police arrested 11 members of a far-right "terror" group.',
     ["---COP 17 ---INS arrested"]),
    # a crowd named by its size is civilians when it acts as a crowd
    ("crowd", "Thousands protested in Tehran on Friday.", ["IRNCVL 14 - protested"]),
    ("crowd", "Hundreds more remained in the tunnels below Baghuz.", []),
    ("members", "Police arrested 11 members of Hamas.", ["---COP 17 PSEINS arrested"]),
    ("members", "Members of the Free Syrian Army met Turkish officials.",
     ["SYRREB 04 TURGOV met", "TURGOV 04 SYRREB met"]),
    # a state's own forces are the means of a show of force or an offer, not its target
    ("own-forces", "Israel mobilized the army on Thursday.", ["ISR 15 - mobilized"]),
    ("own-forces", "Indian troops remained on alert in the Galwan Valley.",
     ["INDMIL 15 - remained"]),
    ("own-forces", "The Nigerian Air Force reiterated its commitment to support the "
     "Nigeria Police.", ["NGAMIL 03 NGACOP reiterated", "NGAMIL 05 NGACOP support"]),
    # a meeting's or a protest's place is only its venue
    ("venue", "Chinese officials met Indian officials in Nepal.",
     ["CHNGOV 04 INDGOV met", "INDGOV 04 CHNGOV met"]),
    ("venue", "Greek farmers protested in Athens.", ["GRCAGR 14 - protested"]),
    # announced aid is offered aid
    ("announced-aid", "Canada announced 50 million dollars in humanitarian aid for Sudan.",
     ["CAN 03 SDN announced"]),
    ("announced-aid", "The European Union unveiled an aid package for Lebanon.",
     ["IGOEUREEC 03 LBN unveiled"]),
    # the one sentenced or praised "for" an act did it, not the court or the praiser
    ("judged-for", "A Turkish court sentenced a Kurdish politician to ten years for "
     "insulting the president.", ["TURJUD 17 TURPTY sentenced", "TURPTY 11 TURGOV insulting"]),
    ("judged-for", "Egypt praised Qatar for helping to free the hostages.",
     ["EGY 05 QAT praised", "QAT 08 EGYCVL free"]),
    # a declared ceasefire and a build-up of forces are news without a named adversary
    ("one-actor", "Syrian rebels declared a ceasefire.", ["SYRREB 08 - declared"]),
    ("one-actor", "Iran deployed more troops on Friday.", ["IRN 15 - deployed"]),
    ("one-actor", "The Israeli Cabinet approved a plan to build 700 housing units.", []),
    # the neighbour across a border is the target
    ("border", "Russia massed troops along the border with Ukraine.",
     ["RUS 15 UKR massed"]),
    # a proper name in a target slot that the knowledge base lacks: CAMEO's unknown actor
    ("unknown-target", "The Department of Education will investigate Yale over funding.",
     ["---GOVEDU 09 --- investigate"]),
    ("unknown-target", "Indian police arrested Disha Ravi on Saturday.",
     ["INDCOP 17 --- arrested"]),
    ("unknown-target", "Pakistani troops attacked the camp in November.",
     ["PAKMIL 19 - attacked"]),  # a common noun is no name
    ("unknown-target", "Chinese doctors arrived to fight COVID-19.", []),
    # named armed groups are actors with their country and sector
    ("armed-group", "In Colombia, the ELN declared a monthlong ceasefire on 1 April.",
     ["COLREB 08 COL declared"]),  # the place of a truce (08) is its target
    ("armed-group", "The TPLF criticised Eritrea.", ["ETHREB 11 ERI criticised"]),
    # a subject name the knowledge base lacks is the unknown source, with a known target
    ("unknown-source", "The Zorba Brigade threatened Pakistan.", ["--- 13 PAK threatened"]),
    ("unknown-source", "The FLN has attacked Rwandan soldiers in the south.",
     ["--- 19 RWAMIL attacked"]),  # an acronym the tagger reads as a noun
    ("unknown-source", "The Zorba Brigade threatened the town.", []),
    # pleading "with" someone is an appeal to them (pleading guilty "to" a charge: see
    # test_plea_to_a_charge)
    ("plea", "The Afghan president pleaded with the Taliban for a ceasefire.",
     ["AFGGOV 02 AFGINS pleaded"]),
    # a capitals headline's words and places named by their kind are no unknown names
    ("unknown-target", "KENYAN POLICE ARREST NEED FOR NEW MEASURES", []),
    ("unknown-target", "Iranian troops attacked the Middle East.", ["IRNMIL 19 - attacked"]),
    # known and unknown names in one list of targets: each is a target
    ("unknown-target", "China has imposed sanctions on Mike Pompeo, Alex Azar, and Steve Bannon.",
     ["CHN 16 --- imposed", "CHN 16 --- imposed", "CHN 16 USAELI imposed"]),
    # "say" takes what is said as its object, never its hearer ("Du Pont Co said the
    # U.S." is a sentence cut at an abbreviation); "tell" takes the hearer as object
    ("say-object", "Du Pont Co said the U.S.", []),
    ("say-object", "Iraq said Iran was to blame.", []),
    ("say-object", "The Iraqi minister said to Iran that the border would stay closed.",
     ["IRQGOV 01 IRN said"]),
    ("say-object", "Lavrov told Washington it was a mistake.", ["RUSGOV 01 USA told"]),
    # demonyms listed before one agent each own it ("Russian and Syrian forces")
    ("conjoined-demonyms", "Russian and Syrian warplanes bombed Idlib.",
     ["RUSMIL 19 SYR bombed", "SYRMIL 19 SYR bombed"]),
    ("conjoined-demonyms", "US, British and French officials met Iranian diplomats in Vienna.",
     ["FRAGOV 04 IRNGOV met", "GBRGOV 04 IRNGOV met", "IRNGOV 04 FRAGOV met",
      "IRNGOV 04 GBRGOV met"]),
    ("conjoined-demonyms", "Chinese and Russian leaders signed a deal.",
     ["CHNGOV 05 RUSGOV signed", "RUSGOV 05 CHNGOV signed"]),
    ("conjoined-demonyms", "A direct clash between Turkish and Syrian government forces "
     "risks a broader war.", ["SYRMIL 19 TURMIL clash", "TURMIL 19 SYRMIL clash"]),
    # a list of countries the parser hangs from the first as an apposition
    ("listed-apposition", "Saudi Arabia, the UAE, Bahrain and Egypt criticised Qatar.",
     ["ARE 11 QAT criticised", "BHR 11 QAT criticised", "EGY 11 QAT criticised",
      "SAU 11 QAT criticised"]),
    # an apposition that names the same country again is no list
    ("listed-apposition", "Japan, the world's third largest economy, criticised China.",
     ["JPN 11 CHN criticised"]),
    # a country's body named by a common word after another country is that country's
    ("foreign-body", "The Brazilian Congress criticised Argentina.", ["BRALEG 11 ARG criticised"]),
    ("foreign-body", "Brazil's Congress criticised Argentina.", ["BRALEG 11 ARG criticised"]),
    ("foreign-body", "The US Congress criticised Argentina.", ["USALEG 11 ARG criticised"]),
    # hostages held by X: X holds them (181), the hostages are the target
    ("hostages", "The families of Israeli hostages held by Hamas protested in Tel Aviv.",
     ["ISRCVL 14 - protested", "PSEINS 18 ISRCVL held"]),
    ("hostages", "Two American hostages were held by al-Shabaab for months.",
     ["SOMINS 18 USACVL held"]),  # our entry (insurgents) over the base layer's REB
    ("hostages", "Hamas is holding 130 Israeli hostages in Gaza.", ["PSEINS 18 ISRCVL holding"]),
    # not every participle on a light noun: only entries whose noun is the target
    ("hostages", "The talks held by Iran and Iraq ended.", []),
    # two agent words are one actor, not two ("company executives")
    ("conjoined-demonyms", "Company executives met Japanese officials.",
     ["---BUS 04 JPNGOV met", "JPNGOV 04 ---BUS met"]),
    # a weapons test is a show of force (150), with or without a target
    ("weapons-test", "North Korea tested a ballistic missile on Sunday.", ["PRK 15 - tested"]),
    ("weapons-test", "Iran tested new rockets near the Iraqi border.", ["IRN 15 IRQ tested"]),
    ("weapons-test", "Researchers tested a new vaccine.", []),
    # "its" stands for no person (the subject here), "he" and "his" may stand for a state
    ("pronoun-agreement", "Japanese Prime Minister Shinzo Abe condemned North Korea after "
     "its nuclear test.", ["JPNGOV 11 PRK condemned", "PRK 15 - test"]),
    # the member states of an organisation act as the organisation
    ("member-states", "Countries of the Gulf Cooperation Council condemned Iran.",
     ["IGOMEAGCC 11 IRN condemned"]),
    ("member-states", "Former Soviet republics from the CIS refused to lift sanctions on "
     "Georgia.", ["IGOCIS 12 GEO lift"]),
    ("member-states", "Countries of the region condemned Iran.", []),
    # a known descriptor and the unknown name it describes are one actor, not two
    ("described-name", "A Turkish court freed German journalist Mesale Tolu on Monday.",
     ["TURJUD 08 DEUMED freed"]),
    ("described-name", "The US imposed sanctions on Pompeo, Alex Azar and Steve Bannon.",
     ["USA 16 --- imposed", "USA 16 --- imposed", "USA 16 USAELI imposed"]),
    ("pronoun-agreement", "Iran condemned the United States after its missile tests.",
     ["IRN 11 USA condemned", "IRN 15 - tests"]),  # the subject, as before
    # agreeing with someone is sharing their view; joint subjects agree with each other
    ("agree-with", "Turkey agreed with Russia that the talks should resume.",
     ["TUR 01 RUS agreed"]),
    ("agree-with", "Turkey and Russia agreed with each other on the need for talks.",
     ["RUS 01 TUR agreed", "TUR 01 RUS agreed"]),
]


@pytest.mark.parametrize(("kind", "sentence", "expected"), CLASS_CASES,
                         ids=[f"{k}-{i}" for i, (k, _, _) in enumerate(CLASS_CASES)])
def test_class_cases(coder, kind: str, sentence: str,  # type: ignore[no-untyped-def]
                     expected: list[str]) -> None:
    assert _events(coder, sentence) == expected


def test_plea_to_a_charge(coder) -> None:  # type: ignore[no-untyped-def]
    """The "to" of "pleaded guilty to child pornography offenses" names a charge, not
    someone appealed to: no target (the base layer still reads the plea as an appeal)."""
    events = _events(coder, "A US Navy mechanic pleaded guilty to child pornography offenses.")
    assert events and all(" - " in e for e in events)


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Analysts blamed Iran's refusal to negotiate for the crisis.", ["IRN 12 - refusal"]),
    ("The refusal to negotiate prolonged the crisis.", []),  # no owner, no event
])
def test_refusal_noun(coder, sentence: str,  # type: ignore[no-untyped-def]
                      expected: list[str]) -> None:
    """A refusal is coded only with an owner (other events of the sentence aside)."""
    assert [e for e in _events(coder, sentence) if " 12 " in e] == expected


# "X is expected/set/due/likely/unable to V": X does V, as sure as the raising word says
@pytest.mark.parametrize(("sentence", "expected"), [
    ("Biden is expected to meet Xi Jinping next week.", ("USAGOV", "036", "CHNGOV", "intended")),
    ("Putin is set to visit India in December.", ("RUSGOV", "036", "IND", "intended")),
    ("Modi is due to sign a trade deal with Britain.", ("INDGOV", "032", "GBR", "intended")),
    ("Lavrov is likely to visit Beijing soon.", ("RUSGOV", "042", "CHN", "hypothetical")),
    ("Israel is unable to attack Iran.", ("ISR", "190", "IRN", "negated")),
])
def test_raised_subject(coder, sentence: str,  # type: ignore[no-untyped-def]
                        expected: tuple[str, str, str, str]) -> None:
    got = [(e.source.code, e.cameo, e.target.code if e.target else "-", e.modality)
           for e in coder.code_text(sentence, date="2024-06-01")]
    assert expected in got, got


# a negation above a chain of to-infinitives, or "no" on the object, negates the act; an
# order's act is not coded
@pytest.mark.parametrize(("sentence", "expected"), [
    ("Russia did not send troops to attack Ukraine.", [("RUS", "190", "UKR", "negated")]),
    ("The UN did not agree to meet the rebels.", [("IGOUNO", "040", "---REB", "negated")]),
    ("Russia did not attack Ukraine but bombed Georgia.",
     [("RUS", "190", "UKR", "negated"), ("RUS", "195", "GEO", "asserted")]),
    ("Isis told its fighters to attack the Kurds.", [("IRQINS", "010", "IRQREB", "asserted")]),
    ("Putin ordered troops to attack Ukraine.", []),
    # "no" on the object denies the act
    ("Russia offered no support to Syria.", [("RUS", "032", "SYR", "negated")]),
    ("Russia sent aid to Syria.", [("RUS", "070", "SYR", "asserted")]),
    ("Putin told reporters after meeting Macron that talks had gone well.",
     [("RUSGOV", "040", "FRAGOV", "asserted"), ("FRAGOV", "040", "RUSGOV", "asserted")]),
])
def test_negation_above_and_orders(coder, sentence: str,  # type: ignore[no-untyped-def]
                                   expected: list[tuple[str, str, str, str]]) -> None:
    got = [(e.source.code, e.cameo, e.target.code if e.target else "-", e.modality)
           for e in coder.code_text(sentence, date="2024-06-01")]
    assert got == expected


@pytest.mark.parametrize(("text", "side", "expected"), [
    # the antecedent named in the same sentence is the span (and text) of the actor
    ("US President Donald Trump called President Recep Tayyip Erdogan on Wednesday and "
     "urged him to exercise caution.", "target", "President Recep Tayyip Erdogan"),
    ("The ELN has said it will release Odin Sanchez.", "source", "ELN"),
    # one named in an earlier sentence: the pronoun is the sentence's own evidence
    ("President Recep Tayyip Erdogan spoke on Tuesday. Trump urged him to exercise caution.",
     "target", "him"),
])
def test_pronoun_span(coder, text: str, side: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    found = [getattr(e, side) for e in coder.code_text(text, date="2018-03-01")]
    assert [r.text for r in found if r is not None][:1] == [expected]
