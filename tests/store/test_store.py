"""The event database on SQLite and PostgreSQL: migrations, URLs, atomic batches, one event
per (date, source, target, CAMEO code, modality) with every report linked, query filters."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import DDL, inspect, text
from sqlalchemy.exc import OperationalError

from blocwatch.errors import StoreError
from blocwatch.records import (
    ActorRef,
    CleanArticle,
    CodedArticle,
    Event,
    Location,
    Plover,
    VerbRef,
)
from blocwatch.store import migrations, schema
from blocwatch.store.database import DocumentRecord, EventFilter, Store, normalise_url
from blocwatch.store.dedup import Fingerprint
from storedb import event_snapshot

ACTORS = {
    "PRK": ActorRef("PRK", "PRK", None, None, "North Korea", 0, 11),
    "USA": ActorRef("USA", "USA", None, None, "United States", 24, 37),
    "RUSGOV": ActorRef("RUSGOV", "RUS", "GOV", None, "Moscow", 0, 6),
    "IGOWSTNAT": ActorRef("IGOWSTNAT", None, None, "NATO", "NATO", 20, 24),
}
QUADS = {"112": (3, -2.0), "036": (1, 4.0), "190": (4, -10.0), "042": (1, 1.9)}


def event(doc: str, date: str | None, src: str, cameo: str, tgt: str | None,
          modality: str = "asserted", index: int = 0) -> Event:
    quad, goldstein = QUADS[cameo]
    return Event(doc, index, f"{src} did {cameo} to {tgt} (sentence {index}).", date,
                 ACTORS[src], ACTORS[tgt] if tgt else None, cameo, cameo[:2], quad, goldstein,
                 Plover("ACCUSE", "disapprove"), modality, None,
                 VerbRef("accused", "accuse", 12, 19), "accuse")


def record(key: str, events: list[Event], date: str | None = "2022-06-27") -> DocumentRecord:
    text_ = f"article {key} " * 5
    coded = CodedArticle(CleanArticle(key, (), date, None), tuple(events))
    return DocumentRecord(key=key, origin=f"{key}.txt", status="coded",
                          fingerprint=Fingerprint.of(text_, 0.7), date=date, chars=len(text_),
                          coded=coded)


def schema_snapshot(url: str) -> dict[str, Any]:
    store = Store(url, migrate=False)
    with store.engine.connect() as conn:
        insp = inspect(conn)
        snap = {}
        for table in sorted(insp.get_table_names()):
            snap[table] = (
                [(c["name"], str(c["type"]), c["nullable"]) for c in insp.get_columns(table)],
                insp.get_pk_constraint(table)["constrained_columns"],
                sorted((tuple(f["constrained_columns"]), f["referred_table"])
                       for f in insp.get_foreign_keys(table)),
                sorted((i["name"], tuple(i["column_names"]), bool(i["unique"]))
                       for i in insp.get_indexes(table)),
                sorted(tuple(u["column_names"]) for u in insp.get_unique_constraints(table)),
            )
    store.close()
    return snap


def test_migrations_fresh_equals_step_by_step(db_url: str, tmp_path: Path) -> None:
    from storedb import database_url

    backend = "sqlite" if db_url.startswith("sqlite") else "postgresql"
    fresh = Store(db_url)
    assert fresh.applied_migrations() == [m.name for m in migrations.MIGRATIONS]
    assert fresh.migrate() == []  # nothing left to apply
    fresh.close()
    (tmp_path / "b").mkdir()
    with database_url(backend, tmp_path / "b") as other:
        stepwise = Store(other, migrate=False)
        for migration in migrations.MIGRATIONS:
            assert stepwise.migrate(upto=migration.name) == [migration.name]
            stepwise.close()
            stepwise = Store(other, migrate=False)
        stepwise.close()
        assert schema_snapshot(db_url) == schema_snapshot(other)
    snapshot = schema_snapshot(db_url)
    assert set(snapshot) == {t.name for t in schema.metadata.sorted_tables}
    for table in schema.metadata.sorted_tables:  # the migrations build the tables queried
        assert [c[0] for c in snapshot[table.name][0]] == [c.name for c in table.columns]
    assert {ix.name for ix in schema.INDEXES} <= {
        ix[0] for t in snapshot.values() for ix in t[3]}


def test_old_database_keeps_its_events_when_migrated(db_url: str) -> None:
    old = Store(db_url, migrate=False)
    old.migrate(upto="0002_query_indexes")
    with old.engine.begin() as conn:  # an event written by the 0002 schema
        conn.execute(text("INSERT INTO runs (started_at, status, sources, workers, seen, "
                          "skipped, coded, duplicates, failed, events_added, reports_added) "
                          "VALUES (CURRENT_TIMESTAMP, 'finished', 'old', 1, 0, 0, 0, 0, 0, 0, 0)"))
    old.close()
    with Store(db_url) as store:
        assert store.applied_migrations()[-1] == migrations.MIGRATIONS[-1].name
        assert store.counts().runs == 1
        run = store.begin_run(["new"], 1)
        where = Location("Pyongyang", "PRK", 39.03, 125.75, "capital")
        ev = replace(event("a", "2022-06-27", "PRK", "112", "USA"), location=where)
        store.write_batch(run, [record("a", [ev])])
        (row,) = store.events()
        assert row.event == ev


def test_failed_migration_leaves_database_as_it_was(db_url: str, monkeypatch) -> None:
    Store(db_url).close()
    bad = migrations.Migration("9999_broken", lambda: [DDL("CREATE TABLE half_done (a INTEGER)"),
                                                   DDL("CREATE TABLE broken (a NO_SUCH_TYPE(")])
    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, bad))
    with pytest.raises(StoreError, match="migration 9999_broken failed"):
        Store(db_url)
    store = Store(db_url, migrate=False)
    assert "9999_broken" not in store.applied_migrations()
    with store.engine.connect() as conn:
        assert not inspect(conn).has_table("half_done")
    store.close()


@pytest.mark.parametrize(("url", "expected"), [
    ("postgresql://bw@127.0.0.1:5432/ev", "postgresql+psycopg://bw@127.0.0.1:5432/ev"),
    ("postgres://bw@db/ev", "postgresql+psycopg://bw@db/ev"),
    ("postgresql+psycopg://bw@db/ev", "postgresql+psycopg://bw@db/ev"),
    ("sqlite:///blocwatch.db", "sqlite:///blocwatch.db"),
])
def test_url_normalisation(url: str, expected: str) -> None:
    assert normalise_url(url) == expected


@pytest.mark.parametrize(("url", "message"), [
    ("mysql://root@localhost/ev", "unsupported database 'mysql'"),
    ("blocwatch.db", "is not a database URL"),
    ("sqlite:////no/such/folder/x.db", "cannot open the database"),
])
def test_bad_urls_say_what_to_do(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        Store(url)


def test_sqlite_uses_wal(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'w.db'}")
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    store.close()


# Two documents and what the store must make of them: (events, their report counts).
MERGE_CASES = [
    ("same event, two documents", [event("a", "2022-06-27", "PRK", "112", "USA")],
     [event("b", "2022-06-27", "PRK", "112", "USA", index=3)], [2]),
    ("same event twice in one document", [event("a", "2022-06-27", "PRK", "112", "USA"),
                                          event("a", "2022-06-27", "PRK", "112", "USA", index=4)],
     [], [1]),
    ("other date", [event("a", "2022-06-27", "PRK", "112", "USA")],
     [event("b", "2022-06-28", "PRK", "112", "USA")], [1, 1]),
    ("other modality", [event("a", "2022-06-27", "PRK", "112", "USA")],
     [event("b", "2022-06-27", "PRK", "112", "USA", "negated")], [1, 1]),
    ("no target, two documents", [event("a", "2022-06-27", "RUSGOV", "190", None)],
     [event("b", "2022-06-27", "RUSGOV", "190", None)], [2]),
    ("undated: never matched across documents", [event("a", None, "PRK", "112", "USA")],
     [event("b", None, "PRK", "112", "USA")], [1, 1]),
]


@pytest.mark.parametrize("together", [False, True], ids=["two batches", "one batch"])
@pytest.mark.parametrize(("name", "first", "second", "counts"), MERGE_CASES,
                         ids=[c[0] for c in MERGE_CASES])
def test_one_event_many_reports(db_url: str, name: str, first: list[Event],
                                second: list[Event], counts: list[int], together: bool) -> None:
    with Store(db_url) as store:
        run = store.begin_run(["test"], 1)
        date = first[0].date
        records = [record("a", first, date), record("b", second, date)]
        for batch in ([records] if together else [[r] for r in records]):
            store.write_batch(run, batch)
        rows = list(store.events())
        assert sorted(r.report_count for r in rows) == sorted(counts)
        assert sum(r.mention_count for r in rows) == len(first) + len(second)
        reports = [rep for r in rows for rep in store.reports(r.id)]
        assert sorted((r.document_key, r.sentence_index) for r in reports) == sorted(
            (e.doc_id, e.sentence_index) for e in first + second)
        assert store.counts().reports == len(first) + len(second)


def test_a_batch_is_all_or_nothing(db_url: str) -> None:
    with Store(db_url) as store:
        run = store.begin_run(["test"], 1)
        good = record("good", [event("good", "2022-06-27", "PRK", "112", "USA")])
        broken = DocumentRecord(key="broken", origin="broken", status=None)  # type: ignore[arg-type]
        with pytest.raises(StoreError, match="could not write a batch"):
            store.write_batch(run, [good, broken])
        counts = store.counts()
        assert (counts.documents, counts.events, counts.reports, counts.actors) == ({}, 0, 0, 0)
        store.write_batch(run, [good])
        assert store.counts().events == 1


STORED = [
    ("d1", "2022-06-27", [("PRK", "112", "USA", "asserted")]),
    ("d2", "2022-06-27", [("PRK", "112", "USA", "asserted"), ("USA", "036", "PRK", "intended")]),
    ("d3", "2023-03-14", [("RUSGOV", "190", "IGOWSTNAT", "hypothetical"),
                          ("IGOWSTNAT", "042", "RUSGOV", "asserted")]),
]
FILTER_CASES = [
    (EventFilter(), {"PRK 112 USA", "USA 036 PRK", "RUSGOV 190 IGOWSTNAT",
                     "IGOWSTNAT 042 RUSGOV"}),
    (EventFilter(actor="RUS"), {"RUSGOV 190 IGOWSTNAT", "IGOWSTNAT 042 RUSGOV"}),
    (EventFilter(source="PRK"), {"PRK 112 USA"}),
    (EventFilter(target="RUSGOV"), {"IGOWSTNAT 042 RUSGOV"}),
    (EventFilter(code="11"), {"PRK 112 USA"}),
    (EventFilter(code="1%"), set()),  # a prefix, never a LIKE pattern
    (EventFilter(root="19"), {"RUSGOV 190 IGOWSTNAT"}),
    (EventFilter(quad=(1,)), {"USA 036 PRK", "IGOWSTNAT 042 RUSGOV"}),
    (EventFilter(quad=(3, 4)), {"PRK 112 USA", "RUSGOV 190 IGOWSTNAT"}),
    (EventFilter(since="2023-01-01"), {"RUSGOV 190 IGOWSTNAT", "IGOWSTNAT 042 RUSGOV"}),
    (EventFilter(until="2022-12-31"), {"PRK 112 USA", "USA 036 PRK"}),
    (EventFilter(modality=("intended", "hypothetical")), {"USA 036 PRK",
                                                          "RUSGOV 190 IGOWSTNAT"}),
    (EventFilter(min_reports=2), {"PRK 112 USA"}),
    (EventFilter(actor="USA", quad=(1,)), {"USA 036 PRK"}),
    (EventFilter(source="PRK'; DROP TABLE events; --"), set()),
]


@pytest.fixture()
def filled(db_url: str) -> Store:
    store = Store(db_url)
    run = store.begin_run(["test"], 1)
    for doc, date, evs in STORED:
        store.write_batch(run, [record(doc, [event(doc, date, s_, c, t, m)
                                             for s_, c, t, m in evs], date)])
    return store


@pytest.mark.parametrize(("filters", "expected"), FILTER_CASES,
                         ids=[",".join(f"{k}={v}" for k, v in vars(c[0]).items()
                                       if v not in (None, ())) or "all" for c in FILTER_CASES])
def test_event_filters(filled: Store, filters: EventFilter, expected: set[str]) -> None:
    got = {f"{r.event.source.code} {r.event.cameo} {r.event.target.code}"
           for r in filled.events(filters) if r.event.target}
    assert got == expected
    assert filled.counts().events == 4
    filled.close()


def test_actors_seen(filled: Store) -> None:
    actors = {a.code: a for a in filled.actors()}
    assert set(actors) == {"PRK", "USA", "RUSGOV", "IGOWSTNAT"}
    assert (actors["PRK"].event_count, actors["PRK"].first_date) == (2, "2022-06-27")
    assert actors["RUSGOV"].name == "Moscow" and actors["IGOWSTNAT"].org == "NATO"
    assert len(event_snapshot(filled)) == 4
    filled.close()


class _DyingConnection:
    """A connection to a server that died: the query fails, and so does closing it (the
    rollback on the way out), as psycopg does when PostgreSQL goes away mid-read."""

    def __enter__(self) -> _DyingConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        raise OperationalError("ROLLBACK", {}, Exception("server closed the connection"))

    def execute(self, *args: object, **kwargs: object) -> Any:
        raise OperationalError("SELECT", {}, Exception("server closed the connection"))


@pytest.mark.parametrize("read", [
    lambda store: store.has_key("k"),
    lambda store: store.find_near([], 0.9),
    lambda store: list(store.events()),
    lambda store: store.counts(),
])
def test_a_server_dying_mid_read_is_one_store_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    read: Any) -> None:
    """The failed rollback while the connection closes is reported like the failed query
    (one StoreError line), not as a raw driver error."""
    with Store(f"sqlite:///{tmp_path}/db.sqlite") as store:
        monkeypatch.setattr(store, "_connect", lambda: _DyingConnection())
        with pytest.raises(StoreError, match="server closed the connection"):
            read(store)
