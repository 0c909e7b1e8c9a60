"""The dashboard's view records: one builder per page, each returning a frozen dataclass that
the page renders and the API returns as JSON.  They call the same library functions as the
command line: the overview, network, dyad and alerts pages aggregate in the database
(:mod:`blocwatch.analysis.stored`: dyad series, relations graph, blocs, alerts) and read
in full only the events they list; the dyad and actor pages read the ids and dates of
their events by the actors' codes (the indexes), whatever their number."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any

import networkx as nx

from blocwatch.analysis import stored as analysis_store
from blocwatch.analysis.relations import (
    Alert,
    DyadPeriod,
    actor_key,
    alignment,
    find_blocs,
    period_of,
)
from blocwatch.records import ActorRef, Event
from blocwatch.store.database import EventFilter, Store, StoreCounts, StoredActor, StoredDocument
from blocwatch.web import queries
from blocwatch.web.charts import bloc_colour, network_positions
from blocwatch.web.params import (
    ActorParams,
    AlertParams,
    DyadParams,
    EventParams,
    NetworkParams,
    alert_params,
)
from blocwatch.web.problems import BadInput, NotFound
from blocwatch.web.queries import EventRecord, Mention, StoredQuote

TOP = 10
Memo = Callable[[str, Hashable, Callable[[], Any]], Any]  # ViewCache.get
ACTOR_EVENTS = 200
DYAD_EVENTS = 200


@dataclass(frozen=True, kw_only=True)
class EventView(Event):
    """An event of the output contract plus its store id, the database id of the document
    of its first report, and how many documents and sentences report it."""

    event_id: int
    document_id: int
    report_count: int
    mention_count: int
    source_count: int


def event_view(rec: EventRecord) -> EventView:
    ev, stored = rec.stored.event, rec.stored
    return EventView(**{f.name: getattr(ev, f.name) for f in fields(Event)},
                     event_id=stored.id, document_id=rec.document_id,
                     report_count=stored.report_count, mention_count=stored.mention_count,
                     source_count=stored.source_count)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


# -- actors ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ActorIndex:
    """How the codes of the actors table map to analysis keys (:func:`actor_key`)."""

    actors: tuple[StoredActor, ...]

    @staticmethod
    def load(store: Store) -> ActorIndex:
        return ActorIndex(tuple(store.actors()))

    @staticmethod
    def key(actor: StoredActor, by_sector: bool) -> str:
        ref = ActorRef(actor.code, actor.country, actor.sector, actor.org, actor.name, 0, 0)
        return actor_key(ref, by_sector=by_sector) or actor.code

    def resolve(self, code: str) -> tuple[str, bool]:
        """``(key, by_sector)`` of an actor key (USA, NATO), a country+sector key (KORGOV)
        or an actor code whose key differs (IGOWSTNAT -> NATO)."""
        code = code.upper()
        for by_sector in (False, True):
            if any(self.key(a, by_sector) == code for a in self.actors):
                return code, by_sector
        for a in self.actors:
            if a.code == code:
                return self.key(a, False), False
        raise NotFound(f"no actor {code!r} in the database: use a code from /api/overview "
                       "(top_actors) or /api/network (nodes)")

    def members(self, key: str, by_sector: bool) -> list[StoredActor]:
        return [a for a in self.actors if self.key(a, by_sector) == key]


# -- overview -------------------------------------------------------------------------------
@dataclass(frozen=True)
class DyadSummary:
    a: str
    b: str
    events: int
    cooperation: int
    conflict: int
    goldstein_sum: float


@dataclass(frozen=True)
class AlertView:
    a: str
    b: str
    period: str
    count: int
    baseline: float
    probability: float
    events: tuple[EventView, ...]


@dataclass(frozen=True)
class Overview:
    counts: StoreCounts
    first_date: str | None
    last_date: str | None
    top_dyads: tuple[DyadSummary, ...]
    top_actors: tuple[StoredActor, ...]
    latest_alerts: tuple[AlertView, ...]
    latest_documents: tuple[StoredDocument, ...]


def overview(store: Store, memo: Memo | None = None) -> Overview:
    """Aggregated in the database (:mod:`blocwatch.analysis.stored`): its cost does not grow
    with the number of events.  ``memo``: as for :func:`actor`."""
    graph = relations_graph(store, memo=memo)
    dyads = sorted((DyadSummary(*_pair(u, v), d["cooperation"] + d["conflict"],
                                d["cooperation"], d["conflict"], d["weight"])
                    for u, v, d in graph.edges(data=True)),
                   key=lambda x: (-x.events, x.a, x.b))
    first, last = queries.date_span(store)
    return Overview(store.counts(), first, last, tuple(dyads[:TOP]),
                    tuple(store.actors(limit=TOP)),
                    _alert_views(store, alert_scan(store, None, memo), limit=5),
                    tuple(queries.latest_documents(store, TOP)))


def alert_scan(store: Store, p: AlertParams | None, memo: Memo | None = None
               ) -> list[Alert]:
    """The alerts of ``p`` (the defaults if None), latest first (period, then dyad), from
    ``memo`` if given: the overview and every page of the alerts share one scan."""
    p = p or alert_params()

    def scan() -> list[Alert]:
        found = analysis_store.escalation_alerts(
            store, period=p.period, alpha=p.alpha, min_events=p.min_events, since=p.since,
            modalities=p.modalities)
        return sorted(found, key=lambda x: (x.period, x.dyad[0], x.dyad[1]), reverse=True)
    if not memo:
        return scan()
    return memo("alert-scan", alert_scan_key(p), scan)  # type: ignore[no-any-return]


def alert_scan_key(p: AlertParams) -> tuple[Any, ...]:
    """What an alert scan depends on (not the page shown)."""
    return (p.period, p.alpha, p.min_events, p.since, p.modalities)


def _alert_views(store: Store, alerts: Sequence[Alert], *, period: str = "week",
                 modalities: Sequence[str] = ("asserted",), limit: int | None = None,
                 offset: int = 0) -> tuple[AlertView, ...]:
    """Alerts ``offset`` to ``offset + limit`` (all by default) of ``alerts`` (latest
    first) with their evidence events."""
    latest = list(alerts[offset:offset + limit] if limit is not None else alerts[offset:])
    codes: dict[str, set[str]] = defaultdict(set)  # country-level key -> actor codes
    for a in ActorIndex.load(store).actors:
        codes[ActorIndex.key(a, False)].add(a.code)
    evidence = {x: analysis_store.alert_evidence(
        store, x, period=period, modalities=modalities,
        codes=sorted(codes[x.dyad[0]] | codes[x.dyad[1]])) for x in latest}
    by_id = {r.stored.id: r for r in queries.events_by_ids(
        store, sorted({i for ids in evidence.values() for i in ids}))}
    return tuple(AlertView(x.dyad[0], x.dyad[1], x.period, x.count, x.baseline, x.probability,
                           tuple(event_view(by_id[i]) for i in evidence[x] if i in by_id))
                 for x in latest)


# -- network --------------------------------------------------------------------------------
@dataclass(frozen=True)
class BlocView:
    index: int
    members: tuple[str, ...]
    cohesion: float | None
    colour: str


@dataclass(frozen=True)
class NodeView:
    id: str
    bloc: int | None
    events: int
    x: float
    y: float
    alignment: tuple[float | None, ...]


@dataclass(frozen=True)
class EdgeView:
    a: str
    b: str
    weight: float
    cooperation: int
    conflict: int
    event_ids: tuple[int, ...]


@dataclass(frozen=True)
class NetworkView:
    since: str | None
    until: str | None
    half_life: float
    max_blocs: int
    modalities: tuple[str, ...]
    by_sector: bool
    frustration: float
    blocs: tuple[BlocView, ...]
    nodes: tuple[NodeView, ...]
    edges: tuple[EdgeView, ...]


def network(store: Store, p: NetworkParams) -> NetworkView:
    """The graph aggregated in the database; blocs over all of it, the ``p.edges``
    strongest edges (by absolute weight) drawn and returned (edges carry no event ids:
    the events of a pair are those of its dyad page)."""
    graph = analysis_store.relations_graph(store, since=p.since, until=p.until,
                                           half_life_days=p.half_life or None,
                                           modalities=p.modalities, by_sector=p.by_sector)
    partition = find_blocs(graph, max_blocs=p.max_blocs)
    pos = network_positions(graph, partition)
    blocs = tuple(BlocView(i, b.members, b.cohesion, bloc_colour(i))
                  for i, b in enumerate(partition.blocs))
    nodes = tuple(NodeView(n, partition.bloc_of(n),
                           sum(d["cooperation"] + d["conflict"] for d in graph[n].values()),
                           pos[n][0], pos[n][1], partition.alignment.get(n, ()))
                  for n in sorted(graph.nodes))
    strongest = sorted(graph.edges(data=True), key=lambda x: (-abs(x[2]["weight"]),
                                                                *_pair(x[0], x[1])))
    edges = tuple(sorted((EdgeView(*_pair(u, v), d["weight"], d["cooperation"],
                                   d["conflict"], tuple(d["event_ids"]))
                          for u, v, d in strongest[:p.edges]), key=lambda e: (e.a, e.b)))
    return NetworkView(p.since, p.until, p.half_life, p.max_blocs, p.modalities, p.by_sector,
                       partition.frustration, blocs, nodes, edges)


# -- dyad -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class DyadView:
    a: str
    b: str
    by_sector: bool
    period: str
    since: str | None
    until: str | None
    modalities: tuple[str, ...]
    directed: bool
    weighted: bool
    alignment: float
    series: tuple[DyadPeriod, ...]
    events: tuple[EventView, ...]  # the latest DYAD_EVENTS of them, by date then id
    event_count: int  # all of them (each period's event_ids has its own)


def dyad(store: Store, a: str, b: str, p: DyadParams) -> DyadView:
    index = ActorIndex.load(store)
    (key_a, sector_a), (key_b, sector_b) = index.resolve(a), index.resolve(b)
    if key_a == key_b:
        raise BadInput("b", f"a dyad needs two different actors, not {key_a} twice")
    by_sector = sector_a or sector_b
    series = analysis_store.dyad_series(
        store, key_a, key_b, period=p.period, since=p.since, until=p.until,
        modalities=p.modalities, weighted=p.weighted, directed=p.directed, by_sector=by_sector)
    codes = tuple(sorted(a.code for a in index.members(key, by_sector)) for key in (key_a, key_b))
    pairs = {(key_a, key_b)} | (set() if p.directed else {(key_b, key_a)})
    keyed = [x for x in queries.keyed_between(store, (key_a, key_b), codes, EventFilter(
        since=p.since, until=p.until, modality=p.modalities), by_sector)
        if (x.source, x.target) in pairs]
    ids: dict[str, list[int]] = defaultdict(list)
    labels: dict[str, str] = {}
    for x in keyed:
        if x.date not in labels:
            labels[x.date] = period_of(x.date, p.period)
        ids[labels[x.date]].append(x.id)
    records = queries.events_by_ids(store, [x.id for x in keyed[-DYAD_EVENTS:]])
    # the alignment needs only the two actors' edges of the graph
    graph = analysis_store.relations_graph(store, since=p.since, until=p.until,
                                           modalities=p.modalities, by_sector=by_sector,
                                           involving=(key_a, key_b))
    return DyadView(key_a, key_b, by_sector, p.period, p.since, p.until, p.modalities,
                    p.directed, p.weighted, alignment(graph, key_a, key_b),
                    tuple(replace(x, event_ids=tuple(ids[x.period])) for x in series),
                    tuple(event_view(r) for r in records), len(keyed))


# -- events ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class EventPage:
    filters: EventFilter
    page: int
    size: int
    total: int
    pages: int
    events: tuple[EventView, ...]


def event_page(store: Store, p: EventParams, memo: Memo | None = None) -> EventPage:
    """A page of events; their counts kept in ``memo`` (as for :func:`actor`) if given, so
    that paging through a filter counts its events once per write."""
    def count() -> tuple[int, int]:
        return queries.count_events(store, p.filters)
    total, dated = memo("count", p.filters, count) if memo else count()
    pages = max(1, math.ceil(total / p.size))
    if p.page > pages:
        raise NotFound(f"page {p.page} does not exist: {total} event(s) make {pages} page(s) "
                       f"of {p.size}; use page 1 to {pages}")
    rows = queries.page_events(store, p.filters, (p.page - 1) * p.size, p.size, dated)
    return EventPage(p.filters, p.page, p.size, total, pages,
                     tuple(event_view(r) for r in rows))


# -- document -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Span:
    """Characters ``start:end`` of a sentence that play ``role`` (source, verb, target,
    quote) in event ``event_id`` (None for a quote)."""

    start: int
    end: int
    role: str
    event_id: int | None


@dataclass(frozen=True)
class SentenceView:
    """One sentence of the document that holds coded events or quotes.  ``complete`` is
    False when only the quoted words of a sentence are stored (a quote with no event)."""

    index: int
    text: str
    complete: bool
    spans: tuple[Span, ...]
    mentions: tuple[Mention, ...]
    quotes: tuple[StoredQuote, ...]


TEXT_NOTE = ("The store keeps no article text, only the sentences events and quotes were "
             "coded from: these are shown in article order.")


@dataclass(frozen=True)
class DocumentView:
    document: StoredDocument
    text_stored: bool
    note: str
    sentences: tuple[SentenceView, ...]


def document(store: Store, doc_id: int) -> DocumentView:
    doc = queries.document(store, doc_id)
    if doc is None:
        raise NotFound(f"no document {doc_id} in the database: see /api/overview "
                       "(latest_documents) or /api/events (document_id)")
    by_sentence: dict[int, list[Mention]] = defaultdict(list)
    for m in queries.mentions(store, doc_id):
        by_sentence[m.event.sentence_index].append(m)
    quotes: dict[int, list[StoredQuote]] = defaultdict(list)
    for q in queries.document_quotes(store, doc_id):
        quotes[q.quote.sentence_index].append(q)
    sentences = tuple(_sentence(i, by_sentence.get(i, []), quotes.get(i, []))
                      for i in sorted(set(by_sentence) | set(quotes)))
    return DocumentView(doc, False, TEXT_NOTE, sentences)


def _sentence(index: int, mentions: list[Mention], quotes: list[StoredQuote]) -> SentenceView:
    complete = bool(mentions)
    text = mentions[0].event.sentence if mentions else " … ".join(q.quote.quote for q in quotes)
    spans: list[Span] = []
    for m in mentions:
        ev = m.event
        parts = [("source", ev.source.start, ev.source.end), ("verb", ev.verb.start, ev.verb.end)]
        if ev.target is not None:
            parts.append(("target", ev.target.start, ev.target.end))
        spans += [Span(s, e, role, m.event_id) for role, s, e in parts
                  if 0 <= s < e <= len(text)]
    cursor = 0
    for q in quotes:
        start = text.find(q.quote.quote, 0 if complete else cursor)
        if start >= 0 and q.quote.quote:
            spans.append(Span(start, start + len(q.quote.quote), "quote", None))
            cursor = start + len(q.quote.quote)
    return SentenceView(index, text, complete, tuple(spans), tuple(mentions), tuple(quotes))


@dataclass(frozen=True)
class Segment:
    """A run of sentence text with the same highlight roles (for rendering)."""

    text: str
    roles: tuple[str, ...]
    event_ids: tuple[int, ...]


def segments(text: str, spans: Sequence[Span]) -> list[Segment]:
    """Split ``text`` at every span boundary; each piece carries the roles covering it."""
    cuts = sorted({0, len(text), *(s.start for s in spans), *(s.end for s in spans)})
    out = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = [s for s in spans if s.start <= start and end <= s.end]
        roles = tuple(r for r in ("source", "verb", "target", "quote")
                      if any(s.role == r for s in covering))
        ids = tuple(sorted({s.event_id for s in covering if s.event_id is not None}))
        out.append(Segment(text[start:end], roles, ids))
    return out


# -- actor ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class RelationView:
    other: str
    weight: float
    cooperation: int
    conflict: int
    alignment: float


@dataclass(frozen=True)
class ActorPeriod:
    period: str
    events: int
    cooperation: int
    conflict: int
    goldstein_mean: float
    event_ids: tuple[int, ...]


@dataclass(frozen=True)
class ActorView:
    code: str
    name: str
    by_sector: bool
    members: tuple[StoredActor, ...]
    event_count: int
    first_date: str | None
    last_date: str | None
    period: str
    modalities: tuple[str, ...]
    relations: tuple[RelationView, ...]
    series: tuple[ActorPeriod, ...]
    quotes: tuple[StoredQuote, ...]
    events: tuple[EventView, ...]


def actor(store: Store, code: str, p: ActorParams, memo: Memo | None = None) -> ActorView:
    """The actor's events counted per day in the database, with the ids and dates of its
    latest ``ACTOR_EVENTS`` (each period's ``event_ids`` are those of the listed events);
    its relations from the graph aggregated in the database (kept in ``memo``, the view
    cache's ``get``, if given: the overview and every actor page of a window share it)."""
    index = ActorIndex.load(store)
    key, by_sector = index.resolve(code)
    members = index.members(key, by_sector)
    codes = sorted({a.code for a in members} | {key})
    window = EventFilter(since=p.since, until=p.until)
    days = queries.involving_days(store, key, codes, window, by_sector)
    listed = queries.involving_latest(store, key, codes, window, by_sector, ACTOR_EVENTS, days)
    graph = relations_graph(store, since=p.since, until=p.until, modalities=p.modalities,
                            by_sector=by_sector, memo=memo)
    relations = sorted((RelationView(other, d["weight"], d["cooperation"], d["conflict"],
                                     alignment(graph, key, other))
                        for other, d in (graph[key].items() if key in graph else [])),
                       key=lambda r: (-abs(r.weight), r.other))
    main = next((a for a in members if a.code == key), members[0] if members else None)
    country = not by_sector and any(a.country == key for a in members)
    quotes = queries.speaker_quotes(store, codes, [key] if country else [])
    dates = [x.date for x in days if x.date]
    latest = queries.events_by_ids(store, [x.id for x in listed])
    return ActorView(key, main.name if main else key, by_sector, tuple(members),
                     sum(x.events for x in days), min(dates, default=None),
                     max(dates, default=None), p.period, p.modalities, tuple(relations),
                     _actor_series(days, listed, p), tuple(quotes),
                     tuple(event_view(r) for r in reversed(latest)))


def relations_graph(store: Store, *, since: str | None = None, until: str | None = None,
                    modalities: Sequence[str] = ("asserted",), by_sector: bool = False,
                    memo: Memo | None = None) -> nx.Graph:
    """The undecayed relations graph of a window (:mod:`blocwatch.analysis.stored`), from
    ``memo`` if given (read only: the graph is shared)."""
    def build() -> nx.Graph:
        return analysis_store.relations_graph(store, since=since, until=until,
                                              half_life_days=None, modalities=modalities,
                                              by_sector=by_sector)
    asked = (since, until, tuple(modalities), by_sector)
    return memo("graph", asked, build) if memo else build()


def _actor_series(days: Sequence[queries.ActorDay], listed: Sequence[queries.ActorEvent],
                  p: ActorParams) -> tuple[ActorPeriod, ...]:
    sums: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])  # events, coop, goldstein
    for x in days:
        if x.date and x.modality in p.modalities:
            at = sums[period_of(x.date, p.period)]
            at[0] += x.events
            at[1] += x.events if x.cooperation else 0
            at[2] += x.goldstein
    ids: dict[str, list[int]] = defaultdict(list)
    for e in listed:
        if e.date and e.modality in p.modalities:
            ids[period_of(e.date, p.period)].append(e.id)
    return tuple(ActorPeriod(label, int(n), int(coop), int(n - coop), round(total / n, 3),
                             tuple(ids[label]))
                 for label, (n, coop, total) in sorted(sums.items()) if n)


# -- alerts ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class AlertsView:
    period: str
    alpha: float
    min_events: int
    since: str | None
    modalities: tuple[str, ...]
    alerts: tuple[AlertView, ...]  # this page's
    total: int  # alerts on every page
    page: int
    size: int
    pages: int


def alerts(store: Store, p: AlertParams, memo: Memo | None = None) -> AlertsView:
    """A page of the alerts (latest first), each with its evidence events; the scan kept in
    ``memo`` if given (as for :func:`actor`)."""
    found = alert_scan(store, p, memo)
    pages = max(1, math.ceil(len(found) / p.size))
    if p.page > pages:
        raise NotFound(f"page {p.page} does not exist: {len(found)} alert(s) make {pages} "
                       f"page(s) of {p.size}; use page 1 to {pages}")
    shown = _alert_views(store, found, period=p.period, modalities=p.modalities,
                         limit=p.size, offset=(p.page - 1) * p.size)
    return AlertsView(p.period, p.alpha, p.min_events, p.since, p.modalities, shown,
                      len(found), p.page, p.size, pages)


def events_by_period(series: Sequence[DyadPeriod] | Sequence[ActorPeriod],
                     events: Sequence[EventView]) -> Mapping[str, list[EventView]]:
    """The events under each point of a timeline (for the pages)."""
    by_id = {e.event_id: e for e in events}
    return {p.period: [by_id[i] for i in p.event_ids if i in by_id] for p in series}
