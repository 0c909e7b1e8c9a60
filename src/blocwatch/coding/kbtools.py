"""Tools that keep the knowledge current: names that stand where an actor would be but
resolve to nothing (``kb unknown-actors``), verbs that link two known actors with no
lexicon entry (``kb unknown-verbs``), and how a name resolves (``kb show``).

An "actor slot" is the subject, object or prepositional object of a verb with a lexicon
entry.  A name in such a slot is a spaCy entity (PERSON, ORG, NORP, GPE) that no actor
mention covers.  Suggestions guess the country from the actors of the same sentence.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from blocwatch.coding.actors import ActorFinder, Mention
from blocwatch.knowledge.kb import KnowledgeBase
from blocwatch.knowledge.lexicon import Lexicon
from blocwatch.records import Article
from blocwatch.text import frames
from blocwatch.text.clean import clean

ENTITY_LABELS = ("PERSON", "ORG", "NORP", "GPE")
SLOT_DEPS = ("nsubj", "nsubjpass", "dobj", "pobj", "dative", "agent")
_SECTOR_OF_LABEL = {"PERSON": "GOV", "ORG": "GOV", "NORP": None, "GPE": None}


@dataclass
class Finding:
    text: str
    label: str
    count: int = 0
    examples: list[str] = field(default_factory=list)
    countries: Counter[str] = field(default_factory=Counter)

    def suggestion(self) -> str:
        country = self.countries.most_common(1)[0][0] if self.countries else "XXX"
        sector = _SECTOR_OF_LABEL.get(self.label)
        lines = [f"  - name: {self.text}", f"    country: {country}"]
        if sector:
            lines.append(f"    sector: {sector}")
        if self.label == "PERSON":
            lines += ["    role: head_of_state   # check the role", "    start: YYYY-MM-DD"]
        return "\n".join(lines)


def _sentences(nlp, articles: Iterable[Article]) -> Iterable[Span]:  # type: ignore[no-untyped-def]
    texts = (p.text for a in articles for p in clean(a).paragraphs)
    for doc in nlp.pipe(texts, batch_size=32):
        yield from doc.sents


def unknown_actors(nlp, kb: KnowledgeBase, lexicon: Lexicon,  # type: ignore[no-untyped-def]
                   articles: Iterable[Article], *, date: str | None = None,
                   examples: int = 3) -> list[Finding]:
    """Entities in actor slots of lexicon verbs that resolve to no actor, most frequent
    first.  ``nlp`` must include the NER component."""
    finder = ActorFinder(kb)
    found: dict[tuple[str, str], Finding] = {}
    for sent in _sentences(nlp, articles):
        mentions = finder.find(sent, date)
        covered = {i for m in mentions for i in range(m.start, m.end)}
        countries = [m.country for m in mentions if m.country]
        for tok in _slot_tokens(sent, lexicon):
            ent = _entity_of(tok)
            if ent is None or any(i in covered for i in range(ent.start, ent.end)):
                continue
            name = ent.text.removeprefix("the ").removeprefix("The ")
            item = found.setdefault((name, ent.label_), Finding(name, ent.label_))
            item.count += 1
            item.countries.update(c for c in countries)
            if len(item.examples) < examples:
                item.examples.append(sent.text)
    return sorted(found.values(), key=lambda f: (-f.count, f.text))


def _slot_tokens(sent: Span, lexicon: Lexicon) -> Iterable[Token]:
    for tok in sent:
        if tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in lexicon.by_verb:
            subj, _ = frames.subject(tok)
            if subj is not None:
                yield from frames.expand_conjuncts(subj)
            for child in tok.children:
                if child.dep_ in SLOT_DEPS[2:]:
                    yield from frames.expand_conjuncts(child)
                if child.dep_ in ("prep", "agent"):
                    for pobj in frames.children(child, "pobj"):
                        yield from frames.expand_conjuncts(pobj)


def _entity_of(tok: Token) -> Span | None:
    doc = tok.doc
    for ent in doc.ents:
        if ent.start <= tok.i < ent.end and ent.label_ in ENTITY_LABELS:
            return ent
    return None


@dataclass
class VerbFinding:
    lemma: str
    count: int = 0
    examples: list[str] = field(default_factory=list)
    preps: Counter[str] = field(default_factory=Counter)

    def suggestion(self) -> str:
        prep = self.preps.most_common(1)[0][0] if self.preps else None
        target = f"prep:{prep}" if prep else "dobj"
        return (f"  - {{id: user.{self.lemma}, verb: {self.lemma}, target: [{target}], "
                f"code: \"XXX\"}}  # pick the CAMEO code")


def unknown_verbs(nlp, kb: KnowledgeBase, lexicon: Lexicon,  # type: ignore[no-untyped-def]
                  articles: Iterable[Article], *, date: str | None = None,
                  examples: int = 3) -> list[VerbFinding]:
    """Verbs whose subject and object (or prepositional object) are both known actors
    but which have no lexicon entry, most frequent first."""
    finder = ActorFinder(kb)
    found: dict[str, VerbFinding] = defaultdict(lambda: VerbFinding(""))
    for sent in _sentences(nlp, articles):
        mentions = finder.find(sent, date)
        index = {i: m for m in mentions for i in range(m.start, m.end) if not m.locative}
        for tok in sent:
            lemma = tok.lemma_.lower()
            if tok.pos_ != "VERB" or lemma in lexicon.by_verb or lemma in ("be", "have"):
                continue
            subj, _ = frames.subject(tok)
            if subj is None or subj.i not in index:
                continue
            prep = _linked_object(tok, index, index[subj.i])
            if prep is None:
                continue
            item = found[lemma]
            item.lemma = lemma
            item.count += 1
            if prep:
                item.preps[prep] += 1
            if len(item.examples) < examples:
                item.examples.append(sent.text)
    return sorted(found.values(), key=lambda f: (-f.count, f.lemma))


def _linked_object(verb: Token, index: dict[int, Mention], source: Mention) -> str | None:
    """"" for a direct object actor, the preposition for a prepositional one, else None."""
    for child in verb.children:
        if child.dep_ in ("dobj", "dative") and child.i in index \
                and index[child.i].code != source.code:
            return ""
        if child.dep_ == "prep":
            for pobj in frames.children(child, "pobj"):
                if pobj.i in index and index[pobj.i].code != source.code:
                    return child.lower_
    return None
