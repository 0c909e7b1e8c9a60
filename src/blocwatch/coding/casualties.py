"""Stage 4c — casualties: killings whose subject is an attack, not an actor.

Wire news reports violence by its victims and its means: "A suicide car bombing in Egypt's
Sinai Peninsula killed at least 28 soldiers", "Three soldiers were killed during clashes
with Boko Haram", "Seven people died ... in a rocket attack".  The frame coder and the base
layer's patterns want an actor as the subject of "killed"; here the attack itself is the
subject, or the verb is passive.  Such a verb gives one event per victim actor:

* **target**: the victims, the object of the active verb or the subject of the passive
  one ("at least 28 soldiers", "dozens of Boko Haram insurgents", "five people");
* **source**: the actor the attack belongs to ("a Taliban attack", "an Israeli air strike",
  "an attack by Boko Haram", "killed by gunmen"), else CAMEO's unknown actor ``---``
  (empty text: nothing in the sentence names it; relations and blocs ignore it);
* **code**: from the means ("suicide bombing" 1831, "car bomb" 1832, "roadside bomb" 1833,
  a bombing or blast 183, shelling and rockets 194, an air strike 195, clashes and battles
  190, a raid or an attack 180), else 180;
* modality and attribution as for every verb ("may have been killed" is hypothetical).

Rule: ``casualty:MEANS`` (``casualty:-`` when the sentence names none).
"""

from __future__ import annotations

from spacy.tokens import Token

from blocwatch.coding.actors import Mention
from blocwatch.coding.events import (
    ArticleContext,
    EventCoder,
    SentenceInput,
    build_event,
    verb_code,
    with_unknown_source,
)
from blocwatch.records import Event
from blocwatch.text import frames

KILL_VERBS = frozenset({"kill", "injure", "wound", "maim", "massacre", "slaughter", "behead",
                        "murder"})
# The means of an attack (a noun's lemma) and its CAMEO code; two-word means first.
MEANS2 = {("suicide", "bombing"): "1831", ("suicide", "attack"): "1831",
          ("suicide", "bomber"): "1831", ("car", "bomb"): "1832", ("car", "bombing"): "1832",
          ("roadside", "bomb"): "1833", ("air", "strike"): "195", ("drone", "strike"): "195",
          ("missile", "strike"): "195", ("rocket", "attack"): "194",
          ("mortar", "attack"): "194"}
MEANS = {"bombing": "183", "bomb": "183", "blast": "183", "explosion": "183",
         "ied": "1833", "airstrike": "195", "air-strike": "195", "shelling": "194",
         "shell": "194", "artillery": "194", "mortar": "194", "rocket": "194",
         "missile": "194", "clash": "190", "fighting": "190", "battle": "190",
         "firefight": "190", "gunfight": "190", "offensive": "190", "attack": "180",
         "assault": "180", "raid": "180", "ambush": "180", "shooting": "180",
         "gunfire": "180", "violence": "180", "stampede": "", "crash": "", "accident": "",
         "fire": "", "flood": "", "earthquake": "", "storm": "", "collapse": ""}
# Natural disasters and illness: their deaths are no political events (a noun's lemma, also
# as the compound of a name: "Typhoon Mitag").
DISASTERS = frozenset({
    "typhoon", "hurricane", "cyclone", "tornado", "earthquake", "quake", "tremor",
    "tsunami", "flood", "flooding", "landslide", "mudslide", "avalanche", "rain", "rainfall",
    "downpour", "monsoon", "storm", "snowstorm", "blizzard", "wildfire", "bushfire", "blaze",
    "drought", "heatwave", "eruption", "volcano", "lightning", "epidemic", "outbreak",
    "disease", "virus", "pandemic", "cholera", "ebola", "famine"})
# Clauses that give the cause of a passive killing ("were killed when ISIL attacked",
# "after Typhoon Mitag lashed South Korea"): their subject is a cause.
CAUSE_MARKS = frozenset({"when", "after", "as"})
DEFAULT_CODE = "180"
# Verbs whose subject can be the weapon ("missiles struck an arms depot of the Syrian
# army", "air strikes pounded rebel positions"): coded, active only, when the subject is
# an attack's means; the target is the object's actor.
STRIKE_VERBS = frozenset({"strike", "hit", "pound", "target", "bombard", "shell", "rock"})
# Every verb this stage may code with one actor named (the victims): for the pre-filter.
CASUALTY_VERBS = KILL_VERBS | STRIKE_VERBS | {"die", "lose"}


class CasualtyCoder:
    """Codes killings by attacks; holds the event coder (actors, attribution, codes)."""

    def __init__(self, events: EventCoder) -> None:
        self.events = events

    def code_sentence(self, item: SentenceInput, ctx: ArticleContext, coded: list[Event]
                      ) -> list[Event]:
        taken = {e.verb.start for e in coded}
        index = {i: m for m in item.mentions for i in range(m.start, m.end)}
        out: list[Event] = []
        for verb in item.sent:
            if verb.pos_ != "VERB" or verb.idx - item.sent.start_char in taken:
                continue
            lemma = verb.lemma_.lower()
            if lemma in KILL_VERBS or (lemma in STRIKE_VERBS and not frames.subject(verb)[1]):
                out += self._verb(item, ctx, index, verb)
            elif _death(verb):
                out += self._death(item, ctx, index, verb)
        return out

    def _death(self, item: SentenceInput, ctx: ArticleContext, index: dict[int, Mention],
               verb: Token) -> list[Event]:
        """"Seven people died in a rocket attack", "lost their lives in clashes": coded
        only when the sentence names the attack (a death alone is no event)."""
        victims = [c for c in verb.children if c.dep_ == "nsubj"]
        means, code, source = self._cause(_prep_causes(verb) + _clause_causes(verb), item,
                                          ctx, index)
        if not code and source is None:
            return []
        return [self._event(item, ctx, index, verb, source, target, code or DEFAULT_CODE,
                            means)
                for v in victims for target in self._victims(v, item, ctx, index)
                if source is None or source.code != target.code]

    def _verb(self, item: SentenceInput, ctx: ArticleContext, index: dict[int, Mention],
              verb: Token) -> list[Event]:
        subj, passive = frames.subject(verb)
        if passive:
            victims = [c for c in verb.children if c.dep_ == "nsubjpass"]
            causes = [subj] if subj is not None else []
            causes += _prep_causes(verb)
            causes += _clause_causes(verb)
        else:
            if subj is None or subj.pos_ not in ("NOUN", "PROPN") \
                    or self.events.actors_of(subj, item, ctx, index, None):
                return []  # an actor's own killing ("Isis members ... wounding") is the
                # frame coder's
            victims = [c for c in verb.children if c.dep_ == "dobj"]
            causes = [subj]
        means, code, source = self._cause(causes, item, ctx, index)
        if code == "" or (code is None and verb.lemma_.lower() in STRIKE_VERBS):
            return []  # accidents and disasters are no political events; "hit" needs a weapon
        targets = [m for v in victims for m in self._victims(v, item, ctx, index)]
        out = []
        for target in targets:
            if source is not None and source.code == target.code:
                continue
            out.append(self._event(item, ctx, index, verb, source, target, code or DEFAULT_CODE,
                                   means))
        return out

    def _cause(self, causes: list[Token], item: SentenceInput, ctx: ArticleContext,
               index: dict[int, Mention]) -> tuple[str, str | None, Mention | None]:
        """The means named among the cause nouns, its code, and the actor it belongs to
        (an actor among the causes themselves: "killed by gunmen")."""
        for tok in causes:
            if tok.i in index and not index[tok.i].locative:
                return "-", None, index[tok.i]
            if _disaster(tok):
                return tok.lemma_.lower(), "", None
            code, means = _means(tok)
            if code is not None:
                owners = self.events.owners(tok, item, ctx, index)
                return means, code, owners[0] if owners else None
        return "-", None, None

    def _victims(self, tok: Token, item: SentenceInput, ctx: ArticleContext,
                 index: dict[int, Mention]) -> list[Mention]:
        """The victim actors of one slot: "28 soldiers", "dozens of Boko Haram insurgents"
        and conjoined ones."""
        found = []
        for t in frames.expand_conjuncts(tok):
            if t.i not in index:
                t = next((o for p in t.children if p.lower_ == "of"
                          for o in p.children if o.dep_ == "pobj"), t)
            found += [m for m in self.events.actors_of(t, item, ctx, index, None)
                      if m not in found]
        return found

    def _event(self, item: SentenceInput, ctx: ArticleContext, index: dict[int, Mention],
               verb: Token, source: Mention | None, target: Mention, code: str,
               means: str) -> Event:
        base, mood = verb_code(self.events.lexicon, verb, code, None)
        said = self.events.attribution(item, ctx, index, verb)
        span = item.sent.doc[verb.i:verb.i + 1]
        event = build_event(self.events.lexicon, item, source or target, target, base, mood,
                            said, span, f"casualty:{means}")
        return event if source is not None else with_unknown_source(event, verb, item.sent)


def _prep_causes(verb: Token) -> list[Token]:
    """The objects of the verb's "in/during/by/after/amid" ("killed in an air strike")."""
    return [o for p in verb.children if p.dep_ == "prep" and p.lower_ in (
        "in", "during", "by", "after", "amid") for o in p.children if o.dep_ == "pobj"]


def _death(verb: Token) -> bool:
    """"died", "lost their lives"."""
    lemma = verb.lemma_.lower()
    return lemma == "die" or (lemma == "lose" and any(
        c.dep_ == "dobj" and c.lemma_.lower() in ("life", "lives") for c in verb.children))


def _clause_causes(verb: Token) -> list[Token]:
    """The subjects of the verb's "when/after/as" clauses: the cause of a passive killing
    ("were killed when a bomb exploded", "after Typhoon Mitag lashed the coast"), also of a
    verb conjoined with it ("were killed and others are missing after ...")."""
    verbs = [verb, *(c for c in verb.children if c.dep_ == "conj" and c.pos_ == "VERB")]
    return [s for v in verbs for c in v.children if c.dep_ == "advcl"
            and any(m.dep_ in ("mark", "advmod") and m.lower_ in CAUSE_MARKS
                    for m in c.children)
            for s in c.children if s.dep_ == "nsubj"]


def _disaster(tok: Token) -> bool:
    """A natural disaster or an illness ("the earthquake", "Typhoon Mitag")."""
    return any(t.lemma_.lower() in DISASTERS or t.lower_ in DISASTERS
               for t in (tok, *(c for c in tok.children if c.dep_ == "compound")))


def _means(tok: Token) -> tuple[str | None, str]:
    """The CAMEO code of an attack noun and its name ("suicide bombing"), else None."""
    lemma = tok.lemma_.lower()
    for c in tok.children:
        if c.dep_ in ("compound", "amod") and (c.lower_, lemma) in MEANS2:
            return MEANS2[(c.lower_, lemma)], f"{c.lower_} {lemma}"
    if lemma in MEANS:
        return MEANS[lemma], lemma
    return None, ""
