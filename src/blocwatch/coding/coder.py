"""The coder: article in, events and quotes out.  It holds the parsed knowledge base,
the lexicon and the spaCy pipeline, all loaded once; it keeps no state between articles.

    >>> from blocwatch import Coder
    >>> coder = Coder()
    >>> events = coder.code_text("North Korea accused the United States.", date="2022-06-27")
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from blocwatch.coding.actors import ActorFinder, Mention
from blocwatch.coding.casualties import CasualtyCoder
from blocwatch.coding.events import (
    ArticleContext,
    EventCoder,
    SentenceInput,
    not_coded,
    with_place_targets,
    without_own_forces,
)
from blocwatch.coding.fallback import LearnedEvents
from blocwatch.coding.learned import SentenceModel, load_sentence_model
from blocwatch.coding.locate import Locator, load_gazetteer
from blocwatch.coding.locate import key as place_key
from blocwatch.coding.modality import open_quote, quote_spans, quote_speech_verb
from blocwatch.coding.patterns import PatternCoder
from blocwatch.coding.prefilter import Selector, SentencePlan, parse_docs
from blocwatch.coding.quotes import QuoteSentence, article_quotes, with_quote_sentences
from blocwatch.coding.screens import screen
from blocwatch.knowledge import kb as kb_module
from blocwatch.knowledge.baselayer import load_base_layer
from blocwatch.knowledge.lexicon import Lexicon, load_lexicon
from blocwatch.knowledge.userkb import UserKnowledge, load_user_knowledge
from blocwatch.records import Article, CleanArticle, CodedArticle, Event, Paragraph, chunks
from blocwatch.settings import Settings
from blocwatch.text.clean import bare_dateline, prepare
from blocwatch.text.parse import load_model, parse

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())
_DATELINE_CITY = 100_000  # people in a gazetteer city a dash-less dateline may name


class Coder:
    """Turns articles into coded events.  Build it once; call it for every article."""

    def __init__(self, settings: Settings | None = None, *, nlp=None,  # type: ignore[no-untyped-def]
                 lexicon: Lexicon | None = None,
                 knowledge: kb_module.KnowledgeBase | None = None,
                 sentence_model: SentenceModel | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.nlp = nlp if nlp is not None else load_model(self.settings.model)
        tokenizer = self.nlp.tokenizer
        user = _user_knowledge(self.settings.knowledge_files)
        self.base = load_base_layer() if self.settings.base_layer else None
        self.kb = knowledge or kb_module.build(
            lambda s: [t.text for t in tokenizer(s)],
            entries=[*user.actors, *kb_module.load_entries()] if user else None,
            base=(self.base.actors, self.base.agents) if self.base else None)
        self.lexicon = lexicon or load_lexicon(extra=user.verbs if user else ())
        self.actors = ActorFinder(self.kb)
        self.events = EventCoder(self.lexicon)
        self.casualties = CasualtyCoder(self.events)
        self.patterns = PatternCoder(self.base, self.lexicon,
                                     lambda s: [t.text for t in tokenizer(s)]
                                     ) if self.base else None
        if sentence_model is None and self.settings.learned:
            sentence_model = load_sentence_model()
        self.learned = LearnedEvents(
            sentence_model, self.events, *((self.patterns.verb_code, self.patterns.knows)
                                           if self.patterns else ())) if sentence_model else None
        self.selector = Selector(self.nlp, self.kb, self.lexicon, self.actors,
                                 enabled=self.settings.prefilter,
                                 max_tokens=self.settings.max_sentence_tokens,
                                 base_forms=self.patterns.forms if self.patterns else frozenset(),
                                 model=sentence_model)
        self.locator: Locator | None = None
        if self.settings.locations:
            self.locator = Locator(load_gazetteer())

    # -- public API ----------------------------------------------------------------
    def code_text(self, text: str, *, doc_id: str = "text", date: str | None = None,
                  title: str | None = None) -> list[Event]:
        """Events of one text."""
        coded = self.code_article(Article(id=doc_id, text=text, title=title, date=date))
        return list(coded.events)

    def code_article(self, article: Article, *, every_sentence: bool = False) -> CodedArticle:
        return next(iter(self.code_articles([article], every_sentence=every_sentence)))

    def code_articles(self, articles: Iterable[Article], *,
                      every_sentence: bool = False) -> Iterator[CodedArticle]:
        """Code articles in order: split them into sentences, parse (in batches) the
        sentences that can hold an event or a quotation (quotation marks, speech verbs),
        code them with the context of the others.  ``every_sentence`` parses them all
        (same events and quotes), as does the setting ``prefilter=False``."""
        for batch in chunks(articles, max(1, self.settings.batch_size)):
            planned = [(raw.text, art, with_quote_sentences(
                self.selector.plan(art, every_sentence=every_sentence)))
                for raw, art in zip(batch, map(self._clean, batch), strict=True)]
            docs = iter(parse(self.nlp,
                              (d for _, _, plans in planned for d in parse_docs(plans)),
                              self.settings.parse_batch_size))
            for text, art, plans in planned:
                yield self._code_planned(art, plans, docs, text)

    # -- internals -----------------------------------------------------------------
    def _clean(self, article: Article) -> CleanArticle:
        """Cleaned, or InputError: too long, too many sentences, not English."""
        art = prepare(article, self.settings)
        return art if art.dateline is not None else self._bare_dateline(art)

    def _bare_dateline(self, art: CleanArticle) -> CleanArticle:
        """A dateline that lost its dash ("MIAMI A federal jury ...") is split off when its
        name is a city's and nothing else's: a capital of the knowledge base or a
        gazetteer city of 100,000 people, never a country, organisation or acronym."""
        first = next((i for i, p in enumerate(art.paragraphs) if p.index == 0), None)
        found = bare_dateline(art.paragraphs[first].text) if first is not None else None
        if found is None or first is None or not self._city(found[1]):
            return art
        paragraphs = list(art.paragraphs)
        paragraphs[first] = Paragraph(0, found[2])
        return replace(art, paragraphs=tuple(paragraphs), dateline=found[0])

    def _city(self, name: str) -> bool:
        entries = self.kb.lookup([t.text for t in self.nlp.tokenizer(name)])
        if any(e.kind not in ("capital", "country") for e in entries):
            return False  # an organisation or a group ("NATO", "FBI", "HAMAS")
        places = [p for p in (self.locator.gazetteer.lookup(name) if self.locator else ())
                  if place_key(p.name) == place_key(name)]
        if any(p.feature not in ("city", "capital") for p in places):
            return False  # a country ("IRAN Rejects ...") or a region
        return any(e.kind == "capital" for e in entries) or any(
            p.population >= _DATELINE_CITY for p in places)

    def _code_planned(self, art: CleanArticle, plans: list[SentencePlan],
                      docs: Iterator[Doc], text: str) -> CodedArticle:
        ctx = ArticleContext()
        home = self._home(art.dateline)
        events: list[Event] = []
        sentences: list[QuoteSentence] = []
        index = 0
        carry: tuple[Mention | None, str] | None = None
        for plan in plans:
            s_index = -1 if plan.paragraph == -1 else index
            if plan.paragraph != -1:
                index += 1
            sent = next(docs)[:] if plan.parse else None
            if sent is not None:
                window = ctx.sentence_mentions[-self.settings.coref_window:]
                mentions = self.actors.find(sent, art.date, [m for s in window for m in s],
                                            home or _main_country(ctx))
                if plan.candidate:
                    ctx.sentence_mentions.append([m for m in mentions if not m.locative])
                speaker, ranges, spk_text = self._quotes(sent, mentions, ctx, carry)
                item = SentenceInput(art.id, s_index, sent, art.date, tuple(mentions),
                                     speaker, ranges)
                coded = self._locate(sent, self._code_sentence(item, ctx), ctx,
                                     art.dateline)
                events += coded
                ctx.events += coded
                carry = (speaker, spk_text) if open_quote(sent) else None
            else:
                carry = None  # a sentence left out has no quotation mark
            names: list[Mention] = []
            if plan.candidate:
                topic = _topic(sent, mentions)  # type: ignore[arg-type]
                if topic is not None:
                    ctx.topics.append(topic)
            elif not plan.too_long:
                # context from names alone, the same whether or not it was parsed
                names = [m for m in self.selector.context_mentions(plan.span, art.date)
                         if not m.locative]
                ctx.sentence_mentions.append(names)
                ctx.topics += sorted(names, key=lambda m: not m.is_subject)[:1]
            sentences.append(QuoteSentence(s_index, plan.paragraph, plan.span.start_char,
                                           plan.span.end_char, sent, tuple(
                                               mentions if sent is not None else names),
                                           plan.span))
        quotes = article_quotes(art.id, text, art.paragraphs, sentences)
        return CodedArticle(art, tuple(events), tuple(quotes))

    def _home(self, dateline: str | None) -> str | None:
        """The country of the article's dateline ("MINGORA, Pakistan", "ABUJA"): its last
        part that names a country or a place of one (knowledge base, then gazetteer)."""
        for part in reversed([p.strip() for p in (dateline or "").split(",") if p.strip()]):
            entries = self.kb.lookup([t.text for t in self.nlp.tokenizer(part)])
            countries = {e.country for e in entries if e.country and e.kind in (
                "country", "capital", "demonym")}
            if len(countries) == 1:
                return countries.pop()
            if self.locator is not None:
                places = self.locator.gazetteer.lookup(part)
                if places and places[0].country:
                    return places[0].country
        return None

    def _code_sentence(self, item: SentenceInput, ctx: ArticleContext) -> list[Event]:
        """The lexicon's events, then the base layer's on the verbs it left alone, killings
        by attacks, the learned model's say, and the screens of the sentence's context."""
        coded = self.events.code_sentence(item, ctx)
        # killings by attacks before the base layer's patterns, which read "lost their
        # lives in a rocket attack" as LOSE &WEAPON (demobilise)
        coded += self.casualties.code_sentence(item, ctx, coded)
        if self.patterns is not None:
            coded += self.patterns.code_sentence(item, ctx, coded, self.events.attribution,
                                                 not_coded)
        if self.learned is not None:
            coded = self.learned.apply(item, ctx, coded)
        return screen(with_place_targets(item, without_own_forces(coded)))

    def _locate(self, sent: Span, events: list[Event], ctx: ArticleContext,
                dateline: str | None) -> list[Event]:
        if self.locator is None or not events:
            return events
        places = self.locator.mentions(sent)
        if not places:
            return events
        countries = {m.country for ms in ctx.sentence_mentions for m in ms if m.country}
        for part in (dateline or "").split(","):
            countries |= {p.country for p in self.locator.gazetteer.lookup(part.strip())
                          if p.country}
        out = []
        for ev in events:
            verb = sent.char_span(ev.verb.start, ev.verb.end, alignment_mode="expand")
            where = self.locator.locate(verb[0], places, countries) if verb else None
            out.append(replace(ev, location=where) if where else ev)
        return out

    def _quotes(self, sent: Span, mentions: list[Mention], ctx: ArticleContext,
                carried: tuple[Mention | None, str] | None
                ) -> tuple[Mention | None, tuple[tuple[int, int], ...], str]:
        """For the event coder: the speaker of the sentence's quotations (the speech verb
        outside them, or carried over from an earlier sentence of a running quotation) and
        their character ranges.  The article's quote records come from
        :func:`blocwatch.coding.quotes.article_quotes`."""
        index = {i: m for m in mentions for i in range(m.start, m.end)}
        spans = quote_spans(sent)
        running = open_quote(sent)
        if running is not None:
            spans.append(running)
        speaker: Mention | None = None
        speaker_text = ""
        if spans:
            verb = quote_speech_verb(sent, spans[0])
            if verb is not None:
                speaker, speaker_text = self._speaker(sent, mentions, ctx, index, verb)
            if speaker is None and not speaker_text and carried is not None:
                speaker, speaker_text = carried
        ranges = tuple((q.start, q.end) for q in spans)
        return speaker, ranges, speaker_text

    def _speaker(self, sent: Span, mentions: list[Mention], ctx: ArticleContext,
                 index: dict[int, Mention], verb: Token) -> tuple[Mention | None, str]:
        from blocwatch.text.frames import subject

        subj, _ = subject(verb)
        if subj is None:
            return None, ""
        actors = self.events.actors_of(subj, _probe(sent, mentions), ctx, index, None)
        left = subj.left_edge.idx - sent.start_char
        right = subj.idx + len(subj.text) - sent.start_char
        return (actors[0] if actors else None), sent.text[left:right]


def _main_country(ctx: ArticleContext) -> str | None:
    """The country the article has named most often so far (not as a place)."""
    counts: dict[str, int] = {}
    for mentions in ctx.sentence_mentions:
        for m in mentions:
            if m.country and m.kind in ("country", "capital", "demonym"):
                counts[m.country] = counts.get(m.country, 0) + 1
    return max(counts, key=lambda c: counts[c]) if counts else None


def _user_knowledge(files: str) -> UserKnowledge | None:
    paths = [Path(p.strip()) for p in files.split(",") if p.strip()]
    return load_user_knowledge(paths) if paths else None


def _probe(sent: Span, mentions: list[Mention]) -> SentenceInput:
    return SentenceInput("", 0, sent, None, tuple(mentions))


def _topic(sent: Span, mentions: list[Mention]) -> Mention | None:
    """The actor the sentence is about: the subject of its main verb, else its first."""
    index = {i: m for m in mentions for i in range(m.start, m.end) if not m.locative}
    root = sent.root
    for tok in [root, *[c for c in root.children if c.dep_ in ("ccomp", "conj")]]:
        for child in tok.children:
            if child.dep_ in ("nsubj", "nsubjpass") and child.i in index:
                return index[child.i]
    usable = [m for m in mentions if not m.locative]
    return usable[0] if usable else None
