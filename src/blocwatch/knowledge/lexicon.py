"""The verb lexicon and the CAMEO code table, loaded once into frozen records.

``data/verbs.yaml`` is a list of entries::

    - id: hold.exercises           # unique rule id, reported on every event it codes
      verb: [hold, conduct, stage] # verb lemma(s)
      noun: [exercise, drill]      # optional: object noun(s) of a light-verb construction
      particle: on                 # optional: required particle/preposition ("call on")
      target: [prep:with]          # where the target is, in order of preference (default dobj)
      code: "062"                  # CAMEO code
      modality: intended           # optional default modality (offers, promises, threats)
      mutual: true                 # optional: also code target -> source ("joint": only
                                   # among joint subjects, "X and Y agreed")
      no_target: true              # optional: code even when no target actor is found

Nominal events have ``event_noun`` instead of ``verb``::

    - id: criticism.n
      event_noun: [criticism, condemnation]   # noun lemma(s) that are events themselves
      target: [prep:of, prep:against]        # the source is the possessor, a modifier
      code: "111"                            # ("North Korean criticism") or "by" agent

``prep:between`` on a nominal entry takes the two conjoined actors as source and target
("an agreement between Seoul and Washington").

Target roles: ``dobj`` (direct object; subject of a passive), ``prep:X`` (object of
preposition X on the verb or on the light noun), ``dative``, ``ccomp.subj`` (subject of the
clause complement: "insisted North Korea give up"), ``xcomp.dobj`` and ``xcomp.prep:X``
(inside the infinitive: "offered to meet with"), ``dobj.mod`` (a country or organisation
modifying the object: "attend a NATO summit"), ``poss`` (possessor of the light noun).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from blocwatch.errors import KnowledgeBaseError

_ROLE_PREFIXES = ("dobj", "dative", "ccomp.subj", "xcomp.dobj", "dobj.mod", "poss", "noun",
                  "prep:", "xcomp.prep:")
MODALITIES = ("asserted", "negated", "hypothetical", "intended")


@dataclass(frozen=True)
class Code:
    code: str
    root: str
    quad: int
    goldstein: float
    plover_event: str | None
    plover_mode: str | None
    label: str


@dataclass(frozen=True)
class VerbEntry:
    id: str
    verbs: tuple[str, ...]
    code: str
    nouns: tuple[str, ...] = ()
    particle: str | None = None
    targets: tuple[str, ...] = ("dobj",)
    modality: str | None = None
    mutual: bool = False
    joint: bool = False  # mutual only among joint subjects
    no_target: bool = False
    nominal: bool = False

    @property
    def plain(self) -> bool:
        """A verb's entry of its own: no light noun, no particle."""
        return not self.nouns and not self.particle

    @property
    def specificity(self) -> int:
        """Entries are tried most specific first: two-word nouns, nouns, particles."""
        return 2 * any(" " in n for n in self.nouns) + 2 * bool(self.nouns) + bool(
            self.particle)


@dataclass(frozen=True)
class Lexicon:
    entries: tuple[VerbEntry, ...]
    by_verb: dict[str, tuple[VerbEntry, ...]]
    by_noun: dict[str, tuple[VerbEntry, ...]]
    codes: dict[str, Code]

    def code(self, code: str) -> Code:
        """The table's record of ``code``; a code the table lacks (the base layer's
        "1213") takes its longest prefix's values under its own code."""
        found = self.codes.get(code)
        if found is not None:
            return found
        for n in range(len(code) - 1, 1, -1):
            if code[:n] in self.codes:
                parent = self.codes[code[:n]]
                return Code(code, parent.root, parent.quad, parent.goldstein,
                            parent.plover_event, parent.plover_mode, parent.label)
        raise KeyError(code)


def load_codes(text: str | None = None) -> dict[str, Code]:
    if text is None:
        data = resources.files("blocwatch.knowledge.data")
        text = data.joinpath("cameo_codes.tsv").read_text("utf-8")
    codes: dict[str, Code] = {}
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    for line in lines[1:]:
        code, root, quad, gold, p_event, p_mode, label = line.split("\t")
        codes[code] = Code(code, root, int(quad), float(gold), p_event or None,
                           p_mode or None, label)
    return codes


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value.lower(),)
    return tuple(str(v).lower() for v in value)


def parse_entry(raw: Any, where: str, codes: dict[str, Code]) -> VerbEntry:
    if not isinstance(raw, dict) or "id" not in raw or "code" not in raw or (
            ("verb" in raw) == ("event_noun" in raw)):
        raise KnowledgeBaseError(where, "each entry needs 'id', 'code' and either 'verb' "
                                        "or 'event_noun'")
    code = str(raw["code"])
    if code not in codes:
        raise KnowledgeBaseError(where, f"unknown CAMEO code {code!r} in entry {raw['id']!r}")
    targets = _as_tuple(raw.get("target")) or ("dobj",)
    for role in targets:
        if not role.startswith(_ROLE_PREFIXES):
            raise KnowledgeBaseError(where, f"unknown target role {role!r} in {raw['id']!r}")
    modality = raw.get("modality")
    if modality is not None and modality not in MODALITIES:
        raise KnowledgeBaseError(where, f"unknown modality {modality!r} in {raw['id']!r}")
    unknown = set(raw) - {"id", "verb", "event_noun", "noun", "particle", "target", "code",
                          "modality", "mutual", "no_target", "note"}
    if unknown:
        raise KnowledgeBaseError(where, f"unknown field(s) {sorted(unknown)} in {raw['id']!r}")
    nominal = "event_noun" in raw
    mutual = raw.get("mutual", False)
    if mutual not in (True, False, "joint"):
        raise KnowledgeBaseError(where, f"mutual must be true, false or joint in {raw['id']!r}")
    return VerbEntry(id=str(raw["id"]), verbs=_as_tuple(raw.get("verb")), code=code,
                     nouns=_as_tuple(raw["event_noun"] if nominal else raw.get("noun")),
                     nominal=nominal,
                     particle=str(raw["particle"]).lower() if raw.get("particle") else None,
                     targets=targets, modality=modality, mutual=bool(mutual),
                     joint=mutual == "joint", no_target=bool(raw.get("no_target")))


def load_lexicon(text: str | None = None, name: str = "verbs.yaml",
                 extra: tuple[VerbEntry, ...] = ()) -> Lexicon:
    """The built-in lexicon (or ``text``), with ``extra`` entries (user knowledge) first."""
    codes = load_codes()
    if text is None:
        text = resources.files("blocwatch.knowledge.data").joinpath("verbs.yaml").read_text("utf-8")
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        raise KnowledgeBaseError(name, f"not valid YAML: {err}") from None
    if not isinstance(raw, list):
        raise KnowledgeBaseError(name, "the lexicon must be a YAML list of entries")
    entries = [*extra, *[parse_entry(item, f"{name} entry {n}", codes)
                         for n, item in enumerate(raw, 1)]]
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise KnowledgeBaseError(name, f"duplicate entry id {entry.id!r}")
        seen.add(entry.id)
    by_verb: dict[str, list[VerbEntry]] = {}
    by_noun: dict[str, list[VerbEntry]] = {}
    for entry in entries:
        for verb in entry.verbs:
            by_verb.setdefault(verb, []).append(entry)
        if entry.nominal:
            for noun in entry.nouns:
                by_noun.setdefault(noun, []).append(entry)
    return Lexicon(
        entries=tuple(entries),
        by_verb={v: tuple(sorted(es, key=lambda e: -e.specificity)) for v, es in by_verb.items()},
        by_noun={n: tuple(es) for n, es in by_noun.items()},
        codes=codes,
    )
