"""The schema's history: each named migration and the DDL it applies, in order.  A store
records which it has applied and runs the rest when opened (:meth:`Store.migrate`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, MetaData, Table, delete
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateIndex, CreateTable, ExecutableDDLElement
from sqlalchemy.sql.expression import Executable

from blocwatch.store.aggregates import (
    backfill_statement,
    backfill_totals_statement,
    backfill_weeks_statement,
)
from blocwatch.store.schema import (
    BAND_KEY_INDEX,
    DYAD_DAY_INDEXES,
    EVENT_DYAD_INDEX,
    INDEXES,
    LOCATION_COLUMNS,
    actors,
    document_bands,
    documents,
    dyad_days,
    dyad_totals,
    dyad_weeks,
    event_reports,
    events,
    events_table,
    quotes,
    runs,
)


def _tables_0001() -> list[Table]:
    """The tables as migration 0001 created them (before the columns of later migrations)."""
    md = MetaData()
    first = [t.to_metadata(md) for t in (runs, documents, document_bands)]
    rest = [t.to_metadata(md) for t in (event_reports, quotes, actors)]  # not dyad_*
    return [*first, events_table(md, location=False), *rest]


class AddColumn(ExecutableDDLElement):
    """``ALTER TABLE ... ADD COLUMN ...`` for a column of one of the tables above."""

    inherit_cache = False

    def __init__(self, column: Column) -> None:  # type: ignore[type-arg]
        self.column = column


@compiles(AddColumn)
def _compile_add_column(element: AddColumn, compiler: Any, **kw: Any) -> str:
    column = element.column
    return (f"ALTER TABLE {compiler.preparer.format_table(column.table)} "
            f"ADD COLUMN {compiler.get_column_specification(column)}")


@dataclass(frozen=True)
class Migration:
    """One named schema step: DDL statements applied in one transaction."""

    name: str
    statements: Callable[[], Sequence[Executable]]

    def apply(self, conn: Connection) -> None:
        for statement in self.statements():
            conn.execute(statement)


MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_initial", lambda: [CreateTable(t) for t in _tables_0001()]),
    Migration("0002_query_indexes", lambda: [CreateIndex(ix) for ix in INDEXES]),
    Migration("0003_event_location",
              lambda: [AddColumn(events.c[name]) for name in LOCATION_COLUMNS]),
    Migration("0004_band_key_index", lambda: [CreateIndex(BAND_KEY_INDEX)]),
    Migration("0005_dyad_days", lambda: [CreateTable(dyad_days),
                                          *(CreateIndex(ix) for ix in DYAD_DAY_INDEXES),
                                          backfill_statement()]),
    Migration("0006_dyad_totals", lambda: [CreateTable(dyad_totals),
                                           backfill_totals_statement(),
                                           CreateTable(dyad_weeks),
                                           backfill_weeks_statement(),
                                           CreateIndex(EVENT_DYAD_INDEX)]),
    # CAMEO's unknown actor (``---``, ``---REB``) is no dyad member: the aggregates are
    # rebuilt without the rows that placed it
    Migration("0007_unknown_actors_unplaced", lambda: [
        delete(dyad_weeks), delete(dyad_totals), delete(dyad_days), backfill_statement(),
        backfill_totals_statement(), backfill_weeks_statement()]),
)
