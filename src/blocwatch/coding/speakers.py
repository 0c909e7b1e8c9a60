"""Speakers of quotations: who the subject of an attribution verb is, the words that
name them, and what a pronoun or a description ("he", "the newspaper", "the ministry")
stands for.  Used by :mod:`blocwatch.coding.quotes`; no parse of its own, only the coder's.

- :func:`speaker_token`: the subject of a speech verb, with the parser's slips mended (two
  subjects, relative "who", participles, "was quoted as saying", "according to X");
  :func:`unparsed_subject` when the parser found none;
- :func:`speaker_tokens`: the speaker's words as written (appositions and relative
  clauses included up to ``MAX_SPEAKER_WORDS``), never into a quotation;
- :func:`entities` and :func:`resolve`: names an article mentions (knowledge-base
  mentions, proper nouns, capitalised runs in sentences not parsed), typed person,
  organisation or either by rule (titles, organisation words, the knowledge base), and the
  nearest compatible earlier one for a pronoun or a definite description.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Span, Token

from blocwatch.coding.actors import UNKNOWN_COUNTRY, Mention
from blocwatch.text.frames import subject

PERSON_PRONOUNS = frozenset({"he", "she", "i"})
GROUP_PRONOUNS = frozenset({"it", "they", "we"})
# Head nouns of a definite speaker ("the newspaper") and the organisations they fit.
PUBLICATION_NOUNS = frozenset({"newspaper", "paper", "daily", "weekly", "magazine",
                               "tabloid", "publication", "outlet", "network", "broadcaster",
                               "channel", "site", "website", "agency"})
ORG_NOUNS = frozenset({"ministry", "department", "government", "agency", "committee",
                       "campaign", "company", "group", "organisation", "organization",
                       "office", "party", "council", "commission", "administration",
                       "embassy", "spokesman", "spokeswoman", "spokesperson", "firm",
                       "bank", "court", "army", "military", "police", "union", "board",
                       "institute", "foundation", "association", "network", "team",
                       "coalition", "alliance", "regime", "kremlin", "pentagon"}) \
    | PUBLICATION_NOUNS
# Words that make a capitalised name an organisation rather than a person.
ORG_NAME_WORDS = frozenset({
    "post", "times", "journal", "news", "herald", "tribune", "daily", "gazette",
    "telegraph", "guardian", "mail", "observer", "economist", "press", "review", "agency",
    "ministry", "department", "committee", "party", "campaign", "council", "commission",
    "office", "network", "association", "institute", "foundation", "group", "corp", "inc",
    "university", "court", "congress", "senate", "house", "administration", "government",
    "bank", "fund", "union", "league", "center", "centre", "organization", "organisation",
    "reuters", "cnn", "bbc", "fox", "msnbc", "abc", "nbc", "cbs", "npr", "afp", "ap",
    "breitbart", "politico", "magazine", "radio", "television", "tv", "media", "channel",
    "kcna", "xinhua", "tass", "yonhap", "army", "navy", "police", "embassy", "kremlin",
    "pentagon", "white", "state", "states", "nations", "alliance", "coalition", "board"})
PERSON_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "sen", "rep", "gov", "president",
                           "senator", "governor", "secretary", "minister", "prime", "judge",
                           "general", "gen", "col", "lt", "sgt", "adm", "rev", "pope",
                           "king", "queen", "prince", "princess", "chancellor", "mayor",
                           "ambassador", "spokesman", "spokeswoman", "congressman",
                           "congresswoman", "candidate", "former", "professor", "prof"})
# A speaker phrase with appositions and relative clauses is kept whole up to this many
# words ("Robert Klein, chairman of the California Institute for Regenerative Medicine");
# longer, only the words up to its head.
MAX_SPEAKER_WORDS = 22

_PREPOSITIONS = frozenset({"in", "at", "on", "of", "to", "with", "for", "from", "by", "after",
                          "before", "during", "about", "against", "over", "under", "near"})
_MARK = '"'


@dataclass(frozen=True)
class QuoteSentence:
    """One sentence as the coder saw it: its index (-1 the headline), its paragraph
    (``Paragraph.index``), its character range in the paragraph text, its parse when it
    was parsed (else ``tokens``, its words unparsed), and its actor mentions (token indices
    into ``parsed.doc``; for a sentence not parsed, its knowledge-base names over
    ``tokens.doc``)."""

    index: int
    paragraph: int
    start: int
    end: int
    parsed: Span | None
    mentions: tuple[Mention, ...] = ()
    tokens: Span | None = None


def speaker_token(verb: Token) -> Token | None:
    """The subject of a speech verb ("said Trump", "Trump, who ..., said"), the agent of
    a passive one, or the subject of "quoted" in "was quoted as saying"."""
    own = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
    if own:  # the parser may give a verb two: the nearer one speaks
        subj = min(own, key=lambda c: abs(c.i - verb.i))
        if subj.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
            return verb.head  # "X, who said ..."
        return subj
    if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "xcomp"):
        # 'X interrupted her, shouting "..."': the clause just before speaks
        for tok in reversed(verb.doc[verb.sent.start:verb.i]):
            subj_of = [c for c in tok.children if c.dep_ == "nsubj"]
            if tok.pos_ in ("VERB", "AUX") and subj_of:
                return subj_of[0]
    inherited, _ = subject(verb)
    if inherited is not None:
        return inherited
    if verb.lower_ == "according":
        return _according_object(verb)
    head = verb.head
    if verb.dep_ == "pcomp" and head.lower_ == "as" and head.head.lemma_ == "quote":
        subj_pass = [c for c in head.head.children if c.dep_ == "nsubjpass"]
        return subj_pass[0] if subj_pass else None
    return None


def _according_object(tok: Token) -> Token | None:
    for child in tok.children:
        if child.lower_ == "to":
            objs = [c for c in child.children if c.dep_ == "pobj"]
            return objs[0] if objs else None
    doc = tok.doc
    if tok.i + 2 < len(doc) and doc[tok.i + 1].lower_ == "to":
        return doc[tok.i + 2] if doc[tok.i + 2].pos_ in ("PROPN", "NOUN", "PRON") else None
    return None


def unparsed_subject(sent: QuoteSentence, verb: Token,
                      outside: Sequence[tuple[int, int]]) -> Token | None:
    """The speaker of a speech verb the parser left without a subject: the first noun
    after the quotation that ends before the verb ('"...," Brent Bozell III, founder of
    X, tells ...'), else the noun just before the verb; raised to the head of its phrase."""
    assert sent.parsed is not None
    base = sent.start - sent.parsed.start_char
    ends = [b for a, b in outside if b <= base + verb.idx]
    lo = max(ends) if ends else None
    before = [t for t in sent.parsed if t.i < verb.i]
    if lo is not None:
        region = [t for t in before if base + t.idx >= lo]
        first = next((t for t in region if t.pos_ in ("PROPN", "NOUN", "PRON")), None)
    else:
        region = before
        first = next((t for t in reversed(region) if not t.is_punct), None)
    if first is None or first.pos_ not in ("PROPN", "NOUN", "PRON"):
        return None
    inside = {t.i for t in region}
    while first.head.i in inside and first.head.i != first.i and (
            first.dep_ in ("compound", "flat", "amod", "nmod", "poss")
            or (first.dep_ == "appos" and first.head.dep_ not in ("pobj", "dobj"))):
        first = first.head
    return first


def speaker_tokens(tok: Token) -> list[Token]:
    """The words of the speaker's noun phrase as written: the whole subtree of its head,
    appositions and relative clauses included ("Robert Klein, chairman of ...,"), without
    punctuation at its edges."""
    if tok.pos_ == "PRON":
        return [tok]
    tokens = list(tok.subtree)
    marks = [n for n, t in enumerate(tokens) if _MARK in t.text or t.is_quote]
    if marks:  # never into a quotation: 'supporters saying: "..."'
        cut = [n for n in marks if n > tokens.index(tok)]
        tokens = tokens[:cut[0]] if cut else tokens[max(marks) + 1:] or [tok]
    if len(tokens) > MAX_SPEAKER_WORDS:  # a long description: the name and its modifiers
        tokens = [t for t in tokens if t.i <= tok.i and t.i >= tok.left_edge.i]
    while len(tokens) > 1 and tokens[-1].is_punct and tokens[-1].text not in (")", "]"):
        tokens.pop()
    while len(tokens) > 1 and tokens[0].is_punct:
        tokens.pop(0)
    return tokens


def span_text(tokens: list[Token]) -> str:
    doc = tokens[0].doc
    return doc[tokens[0].i:tokens[-1].i + 1].text


# -- 5. speaker resolution ----------------------------------------------------------------------
@dataclass(frozen=True)
class Entity:
    """A name an article mentions, as a possible antecedent: its text, type (``person``,
    ``org`` or ``any``), actor code when known, where it stands and whether it heads a
    subject."""

    text: str
    type: str
    code: str | None
    order: tuple[int, int]  # (sentence position, token index)
    is_subject: bool


def mention_index(sent: QuoteSentence) -> dict[int, Mention]:
    return {i: m for m in sent.mentions for i in range(m.start, m.end) if not m.locative}


def _name_type(tokens: Sequence[Token], mention: Mention | None) -> str:
    if mention is not None:
        return "person" if mention.kind == "person" else "org"
    words = [t.lower_.strip(".") for t in tokens]
    if any(w in ORG_NAME_WORDS for w in words) or any(
            t.text.isupper() and len(t.text) > 1 for t in tokens):
        return "org"
    doc = tokens[0].doc
    before = doc[tokens[0].i - 1].lower_.strip(".") if tokens[0].i > 0 else ""
    if before in PERSON_TITLES or words[0] in PERSON_TITLES:
        return "person"
    names = [t for t in tokens if t.pos_ == "PROPN" or (not t.pos_ and _capitalised(t))]
    return "person" if len(names) >= 2 else "any"


def entities(sentences: Sequence[QuoteSentence]) -> list[Entity]:
    """Names of an article's sentences in order: knowledge-base mentions and capitalised
    names (proper-noun heads; runs of capitalised words where there is no parse)."""
    out: list[Entity] = []
    for n, sent in enumerate(sentences):
        if sent.parsed is None:
            out += _unparsed_entities(n, sent)
            continue
        index = {i: m for i, m in mention_index(sent).items()
                 if not m.code.startswith(UNKNOWN_COUNTRY)}  # "---MED": a name still
        for tok in sent.parsed:
            mention = index.get(tok.i)
            head_of_name = tok.pos_ == "PROPN" and tok.dep_ not in ("compound", "flat")
            if mention is not None and tok.i != mention.end - 1:
                continue
            if mention is None and not head_of_name:
                continue
            tokens = _name_tokens(tok) if mention is None else list(
                tok.doc[mention.start:mention.end])
            out.append(Entity(span_text(tokens), _name_type(tokens, mention),
                               mention.code if mention else None, (n, tok.i),
                               tok.dep_ in ("nsubj", "nsubjpass")))
    return _known_people(out)


def _unparsed_entities(n: int, sent: QuoteSentence) -> list[Entity]:
    """Names of a sentence that was not parsed: its knowledge-base mentions and runs of
    capitalised words (not one alone at the start); the first before any preposition is
    taken for the subject."""
    if sent.tokens is None:
        return []
    doc, out = sent.tokens.doc, list[Entity]()
    index = {m.start: m for m in sent.mentions if not m.locative}
    i, prep = sent.tokens.start, False
    while i < sent.tokens.end:
        m = index.get(i)
        j = m.end if m is not None else i
        while m is None and j < sent.tokens.end and _capitalised(doc[j]):
            j += 1
        if j > i and (m is not None or j - i > 1 or i > sent.tokens.start):
            tokens = list(doc[i:j])
            out.append(Entity(span_text(tokens), _name_type(tokens, m),
                               m.code if m is not None else None, (n, j - 1),
                               not prep and not out))
        prep |= doc[i].pos_ == "ADP" or doc[i].lower_ in _PREPOSITIONS
        i = max(j, i + 1)
    return out


def _capitalised(tok: Token) -> bool:
    return tok.text[:1].isupper() and (tok.is_alpha or tok.text.endswith(".")) \
        and not tok.is_stop


def _name_tokens(tok: Token) -> list[Token]:
    """A proper name: its head and the compound words just before it ("Jeff Weaver")."""
    start = tok.i
    while start > 0 and tok.doc[start - 1].dep_ in ("compound", "flat") \
            and tok.doc[start - 1].head.i >= tok.i and tok.doc[start - 1].pos_ == "PROPN":
        start -= 1
    if start > 0 and tok.doc[start - 1].lower_ == "the":
        start -= 1  # "The Washington Post"
    return list(tok.doc[start:tok.i + 1])


def _known_people(found: list[Entity]) -> list[Entity]:
    """A one-word name ("Trump") is a person when a longer person name ends with it."""
    surnames = {e.text.split()[-1] for e in found if e.type == "person"}
    return [replace(e, type="person") if e.type == "any" and e.text in surnames else e
            for e in found]


def _compatible(word: str, head: Token, entity: Entity) -> bool:
    if word in PERSON_PRONOUNS:
        return entity.type in ("person", "any")
    if word in GROUP_PRONOUNS:
        return entity.type in ("org", "any")
    lemma = head.lemma_.lower()
    if entity.type == "person":
        return False
    if lemma in PUBLICATION_NOUNS:
        return entity.type == "org" and (entity.code is None and any(
            w.lower() in ORG_NAME_WORDS for w in entity.text.split()))
    return entity.type == "org" and (lemma not in ("ministry", "department")
                                     or lemma in entity.text.lower() or entity.code is not None)


def resolve(tokens: list[Token], sent: QuoteSentence, position: int,
            known: Sequence[Entity], window: int = 6) -> Entity | None:
    """The nearest earlier compatible entity for a pronoun or a definite noun phrase
    ("the newspaper"): a subject within ``window`` sentences first, else any."""
    head = tokens[-1] if tokens[-1].pos_ != "PRON" else tokens[0]
    head = next((t for t in tokens if t.dep_ in ("nsubj", "nsubjpass", "pobj")), head)
    word = head.lower_
    definite = tokens[0].lower_ in ("the", "this", "that") and \
        head.lemma_.lower() in ORG_NOUNS and head.pos_ == "NOUN"
    if not (word in PERSON_PRONOUNS | GROUP_PRONOUNS or definite):
        return None
    here = (position, head.i)
    earlier = [e for e in known if e.order < here and _is_name(e.text)
               and _compatible(word, head, e)]
    if definite:  # "the ministry": a name with "ministry" in it first
        named = [e for e in earlier if head.lemma_.lower() in e.text.lower()]
        earlier = named or earlier
    near = [e for e in earlier if e.is_subject and position - e.order[0] <= window]
    pool = near or earlier
    return pool[-1] if pool else None


def _is_name(text: str) -> bool:
    """A name, not a description ("the ministry") an antecedent could itself need."""
    words = text.split()
    if words and words[0].lower() in ("the", "this", "that", "it", "its"):
        words = words[1:]
    return any(w[:1].isupper() for w in words)
