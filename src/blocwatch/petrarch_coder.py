"""Code text with PETRARCH/TABARI dictionaries (read by :mod:`blocwatch.petrarch`) on our
own spaCy parse, with the same output contract as :class:`blocwatch.coder.Coder`.

    >>> from blocwatch.petrarch import load_dictionaries
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
   ``+++`` are not used.  Modality and attribution come from :mod:`blocwatch.modality`.

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

from spacy.tokens import Span, Token

from . import frames
from .clean import clean
from .errors import InputError
from .lexicon import Code, load_codes
from .modality import modality, speech_governor
from .parse import load_model, parse
from .petrarch import (
    PetrarchDictionaries,
    is_null,
    regular_forms,
)
from .petrarch_match import (
    NO_MENTION,
    ActorGroups,
    Match,
    PatternMatcher,
    SentenceContext,
    Unit,
    VerbFormIndex,
    compile_index,
    find_mentions,
    np_head,
)
from .records import (
    ActorRef,
    Article,
    CleanArticle,
    CodedArticle,
    Event,
    Paragraph,
    Plover,
    VerbRef,
)
from .settings import Settings

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

PRONOUNS = frozenset({"it", "he", "she", "they", "we", "i"})
_NON_STATE = frozenset({"IGO", "NGO", "NGM", "IMG", "MNC", "---"})


@dataclass(frozen=True)
class PetrarchOptions:
    """``bare_agents``: code an agent with no actor as ``---`` + agent ("students" =
    ``---EDU``), as PETRARCH does; off drops such actors."""

    bare_agents: bool = True


# --------------------------------------------------------------------------- the coder
@dataclass(frozen=True)
class _Hit:
    """A dictionary verb found in a sentence."""

    token: Token
    start: int
    end: int
    form: VerbFormIndex


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
        seen: set[tuple[str, str, str]] = set()
        for hit in self._verbs(ctx):
            for event in self._code_verb(art, s_index, ctx, groups, hit):
                key = (event.source.code, event.target.code if event.target else "",
                       event.cameo)
                if key not in seen:
                    seen.add(key)
                    out.append(event)
        return out

    def _verbs(self, ctx: SentenceContext) -> Iterator[_Hit]:
        used: set[int] = set()
        for tok in ctx.sent:
            if tok.i in used or tok.i in ctx.actors or not _is_verb(tok) \
                    or _infinitive_modifier(tok):
                continue
            hit = self._verb_at(ctx, tok)
            if hit is not None:
                used.update(range(hit.start, hit.end))
                yield hit

    def _verb_at(self, ctx: SentenceContext, tok: Token) -> _Hit | None:
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
                    return _Hit(tok, start, end, form)
        return None

    def _code_verb(self, art: CleanArticle, s_index: int, ctx: SentenceContext, groups: ActorGroups,
                   hit: _Hit) -> list[Event]:
        block = self.index.blocks[hit.form.block]
        lower_end = ctx.lower_end(hit.token, hit.end)
        matcher = PatternMatcher(ctx, groups, self.index, (hit.start, hit.end), lower_end)
        found, rule_pattern = Match(), None
        present = set(ctx.words)
        for pattern, needs in block.patterns:
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
        rule = (f"petrarch:{block.name}:- {rule_pattern.text}" if rule_pattern
                else f"petrarch:{block.name}:{hit.form.text}")
        pairs, mutual = self._dyads(ctx, groups, hit, found)
        if mutual and not backward:
            backward = forward
        events = []
        for src, tgt in pairs:
            if src.code == tgt.code:
                continue
            if not is_null(forward):
                events.append(self._event(art, s_index, ctx, hit, src, tgt, forward, rule))
            if backward and not is_null(backward):
                events.append(self._event(art, s_index, ctx, hit, tgt, src, backward, rule))
        return events

    def _dyads(self, ctx: SentenceContext, groups: ActorGroups, hit: _Hit,
               found: Match) -> tuple[list[tuple[Unit, Unit]], bool]:
        """(source, target) pairs, and whether they are mutual (a compound's members)."""
        if found.compound and found.compound_upper and found.target is None \
                and found.source is None:
            units = found.compound
            return [(a, b) for n, a in enumerate(units) for b in units[n + 1:]], True
        sources = found.source
        targets = found.target if found.target is not None else found.compound
        passive_target: list[Unit] = []
        if sources is None:
            sources, passive_target = self._source(ctx, groups, hit)
            if targets and {(u.start, u.end) for u in sources} & \
                    {(u.start, u.end) for u in targets}:
                sources = self._source_above(ctx, groups, hit.token, targets)
        if targets is None:
            targets = passive_target or self._target(ctx, groups, hit, sources)
        return [(s, t) for s in sources for t in targets], False

    def _source(self, ctx: SentenceContext, groups: ActorGroups,
                hit: _Hit) -> tuple[list[Unit], list[Unit]]:
        """(source units, target units of a passive subject)."""
        subj, passive = _subject(hit.token)
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
            subj, _ = _subject(tok)
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

    def _target(self, ctx: SentenceContext, groups: ActorGroups, hit: _Hit,
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

    def _event(self, art: CleanArticle, s_index: int, ctx: SentenceContext, hit: _Hit,
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

    def _attribution(self, ctx: SentenceContext, hit: _Hit, src: Unit) -> str | None:
        gov = speech_governor(hit.token)
        if gov is None:
            return None
        subj, _ = frames.subject(gov)
        if subj is None:
            return None
        units = ActorGroups(ctx, self.options.bare_agents).group(subj)
        code = units[0].code if units else None
        return code if code != src.code else None


_CLIMB = frozenset({"xcomp", "acomp", "advcl", "conj", "prep", "pcomp", "dep", "oprd",
                    "aux", "auxpass"})


def _subject(verb: Token) -> tuple[Token | None, bool]:
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
    (they have their own targets) and a passive's ``by`` phrase."""
    out: set[int] = set()
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass", "agent", "csubj") or (
                child.dep_ == "conj" and child.pos_ in ("VERB", "AUX")):
            out.update(t.i for t in child.subtree)
    return out


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
    return tok.dep_ == "acl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)


def _join_words(art: CleanArticle) -> CleanArticle:
    """TABARI-style texts join name words with '_' ("Dol_Amroth"): read them as words."""
    if not any("_" in p.text for p in art.paragraphs):
        return art
    return replace(art, paragraphs=tuple(Paragraph(p.index, _JOINED_WORDS.sub(" ", p.text))
                                         for p in art.paragraphs))


def _is_verb(tok: Token) -> bool:
    return tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB")


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
