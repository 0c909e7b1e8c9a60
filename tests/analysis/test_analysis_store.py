"""The analysis aggregated in the database (``blocwatch.analysis.stored`` over ``dyad_days``)
against the event-based functions of ``blocwatch.analysis.relations`` over the same stored events:
same dyad series, graph, blocs and alerts, on SQLite and PostgreSQL; and the migration's
backfill against what ingest writes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

import pytest
from sqlalchemy import Table, delete, select

from blocwatch.analysis import relations as analysis
from blocwatch.analysis import stored as analysis_store
from blocwatch.analysis.relations import WeightedEvent
from blocwatch.knowledge.lexicon import load_codes
from blocwatch.records import ActorRef, CleanArticle, CodedArticle, Event, Plover, VerbRef
from blocwatch.store import aggregates
from blocwatch.store import schema as s
from blocwatch.store.database import EventFilter, Store
from blocwatch.store.dedup import Fingerprint
from blocwatch.store.write import DocumentRecord

CODES = load_codes()
# countries with and without sectors, organisations, a group with no country, a sector of
# no country (unplaceable), so that every branch of actor_key is in the stores
ACTORS = [ActorRef("USA", "USA", None, None, "US", 0, 1),
          ActorRef("USAGOV", "USA", "GOV", None, "Washington", 0, 1),
          ActorRef("RUS", "RUS", None, None, "Russia", 0, 1),
          ActorRef("RUSMIL", "RUS", "MIL", None, "Russian army", 0, 1),
          ActorRef("CHN", "CHN", None, None, "China", 0, 1),
          ActorRef("UKR", "UKR", None, None, "Ukraine", 0, 1),
          ActorRef("UKRGOV", "UKR", "GOV", None, "Kyiv", 0, 1),
          ActorRef("IGOWSTNAT", None, None, "NATO", "NATO", 0, 1),
          ActorRef("KUR", None, None, None, "Kurds", 0, 1),
          ActorRef("REB", None, "REB", None, "rebels", 0, 1),
          ActorRef("---COP", None, "COP", None, "police", 0, 1),  # CAMEO's unknown country
          ActorRef("---", None, None, None, "Yale", 0, 1)]  # a name we lack
CAMEO = ["036", "042", "057", "112", "120", "138", "173", "190", "051", "111"]
MODALITIES = ["asserted"] * 6 + ["negated", "hypothetical", "intended"]


def _event(rng: random.Random, doc: str, day: dt.date | None) -> Event:
    code = rng.choice(CAMEO)
    info = CODES[code]
    src = rng.choice(ACTORS)
    tgt = None if rng.random() < 0.05 else rng.choice(ACTORS)
    return Event(doc, 0, "s", day.isoformat() if day else None, src, tgt, code, info.root,
                 info.quad, info.goldstein, Plover(None, None), rng.choice(MODALITIES), None,
                 VerbRef("v", "v", 0, 1), "t")


def _record(key: str, events: list[Event]) -> DocumentRecord:
    text = f"article {key} " * 5
    return DocumentRecord(key=key, origin=key, status="coded",
                          fingerprint=Fingerprint.of(text, 0.7), chars=len(text),
                          coded=CodedArticle(CleanArticle(key, (), None, None), tuple(events)))


def _fill(store: Store, seed: int, documents: int = 120) -> None:
    """Documents of a few events each over 300 days, in batches; events repeat across
    documents (more reports), a few are undated, one dyad escalates in its last weeks."""
    rng = random.Random(seed)
    start = dt.date(2023, 1, 2)
    pool: list[Event] = []
    run = store.begin_run(["test"], 1)
    records = []
    for n in range(documents):
        events = []
        for _ in range(rng.randint(1, 8)):
            if pool and rng.random() < 0.2:  # the same event reported again
                events.append(dataclasses.replace(rng.choice(pool), doc_id=f"d{n}"))
                continue
            day = None if rng.random() < 0.03 else start + dt.timedelta(rng.randrange(300))
            events.append(_event(rng, f"d{n}", day))
        if n >= documents - 10:  # an escalation of RUS against UKR in the last weeks
            day = (start + dt.timedelta(285 + n % 10)).isoformat()
            events += [Event(f"d{n}", 1, "s", day, ACTORS[3], ACTORS[6], code,
                             CODES[code].root, CODES[code].quad, CODES[code].goldstein,
                             Plover(None, None), "asserted", None, VerbRef("v", "v", 0, 1), "x")
                       for code in ("190", "112", "120")]
        pool += events
        records.append(_record(f"d{n}", events))
        if len(records) == 16:
            store.write_batch(run, records)
            records = []
    store.write_batch(run, records)
    store.finish_run(run, "finished")


@pytest.fixture(params=[1, 2])
def filled(request: pytest.FixtureRequest, db_url: str) -> Store:
    store = Store(db_url)
    _fill(store, request.param)
    yield store
    store.close()


def _events(store: Store, since: str | None = None, until: str | None = None
            ) -> list[WeightedEvent]:
    return [WeightedEvent(r.id, r.event, r.report_count)
            for r in store.events(EventFilter(since=since, until=until))]


def _no_ids(items: list) -> list:  # type: ignore[type-arg]
    return [dataclasses.replace(x, event_ids=()) for x in items]


@pytest.mark.parametrize(("a", "b", "options"), [
    ("USA", "RUS", {}),
    ("RUS", "UKR", {"period": "week"}),
    ("RUS", "UKR", {"period": "day", "directed": True}),
    ("NATO", "RUS", {"weighted": True, "period": "quarter"}),
    ("USAGOV", "RUSMIL", {"by_sector": True}),
    ("UKR", "KUR", {"modalities": ("asserted", "negated", "intended")}),
    ("CHN", "USA", {"since": "2023-03-01", "until": "2023-08-31", "weighted": True}),
])
def test_dyad_series_equal(filled: Store, a: str, b: str, options: dict) -> None:
    window = {k: options.pop(k) for k in ("since", "until") if k in options}
    expected = analysis.dyad_series(_events(filled, **window), a, b, **options)
    assert expected, "the case should have events"
    got = analysis_store.dyad_series(filled, a, b, **window, **options)
    assert got == _no_ids(expected)


@pytest.mark.parametrize("options", [
    {},
    {"half_life_days": None},
    {"weighted": True, "half_life_days": 30.0},
    {"by_sector": True},
    {"weighted": True},
    {"by_sector": True, "weighted": True, "half_life_days": None},
    {"modalities": ("asserted", "intended"), "since": "2023-02-01"},
    {"until": "2023-06-30"},
    {"since": "2023-04-01", "until": "2023-09-30", "weighted": True},
])
def test_relations_graph_and_blocs_equal(filled: Store, options: dict) -> None:
    window = {k: options[k] for k in ("since", "until") if k in options}
    expected = analysis.relations_graph(_events(filled, **window), until=options.get("until"),
                                        **{k: v for k, v in options.items()
                                           if k not in ("since", "until")})
    got = analysis_store.relations_graph(filled, **options)
    assert sorted(got.nodes) == sorted(expected.nodes)
    for u, v, data in expected.edges(data=True):
        mine = got[u][v]
        assert (mine["cooperation"], mine["conflict"]) == (data["cooperation"], data["conflict"])
        assert mine["weight"] == pytest.approx(data["weight"], abs=2e-4)
    assert analysis.find_blocs(got) == analysis.find_blocs(expected)


@pytest.mark.parametrize("options", [
    {"involving": ("USA", "RUS")},
    {"involving": ("UKR",), "half_life_days": 30.0},
    {"involving": ("USAGOV", "NATO"), "by_sector": True, "since": "2023-03-01"},
])
def test_graph_involving_is_the_full_graphs_edges_of_those_actors(filled: Store,
                                                                  options: dict) -> None:
    """Reading only the edges of some actors (the dyad page's alignment) gives those edges
    of the whole graph, and so the same alignment."""
    options = dict(options)
    involving = options.pop("involving")
    full = analysis_store.relations_graph(filled, **options)
    got = analysis_store.relations_graph(filled, involving=involving, **options)
    assert sorted(map(sorted, got.edges)) == sorted(sorted((u, v)) for u, v in full.edges
                                                    if u in involving or v in involving)
    for u, v, data in got.edges(data=True):
        assert data == full[u][v]
    if len(involving) == 2:
        assert analysis.alignment(got, *involving) == analysis.alignment(full, *involving)


@pytest.mark.parametrize("options", [
    {},
    {"modalities": ("asserted", "intended"), "min_events": 1, "alpha": 0.2},
    {"period": "week", "since": "2023-04-03", "baseline_periods": 3, "min_history": 2},
    {"period": "day", "min_events": 2, "alpha": 0.05},
    {"period": "month", "min_events": 1, "alpha": 0.2, "since": "2023-05-01"},
    {"modalities": ("asserted", "hypothetical"), "alpha": 0.1},
])
def test_escalation_alerts_equal(filled: Store, options: dict) -> None:
    expected = analysis.escalation_alerts(_events(filled), **options)
    got = analysis_store.escalation_alerts(filled, **options)
    assert got == _no_ids(expected)
    if not options:
        assert any(x.dyad == ("RUS", "UKR") for x in got)


@pytest.mark.parametrize("by_codes", [False, True])
def test_alert_evidence_is_the_alerts_event_ids(filled: Store, by_codes: bool) -> None:
    """Each alert's evidence read back for it (by date, or by its actors' codes) is the
    event ids the event-based alerts carry."""
    expected = analysis.escalation_alerts(_events(filled), alpha=0.2, min_events=1)
    assert expected
    actors = list(filled.actors())
    for alert in expected:
        codes = sorted(a.code for a in actors if analysis.actor_key(ActorRef(
            a.code, a.country, a.sector, a.org, a.name, 0, 0)) in alert.dyad)
        got = analysis_store.alert_evidence(filled, alert, codes=codes if by_codes else ())
        assert got == alert.event_ids


def _table(store: Store, t: Table) -> list[tuple]:  # type: ignore[type-arg]
    with store.engine.connect() as conn:
        return [tuple(round(x, 6) if isinstance(x, float) else x for x in row)
                for row in conn.execute(select(t).order_by(*t.primary_key.columns))]


@pytest.mark.parametrize("table, backfill", [
    (s.dyad_days, aggregates.backfill_statement),
    (s.dyad_totals, aggregates.backfill_totals_statement),
    (s.dyad_weeks, aggregates.backfill_weeks_statement),
])
def test_backfill_equals_what_ingest_wrote(filled: Store, table: Table, backfill) -> None:
    """The migrations' INSERT ... SELECT (0005 from the events, 0006's from dyad_days) give
    the rows ingest wrote batch by batch (decayed sums to a relative 1e-9)."""
    written = _table(filled, table)
    assert len(written) > 50
    with filled.engine.begin() as conn:
        conn.execute(delete(table))
        conn.execute(backfill())
    again = _table(filled, table)
    assert len(again) == len(written)
    keys = len(table.primary_key.columns)
    for new, old in zip(again, written, strict=True):
        assert new[:keys] == old[:keys] and new[keys:] == pytest.approx(old[keys:], rel=1e-9)


@pytest.mark.parametrize(("filters", "size"), [
    (EventFilter(), 7),
    (EventFilter(), 50),
    (EventFilter(actor="RUS"), 5),
    (EventFilter(quad=(3, 4), modality=("asserted",)), 11),
    (EventFilter(since="2023-06-01"), 9),
])
def test_event_pages_are_store_events_in_order(filled: Store, filters: EventFilter,
                                               size: int) -> None:
    """The dashboard's pages (dated events along the date index, then the undated ones)
    and its count give Store.events() in its order, undated events last."""
    from blocwatch.web import queries

    expected = [r.id for r in filled.events(filters)]
    total, dated = queries.count_events(filled, filters)
    assert (total, dated) == (len(expected), sum(1 for r in filled.events(filters)
                                                 if r.event.date is not None))
    for given in (None, dated):  # counted by page_events, or given by its caller
        got = [r.stored.id for offset in range(0, len(expected) + size, size)
               for r in queries.page_events(filled, filters, offset, size, given)]
        assert got == expected
    if filters == EventFilter():
        assert any(r.event.date is None for r in filled.events(filters))  # some undated


@pytest.mark.parametrize(("code", "params"), [
    ("RUS", {}),
    ("UKRGOV", {"period": "week"}),
    ("NATO", {"since": "2023-03-01", "until": "2023-08-31"}),
    ("KUR", {"modalities": ("asserted", "intended")}),
])
def test_actor_page_is_its_events_analysed_in_python(filled: Store, code: str,
                                                     params: dict) -> None:
    """The actor page (events looked up by code, keys in SQL, the graph aggregated) gives
    what the event-based analysis of every event of the window gives."""
    from blocwatch.web import views
    from blocwatch.web.params import ActorParams

    p = ActorParams(params.get("period", "month"), params.get("since"), params.get("until"),
                    params.get("modalities", ("asserted",)))
    view = views.actor(filled, code, p)
    events = _events(filled, p.since, p.until)
    mine = [w for w in events if view.code in (
        analysis.actor_key(w.event.source, by_sector=view.by_sector),
        analysis.actor_key(w.event.target, by_sector=view.by_sector))]
    assert view.event_count == len(mine) > 0
    assert [e.event_id for e in view.events] == [w.id for w in reversed(mine[-200:])]
    series = {x.period: x.event_ids for x in view.series}
    expected: dict[str, list[int]] = {}
    for w in mine:
        if w.event.date and w.event.modality in p.modalities:
            expected.setdefault(analysis.period_of(w.event.date, p.period), []).append(w.id)
    assert series == {k: tuple(v) for k, v in expected.items()}
    graph = analysis.relations_graph(events, until=p.until, half_life_days=None,
                                     modalities=p.modalities, by_sector=view.by_sector)
    others = graph[view.code] if view.code in graph else {}
    assert {r.other: (r.cooperation, r.conflict) for r in view.relations} == {
        o: (d["cooperation"], d["conflict"]) for o, d in others.items()}
    for r in view.relations:
        assert r.weight == pytest.approx(others[r.other]["weight"], abs=2e-4)
        assert r.alignment == pytest.approx(analysis.alignment(graph, view.code, r.other),
                                            abs=2e-3)
