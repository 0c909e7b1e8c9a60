"""The event database: documents, events (one row per event, however many documents report
it), the reports that link them, quotes, actors seen and ingest runs.

SQLite by default (a file, WAL mode), PostgreSQL by URL (psycopg 3); one code path, every
query a SQLAlchemy Core expression.

    >>> store = Store("sqlite:///blocwatch.db")
    >>> for row in store.events(EventFilter(actor="RUS", min_reports=2)):
    ...     print(row.id, row.event.cameo, row.report_count)
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    Engine,
    and_,
    create_engine,
    event,
    func,
    insert,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.sql import Select

from blocwatch.errors import StoreError
from blocwatch.records import Event, Location, Plover, VerbRef
from blocwatch.store import migrations
from blocwatch.store import schema as s
from blocwatch.store import write as store_write
from blocwatch.store.dedup import Fingerprint, Match
from blocwatch.store.write import BatchResult, DocumentRecord, StoredCopy, stored_actor, utc_now

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

DEFAULT_URL = "sqlite:///blocwatch.db"
DEFAULT_TIMEOUT = 30.0
STATUSES = ("coded", "duplicate", "failed")


def normalise_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` mean psycopg 3; anything else is kept."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


# -- records coming out ---------------------------------------------------------------------
@dataclass(frozen=True)
class EventFilter:
    """Filters of :meth:`Store.events`; None means no filter.  Actor filters match an actor
    code or a country code; ``code`` is a CAMEO code prefix."""

    actor: str | None = None
    source: str | None = None
    target: str | None = None
    code: str | None = None
    root: str | None = None
    quad: tuple[int, ...] = ()
    since: str | None = None
    until: str | None = None
    modality: tuple[str, ...] = ()
    min_reports: int | None = None
    limit: int | None = None
    location_country: str | None = None  # events that happened in this country (ISO3)
    near: tuple[float, float, float] | None = None  # (lat, lon, km): within km of a point


@dataclass(frozen=True)
class StoredEvent:
    """An event in the store: the contract's record (evidence of its first report) plus how
    many documents report it."""

    id: int
    event: Event
    report_count: int
    mention_count: int
    source_count: int
    url: str | None
    added_at: dt.datetime

    def to_dict(self) -> dict[str, Any]:
        return {**self.event.to_dict(), "event_id": self.id, "report_count": self.report_count,
                "mention_count": self.mention_count}


@dataclass(frozen=True)
class Report:
    """One sentence of one document that reports an event."""

    event_id: int
    document_key: str
    sentence_index: int
    sentence: str
    verb: str
    rule: str
    modality: str
    attribution: str | None


@dataclass(frozen=True)
class StoredDocument:
    id: int
    key: str
    origin: str
    source: str | None
    url: str | None
    title: str | None
    date: str | None
    status: str
    error: str | None
    duplicate_of: int | None
    duplicate_kind: str | None
    similarity: float | None
    reports: int
    run_id: int


@dataclass(frozen=True)
class StoredActor:
    code: str
    country: str | None
    sector: str | None
    org: str | None
    name: str
    event_count: int
    first_date: str | None
    last_date: str | None


@dataclass(frozen=True)
class StoreCounts:
    documents: dict[str, int] = field(default_factory=dict)
    events: int = 0
    reports: int = 0
    quotes: int = 0
    actors: int = 0
    runs: int = 0


class Store:
    """One database.  Opening it applies pending migrations (``migrate=False`` to not)."""

    def __init__(self, url: str = DEFAULT_URL, *, migrate: bool = True,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        """``timeout``: seconds to wait for a SQLite database that another program is
        writing, or for a connection to a PostgreSQL server, before giving up."""
        self.url = normalise_url(url)
        self.timeout = timeout
        self.engine = _engine(self.url, timeout)
        if migrate:
            self.migrate()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    # -- migrations ------------------------------------------------------------------------
    def applied_migrations(self) -> list[str]:
        with self._errors("cannot read the database"), self._connect() as conn:
            if not inspect(conn).has_table(s.migrations.name):
                return []
            rows = conn.execute(select(s.migrations.c.name).order_by(s.migrations.c.name))
            return [r.name for r in rows]

    def migrate(self, upto: str | None = None) -> list[str]:
        """Apply pending migrations in order (up to and including ``upto``); each one and its
        record in ``migrations`` commit together or not at all."""
        names = [m.name for m in migrations.MIGRATIONS]
        if upto is not None and upto not in names:
            raise StoreError(f"no migration named {upto!r}: known are {', '.join(names)}")
        with self._errors("cannot create the database"), self._begin() as conn:
            s.migrations.create(conn, checkfirst=True)
        done = set(self.applied_migrations())
        applied = []
        for migration in migrations.MIGRATIONS:
            if migration.name not in done:
                try:
                    with self._begin() as conn:
                        migration.apply(conn)
                        conn.execute(insert(s.migrations).values(name=migration.name,
                                                                 applied_at=utc_now()))
                except SQLAlchemyError as err:
                    raise StoreError(f"{self._where()}: migration {migration.name} failed "
                                     f"({_short(err)}); the database was left as it was: "
                                     f"{self._advice(err)}") from None
                log.info("applied migration %s", migration.name)
                applied.append(migration.name)
            if migration.name == upto:
                break
        return applied

    # -- runs ------------------------------------------------------------------------------
    def begin_run(self, sources: Sequence[str], workers: int) -> int:
        with self._errors("could not start an ingest run"), self._begin() as conn:
            result = conn.execute(insert(s.runs).values(
                started_at=utc_now(), status="running", sources="\n".join(sources),
                workers=workers, seen=0, skipped=0, coded=0, duplicates=0, failed=0,
                events_added=0, reports_added=0))
            return int(result.inserted_primary_key[0])  # type: ignore[index]

    def finish_run(self, run_id: int, status: str, **counts: int) -> None:
        with self._errors("could not record the end of the ingest run"), self._begin() as conn:
            conn.execute(update(s.runs).where(s.runs.c.id == run_id).values(
                finished_at=utc_now(), status=status, **counts))

    # -- ingest: look-ups and writes, a batch at a time ---------------------------------------
    def stored_copies(self, hashes: Sequence[str]) -> dict[str, list[StoredCopy]]:
        """The stored documents with each of these normalised texts (``text_hash``),
        earliest first: the stored versions of a document and its exact duplicates."""
        with self._errors("cannot read the database"), self._connect() as conn:
            return store_write.copies(conn, hashes)

    def has_key(self, key: str) -> bool:
        """Whether some version of document ``key`` was stored and not failed."""
        with self._errors("cannot read the database"), self._connect() as conn:
            return conn.execute(select(s.documents.c.id).where(
                s.documents.c.key == key, s.documents.c.status != "failed").limit(1)
            ).first() is not None

    def find_near(self, fingerprints: Sequence[Fingerprint], threshold: float
                  ) -> list[Match | None]:
        """For each fingerprint, the stored coded document it nearly duplicates: the most
        similar at or above ``threshold`` (MinHash estimate), the earliest of equals."""
        with self._errors("cannot read the database"), self._connect() as conn:
            return store_write.find_near(conn, fingerprints, threshold)

    def write_batch(self, run_id: int, records: Sequence[DocumentRecord],
                    keys: store_write.EventKey = store_write.event_key) -> BatchResult:
        """Store a batch of documents with their events, reports and quotes in one
        transaction: all of it or nothing.  ``keys``: how events are keyed (the same key
        is the same event)."""
        try:
            with self._begin() as conn:
                return store_write.write_records(conn, run_id, records, keys)
        except SQLAlchemyError as err:
            raise StoreError(f"{self._where()}: could not write a batch ({_short(err)}); "
                             f"nothing of it was stored: {self._advice(err)}") from None

    # -- queries ---------------------------------------------------------------------------
    def events(self, filters: EventFilter | None = None) -> Iterator[StoredEvent]:
        """Events matching ``filters``, by date then id."""
        filters = filters or EventFilter()
        query = event_query(filters)
        served = 0
        with self._errors("cannot read the events"), self._connect() as conn:
            for row in conn.execution_options(yield_per=500).execute(query):
                stored = stored_event(row)
                if filters.near is not None:
                    loc = stored.event.location
                    lat, lon, km = filters.near
                    if loc is None or distance_km(lat, lon, loc.lat, loc.lon) > km:
                        continue
                    if filters.limit is not None and served >= filters.limit:
                        return
                served += 1
                yield stored

    def reports(self, event_id: int) -> list[Report]:
        r, d = s.event_reports, s.documents
        query = (select(r, d.c.key).join(d, d.c.id == r.c.document_id)
                 .where(r.c.event_id == event_id).order_by(r.c.id))
        with self._errors("cannot read the reports"), self._connect() as conn:
            return [Report(row.event_id, row.key, row.sentence_index, row.sentence,
                           row.verb_text, row.rule, row.modality, row.attribution)
                    for row in conn.execute(query)]

    def documents(self, status: str | None = None, limit: int | None = None
                  ) -> Iterator[StoredDocument]:
        d, r = s.documents, s.event_reports
        reports = (select(func.count()).select_from(r).where(r.c.document_id == d.c.id)
                   .scalar_subquery())
        query = select(d, reports.label("reports")).order_by(d.c.id)
        if status is not None:
            query = query.where(d.c.status == status)
        if limit is not None:
            query = query.limit(limit)
        with self._errors("cannot read the documents"), self._connect() as conn:
            for row in conn.execution_options(yield_per=500).execute(query):
                yield StoredDocument(
                    int(row.id), row.key, row.origin, row.source, row.url, row.title, row.date,
                    row.status, row.error, row.duplicate_of, row.duplicate_kind, row.similarity,
                    int(row.reports), int(row.run_id))

    def actors(self, limit: int | None = None) -> Iterator[StoredActor]:
        a = s.actors
        query = select(a).order_by(a.c.event_count.desc(), a.c.code)
        if limit is not None:
            query = query.limit(limit)
        with self._errors("cannot read the actors"), self._connect() as conn:
            for row in conn.execute(query):
                yield StoredActor(row.code, row.country, row.sector, row.org, row.name,
                                  int(row.event_count), row.first_date, row.last_date)

    def counts(self) -> StoreCounts:
        with self._errors("cannot read the database"), self._connect() as conn:
            by_status: dict[str, int] = {
                row[0]: int(row[1]) for row in conn.execute(
                    select(s.documents.c.status, func.count()).group_by(s.documents.c.status))}

            def count(table: Any) -> int:
                return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)

            return StoreCounts({k: int(v) for k, v in by_status.items()}, count(s.events),
                               count(s.event_reports), count(s.quotes), count(s.actors),
                               count(s.runs))

    @contextlib.contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for read queries of other modules (:mod:`blocwatch.analysis.stored`);
        database errors become one :class:`StoreError` line."""
        with self._errors("cannot read the database"), self._connect() as conn:
            yield conn

    # -- internals -------------------------------------------------------------------------
    def _connect(self) -> Connection:
        try:
            return self.engine.connect()
        except OperationalError as err:
            raise StoreError(f"{self._where()}: cannot open the database ({_short(err)}): "
                             f"{self._advice(err)}") from None

    @contextlib.contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Database errors in the block become one :class:`StoreError` line: what failed,
        the driver's reason, and what to do."""
        try:
            yield
        except SQLAlchemyError as err:
            raise StoreError(f"{self._where()}: {doing} ({_short(err)}): "
                             f"{self._advice(err)}") from None

    def _advice(self, err: Exception) -> str:
        return advice(_short(err), self.timeout, make_url(self.url).database or "the database")

    @contextlib.contextmanager
    def _begin(self) -> Iterator[Connection]:
        """A connection in a transaction: committed at the end, rolled back on error."""
        with self._connect() as conn, conn.begin():
            yield conn

    def _where(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)


def _engine(url: str, timeout: float = DEFAULT_TIMEOUT) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreError(f"{url!r} is not a database URL: use sqlite:///FILE or "
                         "postgresql://USER@HOST:PORT/DB") from None
    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(f"{url!r}: unsupported database {backend!r}: use sqlite:///FILE or "
                         "postgresql://USER@HOST:PORT/DB")
    # SQLite: how long a write waits for another writer's lock (pysqlite's busy timeout);
    # PostgreSQL: how long connecting may take (libpq's connect_timeout, whole seconds)
    connect_args: dict[str, Any] = (
        {"timeout": timeout} if backend == "sqlite"
        else {"connect_timeout": max(1, math.ceil(timeout))})
    try:
        engine = create_engine(url, future=True, connect_args=connect_args)
    except (ArgumentError, ImportError) as err:
        raise StoreError(f"{url!r}: cannot use this database URL ({err})") from None
    if backend == "sqlite":
        event.listen(engine, "connect", sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")


def sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # pysqlite would not begin transactions before DDL: take over BEGIN (see _sqlite_begin)
    # so that a migration and a batch are each one transaction.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _short(err: Exception) -> str:
    text = str(getattr(err, "orig", None) or err).strip().splitlines()
    return text[0] if text else type(err).__name__


# What to do about a database error, by a pattern of the driver's message (SQLite,
# psycopg); the first that matches wins.
_ADVICE: tuple[tuple[str, str], ...] = (
    (r"database (table )?is locked",
     "another program is writing to it (waited {timeout:g} s): let it finish or stop it, "
     "then run again (the database_timeout setting waits longer)"),
    (r"readonly database|read-only file system",
     "the database or its folder is read-only: make {file}, its -wal and -shm files and "
     "their folder writable (chmod u+w), or give another --db"),
    (r"unable to open database file",
     "check that the folder of {file} exists and that it and the file are writable"),
    (r"database or disk is full|disk i/o error|no space left|could not extend file",
     "the disk is full (or failing): free some space and run again; everything written "
     "before stays stored"),
    (r"file is not a database|malformed",
     "it is not a blocwatch database or it is damaged: check --db"),
    (r'database ".*" does not exist', "create the database first (createdb NAME) or check --db"),
    (r'authentication failed|no password supplied|role ".*" does not exist',
     "check the user name and password in --db"),
    (r"server closed the connection|terminating connection|connection (is|already) closed"
     r"|consuming input failed|shutting down|connection is lost",
     "the database server went away: start it again and run again; everything written "
     "before stays stored"),
    (r"connection refused|could not connect|connection failed|timeout expired"
     r"|translate host name|no route to host",
     "is the PostgreSQL server running and reachable at that address? check --db"),
)


def advice(reason: str, timeout: float = DEFAULT_TIMEOUT, file: str = "the database") -> str:
    """What to do about the database error whose message is ``reason`` (``file``: the
    SQLite database's path)."""
    for pattern, text in _ADVICE:
        if re.search(pattern, reason, re.IGNORECASE):
            return text.format(timeout=timeout, file=file)
    return "check --db"


# -- query helpers -----------------------------------------------------------------------------
def _actor_match(role: str, code: str):  # type: ignore[no-untyped-def]
    e = s.events
    return or_(e.c[f"{role}_code"] == code, e.c[f"{role}_country"] == code)


def event_query(f: EventFilter) -> Select[Any]:
    e, d, r = s.events, s.documents, s.event_reports
    # GDELT's NumSources: distinct outlets; a document of unknown outlet counts as its own
    sources = (select(func.count(func.distinct(func.coalesce(d.c.source, d.c.key))))
               .select_from(r)
               .join(d, d.c.id == r.c.document_id).where(r.c.event_id == e.c.id)
               .scalar_subquery())
    query = (select(e, d.c.key.label("doc_key"), d.c.url.label("doc_url"),
                    sources.label("source_count"))
             .join(d, d.c.id == e.c.document_id))
    conditions = event_conditions(f)
    if conditions:
        query = query.where(and_(*conditions))
    query = query.order_by(e.c.date.is_(None), e.c.date, e.c.id)
    if f.limit is not None and f.near is None:
        query = query.limit(f.limit)
    return query


def event_conditions(f: EventFilter) -> list[Any]:
    """The SQL conditions of ``f`` on the events table (the ``near`` one a bounding box)."""
    e = s.events
    conditions = []
    if f.actor:
        conditions.append(or_(_actor_match("source", f.actor), _actor_match("target", f.actor)))
    if f.source:
        conditions.append(_actor_match("source", f.source))
    if f.target:
        conditions.append(_actor_match("target", f.target))
    if f.code:
        conditions.append(e.c.cameo.startswith(f.code, autoescape=True))
    if f.root:
        conditions.append(e.c.root == f.root)
    if f.quad:
        conditions.append(e.c.quad_class.in_(f.quad))
    if f.since:
        conditions.append(e.c.date >= f.since)
    if f.until:
        conditions.append(e.c.date <= f.until)
    if f.modality:
        conditions.append(e.c.modality.in_(f.modality))
    if f.min_reports:
        conditions.append(e.c.report_count >= f.min_reports)
    if f.location_country:
        conditions.append(e.c.location_country == f.location_country.upper())
    if f.near is not None:  # a bounding box in SQL; the exact distance is checked after
        lat, lon, km = f.near
        dlat = km / 111.0
        dlon = km / max(1e-6, 111.0 * math.cos(math.radians(min(89.9, abs(lat)))))
        conditions += [e.c.location_lat.between(lat - dlat, lat + dlat)]
        if dlon < 180:
            conditions += [e.c.location_lon.between(lon - dlon, lon + dlon)]
    return conditions


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, Earth radius 6371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _location(row: Any) -> Location | None:
    if row.location_name is None:
        return None
    return Location(row.location_name, row.location_country, float(row.location_lat),
                    float(row.location_lon), row.location_feature)


def stored_event(row: Any) -> StoredEvent:
    source = stored_actor(row, "source")
    assert source is not None
    ev = Event(doc_id=row.doc_key, sentence_index=row.sentence_index, sentence=row.sentence,
               date=row.date, source=source, target=stored_actor(row, "target"), cameo=row.cameo,
               root=row.root, quad_class=int(row.quad_class), goldstein=float(row.goldstein),
               plover=Plover(row.plover_event, row.plover_mode), modality=row.modality,
               attribution=row.attribution,
               verb=VerbRef(row.verb_text, row.verb_lemma, row.verb_start, row.verb_end),
               rule=row.rule, location=_location(row))
    return StoredEvent(int(row.id), ev, int(row.report_count), int(row.mention_count),
                       int(row.source_count or 0), row.doc_url, row.added_at)
