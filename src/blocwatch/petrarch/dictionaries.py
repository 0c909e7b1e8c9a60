"""Readers for PETRARCH/TABARI-format dictionaries: actors, agents, verbs, discards.

``load_dictionaries(directory)`` reads every dictionary file in a folder into one frozen
:class:`PetrarchDictionaries`; :mod:`blocwatch.coding.petrarch_coder` codes text with it.  Files are
found by name: ``*.actors.txt``, ``*.agents.txt``, ``*verbs*.txt`` or ``CAMEO*.txt`` (verbs),
``*.discards.txt``.  With ``strict=True`` a malformed line raises
:class:`~blocwatch.errors.KnowledgeBaseError` naming ``file:line`` and what to fix.  By
default (dictionaries grown over years have slips: the Phoenix files have a dozen) such a
line is skipped, as PETRARCH skips it, and the same message is kept in
:attr:`PetrarchDictionaries.warnings`; odd-but-readable lines (a 10-digit date, text after
a code) are read the way PETRARCH reads them and reported there too.  A missing folder or
a folder without actor or verb dictionaries always raises.

Common syntax: ``#`` starts a comment (outside ``[...]``), ``<!-- ... -->`` comments may
span lines, blank lines are skipped.  Phrases are split into words at spaces and ``_``;
``_`` joins words tightly, a space lets other words come between (see
:func:`loose_joints`); a trailing ``_`` (PETRARCH's "stopped" word) is dropped.  Words are
upper-cased.

Actors (``*.actors.txt``)::

    UNITED_STATES [USA]          an entry: phrase and code(s)
    +U.S.                        a synonym of the entry above
    GOLLUM                       codes may follow on their own lines
        [HOB < 950601]           before 1995-06-01
        [HOBGOV 950601-990815]   in that range (both ends included)
        [HOBREB > 990816]        after
    JAVIER_SOLANA_ [IGOEUREEC 950701-951231][IGOWSTNAT 951205-991006]
    THE_SHIRE [FRO/BIL/SAM]      several actors at once
    BOROMIR [---]                a known name that is no actor

Dates are ``YYMMDD`` (``00``-``30`` = 20YY) or ``YYYYMMDD``; a bare date means "from then
on".  The first restriction that covers the article's date wins; an undated code is the
default.  Agents (``*.agents.txt``): ``PHRASE {PLURAL} [~CODE]`` (``~`` before the code: added
after the actor's code, ``NGO~``: before it); regular plurals are made unless ``{}`` or an
explicit plural is given; ``!PERSON! = MAN, MEN`` defines a substitution marker used as
``CONGRESS!PERSON!``.  Discards (``*.discards.txt``): one phrase a line; ``+`` discards the
whole story, otherwise the sentence.

Verbs: synsets ``&NAME`` followed by ``+member`` lines (a label ending in ``_`` makes no
plurals; members may name other synsets); blocks ``--- NAME [code] ---`` followed by verb
lines (``BREAK {BROKE BROKEN}``, ``+CORDON_OFF``, ``WIRE_+TAP``, optional own ``[code]``)
and patterns ``- upper * lower [code]`` whose elements are words, ``&SYNSET``, ``$``
(source), ``+`` (target), ``%`` (compound actor), ``^`` (skip a noun phrase); ``_`` joins
neighbours (no words between), a space lets words come between.  ``(...)`` and ``{...}``
of CAMEO 2.0 patterns group words and are read as plain words.  A code ``032:033`` codes
source->target 032 and target->source 033.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from blocwatch.errors import KnowledgeBaseError

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

NULL_CODE = "---"
_CODE_GROUP = re.compile(r"\[([^\[\]]*)\]")
_CODE_OK = re.compile(r"^[A-Za-z0-9~+\-#/!?.:]+$")
_MARKER = re.compile(r"!([A-Za-z0-9]+)!")


# --------------------------------------------------------------------------- records
@dataclass(frozen=True)
class DatedCode:
    """One code of an actor and when it holds (``start``/``end`` as YYYYMMDD, inclusive;
    ``None`` = open).  ``dated`` is False for the undated default code."""

    code: str
    start: int | None = None
    end: int | None = None
    dated: bool = False

    def covers(self, date: int) -> bool:
        return (self.start is None or date >= self.start) and (
            self.end is None or date <= self.end)


@dataclass(frozen=True)
class ActorEntry:
    """An actor: its phrases (primary first, then synonyms) and its dated codes.
    ``loose[n]``: the word positions of phrase n after which other words may come (a
    space in the dictionary; ``_`` joins words tightly); empty when none."""

    phrases: tuple[tuple[str, ...], ...]
    codes: tuple[DatedCode, ...]
    origin: str
    loose: tuple[tuple[int, ...], ...] = ()

    def codes_on(self, date: int | None) -> tuple[str, ...]:
        """The actor codes on ``date`` (YYYYMMDD, None = unknown); () if none or null."""
        chosen: DatedCode | None = None
        if date is not None:
            chosen = next((c for c in self.codes if c.dated and c.covers(date)), None)
        if chosen is None:
            chosen = next((c for c in self.codes if not c.dated), None)
        if chosen is None and date is None and self.codes:
            chosen = max(self.codes, key=lambda c: (c.start or 0, c.end or 99999999))
        if chosen is None:
            return ()
        return tuple(c for c in chosen.code.split("/") if c and not is_null(c))


@dataclass(frozen=True)
class AgentEntry:
    """An agent phrase ("FOREIGN MINISTER") and its code; ``prefix`` for ``NGO~`` codes."""

    phrase: tuple[str, ...]
    code: str
    prefix: bool
    origin: str
    loose: tuple[int, ...] = ()  # word positions after which other words may come


@dataclass(frozen=True)
class Discard:
    phrase: tuple[str, ...]
    story: bool  # True: the whole story is discarded, else the sentence
    origin: str


@dataclass(frozen=True)
class Element:
    """One pattern element.  ``kind``: word, synset, source, target, compound, skip.
    ``joined``: no words may come between this element and the next one."""

    kind: str
    value: str = ""
    joined: bool = False


@dataclass(frozen=True)
class Pattern:
    """``- upper * lower [code]``.  ``upper_joined``: the last upper element touches the
    verb; ``lower_joined``: the verb touches the first lower element."""

    upper: tuple[Element, ...]
    lower: tuple[Element, ...]
    code: str
    text: str
    origin: str
    upper_joined: bool = False
    lower_joined: bool = False

    @property
    def size(self) -> int:
        return len(self.upper) + len(self.lower)


@dataclass(frozen=True)
class VerbForm:
    """A verb as written in the text: its words and which one is the verb token."""

    words: tuple[str, ...]
    verb_index: int
    code: str | None  # the line's own code, else the block's
    origin: str


@dataclass(frozen=True)
class VerbBlock:
    """``--- NAME [code] ---`` with its verbs and patterns.  Blocks whose first form is the
    same share their patterns: PETRARCH keys a block's patterns by its primary form, the
    whole first line ("GO FORWARD" in CONTINUE, "GO AWAY" in GO_SOMEWHERE), so two
    blocks share only when they open with the same form, not when their first forms merely
    share a verb ("CALL OFF" in CANCEL, "CALL UP" in MOBILIZE)."""

    name: str
    code: str
    forms: tuple[VerbForm, ...]
    patterns: tuple[Pattern, ...]
    origin: str

    @property
    def key(self) -> str:
        return " ".join(self.forms[0].words) if self.forms else self.name


@dataclass(frozen=True)
class PetrarchDictionaries:
    actors: tuple[ActorEntry, ...]
    agents: tuple[AgentEntry, ...]
    blocks: tuple[VerbBlock, ...]
    synsets: dict[str, tuple[tuple[Element, ...], ...]]
    discards: tuple[Discard, ...]
    files: tuple[str, ...]
    warnings: tuple[str, ...] = ()


def is_null(code: str) -> bool:
    """``---``, ``+++``, ``###``: codes that code nothing."""
    return not any(ch.isalnum() for ch in code)


# --------------------------------------------------------------------------- lines
def _strip_comment(line: str) -> str:
    if "#" not in line:
        return line
    if "[" not in line:
        return line[:line.index("#")]
    depth = 0
    for i, ch in enumerate(line):
        if ch == "[":
            depth += 1
        elif ch == "]":
            depth = max(0, depth - 1)
        elif ch == "#" and depth == 0:
            return line[:i]
    return line


def _lines(path: Path, warnings: list[str]) -> Iterator[tuple[str, str]]:
    """(``file:line``, text) of the meaningful lines, comments removed."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
        warnings.append(f"{path.name}: not UTF-8, read as Latin-1")
    in_comment = False
    for lineno, line in enumerate(text.splitlines(), 1):
        if in_comment:
            if "-->" not in line:
                continue
            line, in_comment = line.split("-->", 1)[1], False
        while "<!" in line:
            before, _, after = line.partition("<!")
            if "-->" in after:
                line = before + after.split("-->", 1)[1]
            else:
                line, in_comment = before, True
        line = _strip_comment(line).rstrip()
        if line.strip():
            yield f"{path.name}:{lineno}", line


def _words(phrase: str) -> tuple[str, ...]:
    return tuple(w for w in re.split(r"[\s_]+", phrase.upper()) if w)


def loose_joints(phrase: str) -> tuple[int, ...]:
    """Positions of the words of ``phrase`` followed by a space, not ``_``: PETRARCH lets
    other words come between them ("ITHILEN TELEVISION" ~ "Ithilen state-run television")."""
    out, n = [], 0
    chunks = [c for c in phrase.split() if c.strip("_")]
    for i, chunk in enumerate(chunks):
        n += len([w for w in chunk.split("_") if w])
        if i < len(chunks) - 1 and not chunk.endswith("_"):
            out.append(n - 1)
    return tuple(out)


def _problem(err: KnowledgeBaseError, strict: bool, warnings: list[str]) -> None:
    """Strict: raise.  Otherwise skip the line, as PETRARCH does, and record why."""
    if strict:
        raise err
    warnings.append(f"{err} (line skipped)")


# --------------------------------------------------------------------------- dates
def parse_date(text: str, where: str, warnings: list[str]) -> int:
    """YYMMDD or YYYYMMDD -> YYYYMMDD.  Like PETRARCH, longer strings are cut to 8 digits
    and 7-digit ones to 6 (with a warning)."""
    if not (text.isascii() and text.isdigit()):  # not "²" or "٣": str.isdigit takes those
        raise KnowledgeBaseError(where, f"date {text!r} is not YYMMDD or YYYYMMDD: fix it")
    if len(text) not in (6, 8):
        cut = text[:8] if len(text) > 7 else text[:6]
        warnings.append(f"{where}: date {text} read as {cut} (expected 6 or 8 digits)")
        text = cut
    if len(text) == 6:
        yy = int(text[:2])
        year, rest = (2000 + yy if yy <= 30 else 1900 + yy), text[2:]
    elif len(text) == 8:
        year, rest = int(text[:4]), text[4:]
    else:
        raise KnowledgeBaseError(where, f"date {text!r} is too short: use YYMMDD or YYYYMMDD")
    month, day = int(rest[:2]), int(rest[2:])
    if not (1 <= month <= 12 and 1 <= day <= 31):
        raise KnowledgeBaseError(where, f"date {text!r} has no such month/day: fix it")
    return year * 10000 + month * 100 + day


def _dated_code(body: str, where: str, warnings: list[str]) -> DatedCode:
    parts = body.split(None, 1)
    if not parts:
        raise KnowledgeBaseError(where, "empty code '[]': write a code such as [USA]")
    code = parts[0].upper()
    if not _CODE_OK.match(code):
        raise KnowledgeBaseError(where, f"bad code {parts[0]!r}: codes are letters/digits")
    rest = parts[1].replace(" ", "") if len(parts) > 1 else ""
    if not rest:
        return DatedCode(code)
    if rest[0] in "<>":
        date = parse_date(rest[1:], where, warnings)
        return DatedCode(code, None, date - 1, True) if rest[0] == "<" else \
            DatedCode(code, date + 1, None, True)
    if "-" in rest:
        first, _, last = rest.partition("-")
        start, end = parse_date(first, where, warnings), parse_date(last, where, warnings)
        if end < start:
            warnings.append(f"{where}: date range {rest} ends before it starts")
        return DatedCode(code, start, end, True)
    return DatedCode(code, parse_date(rest, where, warnings), None, True)


def _codes(text: str, where: str, warnings: list[str]) -> tuple[str, list[DatedCode]]:
    """Split ``NAME [C1][C2 dates]`` into the name and its codes."""
    if "[" not in text:
        if "]" in text:
            warnings.append(f"{where}: stray ']' in {text.strip()!r} ignored")
            text = text.replace("]", "")
        return text, []
    name, rest = text[:text.index("[")], text[text.index("["):]
    if rest.count("[") != rest.count("]"):
        raise KnowledgeBaseError(where, "unbalanced '[' ']': close the code bracket")
    if _CODE_GROUP.sub("", rest).strip():
        warnings.append(f"{where}: text after the codes ignored: {rest.strip()!r}")
    return name, [_dated_code(m.group(1), where, warnings) for m in _CODE_GROUP.finditer(rest)]


# --------------------------------------------------------------------------- actors
def read_actors(path: Path, warnings: list[str], strict: bool = True) -> list[ActorEntry]:
    out: list[ActorEntry] = []
    phrases: list[tuple[str, ...]] = []
    loose: list[tuple[int, ...]] = []
    codes: list[DatedCode] = []
    origin = ""

    def flush() -> None:
        if phrases:
            if not codes:
                warnings.append(f"{origin}: actor {' '.join(phrases[0])} has no code")
            out.append(ActorEntry(tuple(phrases), tuple(codes), origin,
                                  tuple(loose) if any(loose) else ()))
        loose.clear()

    skipping = False
    for where, line in _lines(path, warnings):
        text = line.strip()
        try:
            if text.startswith("["):
                if not phrases and not skipping:
                    raise KnowledgeBaseError(where, "code line before any actor: put the "
                                                    "actor's name on the line above")
                found = _codes(text, where, warnings)[1]
                codes += found if phrases else []
                continue
            name, found = _codes(text.lstrip("+"), where, warnings)
            words = _words(name)
            if not words:
                raise KnowledgeBaseError(where, "actor line without a name: write NAME [CODE]")
            if text.startswith("+"):
                if not phrases and not skipping:
                    raise KnowledgeBaseError(where, "synonym '+' before any actor: start "
                                                    "with a line NAME [CODE]")
                if phrases:
                    phrases.append(words)
                    loose.append(loose_joints(name))
                    codes += found
                continue
        except KnowledgeBaseError as err:
            _problem(err, strict, warnings)
            if not text.startswith(("[", "+")):
                flush()
                phrases, codes, skipping = [], [], True
            continue
        if phrases and not codes and not found:
            phrases.append(words)  # names listed one a line, their codes below all of them
            loose.append(loose_joints(name))
            continue
        flush()
        phrases, codes, origin, skipping = [words], list(found), where, False
        loose.append(loose_joints(name))
    flush()
    return out


# --------------------------------------------------------------------------- agents
def plural(word: str) -> str:
    if word.endswith("Y") and len(word) > 1 and word[-2] not in "AEIOU":
        return word[:-1] + "IES"
    if word.endswith(("S", "X", "Z", "SH", "CH")):
        return word + "ES"
    return word + "S"


def _agent_code(text: str, where: str) -> tuple[str, bool]:
    code = text.strip().upper()
    if not code or not _CODE_OK.match(code):
        raise KnowledgeBaseError(where, f"bad agent code [{text}]: write [~GOV] or [NGO~]")
    if code.startswith("~"):
        return code[1:], False
    if code.endswith("~"):
        return code[:-1], True
    return code, False


def read_agents(path: Path, warnings: list[str], strict: bool = True) -> list[AgentEntry]:
    out: list[AgentEntry] = []
    markers: dict[str, list[str]] = {}
    for where, line in _lines(path, warnings):
        try:
            out += _agent_line(line.strip(), markers, where)
        except KnowledgeBaseError as err:
            _problem(err, strict, warnings)
    return out


def _agent_line(text: str, markers: dict[str, list[str]], where: str) -> list[AgentEntry]:
    if "=" in text and text.startswith("!"):
        name = _MARKER.match(text)
        if name is None:
            raise KnowledgeBaseError(where, "bad marker: write !NAME! = A, B, C")
        markers[name.group(1).upper()] = [
            w.strip().upper() for w in text.split("=", 1)[1].split(",") if w.strip()]
        return []
    if "[" not in text or "]" not in text:
        raise KnowledgeBaseError(where, "agent without a code: add one such as [~GOV]")
    head, _, tail = text.partition("[")
    body, _, after = tail.partition("]")
    if after.strip():
        raise KnowledgeBaseError(where, f"text after the code: {after.strip()!r}")
    code, prefix = _agent_code(body, where)
    return [AgentEntry(p, code, prefix, where, loose)
            for p, loose in _agent_phrases(head, markers, where)]


def _agent_phrases(head: str, markers: dict[str, list[str]],
                   where: str) -> list[tuple[tuple[str, ...], tuple[int, ...]]]:
    """(words, loose joints) of each phrase an agent line stands for."""
    marker = _MARKER.search(head)
    if marker is not None:
        subst = markers.get(marker.group(1).upper())
        if subst is None:
            raise KnowledgeBaseError(where, f"substitution marker !{marker.group(1)}! is "
                                            "not defined: add a line !NAME! = A, B above")
        texts = [head[:marker.start()] + item + head[marker.end():] for item in subst]
        return [(_words(t), loose_joints(t.strip())) for t in texts if _words(t)]
    if head.count("{") != head.count("}"):
        raise KnowledgeBaseError(where, "unbalanced '{' '}' around the plural: close it")
    base = head[:head.index("{")] if "{" in head else head
    singular, loose = _words(base), loose_joints(base.strip())
    if not singular:
        raise KnowledgeBaseError(where, "agent line without a phrase: write PHRASE [~CODE]")
    if "{" in head:
        plurals = head[head.index("{") + 1:head.index("}")].split()
        extra = [(_words(p), loose_joints(p)) for p in plurals]
    else:
        extra = [(singular[:-1] + (plural(singular[-1]),), loose)]
    return [(singular, loose), *[e for e in extra if e[0]]]


# --------------------------------------------------------------------------- discards
def read_discards(path: Path, warnings: list[str], strict: bool = True) -> list[Discard]:
    out = []
    for where, line in _lines(path, warnings):
        text = line.strip()
        words = _words(text.lstrip("+"))
        if not words:
            _problem(KnowledgeBaseError(where, "empty discard: write a phrase after '+'"),
                     strict, warnings)
            continue
        out.append(Discard(words, text.startswith("+"), where))
    return out


# --------------------------------------------------------------------------- verbs
@dataclass
class _VerbState:
    warnings: list[str]
    strict: bool = True
    blocks: list[VerbBlock] = field(default_factory=list)
    synsets: dict[str, list[tuple[Element, ...]]] = field(default_factory=dict)
    synset_origin: dict[str, str] = field(default_factory=dict)
    plural_off: set[str] = field(default_factory=set)
    synset: str | None = None
    header: tuple[str, str, str] | None = None  # name, code, origin
    forms: list[VerbForm] = field(default_factory=list)
    patterns: list[Pattern] = field(default_factory=list)

    def close_block(self) -> None:
        if self.header is not None:
            name, code, origin = self.header
            if not self.forms:
                self.warnings.append(f"{origin}: verb block {name} has no verbs")
            else:
                self.blocks.append(VerbBlock(name, code, tuple(self.forms),
                                             tuple(self.patterns), origin))
        self.header, self.forms, self.patterns = None, [], []


def _elements(side: str, where: str) -> list[Element]:
    """Elements of one side of a pattern; ``_`` inside a chunk joins neighbours."""
    side = re.sub(r"[(){}]", " ", side)
    out: list[Element] = []
    for chunk in side.split():
        parts = [p for p in chunk.split("_") if p]
        for i, part in enumerate(parts):
            joined = i < len(parts) - 1
            if part in ("$", "+", "%", "^"):
                kind = {"$": "source", "+": "target", "%": "compound", "^": "skip"}[part]
                out.append(Element(kind, part, joined))
            elif part.startswith("&"):
                out.append(Element("synset", part.upper().rstrip("_"), joined))
            elif any(ch in part for ch in "$%^*"):
                raise KnowledgeBaseError(where, f"{part!r}: write $ + % ^ as words of their "
                                                "own (separated by space or _)")
            else:
                out.append(Element("word", part.upper(), joined))
    return out


def _pattern(text: str, where: str) -> Pattern:
    body = text[1:].strip()
    match = re.search(r"\[([^\[\]]*)\]\s*$", body)
    if match is None:
        raise KnowledgeBaseError(where, "pattern without a [code] at the end: add one")
    code = match.group(1).strip()
    if not code or " " in code:
        raise KnowledgeBaseError(where, f"bad pattern code [{match.group(1)}]")
    body = body[:match.start()]
    if body.count("*") != 1:
        raise KnowledgeBaseError(where, "a pattern needs exactly one '*' for the verb")
    upper_text, lower_text = body.split("*")
    upper, lower = _elements(upper_text, where), _elements(lower_text, where)
    upper_joined = upper_text.endswith("_") and bool(upper)
    if upper:
        upper[-1] = Element(upper[-1].kind, upper[-1].value, upper_joined)
    return Pattern(tuple(upper), tuple(lower), code, " ".join(body.split()), where,
                   upper_joined, lower_text.startswith("_") and bool(lower))


def regular_forms(verb: str) -> list[str]:
    """PETRARCH's regular forms of a verb: -S/-ES, -ED/-D/-IED, -ING."""
    forms = [plural(verb)]
    if verb.endswith("E"):
        forms.append(verb + "D")
        forms.append(verb + "ING" if verb.endswith(("EE", "YE", "OE")) else verb[:-1] + "ING")
    elif verb.endswith("Y") and len(verb) > 1 and verb[-2] not in "AEIOU":
        forms += [verb[:-1] + "IED", verb + "ING"]
    else:
        forms += [verb + "ED", verb + "ING"]
    return forms


def _form(text: str, code: str | None, where: str) -> VerbForm:
    words = [w for w in re.split(r"[\s_]+", text.upper()) if w]
    if not words:
        raise KnowledgeBaseError(where, "a verb line without a verb: write the verb, e.g. "
                                        "BREAK {BROKE BROKEN} [code]")
    marked = [i for i, w in enumerate(words) if w.startswith("+")]
    if len(marked) > 1:
        raise KnowledgeBaseError(where, f"{text!r}: mark only one word of a verb with '+'")
    index = marked[0] if marked else 0
    words = [w.lstrip("+") for w in words]
    if not all(words):
        raise KnowledgeBaseError(where, f"{text!r}: empty word in a verb")
    return VerbForm(tuple(words), index, code, where)


def _verb_line(state: _VerbState, text: str, where: str) -> None:
    code = None
    match = re.search(r"\[([^\[\]]*)\]\s*$", text)
    if match is not None:
        code = match.group(1).strip() or None
        text = text[:match.start()]
    if "[" in text or "]" in text:
        raise KnowledgeBaseError(where, "unbalanced '[' ']' in a verb line")
    if text.count("{") != text.count("}"):
        raise KnowledgeBaseError(where, "unbalanced '{' '}' around the verb forms: close it")
    base, explicit = text, None
    if "{" in text:
        base = text[:text.index("{")]
        explicit = text[text.index("{") + 1:text.index("}")].split()
    first = _form(base, code, where)
    forms = [first]
    if explicit is not None:
        forms += [_form(f, code, where) for f in explicit]
    else:
        verb = first.words[first.verb_index]
        for regular in regular_forms(verb):
            words = list(first.words)
            words[first.verb_index] = regular
            forms.append(VerbForm(tuple(words), first.verb_index, code, where))
    state.forms += forms


def _verb_header(state: _VerbState, text: str, where: str) -> None:
    state.close_block()
    inner = text.strip("- \t")
    name = inner.split("[")[0].strip().upper() or "?"
    match = _CODE_GROUP.search(inner)
    code = match.group(1).strip() if match and match.group(1).strip() else NULL_CODE
    state.header = (name, code, where)


def read_verbs(path: Path, warnings: list[str], strict: bool = True,
               state: _VerbState | None = None) -> _VerbState:
    state = state or _VerbState(warnings, strict)
    for where, line in _lines(path, warnings):
        try:
            _verb_dictionary_line(state, line.strip(), where)
        except KnowledgeBaseError as err:
            _problem(err, state.strict, warnings)
    state.close_block()
    return state


def _verb_dictionary_line(state: _VerbState, text: str, where: str) -> None:
    if text.startswith("---"):
        state.synset = None
        _verb_header(state, text, where)
    elif text.startswith("&"):
        name = text.split()[0].upper()
        state.synset = name.rstrip("_")
        if name.endswith("_"):
            state.plural_off.add(state.synset)
        state.synsets.setdefault(state.synset, [])
        state.synset_origin[state.synset] = where
    elif text.startswith("+") and state.synset is not None:
        _synset_member(state, text[1:], where)
    elif text.startswith("-"):
        state.synset = None
        if state.header is None:
            raise KnowledgeBaseError(where, "pattern before any '--- VERB [code] ---' "
                                            "block: start a block first")
        state.patterns.append(_pattern(text, where))
    else:
        state.synset = None
        if state.header is None:
            raise KnowledgeBaseError(where, f"verb {text.split()[0]!r} outside a block: "
                                            "start with '--- NAME [code] ---'")
        _verb_line(state, text, where)


def _synset_member(state: _VerbState, text: str, where: str) -> None:
    assert state.synset is not None
    stopped = text.strip().endswith("_")
    elements = _elements(text, where)
    if not elements:
        raise KnowledgeBaseError(where, f"empty member of synset {state.synset}")
    elements = [Element(e.kind, e.value, i < len(elements) - 1) for i, e in enumerate(elements)]
    members = state.synsets[state.synset]
    members.append(tuple(elements))
    last = elements[-1]
    if last.kind == "word" and not stopped and state.synset not in state.plural_off \
            and last.value.replace("-", "").isalpha():
        members.append(tuple(elements[:-1]) + (Element("word", plural(last.value)),))


def _check_synsets(state: _VerbState) -> None:
    """Every synset used must be defined (anywhere in the files); lenient reading drops
    the patterns and members that use an undefined one."""
    defined = {name for name, members in state.synsets.items() if members}

    def ok(elements: tuple[Element, ...], where: str) -> bool:
        bad = [e.value for e in elements if e.kind == "synset" and e.value not in defined]
        if bad:
            _problem(KnowledgeBaseError(where, f"synset {bad[0]} is not defined (or has no "
                                               "members): define it with &NAME and +lines"),
                     state.strict, state.warnings)
        return not bad

    for name in list(state.synsets):
        state.synsets[name] = [m for m in state.synsets[name]
                               if ok(m, state.synset_origin[name])]
    for i, block in enumerate(state.blocks):
        kept = tuple(p for p in block.patterns if ok((*p.upper, *p.lower), p.origin))
        if len(kept) != len(block.patterns):
            state.blocks[i] = VerbBlock(block.name, block.code, block.forms, kept, block.origin)


# --------------------------------------------------------------------------- folder
def _kind(path: Path) -> str | None:
    name = path.name.lower()
    if not name.endswith(".txt"):
        return None
    if name.endswith(".actors.txt"):
        return "actors"
    if name.endswith(".agents.txt"):
        return "agents"
    if name.endswith(".discards.txt"):
        return "discards"
    if "verbs" in name or name.startswith("cameo"):
        return "verbs"
    return None


def load_dictionaries(directory: Path, *, strict: bool = False) -> PetrarchDictionaries:
    """Read every PETRARCH dictionary in ``directory`` (actors, agents, verbs, discards).

    ``strict``: a malformed line raises :class:`KnowledgeBaseError` (``file:line: what to
    fix``).  Otherwise (the default, for dictionaries grown over years) the line is skipped
    as PETRARCH skips it and the message is kept in ``warnings``."""
    directory = Path(directory)
    if not directory.is_dir():
        raise KnowledgeBaseError(str(directory), "not a folder: give the folder that holds "
                                                 "the PETRARCH dictionaries")
    files = sorted(p for p in directory.iterdir() if p.is_file() and _kind(p))
    kinds = {k: [p for p in files if _kind(p) == k] for k in
             ("actors", "agents", "verbs", "discards")}
    for kind, pattern in (("actors", "*.actors.txt"), ("verbs", "*verbs*.txt or CAMEO*.txt")):
        if not kinds[kind]:
            raise KnowledgeBaseError(str(directory), f"no {kind} dictionary ({pattern}) "
                                                     "in this folder: add one")
    warnings: list[str] = []
    try:
        actors = [a for p in kinds["actors"] for a in read_actors(p, warnings, strict)]
        agents = [a for p in kinds["agents"] for a in read_agents(p, warnings, strict)]
        discards = [d for p in kinds["discards"] for d in read_discards(p, warnings, strict)]
        state = _VerbState(warnings, strict)
        for path in kinds["verbs"]:
            read_verbs(path, warnings, strict, state)
    except OSError as err:
        raise KnowledgeBaseError(str(directory), f"cannot read a dictionary ({err})") from None
    _check_synsets(state)
    for warning in warnings[:20]:
        log.warning("%s", warning)
    return PetrarchDictionaries(
        actors=tuple(actors), agents=tuple(agents), blocks=tuple(state.blocks),
        synsets={k: tuple(v) for k, v in state.synsets.items()}, discards=tuple(discards),
        files=tuple(p.name for p in files), warnings=tuple(warnings))
