"""What ingest asks of the database, a batch at a time: which documents are stored already,
which stored documents new ones duplicate, and writing a batch of documents with their
events, reports, quotes and actors.

A handful of statements per batch, whatever its size: per-document statements cost more
in SQLAlchemy than in the database, and made storing cost a third of coding.  The
statements are built once (``lru_cache``) with expanding parameters; long lists go in
pieces of at most ``IN_PIECE`` values, well under SQLite's limit on parameters.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.sql import Select

from blocwatch.records import ActorRef, CodedArticle, Event, Location
from blocwatch.store import aggregates
from blocwatch.store import schema as s
from blocwatch.store.dedup import Fingerprint, Match, Signature, best_match

IN_PIECE = 500  # values per IN list
BAND_PIECE = 320  # band keys per look-up statement: 16 documents of 20 bands

T = TypeVar("T")


def document_ident(key: str, text_hash: str) -> str:
    """Identity of one version of one document."""
    return hashlib.sha256(f"{key}\x1f{text_hash}".encode()).hexdigest()


def event_key(ev: Event, document_ident: str) -> str:
    """Same date, source, target, CAMEO code and modality = same event.  An undated event
    can only be matched within its own document."""
    parts = [ev.date or "", ev.source.code, ev.target.code if ev.target else "", ev.cameo,
             ev.modality, "" if ev.date else document_ident]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


# How an event's key is made from the event and its document's ident (imported datasets key
# their events by the dataset's own event id: blocwatch.eventdata).
EventKey = Callable[[Event, str], str]


@dataclass(frozen=True)
class DocumentRecord:
    """One document's outcome, ready to store.  ``duplicate_of`` is the original's database
    id, or the ident of an original written earlier in the same run (or batch)."""

    key: str
    origin: str
    status: str
    fingerprint: Fingerprint | None = None
    source: str | None = None
    url: str | None = None
    title: str | None = None
    date: str | None = None
    chars: int = 0
    error: str | None = None
    duplicate_of: int | str | None = None
    duplicate_kind: str | None = None
    similarity: float | None = None
    coded: CodedArticle | None = None

    @functools.cached_property
    def ident(self) -> str:
        return document_ident(self.key, self.fingerprint.text_hash if self.fingerprint else "")


@dataclass(frozen=True)
class BatchResult:
    events_added: int
    reports_added: int


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _pieces(values: Sequence[T], size: int = IN_PIECE) -> Iterator[list[T]]:
    for start in range(0, len(values), size):
        yield list(values[start:start + size])


# -- look-ups ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class StoredCopy:
    """A stored document with a given normalised text."""

    id: int
    ident: str
    status: str


@lru_cache(maxsize=1)
def _by_ident() -> Select:  # type: ignore[type-arg]
    d = s.documents
    return select(d.c.ident, d.c.id, d.c.status).where(
        d.c.ident.in_(bindparam("idents", expanding=True)))


@lru_cache(maxsize=1)
def _by_hash() -> Select:  # type: ignore[type-arg]
    d = s.documents
    return (select(d.c.id, d.c.ident, d.c.status, d.c.text_hash)
            .where(d.c.text_hash.in_(bindparam("hashes", expanding=True))).order_by(d.c.id))


@lru_cache(maxsize=1)
def _sharing_bands() -> Select:  # type: ignore[type-arg]
    """Coded documents with a band key among the parameters ``h0`` ... (index
    ``ix_document_bands_key``: one probe per key; a key is keyed by its band, so a match of
    key alone is a match of both but for a 2^-64 chance, which the caller checks)."""
    d, b = s.documents, s.document_bands
    return (select(b.c.band, b.c.hash, d.c.id, d.c.signature)
            .join(d, d.c.id == b.c.document_id)
            .where(b.c.hash.in_([bindparam(f"h{i}") for i in range(BAND_PIECE)])))


@lru_cache(maxsize=1)
def _insert_bands() -> Any:
    return insert(s.document_bands)


@lru_cache(maxsize=8)
def _compiled(statement: Any, dialect: Any) -> tuple[str, tuple[str, ...] | None]:
    compiled = statement.compile(dialect=dialect)
    return compiled.string, tuple(compiled.positiontup) if compiled.positional else None


def _driver(conn: Connection, statement: Any, params: list[dict[str, Any]]) -> Any:
    """Run ``statement`` (built once) compiled once for the connection's database, straight
    through the driver: for the statements whose rows are many and plain (integers,
    bytes), where SQLAlchemy's per-row work cost more than the database's."""
    sql, order = _compiled(statement, conn.dialect)
    args: Any = params
    if order:  # a positional driver (SQLite): the values in the statement's order
        args = [tuple(p[name] for name in order) for p in params] if len(order) == 1 else \
            list(map(operator.itemgetter(*order), params))
    return conn.exec_driver_sql(sql, args[0] if len(args) == 1 else args)


def idents(conn: Connection, wanted: Sequence[str]) -> dict[str, tuple[int, str]]:
    """(id, status) of the stored documents among the idents ``wanted``."""
    found: dict[str, tuple[int, str]] = {}
    for piece in _pieces(sorted(set(wanted))):
        for row in conn.execute(_by_ident(), {"idents": piece}):
            found[row.ident] = (int(row.id), row.status)
    return found


def copies(conn: Connection, hashes: Sequence[str]) -> dict[str, list[StoredCopy]]:
    """The stored documents with each of these normalised texts (``text_hash``), earliest
    first: every stored version of a document is among them, and every exact duplicate."""
    found: dict[str, list[StoredCopy]] = {}
    for piece in _pieces(sorted(set(hashes))):
        for row in conn.execute(_by_hash(), {"hashes": piece}):
            found.setdefault(row.text_hash, []).append(
                StoredCopy(int(row.id), row.ident, row.status))
    for stored in found.values():
        stored.sort(key=lambda c: c.id)
    return found


def find_near(conn: Connection, fingerprints: Sequence[Fingerprint], threshold: float
              ) -> list[Match | None]:
    """For each fingerprint, the most similar coded document at or above ``threshold``
    (the earliest of equals) among those sharing an LSH band with it."""
    sharing = _sharing(conn, {(band, key) for fp in fingerprints
                              for band, key in enumerate(fp.bands)})
    found: list[Match | None] = []
    for fp in fingerprints:
        candidates = sorted({doc for band, key in enumerate(fp.bands)
                             for doc in sharing.get((band, key), ())})
        found.append(None if fp.signature is None else best_match(
            fp.signature, ((doc, sharing.signatures[doc]) for doc in candidates), threshold))
    return found


class _Sharing(dict[tuple[int, int], list[int]]):
    """(band, hash) -> ids of stored documents with it, and their signatures."""

    def __init__(self) -> None:
        super().__init__()
        self.signatures: dict[int, Signature] = {}


def _sharing(conn: Connection, pairs: set[tuple[int, int]]) -> _Sharing:
    found = _Sharing()
    for piece in _pieces(sorted({key for _, key in pairs}), BAND_PIECE):
        piece += [piece[-1]] * (BAND_PIECE - len(piece))  # one statement for every size
        for row in _driver(conn, _sharing_bands(), [{f"h{i}": key for i, key in
                                                     enumerate(piece)}]):
            pair = (int(row.band), int(row.hash))
            if row.signature is None or pair not in pairs:
                continue
            docs = found.setdefault(pair, [])
            if int(row.id) not in docs:
                docs.append(int(row.id))
            found.signatures[int(row.id)] = Signature(bytes(row.signature))
    return found


# -- writing ----------------------------------------------------------------------------------
def write_records(conn: Connection, run_id: int, records: Sequence[DocumentRecord],
                  keys: EventKey = event_key) -> BatchResult:
    """Store ``records`` (in input order) on ``conn``, inside the caller's transaction."""
    ids = _write_documents(conn, run_id, records)
    coded = [(ids[rec.ident], rec) for rec in records if rec.coded is not None]
    bands = [{"document_id": doc, "band": band, "hash": key}
             for rec in records if rec.status == "coded" and rec.fingerprint is not None
             for doc in (ids[rec.ident],) for band, key in enumerate(rec.fingerprint.bands)]
    if bands:
        _driver(conn, _insert_bands(), bands)
    return _write_events(conn, run_id, coded, keys)


def _write_documents(conn: Connection, run_id: int, records: Sequence[DocumentRecord]
                     ) -> dict[str, int]:
    """Insert new documents, update those tried again (stored as failed): their ids by
    ident.  A duplicate whose original comes earlier in the batch is inserted after it."""
    d = s.documents
    refs = [r.duplicate_of for r in records if isinstance(r.duplicate_of, str)]
    ids = {ident: doc for ident, (doc, _) in idents(
        conn, [r.ident for r in records] + refs).items()}  # type: ignore[list-item]
    batch = {r.ident for r in records}
    rows: list[dict[str, Any]] = []
    waiting: list[str] = []  # idents of ``rows``

    def flush() -> None:  # executemany: RETURNING would make SQLite insert row by row
        if rows:
            conn.execute(insert(d), rows)
            ids.update((ident, doc) for ident, (doc, _) in idents(conn, waiting).items())
            rows.clear()
            waiting.clear()

    for rec in records:
        ref = rec.duplicate_of
        if isinstance(ref, str) and ref in batch and ref not in ids:
            flush()
        values = _document_values(run_id, rec, ids.get(ref) if isinstance(ref, str) else ref)
        if rec.ident in ids:  # a failed document tried again
            conn.execute(update(d).where(d.c.id == ids[rec.ident]).values(**values))
        else:
            rows.append({"ident": rec.ident, **values})
            waiting.append(rec.ident)
    flush()
    return ids


def _document_values(run_id: int, rec: DocumentRecord, duplicate_of: int | None
                     ) -> dict[str, Any]:
    fp = rec.fingerprint
    return dict(
        key=rec.key, origin=rec.origin, source=rec.source, url=rec.url, title=rec.title,
        date=rec.date, text_hash=fp.text_hash if fp else "", chars=rec.chars, status=rec.status,
        error=rec.error, duplicate_of=duplicate_of, duplicate_kind=rec.duplicate_kind,
        similarity=rec.similarity,
        signature=fp.signature.values if fp and fp.signature and rec.status == "coded" else None,
        run_id=run_id, added_at=utc_now())


@dataclass
class _Group:
    """The reports of one event in one batch: (document id, the document's events)."""

    reports: list[tuple[int, list[Event]]]

    @property
    def mentions(self) -> int:
        return sum(len(evs) for _, evs in self.reports)


def _write_events(conn: Connection, run_id: int, coded: list[tuple[int, DocumentRecord]],
                  keys: EventKey) -> BatchResult:
    per_document: list[tuple[int, dict[str, list[Event]]]] = []
    groups: dict[str, _Group] = {}
    quotes: list[dict[str, Any]] = []
    for doc_id, rec in coded:
        assert rec.coded is not None
        own: dict[str, list[Event]] = {}
        for ev in rec.coded.events:
            own.setdefault(keys(ev, rec.ident), []).append(ev)
        per_document.append((doc_id, own))
        for key, evs in own.items():
            groups.setdefault(key, _Group([])).reports.append((doc_id, evs))
        quotes += [{"document_id": doc_id, "sentence_index": q.sentence_index,
                    "quote": q.quote, "speaker_code": q.speaker.code,
                    "speaker_text": q.speaker.text} for q in rec.coded.quotes]
    event_ids = _stored_events(conn, list(groups))
    new = [key for key in groups if key not in event_ids]
    event_ids.update(_insert_events(conn, run_id, new, groups))
    again = [(event_ids[k], g) for k, g in groups.items() if k not in new]
    _count_reports(conn, again)
    aggregates.add(conn, _dyad_deltas(conn, [groups[k] for k in new], again))
    reports = [_report_row(event_ids[key], doc_id, ev)
               for doc_id, own in per_document for key, evs in own.items() for ev in evs]
    if reports:
        conn.execute(insert(s.event_reports), reports)
    if quotes:
        conn.execute(insert(s.quotes), quotes)
    actors = _ActorCounts()
    for key in new:
        first = groups[key].reports[0][1][0]
        for actor in {a.code: a for a in (first.source, first.target) if a}.values():
            actors.add(actor, first.date)
    actors.write(conn)
    return BatchResult(len(new), len(reports))


@lru_cache(maxsize=1)
def _events_by_key() -> Select:  # type: ignore[type-arg]
    e = s.events
    return select(e.c.id, e.c.key).where(e.c.key.in_(bindparam("keys", expanding=True)))


def _stored_events(conn: Connection, keys: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for piece in _pieces(keys):
        found.update((row.key, int(row.id)) for row in conn.execute(_events_by_key(),
                                                                    {"keys": piece}))
    return found


def _insert_events(conn: Connection, run_id: int, keys: list[str], groups: dict[str, _Group]
                   ) -> dict[str, int]:
    if not keys:
        return {}
    e = s.events
    now = utc_now()
    rows = []
    for key in keys:
        group = groups[key]
        doc_id, evs = group.reports[0]
        rows.append({**_event_row(evs[0]), "key": key, "document_id": doc_id,
                     "report_count": len(group.reports), "mention_count": group.mentions,
                     "run_id": run_id, "added_at": now})
    conn.execute(insert(e), rows)  # executemany, then the ids: see _write_documents
    return _stored_events(conn, keys)


@lru_cache(maxsize=1)
def _add_reports() -> Any:
    e = s.events
    return update(e).where(e.c.id == bindparam("event_id")).values(
        report_count=e.c.report_count + bindparam("reports"),
        mention_count=e.c.mention_count + bindparam("mentions"))


def _count_reports(conn: Connection, stored: list[tuple[int, _Group]]) -> None:
    """Events stored before that this batch reports again."""
    if stored:
        conn.execute(_add_reports(), [
            {"event_id": event_id, "reports": len(g.reports), "mentions": g.mentions}
            for event_id, g in stored])


def _dyad_deltas(conn: Connection, new: list[_Group], again: list[tuple[int, _Group]]
                 ) -> aggregates.Deltas:
    """What the batch adds to ``dyad_days``: its new events, and the reports it adds to
    events stored before (counted under the stored event's own actors)."""
    deltas = aggregates.Deltas()
    for group in new:
        ev = group.reports[0][1][0]
        if ev.target is not None:
            deltas.count(aggregates.row_key(ev.date, ev.source, ev.target, ev.modality,
                                            ev.quad_class), 1, len(group.reports), ev.goldstein)
    e = s.events
    reports = {event_id: len(g.reports) for event_id, g in again}
    for piece in _pieces(sorted(reports)):
        query = select(e).where(e.c.id.in_(piece), e.c.target_code.is_not(None))
        for row in conn.execute(query):
            source, target = stored_actor(row, "source"), stored_actor(row, "target")
            assert source is not None
            deltas.count(aggregates.row_key(row.date, source, target, row.modality,
                                            int(row.quad_class)),
                         0, reports[int(row.id)], float(row.goldstein))
    return deltas


def stored_actor(row: Any, role: str) -> ActorRef | None:
    """The ``role`` actor (source, target) of an ``events`` row."""
    m = row._mapping
    if m[f"{role}_code"] is None:
        return None
    return ActorRef(m[f"{role}_code"], m[f"{role}_country"], m[f"{role}_sector"],
                    m[f"{role}_org"], m[f"{role}_text"], m[f"{role}_start"], m[f"{role}_end"])


class _ActorCounts:
    """New events per actor in one batch, written once at its end (a read and one write
    per actor, not per event)."""

    def __init__(self) -> None:
        self.first: dict[str, ActorRef] = {}
        self.count: dict[str, int] = {}
        self.dates: dict[str, list[str]] = {}

    def add(self, actor: ActorRef, date: str | None) -> None:
        self.first.setdefault(actor.code, actor)
        self.count[actor.code] = self.count.get(actor.code, 0) + 1
        self.dates.setdefault(actor.code, [])
        if date:
            self.dates[actor.code].append(date)

    def write(self, conn: Connection) -> None:
        if not self.count:
            return
        a = s.actors
        known = {row.code: row for piece in _pieces(list(self.count))
                 for row in conn.execute(select(a.c.code, a.c.first_date, a.c.last_date)
                                         .where(a.c.code.in_(piece)))}
        for code, n in self.count.items():
            row = known.get(code)
            dates = self.dates[code] + ([x for x in (row.first_date, row.last_date) if x]
                                        if row is not None else [])
            first, last = min(dates, default=None), max(dates, default=None)
            if row is None:
                actor = self.first[code]
                conn.execute(insert(a).values(
                    code=code, country=actor.country, sector=actor.sector, org=actor.org,
                    name=actor.text, event_count=n, first_date=first, last_date=last))
            else:
                conn.execute(update(a).where(a.c.code == code).values(
                    event_count=a.c.event_count + n, first_date=first, last_date=last))


def _actor_values(role: str, actor: ActorRef | None) -> dict[str, Any]:
    names = ("code", "country", "sector", "org", "text", "start", "end")
    return {f"{role}_{n}": getattr(actor, n) if actor else None for n in names}


def _event_row(ev: Event) -> dict[str, Any]:
    return {
        "date": ev.date, **_actor_values("source", ev.source), **_actor_values("target", ev.target),
        "cameo": ev.cameo, "root": ev.root, "quad_class": ev.quad_class,
        "goldstein": ev.goldstein, "plover_event": ev.plover.event,
        "plover_mode": ev.plover.mode, "modality": ev.modality, "attribution": ev.attribution,
        "verb_text": ev.verb.text, "verb_lemma": ev.verb.lemma, "verb_start": ev.verb.start,
        "verb_end": ev.verb.end, "rule": ev.rule, "sentence_index": ev.sentence_index,
        "sentence": ev.sentence, **_location_values(ev.location),
    }


def _location_values(where: Location | None) -> dict[str, Any]:
    names = ("name", "country", "lat", "lon", "feature")
    return {f"location_{n}": getattr(where, n) if where else None for n in names}


def _report_row(event_id: int, doc_id: int, ev: Event) -> dict[str, Any]:
    tgt = ev.target
    return {
        "event_id": event_id, "document_id": doc_id, "sentence_index": ev.sentence_index,
        "sentence": ev.sentence, "source_text": ev.source.text, "source_start": ev.source.start,
        "source_end": ev.source.end, "target_text": tgt.text if tgt else None,
        "target_start": tgt.start if tgt else None, "target_end": tgt.end if tgt else None,
        "verb_text": ev.verb.text, "verb_lemma": ev.verb.lemma, "verb_start": ev.verb.start,
        "verb_end": ev.verb.end, "rule": ev.rule, "modality": ev.modality,
        "attribution": ev.attribution,
    }
