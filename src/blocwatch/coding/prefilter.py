"""Stage 1c — select: split cleaned paragraphs into sentences with the tokenizer and a
punctuation sentencizer (no statistical model), and decide, before the parse, which
sentences can hold an event.

An event needs a trigger (a word that may lemmatise to a lexicon verb or event noun) and
two actors (source and target; a capitalised word after the first may be a name the
knowledge base lacks, coded as the unknown actor), or one actor when the trigger may code
without a target or points back at an earlier event ("rejected the offer").  Actors can
only come from tokens that start a knowledge-base name or an agent term, pronouns and "the
North/South";
this pass counts such tokens generously (every start position, case ignored), so it may
keep a sentence that yields nothing but never drops one the parser would code.  Sentences
with a quotation mark are always kept: quotations carry speakers across sentences.

Sentences that are not kept still leave context for later ones (who was named, the
sentence topic); that context is read from their names alone, without a parse, whether or
not the filter is on, so the filtered and unfiltered paths code identical events.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.attrs import IDX, LENGTH, SPACY
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc, Span

from blocwatch.coding.actors import (
    KOREAS,
    LOCATIVE_PREPS,
    ActorFinder,
    Mention,
    case_ok,
)
from blocwatch.coding.casualties import CASUALTY_VERBS
from blocwatch.coding.events import (
    EVENT_NOUNS,
    PRONOUNS,
    SPEAKER_PRONOUNS,
    codes_without_agent,
)
from blocwatch.coding.learned import SentenceModel
from blocwatch.knowledge.kb import KnowledgeBase
from blocwatch.knowledge.lexicon import Lexicon
from blocwatch.records import CleanArticle
from blocwatch.text.annotate import rule_lemmatizer
from blocwatch.text.forms import form_lemmas

_NONE, _TRIGGER, _ONE_ACTOR = 0, 1, 2
_CACHE_LIMIT = 200_000  # distinct words remembered; cleared when full (flat memory)
_PREPOSITIONS = LOCATIVE_PREPS | frozenset({
    "of", "to", "with", "for", "from", "by", "on", "against", "about", "between", "among",
    "toward", "towards", "over", "under", "after", "before", "during", "than", "like"})


@dataclass(frozen=True)
class SentencePlan:
    """One sentence of an article: its paragraph, its tokens (not parsed), whether it can
    hold an event (``candidate``), is longer than max_sentence_tokens (never coded) and
    goes to the parser (candidates, and every sentence when the filter is off)."""

    paragraph: int
    span: Span
    candidate: bool
    too_long: bool
    parse: bool
    words: tuple[str, ...]
    spaces: tuple[bool, ...]

    def parse_doc(self) -> Doc:
        """A fresh one-sentence Doc over the same tokens, marked as a single sentence."""
        starts: list[bool | int | None] = [True, *[False] * (len(self.words) - 1)]
        return Doc(self.span.doc.vocab, words=list(self.words),
                   spaces=[*self.spaces[:-1], False], sent_starts=starts)


@dataclass(frozen=True)
class _Word:
    """What one word type may trigger: ``lemmas`` (every lemma the pipeline could give
    it), ``trigger`` (a class, whatever else the sentence holds), ``light`` (light-verb
    entries: (class, the nouns one of which must be in the sentence)) and ``event_noun``
    (it may name an earlier event: "rejected the offer" needs only one actor)."""

    lemmas: frozenset[str]
    trigger: int
    light: tuple[tuple[int, frozenset[str]], ...]
    event_noun: bool


class Selector:
    """Tokenizes and splits articles into sentences and marks those that can hold an
    event.  Holds the tokenizer, the knowledge-base name index and the trigger words."""

    def __init__(self, nlp, kb: KnowledgeBase, lexicon: Lexicon,  # type: ignore[no-untyped-def]
                 finder: ActorFinder, *, enabled: bool = True, max_tokens: int = 150,
                 base_forms: frozenset[str] = frozenset(),
                 model: SentenceModel | None = None) -> None:
        self.tokenizer = nlp.tokenizer
        self.enabled = enabled
        self.max_tokens = max_tokens
        self._vocab = nlp.vocab
        self._enders = frozenset(Sentencizer.default_punct_chars)
        self._kb = kb
        self._finder = finder
        self._lexicon = lexicon
        self._base_forms = base_forms  # the base layer's verb forms, lower case
        # the last word of two-word event nouns ("air strike"): the coder reads the pair
        self._noun_heads = frozenset(n.split()[-1] for n in lexicon.by_noun if " " in n)
        self._model = model
        self._rules, self._exceptions = _lemma_tables(nlp)
        self._forms = form_lemmas(lexicon.by_verb)
        self._cache: dict[str, _Word] = {}
        lengths: dict[str, set[int]] = {}
        for key in kb.names:
            lengths.setdefault(key[0], set()).add(len(key))
        self._name_lengths = {w: tuple(sorted(ns, reverse=True)) for w, ns in lengths.items()}

    def plan(self, art: CleanArticle, *, every_sentence: bool = False) -> list[SentencePlan]:
        """Sentences of the article in order (headline first), each marked."""
        parse_all = every_sentence or not self.enabled
        seen = _Seen()
        out = []
        for para in art.paragraphs:
            doc = self.tokenizer(para.text)
            texts, spaces = _token_texts(doc, para.text)
            lowers = [x.lower() for x in texts]
            for a, b in self._sentences(texts):
                too_long = b - a > self.max_tokens
                candidate = not too_long and self._can_hold_event(texts[a:b], lowers[a:b],
                                                                  seen)
                out.append(SentencePlan(para.index, doc[a:b], candidate, too_long,
                                        candidate or (parse_all and not too_long),
                                        tuple(texts[a:b]), tuple(spaces[a:b])))
        return out

    def can_hold_event(self, sentence: str) -> bool:
        """Whether a sentence read alone (first in its article) can hold an event."""
        texts = [t.text for t in self.tokenizer(sentence)]
        return self._can_hold_event(texts, [x.lower() for x in texts], _Seen())

    def _sentences(self, texts: list[str]) -> Iterator[tuple[int, int]]:
        """Token ranges of the sentences (spaCy's punctuation sentencizer rule: a sentence
        ends after ". ! ?" and the punctuation that follows them); blank ones skipped."""
        start, seen_end = 0, False
        for i, text in enumerate(texts):
            ends = text in self._enders
            if seen_end and not ends and not self._is_punct(text):
                if any(x.strip() for x in texts[start:i]):
                    yield start, i
                start, seen_end = i, False
            elif ends:
                seen_end = True
        if any(x.strip() for x in texts[start:]):
            yield start, len(texts)

    def _is_punct(self, text: str) -> bool:
        return bool(self._vocab[text].is_punct)

    def context_mentions(self, sent: Span, date: str | None) -> list[Mention]:
        """Names of an unparsed sentence, for the context of later sentences.  A name after
        a locative preposition ("in Syria") is locative; the first other name with no
        preposition before it is taken as the subject ("North Korea issued a statement")."""
        doc, out, subject_seen = sent.doc, [], False
        for m in self._finder.names(sent, date):
            locative = m.start > sent.start and doc[m.start - 1].lower_ in LOCATIVE_PREPS
            subject = not (locative or subject_seen) and not any(
                t.lower_ in _PREPOSITIONS for t in doc[sent.start:m.start])
            subject_seen |= subject
            out.append(Mention(m.start, m.end, m.country, m.sector, m.org, m.igo_code,
                               m.kind, locative=locative, is_subject=subject))
        return out

    # -- internals -----------------------------------------------------------------
    def _can_hold_event(self, texts: list[str], lowers: list[str], seen: _Seen) -> bool:
        """Bounds the number of actor mentions the sentence can have (and notes what the
        article has named so far, which pronouns and bare agents need), then checks its
        triggers."""
        quotes = sum(x.count('"') for x in texts)
        actors = self._max_actors(texts, lowers, quotes > 0, seen)
        if quotes % 2 == 1:
            return True  # a quotation running on: its speaker carries to the next sentence
        if actors == 0:
            return False
        trigger = self._trigger(lowers)
        if trigger != _NONE and (actors >= 2 or trigger == _ONE_ACTOR):
            return True
        if trigger == _TRIGGER and any(t[:1].isupper() for t in texts[1:]):
            return True  # a name the knowledge base lacks may be the target ("investigate Yale")
        return self._model is not None and self._model.predict(texts).label not in (
            "none", "0")  # the model's fallback needs one actor and an event class

    def _max_actors(self, texts: list[str], lowers: list[str], quoted: bool,
                    seen: _Seen) -> int:
        """At most how many actors the sentence's mentions and pronouns can yield.

        Names and agent terms count one each (an agent with no country of its own takes
        one from the context, the article or ``---``).  A pronoun counts when an actor
        came before it, "the North/South" always; "we"/"us" only with a quotation (its
        speaker)."""
        kb = self._kb
        count = 0
        for i, word in enumerate(lowers):
            if word in self._name_lengths and self._name_at(texts, lowers, i):
                count += 1
                seen.name = seen.actor = True
            elif word in kb.agent_starts and \
                    self._span_in(lowers, i, kb.agent_starts, kb.agents) is not None:
                count += 1
                seen.actor = True
            elif (word in KOREAS and i > 0 and lowers[i - 1] == "the") or (
                    word in PRONOUNS and seen.actor) or (quoted and word in SPEAKER_PRONOUNS):
                count += 1
        return count

    def _name_at(self, texts: list[str], lowers: list[str], i: int) -> bool:
        kb = self._kb
        for n in self._name_lengths.get(lowers[i], ()):
            if i + n > len(lowers):
                continue
            entries = kb.names.get(tuple(lowers[i:i + n]))
            if entries and any(case_ok(e, texts[i:i + n]) for e in entries):
                return True
        return False

    def _trigger(self, lowers: list[str]) -> int:
        words = [self._word(w) for w in lowers]
        lemmas = frozenset().union(*(w.lemmas for w in words))
        trigger = max((w.trigger for w in words), default=_NONE)
        for w in words:
            for cls, nouns in w.light:
                if cls > trigger and not nouns.isdisjoint(lemmas):
                    trigger = cls
        if trigger != _NONE and any(w.event_noun for w in words):
            trigger = _ONE_ACTOR
        return trigger

    @staticmethod
    def _span_in(lowers: list[str], i: int, starts: dict[str, int], table: dict):  # type: ignore[no-untyped-def,type-arg]
        for n in range(min(starts.get(lowers[i], 0), len(lowers) - i), 0, -1):
            found = table.get(tuple(lowers[i:i + n]))
            if found:
                return found
        return None

    def _word(self, word: str) -> _Word:
        found = self._cache.get(word)
        if found is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            found = self._cache[word] = self._classify(word)
        return found

    def _classify(self, word: str) -> _Word:
        lemmas = self._lemmas(word)
        trigger, light = _NONE, []
        for lemma in lemmas:
            for entry in self._lexicon.by_noun.get(lemma, ()):
                # "the arrest of X": coded with the unknown source, one actor suffices
                one = entry.no_target or codes_without_agent(entry.code, nominal=True)
                trigger = max(trigger, _ONE_ACTOR if one else _TRIGGER)
            if lemma in self._noun_heads:
                trigger = max(trigger, _TRIGGER)
            if lemma in CASUALTY_VERBS:  # "a bombing killed 28 soldiers": victims suffice
                trigger = max(trigger, _ONE_ACTOR)
            for entry in self._lexicon.by_verb.get(lemma, ()):
                # "three journalists were arrested": likewise
                one = entry.no_target or codes_without_agent(entry.code, nominal=False)
                cls = _ONE_ACTOR if one else _TRIGGER
                if entry.nouns:
                    light.append((cls, frozenset(n.split()[-1] for n in entry.nouns)))
                else:
                    trigger = max(trigger, cls)
            if lemma in self._base_forms:
                trigger = max(trigger, _TRIGGER)
        return _Word(frozenset(lemmas), trigger, tuple(light),
                     not lemmas.isdisjoint(EVENT_NOUNS))

    def _lemmas(self, word: str) -> set[str]:
        """Every lemma the rule lemmatiser could give the word, whatever its part of
        speech (its exceptions and every suffix rule that applies), and its own form."""
        lemmas = {word, *self._exceptions.get(word, ())}
        if word in self._forms:
            lemmas.add(self._forms[word])
        for old, new in self._rules:
            if word.endswith(old) and len(word) > len(old):
                lemmas.add(word[:len(word) - len(old)] + new)
        return lemmas


def _token_texts(doc: Doc, text: str) -> tuple[list[str], list[bool]]:
    """Token texts and trailing-space flags, read from the Doc's arrays (no Token
    objects: this pass runs over every word of the corpus)."""
    if not len(doc):
        return [], []
    rows = doc.to_array([IDX, LENGTH, SPACY]).tolist()
    return [text[i:i + n] for i, n, _ in rows], [bool(sp) for _, _, sp in rows]


@dataclass
class _Seen:
    """What an article has named so far (local to one planning pass)."""

    name: bool = False
    actor: bool = False


def _lemma_tables(nlp) -> tuple[tuple[tuple[str, str], ...], dict[str, set[str]]]:  # type: ignore[no-untyped-def]
    """The rule lemmatiser's suffix rules and exceptions, over every part of speech."""
    lemmatizer = rule_lemmatizer(nlp)
    if lemmatizer is None:
        return (), {}
    lookups = lemmatizer.lookups
    rules: set[tuple[str, str]] = set()
    exceptions: dict[str, set[str]] = {}
    if lookups.has_table("lemma_rules"):
        for pairs in lookups.get_table("lemma_rules").values():
            rules.update((old, new) for old, new in pairs)
    if lookups.has_table("lemma_exc"):
        for table in lookups.get_table("lemma_exc").values():
            for form, lemmas in table.items():
                exceptions.setdefault(form, set()).update(x.lower() for x in lemmas)
    return tuple(sorted(rules)), exceptions


def parse_docs(plans: Iterable[SentencePlan]) -> Iterable[Doc]:
    """The Docs to parse, in order."""
    return (p.parse_doc() for p in plans if p.parse)
