"""Stage 5b — quotations and their speakers, over a whole article.

The event coder works sentence by sentence; a quotation does not: it can run over several
sentences, be interrupted by its attribution ('"A," she said. "B."') and, as a running
quote (an opening mark and no closing one at the end of a paragraph, the next paragraph
opening again), run over paragraphs.  So quotations are found on the cleaned paragraph
texts, then attributed with the parses of the sentences they touch:

1. segments: quotation marks paired within each paragraph (a mark that can only close,
   with nothing open, is a stray and skipped); an unclosed one runs on when the next
   paragraph opens with a mark, else it ends with its paragraph;
2. direct quotations: a chain of running segments whose first mark starts its sentence or
   follows ``: , -`` or a speech verb ('said "..."').  A mark after any other word opens a
   partial quote ('called it "a disaster"'), which belongs to an indirect quote instead.
   Titles (every content word capitalised) and one- or two-word quotes that do not end in
   punctuation are not quotations;
3. the cue: the speech verb nearest the quotation outside any quotation marks, in the
   sentences the quotation touches, else in the sentence just before it (same paragraph,
   or the previous paragraph when it ends with a colon) or just after it (same paragraph);
   the speaker is its subject ("said Trump", "he told reporters", "according to X"),
   the noun phrase kept as written;
4. a quotation with no cue of its own continues the previous one when only that one's
   attribution stands between them ('"A," she said. "B."'; a paragraph of quotation after
   '"A," she told MSNBC.'), and takes the previous quotation's speaker when it opens its
   paragraph right after one;
5. speaker resolution: a speaker the knowledge base knows gets its actor code; a pronoun
   ("he", "they") or a definite noun phrase ("the newspaper", "the ministry") is resolved
   to the nearest earlier compatible mention (people for he/she, organisations for it,
   publications for "the newspaper", a ministry for "the ministry"), whose text becomes
   ``refers_to`` and whose code, when known, the speaker's code;
6. indirect quotes: the complement clause of a reporting verb ("X said (that) Y", "Y, X
   said") and the clause that "according to X" qualifies.

Offsets are mapped from the cleaned paragraphs back to the article text
(:class:`TextMap`); the headline has none.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Token

from blocwatch.coding.actors import UNKNOWN_COUNTRY
from blocwatch.coding.prefilter import SentencePlan
from blocwatch.coding.speakers import (
    Entity,
    QuoteSentence,
    entities,
    mention_index,
    resolve,
    span_text,
    speaker_token,
    speaker_tokens,
    unparsed_subject,
)
from blocwatch.records import Paragraph, Quote, Speaker
from blocwatch.text.clean import normalise
from blocwatch.text.forms import verb_forms

# Verbs that introduce a direct quotation ('"...," she said', 'he tweeted: "..."').
SPEECH_LEMMAS = frozenset({
    "say", "tell", "add", "state", "claim", "allege", "announce", "report", "insist", "warn",
    "declare", "assert", "note", "write", "reiterate", "argue", "suggest", "explain",
    "acknowledge", "confirm", "deny", "ask", "reply", "respond", "answer", "continue",
    "recall", "joke", "quip", "shout", "yell", "scream", "cry", "exclaim", "whisper",
    "mutter", "tweet", "post", "comment", "remark", "observe", "testify", "conclude",
    "concede", "admit", "complain", "contend", "maintain", "predict", "promise", "vow",
    "pledge", "stress", "emphasize", "emphasise", "urge", "plead", "boast", "caution",
    "scoff", "lament", "proclaim", "quote", "charge", "counter", "retort", "demand",
    "wonder", "muse", "agree", "accuse", "thunder", "chant", "sing"})
# Verbs whose complement clause is an indirect quote ("X said (that) Y").
REPORTING_LEMMAS = frozenset({
    "say", "tell", "state", "claim", "allege", "add", "announce", "report", "insist", "warn",
    "declare", "assert", "note", "write", "argue", "suggest", "believe", "think", "stress",
    "explain", "acknowledge", "confirm", "deny", "predict", "promise", "vow", "admit",
    "complain", "contend", "maintain", "reiterate", "charge", "tweet", "testify", "concede",
    "reveal", "indicate", "fear", "hope", "expect", "feel", "worry", "estimate", "recall",
    "conclude", "guess", "figure", "speculate", "emphasize", "emphasise", "respond", "reply",
    "counter", "signal", "agree", "ask"})
_SPEECH_FORMS = frozenset(f for lemma in SPEECH_LEMMAS | REPORTING_LEMMAS
                          for f in verb_forms(lemma)) | {"according"}
MIN_WORDS = 3  # a quotation of fewer words must end in punctuation to count (not a title)
# '"A," X said at a rally in Y last month. "B."' joins A and B: the attribution between
# them is (the rest of) one sentence of at most this many words.
MAX_ATTRIBUTION_WORDS = 40
_DIRECTION = {"\u201c": "open", "\u00ab": "open", "\u201e": "open",
              "\u201d": "close", "\u00bb": "close"}
_OPENERS = frozenset(" \t([{-/\u2014\u2013")
_MARK = '"'


# -- offsets: cleaned paragraphs back to the article text ----------------------------------
class TextMap:
    """Maps offsets in the cleaned paragraphs to offsets in the article text: each
    paragraph is looked for, in order, in the article text normalised character by
    character (the cleaner's normalisation, white space runs folded), which keeps the
    position each normalised character came from."""

    def __init__(self, text: str, paragraphs: Sequence[Paragraph]) -> None:
        chars: list[str] = []
        origin: list[int] = []
        cache: dict[str, str] = {}
        for i, ch in enumerate(text):
            if ch.isspace():
                if chars and chars[-1] != " ":
                    chars.append(" ")
                    origin.append(i)
                continue
            out = cache.get(ch)
            if out is None:
                out = cache[ch] = normalise(ch) if not ch.isascii() else ch
            for piece in out:
                chars.append(piece)
                origin.append(i)
        flat = "".join(chars)
        self._starts: dict[int, int] = {}
        self._origin = origin
        cursor = 0
        for para in paragraphs:
            if para.index < 0:
                continue
            found = flat.find(para.text, cursor)
            if found < 0:
                found = flat.find(unicodedata.normalize("NFC", para.text)[:40], cursor)
            if found >= 0:
                self._starts[para.index] = found
                cursor = found + len(para.text)

    def offset(self, paragraph: int, char: int, *, end: bool = False) -> int | None:
        """Article offset of ``char`` in paragraph ``paragraph`` (``end``: of the character
        before it, plus one: for the end of a span)."""
        start = self._starts.get(paragraph)
        if start is None:
            return None
        at = start + char - (1 if end else 0)
        if not 0 <= at < len(self._origin):
            return None
        return self._origin[at] + (1 if end else 0)


# -- what the extractor reads ----------------------------------------------------------------
def needs_parse(plan: SentencePlan) -> bool:
    """A sentence that can hold a quotation or a speech verb (parsed even when it cannot
    hold an event)."""
    return any(_MARK in w or w.lower() in _SPEECH_FORMS for w in plan.words)


def with_quote_sentences(plans: list[SentencePlan]) -> list[SentencePlan]:
    """The plans, with every sentence that :func:`needs_parse` marked for the parser."""
    return [replace(p, parse=True) if not p.parse and not p.too_long and needs_parse(p)
            else p for p in plans]


@dataclass(frozen=True)
class _Segment:
    """Quoted characters ``start:end`` of one paragraph (marks excluded); ``runs_on``: no
    closing mark, the quotation goes on in the next paragraph."""

    paragraph: int
    start: int
    end: int
    runs_on: bool = False


@dataclass(frozen=True)
class _Cue:
    verb: Token
    speaker: Token
    sentence: QuoteSentence
    at: int  # paragraph offset of the verb


@dataclass
class _Quotation:
    segments: list[_Segment]
    cue: _Cue | None = None
    carried: _Quotation | None = None  # speaker taken from this earlier quotation


# -- 1. segments --------------------------------------------------------------------------------
def _can_open(text: str, i: int) -> bool:
    return (i == 0 or text[i - 1] in _OPENERS) and i + 1 < len(text) \
        and not text[i + 1].isspace()


def _can_close(text: str, i: int) -> bool:
    return i > 0 and not text[i - 1].isspace()


Direction = Callable[[int, int], str | None]


def find_segments(paragraphs: Sequence[Paragraph],
                  direction: Direction | None = None) -> list[_Segment]:
    """Quoted segments of every paragraph, in order (see the module docstring, step 1).
    ``direction(paragraph, i)`` tells, when the article text still has it, whether the
    mark at ``i`` was an opening ("open": “ « „) or a closing one ("close": ” »): an
    opening mark inside a quotation then nests instead of closing it."""
    out: list[_Segment] = []
    for n, para in enumerate(paragraphs):
        text = para.text
        following = paragraphs[n + 1].text if n + 1 < len(paragraphs) else ""
        open_at: int | None = None
        depth = 0
        for i, ch in enumerate(text):
            if ch != _MARK:
                continue
            way = direction(para.index, i) if direction is not None else None
            if open_at is None:
                if way == "close" or (way is None and _can_close(text, i)
                                      and not _can_open(text, i)):
                    continue  # a stray closing mark
                open_at = i + 1
            elif way == "open":
                depth += 1  # a quotation inside the quotation
            elif depth:
                depth -= 1
            else:
                out.append(_Segment(para.index, open_at, i))
                open_at = None
        if open_at is not None:
            runs_on = para.index >= 0 and following.lstrip().startswith(_MARK)
            out.append(_Segment(para.index, open_at, len(text.rstrip()), runs_on))
    return [s for s in out if text_of(paragraphs, s).strip()]


def text_of(paragraphs: Sequence[Paragraph], seg: _Segment) -> str:
    para = next(p for p in paragraphs if p.index == seg.paragraph)
    return para.text[seg.start:seg.end]


def _chains(segments: list[_Segment], paragraphs: Sequence[Paragraph]) -> list[list[_Segment]]:
    """Segments joined into quotations: a running segment continues into the next
    paragraph's first segment when that one opens the paragraph."""
    chains: list[list[_Segment]] = []
    by_index = {p.index: p for p in paragraphs}
    for seg in segments:
        last = chains[-1][-1] if chains else None
        if last is not None and last.runs_on and seg.paragraph != last.paragraph \
                and by_index[seg.paragraph].text[:seg.start].strip() == _MARK:
            chains[-1].append(seg)
        else:
            chains.append([seg])
    return chains


# -- 2. direct or partial -------------------------------------------------------------------------
def _is_direct(chain: list[_Segment], paragraphs: Sequence[Paragraph],
               sentences: Sequence[QuoteSentence]) -> bool:
    first = chain[0]
    text = next(p for p in paragraphs if p.index == first.paragraph).text
    quoted = " ".join(text_of(paragraphs, s) for s in chain)
    words = quoted.split()
    content = [w for w in words if any(c.isalpha() for c in w) and len(w) > 3]
    if len(content) >= 2 and all(w[:1].isupper() for w in content) and len(words) <= 8:
        return False  # a title: "Make America Great Again"
    if len(words) < MIN_WORDS and quoted.rstrip()[-1:] not in ".,!?":
        return False
    sent = _sentence_at(sentences, first.paragraph, first.start - 1)
    before = text[sent.start if sent else 0:first.start - 1].rstrip()
    if not before or before[-1] in ":,;-\u2014\u2013.!?([":
        return True
    last_word = before.split()[-1].lower().strip(".,;:")
    if last_word not in _DIRECT_FORMS:
        return False
    # 'said "we will win."' is direct; 'said "it gets me mad" every time' is partial
    last = chain[-1]
    end = _sentence_at(sentences, last.paragraph, last.end)
    tail = next(p for p in paragraphs if p.index == last.paragraph).text[
        last.end + 1:end.end if end is not None else None]
    return not any(c.isalnum() for c in tail)


def _sentence_at(sentences: Sequence[QuoteSentence], paragraph: int,
                 char: int) -> QuoteSentence | None:
    for s in sentences:
        if s.paragraph == paragraph and s.start <= char < max(s.end, s.start + 1):
            return s
    return None


# -- 3. cues and speakers ----------------------------------------------------------------------
_DIRECT_FORMS = frozenset(f for lemma in SPEECH_LEMMAS for f in verb_forms(lemma))


def _speech_verb(tok: Token, direct: bool = True) -> bool:
    """A verb that can introduce a direct quotation (``direct``) or an indirect one; the
    surface form rescues a lemmatiser slip."""
    if tok.pos_ not in ("VERB", "AUX"):
        return False
    lemma = tok.lemma_.lower()
    lemmas, forms = (SPEECH_LEMMAS, _DIRECT_FORMS) if direct else (
        SPEECH_LEMMAS | REPORTING_LEMMAS, _SPEECH_FORMS)
    return lemma in lemmas or (tok.lower_ in forms and lemma not in ("be", "have", "do"))


def _cues(sent: QuoteSentence, outside: Sequence[tuple[int, int]],
          direct: bool = True) -> list[_Cue]:
    """Speech verbs of a parsed sentence outside the given paragraph ranges, with their
    speakers (``direct``: verbs that introduce direct quotations only)."""
    if sent.parsed is None:
        return []
    out = []
    inside = [(a, b) for a, b in outside if a < sent.end and b > sent.start]  # this sentence's
    for tok in sent.parsed:
        at = sent.start + tok.idx - sent.parsed.start_char
        if any(a <= at < b for a, b in inside):
            continue
        if tok.lower_ == "according" or _speech_verb(tok, direct):
            who = speaker_token(tok) or unparsed_subject(sent, tok, outside)
            if who is not None and not any(a <= sent.start + who.idx
                                           - sent.parsed.start_char < b
                                           for a, b in outside):
                out.append(_Cue(tok, who, sent, at))
    return out


class _Article:
    """One article's paragraphs, sentences and quoted ranges, for the steps below."""

    def __init__(self, paragraphs: Sequence[Paragraph], sentences: Sequence[QuoteSentence],
                 direction: Direction | None = None) -> None:
        self.paragraphs = paragraphs
        self.sentences = list(sentences)
        self.position = {id(s): n for n, s in enumerate(self.sentences)}
        self.text = {p.index: p.text for p in paragraphs}
        self.segments = find_segments(paragraphs, direction)
        self.quoted: dict[int, list[tuple[int, int]]] = {}
        for seg in self.segments:  # the marks too
            self.quoted.setdefault(seg.paragraph, []).append((seg.start - 1, seg.end + 1))

    def sentence(self, paragraph: int, char: int) -> QuoteSentence | None:
        return _sentence_at(self.sentences, paragraph, char)

    def neighbour(self, sent: QuoteSentence, step: int) -> QuoteSentence | None:
        n = self.position[id(sent)] + step
        return self.sentences[n] if 0 <= n < len(self.sentences) else None

    def span(self, first: QuoteSentence, last: QuoteSentence) -> list[QuoteSentence]:
        return self.sentences[self.position[id(first)]:self.position[id(last)] + 1]

    def cues(self, sent: QuoteSentence, also: Sequence[tuple[int, int]] = ()) -> list[_Cue]:
        return _cues(sent, [*self.quoted.get(sent.paragraph, []), *also])


# -- 3. attribution -----------------------------------------------------------------------------
def _bounds(art: _Article, q: _Quotation) -> tuple[QuoteSentence | None, QuoteSentence | None]:
    first, last = q.segments[0], q.segments[-1]
    return (art.sentence(first.paragraph, first.start),
            art.sentence(last.paragraph, max(last.start, last.end - 1)))


def _own_cue(art: _Article, q: _Quotation,
             exclude: Sequence[tuple[int, int]] = ()) -> _Cue | None:
    """The cue nearest the quotation in the sentences it touches, else in the sentence
    before or after it (module docstring, step 3)."""
    s0, s1 = _bounds(art, q)
    if s0 is None or s1 is None:
        return None
    first, last = q.segments[0], q.segments[-1]

    def distance(cue: _Cue) -> int:
        if cue.sentence.paragraph == first.paragraph and cue.at < first.start:
            return first.start - cue.at
        if cue.sentence.paragraph == last.paragraph and cue.at >= last.end:
            return cue.at - last.end
        return 10_000

    inside = [c for s in art.span(s0, s1) for c in art.cues(s, exclude)]
    if inside:
        return min(inside, key=distance)
    colon = _colon_cue(art, s0, first)
    if colon is not None:
        return colon
    before, after = art.neighbour(s0, -1), art.neighbour(s1, 1)
    ends_colon = before is not None and art.text[before.paragraph][
        before.start:before.end].rstrip().endswith(":")
    if ends_colon and before is not None:
        introduced = _colon_cue(art, before, None)
        if introduced is not None:
            return introduced
    if before is not None and (before.paragraph == s0.paragraph or ends_colon):
        found = art.cues(before, exclude)
        if found:
            return found[-1]
    if after is not None and after.paragraph == s1.paragraph:
        found = art.cues(after, exclude)
        if found:
            return found[0]
    return None


def _colon_cue(art: _Article, sent: QuoteSentence, first: _Segment | None) -> _Cue | None:
    """'She then addressed the supporters: "..."': the verb of the clause before the
    colon that introduces the quotation (in the sentence, or ending it when ``first`` is
    None), with its subject."""
    if sent.parsed is None:
        return None
    base = sent.start - sent.parsed.start_char
    limit = first.start - 1 if first is not None else sent.end
    colons = [t for t in sent.parsed if t.text == ":" and base + t.idx < limit
              and not art.text[sent.paragraph][base + t.idx + 1:limit].strip()]
    if not colons:
        return None
    colon = colons[-1]
    verbs = [t for t in sent.parsed if t.i < colon.i and t.pos_ in ("VERB", "AUX")
             and t.dep_ not in ("relcl", "advcl", "acl", "xcomp", "pcomp")]  # not "where ...:"
    if not verbs:
        return None
    said = [t for t in verbs if any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children)]
    verb = (said or verbs)[-1]  # the clause just before the colon
    who = speaker_token(verb)
    if who is None:
        return None
    return _Cue(verb, who, sent, base + verb.idx)


def _between(art: _Article, q1: _Quotation, q2: _Quotation) -> tuple[int, int] | None:
    """The paragraph range of q1's paragraph between the end of q1 and q2 (to the end of
    the paragraph when q2 opens the next one); None when they are not that close."""
    end, start = q1.segments[-1], q2.segments[0]
    if start.paragraph == end.paragraph:
        return end.end + 1, start.start - 1
    p1 = [p.index for p in art.paragraphs]
    if start.paragraph in p1 and end.paragraph in p1 and \
            p1.index(start.paragraph) == p1.index(end.paragraph) + 1 and \
            art.text[start.paragraph][:start.start].strip() == _MARK:
        return end.end + 1, len(art.text[end.paragraph])
    return None


def _continues(art: _Article, q1: _Quotation, q2: _Quotation) -> bool:
    """Whether q2 goes on with q1: only q1's attribution stands between them and q2 has
    no cue of its own."""
    gap = _between(art, q1, q2)
    if gap is None or q1.cue is None:
        return False
    para = q1.segments[-1].paragraph
    if not (q1.cue.sentence.paragraph == para and gap[0] <= q1.cue.at < gap[1]):
        return False
    words = art.text[para][gap[0]:gap[1]]
    cue_sent = q1.cue.sentence
    if _MARK in words or len(words.split()) > MAX_ATTRIBUTION_WORDS or not (
            cue_sent.start <= gap[0] and gap[1] <= cue_sent.end + 2
            or q2.segments[0].paragraph != para and gap[0] >= cue_sent.start):
        return False
    return _own_cue(art, q2, exclude=[gap] if q2.segments[0].paragraph == para else ()) \
        is None


def attribute(art: _Article) -> list[_Quotation]:
    """Direct quotations with their cues, continued ones merged (steps 2 to 4)."""
    out: list[_Quotation] = []
    for chain in _chains(art.segments, art.paragraphs):
        if not _is_direct(chain, art.paragraphs, art.sentences):
            continue
        q = _Quotation(list(chain))
        prev = out[-1] if out else None
        if prev is not None and _continues(art, prev, q):
            prev.segments += q.segments
            continue
        q.cue = _own_cue(art, q)
        if q.cue is None and prev is not None and _opens_paragraph(art, q) \
                and _next_to(art, prev, q):
            q.carried = prev.carried or prev
        out.append(q)
    return out


def _opens_paragraph(art: _Article, q: _Quotation) -> bool:
    first = q.segments[0]
    return art.text[first.paragraph][:first.start].strip() == _MARK


def _next_to(art: _Article, prev: _Quotation, q: _Quotation) -> bool:
    order = [p.index for p in art.paragraphs]
    a, b = order.index(prev.segments[-1].paragraph), order.index(q.segments[0].paragraph)
    return 0 <= b - a <= 1


def make_speaker(art: _Article, cue: _Cue, known: Sequence[Entity]) -> Speaker:
    tokens = speaker_tokens(cue.speaker)
    text = span_text(tokens)
    mention = mention_index(cue.sentence).get(cue.speaker.i)
    code = mention.code if mention is not None else None
    if code is not None and code.startswith(UNKNOWN_COUNTRY):
        code = None  # "the minister" of no known country: an antecedent may tell more
    entity = None
    if mention is None or cue.speaker.pos_ in ("PRON", "NOUN"):
        entity = resolve(tokens, cue.sentence, art.position[id(cue.sentence)], known)
    if entity is not None and code is None:
        code = entity.code
    return Speaker(code or None, text, entity.text if entity else None)


# -- 6. indirect quotes ---------------------------------------------------------------------------
def _clause_range(sent: QuoteSentence, first: Token, last: Token) -> tuple[int, int]:
    base = sent.start - sent.parsed.start_char if sent.parsed is not None else sent.start
    return base + first.idx, base + last.idx + len(last.text)


def indirect(art: _Article, sent: QuoteSentence) -> list[tuple[_Cue, tuple[int, int]]]:
    """(cue, paragraph range of the reported clause) of one sentence (step 6)."""
    if sent.parsed is None:
        return []
    out = []
    quoted = art.quoted.get(sent.paragraph, [])
    for cue in _cues(sent, quoted, direct=False):
        verb = cue.verb
        if verb.lower_ == "according":
            rng = _according_clause(sent, verb)
        else:
            if verb.lemma_.lower() not in REPORTING_LEMMAS:
                continue
            clauses = [c for c in verb.children if c.dep_ == "ccomp"]
            if not clauses:
                continue
            rng = _clause_range(sent, clauses[0].left_edge, clauses[0].right_edge)
        if rng is None or len(art.text[sent.paragraph][rng[0]:rng[1]].split()) < 3:
            continue
        if any(a <= cue.at < b for a, b in [rng]) or _covered(rng, quoted):
            continue
        out.append((cue, rng))
    return out


def _covered(rng: tuple[int, int], quoted: Sequence[tuple[int, int]]) -> bool:
    """Most of the clause lies inside quotation marks (a direct quotation)."""
    inside = sum(max(0, min(b, rng[1]) - max(a, rng[0])) for a, b in quoted)
    return inside > (rng[1] - rng[0]) / 2


def _according_clause(sent: QuoteSentence, according: Token) -> tuple[int, int] | None:
    """The sentence without its "according to X" phrase (and the commas around it)."""
    parsed = sent.parsed
    if parsed is None:
        return None
    phrase = list(according.subtree)
    lo, hi = phrase[0].i, phrase[-1].i
    tokens = [t for t in parsed if not lo <= t.i <= hi]
    left = [t for t in tokens if t.i < lo]
    right = [t for t in tokens if t.i > hi]
    part = right if len(right) > len(left) else left
    part = [t for t in part if not t.is_punct or t.text in ("%", "$")]
    if not part:
        return None
    return _clause_range(sent, part[0], part[-1])


# -- the article's quotes ------------------------------------------------------------
def article_quotes(doc_id: str, text: str, paragraphs: Sequence[Paragraph],
                   sentences: Sequence[QuoteSentence]) -> list[Quote]:
    """Every quotation of an article, direct and indirect, in text order, one record per
    quotation, offsets into ``text`` (the article text the paragraphs were cleaned from)."""
    if not any(_MARK in p.text for p in paragraphs) and not any(
            s.parsed is not None and any(_speech_verb(t, False) or t.lower_ == "according"
                                         for t in s.parsed) for s in sentences):
        return []
    where = TextMap(text, paragraphs)
    art = _Article(paragraphs, sentences, lambda para, i: _DIRECTION.get(
        text[at] if (at := where.offset(para, i)) is not None and at < len(text) else ""))
    known = entities(art.sentences)
    found: list[tuple[tuple[int, int], Quote]] = []
    taken: dict[int, list[tuple[int, int]]] = {}
    for q in attribute(art):
        cue = q.cue or (q.carried.cue if q.carried is not None else None)
        s0, _ = _bounds(art, q)
        if cue is None or s0 is None:
            continue  # a quotation nobody is said to speak
        first, last = q.segments[0], q.segments[-1]
        words = " ".join(art.text[s.paragraph][s.start:s.end].strip() for s in q.segments)
        found.append(((art.position[id(s0)], first.start), Quote(
            doc_id, s0.index, words, make_speaker(art, cue, known),
            where.offset(first.paragraph, first.start),
            where.offset(last.paragraph, last.end, end=True), "direct", _cue_text(cue))))
        for seg in q.segments:
            taken.setdefault(seg.paragraph, []).append((seg.start, seg.end))
    for n, sent in enumerate(art.sentences):
        for cue, (a, b) in indirect(art, sent):
            if _covered((a, b), taken.get(sent.paragraph, [])):
                continue
            words = art.text[sent.paragraph][a:b]
            found.append(((n, a), Quote(
                doc_id, sent.index, words, make_speaker(art, cue, known),
                where.offset(sent.paragraph, a), where.offset(sent.paragraph, b, end=True),
                "indirect", _cue_text(cue))))
    return [q for _, q in sorted(found, key=lambda pair: pair[0])]


def _cue_text(cue: _Cue) -> str:
    return "according to" if cue.verb.lower_ == "according" else cue.verb.text
