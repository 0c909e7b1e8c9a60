"""Per-dyad, per-day aggregates of the events (table ``dyad_days``, migration 0005): what
the analysis reads instead of event rows, so that a million events cost a few thousand
grouped rows.

Ingest adds to the table in the transaction that writes the events (:func:`add`): one row
per (date, actor keys at country and sector level, modality, quad class) with the number
of events, of the reports behind them and the Goldstein sums (plain and times reports).
Migration 0005 fills it from the events already stored with one ``INSERT ... SELECT ...
GROUP BY`` (:func:`backfill_statement`), whose key expressions are
:func:`~blocwatch.records.actor_key`'s rules written in SQL.

Reading (:func:`read`) groups the table in the database at the level an analysis needs
(country or sector keys, with or without the date) and returns :class:`DayCount` records;
:mod:`blocwatch.analysis.relations` turns them into dyad series, the signed graph and
alerts with the same arithmetic as its event-based functions.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Float,
    String,
    Table,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import Executable
from sqlalchemy.sql.functions import FunctionElement

from blocwatch.records import UNKNOWN_ACTOR, ActorRef, actor_key
from blocwatch.store import schema as s


@dataclass(frozen=True)
class DayCount:
    """Events of one dyad on one day (``date`` "" when undated), one modality and quad
    class; keys are ``actor_key``'s, "" for an actor that cannot be placed."""

    date: str
    source: str
    target: str
    modality: str
    quad_class: int
    events: int
    reports: int
    goldstein: float
    goldstein_reports: float


def _key(ref: ActorRef | None, by_sector: bool) -> str:
    return actor_key(ref, by_sector=by_sector) or ""


def row_key(date: str | None, source: ActorRef, target: ActorRef | None, modality: str,
            quad_class: int) -> tuple[str, str, str, str, str, str, int]:
    """The primary key (``schema.DYAD_DAY_KEY``) of an event's row."""
    return (date or "", _key(source, False), _key(target, False), _key(source, True),
            _key(target, True), modality, quad_class)


class Deltas(dict[tuple[Any, ...], list[float]]):
    """What one batch adds to ``dyad_days``: key -> [events, reports, goldstein,
    goldstein x reports]."""

    def count(self, key: tuple[Any, ...], events: int, reports: int, goldstein: float) -> None:
        row = self.setdefault(key, [0, 0, 0.0, 0.0])
        row[0] += events
        row[1] += reports
        row[2] += goldstein * events
        row[3] += goldstein * reports


def add(conn: Connection, deltas: Deltas) -> None:
    """Add ``deltas`` to ``dyad_days`` and their totals to ``dyad_totals`` (insert, or add
    to the row already there)."""
    if not deltas:
        return
    _upsert(conn, s.dyad_days, s.DYAD_DAY_KEY, [
        {**dict(zip(s.DYAD_DAY_KEY, key, strict=True)), "events": int(v[0]),
         "reports": int(v[1]), "goldstein": v[2], "goldstein_reports": v[3]}
        for key, v in sorted(deltas.items())])
    _upsert(conn, s.dyad_totals, s.DYAD_TOTAL_KEY, totals(deltas))
    if rows := weeks(deltas):
        _upsert(conn, s.dyad_weeks, s.DYAD_WEEK_KEY, rows)


def _upsert(conn: Connection, t: Table, key: Sequence[str], rows: list[dict[str, Any]]
            ) -> None:
    insert = sqlite.insert if conn.dialect.name == "sqlite" else postgresql.insert
    statement = insert(t)
    statement = statement.on_conflict_do_update(
        index_elements=list(key),
        set_={c.name: c + statement.excluded[c.name] for c in t.columns if c.name not in key})
    conn.execute(statement, rows)


def decay_factor(date: str) -> float:
    """``2 ** ((date - DECAY_EPOCH) / DECAY_HALF_LIFE)`` (see ``schema.dyad_totals``)."""
    age = dt.date.fromisoformat(date).toordinal() - EPOCH.toordinal()
    return float(2.0 ** (age / s.DECAY_HALF_LIFE))


def totals(deltas: Deltas) -> list[dict[str, Any]]:
    """The ``dyad_totals`` rows of ``dyad_days`` deltas (their dates summed away)."""
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for key, (events, reports, goldstein, goldstein_reports) in sorted(deltas.items()):
        date, quad = key[0], key[6]
        row = out.setdefault(key[1:6], {**dict(zip(s.DYAD_TOTAL_KEY, key[1:6], strict=True)),
                                        **dict.fromkeys(s.DYAD_TOTAL_SUMS, 0)})
        factor = decay_factor(date) if date else 0.0
        for name, value in (("events", events), ("reports", reports),
                            ("cooperation" if quad <= 2 else "conflict", events),
                            ("goldstein", goldstein), ("goldstein_reports", goldstein_reports),
                            ("decayed", goldstein * factor),
                            ("decayed_reports", goldstein_reports * factor),
                            ("undated", 0.0 if date else goldstein),
                            ("undated_reports", 0.0 if date else goldstein_reports)):
            row[name] += value
    return [{k: int(v) if k in _COUNTS else v for k, v in row.items()} for row in out.values()]


def week_of(date: str) -> str:
    """The Monday of ``date``'s ISO week."""
    day = dt.date.fromisoformat(date)
    return (day - dt.timedelta(days=day.weekday())).isoformat()


def weeks(deltas: Deltas) -> list[dict[str, Any]]:
    """The ``dyad_weeks`` rows of ``dyad_days`` deltas: dated conflict events between two
    placed, distinct country-level keys, per week and unordered pair."""
    out: dict[tuple[str, str, str, str], int] = defaultdict(int)
    for (date, src, tgt, _, _, modality, quad), values in deltas.items():
        if date and quad >= 3 and src and tgt and src != tgt and values[0]:
            out[(week_of(date), min(src, tgt), max(src, tgt), modality)] += int(values[0])
    return [{**dict(zip(s.DYAD_WEEK_KEY, key, strict=True)), "conflict": n}
            for key, n in sorted(out.items())]


_COUNTS = ("events", "cooperation", "conflict", "reports")
EPOCH = dt.date.fromisoformat(s.DECAY_EPOCH)


# -- actor_key in SQL ---------------------------------------------------------------------------
def key_sql(role: str, by_sector: bool) -> ColumnElement[Any]:
    """``actor_key`` of the events' ``role`` actor as a SQL expression ("" for None)."""
    e = s.events
    code, country = e.c[f"{role}_code"], e.c[f"{role}_country"]
    org, sector = e.c[f"{role}_org"], e.c[f"{role}_sector"]
    placed = country + func.coalesce(sector, "") if by_sector else country
    return case(
        (and_(org.is_not(None), org != ""), org),
        (and_(country.is_not(None), country != ""), placed),
        (code.is_(None), literal("")),
        (code == "", literal("")),
        (and_(sector.is_not(None), code == sector), literal("")),
        (code.startswith(UNKNOWN_ACTOR), literal("")),
        else_=code)


def backfill_statement() -> Executable:
    """``INSERT INTO dyad_days SELECT ... FROM events GROUP BY ...``: the table for the
    events already stored (migration 0005)."""
    e, t = s.events, s.dyad_days
    keys = [func.coalesce(e.c.date, "").label("date"),
            key_sql("source", False).label("source_key"),
            key_sql("target", False).label("target_key"),
            key_sql("source", True).label("source_sector_key"),
            key_sql("target", True).label("target_sector_key"),
            e.c.modality, e.c.quad_class]
    query = (select(*keys, func.count().label("events"),
                    func.sum(e.c.report_count).label("reports"),
                    func.sum(e.c.goldstein).label("goldstein"),
                    func.sum(e.c.goldstein * e.c.report_count).label("goldstein_reports"))
             .where(e.c.target_code.is_not(None))
             .group_by(*keys))
    return t.insert().from_select([c.name for c in t.columns], query)


class DaysSinceEpoch(FunctionElement[float]):
    """Days from ``DECAY_EPOCH`` to a date column (SQL of each database, see below)."""

    type = Float()
    inherit_cache = True


@compiles(DaysSinceEpoch, "sqlite")
def _days_sqlite(element: DaysSinceEpoch, compiler: Any, **kw: Any) -> str:
    return (f"(julianday({compiler.process(element.clauses, **kw)}) - "
            f"julianday('{s.DECAY_EPOCH}'))")


@compiles(DaysSinceEpoch)
def _days_default(element: DaysSinceEpoch, compiler: Any, **kw: Any) -> str:
    return (f"(CAST({compiler.process(element.clauses, **kw)} AS DATE) - "
            f"DATE '{s.DECAY_EPOCH}')")


def backfill_totals_statement() -> Executable:
    """``INSERT INTO dyad_totals SELECT ... FROM dyad_days GROUP BY ...``: the totals of
    the aggregates already stored (migration 0006)."""
    d, t = s.dyad_days, s.dyad_totals
    keys = [d.c[name] for name in s.DYAD_TOTAL_KEY]
    dated = d.c.date != ""
    factor = case((dated, func.power(2.0, DaysSinceEpoch(d.c.date) / s.DECAY_HALF_LIFE)),
                  else_=0.0)
    query = select(
        *keys, func.sum(d.c.events), func.sum(d.c.reports), func.sum(d.c.goldstein),
        func.sum(d.c.goldstein_reports),
        func.sum(case((d.c.quad_class <= 2, d.c.events), else_=0)),
        func.sum(case((d.c.quad_class >= 3, d.c.events), else_=0)),
        func.sum(d.c.goldstein * factor), func.sum(d.c.goldstein_reports * factor),
        func.sum(case((dated, 0.0), else_=d.c.goldstein)),
        func.sum(case((dated, 0.0), else_=d.c.goldstein_reports))).group_by(*keys)
    return t.insert().from_select([*s.DYAD_TOTAL_KEY, *s.DYAD_TOTAL_SUMS], query)


class WeekOf(FunctionElement[str]):
    """The Monday of a date column's ISO week, as text (SQL of each database, below)."""

    type = String()
    inherit_cache = True


@compiles(WeekOf, "sqlite")
def _week_sqlite(element: WeekOf, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(element.clauses, **kw)}, '-6 days', 'weekday 1')"


@compiles(WeekOf)
def _week_default(element: WeekOf, compiler: Any, **kw: Any) -> str:
    return (f"to_char(date_trunc('week', CAST({compiler.process(element.clauses, **kw)} "
            "AS DATE)), 'YYYY-MM-DD')")


def _pair(src: ColumnElement[Any], tgt: ColumnElement[Any]
          ) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    return case((src < tgt, src), else_=tgt), case((src < tgt, tgt), else_=src)


def backfill_weeks_statement() -> Executable:
    """``INSERT INTO dyad_weeks SELECT ... FROM dyad_days GROUP BY ...`` (migration 0006)."""
    d = s.dyad_days
    a, b = _pair(d.c.source_key, d.c.target_key)
    keys = [WeekOf(d.c.date), a, b, d.c.modality]
    query = (select(*keys, func.sum(d.c.events))
             .where(d.c.date != "", d.c.quad_class >= 3, d.c.source_key != "",
                    d.c.target_key != "", d.c.source_key != d.c.target_key, d.c.events > 0)
             .group_by(*keys))
    return s.dyad_weeks.insert().from_select([*s.DYAD_WEEK_KEY, "conflict"], query)


# -- reading ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Window:
    """Which rows to read: dates from ``since`` to ``until`` (an undated row only when
    neither is given, like the event filters), these modalities, conflict only."""

    since: str | None = None
    until: str | None = None
    modalities: Sequence[str] = ("asserted",)
    conflict_only: bool = False
    dyads: Sequence[tuple[str, str]] = ()  # only these (source, target) keys
    involving: Sequence[str] = ()  # edges only: only those with one of these actors


def read(conn: Connection, window: Window, *, by_sector: bool = False,
         by_quad: bool = True) -> Iterator[DayCount]:
    """``dyad_days`` grouped in the database by date and dyad (at country or sector
    level), and by quad class unless told otherwise; placed, distinct actors only."""
    t = s.dyad_days
    src = t.c.source_sector_key if by_sector else t.c.source_key
    tgt = t.c.target_sector_key if by_sector else t.c.target_key
    date = t.c.date
    quad = t.c.quad_class if by_quad else literal(0)
    groups = [date, src, tgt, t.c.modality, quad]
    conditions = [src != "", tgt != "", src != tgt, t.c.modality.in_(list(window.modalities))]
    conditions += _date_conditions(window)
    if window.conflict_only:
        conditions.append(t.c.quad_class >= 3)
    if window.dyads:
        wanted = sorted({x for pair in window.dyads for x in pair})
        conditions += [src.in_(wanted), tgt.in_(wanted)]
    query = (select(*groups, func.sum(t.c.events), func.sum(t.c.reports),
                    func.sum(t.c.goldstein), func.sum(t.c.goldstein_reports))
             .where(and_(*conditions)).group_by(*groups))
    pairs = set(window.dyads)
    for row in conn.execute(query):
        if pairs and (row[1], row[2]) not in pairs:
            continue
        yield DayCount(row[0], row[1], row[2], row[3], int(row[4]), int(row[5]), int(row[6]),
                       float(row[7]), float(row[8]))


def read_conflict(conn: Connection, window: Window) -> Iterator[tuple[str, str, str, int]]:
    """``(date, a, b, events)``: the window's dated conflict events between two placed,
    distinct actors (country level) per day and unordered pair (a < b), summed in SQL;
    plain tuples, since an alert scan reads every row of the history."""
    t = s.dyad_days
    src, tgt = t.c.source_key, t.c.target_key
    a, b = _pair(src, tgt)
    conditions = [src != "", tgt != "", src != tgt, t.c.date != "", t.c.quad_class >= 3,
                  t.c.modality.in_(list(window.modalities)), *_date_conditions(window)]
    query = (select(t.c.date, a, b, func.sum(t.c.events)).where(and_(*conditions))
             .group_by(t.c.date, a, b))
    for row in conn.execute(query):
        yield row[0], row[1], row[2], int(row[3])


def read_conflict_weeks(conn: Connection, modalities: Sequence[str]
                        ) -> Iterator[tuple[str, str, str, int]]:
    """:func:`read_conflict` of all history per week (its Monday for the date) from
    ``dyad_weeks``: what an escalation scan by week reads."""
    t = s.dyad_weeks
    if len(set(modalities)) == 1:  # a row a pair-week already: nothing to add up
        query = select(t.c.week, t.c.a, t.c.b, t.c.conflict).where(
            t.c.modality == list(modalities)[0])
    else:
        query = (select(t.c.week, t.c.a, t.c.b, func.sum(t.c.conflict))
                 .where(t.c.modality.in_(list(modalities))).group_by(t.c.week, t.c.a, t.c.b))
    for row in conn.execute(query):
        yield row[0], row[1], row[2], int(row[3])


@dataclass(frozen=True)
class EdgeSum:
    """The events between two actors (one direction) of a window, summed in the database:
    the Goldstein weight (times reports if weighted, each day discounted by the decay),
    cooperation (quad 1, 2) and conflict (quad 3, 4) events."""

    source: str
    target: str
    weight: float
    cooperation: int
    conflict: int


def read_edges(conn: Connection, window: Window, *, by_sector: bool, end: str | None,
               half_life_days: float | None, weighted: bool) -> Iterator[EdgeSum]:
    """One row per directed dyad: the decay ``0.5 ** (age_days / half_life_days)`` (age
    from ``end``; none for undated events) computed in SQL per day over ``dyad_days``,
    or, over the whole history with no decay or the default one, from ``dyad_totals``
    (a few rows a dyad: see :func:`read_totals`)."""
    if _totals_serve(window, end, half_life_days):
        yield from read_totals(conn, window, by_sector=by_sector,
                               end=end if half_life_days else None, weighted=weighted)
        return
    t = s.dyad_days
    src = t.c.source_sector_key if by_sector else t.c.source_key
    tgt = t.c.target_sector_key if by_sector else t.c.target_key
    value: ColumnElement[Any] = t.c.goldstein_reports if weighted else t.c.goldstein
    if half_life_days and end:
        age = (func.julianday(end) - func.julianday(t.c.date)
               if conn.dialect.name == "sqlite"
               else cast(literal(end), Date) - cast(t.c.date, Date))
        value = value * case((t.c.date == "", literal(1.0)),
                             else_=func.power(0.5, age / float(half_life_days)))
    conditions = [src != "", tgt != "", src != tgt, t.c.modality.in_(list(window.modalities)),
                  *_date_conditions(window)]
    if window.involving:
        wanted = sorted(set(window.involving))
        conditions.append(or_(src.in_(wanted), tgt.in_(wanted)))
    coop = func.sum(case((t.c.quad_class <= 2, t.c.events), else_=0))
    conflict = func.sum(case((t.c.quad_class >= 3, t.c.events), else_=0))
    query = (select(src, tgt, func.sum(value), coop, conflict)
             .where(and_(*conditions)).group_by(src, tgt))
    for row in conn.execute(query):
        yield EdgeSum(row[0], row[1], float(row[2]), int(row[3]), int(row[4]))


def _totals_serve(window: Window, end: str | None, half_life_days: float | None) -> bool:
    """Whether ``dyad_totals`` answers: the whole history, no decay or the default one
    measured from a date whose factor a float holds (2 ** (days / 90) up to 2100)."""
    if window.since or window.until or window.conflict_only or window.dyads:
        return False
    if not half_life_days or not end:
        return True
    return half_life_days == s.DECAY_HALF_LIFE and "1900-01-01" <= end <= "2100-12-31"


def read_totals(conn: Connection, window: Window, *, by_sector: bool, end: str | None,
                weighted: bool) -> Iterator[EdgeSum]:
    """:func:`read_edges` over all history from ``dyad_totals``: the decayed weight is
    ``0.5 ** ((end - epoch) / 90)`` times the stored decayed sum, plus the undated sum
    (no decay when ``end`` is None); only dyads with one of ``window.involving``."""
    t = s.dyad_totals
    src = t.c.source_sector_key if by_sector else t.c.source_key
    tgt = t.c.target_sector_key if by_sector else t.c.target_key
    if end is None:
        value = func.sum(t.c.goldstein_reports if weighted else t.c.goldstein)
        scale = 1.0
    else:
        value = func.sum(t.c.decayed_reports if weighted else t.c.decayed)
        age = dt.date.fromisoformat(end).toordinal() - EPOCH.toordinal()
        scale = 0.5 ** (age / s.DECAY_HALF_LIFE)
    undated = func.sum(t.c.undated_reports if weighted else t.c.undated)
    conditions = [src != "", tgt != "", src != tgt, t.c.modality.in_(list(window.modalities))]
    if window.involving:
        wanted = sorted(set(window.involving))
        conditions.append(or_(src.in_(wanted), tgt.in_(wanted)))
    query = (select(src, tgt, value, undated, func.sum(t.c.cooperation),
                    func.sum(t.c.conflict)).where(and_(*conditions)).group_by(src, tgt))
    for row in conn.execute(query):
        weight = float(row[2]) * scale + (float(row[3]) if end is not None else 0.0)
        yield EdgeSum(row[0], row[1], weight, int(row[4]), int(row[5]))


def _date_conditions(window: Window) -> list[ColumnElement[bool]]:
    t = s.dyad_days
    out: list[ColumnElement[bool]] = []
    if window.since:
        out.append(t.c.date >= window.since)
    if window.until:
        out += [t.c.date <= window.until, t.c.date != ""]
    return out


def last_date(conn: Connection, window: Window) -> str | None:
    """The latest date of the window's rows, whether or not their actors can be placed
    (the end from which the relations graph's decay is measured)."""
    t = s.dyad_days
    conditions = [t.c.date != "", t.c.modality.in_(list(window.modalities)),
                  *_date_conditions(window)]
    return conn.execute(select(func.max(t.c.date)).where(and_(*conditions))).scalar()


def date_range(conn: Connection, window: Window) -> tuple[str | None, str | None]:
    """First and last date of the window's rows between two distinct placed actors (at
    country level): the span of periods an alert scan covers."""
    t = s.dyad_days
    conditions = [t.c.date != "", t.c.source_key != "", t.c.target_key != "",
                  t.c.source_key != t.c.target_key,
                  t.c.modality.in_(list(window.modalities)), *_date_conditions(window)]
    query = select(t.c.date).where(and_(*conditions)).limit(1)  # along the key's date
    return (conn.execute(query.order_by(t.c.date)).scalar(),
            conn.execute(query.order_by(t.c.date.desc())).scalar())


def dyad_event_ids(conn: Connection, dyad: tuple[str, str], first: str, last: str,
                   modalities: Sequence[str], codes: Sequence[str] = ()) -> tuple[int, ...]:
    """Ids of the conflict events between the (country-level) ``dyad`` from ``first`` to
    ``last``, by date then id; ``codes``, if given, are all the actor codes of the two
    actors: the events are then looked up by code pair and date (an index range)."""
    e = s.events
    src, tgt = key_sql("source", False), key_sql("target", False)
    # (with codes, no "target_code IS NOT NULL": SQLite would range over it, not the date)
    conditions = [e.c.source_code.in_(list(codes)), e.c.target_code.in_(list(codes))] \
        if codes else [e.c.target_code.is_not(None)]
    query = (select(e.c.id).where(
        *conditions, e.c.date >= first, e.c.date <= last, e.c.quad_class >= 3,
        e.c.modality.in_(list(modalities)), src.in_(list(dyad)), tgt.in_(list(dyad)),
        src != tgt)
        .order_by(e.c.date, e.c.id))
    return tuple(int(i) for i in conn.execute(query).scalars())
