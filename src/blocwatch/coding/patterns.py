"""Stage 4b — events from the base layer's verb patterns, on blocwatch's own actors.

After blocwatch's lexicon has coded a sentence (:mod:`blocwatch.coding.events`), the verbs it left
alone are looked up in the base layer's verb dictionary (CAMEO 2.0 patterns, see
:mod:`blocwatch.knowledge.baselayer`) and coded by :mod:`blocwatch.petrarch.verbs`: the longest
pattern that matches around the verb, its source (``$`` or the verb's subject) and target
(``+`` or the first actor after the verb).  The actors are the mentions the actor stage
found (blocwatch's names and agents, and the base layer's under them); locations ("in
Syria") never stand as actors here.  Modality, refusals and attempts, attribution and
quotation speakers come from the same functions as the lexicon's events.

Where both speak, blocwatch's lexicon wins: a verb token that already holds an event is
not coded again, nor a verb asked for ("urged X to withdraw": the appeal is the event), nor
a dyad and root the lexicon coded in the same sentence.  The ``rule`` of an event is
``base:BLOCK:- pattern`` or ``base:BLOCK:VERB``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from spacy.tokens import Token

from blocwatch.coding.actors import Mention
from blocwatch.coding.casualties import MEANS
from blocwatch.coding.events import (
    ArticleContext,
    SentenceInput,
    build_event,
    governs,
    verb_code,
)
from blocwatch.coding.screens import same_organisation
from blocwatch.knowledge.baselayer import BaseLayer
from blocwatch.knowledge.lexicon import Lexicon
from blocwatch.petrarch.dictionaries import is_null
from blocwatch.petrarch.match import (
    ActorGroups,
    SentenceContext,
    Unit,
    compile_index,
)
from blocwatch.petrarch.match import (
    Mention as UnitMention,
)
from blocwatch.petrarch.verbs import VerbCoder, VerbEvent
from blocwatch.records import Event
from blocwatch.text import frames

# Codes coded with a source alone when the pattern finds no target: protests, strikes
# and riots (14), force posture and mobilisation (15), resignations (083: "RESIGN").
SOLO_ROOTS = ("14", "15", "083")
Attribution = Callable[[SentenceInput, ArticleContext, dict[int, Mention], Token], str | None]


class PatternCoder:
    """Codes the base layer's verb patterns; holds the compiled index and the lexicon's
    code table, nothing else."""

    def __init__(self, base: BaseLayer, lexicon: Lexicon,
                 tokenize: Callable[[str], Sequence[str]]) -> None:
        self.index = compile_index(base.verbs, tokenize)
        self.verbs = VerbCoder(self.index, SOLO_ROOTS, parsed_nouns=True)
        self.lexicon = lexicon
        self.forms = frozenset(w.lower() for w in self.index.forms)

    def knows(self, verb: Token) -> bool:
        """Whether the verb is in the base layer's dictionary at all."""
        return verb.text.upper() in self.index.forms or verb.lemma_.upper() in self.index.forms

    def verb_code(self, verb: Token) -> str | None:
        """The base layer's own code of a verb (its form's, else its block's); None when
        the verb is not in the dictionary or its code is null."""
        for key in (verb.text.upper(), verb.lemma_.upper()):
            for form in self.index.forms.get(key, ()):
                if not form.before and not form.after:
                    code = (form.code or self.index.blocks[form.block].code).split(":")[0]
                    return None if is_null(code) else code
        return None

    def code_sentence(self, item: SentenceInput, ctx: ArticleContext, coded: list[Event],
                      attribution: Attribution, skip: Callable[[Token], bool]) -> list[Event]:
        """Events of the verbs ``coded`` (the lexicon's events) left alone."""
        actors = [m for m in item.mentions if not m.locative]
        discard = self.index.sentence_discard
        if not actors or (discard is not None and discard.search(item.sent.text)):
            return []  # sports, films, epidemics: the base layer's discard phrases
        sent = item.sent
        pctx = SentenceContext(sent, [t.text.upper() for t in sent])
        by_span: dict[tuple[int, int], Mention] = {}
        for m in actors:
            unit = UnitMention(m.start, m.end, (m.code,))
            by_span[(m.start, m.end)] = m
            for i in range(m.start, m.end):
                pctx.actors[i] = unit
        taken = {_verb_start(sent, e) for e in coded}
        have = {(e.source.code, e.target.code if e.target else "", e.root) for e in coded}
        index = {i: m for m in item.mentions for i in range(m.start, m.end)}
        out: list[Event] = []
        for found in self.verbs.code_sentence(pctx, ActorGroups(pctx, bare_agents=False)):
            verb = found.hit.token
            if verb.i in taken or skip(verb) or _thing_subject(verb, index) \
                    or self._mutual_declined(verb) or _vague_alone(verb, found) \
                    or verb.lemma_.lower() in UNDERGOER_VERBS:
                continue
            event = self._event(item, ctx, index, found, by_span, attribution)
            if event is None:
                continue
            key = (event.source.code, event.target.code if event.target else "", event.root)
            if key not in have:
                have.add(key)
                out.append(event)
        verbs = {_verb_start(sent, e) for e in [*coded, *out]}
        return [e for e in out if not governs(sent.doc[_verb_start(sent, e)], verbs)]

    def _mutual_declined(self, verb: Token) -> bool:
        """Whether the lexicon has a plain entry of a talk between two sides for the verb
        ("meet", "discuss", "negotiate") and found no partner: the pattern's first actor
        after the verb is then mostly the topic ("to discuss the Iranian presence in
        Syria"), no partner."""
        return any(e.mutual and e.plain and e.code.startswith("04")
                   for e in self.lexicon.by_verb.get(verb.lemma_.lower(), ()))

    def _own_code(self, verb: Token, found: VerbEvent) -> str:
        """The lexicon's code of a verb the base layer matched alone (no pattern words),
        when the lexicon's plain entries for the verb agree on one (they found no actors
        here: the base layer reads only the verbs the lexicon's events left alone): "a
        jury convicted the son of the former president of Liberia" is 116, not the
        dictionary's 173. Where both speak of a verb's meaning, ours wins; and when the
        verb's object is the noun of one of the lexicon's entries for it, that entry's
        code ("released a video of the tanker" is a statement, 010, not a 0841 release;
        "eased parole restrictions on Olmert" 081)."""
        if found.reverse or not found.alone:
            return found.code
        entries = self.lexicon.by_verb.get(verb.lemma_.lower(), ())
        _, passive = frames.subject(verb)
        for entry in entries:
            if entry.nouns and frames.light_noun(verb, entry.nouns, passive) is not None:
                return entry.code
        codes = {e.code for e in entries if e.plain}
        return codes.pop() if len(codes) == 1 else found.code  # several: which is meant?

    def _event(self, item: SentenceInput, ctx: ArticleContext, index: dict[int, Mention],
               found: VerbEvent, by_span: dict[tuple[int, int], Mention],
               attribution: Attribution) -> Event | None:
        """The event of a pattern's match; None for the reverse event (an ``A:B`` code's
        second) of a target that only names the kind of a thing, which the forward event
        leaves out too ("contribute to UN peacekeeping operations": no UN event)."""
        verb = found.hit.token
        code, mood = verb_code(self.lexicon, verb, self._own_code(verb, found), None)
        src = _mention(found.source, by_span, index)
        tgt = _mention(found.target, by_span, index) if found.target else None
        if found.reverse and _thing_modifier(item.sent.doc[src.end - 1], index):
            return None  # the reverse of "contribute to UN peacekeeping operations"
        span = item.sent.doc[found.hit.start:found.hit.end]
        event = build_event(self.lexicon, item, src, tgt, code, mood,
                            attribution(item, ctx, index, verb), span, f"base:{found.rule}")
        if tgt is not None and _thing_modifier(item.sent.doc[tgt.end - 1], index) \
                and not same_organisation(event):  # (left for the screen to drop)
            return replace(event, target=None)
        return event


# Verbs whose subject undergoes what happened rather than doing it: "230 civilians have
# died", "six British citizens died in Syria fighting with the YPG", "2,000 people fled
# Baghuz".  The subject is a victim or a refugee, no source (the dictionary's DIE block
# makes it the attacker, 190); killings by attacks are the casualty coder's.
UNDERGOER_VERBS = frozenset({"die", "flee", "perish", "starve", "drown", "suffer",
                             "survive", "disappear", "vanish", "languish", "escape"})


# Verbs whose bare form says too little for a code: the dictionary's guess for them alone
# is mostly wrong in news ("took Trump by surprise" 171, "considers the YPG" 040, "he
# added" 060, "wants to" 030); their patterns still code ("took control of", "TAKE OVER").
VAGUE_ALONE = frozenset({"take", "consider", "face", "leave", "want", "mean", "ensure",
                         "add", "see", "hope", "catch"})


def _vague_alone(verb: Token, found: VerbEvent) -> bool:
    """Whether the match is a :data:`VAGUE_ALONE` verb's one-word form, no pattern."""
    form = found.hit.form
    return found.alone and not form.before and not form.after \
        and verb.lemma_.lower() in VAGUE_ALONE


def _mention(unit: Unit, by_span: dict[tuple[int, int], Mention],
             index: dict[int, Mention]) -> Mention:
    """The actor mention a unit was read from (a unit of several mentions: its first)."""
    found = by_span.get((unit.start, unit.end)) or index.get(unit.start)
    if found is None:
        found = next(m for i, m in sorted(index.items()) if unit.start <= i < unit.end)
    return found


def _thing_modifier(last: Token, index: dict[int, Mention]) -> bool:
    """Whether an actor only names the kind of a thing ("a police checkpoint", "a migrant
    camp", "the Kirkuk-Baniyas pipeline"): the pattern's first actor after the verb is then
    no target, and the event has none."""
    head = last.head
    return last.dep_ == "compound" and head.pos_ == "NOUN" and head.i not in index \
        and head.lemma_.lower() not in MILITARY_ASSETS


# What an armed actor holds: "Hamas positions", "an Afghan army base" name their owner.
MILITARY_ASSETS = frozenset({"position", "base", "headquarters", "target", "stronghold",
                             "outpost", "convoy", "depot", "post", "garrison", "vessel",
                             "ship", "aircraft", "jet", "plane", "drone", "troop", "unit"})


def _thing_subject(verb: Token, index: dict[int, Mention]) -> bool:
    """Whether the verb's subject is a common noun that is no actor ("The North's criticism
    came a day before ..."): the pattern would read the possessor as the one who acts."""
    subj, _ = frames.subject(verb)
    if subj is None or subj.pos_ != "NOUN" or subj.i in index:
        return False
    people = [o for p in subj.children if p.lower_ == "of" for o in p.children
              if o.dep_ == "pobj"]  # "thousands of Kenyan students" act
    if subj.lemma_.lower() not in MEANS:  # "a Taliban attack killed": casualties.py's
        people += [c for c in subj.children if c.dep_ in ("amod", "compound")]  # "Palestinian
    return not any(t.i in index for t in people)  # prisoners"; "the North's criticism" no


def _verb_start(sent, event: Event) -> int:  # type: ignore[no-untyped-def]
    span = sent.char_span(event.verb.start, event.verb.end, alignment_mode="expand")
    return span.start if span is not None else -1
