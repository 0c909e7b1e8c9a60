"""Stage 5 — modality, attribution and quotes.

Modality of an event's verb, checked in this order:
- ``negated``: a negation on the verb ("did not refer", "never attacked") or on a verb
  above a chain of to-infinitives ("did not send troops to attack"), "no" on its object
  ("provided no evidence"), a denying verb above it ("denied attacking", "failed to"), or
  "is unable to";
- ``hypothetical``: a modal of possibility ("may be preparing", "could strike") or a
  condition ("if deemed necessary") on the verb or the clauses above it, or "is
  (un)likely to";
- ``intended``: the verb is the infinitive of an intention verb ("plans to form",
  "offered to meet", "vowed to attack"; "is expected/set/due/ready to"), carries
  "will"/"going to", or its lexicon entry is an offer, promise or threat;
- otherwise ``asserted``.

Under an intention verb a cooperative act becomes CAMEO's "express intent" code (meet ->
036, military cooperation -> 0312) and an attack a threat (190 -> 138): :func:`intent_code`.

Attribution: an event inside the complement of a speech or claim verb ("A said B attacked
C", "A accused B of ...") or inside a quotation attributed to a speaker carries that
speaker's actor code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from blocwatch.text import frames
from blocwatch.text.frames import RAISING

INTENT_VERBS = frozenset({"plan", "intend", "aim", "want", "seek", "hope", "offer", "promise",
                          "pledge", "vow", "agree", "decide", "propose", "prepare", "expect",
                          "threaten", "wish", "resolve", "commit", "vote", "move", "plot",
                          "conspire", "scheme"})
# Verbs whose complement is only asked for, demanded or warned against.
APPEAL_VERBS = frozenset({"urge", "call", "press", "pressure", "ask", "demand", "appeal",
                          "warn", "invite", "encourage", "request", "implore", "exhort",
                          "insist"})
# Verbs whose to-infinitive is only ordered: "told its fighters to attack", "ordered
# troops to withdraw" (the order is the event; whether it was carried out is not said).
DIRECTIVE_VERBS = frozenset({"tell", "order", "instruct", "direct", "command"})
NEGATING_VERBS = frozenset({"deny", "fail", "refuse", "decline", "avoid", "reject"})
HYPOTHETICAL_AUX = frozenset({"may", "might", "could", "would", "should", "can", "must"})
CONDITION_MARKS = frozenset({"if", "unless", "whether"})
SPEECH_VERBS = frozenset({"say", "tell", "state", "claim", "allege", "add", "announce",
                          "report", "accuse", "insist", "warn", "declare", "assert", "note",
                          "write", "reiterate", "argue", "suggest", "believe", "charge",
                          "stress", "explain", "acknowledge", "confirm", "deny", "blame",
                          "condemn", "criticize", "criticise", "denounce"})

_INTENT_BY_CODE = {
    "04": "036", "040": "036", "041": "036", "042": "036", "043": "036", "044": "036",
    "046": "036", "045": "039", "05": "032", "050": "032", "051": "032", "057": "032",
    "06": "031", "060": "031", "061": "0311", "062": "0312", "063": "0313", "064": "0314",
    "07": "033", "070": "033", "071": "0331", "072": "0332", "073": "0333", "074": "0334",
    "08": "035", "080": "035", "081": "0351", "0841": "0353", "085": "0354", "087": "0356",
    "0871": "0356", "0872": "0356", "0873": "0356", "0874": "0356",
    "16": "1313", "160": "1313", "161": "1313", "163": "1312", "164": "134",
    "17": "137", "170": "137", "173": "137", "18": "138", "180": "138", "181": "138",
    "186": "138", "19": "138", "190": "138", "191": "1381", "192": "1382", "195": "1384",
    "052": "032", "053": "032", "054": "032", "055": "032", "056": "032",
    "086": "0355", "0861": "0355", "0862": "0355", "162": "1311", "166": "136", "175": "137",
    "193": "1384", "194": "1384", "196": "138", "171": "137", "172": "137", "174": "137",
    "200": "1385", "201": "1385", "202": "1385", "203": "1385", "2041": "1385",
    "2042": "1385",
    "20": "1385", "204": "1385", "15": "138", "154": "138",
}
_QUOTE = re.compile(r'"([^"]{2,})"')


def intent_code(code: str) -> str:
    """The CAMEO code of an act announced rather than done."""
    return _INTENT_BY_CODE.get(code, code)


def _clause_chain(verb: Token, limit: int = 5) -> list[Token]:
    """The verb and the verbs above it through infinitive/conjunct/adverbial links."""
    chain, tok = [verb], verb
    for _ in range(limit):
        if tok.dep_ not in ("xcomp", "conj", "advcl", "pcomp", "prep", "acl") or tok.head is tok:
            break
        tok = tok.head
        chain.append(tok)
    return chain


REFUSING_VERBS = frozenset({"refuse", "decline", "reject"})
ATTEMPT_VERBS = frozenset({"try", "attempt"})
_REFUSAL_BY_CODE = {"0841": "1243", "084": "1243", "087": "1246", "085": "1244",
                    "081": "1241", "086": "1245", "0861": "1245", "0862": "1245",
                    "04": "125", "06": "121", "07": "122", "05": "120", "03": "120"}
_ATTEMPT_BY_CODE = {"186": "185"}


def refusal_code(code: str) -> str:
    """"refused to release" is a rejection: CAMEO 12x by what was refused."""
    return _REFUSAL_BY_CODE.get(code, _REFUSAL_BY_CODE.get(code[:2], "120"))


def attempt_code(code: str) -> str:
    return _ATTEMPT_BY_CODE.get(code, code)


def _lemma(tok: Token) -> str:
    lemma = tok.lemma_.lower()
    return {"hop": "hope", "stag": "stage"}.get(lemma, lemma)  # lemmatiser slips


def code_shift(verb: Token) -> str | None:
    """'refusal' under refuse/decline, 'attempt' under try/attempt, else None."""
    if verb.dep_ == "xcomp":
        head = _lemma(verb.head)
        if head in REFUSING_VERBS:
            return "refusal"
        if head in ATTEMPT_VERBS:
            return "attempt"
    return None


def _infinitive(tok: Token) -> bool:
    return tok.dep_ in ("xcomp", "advcl") and frames.to_infinitive(tok)


def _negated_above(verb: Token) -> bool:
    """A negation on a verb above a chain of to-infinitives: "did not send troops to
    attack", "didn't go there to kill", "did not agree to meet"."""
    tok = verb
    while _infinitive(tok) and tok.head is not tok:
        tok = tok.head
        if any(c.dep_ == "neg" for c in tok.children):
            return True
    return False


def _no_object(verb: Token) -> bool:
    """The act's object denied by "no": "has provided no evidence", "offered no support",
    "made no attempt to"."""
    return any(c.dep_ in ("dobj", "nsubjpass") and any(
        d.dep_ == "det" and d.lower_ == "no" for d in c.children) for c in verb.children)


def modality(verb: Token, entry_modality: str | None) -> tuple[str, bool]:
    """(modality, under_intent_verb) of the event whose verb is ``verb``."""
    chain = _clause_chain(verb)
    if any(c.dep_ == "neg" for c in verb.children) or _negated_above(verb) \
            or _no_object(verb):
        return "negated", False
    if code_shift(verb) is not None:
        return "asserted", False  # the refusal or attempt itself happened
    for upper in chain[1:]:
        if upper.lemma_.lower() in NEGATING_VERBS and verb.dep_ in ("xcomp", "pcomp"):
            return "negated", False
    for tok in chain:
        if any(c.dep_ == "aux" and c.lower_ in HYPOTHETICAL_AUX for c in tok.children):
            return "hypothetical", False
        if any(c.dep_ == "mark" and c.lower_ in CONDITION_MARKS for c in tok.children):
            return "hypothetical", False
        if tok.dep_ == "advcl" and any(c.lower_ in CONDITION_MARKS for c in tok.children):
            return "hypothetical", False
    if verb.dep_ == "xcomp" and _lemma(verb.head) in RAISING:  # "is set/likely to"
        mood = RAISING[_lemma(verb.head)]
        return mood, mood == "intended"
    if verb.dep_ == "xcomp" and _lemma(verb.head) in INTENT_VERBS:
        return "intended", True
    if any(c.dep_ == "aux" and c.lower_ in ("will", "'ll", "shall") for c in verb.children):
        return "intended", True  # future acts take CAMEO's intent and threat codes
    return (entry_modality or "asserted"), False


def speech_governor(verb: Token) -> Token | None:
    """The speech/claim verb whose complement contains ``verb``, if any."""
    tok = verb
    for _ in range(6):
        if tok.head is tok:
            return None
        dep, tok = tok.dep_, tok.head
        if tok.lemma_.lower() in SPEECH_VERBS and dep in ("ccomp", "pcomp", "prep", "advcl",
                                                         "conj", "xcomp", "parataxis"):
            return tok
    return None


@dataclass(frozen=True)
class QuoteSpan:
    start: int  # character offsets into the sentence
    end: int
    text: str


def quote_spans(sent: Span) -> list[QuoteSpan]:
    """Quoted passages of three or more words in the sentence."""
    out = []
    for m in _QUOTE.finditer(sent.text):
        if len(m.group(1).split()) >= 3:
            out.append(QuoteSpan(m.start(1), m.end(1), m.group(1).strip(" ,")))
    return out


def open_quote(sent: Span) -> QuoteSpan | None:
    """A quotation that opens and does not close in this sentence (runs on)."""
    text = sent.text
    if text.count('"') % 2 == 1:
        pos = text.rfind('"')
        rest = text[pos + 1:].strip()
        if len(rest.split()) >= 3:
            return QuoteSpan(pos + 1, len(text), rest)
    return None


def quote_speech_verb(sent: Span, span: QuoteSpan) -> Token | None:
    """The speech verb outside the quotation in the same sentence (its nearest one)."""
    best: Token | None = None
    for tok in sent:
        offset = tok.idx - sent.start_char
        inside = span.start <= offset < span.end
        if not inside and tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in SPEECH_VERBS:
            if best is None or abs(offset - span.end) < abs(best.idx - sent.start_char
                                                            - span.end):
                best = tok
    return best


REPORTING_VERBS = frozenset({"say", "tell", "state", "claim", "allege", "add", "announce",
                             "report", "insist", "warn", "declare", "assert", "note", "write",
                             "argue", "suggest", "believe", "stress", "explain", "acknowledge",
                             "confirm", "deny", "think", "predict", "promise", "vow", "admit",
                             "complain", "contend", "maintain", "reiterate", "charge"})


def indirect_speech(sent: Span) -> list[tuple[Token, Token]]:
    """(speech verb, head of its reported clause) pairs: "X said (that) Y would ..."."""
    out = []
    for tok in sent:
        if tok.pos_ in ("VERB", "AUX") and tok.lemma_.lower() in REPORTING_VERBS:
            for child in tok.children:
                if child.dep_ == "ccomp" and child.i > tok.i:
                    out.append((tok, child))
                    break
    return out
