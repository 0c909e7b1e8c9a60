"""Typed records that flow through the pipeline and form blocwatch's output contract.

Every record is a frozen dataclass.  ``Event.to_dict()`` gives the JSON shape of the
contract (one event per JSONL line); ``flatten()`` gives the CSV shape (nested fields
joined with ``_``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, TypeVar

MODALITIES = ("asserted", "negated", "hypothetical", "intended")


@dataclass(frozen=True)
class Article:
    """One article as read from an input, before cleaning."""

    id: str
    text: str
    title: str | None = None
    date: str | None = None
    url: str | None = None
    source: str | None = None
    origin: str = ""  # file name and line the article came from, for error messages


@dataclass(frozen=True)
class Paragraph:
    """A cleaned paragraph; ``index`` -1 is the headline."""

    index: int
    text: str


@dataclass(frozen=True)
class CleanArticle:
    """An article after cleaning: paragraphs in order, dateline split off."""

    id: str
    paragraphs: tuple[Paragraph, ...]
    date: str | None
    dateline: str | None
    title: str | None = None
    url: str | None = None
    source: str | None = None
    dropped: tuple[str, ...] = ()  # boilerplate lines removed, kept for inspection


@dataclass(frozen=True)
class ActorRef:
    """An actor mention resolved to a CAMEO-style code; offsets are into the sentence."""

    code: str
    country: str | None
    sector: str | None
    org: str | None
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class VerbRef:
    text: str
    lemma: str
    start: int
    end: int


@dataclass(frozen=True)
class Plover:
    event: str | None
    mode: str | None


@dataclass(frozen=True)
class Location:
    """Where an event happened: a gazetteer place (``feature``: city, capital, region, sea
    or country; a country's coordinates are its capital's)."""

    name: str
    country: str | None
    lat: float
    lon: float
    feature: str


@dataclass(frozen=True)
class Event:
    """One coded event: who did what to whom, with its evidence."""

    doc_id: str
    sentence_index: int
    sentence: str
    date: str | None
    source: ActorRef
    target: ActorRef | None
    cameo: str
    root: str
    quad_class: int
    goldstein: float
    plover: Plover
    modality: str
    attribution: str | None
    verb: VerbRef
    rule: str
    location: Location | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def sort_key(self) -> tuple[Any, ...]:
        return (self.doc_id, self.sentence_index, self.verb.start, self.source.start,
                self.target.start if self.target else -1, self.cameo)


@dataclass(frozen=True)
class Speaker:
    """Who is quoted: ``text`` as the article words it ("he", "the newspaper", "Jeff
    Weaver"), ``code`` the actor code when the knowledge base knows the speaker (or what a
    pronoun or "the ministry" stands for), ``refers_to`` the earlier mention such a
    pronoun or noun phrase was resolved to."""

    code: str | None
    text: str
    refers_to: str | None = None


QUOTE_KINDS = ("direct", "indirect")


@dataclass(frozen=True)
class Quote:
    """One quotation.  ``quote`` holds the quoted words (a quotation interrupted by its
    attribution, '"A," she said, "B."', is one quote: its parts joined by a space);
    ``start``/``end`` are character offsets into the article text of the whole
    quotation, from its first quoted character to its last (None for the headline);
    ``kind`` is ``direct`` (in quotation marks) or ``indirect`` ("X said that ...",
    "according to X"); ``sentence_index`` is the sentence where it begins."""

    doc_id: str
    sentence_index: int
    quote: str
    speaker: Speaker
    start: int | None = None
    end: int | None = None
    kind: str = "direct"
    cue: str = ""  # the attribution verb or phrase ("said", "according to")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DocumentError:
    """A per-document failure: the run goes on, the error is reported."""

    origin: str
    message: str


@dataclass(frozen=True)
class CodedArticle:
    """Everything the coder produced for one article."""

    article: CleanArticle
    events: tuple[Event, ...]
    quotes: tuple[Quote, ...] = field(default=())


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested dicts with ``_``: ``{"source": {"code": X}}`` -> ``{"source_code": X}``."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}_{key}" if prefix else key
        if isinstance(value, dict):
            out.update(flatten(value, name))
        else:
            out[name] = value
    return out


T = TypeVar("T")


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of ``size`` items (the last may be shorter)."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


UNKNOWN_ACTOR = "---"  # CAMEO's code (or code prefix) of an actor nothing places


def actor_key(ref: ActorRef | None, *, by_sector: bool = False) -> str | None:
    """"NATO", "KOR" (or "KORGOV" by sector), a group's own code ("KUR"); None for a
    sector with no country ("rebels" somewhere, ``---REB``) and for CAMEO's unknown actor
    ``---`` (an unnamed attacker, a name the knowledge base lacks): they cannot be placed
    in a relation."""
    if ref is None:
        return None
    if ref.org:
        return ref.org
    if ref.country:
        return ref.country + (ref.sector or "") if by_sector else ref.country
    if not ref.code or ref.code == ref.sector or ref.code.startswith(UNKNOWN_ACTOR):
        return None
    return ref.code
