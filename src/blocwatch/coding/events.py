"""Stage 4 — events: verb lemmas with their dependency frames, matched against the
lexicon, give (source, CAMEO code, target) triples with their evidence.

For each verb the most specific matching lexicon entry fires (light-verb noun and
particle entries before plain ones).  The source is the verb's subject (inherited through
infinitives, conjuncts and "accused X of ..." frames; the "by" agent of a passive); the
target is the first role of the entry that holds an actor.  Conjoined actors expand to one
event per dyad; pronouns and event nouns ("rejected the offer") are resolved against the
sentence and the ones before it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from spacy.tokens import Span, Token

from blocwatch.coding.actors import (
    NEWSPAPER_WORDS,
    PLACE_HEADS,
    UNKNOWN_COUNTRY,
    UNKNOWN_KIND,
    Mention,
)
from blocwatch.coding.modality import (
    APPEAL_VERBS,
    DIRECTIVE_VERBS,
    attempt_code,
    code_shift,
    intent_code,
    modality,
    refusal_code,
    speech_governor,
)
from blocwatch.knowledge.lexicon import Lexicon, VerbEntry
from blocwatch.records import ActorRef, Event, Plover, VerbRef
from blocwatch.text import frames
from blocwatch.text.forms import form_lemmas

PRONOUNS = frozenset({"it", "its", "they", "them", "their", "he", "him", "his", "she", "her",
                      "itself", "themselves"})
SPEAKER_PRONOUNS = frozenset({"we", "us", "our", "i", "me", "my"})
# Event nouns that point back at an earlier event ("North Korea rejected the offer").
EVENT_NOUNS = {
    "offer": ("intended",), "proposal": ("intended",), "plan": ("intended",),
    "invitation": ("intended",), "overture": ("intended",), "initiative": ("intended",),
    "demand": ("10", "02"), "call": ("02", "10"), "request": ("02",), "appeal": ("02",),
    "accusation": ("11",), "allegation": ("11",), "claim": ("11", "01"), "criticism": ("11",),
    "ultimatum": ("13",), "threat": ("13",), "warning": ("13",),
}
# Roots coded from a passive with no agent ("was sentenced", "were arrested", "was
# abducted"): coercion and assault, whose agent (police, courts, unknown attackers) news
# often leaves out.
AGENTLESS_ROOTS = frozenset({"17", "18"})
# Legal acts likewise ("was prosecuted", "were convicted", "the trial of 11 members"): the
# court or prosecutor is mostly left out.  CAMEO 115 bring lawsuit, 116 find guilty.
AGENTLESS_LEGAL = ("115", "116")
# Mentions of who acts, never of where: groups, institutions, bodies, people, agents.
ACTOR_KINDS = frozenset({"institution", "igo", "person", "agent"})
# Event nouns coded without an owner ("the arrest of two tycoons", "the abduction of 276
# schoolgirls", "a crackdown on protesters"): codes by prefix.  Not expulsion (174), whose
# nouns are as often an extradition between governments.
AGENTLESS_NOUN_CODES = ("173", "175", "18", *AGENTLESS_LEGAL)


def codes_without_agent(code: str, nominal: bool) -> bool:
    """Whether an act of ``code`` is coded with CAMEO's unknown source ``---`` when its
    agent (a passive verb's) or its owner (an event noun's) is not named."""
    if nominal:
        return code.startswith(AGENTLESS_NOUN_CODES)
    return code[:2] in AGENTLESS_ROOTS or code.startswith(AGENTLESS_LEGAL)


def with_unknown_source(event: Event, at: Token, sent: Span) -> Event:
    """The event with CAMEO's unknown actor ``---`` as source (no span, at token ``at``)."""
    offset = at.idx - sent.start_char
    return replace(event, source=ActorRef(UNKNOWN_COUNTRY, None, None, None, "", offset,
                                          offset))


def unknown_name(tok: Token, index: dict[int, Mention]) -> Mention | None:
    """A proper name in an actor slot that the knowledge base does not know ("investigate
    Yale", "outlawed the Zairian Association", "The FLN attacked ..."): CAMEO's unknown
    actor ``---`` over the name's words; not a date or a name that holds a known actor,
    not the sentence's first word (the pre-filter counts such a name by its capital after
    the first word)."""
    acronym = tok.pos_ == "NOUN" and len(tok.text) > 1 and tok.text.isalpha() \
        and tok.text.isupper()  # "The FLN": the tagger reads many acronyms as nouns
    if not (tok.pos_ == "PROPN" or acronym) or not tok.text[:1].isupper() \
            or _not_actor(tok.lower_) or tok.i == tok.sent.start or tok.sent.text.isupper() \
            or tok.dep_ in ("compound", "flat"):
        return None  # a first word (a capitals headline's every word) is capitalised
        # anyway; a name's first words ("Middle" of "the Middle East") are not the name
    words = [tok, *(c for c in tok.children if c.dep_ in ("compound", "flat", "amod")
                    and c.pos_ in ("PROPN", "ADJ") and c.text[:1].isupper() and c.i < tok.i)]
    start = min(w.i for w in words)
    if any(i in index for i in range(start, tok.i + 1)):
        return None
    if tok.lower_ in NEWSPAPER_WORDS:  # "told the Daily Telegraph": a newspaper, the press
        return Mention(start, tok.i + 1, None, "MED", None, None, "institution")
    return Mention(start, tok.i + 1, None, None, None, None, UNKNOWN_KIND)


def _unknown_conjuncts(tok: Token, index: dict[int, Mention], found: list[Mention]
                       ) -> list[Mention]:
    """Names the knowledge base lacks among the conjuncts of a target slot that named
    known actors too."""
    out = []
    for t in frames.expand_conjuncts(tok):
        if not any(m.start <= t.i < m.end for m in found) and not _described(t, found):
            unknown = unknown_name(t, index)
            if unknown is not None:
                out.append(unknown)
    return out


def _described(name: Token, found: list[Mention]) -> bool:
    """Whether a known actor is a modifier of the name ("German journalist Mesale Tolu",
    "American aid worker Aya Hijazi"): the name is that actor, not a second one."""
    mods = [c for c in name.children if c.dep_ in ("compound", "amod", "nmod", "appos")]
    return any(m.start <= w.i < m.end for c in mods for w in c.subtree for m in found)


def _not_actor(word: str) -> bool:
    """Names that are never actors: dates and holidays ("Nov."), diseases ("fight
    COVID-19"), contests and gatherings ("host the Winter Olympics"), places whose last
    word names their kind ("the Middle East", "the Red Sea")."""
    bare = word.rstrip(".")
    return bare in _NOT_ACTORS or (len(bare) >= 3 and any(
        m.startswith(bare) for m in _MONTHS_DAYS)) or bare.startswith("covid")


_MONTHS_DAYS = ("january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december", "monday", "tuesday",
                "wednesday", "thursday", "friday", "saturday", "sunday")
_NOT_ACTORS = frozenset({"christmas", "easter", "ramadan", "eid", "hajj", "brexit",
                         "ebola", "hiv", "aids", "malaria", "cholera", "sars", "mers",
                         "zika", "polio", "omicron", "fgm", "olympics", "olympic", "games",
                         "cup", "championship", "championships", "tournament", "festival",
                         "expo", "summit", "conference", "prize", "award", "east", "west",
                         "north", "south", "gulf", "sea", "ocean", "valley", "river",
                         "mountain", "mountains", "island", "islands", "strait", "peninsula",
                         "region", "province", "district", "county", "city"}) | PLACE_HEADS
_REJECTION_OF = {"036": "125", "02": "122", "10": "124", "030": "120", "057": "127"}


@dataclass
class ArticleContext:
    """What earlier sentences of the same article leave for later ones (local to one
    article, never shared)."""

    sentence_mentions: list[list[Mention]] = field(default_factory=list)
    topics: list[Mention] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    speaker: Mention | None = None


@dataclass(frozen=True)
class SentenceInput:
    doc_id: str
    sentence_index: int
    sent: Span
    date: str | None
    mentions: tuple[Mention, ...]
    quote_speaker: Mention | None = None  # speaker of a quotation covering the sentence
    quote_ranges: tuple[tuple[int, int], ...] = ()  # char ranges inside quotation marks


class EventCoder:
    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self._entries = {e.id: e for e in lexicon.entries}
        # surface form -> lexicon lemma, to repair the lemmatiser ("staged" -> "stag")
        self._form_lemma = form_lemmas(lexicon.by_verb)

    def _entries_for(self, tok: Token) -> tuple[VerbEntry, ...]:
        lemma = tok.lemma_.lower()
        found = self.lexicon.by_verb.get(lemma, ())
        if not found:
            repaired = self._form_lemma.get(tok.lower_)
            if repaired is not None:
                found = self.lexicon.by_verb.get(repaired, ())
        return found

    def code_sentence(self, item: SentenceInput, ctx: ArticleContext) -> list[Event]:
        index = {i: m for m in item.mentions for i in range(m.start, m.end)}
        out: list[Event] = []
        for tok in item.sent:
            if not _verb_like(tok) or not_coded(tok):
                continue
            for entry in self._entries_for(tok):
                events = self._try_entry(item, ctx, index, tok, entry, out)
                if events:  # an entry that finds nothing lets the next one try
                    out += events
                    break
        light_nouns = {c.i for e in out for c in _near(_verb_token(item.sent, e))
                       if {c.lemma_.lower(), c.lower_} & set(self._entries[e.rule].nouns)}
        for tok in item.sent:
            if tok.pos_ != "NOUN" or tok.i in light_nouns:
                continue
            for entry in _noun_entries(self.lexicon, tok):
                events = self._try_nominal(item, ctx, index, tok, entry)
                if events:
                    out += events
                    break
        return _without_bare_governors(item.sent, out)

    def _try_nominal(self, item: SentenceInput, ctx: ArticleContext,
                     index: dict[int, Mention], noun: Token, entry: VerbEntry) -> list[Event]:
        """"Russia's invasion of Ukraine", "US sanctions on Iran", "an agreement between
        Seoul and Tokyo", "an attack by rebels on the army"."""
        sources: list[Mention] = []
        targets: list[Mention] = []
        role = ""
        between = [t for t in frames.role_tokens(noun, None, "prep:between", False)]
        if "prep:between" in entry.targets and between:
            pair = self.actors_of(between[0], item, ctx, index, None)
            if len(pair) >= 2:
                sources, targets, role = pair[:1], pair[1:], "prep:between"
        if not sources:  # a possessor that is a target is the act's patient ("his trial")
            sources = self.owners(noun, item, ctx, index, "poss" not in entry.targets)
        if not sources and noun.dep_ == "pobj" and noun.head.lower_ in ("in", "into"):
            # "the military is engaged in a fierce battle with Boko Haram" (a participant,
            # also as the subject of "is engaged", "was involved")
            verb = noun.head.head
            subj = next(iter(frames.children(verb, "nsubj", "nsubjpass")), None)
            if subj is not None:
                sources = self.actors_of(subj, item, ctx, index, None)
        agentless = not sources and codes_without_agent(entry.code, nominal=True)
        if not sources and not agentless:
            return []
        if not targets:
            for r in entry.targets:
                if r == "prep:between":
                    continue
                for tok in (frames.role_tokens(noun, None, r, False) if r != "poss"
                            else frames.children(noun, "poss")):
                    owners = [tok] if tok.i in index else [
                        tok, *[t for t in frames.children(tok, "poss", "compound", "amod")
                               if t.lower_ not in PRONOUNS]]
                    targets = [m for t in owners
                               for m in self.actors_of(t, item, ctx, index, sources)
                               if all(m.code != s.code for s in sources)]
                    if targets:
                        role = r
                        break
                if targets:
                    break
        if not targets and (agentless or not entry.no_target):
            return []
        mood = _nominal_modality(noun, entry.modality)
        attribution = self.attribution(item, ctx, index, noun)
        if agentless:  # "the arrest of two tycoons": no owner named, CAMEO's unknown actor
            return [with_unknown_source(self._event(item, tgt, tgt, entry.code, mood,
                                                    attribution, noun, entry, role), noun,
                                        item.sent) for tgt in targets]
        out = []
        for src in sources:
            for tgt in _or_none(targets):
                out.append(self._event(item, src, tgt, entry.code, mood, attribution, noun,
                                       entry, role))
                if entry.mutual and not entry.joint and tgt is not None:
                    out.append(self._event(item, tgt, src, entry.code, mood, attribution, noun,
                                           entry, role))
        return out

    # -- one entry on one verb -----------------------------------------------------
    def _try_entry(self, item: SentenceInput, ctx: ArticleContext, index: dict[int, Mention],
                   verb: Token, entry: VerbEntry, so_far: list[Event]) -> list[Event] | None:
        subj_tok, passive = frames.subject(verb)
        noun = None
        if entry.nouns:
            noun = frames.light_noun(verb, entry.nouns, passive, "noun" in entry.targets)
            if noun is None:
                return None
        if entry.particle and not frames.has_particle(verb, entry.particle):
            return None
        sources = self.actors_of(subj_tok, item, ctx, index, None) if subj_tok else []
        if not sources and item.quote_speaker is not None and subj_tok is not None \
                and subj_tok.lower_ in SPEAKER_PRONOUNS:
            sources = [replace(item.quote_speaker, start=subj_tok.i, end=subj_tok.i + 1)]
        unknown = unknown_name(subj_tok, index) if not (sources or passive or subj_tok is None) \
            else None
        if unknown is not None:  # "The FLN claimed ...": a name we lack, with a known target
            sources = [unknown]
        if not sources:
            if passive and subj_tok is None and codes_without_agent(entry.code, nominal=False):
                return self._agentless(item, ctx, index, verb, noun, entry)
            return None if not entry.nouns else []
        code, mood = verb_code(self.lexicon, verb, entry.code, entry.modality)
        targets, target_role = self._targets(item, ctx, index, verb, noun, entry, passive,
                                             sources)
        if unknown is not None and not any(t.kind != UNKNOWN_KIND for t in targets):
            return None if not entry.nouns else []
        if not targets:
            targets, code = self._event_noun_target(item, ctx, verb, noun, entry, code,
                                                    so_far, sources)
        pairs: list[tuple[Mention, Mention]] | None = None
        if not targets and entry.mutual and len(sources) > 1:
            # "Saudi Arabia and Iran agreed to restore relations": dyads among the subjects
            pairs = [(a, b) for i, a in enumerate(sources) for b in sources[i + 1:]]
            targets = sources[1:]
            mood_mutual = True
        else:  # a refusal is the refuser's alone ("Erdogan refused to meet Bolton")
            mood_mutual = mood == "asserted" and code_shift(verb) != "refusal"
        if not targets and not (entry.no_target and (
                pairs is not None or not entry.mutual or _own_subject(verb, subj_tok))):
            return []
        attribution = self.attribution(item, ctx, index, verb)
        events = []
        dyads = pairs if pairs is not None else [(src, tgt) for src in sources
                                                  for tgt in _or_none(targets)]
        for src, tgt in dyads:
            if tgt is not None and tgt.code == src.code:
                continue
            events.append(self._event(item, src, tgt, code, mood, attribution, verb, entry,
                                      target_role))
            if entry.mutual and tgt is not None and mood_mutual \
                    and (pairs is not None or not entry.joint):
                events.append(self._event(item, tgt, src, code, mood, attribution, verb,
                                          entry, target_role))
        return events

    def _agentless(self, item: SentenceInput, ctx: ArticleContext, index: dict[int, Mention],
                   verb: Token, noun: Token | None, entry: VerbEntry) -> list[Event] | None:
        """"Libby was sentenced to 30 months", "three journalists were arrested": a coercive
        act in the passive with no agent named (police, courts) has CAMEO's unknown actor
        ``---`` as source (no span); its target is the passive subject."""
        targets, role = self._targets(item, ctx, index, verb, noun, entry, True, [])
        if not targets:
            return None if not entry.nouns else []
        code, mood = verb_code(self.lexicon, verb, entry.code, entry.modality)
        attribution = self.attribution(item, ctx, index, verb)
        return [with_unknown_source(self._event(item, tgt, tgt, code, mood, attribution, verb,
                                                entry, role), verb, item.sent)
                for tgt in targets]

    def _targets(self, item: SentenceInput, ctx: ArticleContext, index: dict[int, Mention],
                 verb: Token, noun: Token | None, entry: VerbEntry, passive: bool,
                 sources: list[Mention]) -> tuple[list[Mention], str]:
        for owners in (False, True):  # second pass: "condemned Israel's strikes"
            for role in entry.targets:
                allow_loc = role.startswith("prep:")  # the entry asks for this preposition
                for tok in frames.role_tokens(verb, noun, role, passive):
                    if owners:
                        if tok.i in index:
                            continue
                        tokens = [t for t in frames.children(tok, "poss", "compound", "amod")
                                  if t.lower_ not in PRONOUNS] + _agents_of(tok)
                    else:
                        tokens = [tok]
                    found = [m for t in tokens
                             for m in self.actors_of(t, item, ctx, index, sources, allow_loc)
                             if all(m.code != s.code for s in sources)]
                    if found:
                        if not owners and sources:  # "on Pompeo, Alex Azar and Steve Bannon"
                            found += _unknown_conjuncts(tok, index, found)
                        return found, role
        for role in entry.targets if sources else ():
            # "investigate Yale": a name the knowledge base lacks (not with an unknown
            # source too: "--- arrested ---" tells nothing)
            for tok in frames.role_tokens(verb, noun, role, passive):
                unknown = unknown_name(tok, index)
                if unknown is not None:
                    return [unknown], role
        return [], ""

    def actors_of(self, tok: Token, item: SentenceInput, ctx: ArticleContext,
                index: dict[int, Mention], exclude: list[Mention] | None,
                allow_locative: bool = False) -> list[Mention]:
        found: list[Mention] = []
        for t in [*frames.expand_conjuncts(tok), *_listed_appositions(tok, index)]:
            m = index.get(t.i)
            if m is None and t.lower_ in PRONOUNS:
                antecedent = self._pronoun(t, item, ctx, index, exclude)
                # the code is the antecedent's; so is the evidence when the antecedent is
                # named in this sentence, else it is the pronoun itself
                if antecedent is not None and antecedent not in item.mentions:
                    m = replace(antecedent, start=t.i, end=t.i + 1)
                else:
                    m = antecedent
            if m is None:
                # "thousands of workers", "dozens of Boko Haram fighters", "12 of the rebels",
                # "members of Hamas", "dozens of fighters of Islamic State"
                m = _of_actor(t, index)
            if m is None and t.lemma_.lower() in frames.MEMBER_NOUNS:
                # "Four Taliban members met Alice Wells", "two Hamas fighters"
                m = _child_actor(t, index, ("compound", "amod", "nmod", "poss"),
                                 lambda c: not c.locative)
            if (m is None or m.kind == "agent" and m.country is None) \
                    and t.lemma_.lower() in frames.KIND_NOUNS:
                # "the group al-Nusra Front", "the militant group al-Shabab": the name
                m = _child_actor(t, index, ("appos",), lambda c: bool(c.country)) or m
            if m is None and t.pos_ == "PROPN":  # "Libby, the former chief of staff, ...",
                # "DA interim leader John Steenhuisen": the role names the unknown person
                m = _child_actor(t, index, ("appos", "compound"), lambda c: True)
            if m is not None and (allow_locative or not m.locative) and m not in found:
                found.append(m)
                # "Russian and Syrian forces": the listed demonym's own agent mention
                found += [o for c in t.children if c.dep_ in ("amod", "compound", "nmod")
                          and (o := index.get(c.i)) is not None and o is not m
                          and o.kind == "agent" and o.sector == m.sector
                          and o.country and o.country != m.country and o not in found]
        return found

    def _pronoun(self, tok: Token, item: SentenceInput, ctx: ArticleContext,
                 index: dict[int, Mention], exclude: list[Mention] | None) -> Mention | None:
        """Nearest fitting actor: a subject earlier in the sentence, else the previous
        sentence's topic, else any earlier actor."""
        avoid = {m.code for m in exclude or []}
        fits = _agrees(tok)
        before = [m for m in item.mentions if m.end <= tok.i and not m.locative
                  and m.code not in avoid and fits(m)]
        controller = _controller(tok, index)
        if controller is not None and controller.code not in avoid and fits(controller):
            return controller  # "urged Israel to halt its attacks": Israel's
        subjects = [m for m in before if item.sent.doc[m.end - 1].dep_ in ("nsubj",
                                                                            "nsubjpass")]
        for pool in (subjects, [t for t in ctx.topics[-2:][::-1]
                                if t.code not in avoid and fits(t)],
                     before[::-1]):
            if pool:
                return pool[-1] if pool is subjects else pool[0]
        return None

    def _event_noun_target(self, item: SentenceInput, ctx: ArticleContext, verb: Token,
                           noun: Token | None, entry: VerbEntry, code: str,
                           so_far: list[Event], sources: list[Mention]
                           ) -> tuple[list[Mention], str]:
        """"X rejected the offer": the target is whoever made the offer (to X, preferably)."""
        objs = [noun] if noun is not None else frames.children(verb, "dobj")
        countries = {s.country for s in sources}
        for obj in objs:
            kinds = EVENT_NOUNS.get(obj.lemma_.lower())
            if not kinds:
                continue
            found = [e for e in reversed([*ctx.events[-12:], *so_far])
                     if (e.modality in kinds or e.root in kinds)
                     and e.source.country not in countries]
            addressed = [e for e in found if e.target and e.target.country in countries]
            for earlier in (addressed or found)[:1]:
                    refined = code
                    if entry.code.startswith("12"):
                        refined = _REJECTION_OF.get(earlier.cameo,
                                                    _REJECTION_OF.get(earlier.root, code))
                    return [_mention_of(earlier, obj)], refined
        return [], code

    def owners(self, noun: Token, item: SentenceInput, ctx: ArticleContext,
               index: dict[int, Mention], possessor: bool = True) -> list[Mention]:
        """The actors an event noun belongs to: its possessor or modifier ("Russia's
        invasion", "a Taliban attack", "an Israeli air strike", also inside "in an Israeli
        air strike", where the demonym reads as a place) or its "by" agent; without
        ``possessor`` not the possessor (the defendant of "Saddam's trial")."""
        deps = ("poss", "compound", "amod", "nmod") if possessor else ("compound", "amod", "nmod")
        modifiers = frames.children(noun, *deps)
        for tok in [*modifiers, *frames.role_tokens(noun, None, "prep:by", False),
                    *_agents_of(noun)]:
            # a modifier inside "in ..." is read as a place: only a place's name is one
            # ("in a Kabul attack"), not a group's ("in a Taliban attack")
            found = [replace(m, locative=False) for m in self.actors_of(
                tok, item, ctx, index, None, allow_locative=True)
                     if not m.locative or m.kind == "demonym"
                     or (tok in modifiers and m.kind in ACTOR_KINDS)]
            if found:
                return found
        return []

    def attribution(self, item: SentenceInput, ctx: ArticleContext,
                     index: dict[int, Mention], verb: Token) -> str | None:
        offset = verb.idx - item.sent.start_char
        if item.quote_speaker is not None and any(a <= offset < b
                                                  for a, b in item.quote_ranges):
            return item.quote_speaker.code
        gov = speech_governor(verb)
        if gov is None:
            return None
        subj, _ = frames.subject(gov)
        if subj is None:
            return None
        speakers = self.actors_of(subj, item, ctx, index, None)
        return speakers[0].code if speakers else None

    def _event(self, item: SentenceInput, src: Mention, tgt: Mention | None, code: str,
               mood: str, attribution: str | None, verb: Token, entry: VerbEntry,
               role: str) -> Event:
        return build_event(self.lexicon, item, src, tgt, code, mood, attribution,
                           item.sent.doc[verb.i:verb.i + 1], entry.id)


def build_event(lexicon: Lexicon, item: SentenceInput, src: Mention, tgt: Mention | None,
                code: str, mood: str, attribution: str | None, verb: Span,
                rule: str) -> Event:
    """An event with its evidence: ``verb`` is the span of the verb (one token or a
    multi-word verb such as "pulled out"); its lemma is its main token's."""
    if verbal_clash(code, verb.root.lemma_.lower(), src, tgt):
        code = "110"
    info = lexicon.code(code)
    sent = item.sent
    start = verb.start_char - sent.start_char
    return Event(
        doc_id=item.doc_id, sentence_index=item.sentence_index, sentence=sent.text,
        date=item.date, source=_ref(src, sent), target=_ref(tgt, sent) if tgt else None,
        cameo=code, root=info.root, quad_class=info.quad, goldstein=info.goldstein,
        plover=Plover(info.plover_event, info.plover_mode), modality=mood,
        attribution=attribution if attribution != src.code else None,
        verb=VerbRef(verb.text, verb.root.lemma_.lower(), start, start + len(verb.text)),
        rule=rule,
    )


# Sectors that clash in words, not arms: officials, lawmakers, parties, judges.
_WORDY_SECTORS = frozenset({"GOV", "LEG", "PTY", "ELI", "JUD"})
_CLASH_VERBS = frozenset({"clash", "spar", "feud", "wrangle", "tussle"})


def verbal_clash(code: str, lemma: str, src: Mention, tgt: Mention | None) -> bool:
    """A clash between officials, lawmakers or parties is a disagreement (110), not a
    battle: "the UK ambassador to the UN also clashed with Trump", "the senator has
    clashed repeatedly with the president".  Armed forces, police, rebels or a country as
    a whole on either side keep the fight."""
    return code.startswith("19") and lemma in _CLASH_VERBS and tgt is not None \
        and src.sector in _WORDY_SECTORS and tgt.sector in _WORDY_SECTORS


def verb_code(lexicon: Lexicon, verb: Token, code: str,
              default_modality: str | None) -> tuple[str, str]:
    """The code and modality of an event whose verb is ``verb``: an announced act takes
    its intent code, "refused to release" is a rejection (12x), "declined to criticise"
    is negated, "tried to seize" an attempt."""
    mood, under_intent = modality(verb, default_modality)
    base = code
    code = intent_code(base) if under_intent else base
    shift = code_shift(verb)
    if shift == "refusal" and lexicon.code(base).quad <= 2:
        code = refusal_code(base)
    elif shift == "refusal":
        mood = "negated"
    elif shift == "attempt":
        code = attempt_code(base)
    return code, mood


def _without_bare_governors(sent: Span, events: list[Event]) -> list[Event]:
    """Drop a targetless event whose verb governs another event ("threatened to cut ties
    with Israel": the cut is the event, the threat its modality)."""
    starts = {_verb_token(sent, e).i for e in events}
    return [e for e in events if e.target is not None
            or not governs(_verb_token(sent, e), starts)]


def governs(verb: Token, verbs: set[int]) -> bool:
    """Whether another event's verb (a token index in ``verbs``) is the complement of
    ``verb`` ("hopes to sign", "declined to criticise", "said they attacked"): the
    complement is the event, and ``verb`` only its modality or attribution."""
    stack = [c for c in verb.children if c.dep_ in ("xcomp", "ccomp")]
    for _ in range(3):
        if any(t.i in verbs for t in stack):
            return True
        stack = [c for t in stack for c in t.children if c.dep_ in ("xcomp", "ccomp", "conj")]
    return False


def _child_actor(tok: Token, index: dict[int, Mention], deps: tuple[str, ...],
                 fits: Callable[[Mention], bool]) -> Mention | None:
    """The first actor among ``tok``'s children of ``deps`` that ``fits``."""
    return next((m for c in tok.children if c.dep_ in deps
                 and (m := index.get(c.i)) is not None and fits(m)), None)


def _of_actor(tok: Token, index: dict[int, Mention], depth: int = 2) -> Mention | None:
    """The actor a quantity or a part of a group names through "of": "thousands of
    workers", "12 of the rebels", "members of Hamas", "dozens of fighters of X"."""
    states = tok.lemma_.lower() in _MEMBER_STATES
    if not (tok.lower_ in frames.QUANTITY_NOUNS or tok.pos_ == "NUM" or states
            or tok.lemma_.lower() in frames.MEMBER_NOUNS) or depth == 0:
        return None
    preps = ("of", "from") if states else ("of",)
    for o in (o for p in tok.children if p.lower_ in preps for o in p.children
              if o.dep_ == "pobj"):
        m = index.get(o.i) or (None if states else _of_actor(o, index, depth - 1))
        if m is not None and (not states or m.kind == "igo"):
            return m
    return None


# "Member states of the EU", "countries of the Gulf Cooperation Council", "former Soviet
# republics from the CIS": the organisation acts (not "countries of the region").
_MEMBER_STATES = frozenset({"country", "state", "nation", "republic"})


def _listed_appositions(tok: Token, index: dict[int, Mention]) -> list[Token]:
    """"Mali, Burkina Faso and Niger": the parser hangs the rest of a list of countries
    from the first as an apposition with conjuncts; a country's apposition that is
    another country with a list after it is no second name for it."""
    m = index.get(tok.i)
    if m is None or m.kind != "country":
        return []
    out: list[Token] = []
    for c in tok.children:
        other = index.get(c.i)
        if c.dep_ == "appos" and c.conjuncts and other is not None \
                and other.kind == "country" and other.country != m.country:
            out += [c, *c.conjuncts]
    return out


def _agents_of(noun: Token) -> list[Token]:
    """Who did what a noun names: "a protest by white farmers", "the threats made by the
    United States" (also on a noun conjoined with it)."""
    nouns = [noun, *(c for c in noun.children if c.dep_ == "conj")]
    heads = [*nouns, *(a for n in nouns for a in n.children
                       if a.dep_ == "acl" and a.tag_ == "VBN")]
    return [o for h in heads for p in h.children if p.dep_ in ("prep", "agent")
            and p.lower_ == "by" for o in p.children if o.dep_ == "pobj"]


def _own_subject(verb: Token, subj: Token | None) -> bool:
    """Whether the subject is the verb's own ("NATO ministers are discussing nuclear
    planning"), not inherited by a purpose or complement clause ("offered to meet ... to
    discuss the issue", "appealed to Ethiopia to resume negotiations"): a talk with no
    partner named is coded only when it is asserted of its subject."""
    return subj is not None and subj.head.i == verb.i


def _verb_like(tok: Token) -> bool:
    """Verbs, and participles the tagger calls adjectives ("Belarusian police assaulted
    journalists")."""
    if tok.dep_ == "amod":
        return False  # a participle describing a noun: "visiting Saudi Crown Prince",
        # "fleeing civilians", "the rebel-held enclave"
    if tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"):
        return True
    return tok.pos_ == "ADJ" and tok.dep_ in ("ROOT", "conj", "ccomp", "advcl", "relcl") \
        and any(c.dep_ in ("nsubj", "dobj") for c in tok.children)


_DEMAND_CLAUSE = frozenset({"insist", "demand", "ask", "request", "urge", "require",
                            "propose", "recommend", "suggest", "stipulate"})


def _near(verb: Token) -> list[Token]:
    """The verb's dependents and its prepositions' objects ("called for talks")."""
    return [*verb.children, *(o for p in verb.children if p.dep_ == "prep"
                              for o in p.children)]


_NEUTER = frozenset({"it", "its", "itself"})


def _agrees(pronoun: Token) -> Callable[[Mention], bool]:
    """Which mentions a pronoun may stand for: "it"/"its" not a person ("Abe ... its
    missile tests" is North Korea's).  "he"/"his" may stand for a state: an unknown
    official's country is named more often than the official ("Funaro said his talks
    with U.S. officials ..." is Brazil's), so only the neuter pronoun is checked."""
    if pronoun.lower_ in _NEUTER:
        return lambda m: m.kind != "person"
    return lambda m: True


def _noun_entries(lexicon: Lexicon, noun: Token) -> tuple[VerbEntry, ...]:
    """Nominal entries of a noun: its two-word form first ("air strike"; the word before
    may be the second of two modifiers: "nuclear and missile tests"), then its lemma and
    its own form ("talks", lemmatised "talk")."""
    before = noun.doc[noun.i - 1] if noun.i > noun.sent.start else None
    words = [f"{before.lower_} {noun.lemma_.lower()}"] if before is not None and (
        before.head == noun or before.dep_ == "conj" and before.head.head == noun) and \
        before.dep_ in ("compound", "amod", "nmod", "conj") else []
    words += [noun.lemma_.lower(), noun.lower_]
    for word in words:
        found = lexicon.by_noun.get(word)
        if found:
            return found
    return ()


def not_coded(tok: Token) -> bool:
    """Verbs no layer codes: the act appealed for (:func:`under_appeal`), participles that
    describe a noun ("visiting Saudi Crown Prince", "fleeing civilians"), "according to"
    and a dismissal ("fired Jim Mattis")."""
    return tok.dep_ == "amod" or others_plan(tok) or prevented(tok) or under_appeal(tok) \
        or _attribution_phrase(tok) or _dismissal(tok)


def _attribution_phrase(tok: Token) -> bool:
    """"according to the UN": who reports, no act (the base layer's ACCORD is a grant)."""
    return tok.lower_ == "according" and tok.i + 1 < len(tok.doc) \
        and tok.doc[tok.i + 1].lower_ == "to"


# Whom one fires from a post ("fired Jim Mattis", "firing the special counsel").
_POSTS = frozenset({"minister", "director", "chief", "secretary", "adviser", "advisor",
                    "official", "head", "coach", "manager", "employee", "staff", "aide",
                    "counsel", "prosecutor", "commander", "general", "governor", "judge",
                    "ambassador", "spokesman", "spokeswoman", "deputy", "editor", "boss"})


def _dismissal(tok: Token) -> bool:
    """"fire" with a person's name or post as object dismisses from a post: no attack (the
    base layer's FIRE is a shooting, right for "fired on the wives", "fired rockets")."""
    if tok.lemma_.lower() != "fire":
        return False
    return any(c.tag_ == "NNP" or c.lemma_.lower() in _POSTS  # a name: "fired Mattis"
               for c in tok.children if c.dep_ == "dobj")


_PREVENT = frozenset({"bar", "prevent", "stop", "ban", "block", "prohibit", "deter", "keep",
                      "refrain", "restrain", "forbid", "exclude", "dissuade", "discourage"})


def prevented(tok: Token) -> bool:
    """The act someone is barred from ("barred her from leaving Turkey", "refrained from
    attacking") or stops ("agreed to halt fighting", "stopped fighting"): it does not go
    on; the barring or the stop is the event."""
    if tok.dep_ in ("xcomp", "dobj") and tok.tag_ == "VBG":
        return tok.head.lemma_.lower() in frames.STOP_VERBS
    return tok.dep_ == "pcomp" and tok.head.lower_ == "from" \
        and tok.head.head.lemma_.lower() in _PREVENT


def others_plan(tok: Token) -> bool:
    """An act that is the content of someone's decision, request or offer ("praised
    Trump's decision to recognise Jerusalem", "refused a request from the Times to visit
    the prison"): the noun's owner, not the sentence's subject, would act, and only
    maybe; the event is the reaction to it."""
    if tok.dep_ != "acl" or tok.tag_ != "VB" or tok.head.pos_ not in ("NOUN", "PROPN"):
        return False
    noun = tok.head
    return any(c.dep_ == "poss" and c.lower_ not in PRONOUNS | SPEAKER_PRONOUNS
               for c in noun.children) or any(
        p.dep_ == "prep" and p.lower_ in ("by", "from") for p in noun.children)


def under_appeal(tok: Token) -> bool:
    """The act asked for, demanded or warned against ("urged Russia to withdraw") or
    ordered ("told its fighters to attack") is not coded: the appeal is the event (as
    PETRARCH drops the complement of 02/10 verbs).  So
    is a demanded clause: "insisted (that) North Korea give up its weapons" (a verb in its
    bare form or "should" after a verb of demanding; "insisted that it was innocent",
    "demanded that they are freed" are claims or passives the lexicon reads itself)."""
    if tok.dep_ == "ccomp" and tok.head.lemma_.lower() in _DEMAND_CLAUSE:
        modals = {c.lower_ for c in tok.children if c.dep_ == "aux"}
        bare = tok.tag_ in ("VB", "VBP") and tok.lemma_ not in ("be", "have")
        return (bare and not modals) or bool(modals & {"should", "must"})
    infinitive = frames.to_infinitive(tok)
    if tok.dep_ in ("xcomp", "advcl") and infinitive \
            and tok.head.lemma_.lower() in DIRECTIVE_VERBS:
        return True
    if tok.dep_ == "acl" and infinitive:  # "an ultimatum to Sudan to normalize ties"
        return tok.head.lemma_.lower() in APPEAL_NOUNS
    if tok.dep_ == "advcl" and infinitive:  # "call on US to lift", parsed as a purpose
        lemma = tok.head.lemma_.lower()  # (not "called Morrison to congratulate him":
        # a call with an object is a phone call)
        return lemma in APPEAL_VERBS and not (lemma == "call"
                                              and frames.children(tok.head, "dobj"))
    if tok.dep_ not in ("xcomp", "pcomp"):  # "warned that Y could attack" is a claim
        return False
    head = tok.head.head if tok.dep_ == "pcomp" else tok.head
    return head.lemma_.lower() in APPEAL_VERBS


def _controller(tok: Token, index: dict[int, Mention]) -> Mention | None:
    """The one asked to act, for a pronoun inside the act appealed for ("urged Israel to
    halt its attacks", "called on Iran to free its prisoners"): the appeal's object."""
    verb = tok.head
    while verb.dep_ not in ("xcomp", "advcl", "ROOT") and verb.head is not verb:
        verb = verb.head
    if verb.dep_ not in ("xcomp", "advcl") or verb.head.lemma_.lower() not in APPEAL_VERBS:
        return None
    objects = [*frames.children(verb.head, "dobj"),
               *(o for p in frames.children(verb.head, "prep")
                 if p.lower_ in ("on", "upon", "to") for o in frames.children(p, "pobj"))]
    return next((index[o.i] for o in objects if o.i in index
                 and not index[o.i].locative), None)


# Nouns of appeal whose infinitive is the act someone else is asked to do.
APPEAL_NOUNS = frozenset({"ultimatum", "call", "appeal", "demand", "request", "plea",
                          "pressure", "deadline"})


_NOMINAL_INTENT = frozenset({"planned", "proposed", "promised", "pledged", "offered",
                             "intended", "upcoming", "threatened"})
_NOMINAL_HYPOTHETICAL = frozenset({"possible", "potential", "expected", "likely", "feared",
                                   "looming", "imminent"})


def _nominal_modality(noun: Token, default: str | None) -> str:
    mods = {c.lower_ for c in noun.children if c.dep_ in ("amod", "det", "neg")}
    if mods & {"no"}:
        return "negated"
    if mods & _NOMINAL_HYPOTHETICAL:
        return "hypothetical"
    if mods & _NOMINAL_INTENT:
        return "intended"
    return default or "asserted"


def _verb_token(sent: Span, event: Event) -> Token:
    return sent.char_span(event.verb.start, event.verb.end, alignment_mode="expand")[0]


def _mention_of(event: Event, noun: Token) -> Mention:
    """The event noun ("the offer") stands for the earlier event's source."""
    src = event.source
    return Mention(noun.left_edge.i, noun.i + 1, src.country, src.sector, src.org,
                   src.code if src.org else None, "event")


def _ref(m: Mention, sent: Span) -> ActorRef:
    return m.ref(sent)


def _or_none(targets: list[Mention]) -> list[Mention | None]:
    """The targets, or one None: an event with no target."""
    return [*targets] if targets else [None]


# Roots whose act happens to the place it is done in ("air strikes in Gaza", "aid in
# northern Iraq", "deployed troops in Syria", "eased the curfew in Amman"): with no actor
# as target, the place's actor is the target.  Not meetings, statements, protests or
# talks halted (16: "obstruct talks in Geneva"), whose place is only the venue.
PLACE_ROOTS = frozenset({"06", "07", "08", "15", "17", "18", "19", "20"})
_PLACE_PREPS = frozenset({"in", "into", "inside", "across", "throughout"})


# The state's own forces are the means of a show of force or of an offer to send them,
# not its target ("Israel mobilized the army", "the U.S. offered to send 30,000 troops",
# "Indian troops remained on alert": no target unless another actor or a place is named).
_MEANS_ROOTS = frozenset({"03", "15"})
_FORCES = frozenset({"MIL", "COP", "SPY"})
_STATE = frozenset({None, "GOV", "MIL", "COP", "SPY", "LEG"})  # not rebels freeing their own


def without_own_forces(events: list[Event]) -> list[Event]:
    """Events of :data:`_MEANS_ROOTS` by a state lose a target that is its own country or
    its forces named by a common noun ("troops", "the army"; one-actor events: the place
    targets may still name where).  A named force stays ("pledged support to the Nigeria
    Police"), and so does a rebel group's act on its country's soldiers."""
    return [replace(e, target=None)
            if e.target is not None and e.root in _MEANS_ROOTS and e.source.country
            and e.source.sector in _STATE
            and e.target.country == e.source.country
            and (e.target.code == e.target.country or e.target.sector in _FORCES
                 and not any(w[:1].isupper() for w in e.target.text.split()))
            else e for e in events]


def with_place_targets(item: SentenceInput, events: list[Event]) -> list[Event]:
    """Targetless events of :data:`PLACE_ROOTS` take the place named in their verb's (or
    its object's) "in/into/across" phrase as target (not the source itself); at home too,
    as PETRARCH's dictionaries code a city by its country ("raided a camp in Calais")."""
    if not any(e.target is None and e.root in PLACE_ROOTS for e in events):
        return events
    places = {i: m for m in item.mentions if m.locative and m.country
              for i in range(m.start, m.end)}
    countries = {i: m for m in item.mentions if m.kind == "country"
                 for i in range(m.start, m.end)}
    out = []
    for e in events:
        if e.target is None and e.root in PLACE_ROOTS:
            place = _place_of(_verb_token(item.sent, e), places, countries, e.root)
            if place is not None and place.code != e.source.code:
                e = replace(e, target=_ref(place, item.sent))
        out.append(e)
    return out


def _place_of(verb: Token, places: dict[int, Mention], countries: dict[int, Mention],
              root: str) -> Mention | None:
    """The place of the verb's, its object's or its "for" noun's "in" phrase ("aid for
    relief in northern Iraq"), also as "parts/the city of X"; a withdrawal's (08) "from"
    phrase too ("withdraw its troops from Kashmir")."""
    preps = _PLACE_PREPS | {"from"} if root == "08" else _PLACE_PREPS
    heads = [verb, *frames.children(verb, "dobj")]
    heads += [o for h in list(heads) for p in frames.children(h, "prep")
              if p.lower_ == "for" for o in frames.children(p, "pobj")]
    for head in heads:
        for prep in frames.children(head, "prep"):
            if prep.lower_ in preps:
                for obj in frames.children(prep, "pobj"):
                    named = [o for p in frames.children(obj, "prep") if p.lower_ == "of"
                             for o in frames.children(p, "pobj")]  # "parts of South Sudan"
                    for noun, where in ((obj, places), *((n, countries) for n in named)):
                        for tok in (noun, *frames.children(noun, "compound", "poss", "amod")):
                            if tok.i in where:
                                return where[tok.i]
    return None
