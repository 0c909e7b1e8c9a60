"""Stage 2a — relevance: a fast pass (tokenizer, rule-based sentence splitter, lookups)
that decides which sentences can yield an event and so are worth parsing.

A sentence is kept when it holds any name of the knowledge base or agent term (it can
bring an actor, and later sentences may refer back to it), a quotation mark (quotes carry
speakers across sentences), or a pronoun together with a surface form of a lexicon verb or
event noun ("It rejected the offer").  Every other sentence can yield no event and change
nothing for later sentences, so dropping it leaves the events unchanged; a test checks
this on the golden cases and the Guardian corpus.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .kb import KnowledgeBase
from .lexicon import Lexicon

PRONOUNS = frozenset({"it", "its", "they", "them", "their", "he", "him", "his", "she", "her",
                      "we", "us", "our", "i", "me", "my"})
QUOTES = frozenset({'"', "\u201c", "\u201d"})
# Irregular past forms of lexicon verbs (regular ones are built by rule).
IRREGULAR = {
    "meet": ("met",), "hold": ("held",), "strike": ("struck", "stricken"),
    "fight": ("fought",), "give": ("gave", "given"), "send": ("sent",),
    "break": ("broke", "broken"), "lead": ("led",), "seek": ("sought",), "tell": ("told",),
    "say": ("said",), "make": ("made",), "go": ("went", "gone"), "sell": ("sold",),
    "shoot": ("shot",), "begin": ("began", "begun"), "withdraw": ("withdrew", "withdrawn"),
    "forgive": ("forgave", "forgiven"), "bring": ("brought",), "buy": ("bought",),
    "win": ("won",), "take": ("took", "taken"), "draw": ("drew", "drawn"),
    "throw": ("threw", "thrown"), "tear": ("tore", "torn"), "lay": ("laid",),
    "pay": ("paid",), "flee": ("fled",), "overthrow": ("overthrew", "overthrown"),
    "undertake": ("undertook", "undertaken"), "freeze": ("froze", "frozen"),
    "steal": ("stole", "stolen"), "swear": ("swore", "sworn"), "stand": ("stood",),
    "drive": ("drove", "driven"), "beat": ("beaten",), "bind": ("bound",),
    "hit": ("hit",), "cut": ("cut",), "put": ("put",), "set": ("set",), "shut": ("shut",),
    "spread": ("spread",), "have": ("has", "had"), "do": ("did", "done", "does"),
    "write": ("wrote", "written"), "speak": ("spoke", "spoken"), "keep": ("kept",),
    "leave": ("left",), "feel": ("felt",), "hear": ("heard",), "find": ("found",),
    "see": ("saw", "seen"), "come": ("came",), "get": ("got", "gotten"), "run": ("ran",),
    "rise": ("rose", "risen"), "fall": ("fell", "fallen"), "forbid": ("forbade", "forbidden"),
    "blow": ("blew", "blown"), "shake": ("shook", "shaken"), "wake": ("woke", "woken"),
    "light": ("lit",), "sink": ("sank", "sunk"), "sting": ("stung",), "slay": ("slew", "slain"),
    "bear": ("bore", "borne"), "split": ("split",), "quit": ("quit",), "bid": ("bid",),
    "upset": ("upset",), "thrust": ("thrust",), "beset": ("beset",), "mislead": ("misled",),
    "oversee": ("oversaw", "overseen"), "overrun": ("overran",), "rebuild": ("rebuilt",),
    "build": ("built",), "spend": ("spent",), "lend": ("lent",), "lose": ("lost",),
    "think": ("thought",), "teach": ("taught",), "catch": ("caught",), "hang": ("hung",),
    "ride": ("rode", "ridden"), "arise": ("arose", "arisen"), "wage": ("waged",),
}


def verb_forms(lemma: str) -> set[str]:
    """Surface forms of a verb: lemma, -s, -ed, -ing (with the usual spelling changes)."""
    forms = {lemma, *IRREGULAR.get(lemma, ())}
    if lemma.endswith(("s", "sh", "ch", "x", "z", "o")):
        forms.add(lemma + "es")
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    else:
        forms.add(lemma + "s")
    stem = lemma[:-1] if lemma.endswith("e") else lemma
    forms |= {stem + "ed", stem + "ing", lemma + "d", lemma + "ing"}
    if len(lemma) >= 3 and lemma[-1] not in "aeiouwxy" and lemma[-2] in "aeiou" \
            and lemma[-3] not in "aeiou":
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


@dataclass(frozen=True)
class RelevanceFilter:
    """Lookup tables built once from the knowledge base and the lexicon."""

    names: frozenset[tuple[str, ...]]
    max_name: int
    event_words: frozenset[str]

    @classmethod
    def build(cls, kb: KnowledgeBase, lexicon: Lexicon) -> RelevanceFilter:
        names = frozenset(kb.names) | frozenset(kb.agents)
        words: set[str] = set()
        for entry in lexicon.entries:
            for verb in entry.verbs:
                words |= verb_forms(verb)
            if entry.nominal:
                for noun in entry.nouns:
                    words |= {noun, noun + "s", noun + "es"}
        for verb in ("offer", "propose", "plan", "demand", "call", "request", "appeal"):
            words |= verb_forms(verb)  # event nouns that point back ("the offer")
        return cls(names, max(map(len, names), default=1), frozenset(words))

    def keep(self, words: Iterable[str]) -> bool:
        """Can a sentence with these token texts yield an event or change the context?"""
        lower = [w.lower() for w in words]
        if any(w in QUOTES for w in lower):
            return True
        n_max = self.max_name
        for i in range(len(lower)):
            for n in range(1, min(n_max, len(lower) - i) + 1):
                if tuple(lower[i:i + n]) in self.names:
                    return True
        return bool(PRONOUNS.intersection(lower)) and bool(self.event_words.intersection(lower))
