"""Stage 2 — parse: the model's attribute rules and rule lemmatiser, applied through caches.

spaCy's English pipeline ends with two rule components: the attribute ruler (179 token
patterns on the tag, the lower-case form and the dependency, which set the universal part of
speech, morphology and some lemmas) and the rule lemmatiser (a function of the word, its
part of speech and morphology).  On short one-sentence Docs they cost about a third of the
parse (the ruler builds a Span for every match; the lemmatiser's cache misses every base
form).  :class:`CachedAnnotator` replaces both with the same rules, read from the loaded
model's own components, applied through caches keyed on what each rule reads:

- a one-token pattern's outcome is a function of (tag, lower-case form, dependency, is
  space): each distinct key is matched once, in Python, against every pattern;
- a pattern of several tokens is tried only where its words occur;
- attributes are applied in the ruler's order (later patterns win), on the values the
  tokens had before the ruler ran, as the ruler does;
- a lemma the ruler did not set comes from the stock lemmatiser, once per (word, part of
  speech, morphology).

The output is the stock pipeline's, token for token (``tests/text/test_annotate.py``
compares tag, part of speech, morphology, lemma and dependency on real news).  When a
pattern uses something this matcher does not know, the stock components stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, MORPH, ORTH, POS, TAG
from spacy.language import Language
from spacy.tokens import Doc

FACTORY = "blocwatch_cached_annotator"
RULER, LEMMATIZER = "attribute_ruler", "lemmatizer"
_KEYS = ("TAG", "LOWER", "DEP", "IS_SPACE")
OTHER = "\x00"  # stands for every lower-case form no rule names
Key = tuple[str, str, str, bool]  # a token's (tag, lower-case form, dependency, is space)
Hits = tuple[tuple[int, tuple[Any, ...]], ...]  # (rule order, attributes) of matching rules


class Unsupported(ValueError):
    """A pattern this matcher cannot read; the stock components are kept."""


def _condition(key: str, spec: Any) -> Callable[[Any], bool]:
    if key not in _KEYS:
        raise Unsupported(key)
    if not isinstance(spec, dict):
        return lambda value: value == spec
    if set(spec) == {"IN"}:
        allowed = frozenset(spec["IN"])
        return lambda value: value in allowed
    if set(spec) == {"NOT_IN"}:
        barred = frozenset(spec["NOT_IN"])
        return lambda value: value not in barred
    if set(spec) == {"REGEX"} and key == "LOWER":
        regex = re.compile(spec["REGEX"])
        return lambda value: regex.search(value) is not None
    raise Unsupported(f"{key}: {spec}")


@dataclass(frozen=True)
class _TokenTest:
    """One token of a pattern: every condition on the token's (tag, lower, dep, space)."""

    tests: tuple[tuple[int, Callable[[Any], bool]], ...]
    words: frozenset[str] | None  # the only lower-case forms it can match, if it names them
    names: frozenset[str]  # every lower-case form its conditions name
    regex: re.Pattern[str] | None  # its regular expression on the lower-case form, if any

    @classmethod
    def build(cls, spec: dict[str, Any]) -> _TokenTest:
        if not spec or "OP" in spec:
            raise Unsupported(str(spec))
        tests = tuple((_KEYS.index(k), _condition(k, v)) for k, v in spec.items())
        lower = spec.get("LOWER")
        ops = lower if isinstance(lower, dict) else {}
        words = (frozenset([lower]) if isinstance(lower, str) else
                 frozenset(ops["IN"]) if "IN" in ops else None)
        names = (words or frozenset()) | frozenset(ops.get("NOT_IN", ()))
        regex = re.compile(ops["REGEX"]) if "REGEX" in ops else None
        return cls(tests, words, names, regex)

    def __call__(self, key: Key) -> bool:
        return all(test(key[i]) for i, test in self.tests)


@dataclass(frozen=True)
class _Rule:
    order: int
    spec: dict[str, Any]  # the first token's pattern, as the ruler holds it
    tokens: tuple[_TokenTest, ...]
    index: int  # which token of the match takes the attributes
    attrs: tuple[tuple[int, int], ...]  # (attribute id, value id), as the ruler stores them


def _rules(ruler: Any) -> list[_Rule]:
    rules = []
    for order, entry in enumerate(ruler.patterns):
        attrs = tuple(ruler.attrs[order].items())
        if any(not isinstance(k, int) for k, _ in attrs):
            raise Unsupported("extension attributes")
        for pattern in entry["patterns"]:
            if not isinstance(pattern, list):
                raise Unsupported("phrase pattern")
            tokens = tuple(_TokenTest.build(spec) for spec in pattern)
            index = entry["index"] if entry["index"] >= 0 else len(tokens) + entry["index"]
            rules.append(_Rule(order, pattern[0], tokens, index, attrs))
    return rules


class CachedAnnotator:
    """The attribute ruler and the rule lemmatiser, applied through caches (same output)."""

    def __init__(self, ruler: Any, lemmatizer: Any, *, cache_size: int = 500_000) -> None:
        self.ruler, self.lemmatizer = ruler, lemmatizer
        rules = _rules(ruler)
        single = [r for r in rules if len(r.tokens) == 1]
        # one-token rules by the tag they require (the rest are tried for every tag)
        self.general = [r for r in single if not isinstance(r.spec.get("TAG"), str)]
        self.by_tag: dict[str, list[_Rule]] = {}
        for rule in single:
            if isinstance(rule.spec.get("TAG"), str):
                self.by_tag.setdefault(rule.spec["TAG"], []).append(rule)
        self.multi: dict[str, list[tuple[_Rule, int]]] = {}
        for rule in (r for r in rules if len(r.tokens) > 1):
            anchor = next((i for i, t in enumerate(rule.tokens) if t.words), None)
            if anchor is None:
                raise Unsupported("a pattern of several tokens names no word")
            for word in rule.tokens[anchor].words or ():
                self.multi.setdefault(word, []).append((rule, anchor))
        # a word no rule names and no rule's regular expression matches is read as OTHER
        self.named = frozenset(w for r in rules for t in r.tokens for w in t.names)
        self.regexes = tuple(t.regex for r in rules for t in r.tokens if t.regex is not None)
        if any(rx.search(OTHER) for rx in self.regexes):
            raise Unsupported("a regular expression that matches any word")
        self.strings = ruler.vocab.strings
        self.cache_size = cache_size
        self._lowers: dict[int, str] = {}
        self._single: dict[Key, Hits] = {}
        self._lemmas: dict[tuple[int, int, int], int] = {}

    # -- the ruler ---------------------------------------------------------------------
    def _lower(self, lower: int) -> str:
        """The lower-case form as the one-token rules can tell it apart (else OTHER)."""
        found = self._lowers.get(lower)
        if found is None:
            text = self.strings[lower]
            found = (text if text in self.named or any(rx.search(text) for rx in self.regexes)
                     else OTHER)
            self._lowers[lower] = found
        return found

    def _single_rules(self, key: Key) -> Hits:
        found = self._single.get(key)
        if found is None:
            rules = sorted(self.by_tag.get(key[0], []) + self.general, key=lambda r: r.order)
            found = tuple((r.order, r.attrs) for r in rules if r.tokens[0](key))
            self._single[key] = found
        return found

    def _multi_rules(self, keys: list[Key],
                     i: int) -> list[tuple[int, int, tuple[Any, ...]]]:
        """(order, target token, attrs) of the several-token patterns anchored at token i."""
        out = []
        for rule, anchor in self.multi.get(keys[i][1], ()):
            start = i - anchor
            if start < 0 or start + len(rule.tokens) > len(keys):
                continue
            if all(test(keys[start + j]) for j, test in enumerate(rule.tokens)):
                out.append((rule.order, start + rule.index, rule.attrs))
        return out

    def _ruled(self, doc: Doc) -> list[list[int]]:
        """Each token's (pos, tag, morph, lemma, dep) after the ruler's patterns."""
        strings = self.strings
        cols = doc.to_array([POS, TAG, MORPH, LEMMA, DEP, LOWER, IS_SPACE]).tolist()
        if len(self._lowers) > self.cache_size:
            self._lowers.clear()
        keys = [(strings[tag] if tag else "", self._lower(lower), strings[dep] if dep else "",
                 bool(space)) for _, tag, _, _, dep, lower, space in cols]
        hits: list[list[tuple[int, tuple[Any, ...]]]] = [
            list(self._single_rules(key)) for key in keys]
        if any(key[1] in self.multi for key in keys):
            for i, key in enumerate(keys):
                if key[1] in self.multi:
                    for order, target, attrs in self._multi_rules(keys, i):
                        hits[target].append((order, attrs))
        column = {POS: 0, TAG: 1, MORPH: 2, LEMMA: 3, DEP: 4}
        out = []
        for row, found in zip(cols, hits, strict=True):
            values = row[:5]
            for _, attrs in sorted(found, key=lambda h: h[0]) if len(found) > 1 else found:
                for attr, value in attrs:
                    values[column[attr]] = value
            out.append(values)
        return out

    # -- the lemmatiser ----------------------------------------------------------------
    def _lemma(self, doc: Doc, i: int, orth: int, pos: int, morph: int) -> int:
        key = (orth, pos, morph)
        lemma = self._lemmas.get(key)
        if lemma is None:
            if len(self._lemmas) > self.cache_size:
                self._lemmas.clear()
            lemma = self.strings.add(self.lemmatizer.lemmatize(doc[i])[0])
            self._lemmas[key] = lemma
        return lemma

    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        values = self._ruled(doc)
        doc.from_array([POS, TAG, MORPH, LEMMA, DEP], _array(values))
        if self.lemmatizer is not None:
            orths = doc.to_array([ORTH]).tolist()
            lemmas = [row[3] if row[3] else self._lemma(doc, i, orth, row[0], row[2])
                      for i, (row, orth) in enumerate(zip(values, orths, strict=True))]
            doc.from_array([LEMMA], _array(lemmas))
        return doc


def _array(values: list[Any]) -> Any:
    return np.array(values, dtype=np.uint64)


@Language.factory(FACTORY)
def _make(nlp: Language, name: str) -> CachedAnnotator:
    lemmatizer = nlp.get_pipe(LEMMATIZER) if LEMMATIZER in nlp.pipe_names else None
    return CachedAnnotator(nlp.get_pipe(RULER), lemmatizer)


def install(nlp: Language) -> bool:
    """Replace the model's attribute ruler (and rule lemmatiser after it) with the cached
    annotator, in place; False (pipeline unchanged) when they are not there as expected."""
    names = nlp.pipe_names
    if RULER not in names:
        return False
    if LEMMATIZER in names and (names.index(LEMMATIZER) != names.index(RULER) + 1
                                or getattr(nlp.get_pipe(LEMMATIZER), "mode", "") != "rule"
                                or getattr(nlp.get_pipe(LEMMATIZER), "overwrite", True)):
        return False
    last = LEMMATIZER if LEMMATIZER in names else RULER
    try:
        nlp.add_pipe(FACTORY, after=last)
    except Unsupported:
        return False
    nlp.remove_pipe(RULER)
    if last == LEMMATIZER:
        nlp.remove_pipe(LEMMATIZER)
    return True


def rule_lemmatizer(nlp: Language) -> Any:
    """The pipeline's rule lemmatiser, stock or inside the cached annotator (or None)."""
    if LEMMATIZER in nlp.pipe_names:
        return nlp.get_pipe(LEMMATIZER)
    if FACTORY in nlp.pipe_names:
        return getattr(nlp.get_pipe(FACTORY), "lemmatizer", None)
    return None
