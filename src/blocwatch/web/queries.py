"""Read-only queries the :class:`~blocwatch.store.database.Store` does not offer (yet): a page of
events and their total, events with the id of their document, one document with every event
coded in it (its reports) and its quotes, the quotes of some speakers.

SQLAlchemy Core over :mod:`blocwatch.store.schema`; event filters are those of
:meth:`Store.events` (:class:`~blocwatch.store.database.EventFilter`), built by the
store's own query so that the dashboard and ``blocwatch events`` always select the same events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select

from blocwatch.records import ActorRef, Event, Plover, Quote, Speaker, VerbRef
from blocwatch.store import schema as s
from blocwatch.store.aggregates import key_sql
from blocwatch.store.database import (
    EventFilter,
    Store,
    StoredDocument,
    StoredEvent,
    event_conditions,
    event_query,
    stored_event,
)


@dataclass(frozen=True)
class EventRecord:
    """A stored event and the database id of the document of its first report."""

    stored: StoredEvent
    document_id: int


@dataclass(frozen=True)
class Mention:
    """One event as one document reports it: the contract's record with that document's own
    evidence (sentence, offsets, verb, modality, attribution)."""

    event_id: int
    report_id: int
    event: Event


@dataclass(frozen=True)
class StoredQuote:
    id: int
    document_id: int
    quote: Quote


def events_by_ids(store: Store, ids: Sequence[int]) -> list[EventRecord]:
    """The events with these ids, by date then id."""
    e = s.events
    found: list[EventRecord] = []
    with store.engine.connect() as conn:
        for start in range(0, len(ids), 500):
            query = event_query(EventFilter()).where(e.c.id.in_(list(ids[start:start + 500])))
            found += [_record(row) for row in conn.execute(query)]
    return found


@dataclass(frozen=True)
class KeyedEvent:
    """An event's id, date and its actors' analysis keys (nothing else read)."""

    id: int
    date: str
    source: str
    target: str


def keyed_between(store: Store, keys: tuple[str, str], codes: tuple[Sequence[str], ...],
                  filters: EventFilter, by_sector: bool) -> list[KeyedEvent]:
    """The dated events between the two ``keys`` (analysis keys, computed in SQL), one
    actor's code among ``codes[0]`` (the codes of the first key's actors), the other's
    among ``codes[1]`` (the index on code pair and date), from ``filters.since`` to
    ``filters.until`` in its modalities, by date then id: ids and keys only."""
    e = s.events
    src, tgt = key_sql("source", by_sector), key_sql("target", by_sector)
    a, b = list(codes[0]), list(codes[1])
    conditions = [or_(and_(e.c.source_code.in_(a), e.c.target_code.in_(b)),
                      and_(e.c.source_code.in_(b), e.c.target_code.in_(a))),
                  e.c.date.is_not(None), src.in_(list(keys)), tgt.in_(list(keys)), src != tgt]
    conditions += [e.c.date >= filters.since] if filters.since else []
    conditions += [e.c.date <= filters.until] if filters.until else []
    conditions += [e.c.modality.in_(filters.modality)] if filters.modality else []
    query = select(e.c.id, e.c.date, src, tgt).where(*conditions).order_by(e.c.date, e.c.id)
    with store.engine.connect() as conn:
        return [KeyedEvent(int(row[0]), row[1], row[2], row[3]) for row in conn.execute(query)]


@dataclass(frozen=True)
class ActorEvent:
    """What an actor's timeline needs of one of its events."""

    id: int
    date: str | None
    modality: str
    quad_class: int
    goldstein: float


@dataclass(frozen=True)
class ActorDay:
    """An actor's events of one date (None: undated) and modality, cooperative (quad class
    1, 2) or not, counted and their Goldstein scores summed in the database."""

    date: str | None
    modality: str
    cooperation: bool
    events: int
    goldstein: float


def _involving(key: str, codes: Sequence[str], filters: EventFilter, by_sector: bool
               ) -> list[ColumnElement[bool]]:
    e = s.events
    src, tgt = key_sql("source", by_sector), key_sql("target", by_sector)
    return [or_(e.c.source_code.in_(list(codes)), e.c.target_code.in_(list(codes))),
            or_(src == key, tgt == key), *event_conditions(filters)]


def involving(store: Store, key: str, codes: Sequence[str], filters: EventFilter,
              by_sector: bool) -> list[ActorEvent]:
    """The events matching ``filters`` with ``key`` (an analysis key, computed in SQL) on
    either side, looked up by ``codes`` (every code of the key's actors: the indexes on
    the codes), in the order of :meth:`Store.events`."""
    e = s.events
    query = (select(e.c.id, e.c.date, e.c.modality, e.c.quad_class, e.c.goldstein)
             .where(*_involving(key, codes, filters, by_sector))
             .order_by(e.c.date.is_(None), e.c.date, e.c.id))
    with store.engine.connect() as conn:
        return [ActorEvent(int(row[0]), row[1], row[2], int(row[3]), float(row[4]))
                for row in conn.execute(query)]


def involving_days(store: Store, key: str, codes: Sequence[str], filters: EventFilter,
                   by_sector: bool) -> list[ActorDay]:
    """:func:`involving` counted per date, modality and cooperation in the database: a
    few rows a day however many events the actor has."""
    e = s.events
    coop = e.c.quad_class <= 2
    query = (select(e.c.date, e.c.modality, coop, func.count(), func.sum(e.c.goldstein))
             .where(*_involving(key, codes, filters, by_sector))
             .group_by(e.c.date, e.c.modality, coop))
    with store.engine.connect() as conn:
        return [ActorDay(row[0], row[1], bool(row[2]), int(row[3]), float(row[4] or 0.0))
                for row in conn.execute(query)]


def involving_latest(store: Store, key: str, codes: Sequence[str], filters: EventFilter,
                     by_sector: bool, limit: int, days: Sequence[ActorDay]) -> list[ActorEvent]:
    """The last ``limit`` events of :func:`involving`, in its order (undated events last).
    ``days`` (:func:`involving_days` of the same window) give the earliest date they can
    have, so that only the events from that date on are read and sorted."""
    e = s.events
    undated = sum(x.events for x in days if not x.date)
    counted, since = min(undated, limit), None
    for x in sorted((x for x in days if x.date), key=lambda x: x.date or "", reverse=True):
        if counted >= limit:
            break
        counted, since = counted + x.events, x.date
    found: list[ActorEvent] = []
    columns = (e.c.id, e.c.date, e.c.modality, e.c.quad_class, e.c.goldstein)
    where = _involving(key, codes, filters, by_sector)
    parts: list[tuple[ColumnElement[bool], int]] = [(e.c.date.is_(None), limit)] if undated \
        else []
    parts += [(e.c.date >= since, limit - min(undated, limit))] if since else []
    with store.engine.connect() as conn:
        for condition, n in parts:
            if n > 0:
                query = (select(*columns).where(*where, condition)
                         .order_by(e.c.date.desc(), e.c.id.desc()).limit(n))
                found += [ActorEvent(int(row[0]), row[1], row[2], int(row[3]),
                                     float(row[4])) for row in conn.execute(query)]
    return found[::-1]


def last_write(store: Store) -> tuple[int, ...]:
    """The highest id of each table ingest adds to (each an index look-up): every write
    of the store adds rows, so this changes with every committed batch or run."""
    tables = (s.runs, s.documents, s.events, s.event_reports, s.quotes)
    with store.engine.connect() as conn:
        row = conn.execute(select(*[select(func.max(t.c.id)).scalar_subquery()
                                    for t in tables])).one()
    return tuple(int(x or 0) for x in row)


def date_span(store: Store) -> tuple[str | None, str | None]:
    """The first and last event date (the date index)."""
    e = s.events
    with store.engine.connect() as conn:
        row = conn.execute(select(func.min(e.c.date), func.max(e.c.date))).one()
    return row[0], row[1]


def count_events(store: Store, filters: EventFilter) -> tuple[int, int]:
    """How many events match ``filters``, and how many of them have a date: counted in
    one pass over the events table alone (every event has its document)."""
    e = s.events
    query = select(func.count(), func.count(e.c.date)).select_from(e).where(
        *event_conditions(filters))
    with store.engine.connect() as conn:
        total, dated = conn.execute(query).one()
    return int(total or 0), int(dated or 0)


def page_events(store: Store, filters: EventFilter, offset: int, size: int,
                dated: int | None = None) -> list[EventRecord]:
    """Events ``offset`` to ``offset + size`` of :meth:`Store.events`'s order (by date,
    undated last, then id): the dated ones along the date index (no sort of them all),
    then the undated ones by id.  ``dated``: how many dated events match (counted if not
    given)."""
    e = s.events
    base = event_query(replace(filters, limit=None)).order_by(None)
    dated = count_events(store, filters)[1] if dated is None else dated
    with store.engine.connect() as conn:
        rows = [] if offset >= dated else [_record(row) for row in conn.execute(
            base.where(e.c.date.is_not(None)).order_by(e.c.date, e.c.id)
            .offset(offset).limit(size))]
        if len(rows) < size:
            rows += [_record(row) for row in conn.execute(
                base.where(e.c.date.is_(None)).order_by(e.c.id)
                .offset(max(0, offset - dated)).limit(size - len(rows)))]
    return rows


def _record(row: Any) -> EventRecord:
    return EventRecord(stored_event(row), int(row.document_id))


def document(store: Store, doc_id: int) -> StoredDocument | None:
    d, r = s.documents, s.event_reports
    reports = (select(func.count()).select_from(r).where(r.c.document_id == d.c.id)
               .scalar_subquery())
    query = select(d, reports.label("reports")).where(d.c.id == doc_id)
    with store.engine.connect() as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    return StoredDocument(
        int(row.id), row.key, row.origin, row.source, row.url, row.title, row.date, row.status,
        row.error, row.duplicate_of, row.duplicate_kind, row.similarity, int(row.reports),
        int(row.run_id))


def mentions(store: Store, doc_id: int) -> list[Mention]:
    """Every event coded in document ``doc_id``, in text order."""
    r, e, d = s.event_reports, s.events, s.documents
    query = (select(r, e.c.date, e.c.cameo, e.c.root, e.c.quad_class, e.c.goldstein,
                    e.c.plover_event, e.c.plover_mode, d.c.key,
                    *[e.c[f"{role}_{n}"] for role in ("source", "target")
                      for n in ("code", "country", "sector", "org")])
             .join(e, e.c.id == r.c.event_id).join(d, d.c.id == r.c.document_id)
             .where(r.c.document_id == doc_id)
             .order_by(r.c.sentence_index, r.c.verb_start, r.c.source_start, r.c.id))
    with store.engine.connect() as conn:
        return [_mention(row) for row in conn.execute(query)]


def _mention_actor(m: Any, role: str) -> ActorRef | None:
    if m[f"{role}_code"] is None or m[f"{role}_text"] is None:
        return None
    return ActorRef(m[f"{role}_code"], m[f"{role}_country"], m[f"{role}_sector"],
                    m[f"{role}_org"], m[f"{role}_text"], m[f"{role}_start"], m[f"{role}_end"])


def _mention(row: Any) -> Mention:
    m = row._mapping
    source = _mention_actor(m, "source")
    assert source is not None
    event = Event(doc_id=m["key"], sentence_index=m["sentence_index"], sentence=m["sentence"],
                  date=m["date"], source=source, target=_mention_actor(m, "target"),
                  cameo=m["cameo"], root=m["root"], quad_class=int(m["quad_class"]),
                  goldstein=float(m["goldstein"]),
                  plover=Plover(m["plover_event"], m["plover_mode"]), modality=m["modality"],
                  attribution=m["attribution"],
                  verb=VerbRef(m["verb_text"], m["verb_lemma"], m["verb_start"], m["verb_end"]),
                  rule=m["rule"])
    return Mention(int(m["event_id"]), int(m["id"]), event)


def document_quotes(store: Store, doc_id: int) -> list[StoredQuote]:
    q = s.quotes
    with store.engine.connect() as conn:
        rows = conn.execute(_quote_query().where(q.c.document_id == doc_id))
        return [_quote(row) for row in rows]


def speaker_quotes(store: Store, codes: Sequence[str], prefixes: Sequence[str] = (),
                   limit: int = 200) -> list[StoredQuote]:
    """Quotes whose speaker code is one of ``codes`` or starts with one of ``prefixes``."""
    q = s.quotes
    conditions: list[ColumnElement[bool]] = [q.c.speaker_code.in_(list(codes))] if codes else []
    conditions += [q.c.speaker_code.startswith(p, autoescape=True) for p in prefixes]
    if not conditions:
        return []
    with store.engine.connect() as conn:
        rows = conn.execute(_quote_query().where(or_(*conditions)).limit(limit))
        return [_quote(row) for row in rows]


def _quote_query():  # type: ignore[no-untyped-def]
    q, d = s.quotes, s.documents
    return (select(q, d.c.key).join(d, d.c.id == q.c.document_id)
            .order_by(d.c.date.is_(None), d.c.date.desc(), q.c.document_id, q.c.sentence_index,
                      q.c.id))


def _quote(row: Any) -> StoredQuote:
    return StoredQuote(int(row.id), int(row.document_id),
                       Quote(row.key, int(row.sentence_index), row.quote,
                             Speaker(row.speaker_code, row.speaker_text)))


def latest_documents(store: Store, limit: int) -> list[StoredDocument]:
    d = s.documents
    with store.engine.connect() as conn:
        ids = [int(i) for i in conn.execute(select(d.c.id).order_by(d.c.id.desc())
                                            .limit(limit)).scalars()]
    docs = [document(store, i) for i in ids]
    return [doc for doc in docs if doc is not None]
