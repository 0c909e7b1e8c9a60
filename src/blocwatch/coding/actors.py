"""Stage 3 — actors: find mentions in a parsed sentence and resolve them to CAMEO-style
codes (country ISO alpha-3 + sector, or an IGO code), using the article's date for
dated roles.

Rules, in order (each a small function):
1. names: the longest knowledge-base name starting at each token (case-sensitive for
   acronyms such as "US", capitalised text for other names);
2. agents: office and group nouns ("foreign ministry", "troops", "President");
3. compounds: "North Korea's foreign ministry", "Seoul forces", "South Korean President
   Yoon Suk-yeol", "the foreign minister of Japan" become one mention, country + sector;
4. context: "the North"/"the South" (Koreas); an agent with no country of its own
   ("police", "the ministry", "a suicide bomber") takes the country of the nearest actor
   before it (this sentence, then earlier ones), else of a place the sentence names
   ("in Pakistan's Swat valley"), else the article's (its dateline: "ABUJA --"), else
   CAMEO's unknown country ``---`` ("---COP"); those have no country for relations;
5. locations: a name that is the object of a locative preposition ("a summit in Spain",
   "headquarters in Brussels, Belgium") is marked ``locative`` and never becomes a source
   or target unless a lexicon frame asks for that preposition.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Span, Token

from blocwatch.knowledge.kb import ActorEntry, KnowledgeBase
from blocwatch.records import UNKNOWN_ACTOR, ActorRef

LOCATIVE_PREPS = frozenset({"in", "at", "near", "inside", "outside", "across", "throughout",
                            "within", "around", "along", "off", "beyond", "into"})
DEFINITE = frozenset({"the", "its", "their", "his", "her", "our", "this", "that"})
# Sectors a bare group keeps even when no country is found ("rebels said ...").
STANDALONE_SECTORS = frozenset({"REB", "INS", "OPP", "CVL", "REF", "UAF", "SEP", "CRM"})
KOREAS = {"north": "PRK", "south": "KOR"}
UNKNOWN_COUNTRY = UNKNOWN_ACTOR  # CAMEO's country of an actor whose country nothing tells
FACILITY_KIND = "facility"  # a place named after a person ("the King Fahd Mosque")
UNKNOWN_KIND = "unknown"  # a mention of a name the knowledge base lacks (code ``---``)
# Capitalised words that may stand before a country name without making a new name.
_NAME_MODIFIERS_OK = frozenset({"communist", "mainland", "soviet", "islamic", "federal",
                                "imperial", "democratic", "neighbouring", "neighboring",
                                "nuclear", "oil-rich", "war-torn", "landlocked", "northern",
                                "southern", "eastern", "western", "central", "rival",
                                "occupied", "independent", "modern", "ancient", "postwar"})


@dataclass(frozen=True)
class Mention:
    """An actor mention over doc tokens ``start:end`` (end exclusive)."""

    start: int
    end: int
    country: str | None
    sector: str | None
    org: str | None
    igo_code: str | None
    kind: str
    locative: bool = False
    agent_only: bool = False  # an agent noun with no country yet (needs context)
    is_subject: bool = False  # heads the subject of a verb (preferred antecedent)

    @property
    def code(self) -> str:
        if self.kind == UNKNOWN_KIND:
            return UNKNOWN_COUNTRY
        if self.igo_code:
            return self.igo_code
        if self.country is None and self.sector:
            return f"{UNKNOWN_COUNTRY}{self.sector}"
        return f"{self.country or ''}{self.sector or ''}"

    def ref(self, sent: Span) -> ActorRef:
        doc = sent.doc
        start_char = doc[self.start].idx - sent.start_char
        end_tok = doc[self.end - 1]
        end_char = end_tok.idx + len(end_tok.text) - sent.start_char
        return ActorRef(code=self.code, country=self.country, sector=self.sector,
                        org=self.org, text=sent.text[start_char:end_char],
                        start=start_char, end=end_char)


class ActorFinder:
    """Finds and resolves actor mentions; holds the knowledge base, nothing else."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    def find(self, sent: Span, date: str | None, context: Sequence[Mention] = (),
             home: str | None = None) -> list[Mention]:
        """Mentions of one sentence.  ``context``: resolved mentions of earlier sentences;
        ``home``: the article's country (its dateline), for agents nothing else places."""
        names = self._names(sent, date)
        agents = self._agents(sent, names)
        mentions = _mark(sent, _combine(sent, _actors(names), agents))
        return _mark(sent, self._contextual(sent, mentions, context, home))

    def names(self, sent: Span, date: str | None) -> list[Mention]:
        """Knowledge-base names of a sentence, parsed or not (rule 1 alone)."""
        return _actors(self._names(sent, date))

    # -- rule 1: names -------------------------------------------------------------
    def _names(self, sent: Span, date: str | None) -> list[Mention]:
        doc, i = sent.doc, sent.start
        out: list[Mention] = []
        lowers = [t.lower_ for t in doc[sent.start:sent.end]]
        names, starts = self.kb.names, self.kb.name_starts
        while i < sent.end:
            found = None
            longest = starts.get(lowers[i - sent.start], 0)
            for n in range(min(longest, sent.end - i), 0, -1):
                key = tuple(lowers[i - sent.start:i - sent.start + n])
                candidates = names.get(key)
                if not candidates:
                    continue
                tokens = doc[i:i + n]
                entries = [e for e in candidates if case_ok(e, [t.text for t in tokens])]
                if entries:
                    # a lower-case article is the sentence's, not the name's: "of the
                    # Maldives government" names "Maldives" (as before the article
                    # could match), "told the Guardian" "Guardian"
                    first = i + 1 if doc[i].text == "the" else i
                    found = resolve(entries, date, first, i + n)
                    break
            if found is not None and (self._inside_other_name(doc, found, sent.start, out)
                                      or self._foreign_body(doc, found, out)
                                      or _sponsor(doc, found, sent.end)):
                i = found.end  # "Michael Jordan", "New Mexico", "Latin American"
            elif found is not None and (end := _newspaper_end(doc, found, sent.end)):
                # "the Jerusalem Post", "the Sydney Morning Herald": the place's press
                out.append(replace(found, end=end, sector="MED", org=None, igo_code=None,
                                   kind="institution"))
                i = end
            elif found is not None and (end := _facility_end(doc, found, sent.end)):
                # "the King Fahd Mosque": a place, no actor (nor its "King" an agent);
                # kept as a facility until the agents are found, then dropped
                start = found.start - 1 if found.start > sent.start and \
                    doc[found.start - 1].text[:1].isupper() else found.start
                out.append(replace(found, start=start, end=end, country=None, sector=None,
                                   org=None, igo_code=None, kind=FACILITY_KIND))
                i = end
            elif found is not None:
                out.append(found)
                i = found.end
            else:
                i += 1
        return out

    def _inside_other_name(self, doc: object, found: Mention, sent_start: int,
                           before: list[Mention]) -> bool:
        """A place name that is only the tail of a longer proper name."""
        if found.kind not in ("country", "capital", "demonym") or found.start <= sent_start:
            return False
        prev: Token = doc[found.start - 1]  # type: ignore[index]
        if before and before[-1].end == found.start:
            return False
        # an unparsed sentence (no part of speech) is read from capitalisation alone
        if prev.pos_ not in ("PROPN", "ADJ", "") or not prev.text[:1].isupper() \
                or prev.is_upper:
            return False
        if prev.lower_ in _NAME_MODIFIERS_OK or self.kb.agent([prev.text]) is not None:
            return False
        return True

    def _foreign_body(self, doc: object, found: Mention, before: list[Mention]) -> bool:
        """A country's institution named by a common word ("Congress": the US Congress)
        right after another country ("the Brazilian Congress", "Brazil's Congress") is
        that country's body: the word is read as an agent term instead."""
        if found.kind != "institution" or not before:
            return False
        prev = before[-1]
        gap = [t.text for t in doc[prev.end:found.start]]  # type: ignore[index]
        words = [t.text for t in doc[found.start:found.end]]  # type: ignore[index]
        return prev.kind in ("country", "demonym") and gap in ([], ["'s"], ["’s"]) \
            and prev.country is not None and prev.country != found.country \
            and self.kb.agent(words) is not None

    # -- rule 2: agents ------------------------------------------------------------
    def _agents(self, sent: Span, names: list[Mention]) -> list[tuple[int, int, str, str]]:
        taken = {i for m in names for i in range(m.start, m.end)}
        doc, out, i = sent.doc, [], sent.start
        while i < sent.end:
            hit = None
            longest = self.kb.agent_starts.get(doc[i].lower_, 0)
            if longest and i not in taken and doc[i].pos_ in ("NOUN", "PROPN", "ADJ", "VERB"):
                for n in range(min(longest + 2, sent.end - i), 0, -1):
                    span = doc[i:i + n]
                    if any(j in taken for j in range(i, i + n)) or span[-1].text in QUOTES:
                        continue
                    # scare quotes inside the phrase: 'a far-right "terror" group'
                    words = [t.text for t in span if t.text not in QUOTES]
                    agent = self.kb.agent(words) if len(words) <= longest else None
                    if agent and (span[-1].pos_ in ("NOUN", "PROPN") or span[-1].dep_ in
                                  ("pobj", "dobj", "nsubj", "nsubjpass", "appos", "conj")):
                        hit = (i, i + n, agent.sector, agent.kind)
                        break
            if hit:
                out.append(hit)
                i = hit[1]
            else:
                i += 1
        return out + _crowds(sent, taken | {j for a in out for j in range(a[0], a[1])})

    # -- rule 4: context -----------------------------------------------------------
    def _contextual(self, sent: Span, mentions: list[Mention],
                    context: Sequence[Mention], home: str | None) -> list[Mention]:
        doc, extra = sent.doc, []
        taken = {i for m in mentions for i in range(m.start, m.end)}
        seen = {m.country for m in context if m.country} | {
            m.country for m in mentions if m.country}
        for tok in sent:
            word = tok.text.lower()
            if (word in KOREAS and tok.i not in taken and tok.text[0].isupper()
                    and tok.i > sent.start and doc[tok.i - 1].lower_ == "the"
                    and seen & {"PRK", "KOR"}
                    and (tok.i + 1 >= sent.end or doc[tok.i + 1].pos_ != "PROPN")):
                extra.append(Mention(tok.i - 1, tok.i + 1, KOREAS[word], None, None, None,
                                     "context"))
        located = [m for m in mentions if m.country and is_locative(doc, m)]
        places = [m.country for m in located]
        result: list[Mention] = []
        for m in sorted([*mentions, *extra], key=lambda m: m.start):
            if not m.agent_only:
                result.append(m)
                continue
            here = _local_place(m, located, result) if not _owned(doc, m) else None
            resolved = here or _nearest_country(m, [*context, *result]) \
                or next(iter(places), home)
            result.append(replace(m, country=resolved, agent_only=False))
        return result


# Sectors of people who belong where the sentence places them: "US troops killed ten
# insurgents in Afghanistan" are Afghan insurgents, "Russian airstrikes pounded rebel
# positions in Idlib" Syrian rebels.  Their country is the sentence's place before
# another actor's, unless an earlier actor of their sector names it ("Syrian rebels ...
# the rebels") or an owner does ("Britain says its fighters ... in Turkey").  Not the
# opposition: its delegations travel ("the opposition delegation in Geneva").
LOCAL_SECTORS = frozenset({"REB", "INS", "CVL", "REF", "CRM", "UAF"})
OWNER_WORDS = frozenset({"its", "their", "his", "her", "our", "whose"})


def _local_place(m: Mention, located: Sequence[Mention], before: Sequence[Mention]
                 ) -> str | None:
    """The country of the sentence's place for a :data:`LOCAL_SECTORS` agent: a country
    or region named; a city only when no other actor of the sentence gives a country
    (city names are shared: "Lebanese troops clashed with gunmen in Tripoli")."""
    if m.sector not in LOCAL_SECTORS or not located:
        return None
    actors = [o for o in before if o.country and not o.locative]
    if any(o.sector == m.sector for o in actors):
        return None  # "Syrian rebels ... the rebels"
    for place in located:
        if place.kind == "country" or not actors:
            return place.country
    return None


def _owned(doc: object, m: Mention) -> bool:
    """Whether an owner word opens the agent's phrase ("their citizens")."""
    head: Token = doc[m.end - 1]  # type: ignore[index]
    return any(c.dep_ == "poss" and c.lower_ in OWNER_WORDS for c in head.children)


QUOTES = frozenset({'"', "'", "“", "”", "‘", "’", "``", "''"})
# Crowds named by their size alone: "Thousands protested in Tehran", "Hundreds marched",
# "Tens of thousands rallied".  Civilians, placed like every agent.
CROWD_WORDS = frozenset({"thousands", "hundreds", "tens", "crowds", "crowd", "scores"})
# What crowds do (the verb a crowd word is the subject of); elsewhere "thousands" are
# mostly victims or numbers ("hundreds more remained", "tens of thousands may die").
CROWD_ACTS = frozenset({"protest", "demonstrate", "march", "rally", "riot", "strike",
                        "chant", "storm", "picket", "gather", "block", "occupy", "clash",
                        "attack", "burn", "throw", "demand"})


def _crowds(sent: Span, taken: set[int]) -> list[tuple[int, int, str, str]]:
    """The subjects of a crowd's act that name the crowd by its size and nothing else
    (not "thousands of workers": the workers are the agent)."""
    out = []
    for tok in sent:
        if tok.lower_ not in CROWD_WORDS or tok.dep_ != "nsubj" or tok.i in taken \
                or tok.head.lemma_.lower() not in CROWD_ACTS:
            continue
        end = tok
        of = [o for p in tok.children if p.lower_ == "of" for o in p.children
              if o.dep_ == "pobj"]
        if of and (of[0].lower_ not in CROWD_WORDS or any(c.lower_ == "of"
                                                           for c in of[0].children)):
            continue  # "thousands of workers", "tens of thousands of Kurds"
        if of:
            end = of[0]  # "tens of thousands"
        if not any(j in taken for j in range(tok.i, end.i + 1)):
            out.append((tok.i, end.i + 1, "CVL", "body"))
    return out


def _mark(sent: Span, mentions: list[Mention]) -> list[Mention]:
    doc = sent.doc
    return [replace(m, locative=is_locative(doc, m),
                    is_subject=doc[m.end - 1].dep_ in ("nsubj", "nsubjpass"))
            for m in mentions]


def case_ok(entry: ActorEntry, texts: Sequence[str]) -> bool:
    """Whether the name's tokens (their texts) are written as the entry requires."""
    if entry.case_sensitive:
        text = "".join(texts)
        name = entry.name.replace(" ", "")
        # "Nato", "Isis", "Opec": the house style of some papers for long acronyms
        return text == name or (len(name) >= 4 and name.isalpha() and text == name.title())
    first = texts[0]
    # "al-Shabab", "al Qaeda", "el-Sisi"; a name opened by an article is read from its
    # next word ("the Guardian" is the paper, "The guardian of the boy" is not)
    if len(texts) > 1 and (first in NAME_PARTICLES or first.lower() == "the"):
        first = texts[2] if texts[1] == "-" and len(texts) > 2 else texts[1]
    return first[:1].isupper() or first[:1].isdigit()


# Lower-case articles that open Arabic names in English news: the next word is the name's
# capital ("al-Shabab", "al-Nusra Front", "el-Sisi").
NAME_PARTICLES = frozenset({"al", "el", "ad", "ar", "as", "an", "ash", "at", "az", "ul"})


def resolve(entries: list[ActorEntry], date: str | None, start: int, end: int) -> Mention:
    """Choose among the entries of one name: a dated role that covers the date first."""
    persons = [e for e in entries if e.kind == "person"]
    if persons:
        current = [e for e in persons if e.covers(date)]
        if current:
            best = max(current, key=lambda e: (e.role == "head_of_state", e.start or ""))
            return Mention(start, end, best.country, best.sector, None, None, "person")
        latest = max(persons, key=lambda e: e.start or "")
        return Mention(start, end, latest.country, "ELI", None, None, "person")
    entry = entries[0]
    if entry.kind == "igo":
        return Mention(start, end, entry.country, None, entry.org, entry.code, "igo")
    return Mention(start, end, entry.country, entry.sector, None, None, entry.kind)


def _combine(sent: Span, names: list[Mention],
             agents: list[tuple[int, int, str, str]]) -> list[Mention]:
    """Rule 3: join country + agent (+ person) into one mention."""
    doc = sent.doc
    by_start = {m.start: m for m in names}
    used: set[int] = set()
    out: list[Mention] = []
    for a_start, a_end, sector, kind in agents:
        owner = _owner_before(doc, names, a_start, sent.start)
        if owner is None:
            voice = _voice_of(doc, names, a_start, a_end, sent.end)
            if voice is not None and voice.kind in ("country", "capital"):
                owner = voice  # "a spokesman for Iran": Iran's government
            elif voice is not None:  # "a spokesman for the SDF" speaks as the SDF
                used.add(voice.start)
                out.append(_acting_as(doc, voice, a_start, sent.start))
                continue
        if owner is None:
            owner = _owner_after(doc, by_start, a_end, sent.end)
        if owner is not None and (posted := _posted_to(doc, names, owner, a_start, a_end)):
            used.add(owner.start)  # "US Syria envoy James Jeffrey": the US's envoy to Syria
            owner = posted
        if owner is not None and owner.igo_code and owner.start > a_end:
            # "officials of the European Union", "the leader of Hamas", "representatives
            # of the Red Cross": they act as the organisation (as its spokesperson does)
            used.add(owner.start)
            out.append(_acting_as(doc, owner, a_start, sent.start))
            continue
        person = by_start.get(a_end) if kind == "role" else None
        if kind == "role" and person is None:  # "President Otto Pérez Molina"
            a_end = _name_after(doc, a_end, sent.end, by_start)
            if _company(doc, a_start, a_end):  # "General Motors Corp": a firm, no general
                out.append(Mention(a_start, a_end, None, "BUS", None, None, "agent"))
                continue
        if person is not None and person.kind == "person":
            used.update([person.start, *([owner.start] if owner is not None else [])])
            out.append(_person_mention(doc, person, owner, a_start))
            continue
        if owner is not None and owner.igo_code and owner.end <= a_start:
            used.add(owner.start)  # "Abu Sayyaf gunmen", "NATO troops": the group's own
            out.append(replace(owner, end=a_end))
            continue
        if owner is None or owner.igo_code:
            det = doc[a_start - 1].lower_ if a_start > sent.start else ""
            start = a_start - 1 if det in DEFINITE else a_start
            out.append(Mention(start, a_end, None, sector, None, None, "agent",
                               agent_only=True))
            continue
        used.add(owner.start)
        owner_sector = owner.sector if owner.kind == "institution" else sector
        for other in _conjoined_demonyms(doc, names, owner, sent.start):
            used.add(other.start)  # "Russian and Syrian forces": Russian forces too
            out.append(replace(other, sector=owner_sector, kind="agent"))
        start = _extend_left(doc, names, owner, sent.start)
        if a_start < owner.start and a_start > sent.start \
                and doc[a_start - 1].lower_ in DEFINITE:  # "the foreign minister of Japan"
            start = a_start - 1
        out.append(Mention(min(start, a_start), max(owner.end, a_end), owner.country,
                           owner_sector, None, None, "agent"))
    out += [m for m in names if m.start not in used]
    return sorted(out, key=lambda m: m.start)


def _acting_as(doc: Doc, org: Mention, a_start: int, sent_start: int) -> Mention:
    """The organisation's mention over the agent's phrase that speaks or acts for it ("a
    spokesman for the SDF", "the leader of Hamas"), from the agent's article on."""
    det = doc[a_start - 1].lower_ if a_start > sent_start else ""
    return replace(org, start=a_start - 1 if det in DEFINITE else a_start)


def _person_mention(doc: Doc, person: Mention, owner: Mention | None,
                    a_start: int) -> Mention:
    """A role and a person ("President Otto Pérez Molina", "Japan's Prime Minister Abe"):
    the person's code; but an organisation's office ("NATO Secretary General Jens
    Stoltenberg", "UN Secretary-General Antonio Guterres") is the organisation's, whatever
    else the person held or holds - not a country's post there ("UN ambassador Susan
    Rice")."""
    start = owner.start if owner is not None else a_start
    if owner is not None and owner.igo_code and owner.end <= a_start \
            and doc[a_start].lower_ not in ENVOYS_TO:
        return replace(owner, start=start, end=person.end)
    return replace(person, start=start)


def _conjoined_demonyms(doc: object, names: list[Mention], owner: Mention,
                        sent_start: int) -> list[Mention]:
    """Demonyms listed before the one that owns an agent ("Russian and Syrian forces",
    "US, British and French officials"): each owns the agent too."""
    if owner.kind != "demonym":
        return []
    by_end = {m.end: m for m in names if m.kind == "demonym"}
    out: list[Mention] = []
    pos = owner.start
    while pos - 2 >= sent_start:
        sep: Token = doc[pos - 1]  # type: ignore[index]
        if sep.lower_ not in ("and", ",", "or"):
            break
        before = by_end.get(pos - 1)
        if before is None and sep.lower_ in ("and", "or") and pos - 2 >= sent_start \
                and doc[pos - 2].text == ",":  # type: ignore[index]
            before = by_end.get(pos - 2)  # "US, British, and French officials"
        if before is None:
            break
        out.append(before)
        pos = before.start
    return out


COMPANY_ENDINGS = frozenset({"corp", "corporation", "inc", "incorporated", "co", "company",
                             "ltd", "limited", "plc", "llc", "ag", "nv", "holdings"})


def _company(doc: Doc, start: int, end: int) -> bool:
    """Whether a title and the name after it are a firm's name ("General Motors Corp",
    "General Electric Co"): it ends in a company word."""
    return end - start > 1 and doc[end - 1].lower_.rstrip(".") in COMPANY_ENDINGS


def _name_after(doc: object, end: int, sent_end: int, names: dict[int, Mention]) -> int:
    """The end of a person's name the knowledge base does not know, right after an office
    ("deputy prime minister Frances Fitzgerald"): up to four proper nouns."""
    stop = end
    while stop < min(sent_end, end + 4) and stop not in names:
        tok: Token = doc[stop]  # type: ignore[index]
        if tok.pos_ != "PROPN" or not tok.text[:1].isupper():
            break
        stop += 1
    return stop


# "US-backed fighters", "Iranian-backed Houthis", "Turkish-backed Syrian rebels": the
# name before these words is a sponsor, neither the actor nor its country (the fighters
# are not the US's; "a Saudi-led coalition" is still Saudi Arabia's, and "Russian-sponsored
# talks" are Russia's to host).
SPONSOR_WORDS = frozenset({"backed", "supported", "funded", "financed", "armed", "trained",
                           "allied", "aligned", "installed"})


def _sponsor(doc: Doc, found: Mention, sent_end: int) -> bool:
    """Whether the name is followed by "-backed", "-funded" ... (:data:`SPONSOR_WORDS`)."""
    return found.end + 1 < sent_end and doc[found.end].text in ("-", "\u2011") \
        and doc[found.end + 1].lower_ in SPONSOR_WORDS


def _owner_before(doc: object, names: list[Mention], a_start: int,
                  sent_start: int) -> Mention | None:
    """A country-like mention just before the agent, allowing "'s" and adjectives."""
    for m in reversed(names):
        if m.end > a_start or m.kind not in ("country", "capital", "demonym", "context",
                                              "institution", "igo"):
            continue
        between = doc[m.end:a_start]  # type: ignore[index]
        if all(t.text in ("'s", "'") or t.pos_ in ("ADJ", "NOUN") and t.dep_ in (
                "amod", "compound") for t in between) and len(between) <= 3:
            return m
        return None
    return None


def _extend_left(doc: object, names: list[Mention], owner: Mention, sent_start: int) -> int:
    """"Yemen's Houthi rebels": a country + 's before an institution joins the mention."""
    start = owner.start
    if owner.kind == "institution" and start - 2 >= sent_start \
            and doc[start - 1].text == "'s":  # type: ignore[index]
        for m in names:
            if m.end == start - 1 and m.country == owner.country:
                return m.start
    return start


def _owner_after(doc: object, by_start: dict[int, Mention], a_end: int,
                 sent_end: int) -> Mention | None:
    """"the foreign minister of Japan": agent + of (+ the) + country; or an organisation
    ("officials of the European Union")."""
    if a_end < sent_end and doc[a_end].lower_ == "of":  # type: ignore[index]
        nxt = a_end + 1
        if nxt < sent_end and doc[nxt].lower_ == "the":  # type: ignore[index]
            nxt += 1
        m = by_start.get(nxt)
        if m is not None and (m.kind in ("country", "capital", "institution")
                              or m.igo_code):
            return m
    return None


# Offices a country holds at an organisation: "UN ambassador Nikki Haley" is American.
ENVOYS_TO = frozenset({"ambassador", "ambassadors", "representative", "representatives",
                       "delegate", "delegates"})
# Words for people sent somewhere: "US Syria envoy" is the US's, posted to Syria.
ENVOY_HEADS = ENVOYS_TO | {"envoy", "envoys", "negotiator", "negotiators", "coordinator"}


def _posted_to(doc: Doc, names: list[Mention], owner: Mention, a_start: int,
               a_end: int) -> Mention | None:
    """The sender of an envoy named before the place it is posted to ("US Syria envoy",
    "Russia's Afghanistan envoy", "UN Syria envoy"): the name right before the owner."""
    if owner.end != a_start or not any(t.lower_ in ENVOY_HEADS for t in doc[a_start:a_end]):
        return None
    for m in names:
        if m.kind in ("country", "capital", "demonym", "igo", "institution") \
                and (m.end == owner.start or m.end + 1 == owner.start
                     and doc[m.end].text in ("'s", "'")):
            return m
    return None


SPOKESPEOPLE = frozenset({"spokesman", "spokeswoman", "spokesperson", "spokesmen",
                          "spokeswomen", "spokespeople", "spokespersons"})


def _voice_of(doc: Doc, names: list[Mention], a_start: int, a_end: int,
              sent_end: int) -> Mention | None:
    """"a spokesman for the Kurdish-led Syrian Democratic Forces", "the spokeswoman of
    Hamas", "a spokesman for Iran": whom a spokesperson speaks for (the object of the
    preposition right after, or a name inside it)."""
    if a_end - a_start != 1 or doc[a_start].lower_ not in SPOKESPEOPLE \
            or a_end >= sent_end or doc[a_end].lower_ not in ("for", "of"):
        return None
    objs = [o for o in doc[a_end].children if o.dep_ == "pobj"]
    if not objs:
        return None
    obj = objs[0]
    for m in names:
        if m.start <= obj.i < m.end and m.kind not in ("context", "demonym"):
            return m
    return None


def _nearest_country(m: Mention, before: Sequence[Mention]) -> str | None:
    """Country of the nearest earlier actor of the same sector, else of the nearest
    subject, else of any actor."""
    usable = [o for o in before if o.country and not o.locative and not o.agent_only]
    for wanted in (lambda o: o.sector == m.sector, lambda o: o.is_subject, lambda o: True):
        for other in reversed(usable):
            if wanted(other):
                return other.country
    return None


def is_locative(doc: object, m: Mention) -> bool:
    """True when the mention is (part of) the object of a locative preposition."""
    tok: Token = doc[m.end - 1]  # type: ignore[index]
    for _ in range(6):
        if tok.dep_ in ("compound", "poss", "appos", "conj", "nmod", "case", "amod"):
            if tok.head is tok:
                return False
            tok = tok.head
            continue
        if tok.dep_ == "pobj" and tok.head.lower_ in LOCATIVE_PREPS:
            return tok.head.head.lower_ not in ("interfere", "invest", "intervene", "involve")
        return False
    return False


# Places and things named after people: "Hamid Karzai International Airport", "the King
# Fahd Mosque", "the Nelson Mandela Bridge" name no actor (rockets fired on the airport
# are not fired on Karzai).  Organisations named so ("the Clinton Foundation") are the
# knowledge base's to list.
# PLACE_HEADS name no actor whatever names them (also the head of a name the knowledge base
# lacks: "raided the Al-Nour Mosque" has no "---" target); a hospital or a school is an
# agent of its own (HLH, EDU); a centre, hall or port may be an organisation's name.
PLACE_HEADS = frozenset({
    "airport", "airbase", "mosque", "church", "cathedral", "synagogue", "temple", "shrine",
    "bridge", "stadium", "arena", "street", "square", "avenue", "road", "boulevard",
    "highway", "expressway", "station", "harbour", "harbor", "dam", "canal", "museum",
    "library", "park", "tower", "mausoleum", "memorial", "prize", "award", "doctrine"})
_AGENT_FACILITIES = frozenset({"hospital", "university", "college", "school"})
_FACILITIES = PLACE_HEADS | _AGENT_FACILITIES | {"centre", "center", "hall", "port"}
_FACILITY_MODIFIERS = frozenset({"international", "national", "memorial", "grand",
                                 "central", "royal", "regional", "general", "military",
                                 "teaching", "state", "city"})


# Mastheads: a place's name before these words is a newspaper ("the Jerusalem Post", "the
# Sydney Morning Herald", "the Tehran Times"), the place's press (MED), not the place.
NEWSPAPER_WORDS = frozenset({"post", "times", "herald", "tribune", "gazette", "telegraph",
                             "chronicle", "journal", "mail", "observer", "globe", "inquirer",
                             "courier", "examiner"})
_MASTHEAD_FILLERS = frozenset({"morning", "evening", "daily", "sunday", "weekly"})


def _newspaper_end(doc: Doc, found: Mention, sent_end: int) -> int:
    """Where a newspaper's name that the place ``found`` opens ends; 0 when none does."""
    if found.kind not in ("country", "capital", "demonym"):
        return 0
    i = found.end
    while i < sent_end and i - found.end < 2 and doc[i].lower_ in _MASTHEAD_FILLERS \
            and doc[i].text[:1].isupper():
        i += 1
    if i < sent_end and doc[i].lower_ in NEWSPAPER_WORDS and doc[i].text[:1].isupper():
        return i + 1
    return 0


def _facility_end(doc: object, found: Mention, sent_end: int) -> int:
    """Where the name of a place or a thing (:data:`_FACILITIES`) that a person's name
    opens ends; 0 when the name is no such thing's."""
    if found.kind != "person":
        return 0
    i = found.end
    while i < sent_end and i - found.end < 3:
        tok: Token = doc[i]  # type: ignore[index]
        if not tok.text[:1].isupper():
            return 0
        if tok.lower_ in _FACILITIES:
            # "the Assad Hospital": the hospital stays an agent (health sector)
            return i if tok.lower_ in _AGENT_FACILITIES else i + 1
        if tok.lower_ not in _FACILITY_MODIFIERS:
            return 0
        i += 1
    return 0


def _actors(names: list[Mention]) -> list[Mention]:
    return [m for m in names if m.kind != FACILITY_KIND]
