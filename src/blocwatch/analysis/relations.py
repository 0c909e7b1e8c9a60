"""Stage 8 — analysis: dyads, a signed relations graph, blocs, alignment and escalation
alerts, computed from coded events (from the store or straight from the coder).

Inputs are :class:`WeightedEvent` records: an event and how many documents report it.
Actors are keyed by :func:`actor_key`: an organisation's acronym ("NATO"), else the
country ("KOR" for KOR, KORGOV and KORMIL alike), optionally with the sector ("KORGOV").

Methods and their parameters (each is a keyword argument with the default given here):

- Dyads: counts by quad class, Goldstein sum and mean, cooperation share
  (quad 1+2 over all) per period (day, ISO week, month, quarter), in both directions
  unless ``directed``; ``weighted`` counts every report instead of every event.
- Relations graph: an undirected signed graph; an edge's weight is the sum of the
  Goldstein weights of the events between the pair (times reports if weighted), each
  discounted by ``0.5 ** (age_days / half_life_days)`` (half-life 90 days, measured from
  the end of the window; ``half_life_days=None`` switches the decay off).
- Blocs: the partition that minimises Doreian and Mrvar's structural-balance criterion
  P = alpha * (negative weight inside blocs) + (1 - alpha) * (positive weight between
  blocs), alpha = 0.5 (P. Doreian, A. Mrvar, "A partitioning approach to structural
  balance", Social Networks 18, 1996).  It starts from the signs of the leading
  eigenvector of the signed adjacency matrix (signed spectral clustering, Kunegis et al.
  2010) and improves by single-actor moves until none helps, for k = 1..``max_blocs``; the
  k with the smallest P wins (fewest blocs on ties).  Cohesion of a bloc = (positive -
  negative weight inside) / (absolute weight inside); an actor's alignment with a bloc =
  its signed weight to the bloc's members over its absolute weight to them (-1..1).
- Alignment of two actors: cosine similarity of their signed relation vectors to every
  other actor (symmetric, -1..1; 0 when either has no relations).
- Escalation alerts: per unordered dyad, conflict events (quad 3 and 4) per period; an
  alert fires when the count x has Poisson probability P(X >= x) < ``alpha`` (0.01) under
  the dyad's own baseline rate (mean of the previous ``baseline_periods`` = 8 periods,
  plus ``prior_rate`` = 0.5 so that a quiet dyad is not alarmed by one event) and
  x >= ``min_events`` (3); no alert before ``min_history`` (4) periods of baseline exist.
  Each alert carries the ids of its evidence events.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import networkx as nx

from blocwatch.records import Event, actor_key
from blocwatch.store.aggregates import DayCount, EdgeSum

PERIODS = ("day", "week", "month", "quarter")


@dataclass(frozen=True)
class WeightedEvent:
    """An event with its id (store id or position) and number of reporting documents."""

    id: int
    event: Event
    reports: int = 1


def period_of(date: str, period: str) -> str:
    """Label of the period holding ``date``: 2022-06-27, 2022-W26, 2022-06, 2022-Q2."""
    day = dt.date.fromisoformat(date)
    if period == "day":
        return day.isoformat()
    if period == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}"
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    raise ValueError(f"unknown period {period!r}: use one of {', '.join(PERIODS)}")


def period_bounds(label: str, period: str) -> tuple[str, str]:
    """First and last date of the period labelled ``label`` (see :func:`period_of`)."""
    if period == "day":
        return label, label
    if period == "week":
        first = dt.date.fromisocalendar(int(label[:4]), int(label[-2:]), 1)
        return first.isoformat(), (first + dt.timedelta(days=6)).isoformat()
    if period == "month":
        year, month = int(label[:4]), int(label[5:7])
    elif period == "quarter":
        year, month = int(label[:4]), 3 * int(label[-1]) - 2
    else:
        raise ValueError(f"unknown period {period!r}: use one of {', '.join(PERIODS)}")
    first = dt.date(year, month, 1)
    span = 1 if period == "month" else 3
    after = dt.date(year + (month + span - 1) // 12, (month + span - 1) % 12 + 1, 1)
    return first.isoformat(), (after - dt.timedelta(days=1)).isoformat()


def _keep(events: Iterable[WeightedEvent], modalities: Sequence[str]) -> list[WeightedEvent]:
    return [w for w in events if w.event.modality in modalities and w.event.target is not None]


# -- dyads ------------------------------------------------------------------------------
@dataclass(frozen=True)
class DyadPeriod:
    period: str
    events: int
    quad: tuple[int, int, int, int]
    goldstein_sum: float
    goldstein_mean: float
    cooperation_share: float
    event_ids: tuple[int, ...]


def dyad_series(events: Iterable[WeightedEvent], a: str, b: str, *, period: str = "month",
                modalities: Sequence[str] = ("asserted",), weighted: bool = False,
                directed: bool = False, by_sector: bool = False) -> list[DyadPeriod]:
    """Per-period statistics of the events between ``a`` and ``b``."""
    buckets: dict[str, list[WeightedEvent]] = defaultdict(list)
    for w in _keep(events, modalities):
        src = actor_key(w.event.source, by_sector=by_sector)
        tgt = actor_key(w.event.target, by_sector=by_sector)
        if (src, tgt) == (a, b) or (not directed and (src, tgt) == (b, a)):
            if w.event.date:
                buckets[period_of(w.event.date, period)].append(w)
    out = []
    for label in sorted(buckets):
        items = buckets[label]
        weights = [w.reports if weighted else 1 for w in items]
        quad = [0, 0, 0, 0]
        gsum = 0.0
        for w, n in zip(items, weights, strict=True):
            quad[w.event.quad_class - 1] += n
            gsum += w.event.goldstein * n
        total = sum(weights)
        out.append(DyadPeriod(label, total, (quad[0], quad[1], quad[2], quad[3]),
                              round(gsum, 3), round(gsum / total, 3),
                              round((quad[0] + quad[1]) / total, 3),
                              tuple(w.id for w in items)))
    return out


def dyad_series_from_counts(counts: Iterable[DayCount], a: str, b: str, *,
                            period: str = "month", weighted: bool = False,
                            directed: bool = False) -> list[DyadPeriod]:
    """:func:`dyad_series` from grouped counts (``dyad_days``, read for the modalities and
    actor level wanted); without event ids."""
    buckets: dict[str, list[DayCount]] = defaultdict(list)
    for c in counts:
        if c.date and ((c.source, c.target) == (a, b)
                       or (not directed and (c.source, c.target) == (b, a))):
            buckets[period_of(c.date, period)].append(c)
    out = []
    for label in sorted(buckets):
        quad = [0, 0, 0, 0]
        gsum = 0.0
        for c in buckets[label]:
            quad[c.quad_class - 1] += c.reports if weighted else c.events
            gsum += c.goldstein_reports if weighted else c.goldstein
        total = sum(quad)
        out.append(DyadPeriod(label, total, (quad[0], quad[1], quad[2], quad[3]),
                              round(gsum, 3), round(gsum / total, 3),
                              round((quad[0] + quad[1]) / total, 3), ()))
    return out


# -- relations graph --------------------------------------------------------------------
def relations_graph(events: Iterable[WeightedEvent], *, until: str | None = None,
                    half_life_days: float | None = 90.0, weighted: bool = False,
                    modalities: Sequence[str] = ("asserted",),
                    by_sector: bool = False) -> nx.Graph:
    """Signed weighted graph: edge weight > 0 net cooperation, < 0 net conflict."""
    kept = _keep(events, modalities)
    end = dt.date.fromisoformat(until) if until else max(
        (dt.date.fromisoformat(w.event.date) for w in kept if w.event.date), default=None)
    graph = nx.Graph()
    for w in kept:
        a = actor_key(w.event.source, by_sector=by_sector)
        b = actor_key(w.event.target, by_sector=by_sector)
        if not a or not b or a == b:
            continue
        decay = 1.0
        if half_life_days and end is not None and w.event.date:
            age = max(0, (end - dt.date.fromisoformat(w.event.date)).days)
            decay = 0.5 ** (age / half_life_days)
        value = w.event.goldstein * (w.reports if weighted else 1) * decay
        if not graph.has_edge(a, b):
            graph.add_edge(a, b, weight=0.0, cooperation=0, conflict=0, event_ids=[])
        edge = graph[a][b]
        edge["weight"] += value
        edge["cooperation" if w.event.quad_class <= 2 else "conflict"] += 1
        edge["event_ids"].append(w.id)
    for _, _, data in graph.edges(data=True):
        data["weight"] = round(data["weight"], 4)
    return graph


def relations_graph_from_sums(sums: Iterable[EdgeSum]) -> nx.Graph:
    """:func:`relations_graph` from the weights and counts of each directed dyad summed in
    the database (:func:`blocwatch.store.aggregates.read_edges`); edges carry no event ids."""
    graph = nx.Graph()
    for x in sums:
        if not graph.has_edge(x.source, x.target):
            graph.add_edge(x.source, x.target, weight=0.0, cooperation=0, conflict=0,
                           event_ids=[])
        edge = graph[x.source][x.target]
        edge["weight"] += x.weight
        edge["cooperation"] += x.cooperation
        edge["conflict"] += x.conflict
    for _, _, data in graph.edges(data=True):
        data["weight"] = round(data["weight"], 4)
    return graph


# -- blocs ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Bloc:
    members: tuple[str, ...]
    cohesion: float | None


@dataclass(frozen=True)
class BlocPartition:
    blocs: tuple[Bloc, ...]
    frustration: float
    alignment: dict[str, tuple[float | None, ...]] = field(default_factory=dict)

    def bloc_of(self, actor: str) -> int | None:
        return next((i for i, b in enumerate(self.blocs) if actor in b.members), None)


def frustration(graph: nx.Graph, assign: dict[str, int], alpha: float = 0.5) -> float:
    neg_inside = pos_between = 0.0
    for a, b, data in graph.edges(data=True):
        w = data["weight"]
        if assign[a] == assign[b] and w < 0:
            neg_inside += -w
        elif assign[a] != assign[b] and w > 0:
            pos_between += w
    return alpha * neg_inside + (1 - alpha) * pos_between


def find_blocs(graph: nx.Graph, *, max_blocs: int = 4, alpha: float = 0.5) -> BlocPartition:
    """Structural-balance partition of a signed graph (see the module docstring)."""
    nodes = sorted(graph.nodes)
    if not nodes:
        return BlocPartition((), 0.0)
    best: tuple[float, dict[str, int]] | None = None
    lead = _leading_vector(graph, nodes) if max_blocs > 1 and len(nodes) > 1 else None
    edges = {n: [(m, float(d["weight"])) for m, d in graph[n].items()] for n in nodes}
    for k in range(1, min(max_blocs, len(nodes)) + 1):
        assign = _local_search(edges, nodes, _spectral_start(nodes, lead, k), k, alpha)
        score = round(frustration(graph, assign, alpha), 6)
        if best is None or score < best[0] - 1e-9:
            best = (score, assign)
    assert best is not None
    score, assign = best
    groups: dict[int, list[str]] = defaultdict(list)
    for node in nodes:
        groups[assign[node]].append(node)
    ordered = sorted(groups.values(), key=lambda m: (-len(m), m))
    blocs = tuple(Bloc(tuple(m), _cohesion(graph, m)) for m in ordered)
    alignment = {n: tuple(_alignment_to(graph, n, b.members) for b in blocs) for n in nodes}
    return BlocPartition(blocs, score, alignment)


def _leading_vector(graph: nx.Graph, nodes: list[str]) -> list[float]:
    """The leading eigenvector of the signed adjacency matrix, its sign fixed so that the
    result is deterministic."""
    import numpy as np

    matrix = nx.to_numpy_array(graph, nodelist=nodes, weight="weight")
    _, vectors = np.linalg.eigh(matrix)
    lead = vectors[:, -1]
    if lead[np.argmax(np.abs(lead))] < 0:
        lead = -lead
    return [float(x) for x in lead]


def _spectral_start(nodes: list[str], lead: list[float] | None, k: int) -> dict[str, int]:
    if k == 1 or lead is None:
        return {n: 0 for n in nodes}
    ranks = sorted(range(len(nodes)), key=lambda i: -lead[i])  # stable, as argsort's
    return {nodes[index]: min(k - 1, position * k // len(nodes))
            for position, index in enumerate(ranks)}


def _local_search(edges: dict[str, list[tuple[str, float]]], nodes: list[str],
                  assign: dict[str, int], k: int, alpha: float) -> dict[str, int]:
    """Single-actor moves while one lowers the frustration; a move's change is computed
    from the actor's own ``edges`` (the same moves, in the same order, as recomputing the
    whole criterion after each, at the cost of its degree)."""
    assign = dict(assign)
    improved = True
    while improved:
        improved = False
        for node in nodes:
            for target in range(k):
                if target == assign[node]:
                    continue
                if _move_change(edges[node], assign, node, target, alpha) < -1e-9:
                    assign[node], improved = target, True
    return assign


def _move_change(edges: list[tuple[str, float]], assign: dict[str, int], node: str,
                 target: int, alpha: float) -> float:
    """How the frustration changes when ``node`` (with these ``edges``) moves to bloc
    ``target``."""
    old, change = assign[node], 0.0
    for other, w in edges:
        where = assign[other]
        if w < 0:  # negative weight counts inside a bloc
            change += alpha * -w * ((where == target) - (where == old))
        elif w > 0:  # positive weight counts between blocs
            change += (1 - alpha) * w * ((where != target) - (where != old))
    return change


def _cohesion(graph: nx.Graph, members: Sequence[str]) -> float | None:
    pos = neg = 0.0
    for i, a in enumerate(members):
        for b in members[i + 1:]:
            if graph.has_edge(a, b):
                w = graph[a][b]["weight"]
                pos, neg = (pos + w, neg) if w > 0 else (pos, neg - w)
    return round((pos - neg) / (pos + neg), 3) if pos + neg else None


def _alignment_to(graph: nx.Graph, node: str, members: Sequence[str]) -> float | None:
    weights = [graph[node][m]["weight"] for m in members if m != node and graph.has_edge(node, m)]
    total = sum(abs(w) for w in weights)
    return round(sum(weights) / total, 3) if total else None


def alignment(graph: nx.Graph, a: str, b: str) -> float:
    """Cosine similarity of how ``a`` and ``b`` relate to every other actor (-1..1).
    Summed over their neighbours only, in the order of the actors' names: the same sums
    as over every actor (the others add zeros), in time that grows with their degree."""
    if a not in graph or b not in graph or len(set(graph.nodes) - {a, b}) == 0:
        return 0.0
    va = {o: d["weight"] for o, d in graph[a].items() if o not in (a, b)}
    vb = {o: d["weight"] for o, d in graph[b].items() if o not in (a, b)}
    dot = sum(va[o] * vb[o] for o in sorted(va.keys() & vb.keys()))
    norm = (math.sqrt(sum(va[o] * va[o] for o in sorted(va)))
            * math.sqrt(sum(vb[o] * vb[o] for o in sorted(vb))))
    return round(max(-1.0, min(1.0, dot / norm)), 4) if norm else 0.0


@dataclass(frozen=True)
class BlocChange:
    actor: str
    kind: str  # joined, left, closer, further
    bloc: tuple[str, ...]
    before: float | None
    after: float | None


def bloc_changes(before: BlocPartition, after: BlocPartition, *,
                 threshold: float = 0.25) -> list[BlocChange]:
    """Who joined or left a bloc between two windows, and who moved closer or further
    (alignment with their later bloc changed by at least ``threshold``)."""
    changes = []
    for index, bloc in enumerate(after.blocs):
        previous = {m: before.bloc_of(m) for m in bloc.members}
        anchor = max((p for p in previous.values() if p is not None),
                     key=list(previous.values()).count, default=None)
        for member in bloc.members:
            was = previous[member]
            now_align = after.alignment.get(member, ())[index] if member in after.alignment \
                else None
            if was is None or was != anchor:
                changes.append(BlocChange(member, "joined", bloc.members, None, now_align))
                continue
            then = before.alignment.get(member, ())
            old_align = then[anchor] if anchor is not None and anchor < len(then) else None
            if old_align is not None and now_align is not None \
                    and abs(now_align - old_align) >= threshold:
                kind = "closer" if now_align > old_align else "further"
                changes.append(BlocChange(member, kind, bloc.members, old_align, now_align))
        if anchor is not None:
            for member in before.blocs[anchor].members:
                if member in after.alignment and after.bloc_of(member) != index:
                    changes.append(BlocChange(member, "left", bloc.members, None, None))
    return changes


# -- escalation -------------------------------------------------------------------------
@dataclass(frozen=True)
class Alert:
    dyad: tuple[str, str]
    period: str
    count: int
    baseline: float
    probability: float
    event_ids: tuple[int, ...]


def poisson_tail(x: int, rate: float) -> float:
    """P(X >= x) for X ~ Poisson(rate)."""
    if x <= 0:
        return 1.0
    term = math.exp(-rate)
    cdf = term
    for i in range(1, x):
        term *= rate / i
        cdf += term
    return max(0.0, 1.0 - cdf)


def escalation_alerts(events: Iterable[WeightedEvent], *, period: str = "week",
                      baseline_periods: int = 8, alpha: float = 0.01, min_events: int = 3,
                      prior_rate: float = 0.5, min_history: int = 4,
                      since: str | None = None,
                      modalities: Sequence[str] = ("asserted",)) -> list[Alert]:
    """Periods in which a dyad's conflict count is improbable under its own baseline."""
    counts: dict[tuple[str, str], dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    dates = []
    for w in _keep(events, modalities):
        a, b = actor_key(w.event.source), actor_key(w.event.target)
        if not a or not b or a == b or not w.event.date:
            continue
        dates.append(w.event.date)
        if w.event.quad_class >= 3:
            counts[(min(a, b), max(a, b))][period_of(w.event.date, period)].append(w.id)
    if not dates:
        return []
    tallies = {dyad: {label: len(ids) for label, ids in by.items()}
               for dyad, by in counts.items()}
    return _scan(tallies, _period_labels(min(dates), max(dates), period),
                 lambda dyad, label: tuple(counts[dyad][label]), baseline_periods=baseline_periods,
                 alpha=alpha, min_events=min_events, prior_rate=prior_rate,
                 min_history=min_history, since=since and period_of(since, period))


def _scan(counts: dict[tuple[str, str], dict[str, int]], labels: list[str],
          evidence: Callable[[tuple[str, str], str], tuple[int, ...]], *,
          baseline_periods: int, alpha: float, min_events: int, prior_rate: float,
          min_history: int, since: str | None) -> list[Alert]:
    """The alerts of conflict ``counts`` (dyad -> period label -> events) over ``labels``;
    only periods with ``min_events`` or more can alert, so only they are tested."""
    index = {label: i for i, label in enumerate(labels)}
    alerts = []
    for dyad in sorted(counts):
        by = counts[dyad]
        for label in sorted((x for x, n in by.items() if n >= min_events), key=index.__getitem__):
            if since and label < since:
                continue
            i, x = index[label], by[label]
            history = [by.get(h, 0) for h in labels[max(0, i - baseline_periods):i]]
            if len(history) < min_history:
                continue  # no baseline yet: nothing to compare with
            rate = (sum(history) / len(history) if history else 0.0) + prior_rate
            p = poisson_tail(x, rate)
            if p < alpha:
                alerts.append(Alert(dyad, label, x, round(rate, 3), p, evidence(dyad, label)))
    return alerts


def escalation_alerts_from_counts(conflict: Iterable[DayCount], first: str | None,
                                  last: str | None, *, period: str = "week",
                                  baseline_periods: int = 8, alpha: float = 0.01,
                                  min_events: int = 3, prior_rate: float = 0.5,
                                  min_history: int = 4, since: str | None = None
                                  ) -> list[Alert]:
    """:func:`escalation_alerts` from the conflict counts of each dyad and day, over the
    periods from ``first`` to ``last`` (the dates of all placed events); no event ids."""
    return escalation_alerts_from_days(
        ((c.date, c.source, c.target, c.events) for c in conflict), first, last,
        period=period, baseline_periods=baseline_periods, alpha=alpha, min_events=min_events,
        prior_rate=prior_rate, min_history=min_history, since=since)


def escalation_alerts_from_days(conflict: Iterable[tuple[str, str, str, int]],
                                first: str | None, last: str | None, *, period: str = "week",
                                baseline_periods: int = 8, alpha: float = 0.01,
                                min_events: int = 3, prior_rate: float = 0.5,
                                min_history: int = 4, since: str | None = None
                                ) -> list[Alert]:
    """:func:`escalation_alerts_from_counts` of ``(date, source, target, conflict events)``
    rows (a database's rows as they come, no record built per row)."""
    if not first or not last:
        return []
    counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    labels: dict[str, str] = {}
    for date, source, target, events in conflict:
        if date:
            label = labels.get(date) or labels.setdefault(date, period_of(date, period))
            counts[(source, target) if source <= target else (target, source)][label] += events
    return _scan(counts, _period_labels(first, last, period), lambda dyad, label: (),
                 baseline_periods=baseline_periods, alpha=alpha, min_events=min_events,
                 prior_rate=prior_rate, min_history=min_history,
                 since=since and period_of(since, period))


def _period_labels(first: str, last: str, period: str) -> list[str]:
    day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    labels: list[str] = []
    while day <= end:
        label = period_of(day.isoformat(), period)
        if not labels or labels[-1] != label:
            labels.append(label)
        day += dt.timedelta(days=1)
    return labels
