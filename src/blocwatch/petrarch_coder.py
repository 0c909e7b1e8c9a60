"""Code text with PETRARCH/TABARI dictionaries (read by :mod:`blocwatch.petrarch`) on our
own spaCy parse, with the same output contract as :class:`blocwatch.coder.Coder`.

    >>> from blocwatch.petrarch import load_dictionaries
    >>> coder = PetrarchCoder(load_dictionaries(Path("dicts")), nlp)
    >>> coder.code_text("Israel attacked Hamas in Gaza.", date="2014-07-20")

How a sentence is coded:

1. Discards: a story-discard phrase anywhere in the article drops the article; a
   sentence-discard phrase drops the sentence (whole words, any case).
2. Actors: the longest actor phrase at each token (case-insensitive; at least one
   capital letter in the matched text), resolved with the article's date; then the
   longest agent phrase at each remaining token.  Dictionary words with punctuation
   ("U.S.", "N'T", "BARAD-DUR") are split by the same spaCy tokenizer as the text.
3. Actor groups: a noun phrase's code is its leftmost actor (or the actors of an
   ``of``/``from`` phrase, or ``in`` phrase when the noun is an agent: "activists in
   Arnor") plus its agents: ``NGO~`` agents before, ``~GOV`` agents after, without
   repeating a 3-letter part already there ("White House officials" = USAGOV); "former"
   makes the agents ``ELI``.  Conjuncts are separate actors; an agent-only conjunct
   takes its siblings' country ("Danish media and government").  An agent with no
   actor is ``---`` + its code (``---EDU``) when ``bare_agents`` is on.
4. Verbs: a verb token whose text (else lemma) is a dictionary verb form, multi-word
   forms ("broken down", "wire tapped") first.  The block's patterns are tried
   longest first: ``upper`` elements before the verb (anywhere earlier in the sentence),
   ``lower`` elements after it, inside the verb's dependency subtree.  A space in a
   pattern lets words come between, ``_`` does not; words compare exactly with the
   token text (no stemming); ``$``/``+``/``%`` bind the source/target/compound actor
   found there, ``^`` skips a noun phrase.  No pattern: the verb's own code.
5. Source: the ``$`` actor, else the verb's subject (inherited through infinitives and
   conjuncts; a pronoun takes the nearest earlier subject); a passive's source is its
   ``by`` phrase and its subject the target.  Target: the ``+`` actor, else the first
   actor group after the verb in its subtree.  ``%`` before the verb with no ``+``
   codes the compound's members with each other ("Gondor and Osgiliath delayed").
   Codes ``A:B`` give source->target A and target->source B.  Events need both ends
   (PETRARCH's ``require_dyad``); a null code (``---``) codes nothing.

The ``rule`` of an event is ``petrarch:BLOCK:- upper * lower`` for a pattern, or
``petrarch:BLOCK:VERB`` for the verb's own code.  Codes outside the CAMEO table (the
validation dictionaries use WEIS-like codes) take the values of their longest CAMEO
prefix, else quad class 0 and Goldstein 0.0.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from spacy.tokens import Span, Token

from . import frames
from .clean import clean
from .errors import InputError
from .lexicon import Code, load_codes
from .modality import modality, speech_governor
from .parse import load_model, parse
from .petrarch import (
    ActorEntry,
    AgentEntry,
    Element,
    Pattern,
    PetrarchDictionaries,
    VerbForm,
    is_null,
    regular_forms,
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
FORMER = frozenset({"former", "ex", "ex-"})
_NP_LINK = frozenset({"compound", "amod", "poss", "nmod", "flat", "nummod", "det", "case",
                      "quantmod", "nn", "npadvmod"})
_CORE_SKIP = frozenset({"conj", "cc", "relcl", "acl", "advcl", "appos", "punct", "ccomp",
                        "parataxis", "prep", "preconj", "xcomp", "dep"})
_NON_STATE = frozenset({"IGO", "NGO", "NGM", "IMG", "MNC", "---"})


@dataclass(frozen=True)
class PetrarchOptions:
    """``bare_agents``: code an agent with no actor as ``---`` + agent ("students" =
    ``---EDU``), as PETRARCH does; off drops such actors."""

    bare_agents: bool = True


# --------------------------------------------------------------------------- index
@dataclass(frozen=True)
class _Form:
    before: tuple[str, ...]
    verb: str
    after: tuple[str, ...]
    block: str
    code: str | None
    text: str


@dataclass(frozen=True)
class _Block:
    name: str
    code: str
    patterns: tuple[Pattern, ...]


@dataclass(frozen=True)
class _Index:
    """The dictionaries compiled for lookup on spaCy tokens; built once per coder."""

    actors: dict[str, tuple[tuple[tuple[str, ...], ActorEntry], ...]]
    agents: dict[str, tuple[tuple[tuple[str, ...], AgentEntry], ...]]
    forms: dict[str, tuple[_Form, ...]]
    blocks: dict[str, _Block]
    synsets: dict[str, tuple[tuple[str, ...], ...]]
    story_discard: re.Pattern[str] | None
    sentence_discard: re.Pattern[str] | None
    split: Split


Split = Callable[[str], tuple[tuple[str, ...], ...]]


def _splitter(tokenizer: Callable[[str], Sequence[str]]) -> Split:
    """A dictionary word as token sequences of the text's tokenizer ("BARAD-DUR" ->
    BARAD - DUR); one per way the word may be cased in text, when they differ."""
    cache: dict[str, tuple[tuple[str, ...], ...]] = {}

    def split(word: str) -> tuple[tuple[str, ...], ...]:
        if word.isalnum():
            return ((word,),)
        if word not in cache:
            variants: list[tuple[str, ...]] = []
            for form in (word, word.lower(), word.title()):
                toks = tuple(t.upper() for t in tokenizer(form) if t.strip())
                if toks and toks not in variants:
                    variants.append(toks)
            cache[word] = tuple(variants) or ((word,),)
        return cache[word]
    return split


def _phrases(words: Iterable[str], split: Split) -> list[tuple[str, ...]]:
    seqs: list[tuple[str, ...]] = [()]
    for word in words:
        seqs = [s + v for s in seqs for v in split(word)]
    return seqs


def _by_first(items: Iterable[tuple[tuple[str, ...], object]]) -> dict[str, tuple]:  # type: ignore[type-arg]
    out: dict[str, list] = {}  # type: ignore[type-arg]
    for phrase, item in items:
        if phrase:
            out.setdefault(phrase[0], []).append((phrase, item))
    # longest first; among equals the later entry wins (PETRARCH overwrites)
    return {k: tuple(sorted(reversed(v), key=lambda p: -len(p[0]))) for k, v in out.items()}


def _flatten_synsets(dicts: PetrarchDictionaries,
                     split: Split) -> dict[str, tuple[tuple[str, ...], ...]]:
    flat: dict[str, tuple[tuple[str, ...], ...]] = {}

    def expand(name: str, depth: int) -> tuple[tuple[str, ...], ...]:
        if name in flat:
            return flat[name]
        alternatives: list[tuple[str, ...]] = []
        for member in dicts.synsets.get(name, ()):
            seqs: list[tuple[str, ...]] = [()]
            for el in member:
                parts = expand(el.value, depth + 1) if el.kind == "synset" and depth < 8 \
                    else (split(el.value) if el.kind == "word" else ())
                seqs = [s + p for s in seqs for p in parts]
            alternatives += [s for s in seqs if s]
        flat[name] = tuple(sorted(set(alternatives), key=lambda s: -len(s)))
        return flat[name]

    for name in dicts.synsets:
        expand(name, 0)
    return flat


def _discard_regex(phrases: list[tuple[str, ...]]) -> re.Pattern[str] | None:
    if not phrases:
        return None
    alts = sorted((r"\s+".join(re.escape(w) for w in p) for p in phrases), key=len,
                  reverse=True)
    return re.compile(r"(?<![\w])(?:" + "|".join(alts) + r")(?![\w])", re.IGNORECASE)


def _compile_forms(dicts: PetrarchDictionaries,
                   split: Split) -> tuple[dict[str, tuple[_Form, ...]], dict[str, _Block]]:
    forms: dict[str, dict[tuple[tuple[str, ...], tuple[str, ...]], _Form]] = {}
    blocks: dict[str, _Block] = {}
    for block in dicts.blocks:
        key = block.key
        old = blocks.get(key)
        patterns = (old.patterns if old else ()) + block.patterns
        blocks[key] = _Block(block.name if old is None else old.name, block.code, patterns)
        for form in block.forms:
            _add_form(forms, form, key, split)
    ordered = {k: tuple(sorted(v.values(), key=lambda f: -(len(f.before) + len(f.after))))
               for k, v in forms.items()}
    for key, blk in blocks.items():
        pats = sorted(blk.patterns, key=lambda p: -p.size)  # stable: file order among equals
        blocks[key] = _Block(blk.name, blk.code, tuple(pats))
    return ordered, blocks


def _add_form(forms: dict[str, dict], form: VerbForm, key: str,  # type: ignore[type-arg]
              split: Split) -> None:
    verb = form.words[form.verb_index]
    for before in _phrases(form.words[:form.verb_index], split):
        for after in _phrases(form.words[form.verb_index + 1:], split):
            forms.setdefault(verb, {})[(before, after)] = _Form(
                before, verb, after, key, form.code, " ".join(form.words))


def compile_index(dicts: PetrarchDictionaries,
                  tokenizer: Callable[[str], Sequence[str]]) -> _Index:
    split = _splitter(tokenizer)
    actors = _by_first((v, a) for a in dicts.actors for p in a.phrases
                       for v in _phrases(p, split))
    agents = _by_first((v, a) for a in dicts.agents for v in _phrases(a.phrase, split))
    forms, blocks = _compile_forms(dicts, split)
    return _Index(
        actors=actors, agents=agents, forms=forms, blocks=blocks,
        synsets=_flatten_synsets(dicts, split),
        story_discard=_discard_regex([d.phrase for d in dicts.discards if d.story]),
        sentence_discard=_discard_regex([d.phrase for d in dicts.discards if not d.story]),
        split=split)


# --------------------------------------------------------------------------- sentence
@dataclass(frozen=True)
class _Mention:
    start: int  # doc token indices, end exclusive
    end: int
    codes: tuple[str, ...]  # () for a null-coded name
    agent: AgentEntry | None = None


@dataclass(frozen=True)
class _Unit:
    """One resolved actor: its code and the tokens it was read from."""

    code: str
    start: int
    end: int


_NO_MENTION = _Mention(0, 0, ())


@dataclass
class _Sentence:
    """Working data of one sentence (local to one call)."""

    sent: Span
    words: list[str]
    actors: dict[int, _Mention] = field(default_factory=dict)
    agents: dict[int, _Mention] = field(default_factory=dict)
    fragments: tuple[int, ...] = ()  # ends of the parser's pieces of a split sentence

    def lower_end(self, verb: Token, end: int) -> int:
        """Where the words after a verb may reach: the end of its subtree, or the end of
        the sentence when the parser cut the sentence right after that subtree."""
        edge = max(verb.right_edge.i + 1, end)
        return self.sent.end if edge in self.fragments[:-1] else edge

    def word(self, i: int) -> str:
        return self.words[i - self.sent.start]


def _case_ok(tokens: Span) -> bool:
    return any(ch.isupper() for t in tokens for ch in t.text)


def _find(ctx: _Sentence, table: dict, taken: set[int],  # type: ignore[type-arg]
          need_case: bool) -> Iterator[tuple[int, int, object]]:
    sent = ctx.sent
    i = sent.start
    while i < sent.end:
        hit = None
        if i not in taken:
            for phrase, item in table.get(ctx.word(i), ()):
                end = i + len(phrase)
                if end <= sent.end and all(ctx.word(i + k) == w for k, w in enumerate(phrase)) \
                        and not any(j in taken for j in range(i, end)) \
                        and (not need_case or _case_ok(sent.doc[i:end])):
                    hit = (i, end, item)
                    break
        if hit:
            yield hit
            i = hit[1]
        else:
            i += 1


def _mentions(ctx: _Sentence, index: _Index, date: int | None) -> None:
    for start, end, entry in _find(ctx, index.actors, set(), True):
        m = _Mention(start, end, entry.codes_on(date))  # type: ignore[attr-defined]
        for i in range(start, end):
            ctx.actors[i] = m
    taken = set(ctx.actors)
    for start, end, agent in _find(ctx, index.agents, taken, False):
        m = _Mention(start, end, (), agent)  # type: ignore[arg-type]
        for i in range(start, end):
            ctx.agents[i] = m


# --------------------------------------------------------------------------- actor groups
def np_head(tok: Token) -> Token:
    """The head noun of the phrase ``tok`` modifies ("Gondor" in "Gondor's government")."""
    for _ in range(8):
        if tok.dep_ in _NP_LINK and tok.head is not tok and tok.head.i > tok.i - 20:
            tok = tok.head
        else:
            break
    return tok


def _core(tok: Token) -> tuple[list[Token], list[Token]]:
    """Tokens of the noun phrase headed by ``tok`` (no clauses, conjuncts or PPs) and the
    objects of its of/in/from phrases."""
    core, pps, stack = [], [], [tok]
    while stack:
        t = stack.pop()
        core.append(t)
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ in ("of", "in", "from") and t is tok:
                pps += [o for o in c.children if o.dep_ == "pobj"]
            elif c.dep_ not in _CORE_SKIP:
                stack.append(c)
    return sorted(core, key=lambda t: t.i), pps


def _compose(base: str, agents: list[AgentEntry], former: bool) -> str:
    code = "".join(a.code for a in agents if a.prefix) + base
    suffixes = ["ELI"] if former else [a.code for a in agents if not a.prefix]
    for suffix in suffixes:
        have = {code[i:i + 3] for i in range(0, len(code), 3)}
        for i in range(0, len(suffix), 3):
            if suffix[i:i + 3] not in have:
                code += suffix[i:i + 3]
    return code


@dataclass
class _Member:
    """What one conjunct of a noun phrase holds."""

    tok: Token
    bases: list[tuple[str, int, int]]  # actor codes with the tokens they came from
    agents: list[AgentEntry]
    start: int
    end: int
    former: bool
    pps: list[Token]  # objects of its of/in/from phrases


class _Groups:
    """Resolves noun phrases of one sentence to actor units (cached per head token)."""

    def __init__(self, ctx: _Sentence, options: PetrarchOptions) -> None:
        self.ctx, self.options = ctx, options
        self.cache: dict[int, list[_Unit]] = {}

    def group(self, head: Token) -> list[_Unit]:
        """Units of ``head`` and its conjuncts."""
        if head.i in self.cache:
            return self.cache[head.i]
        toks, extra = self._members(head)
        members = [self._member(t, extra if t is head else []) for t in toks]
        for m in members[1:]:  # "sheep and goats of Gondor": the PP after the last conjunct
            if not m.bases and not m.agents:
                m.bases = self._pp_bases([p for p in members[0].pps if p.i > m.tok.i], True)
        shared = next((m.bases for m in members if m.bases), [])
        units: list[_Unit] = []
        for m in members:
            bases = m.bases
            if not bases and m.agents:
                bases = shared or ([("---", m.start, m.end)] if self.options.bare_agents
                                   else [])
            for code, b_start, b_end in bases:
                units.append(_Unit(_compose(code, m.agents, m.former), min(m.start, b_start),
                                   max(m.end, b_end)))
        unique = list({u.code: u for u in reversed(units)}.values())[::-1]
        self.cache[head.i] = unique
        return unique

    def _members(self, head: Token) -> tuple[list[Token], list[Token]]:
        """``head``, its conjuncts, and an actor apposition that continues a list
        ("Mordor, the Shire, Fornost and Bree", read by spaCy as an apposition) or names
        an actor the member lacks; not "minister Calimehtar" after "Ithilen's".  Second:
        conjuncts that continue the head's of/in/from phrase ("officials in Fornost and
        Gondor", where spaCy joins Gondor to "officials")."""
        members = [head, *[c for c in head.conjuncts if c.i > head.i]]
        for member in list(members):
            for child in member.children:
                if child.dep_ == "appos" and self._has_actor(child) and (
                        child.conjuncts or member.conjuncts or not self._has_actor(member)):
                    members += [child, *[c for c in child.conjuncts if c.i > child.i]]
        pp_ends = {o.right_edge.i: o for o in _core(head)[1]}
        extra = []
        for m in members[1:]:
            before = m.left_edge.i - 1
            while before > head.i and self.ctx.sent.doc[before].dep_ in ("cc", "punct"):
                before -= 1
            if before in pp_ends and self._has_actor(m) and m.i not in self.ctx.agents \
                    and not any(t.i in self.ctx.agents for t in _core(m)[0]):
                extra.append(m)
        return [m for m in dict.fromkeys(members) if m not in extra], extra

    def _has_actor(self, tok: Token) -> bool:
        return any(self.ctx.actors.get(t.i, _NO_MENTION).codes for t in _core(tok)[0])

    def _coordinated(self, first: _Mention, head: Token) -> list[_Mention]:
        """Actors coordinated with ``first`` inside the phrase ("Eriadori and Calenardhon
        leaders"); with the head's own actor when the list hangs from it as a modifier
        ("Fornost and the evil awful Gondor" parsed as nmod)."""
        ctx, doc = self.ctx, self.ctx.sent.doc
        last = doc[first.end - 1]
        if last.i == head.i or not last.conjuncts:
            return []
        out = [ctx.actors[c.i] for c in last.conjuncts
               if c.i in ctx.actors and ctx.actors[c.i].codes and c.i != head.i]
        own = ctx.actors.get(head.i)
        if own is not None and own.codes and last.dep_ in ("nmod", "compound") \
                and own not in out and own != first:
            out.append(own)
        return out

    def _member(self, tok: Token, extra_pps: list[Token]) -> _Member:
        ctx = self.ctx
        core, pps = _core(tok)
        seen: list[_Mention] = []
        agents: list[_Mention] = []
        for t in core:
            m = ctx.actors.get(t.i)
            if m is not None and m not in seen:
                seen.append(m)
            a = ctx.agents.get(t.i)
            if a is not None and a not in agents:
                agents.append(a)
        coded = [m for m in seen if m.codes]
        bases: list[tuple[str, int, int]] = []
        if coded:
            for m in [coded[0], *self._coordinated(coded[0], tok)]:
                bases += [(c, m.start, m.end) for c in m.codes]
        else:
            bases = self._pp_bases(pps, bool(agents))
            if bases and extra_pps:
                bases += self._pp_bases(extra_pps, True)
            if not bases and not agents:  # "thousands of protesters": the "of" group
                of = [p for p in pps if p.head.lower_ == "of"]
                bases = [(u.code, u.start, u.end) for u in self.group(of[0])] if of else []
        spans = [m.start for m in (*seen, *agents)] + [m.end for m in (*seen, *agents)]
        return _Member(tok, bases, [a.agent for a in agents if a.agent is not None],
                       min(spans, default=tok.i), max(spans, default=tok.i + 1),
                       any(t.lower_ in FORMER for t in core), pps)

    def _pp_bases(self, pps: list[Token], agent: bool) -> list[tuple[str, int, int]]:
        """Actors of the first of/in/from phrase that has one ("in" only for agents:
        "activists in Arnor", not "crowds in Arnor")."""
        for pobj in pps:
            if pobj.head.lower_ == "in" and not agent:
                continue
            bases = [(u.code, u.start, u.end) for u in self._pp_units(pobj)]
            if bases:
                return bases
        return []

    def _pp_units(self, pobj: Token) -> list[_Unit]:
        ctx = self.ctx
        out: list[_Unit] = []
        for member in [pobj, *[c for c in pobj.conjuncts if c.i > pobj.i]]:
            core, _ = _core(member)
            for t in core:
                m = ctx.actors.get(t.i)
                if m is not None and m.codes:
                    out += [_Unit(c, m.start, m.end) for c in m.codes]
                    break
        return out

    def at(self, i: int) -> list[_Unit]:
        """The group of the mention covering token ``i``."""
        doc = self.ctx.sent.doc
        return self.group(np_head(doc[i]))


# --------------------------------------------------------------------------- patterns
@dataclass
class _Match:
    source: list[_Unit] | None = None
    target: list[_Unit] | None = None
    compound: list[_Unit] | None = None
    compound_upper: bool = False


class _Matcher:
    """Matches one pattern around one verb occurrence (backtracking over word gaps)."""

    def __init__(self, ctx: _Sentence, groups: _Groups, index: _Index,
                 verb_span: tuple[int, int], lower_end: int) -> None:
        self.ctx, self.groups, self.index = ctx, groups, index
        self.vs, self.ve, self.lower_end = verb_span[0], verb_span[1], lower_end
        doc = ctx.sent.doc
        self.chunk_of: dict[int, tuple[int, int]] = {}
        for chunk in ctx.sent.noun_chunks:
            for i in range(chunk.start, chunk.end):
                self.chunk_of[i] = (chunk.start, chunk.end)
        self.doc = doc

    def match(self, pattern: Pattern) -> _Match | None:
        found = _Match()
        lower = self._forward(list(pattern.lower), 0, self.ve, pattern.lower_joined, found)
        if not lower:
            return None
        found_upper = _Match(found.source, found.target, found.compound)
        upper = list(reversed(pattern.upper))
        if not self._backward(upper, 0, self.vs, pattern.upper_joined, found_upper):
            return None
        return found_upper

    # forward over the lower part
    def _forward(self, els: list[Element], k: int, pos: int, joined: bool,
                 found: _Match) -> bool:
        if k == len(els):
            return True
        el = els[k]
        starts = [pos] if joined else range(pos, self.lower_end)
        for q in starts:
            for end, bound in self._at(el, q, +1):
                saved = (found.source, found.target, found.compound)
                _bind(found, el, bound, upper=False)
                if self._forward(els, k + 1, end, el.joined, found):
                    return True
                found.source, found.target, found.compound = saved
        return False

    # backward over the upper part (elements in reverse order)
    def _backward(self, els: list[Element], k: int, pos: int, joined: bool,
                  found: _Match) -> bool:
        if k == len(els):
            return True
        el = els[k]
        low = self.ctx.sent.start
        ends = [pos] if joined else range(pos, low, -1)
        for e in ends:
            for start, bound in self._at(el, e, -1):
                saved = (found.source, found.target, found.compound, found.compound_upper)
                _bind(found, el, bound, upper=True)
                nxt_joined = k + 1 < len(els) and els[k + 1].joined
                if self._backward(els, k + 1, start, nxt_joined, found):
                    return True
                found.source, found.target, found.compound, found.compound_upper = saved
        return False

    def _at(self, el: Element, pos: int, step: int) -> Iterator[tuple[int, list[_Unit]]]:
        """Ways ``el`` matches starting at ``pos`` (step +1) or ending at ``pos`` (-1):
        (the other end, bound actor units)."""
        if el.kind == "word":
            seqs: Sequence[tuple[str, ...]] = self.index.split(el.value)
        elif el.kind == "synset":
            seqs = self.index.synsets.get(el.value, ())
        else:
            yield from self._special(el, pos, step)
            return
        for seq in seqs:
            other = self._words_at(seq, pos, step)
            if other is not None:
                yield other, []

    def _words_at(self, seq: tuple[str, ...], pos: int, step: int) -> int | None:
        n = len(seq)
        lo, hi = (pos, pos + n) if step > 0 else (pos - n, pos)
        limit = self.lower_end if step > 0 else self.vs
        if lo < self.ctx.sent.start or hi > limit:
            return None
        if all(self.ctx.word(lo + k) == seq[k] for k in range(n)):
            return hi if step > 0 else lo
        return None

    def _special(self, el: Element, pos: int, step: int) -> Iterator[tuple[int, list[_Unit]]]:
        ctx = self.ctx
        i = pos if step > 0 else pos - 1
        limit = self.lower_end if step > 0 else self.vs
        if not (ctx.sent.start <= i < limit):
            return
        if el.kind == "skip":  # the rest of the noun phrase at pos
            chunk = self.chunk_of.get(i)
            mention = ctx.actors.get(i) or ctx.agents.get(i)
            if chunk is None and mention is not None:
                chunk = (mention.start, mention.end)
            if chunk is not None:
                yield (chunk[1] if step > 0 else chunk[0]), []
            return
        mention = ctx.actors.get(i) or ctx.agents.get(i)
        if mention is None or (step > 0 and mention.start != i) or \
                (step < 0 and mention.end != pos):
            return
        units = self.groups.at(i)
        if el.kind == "compound" and len({u.code for u in units}) < 2:
            return
        if units:
            last = max(u.end for u in units) if el.kind == "compound" else mention.end
            first = min(u.start for u in units) if el.kind == "compound" else mention.start
            yield (last if step > 0 else first), units


def _bind(found: _Match, el: Element, units: list[_Unit], upper: bool) -> None:
    if el.kind == "source":
        found.source = units
    elif el.kind == "target":
        found.target = units
    elif el.kind == "compound":
        found.compound, found.compound_upper = units, upper


# --------------------------------------------------------------------------- the coder
@dataclass(frozen=True)
class _Hit:
    """A dictionary verb found in a sentence."""

    token: Token
    start: int
    end: int
    form: _Form


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
        article = Article(id=doc_id, text=text, title=title, date=date)
        return list(next(iter(self.code_articles([article]))).events)

    def code_articles(self, articles: Iterable[Article]) -> Iterator[CodedArticle]:
        """Code articles in order, parsing their paragraphs in batches."""
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
        ctx = _Sentence(sent, [t.text.upper() for t in sent], fragments=fragments)
        _mentions(ctx, self.index, date)
        groups = _Groups(ctx, self.options)
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

    def _verbs(self, ctx: _Sentence) -> Iterator[_Hit]:
        used: set[int] = set()
        for tok in ctx.sent:
            if tok.i in used or tok.i in ctx.actors or not _is_verb(tok) \
                    or _infinitive_modifier(tok):
                continue
            hit = self._verb_at(ctx, tok)
            if hit is not None:
                used.update(range(hit.start, hit.end))
                yield hit

    def _verb_at(self, ctx: _Sentence, tok: Token) -> _Hit | None:
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

    def _code_verb(self, art: CleanArticle, s_index: int, ctx: _Sentence, groups: _Groups,
                   hit: _Hit) -> list[Event]:
        block = self.index.blocks[hit.form.block]
        lower_end = ctx.lower_end(hit.token, hit.end)
        matcher = _Matcher(ctx, groups, self.index, (hit.start, hit.end), lower_end)
        found, rule_pattern = _Match(), None
        for pattern in block.patterns:
            if pattern.code.strip("+") == "":
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

    def _dyads(self, ctx: _Sentence, groups: _Groups, hit: _Hit,
               found: _Match) -> tuple[list[tuple[_Unit, _Unit]], bool]:
        """(source, target) pairs, and whether they are mutual (a compound's members)."""
        if found.compound and found.compound_upper and found.target is None \
                and found.source is None:
            units = found.compound
            return [(a, b) for n, a in enumerate(units) for b in units[n + 1:]], True
        sources = found.source
        targets = found.target if found.target is not None else found.compound
        passive_target: list[_Unit] = []
        if sources is None:
            sources, passive_target = self._source(ctx, groups, hit)
            if targets and {(u.start, u.end) for u in sources} & \
                    {(u.start, u.end) for u in targets}:
                sources = self._source_above(ctx, groups, hit.token, targets)
        if targets is None:
            targets = passive_target or self._target(ctx, groups, hit, sources)
        return [(s, t) for s in sources for t in targets], False

    def _source(self, ctx: _Sentence, groups: _Groups,
                hit: _Hit) -> tuple[list[_Unit], list[_Unit]]:
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
                     for t in c.subtree if ctx.actors.get(t.i, _NO_MENTION).codes]
            return (groups.at(lefts[0].i) if lefts else []), []
        if subj.lower_ in PRONOUNS and subj.i not in ctx.actors:
            return self._antecedent(ctx, groups, subj), []
        units = list(groups.group(subj))
        for other in subj.head.children:  # "Lions, tigers, and Gondor" as two subjects
            if subj.dep_ == "nsubj" and other.dep_ == "nsubj" and other is not subj:
                units += groups.group(other)
        if not units:  # "Resumption of ties between Arnor and Gondor may spur ..."
            first = next((t.i for t in subj.subtree if ctx.actors.get(t.i, _NO_MENTION).codes),
                         None)
            units = groups.at(first) if first is not None else []
        return units, []

    def _source_above(self, ctx: _Sentence, groups: _Groups, verb: Token,
                      avoid: list[_Unit]) -> list[_Unit]:
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

    def _antecedent(self, ctx: _Sentence, groups: _Groups, pron: Token) -> list[_Unit]:
        """Nearest earlier subject with an actor, else the sentence's first actor."""
        before = sorted({m.start for i, m in ctx.actors.items() if m.end <= pron.i and m.codes})
        subjects = [i for i in before if np_head(ctx.sent.doc[i]).dep_ in ("nsubj",
                                                                          "nsubjpass")]
        for i in subjects[::-1]:
            units = groups.at(i)
            if units:
                return units
        return []

    def _target(self, ctx: _Sentence, groups: _Groups, hit: _Hit,
                sources: list[_Unit]) -> list[_Unit]:
        """The first actor group after the verb; a group of bare agents ("deployed troops
        to Gondor") only when no actor follows outside an "in" phrase."""
        excluded = _excluded(hit.token)
        taken = {i for u in sources for i in range(u.start, u.end)}
        bare: list[_Unit] = []
        for i in range(hit.end, ctx.lower_end(hit.token, hit.end)):
            if i in excluded or i in taken or not (i in ctx.actors or i in ctx.agents):
                continue
            units = [u for u in groups.at(i) if not set(range(u.start, u.end)) & taken]
            if units and all(u.code.startswith("---") for u in units):
                bare = bare or units
            elif units and not (bare and _in_phrase(ctx.sent.doc[i])):
                return units
        return bare

    def _event(self, art: CleanArticle, s_index: int, ctx: _Sentence, hit: _Hit,
               src: _Unit, tgt: _Unit, code: str, rule: str) -> Event:
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

    def _attribution(self, ctx: _Sentence, hit: _Hit, src: _Unit) -> str | None:
        gov = speech_governor(hit.token)
        if gov is None:
            return None
        subj, _ = frames.subject(gov)
        if subj is None:
            return None
        units = _Groups(ctx, self.options).group(subj)
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


def _ref(unit: _Unit, sent: Span) -> ActorRef:
    span = sent.doc[unit.start:unit.end]
    start = span.start_char - sent.start_char
    code = unit.code
    country = code[:3] if len(code) >= 3 and code[:3].isalpha() and \
        code[:3] not in _NON_STATE else None
    sector = code[3:] or None if country else None
    return ActorRef(code=code, country=country, sector=sector, org=None, text=span.text,
                    start=start, end=start + len(span.text))
