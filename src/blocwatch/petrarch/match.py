"""Matching PETRARCH dictionaries on spaCy tokens: the compiled index, actor and agent
mentions, actor groups (noun phrases resolved to codes) and the verb-pattern matcher.
Used by :mod:`blocwatch.coding.petrarch_coder`, which documents the rules."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Span, Token

from blocwatch.petrarch.dictionaries import (
    ActorEntry,
    AgentEntry,
    Element,
    Pattern,
    PetrarchDictionaries,
    VerbForm,
)

FORMER = frozenset({"former", "ex", "ex-"})
_NP_LINK = frozenset({"compound", "amod", "poss", "nmod", "flat", "nummod", "det", "case",
                      "quantmod", "nn", "npadvmod"})
_CORE_SKIP = frozenset({"conj", "cc", "relcl", "acl", "advcl", "appos", "punct", "ccomp",
                        "parataxis", "prep", "preconj", "xcomp", "dep"})


# --------------------------------------------------------------------------- index
@dataclass(frozen=True)
class VerbFormIndex:
    before: tuple[str, ...]
    verb: str
    after: tuple[str, ...]
    block: str  # the key of the merged blocks whose patterns the form uses
    code: str | None  # the form's own code, else its own block's
    text: str
    name: str  # its own block's name


@dataclass(frozen=True)
class BlockIndex:
    """A verb block's code and its patterns, longest first, each with what it needs:
    for every word or synset element, the tokens one of which must be in the sentence."""

    name: str
    code: str
    patterns: tuple[tuple[Pattern, tuple[frozenset[str], ...]], ...]
    # each pattern under the words of its narrowest need (one must be in the sentence);
    # ``free``: the patterns that need no word
    keyed: dict[str, tuple[int, ...]] = field(default_factory=dict)
    keys: frozenset[str] = frozenset()
    free: tuple[int, ...] = ()

    @classmethod
    def build(cls, name: str, code: str,
              patterns: tuple[tuple[Pattern, tuple[frozenset[str], ...]], ...]) -> BlockIndex:
        keyed: dict[str, list[int]] = {}
        free = []
        for n, (_, needs) in enumerate(patterns):
            if not needs:
                free.append(n)
                continue
            for word in min(needs, key=len):
                keyed.setdefault(word, []).append(n)
        return cls(name, code, patterns, {w: tuple(ns) for w, ns in keyed.items()},
                   frozenset(keyed), tuple(free))

    def candidates(self, present: frozenset[str]
                   ) -> list[tuple[Pattern, tuple[frozenset[str], ...]]]:
        """The patterns, in order, that may find their words in a sentence of the words
        ``present`` (the others cannot match: they need a word it lacks)."""
        found = set(self.free)
        for word in present & self.keys:
            found.update(self.keyed[word])
        return [self.patterns[n] for n in sorted(found)]


@dataclass(frozen=True)
class Index:
    """The dictionaries compiled for lookup on spaCy tokens; built once per coder."""

    actors: dict[str, tuple[tuple[tuple[str, ...], ActorEntry], ...]]
    agents: dict[str, tuple[tuple[tuple[str, ...], AgentEntry], ...]]
    forms: dict[str, tuple[VerbFormIndex, ...]]
    blocks: dict[str, BlockIndex]
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


Phrase = tuple[tuple[str, ...], frozenset[int]]  # tokens, token positions a gap may follow


def _loose_phrases(words: tuple[str, ...], loose: Iterable[int], split: Split) -> list[Phrase]:
    """Token sequences of a dictionary phrase, with the token positions after which
    other words may come (the dictionary's spaces)."""
    out: list[Phrase] = [((), frozenset())]
    loose = set(loose)
    for k, word in enumerate(words):
        out = [(toks + v, gaps | ({len(toks) + len(v) - 1} if k in loose else set()))
               for toks, gaps in out for v in split(word)]
    return out


def _by_first(items: Iterable[tuple[Phrase, object]]) -> dict[str, tuple]:  # type: ignore[type-arg]
    out: dict[str, list] = {}  # type: ignore[type-arg]
    for phrase, item in items:
        if phrase[0]:
            out.setdefault(phrase[0][0], []).append((phrase, item))
    # longest first; among equals the later entry wins (PETRARCH overwrites)
    return {k: tuple(sorted(reversed(v), key=lambda p: -len(p[0][0]))) for k, v in out.items()}


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
    """Any of the phrases as a whole phrase (words apart by white space, any case).  The
    alternatives share their prefixes (a trie: Python's ``re`` would try hundreds of
    alternatives at every position); it matches the same texts, and is only searched."""
    if not phrases:
        return None
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for phrase in phrases:
        node = trie
        for atom in [a for n, w in enumerate(phrase)
                     for a in ([r"\s+"] if n else []) + [re.escape(ch) for ch in w]]:
            node = node.setdefault(atom, {})
        node[""] = {}  # a phrase ends here
    return re.compile(r"(?<![\w])" + _trie_regex(trie) + r"(?![\w])", re.IGNORECASE)


def _trie_regex(node: dict) -> str:  # type: ignore[type-arg]
    """One trie node as a regular expression (longer continuations first)."""
    alts = [atom + _trie_regex(child) for atom, child in node.items() if atom]
    alts.sort(key=len, reverse=True)
    if "" in node:
        alts.append("")
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


def _compile_forms(dicts: PetrarchDictionaries, split: Split,
                   synsets: dict[str, tuple[tuple[str, ...], ...]]
                   ) -> tuple[dict[str, tuple[VerbFormIndex, ...]], dict[str, BlockIndex]]:
    forms: dict[str, dict[tuple[tuple[str, ...], tuple[str, ...]], VerbFormIndex]] = {}
    blocks: dict[str, BlockIndex] = {}
    merged: dict[str, tuple[str, str, tuple[Pattern, ...]]] = {}
    for block in dicts.blocks:
        key = block.key
        name, _, patterns = merged.get(key, (block.name, "", ()))
        merged[key] = (name, block.code, patterns + block.patterns)
        for form in block.forms:  # a form without its own code takes its own block's,
            # not the code of another block that shares its first verb ("CALL OFF" in
            # CANCEL [---] beside CALL UP in MOBILIZE [150])
            _add_form(forms, form, key, split, form.code or block.code, block.name)
    ordered = {k: tuple(sorted(v.values(), key=lambda f: -(len(f.before) + len(f.after))))
               for k, v in forms.items()}
    for key, (name, code, patterns) in merged.items():
        pats = sorted(patterns, key=lambda p: -p.size)  # stable: file order among equals
        blocks[key] = BlockIndex.build(name, code, tuple((p, _needs(p, split, synsets))
                                                          for p in pats))
    return ordered, blocks


def _needs(pattern: Pattern, split: Split,
           synsets: dict[str, tuple[tuple[str, ...], ...]]) -> tuple[frozenset[str], ...]:
    out = []
    for el in (*pattern.upper, *pattern.lower):
        if el.kind == "word":
            out.append(frozenset(v[0] for v in split(el.value)))
        elif el.kind == "synset":
            out.append(frozenset(seq[0] for seq in synsets.get(el.value, ())))
    return tuple(out)


def _add_form(forms: dict[str, dict], form: VerbForm, key: str,  # type: ignore[type-arg]
              split: Split, code: str, name: str) -> None:
    verb = form.words[form.verb_index]
    for before in _phrases(form.words[:form.verb_index], split):
        for after in _phrases(form.words[form.verb_index + 1:], split):
            forms.setdefault(verb, {})[(before, after)] = VerbFormIndex(
                before, verb, after, key, code, " ".join(form.words), name)


def compile_index(dicts: PetrarchDictionaries,
                  tokenizer: Callable[[str], Sequence[str]]) -> Index:
    split = _splitter(tokenizer)
    actors = _by_first((v, a) for a in dicts.actors for n, p in enumerate(a.phrases)
                       for v in _loose_phrases(p, a.loose[n] if a.loose else (), split))
    agents = _by_first((v, a) for a in dicts.agents
                       for v in _loose_phrases(a.phrase, a.loose, split))
    synsets = _flatten_synsets(dicts, split)
    forms, blocks = _compile_forms(dicts, split, synsets)
    return Index(
        actors=actors, agents=agents, forms=forms, blocks=blocks, synsets=synsets,
        story_discard=_discard_regex([d.phrase for d in dicts.discards if d.story]),
        sentence_discard=_discard_regex([d.phrase for d in dicts.discards if not d.story]),
        split=split)


# --------------------------------------------------------------------------- sentence
@dataclass(frozen=True)
class Mention:
    start: int  # doc token indices, end exclusive
    end: int
    codes: tuple[str, ...]  # () for a null-coded name
    agent: AgentEntry | None = None


@dataclass(frozen=True)
class Unit:
    """One resolved actor: its code and the tokens it was read from."""

    code: str
    start: int
    end: int


NO_MENTION = Mention(0, 0, ())


@dataclass
class SentenceContext:
    """Working data of one sentence (local to one call)."""

    sent: Span
    words: list[str]
    actors: dict[int, Mention] = field(default_factory=dict)
    agents: dict[int, Mention] = field(default_factory=dict)
    fragments: tuple[int, ...] = ()  # ends of the parser's pieces of a split sentence
    _chunks: dict[int, tuple[int, int]] | None = None
    _present: frozenset[str] | None = None

    def present(self) -> frozenset[str]:
        """The sentence's words as a set, once per sentence (each verb's patterns ask)."""
        if self._present is None:
            self._present = frozenset(self.words)
        return self._present

    def chunk_of(self) -> dict[int, tuple[int, int]]:
        """The noun chunk of each token in one (start, end), computed once per sentence
        (every verb's pattern matcher reads it)."""
        if self._chunks is None:
            self._chunks = {i: (chunk.start, chunk.end) for chunk in self.sent.noun_chunks
                            for i in range(chunk.start, chunk.end)}
        return self._chunks

    def lower_end(self, verb: Token, end: int) -> int:
        """Where the words after a verb may reach: the end of its subtree, or the end of
        the sentence when the parser cut the sentence right after that subtree."""
        edge = max(verb.right_edge.i + 1, end)
        return self.sent.end if edge in self.fragments[:-1] else edge

    def word(self, i: int) -> str:
        return self.words[i - self.sent.start]


def _case_ok(tokens: Span) -> bool:
    return any(ch.isupper() for t in tokens for ch in t.text)


def _find(ctx: SentenceContext, table: dict, taken: set[int],  # type: ignore[type-arg]
          need_case: bool) -> Iterator[tuple[int, int, object]]:
    sent = ctx.sent
    i = sent.start
    while i < sent.end:
        hit = None
        if i not in taken:
            for phrase, item in table.get(ctx.word(i), ()):
                end = _phrase_end(ctx, i, phrase)
                if end is not None and not any(j in taken for j in range(i, end)) \
                        and (not need_case or _case_ok(sent.doc[i:end])):
                    hit = (i, end, item)
                    break
        if hit:
            yield hit
            i = hit[1]
        else:
            i += 1


_GAP_DEPS = frozenset({"compound", "amod", "nmod", "npadvmod", "poss", "case", "nummod",
                       "hmod", "hyph"})


def _phrase_end(ctx: SentenceContext, i: int, phrase: Phrase) -> int | None:
    """End of ``phrase`` matched from token ``i``: words in order, with up to 3 modifier
    words of the same noun phrase where the dictionary has a space (not ``_``)."""
    tokens, gaps = phrase
    end = ctx.sent.end
    pos = i
    for k, word in enumerate(tokens):
        limit = pos + 1 if k == 0 or (k - 1) not in gaps else min(pos + 4, end)
        found = next((q for q in range(pos, min(limit, end)) if ctx.word(q) == word), None)
        if found is None:
            return None
        if found > pos and not all(_gap_ok(ctx.sent.doc[q], i, found) for q in range(pos, found)):
            return None
        pos = found + 1
    return pos


def _gap_ok(tok: Token, start: int, end: int) -> bool:
    return (tok.dep_ in _GAP_DEPS or tok.text == "-") and start <= tok.head.i <= end + 1


def find_mentions(ctx: SentenceContext, index: Index, date: int | None) -> None:
    for start, end, entry in _find(ctx, index.actors, set(), True):
        m = Mention(start, end, entry.codes_on(date))  # type: ignore[attr-defined]
        for i in range(start, end):
            ctx.actors[i] = m
    taken = set(ctx.actors)
    for start, end, agent in _find(ctx, index.agents, taken, False):
        m = Mention(start, end, (), agent)  # type: ignore[arg-type]
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


class ActorGroups:
    """Resolves noun phrases of one sentence to actor units (cached per head token)."""

    def __init__(self, ctx: SentenceContext, bare_agents: bool = True) -> None:
        self.ctx, self.bare_agents = ctx, bare_agents
        self.cache: dict[int, list[Unit]] = {}

    def group(self, head: Token) -> list[Unit]:
        """Units of ``head`` and its conjuncts."""
        if head.i in self.cache:
            return self.cache[head.i]
        toks, extra = self._members(head)
        members = [self._member(t, extra if t is head else []) for t in toks]
        for m in members[1:]:  # "sheep and goats of Gondor": the PP after the last conjunct
            if not m.bases and not m.agents:
                m.bases = self._pp_bases([p for p in members[0].pps if p.i > m.tok.i], True)
        shared = next((m.bases for m in members if m.bases), [])
        units: list[Unit] = []
        for m in members:
            bases = m.bases
            if not bases and m.agents:
                bases = shared or ([("---", m.start, m.end)] if self.bare_agents
                                   else [])
            for code, b_start, b_end in bases:
                units.append(Unit(_compose(code, m.agents, m.former), min(m.start, b_start),
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
        return any(self.ctx.actors.get(t.i, NO_MENTION).codes for t in _core(tok)[0])

    def _coordinated(self, first: Mention, head: Token) -> list[Mention]:
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
        seen: list[Mention] = []
        agents: list[Mention] = []
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

    def _pp_units(self, pobj: Token) -> list[Unit]:
        ctx = self.ctx
        out: list[Unit] = []
        for member in [pobj, *[c for c in pobj.conjuncts if c.i > pobj.i]]:
            core, _ = _core(member)
            for t in core:
                m = ctx.actors.get(t.i)
                if m is not None and m.codes:
                    out += [Unit(c, m.start, m.end) for c in m.codes]
                    break
        return out

    def at(self, i: int) -> list[Unit]:
        """The group of the mention covering token ``i``."""
        doc = self.ctx.sent.doc
        return self.group(np_head(doc[i]))


# --------------------------------------------------------------------------- patterns
def _infinitive_to(tok: Token) -> bool:
    """The "to" of an infinitive ("a roadshow to woo tourists"), not a preposition."""
    return tok.tag_ == "TO" and tok.dep_ == "aux"


@dataclass
class Match:
    source: list[Unit] | None = None
    target: list[Unit] | None = None
    compound: list[Unit] | None = None
    compound_upper: bool = False


class PatternMatcher:
    """Matches one pattern around one verb occurrence (backtracking over word gaps)."""

    def __init__(self, ctx: SentenceContext, groups: ActorGroups, index: Index,
                 verb_span: tuple[int, int], lower_end: int,
                 parsed_nouns: bool = False) -> None:
        self.ctx, self.groups, self.index = ctx, groups, index
        self.parsed_nouns = parsed_nouns
        self.vs, self.ve, self.lower_end = verb_span[0], verb_span[1], lower_end
        self.doc = ctx.sent.doc

    def match(self, pattern: Pattern) -> Match | None:
        found = Match()
        lower = self._forward(list(pattern.lower), 0, self.ve, pattern.lower_joined, found)
        if not lower:
            return None
        found_upper = Match(found.source, found.target, found.compound)
        upper = list(reversed(pattern.upper))
        if not self._backward(upper, 0, self.vs, pattern.upper_joined, found_upper):
            return None
        return found_upper

    # forward over the lower part
    def _forward(self, els: list[Element], k: int, pos: int, joined: bool,
                 found: Match) -> bool:
        if k == len(els):
            return True
        el = els[k]
        starts = [pos] if joined else range(pos, self.lower_end)
        final_to = k == len(els) - 1 and el.kind == "word" and el.value == "TO"
        for q in starts:
            if final_to and _infinitive_to(self.doc[q]):
                continue  # "* TO" ends on a preposition ("headed to"), not "to woo"
            if self.parsed_nouns and k == len(els) - 1 and el.kind == "word" \
                    and " " not in el.value and self._other_verb(self.doc[q]):
                continue  # "* DEAL" is the noun, not "to firmly deal with"
            for end, bound in self._at(el, q, +1):
                saved = (found.source, found.target, found.compound)
                _bind(found, el, bound, upper=False)
                if self._forward(els, k + 1, end, el.joined, found):
                    return True
                found.source, found.target, found.compound = saved
        return False

    def _other_verb(self, tok: Token) -> bool:
        """Whether ``tok`` belongs to another verb's clause: it is a verb that is not the
        dictionary verb's own complement ("declined to comment", "preventing them from
        leaving" are; "said ... resolve to firmly deal" is not), or a noun that reaches the
        dictionary verb only through another clause's verb ("said the move prompted new
        UN sanctions"; through the verb's own infinitive it does: "agreed to hold talks")."""
        if tok.pos_ == "VERB":
            head = tok.head.head if tok.head.dep_ == "prep" else tok.head
            return not self.vs <= head.i < self.ve
        if tok.pos_ != "NOUN":  # "* (FROM)", "* &MEDIATION BETWEEN" end on other words
            return False
        node = tok.head
        for _ in range(12):
            if self.vs <= node.i < self.ve or node.head is node:
                return False
            if node.pos_ in ("VERB", "AUX") and node.dep_ != "xcomp":
                return True
            node = node.head
        return False

    # backward over the upper part (elements in reverse order)
    def _backward(self, els: list[Element], k: int, pos: int, joined: bool,
                  found: Match) -> bool:
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

    def _at(self, el: Element, pos: int, step: int) -> Iterator[tuple[int, list[Unit]]]:
        """Ways ``el`` matches starting at ``pos`` (step +1) or ending at ``pos`` (-1):
        (the other end, bound actor units)."""
        if el.kind == "word":
            seqs: Sequence[tuple[str, ...]] = self.index.split(el.value)
        elif el.kind == "synset":
            seqs = self.index.synsets.get(el.value, ())
        else:
            yield from self._special(el, pos, step)
            return
        edge = pos if step > 0 else pos - 1
        if not self.ctx.sent.start <= edge < self.ctx.sent.end:
            return
        if self.parsed_nouns and self.doc[edge].pos_ == "PROPN" \
                and self.ctx.actors.get(edge, NO_MENTION).codes:
            return  # a word of an actor's name ("North Atlantic Treaty Organization")
        word = self.ctx.word(edge)
        for seq in seqs:
            if (seq[0] if step > 0 else seq[-1]) != word:
                continue
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

    def _special(self, el: Element, pos: int, step: int) -> Iterator[tuple[int, list[Unit]]]:
        ctx = self.ctx
        i = pos if step > 0 else pos - 1
        limit = self.lower_end if step > 0 else self.vs
        if not (ctx.sent.start <= i < limit):
            return
        if el.kind == "skip":  # the rest of the noun phrase at pos
            chunk = ctx.chunk_of().get(i)  # computed once per sentence, when first asked
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


def _bind(found: Match, el: Element, units: list[Unit], upper: bool) -> None:
    if el.kind == "source":
        found.source = units
    elif el.kind == "target":
        found.target = units
    elif el.kind == "compound":
        found.compound, found.compound_upper = units, upper
