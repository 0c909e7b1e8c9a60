"""Surface forms of lexicon verbs ("staged", "hoped", "fought"), built by rule with a
table of irregular forms.  The event coder uses them to repair lemmatiser slips
("staged" -> "stag"); a relevance pre-filter before parsing can use them to spot
sentences that may hold an event."""

from __future__ import annotations

from collections.abc import Iterable

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


def form_lemmas(verbs: Iterable[str]) -> dict[str, str]:
    """Surface form -> the first of ``verbs`` it is a form of ("staged" -> "stage")."""
    found: dict[str, str] = {}
    for verb in verbs:
        for form in verb_forms(verb):
            found.setdefault(form, verb)
    return found
