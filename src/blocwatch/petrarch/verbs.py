"""PETRARCH-style verb coding on a parsed sentence: dictionary verbs found in the
sentence, their patterns matched, and the source and target actor units of each.  Used by
:mod:`blocwatch.coding.petrarch_coder` (PETRARCH dictionaries, their actors) and by the coder's
base layer (:mod:`blocwatch.knowledge.baselayer`, blocwatch's actors); the rules are documented in
:mod:`blocwatch.coding.petrarch_coder`."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from spacy.tokens import Token

from blocwatch.petrarch.dictionaries import is_null, regular_forms
from blocwatch.petrarch.match import (
    NO_MENTION,
    ActorGroups,
    Index,
    Match,
    PatternMatcher,
    SentenceContext,
    Unit,
    VerbFormIndex,
    np_head,
)
from blocwatch.text import frames

PRONOUNS = frozenset({"it", "he", "she", "they", "we", "i"})


@dataclass(frozen=True)
class VerbHit:
    """A dictionary verb found in a sentence (doc token span ``start:end``)."""

    token: Token
    start: int
    end: int
    form: VerbFormIndex


@dataclass(frozen=True)
class VerbEvent:
    """One coded dyad of a verb: ``rule`` is ``BLOCK:- pattern`` or ``BLOCK:VERB``."""

    hit: VerbHit
    source: Unit
    target: Unit | None  # None: a one-actor event (only with ``solo_roots``)
    code: str
    rule: str
    reverse: bool = False  # the second code of an ``A:B`` pair: the pattern's target acts

    @property
    def alone(self) -> bool:
        """Whether the verb form matched without pattern words (rule ``BLOCK:VERB``)."""
        return not self.rule.partition(":")[2].startswith("- ")


class VerbCoder:
    """Codes the dictionary verbs of a sentence; holds the compiled index, nothing else.
    ``solo_roots``: CAMEO code prefixes coded with a source alone when no target is found
    (protests, force posture); PETRARCH itself needs both ends (none).  ``parsed_nouns``:
    pattern words are read with the parse: a pattern's last word does not match a verb
    below another verb ("resolve to firmly deal with North Korea" is no "* DEAL") nor a
    noun of another clause, and no word matches a proper noun inside an actor's name;
    PETRARCH matches the words whatever they are (off)."""

    def __init__(self, index: Index, solo_roots: tuple[str, ...] = (),
                 parsed_nouns: bool = False) -> None:
        self.index = index
        self.solo_roots = solo_roots
        self.parsed_nouns = parsed_nouns

    def code_sentence(self, ctx: SentenceContext, groups: ActorGroups) -> list[VerbEvent]:
        """Every verb's events, each (source, target, code) once."""
        out: list[VerbEvent] = []
        seen: set[tuple[str, str, str]] = set()
        for hit in self.verbs(ctx):
            for event in self.code_verb(ctx, groups, hit):
                key = (event.source.code, event.target.code if event.target else "",
                       event.code)
                if key not in seen:
                    seen.add(key)
                    out.append(event)
        return out

    def verbs(self, ctx: SentenceContext) -> Iterator[VerbHit]:
        """Dictionary verbs of the sentence, multi-word forms first, each token once."""
        used: set[int] = set()
        for tok in ctx.sent:
            if tok.i in used or tok.i in ctx.actors or not is_verb(tok) \
                    or _infinitive_modifier(tok):
                continue
            hit = self.verb_at(ctx, tok)
            if hit is not None:
                used.update(range(hit.start, hit.end))
                yield hit

    def verb_at(self, ctx: SentenceContext, tok: Token) -> VerbHit | None:
        sent = ctx.sent
        keys = [ctx.word(tok.i)]
        if _inflection_of(keys[0], tok.lemma_.upper()):
            keys.append(tok.lemma_.upper())
        for key in keys:
            for form in self.index.forms.get(key, ()):
                start, end = tok.i - len(form.before), tok.i + 1 + len(form.after)
                if start < sent.start or end > sent.end:
                    continue
                if all(ctx.word(start + k) == w for k, w in enumerate(form.before)) and \
                        all(ctx.word(tok.i + 1 + k) == w for k, w in enumerate(form.after)):
                    return VerbHit(tok, start, end, form)
        return None

    def code_verb(self, ctx: SentenceContext, groups: ActorGroups,
                  hit: VerbHit) -> list[VerbEvent]:
        """Events of one dictionary verb: the longest pattern that matches (or the verb's
        own code), its source and target pairs, both directions of an ``A:B`` code."""
        block = self.index.blocks[hit.form.block]
        lower_end = ctx.lower_end(hit.token, hit.end)
        matcher = PatternMatcher(ctx, groups, self.index, (hit.start, hit.end), lower_end,
                                 self.parsed_nouns)
        found, rule_pattern = Match(), None
        present = ctx.present()
        for pattern, needs in block.candidates(present):
            if pattern.code.strip("+") == "" or not all(n & present for n in needs):
                continue  # TABARI's "+++" patterns are left unused (the suite expects so)
            m = matcher.match(pattern)
            if m is not None:
                found, rule_pattern = m, pattern
                break
        code = rule_pattern.code if rule_pattern else (hit.form.code or block.code)
        forward, _, backward = code.partition(":")
        if is_null(forward) and is_null(backward):
            return []
        rule = (f"{block.name}:- {rule_pattern.text}" if rule_pattern
                else f"{hit.form.name}:{hit.form.text}")
        pairs, mutual, sources = self._dyads(ctx, groups, hit, found)
        if mutual and not backward:
            backward = forward
        events = []
        if not pairs and not is_null(forward) and (
                forward.startswith(self.solo_roots)
                or self.parsed_nouns and not forward.startswith(("01", "02"))
                and self._clause_target(ctx, hit, sources)):
            return [VerbEvent(hit, src, None, forward, rule) for src in sources]
        for src, tgt in pairs:
            if src.code == tgt.code:
                continue
            if not is_null(forward):
                events.append(VerbEvent(hit, src, tgt, forward, rule))
            if backward and not is_null(backward):
                events.append(VerbEvent(hit, tgt, src, backward, rule, reverse=True))
        return events

    def _dyads(self, ctx: SentenceContext, groups: ActorGroups, hit: VerbHit,
               found: Match) -> tuple[list[tuple[Unit, Unit]], bool, list[Unit]]:
        """(source, target) pairs, whether they are mutual (a compound's members), and
        the sources."""
        if found.compound and found.compound_upper and found.target is None \
                and found.source is None:
            units = found.compound
            return [(a, b) for n, a in enumerate(units) for b in units[n + 1:]], True, units
        sources = found.source
        targets = found.target if found.target is not None else found.compound
        passive_target: list[Unit] = []
        if sources is None:
            sources, passive_target = self.source(ctx, groups, hit)
            if targets and {(u.start, u.end) for u in sources} & \
                    {(u.start, u.end) for u in targets}:
                sources = self._source_above(ctx, groups, hit.token, targets)
        if targets is None:
            targets = passive_target or self._target(ctx, groups, hit, sources)
        return [(s, t) for s in sources for t in targets], False, sources

    def source(self, ctx: SentenceContext, groups: ActorGroups,
                hit: VerbHit) -> tuple[list[Unit], list[Unit]]:
        """(source units, target units of a passive subject)."""
        subj, passive = subject(hit.token)
        if passive:  # the source is the "by" (else "from") phrase; the subject the target
            patients = frames.children(hit.token, "nsubjpass")
            target = groups.group(patients[0]) if patients else []
            if subj is None:
                froms = [o for p in frames.children(hit.token, "prep") if p.lower_ == "from"
                         for o in frames.children(p, "pobj")]
                subj = froms[0] if froms else None
            return (groups.group(subj) if subj is not None else []), target
        if subj is None:  # a misparse leaves an actor hanging left of the verb
            lefts = [t for c in hit.token.lefts if c.dep_ in ("compound", "nmod", "npadvmod")
                     for t in c.subtree if ctx.actors.get(t.i, NO_MENTION).codes]
            return (groups.at(lefts[0].i) if lefts else []), []
        if subj.lower_ in PRONOUNS and subj.i not in ctx.actors:
            return self._antecedent(ctx, groups, subj), []
        units = list(groups.group(subj))
        for other in subj.head.children:  # "Lions, tigers, and Gondor" as two subjects
            if subj.dep_ == "nsubj" and other.dep_ == "nsubj" and other is not subj:
                units += groups.group(other)
        if not units:  # "Resumption of ties between Arnor and Gondor may spur ..."
            first = next((t.i for t in _of_phrases(subj)
                          if ctx.actors.get(t.i, NO_MENTION).codes), None)
            units = groups.at(first) if first is not None else []
        return units, []

    def _source_above(self, ctx: SentenceContext, groups: ActorGroups, verb: Token,
                      avoid: list[Unit]) -> list[Unit]:
        """The subject of a verb above ``verb`` ("X noted that Y regretted ...") that is
        not ``avoid``."""
        spans = {(u.start, u.end) for u in avoid}
        tok = verb
        for _ in range(6):
            if tok.head is tok:
                break
            tok = tok.head
            subj, _ = subject(tok)
            units = groups.group(subj) if subj is not None else []
            if units and not {(u.start, u.end) for u in units} & spans:
                return units
        return []

    def _antecedent(self, ctx: SentenceContext, groups: ActorGroups, pron: Token) -> list[Unit]:
        """Nearest earlier subject with an actor, else the sentence's first actor."""
        before = sorted({m.start for i, m in ctx.actors.items() if m.end <= pron.i and m.codes})
        subjects = [i for i in before if np_head(ctx.sent.doc[i]).dep_ in ("nsubj",
                                                                          "nsubjpass")]
        for i in subjects[::-1]:
            units = groups.at(i)
            if units:
                return units
        return []

    @staticmethod
    def _clause_target(ctx: SentenceContext, hit: VerbHit, sources: list[Unit]) -> bool:
        """Whether the only actors after the verb are in finite clauses below it (the
        event stands, its target is not named: "deployed election observers in Zimbabwe
        as the country prepares for its first vote"; not for statements and appeals,
        roots 01-02, which say little with no one they are addressed to)."""
        if not sources:
            return False
        clauses = _finite_clauses(hit.token)
        return any(i in clauses and (i in ctx.actors or i in ctx.agents)
                   for i in range(hit.end, ctx.lower_end(hit.token, hit.end)))

    def _target(self, ctx: SentenceContext, groups: ActorGroups, hit: VerbHit,
                sources: list[Unit]) -> list[Unit]:
        """The first actor group after the verb; a group of bare agents ("deployed troops
        to Gondor") only when no actor follows outside an "in" phrase."""
        excluded = _excluded(hit.token)
        taken = {i for u in sources for i in range(u.start, u.end)}
        bare: list[Unit] = []
        for i in range(hit.end, ctx.lower_end(hit.token, hit.end)):
            if i in excluded or i in taken or not (i in ctx.actors or i in ctx.agents):
                continue
            units = [u for u in groups.at(i) if not set(range(u.start, u.end)) & taken]
            if units and all(u.code.startswith("---") for u in units):
                bare = bare or units
            elif units and not (bare and _in_phrase(ctx.sent.doc[i])):
                return units
        return bare


_CLIMB = frozenset({"xcomp", "acomp", "advcl", "conj", "prep", "pcomp", "dep", "oprd",
                    "aux", "auxpass"})


def subject(verb: Token) -> tuple[Token | None, bool]:
    """The verb's subject (``frames.subject``), else the subject of the nearest verb or
    adjective it hangs from in the same clause ("Arnor is about to restore")."""
    subj, passive = frames.subject(verb)
    if subj is not None or passive:
        return subj, passive
    tok = verb
    for _ in range(6):
        if tok.dep_ not in _CLIMB or tok.head is tok:
            return None, False
        tok = tok.head
        found = frames.children(tok, "nsubj", "nsubjpass", "csubj")
        if found:  # "Gollum was seen to break ...": the raised subject
            return found[0], False
        if frames.children(tok, "auxpass"):  # "to be allowed to leave ... by elves"
            return None, False
    return None, False


def _of_phrases(tok: Token) -> list[Token]:
    """Tokens reached from a noun through of/between/among phrases, in text order
    ("resumption of ties between Arnor and Gondor"); not through other prepositions or
    clauses ("Shultz, travelling to China, ...")."""
    out, stack = [], [tok]
    while stack:
        t = stack.pop()
        out.append(t)
        for c in t.children:
            if c.dep_ in ("pobj", "conj", "compound", "amod", "nmod", "poss") or (
                    c.dep_ == "prep" and c.lower_ in ("of", "between", "among")):
                stack.append(c)
    return sorted(out, key=lambda t: t.i)


def _in_phrase(tok: Token) -> bool:
    """Is ``tok`` (in) the object of a locative "in"/"at" ("students in Moscow")?"""
    head = np_head(tok)
    return head.dep_ == "pobj" and head.head.lower_ in ("in", "at")


def _excluded(verb: Token) -> set[int]:
    """Tokens after the verb that cannot hold its target: its subject, conjoined verbs
    (they have their own targets), a passive's ``by`` phrase, and finite adverbial and
    relative clauses below it, whose actors act in their own events ("remained on alert
    after BIFF gunmen tried to ...", "launched an attack that included 500 regime
    troops"; on the ConfliBERT set such targets were off the annotated one 10 times in
    11)."""
    out: set[int] = set()
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass", "agent", "csubj") or (
                child.dep_ == "conj" and child.pos_ in ("VERB", "AUX")):
            out.update(t.i for t in child.subtree)
    return out | _finite_clauses(verb)


def _finite_clauses(verb: Token) -> set[int]:
    """The tokens of the finite adverbial and relative clauses below ``verb`` (not
    conditions)."""
    out: set[int] = set()
    for tok in verb.subtree:
        if tok.i > verb.i and tok.dep_ in ("advcl", "relcl") and _finite(tok) \
                and tok.i not in out and not _condition(tok):
            out.update(t.i for t in tok.subtree)
    return out


def _condition(clause: Token) -> bool:
    """"threatened to hit back if Erdogan pursues ...": a condition names whom a threat or
    a warning is meant for."""
    return any(c.dep_ == "mark" and c.lower_ in ("if", "unless") for c in clause.children)


_TENSED = frozenset({"VBD", "VBZ", "VBP", "MD"})


def _finite(clause: Token) -> bool:
    """A clause with a tense of its own ("after talks were suspended", "that killed"),
    not a participle or an infinitive ("killing dozens", "to help Lebanon")."""
    return clause.tag_ in _TENSED or any(
        c.dep_ in ("aux", "auxpass") and c.tag_ in _TENSED for c in clause.children)


def _inflection_of(word: str, lemma: str) -> bool:
    """True when ``word`` can be an inflection of ``lemma``: an irregular form, or a
    regular one (with a doubled final consonant); not a misspelling ("DEPARTES")."""
    if word == lemma or not lemma.isalpha():
        return False
    if not word.startswith(lemma[:-1] or lemma):
        return True  # irregular: began/begun, fought, broke
    doubled = lemma + lemma[-1]
    return word in (*regular_forms(lemma), doubled + "ED", doubled + "ING")


def _infinitive_modifier(tok: Token) -> bool:
    """"efforts to stop", "a plan to attack": a to-infinitive modifying a noun names an
    aim, not an event (PETRARCH does not code it)."""
    return tok.dep_ == "acl" and frames.to_infinitive(tok)


def is_verb(tok: Token) -> bool:
    return tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")


