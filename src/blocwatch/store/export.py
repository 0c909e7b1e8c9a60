"""Writers for stored events: JSON lines (the output contract plus report counts), CSV (the
contract flattened with ``_``, plus report counts), Parquet (the CSV columns, typed) and
GDELT 2.0's event table (tab-separated, no header, GDELT's 61 columns in GDELT's order;
the ones we do not code, such as tone and the actors' geography, left empty; the action's
geography from the event's location).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from sqlalchemy import ColumnElement, case, null, select

from blocwatch.coding.output import CSV_EVENT_COLUMNS
from blocwatch.records import ActorRef, flatten
from blocwatch.store import schema as s
from blocwatch.store.database import Store, StoredEvent

EXTRA_COLUMNS = ("event_id", "report_count", "mention_count")
EVENT_COLUMNS = (*CSV_EVENT_COLUMNS, *EXTRA_COLUMNS)

_ACTOR_GDELT = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code",
                "Religion2Code", "Type1Code", "Type2Code", "Type3Code")
_GEO_GDELT = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long",
              "FeatureID")
# GDELT geo types: 1 country, 4 world city, 5 world state/region (2, 3: US state, US city)
_GEO_TYPES = {"country": 1, "city": 4, "capital": 4, "region": 5}
GDELT_COLUMNS = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{c}" for c in _ACTOR_GDELT), *(f"Actor2{c}" for c in _ACTOR_GDELT),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"Actor1Geo_{c}" for c in _GEO_GDELT), *(f"Actor2Geo_{c}" for c in _GEO_GDELT),
    *(f"ActionGeo_{c}" for c in _GEO_GDELT),
    "DATEADDED", "SOURCEURL",
)


def event_row(row: StoredEvent) -> dict[str, Any]:
    """The flat (CSV) form of a stored event."""
    flat = flatten(row.to_dict())
    return {c: flat.get(c) for c in EVENT_COLUMNS}


def write_jsonl(rows: Iterable[StoredEvent], out: IO[str]) -> int:
    n = 0
    for row in rows:
        out.write(json.dumps(row.to_dict(), ensure_ascii=False) + "\n")
        n += 1
    return n


def write_csv(rows: Iterable[StoredEvent], out: IO[str]) -> int:
    writer = csv.DictWriter(out, fieldnames=EVENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow(event_row(row))
        n += 1
    return n


def gdelt_row(row: StoredEvent) -> list[str]:
    """One GDELT 2.0 event-table row (61 fields, in GDELT's order) of a stored event."""
    ev = row.event
    values: dict[str, Any] = {"GLOBALEVENTID": row.id}
    if ev.date:
        day = dt.date.fromisoformat(ev.date)
        values.update(SQLDATE=day.strftime("%Y%m%d"), MonthYear=day.strftime("%Y%m"),
                      Year=day.year,
                      FractionDate=f"{day.year + (day.timetuple().tm_yday - 1) / 365:.4f}")
    values.update(_gdelt_actor("Actor1", ev.source))
    if ev.location is not None:
        values.update(ActionGeo_Type=_GEO_TYPES.get(ev.location.feature),
                      ActionGeo_FullName=ev.location.name,
                      ActionGeo_CountryCode=ev.location.country,
                      ActionGeo_Lat=ev.location.lat, ActionGeo_Long=ev.location.lon)
    values.update(_gdelt_actor("Actor2", ev.target))
    values.update(
        IsRootEvent=1 if ev.sentence_index <= 0 else 0, EventCode=ev.cameo,
        EventBaseCode=ev.cameo[:3], EventRootCode=ev.root, QuadClass=ev.quad_class,
        GoldsteinScale=ev.goldstein, NumMentions=row.mention_count,
        NumSources=row.source_count, NumArticles=row.report_count,
        DATEADDED=row.added_at.strftime("%Y%m%d%H%M%S"), SOURCEURL=row.url or ev.doc_id)
    return ["" if values.get(c) is None else str(values[c]) for c in GDELT_COLUMNS]


def _gdelt_actor(prefix: str, actor: ActorRef | None) -> dict[str, Any]:
    if actor is None:
        return {}
    return {f"{prefix}Code": actor.code, f"{prefix}Name": actor.text.upper(),
            f"{prefix}CountryCode": actor.country, f"{prefix}KnownGroupCode": actor.org,
            f"{prefix}Type1Code": actor.sector}


def write_gdelt(rows: Iterable[StoredEvent], out: IO[str]) -> int:
    n = 0
    for row in rows:
        out.write("\t".join(_tsv(v) for v in gdelt_row(row)) + "\n")
        n += 1
    return n


def _tsv(value: str) -> str:
    return value.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def write_parquet(rows: Iterable[StoredEvent], out: Any, chunk: int = 10_000) -> int:
    """Parquet with the CSV columns; ``out`` is a path or a binary file object."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c, _arrow_type(c)) for c in EVENT_COLUMNS])
    n = 0
    with pq.ParquetWriter(out, schema) as writer:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(event_row(row))
            if len(batch) >= chunk:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                n += len(batch)
                batch = []
        if batch or n == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            n += len(batch)
    return n


def _arrow_type(column: str):  # type: ignore[no-untyped-def]
    import pyarrow as pa

    if column == "goldstein":
        return pa.float64()
    if column in ("sentence_index", "quad_class", "event_id", "report_count", "mention_count"
                  ) or column.endswith(("_start", "_end")):
        return pa.int64()
    return pa.string()


# -- straight from SQL rows ---------------------------------------------------------------------
def _flat_columns() -> list[ColumnElement[Any]]:
    """The SQL expressions of :data:`EVENT_COLUMNS`, in order: what :func:`event_row` gives
    for a stored event (a missing target leaves every ``target_*`` cell empty)."""
    e, d = s.events, s.documents
    out: list[ColumnElement[Any]] = []
    for name in EVENT_COLUMNS:
        if name == "doc_id":
            out.append(d.c.key)
        elif name == "event_id":
            out.append(e.c.id)
        elif name.startswith("target_"):
            out.append(case((e.c.target_code.is_(None), null()), else_=e.c[name]))
        else:
            out.append(e.c[name])
    return out


def flat_rows(store: Store, chunk: int = 20_000) -> Iterator[Sequence[Any]]:
    """Every stored event as a tuple of :data:`EVENT_COLUMNS`, ``chunk`` at a time, in the
    order of :meth:`Store.events` (by date, undated last, then id), as the driver returns
    them: no record object per event.  (The database sorts once: cheaper than walking the
    date index, whose table look-ups are random reads.)"""
    e, d = s.events, s.documents
    query = (select(*_flat_columns()).join(d, d.c.id == e.c.document_id)
             .order_by(e.c.date.is_(None), e.c.date, e.c.id))
    with store.reading() as conn:
        sql = str(query.compile(dialect=conn.dialect))  # no parameters
        raw = conn.connection.dbapi_connection
        assert raw is not None
        # the driver's own tuples (these columns need no conversion); on PostgreSQL a
        # server-side cursor, so that rows come as they are read
        cursor = raw.cursor(name="blocwatch_export") if conn.dialect.name == "postgresql" \
            else raw.cursor()
        try:
            cursor.execute(sql)
            while rows := cursor.fetchmany(chunk):
                yield rows
        finally:
            cursor.close()


def parquet_from_store(store: Store, out: Any, chunk: int = 20_000) -> int:
    """Every stored event to Parquet (the CSV columns, typed), one row group per ``chunk``
    events, converted by arrow from the SQL rows: memory stays flat however many events
    there are."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(c, _arrow_type(c)) for c in EVENT_COLUMNS])
    n = 0
    with pq.ParquetWriter(out, schema) as writer:
        struct = pa.struct(list(schema))
        for rows in flat_rows(store, chunk):  # tuples -> struct -> columns, all in arrow
            writer.write_batch(pa.RecordBatch.from_struct_array(pa.array(rows, type=struct)))
            n += len(rows)
        if n == 0:
            writer.write_table(schema.empty_table())
    return n


def csv_from_store(store: Store, out: IO[str]) -> int:
    """Every stored event as CSV (the columns of :func:`write_csv`), streamed from the SQL
    rows."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EVENT_COLUMNS)
    n = 0
    for rows in flat_rows(store):
        writer.writerows(rows)
        n += len(rows)
    return n
