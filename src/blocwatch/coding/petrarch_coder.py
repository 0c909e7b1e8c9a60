"""Code text with PETRARCH/TABARI dictionaries (read by
:mod:`blocwatch.petrarch.dictionaries`) on our
own spaCy parse, with the same output contract as :class:`blocwatch.coding.coder.Coder`.

    >>> from blocwatch.petrarch.dictionaries import load_dictionaries
    >>> coder = PetrarchCoder(load_dictionaries(Path("dicts")), nlp)
    >>> coder.code_text("Israel attacked Hamas in Gaza.", date="2014-07-20")

How a sentence is coded:

1. Discards: a story-discard phrase anywhere in the article drops the article; a
   sentence-discard phrase drops the sentence (whole words, any case).  spaCy sentences
   cut where no sentence punctuation is ("an anti- | Gondor parade") are re-joined, and
   TABARI's ``_``-joined names in text ("Dol_Amroth") are read as words.
2. Actors: the longest actor phrase at each token (case-insensitive; at least one
   capital letter in the matched text), resolved with the article's date; then the
   longest agent phrase at each remaining token.  Where the dictionary has a space (not
   ``_``) up to three modifier words of the same noun phrase may come between ("ITHILEN
   TELEVISION" ~ "Ithilen state-run television").  Dictionary words with punctuation
   ("U.S.", "N'T", "BARAD-DUR") are split by the text's own spaCy tokenizer.
3. Actor groups: a noun phrase's code is its leftmost actor (with the actors coordinated
   with it inside the phrase: "Eriadori and Calenardhon leaders"), else the actors of
   an ``of``/``from`` phrase, or of an ``in`` phrase when the noun is an agent
   ("activists in Arnor"), plus its agents: ``NGO~`` agents before, ``~GOV`` agents
   after, without repeating a 3-letter part already there ("White House officials" =
   USAGOV); "former" makes the agents ``ELI``.  Conjuncts (and appositions that continue
   a list) are separate actors; an agent-only conjunct takes its siblings' actor
   ("Danish media and government"); conjuncts share an of/in/from phrase after them.
   An agent with no actor is ``---`` + its code (``---EDU``) when ``bare_agents`` is on.
4. Verbs: a verb token whose text, else lemma (when the text is a real inflection of
   it), is a dictionary verb form, multi-word forms ("broken down", "wire tapped")
   first; not a to-infinitive modifying a noun ("efforts to stop").  The block's
   patterns are tried longest first (file order among equals): ``upper`` elements
   before the verb (anywhere earlier in the sentence), ``lower`` elements after it,
   inside the verb's dependency subtree.  A space in a pattern lets words come between,
   ``_`` does not; words compare exactly with the token text (no stemming; synset
   members get regular plurals); ``$``/``+``/``%`` bind the source/target/compound actor
   found there, ``^`` skips a noun phrase.  No pattern: the verb's own code.
5. Source: the ``$`` actor, else the verb's subject (inherited through infinitives,
   conjuncts and raising: "Arnor is about to restore", "Gollum was seen to break"; a
   pronoun takes the nearest earlier subject; a subject without an actor takes one
   through of/between phrases).  A passive's source is its ``by`` (else ``from``)
   phrase and its subject the target, as in PETRARCH-2.  Target: the ``+`` actor, else
   the first actor group after the verb in its subtree (bare agents only when no actor
   follows).  When ``+`` binds the verb's own subject, the source is the subject of a
   verb above ("X noted that + regretted").  ``%`` before the verb with no ``+`` codes
   the compound's members with each other ("Gondor and Osgiliath delayed").  Codes
   ``A:B`` give source->target A and target->source B.  Events need both ends
   (PETRARCH's ``require_dyad``); a null code (``---``) codes nothing; patterns coded
   ``+++`` are not used.  Modality and attribution come from :mod:`blocwatch.coding.modality`.

The ``rule`` of an event is ``petrarch:BLOCK:- upper * lower`` for a pattern, or
``petrarch:BLOCK:VERB`` for the verb's own code.  Codes outside the CAMEO table (the
validation dictionaries use WEIS-like codes) take the values of their longest CAMEO
prefix, else quad class 0 and Goldstein 0.0.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from spacy.tokens import Span

from blocwatch.coding.modality import modality, speech_governor
from blocwatch.errors import InputError
from blocwatch.knowledge.lexicon import Code, load_codes
from blocwatch.petrarch.dictionaries import (
    PetrarchDictionaries,
)
from blocwatch.petrarch.match import (
    ActorGroups,
    SentenceContext,
    Unit,
    compile_index,
    find_mentions,
)
from blocwatch.petrarch.verbs import VerbCoder, VerbHit
from blocwatch.records import (
    ActorRef,
    Article,
    CleanArticle,
    CodedArticle,
    Event,
    Paragraph,
    Plover,
    VerbRef,
)
from blocwatch.settings import Settings
from blocwatch.text import frames
from blocwatch.text.clean import clean
from blocwatch.text.parse import load_model, parse

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

_NON_STATE = frozenset({"IGO", "NGO", "NGM", "IMG", "MNC", "---"})


@dataclass(frozen=True)
class PetrarchOptions:
    """``bare_agents``: code an agent with no actor as ``---`` + agent ("students" =
    ``---EDU``), as PETRARCH does; off drops such actors."""

    bare_agents: bool = True


# --------------------------------------------------------------------------- the coder

class PetrarchCoder:
    """Codes articles with PETRARCH dictionaries; same API and output as ``Coder``."""

    def __init__(self, dictionaries: PetrarchDictionaries, nlp=None,  # type: ignore[no-untyped-def]
                 settings: Settings | None = None, *,
                 options: PetrarchOptions | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.nlp = nlp if nlp is not None else load_model(self.settings.model)
        self.options = options or PetrarchOptions()
        self.dictionaries = dictionaries
        tokenizer = self.nlp.tokenizer
        self.index = compile_index(dictionaries, lambda s: [t.text for t in tokenizer(s)])
        self.verbs = VerbCoder(self.index)
        self.codes: dict[str, Code] = load_codes()

    # -- public API ----------------------------------------------------------------
    def code_text(self, text: str, *, doc_id: str = "text", date: str | None = None,
                  title: str | None = None) -> list[Event]:
        return list(self.code_article(Article(id=doc_id, text=text, title=title,
                                              date=date)).events)

    def code_article(self, article: Article, *, every_sentence: bool = True) -> CodedArticle:
        return next(iter(self.code_articles([article])))

    def code_articles(self, articles: Iterable[Article], *,
                      every_sentence: bool = True) -> Iterator[CodedArticle]:
        """Code articles in order, parsing their paragraphs in batches (every sentence
        is parsed in this mode, whatever ``every_sentence`` says)."""
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= max(1, self.settings.batch_size):
                yield from self._code_batch(batch)
                batch = []
        if batch:
            yield from self._code_batch(batch)

    # -- internals -----------------------------------------------------------------
    def _code_batch(self, batch: list[Article]) -> Iterator[CodedArticle]:
        cleaned = [_join_words(self._clean(a)) for a in batch]
        keep = [c for c in cleaned if not self._story_discarded(c)]
        texts = [p.text for c in keep for p in c.paragraphs]
        docs = iter(parse(self.nlp, texts, self.settings.batch_size))
        for art in cleaned:
            if art not in keep:
                log.info("%s: story discarded by the discard list", art.id)
                yield CodedArticle(art, ())
                continue
            paragraph_docs = [(p.index, next(docs)) for p in art.paragraphs]
            yield CodedArticle(art, tuple(self._code_parsed(art, paragraph_docs)))

    def _clean(self, article: Article) -> CleanArticle:
        if len(article.text) > self.settings.max_document_chars:
            raise InputError(article.origin or article.id,
                             f"article has {len(article.text):,} characters, more than "
                             f"max_document_chars={self.settings.max_document_chars:,}: "
                             "split it or raise BLOCWATCH_MAX_DOCUMENT_CHARS")
        return clean(article)

    def _story_discarded(self, art: CleanArticle) -> bool:
        regex = self.index.story_discard
        return regex is not None and any(regex.search(p.text) for p in art.paragraphs)

    def _code_parsed(self, art: CleanArticle, paragraph_docs: list) -> list[Event]:  # type: ignore[type-arg]
        events: list[Event] = []
        index = 0
        date = _date_number(art.date)
        for para_index, doc in paragraph_docs:
            for sent, fragments in _sentences(doc):
                if not sent.text.strip():
                    continue
                s_index = -1 if para_index == -1 else index
                if para_index != -1:
                    index += 1
                if len(sent) > self.settings.max_sentence_tokens:
                    continue
                regex = self.index.sentence_discard
                if regex is not None and regex.search(sent.text):
                    continue
                events += self._code_sentence(art, s_index, sent, date, fragments)
        return events

    def _code_sentence(self, art: CleanArticle, s_index: int, sent: Span,
                       date: int | None, fragments: tuple[int, ...] = ()) -> list[Event]:
        ctx = SentenceContext(sent, [t.text.upper() for t in sent], fragments=fragments)
        find_mentions(ctx, self.index, date)
        groups = ActorGroups(ctx, self.options.bare_agents)
        out: list[Event] = []
        for found in self.verbs.code_sentence(ctx, groups):
            assert found.target is not None  # PETRARCH codes dyads only
            out.append(self._event(art, s_index, ctx, found.hit, found.source,
                                   found.target, found.code, f"petrarch:{found.rule}"))
        return out

    def _event(self, art: CleanArticle, s_index: int, ctx: SentenceContext, hit: VerbHit,
               src: Unit, tgt: Unit, code: str, rule: str) -> Event:
        info = _code_info(self.codes, code)
        sent = ctx.sent
        verb = sent.doc[hit.start:hit.end]
        start = verb.start_char - sent.start_char
        mood, _ = modality(hit.token, None)
        return Event(
            doc_id=art.id, sentence_index=s_index, sentence=sent.text, date=art.date,
            source=_ref(src, sent), target=_ref(tgt, sent), cameo=code, root=info.root,
            quad_class=info.quad, goldstein=info.goldstein,
            plover=Plover(info.plover_event, info.plover_mode), modality=mood,
            attribution=self._attribution(ctx, hit, src),
            verb=VerbRef(verb.text, hit.token.lemma_.lower(), start, start + len(verb.text)),
            rule=rule)

    def _attribution(self, ctx: SentenceContext, hit: VerbHit, src: Unit) -> str | None:
        gov = speech_governor(hit.token)
        if gov is None:
            return None
        subj, _ = frames.subject(gov)
        if subj is None:
            return None
        units = ActorGroups(ctx, self.options.bare_agents).group(subj)
        code = units[0].code if units else None
        return code if code != src.code else None


_TERMINAL = frozenset({".", "!", "?", ";", '"', "'", "...", ")"})
_JOINED_WORDS = re.compile(r"(?<=[A-Za-z])_(?=[A-Za-z])")


def _sentences(doc) -> Iterator[tuple[Span, tuple[int, ...]]]:  # type: ignore[no-untyped-def]
    """spaCy's sentences, with pieces re-joined where the parser cut a sentence that
    does not end in sentence punctuation ("... into an anti- | Gondor parade.")."""
    pieces = [s for s in doc.sents if s.text.strip()]
    group: list[Span] = []
    for piece in pieces:
        group.append(piece)
        if piece[-1].text in _TERMINAL or piece is pieces[-1]:
            yield doc[group[0].start:group[-1].end], tuple(p.end for p in group)
            group = []


def _join_words(art: CleanArticle) -> CleanArticle:
    """TABARI-style texts join name words with '_' ("Dol_Amroth"): read them as words."""
    if not any("_" in p.text for p in art.paragraphs):
        return art
    return replace(art, paragraphs=tuple(Paragraph(p.index, _JOINED_WORDS.sub(" ", p.text))
                                         for p in art.paragraphs))


def _date_number(date: str | None) -> int | None:
    digits = re.sub(r"\D", "", date or "")
    return int(digits[:8]) if len(digits) >= 8 else None


def _code_info(codes: dict[str, Code], code: str) -> Code:
    for n in range(len(code), 1, -1):
        if code[:n] in codes:
            return codes[code[:n]]
    root = code[:2] if code[:2].isdigit() else code
    return Code(code, root, 0, 0.0, None, None, "not a CAMEO code")


def _ref(unit: Unit, sent: Span) -> ActorRef:
    span = sent.doc[unit.start:unit.end]
    start = span.start_char - sent.start_char
    code = unit.code
    country = code[:3] if len(code) >= 3 and code[:3].isalpha() and \
        code[:3] not in _NON_STATE else None
    sector = code[3:] or None if country else None
    return ActorRef(code=code, country=country, sector=sector, org=None, text=span.text,
                    start=start, end=start + len(span.text))
