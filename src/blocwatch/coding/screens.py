"""Stage 4e — screens: events a sentence's context rules out, whichever layer coded them.

The lexicon, the base layer and the learned fallback read a verb and its actors; some
readings are wrong for reasons that lie in the rest of the sentence, the same for all three:

* **Sports.**  "Brazil beat Argentina 2-1 in a World Cup qualifier", "Spain hosted Morocco
  in a friendly": a contest verb (beat, clash, ...) in a sentence that names a sport, a
  competition or gives a score, or a verb of meeting next to a match, is a game.
* **Audiences.**  "..., the minister told reporters", "told Reuters", "told BBC Radio 4":
  the press a statement is made to, named or not, is no target of the statement (CAMEO
  codes the statement with no target; blocwatch codes only one-actor events of the roots
  that have them, so the reading is dropped; what was said is coded on its own).  So is
  "the president spoke to reporters": talking to the press is a statement, not a meeting.
* **Tourism.**  "France received 90 million foreign tourists", "Chinese tourists visited
  Japan", "a roadshow to woo tourists": a visit by, a welcome of or any other cooperative
  act toward tourists, visitors or pilgrims is travel, not politics.
* **Private travel.**  "Syrian refugees arriving in Canada", "British citizens travelled to
  Syria": a visit by (or the hosting of) civilians, refugees, students or journalists is a
  journey, not diplomacy.
* **Repeats.**  "Seven women and four men lost their lives in a rocket attack", "its
  foreign and defence ministers met", "sanctions on Yanukovich and Azarov": one verb's
  coordinated actors that resolve to the same code give one event, not one per actor
  (PETRARCH keeps a sentence's events by source, target and code too); the first, with
  its evidence, is kept.  Actors CAMEO cannot code (``---``) stay apart by name, and two
  verbs stay two events ("shelled Kharkiv on Monday and attacked Kyiv on Tuesday").
* **Tolls.**  "The Taliban attacked an army base, killing 17 soldiers", "Israeli jets
  carried out air strikes in Gaza, killing a Hamas militant", "At least two people were
  killed when ISIL attacked the Iraqi embassy": the killed and wounded of an attack the
  sentence codes are its toll, not a second act.  A killing or wounding (or a casualty
  count) by the source of another violent event of the sentence (roots 18-20, with a
  target, on another verb) is dropped; the attack keeps its target.  On the ConfliBERT
  development set all 13 such toll targets were off the annotated target.  A killing
  with no attack beside it ("Gunmen killed three tourists") stays.
* **One organisation.**  "The Security Council voted to extend the UN mission": an
  organ of an organisation acting on the organisation itself (IGOUNOSEC and IGOUNO) is
  internal business, not a relation between two actors.
"""

from __future__ import annotations

import re

from blocwatch.records import ActorRef, Event

# Verbs of winning and losing: their sports reading is the usual one when a sport, a
# competition or a score is named.  Verbs of meeting ("host", "face", "play") read as a
# match only next to a match (a qualifier, a friendly, a score), since leaders do meet at
# the Olympics or a World Cup.
CONTEST_VERBS = frozenset({
    "beat", "defeat", "clash", "draw", "win", "lose", "thrash", "edge", "crush", "tie",
    "stun", "upset", "overcome", "knock", "eliminate", "oust", "rout", "trounce", "battle",
    "down", "overpower", "outplay", "fight", "humiliate", "sink", "top", "whip", "dominate",
})
MEETING_VERBS = frozenset({"host", "play", "face", "meet", "welcome", "visit", "receive"})
COMPETITION = re.compile(
    r"\b(?:(?:World|Asia|Asian|Africa|African|Davis|Ryder|Gold|FA|Stanley|Confederations|"
    r"Champions|Americas?|Euro|Nations|Cricket|Rugby)\s+Cup|Euro\s+20\d\d|Olympics?|"
    r"Olympic\s+Games|Paralympics?|Grand\s+Prix|Premier\s+League|Champions\s+League|"
    r"Super\s+Bowl|Wimbledon|tournament|championships?)\b", re.IGNORECASE)
MATCH = re.compile(
    r"\b(?:qualifiers?|qualifying\s+(?:match|game|round)|semi-?finals?|quarter-?finals?|"
    r"play-?offs?|friendlies|(?:an?|the)\s+friendly(?:\s+(?:match|game|international)|"
    r"\s*(?=[.,;]|at\b|in\b|on\b|against\b|$))|test\s+match|match(?:es)?|fixture|derby|"
    r"football|"
    r"soccer|cricket|rugby|hockey|tennis|basketball|baseball|volleyball|handball|"
    r"water\s+polo|penalty\s+shoot-?out|goalkeeper|striker|(?:first|second)[\s-]half|"
    r"extra\s+time|innings|wickets?)\b"
    # a match score: "2-1", "3 - 0", "24-17" (not "a 9-6 vote")
    r"|\b\d{1,3}\s?[-\u2013]\s?\d{1,3}\b(?!\s*(?:vote|votes|majority|decision|ruling))",
    re.IGNORECASE)
_AUDIENCE_SECTORS = frozenset({"MED"})


def screen(events: list[Event]) -> list[Event]:
    """The events of one sentence that its context does not rule out, each once."""
    kept = [e for e in events
            if not (sports(e) or audience_target(e) or same_organisation(e)
                    or tourism(e) or private_travel(e))]
    return once([e for e in kept if not toll(e, kept)])


# Verbs that report what an attack did to people: its toll.
TOLL_VERBS = frozenset({"kill", "wound", "injure", "hurt", "maim"})
_VIOLENT_ROOTS = frozenset({"18", "19", "20"})


def _toll_verb(event: Event) -> bool:
    return event.rule.startswith("casualty:") or event.verb.lemma in TOLL_VERBS


def toll(event: Event, events: list[Event]) -> bool:
    """Whether ``event`` is the killing or wounding done by another violent event of the
    sentence, by the same source (the attack it is the toll of)."""
    if event.root not in _VIOLENT_ROOTS or not _toll_verb(event):
        return False
    me = _identity(event.source)
    return any(other.root in _VIOLENT_ROOTS and other.target is not None
               and other.verb.start != event.verb.start and not _toll_verb(other)
               and _identity(other.source) == me for other in events)


def once(events: list[Event]) -> list[Event]:
    """The sentence's events without repeats (same verb, event code, modality and actor
    codes), the first of each kept."""
    seen: set[tuple[int, str, str, str | None, str | None]] = set()
    out = []
    for e in events:
        key = (e.verb.start, e.cameo, e.modality, _identity(e.source), _identity(e.target))
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out


def _identity(ref: ActorRef | None) -> str | None:
    """What makes an actor the same one here: its code; an unknown actor's name."""
    if ref is None:
        return None
    return ref.text if ref.code.startswith("---") and not ref.sector else ref.code


def sports(event: Event) -> bool:
    """A contest verb in a sentence about a match ("beat ... in a World Cup qualifier")."""
    lemma, text = event.verb.lemma, event.sentence
    if lemma in CONTEST_VERBS:
        return bool(MATCH.search(text) or COMPETITION.search(text))
    return lemma in MEETING_VERBS and bool(MATCH.search(text))


def audience_target(event: Event) -> bool:
    """A statement (root 01) whose target is the press it was made to ("told reporters",
    "told Reuters"), or a talk with the press ("speaks to reporters", "met journalists";
    speaking with a named outlet too: "NPR's Michel Martin speaks with ..."): a talk with
    the press is a statement or an interview, not a consultation; both directions of the
    mutual event go (a meeting with a named outlet's people stays: "met The New York
    Times editors")."""
    if event.root == "01":
        return _media(event.target)
    if event.root != "04" or event.verb.lemma not in _TALK_VERBS:
        return False
    press = _media if event.verb.lemma in _INTERVIEW_VERBS else _press
    return press(event.target) or press(event.source)


_TALK_VERBS = frozenset({"talk", "speak", "meet", "brief", "address", "confer", "chat"})
_INTERVIEW_VERBS = frozenset({"talk", "speak", "chat"})  # with a named outlet too


def _media(actor: ActorRef | None) -> bool:
    """The press, named or not: a talk with a newspaper or a broadcaster is an interview
    ("NPR's Michel Martin speaks with ...", "spoke to the BBC"), not a consultation."""
    return actor is not None and actor.sector in _AUDIENCE_SECTORS


def _press(actor: ActorRef | None) -> bool:
    """The unnamed press ("reporters", "journalists"), not a named outlet."""
    return (actor is not None and actor.org is None and actor.sector in _AUDIENCE_SECTORS
            and actor.text.lower() == actor.text)


def same_organisation(event: Event) -> bool:
    """An organisation's organ acting on the organisation (IGOUNOSEC on IGOUNO)."""
    if event.target is None:
        return False
    source, target = event.source.code, event.target.code
    if not (source.startswith("IGO") and target.startswith("IGO")):
        return False
    return source.startswith(target) or target.startswith(source)


_TRAVELLERS = frozenset({"tourist", "tourists", "visitor", "visitors", "holidaymakers",
                         "travellers", "travelers", "pilgrims", "sightseers"})


def tourism(event: Event) -> bool:
    """A visit or any other cooperative act (roots 01-08) whose source or target is
    tourists, visitors or pilgrims ("conducted a roadshow to woo more tourists"): tourism,
    not politics.  Attacks on tourists stay."""
    return event.root <= "08" and any(
        side is not None and side.text.lower().rsplit(" ", 1)[-1] in _TRAVELLERS
        for side in (event.source, event.target))


# Sectors of private people: their journeys are no visits ("Syrian refugees arriving in
# Canada", "British citizens travelled to Syria", "he went to university in Sheffield").
_PRIVATE_SECTORS = frozenset({"CVL", "REF", "EDU", "MED"})
_VISIT_CODES = frozenset({"042", "043"})


def private_travel(event: Event) -> bool:
    """A visit (042; hosting one, 043) by private people, or any cooperative code (roots
    01-08) a verb of travel was given for them ("the refugees returned to Syria"): travel,
    not diplomacy.  A named person the knowledge base lacks ("---") may be an official
    and stays."""
    travel = event.verb.lemma in _TRAVEL_VERBS and event.root <= "08"
    if not travel and event.cameo not in _VISIT_CODES:
        return False
    visitor = event.target if event.cameo == "043" else event.source
    return visitor is not None and visitor.sector in _PRIVATE_SECTORS and visitor.org is None


_TRAVEL_VERBS = frozenset({"travel", "go", "arrive", "visit", "head", "fly", "come",
                           "return", "journey", "move", "tour", "leave", "enter", "reach"})
