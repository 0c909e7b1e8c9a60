"""The event database's tables (SQLAlchemy Core) and its named migrations.

The tables below describe the schema as the newest migration leaves it; queries use them.
Migrations are applied in order, each in its own transaction, and recorded by name in the
``migrations`` table.  A migration is a list of DDL statements built from these objects
(``CreateTable``, ``CreateIndex``, ``AddColumn``), never ``metadata.create_all``; 0001 creates
the tables as they were then (without the columns later migrations add), so that an old
database migrated step by step ends up exactly like a new one.  To change the schema: change
the tables here, and append a migration that takes an existing database there.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
)

# INTEGER PRIMARY KEY is SQLite's row id (auto-increment); BIGINT everywhere else.
Id = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData()

migrations = Table(
    "migrations", metadata,
    Column("name", String(100), primary_key=True),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

runs = Table(
    "runs", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    Column("status", String(16), nullable=False),  # running, finished, failed
    Column("sources", Text, nullable=False),  # what was ingested, one per line, for people
    Column("workers", Integer, nullable=False),
    Column("seen", Integer, nullable=False, default=0),
    Column("skipped", Integer, nullable=False, default=0),
    Column("coded", Integer, nullable=False, default=0),
    Column("duplicates", Integer, nullable=False, default=0),
    Column("failed", Integer, nullable=False, default=0),
    Column("events_added", Integer, nullable=False, default=0),
    Column("reports_added", Integer, nullable=False, default=0),
)

documents = Table(
    "documents", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    # sha256(key, text_hash): one row per document version; re-ingesting it adds nothing
    Column("ident", String(64), nullable=False, unique=True),
    Column("key", Text, nullable=False),  # the reader's id: file name, row id, URL
    Column("origin", Text, nullable=False),  # file[:line] or URL, for messages
    Column("source", Text),
    Column("url", Text),
    Column("title", Text),
    Column("date", String(10)),
    Column("text_hash", String(64), nullable=False),
    Column("chars", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # coded, duplicate, failed
    Column("error", Text),
    Column("duplicate_of", Id, ForeignKey("documents.id")),
    Column("duplicate_kind", String(8)),  # exact, near
    Column("similarity", Float),
    Column("signature", LargeBinary),  # MinHash values, for near-duplicate checks
    Column("run_id", Id, ForeignKey("runs.id"), nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
)

document_bands = Table(
    "document_bands", metadata,
    Column("document_id", Id, ForeignKey("documents.id"), primary_key=True),
    Column("band", SmallInteger, primary_key=True, autoincrement=False),
    Column("hash", BigInteger, nullable=False),
)


def _actor_columns(role: str, nullable: bool) -> list[Column]:  # type: ignore[type-arg]
    return [
        Column(f"{role}_code", String(64), nullable=nullable),
        Column(f"{role}_country", String(8)),
        Column(f"{role}_sector", String(32)),
        Column(f"{role}_org", String(64)),
        Column(f"{role}_text", Text, nullable=nullable),
        Column(f"{role}_start", Integer, nullable=nullable),
        Column(f"{role}_end", Integer, nullable=nullable),
    ]


def _verb_columns() -> list[Column]:  # type: ignore[type-arg]
    return [
        Column("verb_text", Text, nullable=False),
        Column("verb_lemma", Text, nullable=False),
        Column("verb_start", Integer, nullable=False),
        Column("verb_end", Integer, nullable=False),
    ]


def location_columns() -> list[Column]:  # type: ignore[type-arg]
    """Where the event happened (records.Location); added by migration 0003."""
    return [
        Column("location_name", Text),
        Column("location_country", String(8)),
        Column("location_lat", Float),
        Column("location_lon", Float),
        Column("location_feature", String(16)),
    ]


def events_table(md: MetaData, *, location: bool) -> Table:
    return Table(
        "events", md,
        Column("id", Id, primary_key=True, autoincrement=True),
        # sha256 of (date, source code, target code, cameo, modality), or of the document
        # too when the event is undated: the same event reported twice is one row
        Column("key", String(64), nullable=False, unique=True),
        Column("date", String(10)),
        *_actor_columns("source", False),
        *_actor_columns("target", True),
        Column("cameo", String(8), nullable=False),
        Column("root", String(4), nullable=False),
        Column("quad_class", SmallInteger, nullable=False),
        Column("goldstein", Float, nullable=False),
        Column("plover_event", String(32)),
        Column("plover_mode", String(32)),
        Column("modality", String(16), nullable=False),
        Column("attribution", String(64)),
        *_verb_columns(),
        Column("rule", String(100), nullable=False),
        # the evidence above is that of the first report; every report is in event_reports
        Column("document_id", Id, ForeignKey("documents.id"), nullable=False),
        Column("sentence_index", Integer, nullable=False),
        Column("sentence", Text, nullable=False),
        Column("report_count", Integer, nullable=False),  # documents that report it
        Column("mention_count", Integer, nullable=False),  # rows in event_reports
        Column("run_id", Id, ForeignKey("runs.id"), nullable=False),
        Column("added_at", DateTime(timezone=True), nullable=False),
        *(location_columns() if location else []),
    )


events = events_table(metadata, location=True)

event_reports = Table(
    "event_reports", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("event_id", Id, ForeignKey("events.id"), nullable=False),
    Column("document_id", Id, ForeignKey("documents.id"), nullable=False),
    Column("sentence_index", Integer, nullable=False),
    Column("sentence", Text, nullable=False),
    Column("source_text", Text, nullable=False),
    Column("source_start", Integer, nullable=False),
    Column("source_end", Integer, nullable=False),
    Column("target_text", Text),
    Column("target_start", Integer),
    Column("target_end", Integer),
    *_verb_columns(),
    Column("rule", String(100), nullable=False),
    Column("modality", String(16), nullable=False),
    Column("attribution", String(64)),
)

quotes = Table(
    "quotes", metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("document_id", Id, ForeignKey("documents.id"), nullable=False),
    Column("sentence_index", Integer, nullable=False),
    Column("quote", Text, nullable=False),
    Column("speaker_code", String(64)),
    Column("speaker_text", Text, nullable=False),
)

actors = Table(
    "actors", metadata,
    Column("code", String(64), primary_key=True),
    Column("country", String(8)),
    Column("sector", String(32)),
    Column("org", String(64)),
    Column("name", Text, nullable=False),  # the text of its first mention
    Column("event_count", Integer, nullable=False),  # events it takes part in
    Column("first_date", String(10)),
    Column("last_date", String(10)),
)

# Indexes of migration 0002 (query filters and look-ups).
INDEXES = (
    Index("ix_documents_text_hash", documents.c.text_hash),
    Index("ix_documents_status", documents.c.status),
    Index("ix_document_bands_hash", document_bands.c.band, document_bands.c.hash),
    Index("ix_events_date", events.c.date),
    Index("ix_events_source_code", events.c.source_code),
    Index("ix_events_target_code", events.c.target_code),
    Index("ix_events_cameo", events.c.cameo),
    Index("ix_event_reports_event", event_reports.c.event_id),
    Index("ix_event_reports_document", event_reports.c.document_id),
    Index("ix_quotes_document", quotes.c.document_id),
)

# Migration 0004: near-duplicate candidates of a whole batch are found by band key alone (a
# key is a 64-bit hash keyed by its band number), one index probe per key.
BAND_KEY_INDEX = Index("ix_document_bands_key", document_bands.c.hash)

LOCATION_COLUMNS = tuple(c.name for c in location_columns())

# Migration 0005: per day, per dyad, per modality and quad class, the number of events, the
# reports behind them and their Goldstein sums; written by ingest in the transaction of the
# events (blocwatch.store.aggregates), so that analysis groups a few rows a dyad-day, not events.
# Keys are analysis.actor_key's, at country level and with the sector; "" where the event
# has none (undated: date "", no placeable actor: key "").
DYAD_DAY_KEY = ("date", "source_key", "target_key", "source_sector_key", "target_sector_key",
                "modality", "quad_class")


def _dyad_columns() -> list[Column]:  # type: ignore[type-arg]
    """The actor keys and modality that key dyad_days and dyad_totals, and their sums."""
    return [Column("source_key", String(64), primary_key=True),
            Column("target_key", String(64), primary_key=True),
            Column("source_sector_key", String(100), primary_key=True),
            Column("target_sector_key", String(100), primary_key=True),
            Column("modality", String(16), primary_key=True)]


def _dyad_sums() -> list[Column]:  # type: ignore[type-arg]
    return [Column("events", Integer, nullable=False),
            Column("reports", Integer, nullable=False),
            Column("goldstein", Float, nullable=False),
            Column("goldstein_reports", Float, nullable=False)]


dyad_days = Table(
    "dyad_days", metadata,
    Column("date", String(10), primary_key=True),
    *_dyad_columns(),
    Column("quad_class", SmallInteger, primary_key=True, autoincrement=False),
    *_dyad_sums(),
)
DYAD_DAY_INDEXES = (
    Index("ix_dyad_days_dyad", dyad_days.c.source_key, dyad_days.c.target_key,
          dyad_days.c.date),
    Index("ix_dyad_days_sector_dyad", dyad_days.c.source_sector_key,
          dyad_days.c.target_sector_key, dyad_days.c.date),
)

# Migration 0006: per dyad and modality (no date), the totals of dyad_days, written by
# ingest with it: what whole-history reads (overview, network, a dyad's alignment) group,
# a few rows a dyad instead of one a dyad-day.  The relations graph's decay,
# 0.5 ** ((end - date) / half_life), factors into 0.5 ** ((end - DECAY_EPOCH) / DECAY_HALF_LIFE)
# times the sum of goldstein * 2 ** ((date - DECAY_EPOCH) / DECAY_HALF_LIFE): the "decayed"
# columns hold that sum for the default half-life (undated events, which do not decay, apart).
DECAY_EPOCH = "2000-01-01"
DECAY_HALF_LIFE = 90.0
DYAD_TOTAL_KEY = ("source_key", "target_key", "source_sector_key", "target_sector_key",
                  "modality")
DYAD_TOTAL_SUMS = ("events", "reports", "goldstein", "goldstein_reports", "cooperation",
                   "conflict", "decayed", "decayed_reports", "undated", "undated_reports")
dyad_totals = Table(
    "dyad_totals", metadata,
    *_dyad_columns(),
    *_dyad_sums(),
    Column("cooperation", Integer, nullable=False),  # events of quad class 1, 2
    Column("conflict", Integer, nullable=False),  # events of quad class 3, 4
    Column("decayed", Float, nullable=False),  # dated: goldstein * 2 ** (age from epoch)
    Column("decayed_reports", Float, nullable=False),  # the same times reports
    Column("undated", Float, nullable=False),  # goldstein of the undated events
    Column("undated_reports", Float, nullable=False),
)
# Migration 0006 also: per ISO week (its Monday), unordered pair of placed, distinct
# country-level keys (a < b) and modality, the conflict events (quad class 3, 4): what an
# escalation scan by week reads, a row a pair-week instead of a few a dyad-day.
DYAD_WEEK_KEY = ("week", "a", "b", "modality")
dyad_weeks = Table(
    "dyad_weeks", metadata,
    Column("week", String(10), primary_key=True),
    Column("a", String(64), primary_key=True),
    Column("b", String(64), primary_key=True),
    Column("modality", String(16), primary_key=True),
    Column("conflict", Integer, nullable=False),
)
# Migration 0006 also: the events between two actor codes over a date range (an alert's
# evidence, a dyad's events) are an index range, not a scan of the dates.
EVENT_DYAD_INDEX = Index("ix_events_dyad_date", events.c.source_code, events.c.target_code,
                         events.c.date)
