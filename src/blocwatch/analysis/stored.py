"""Analysis over a store, aggregated in the database: the dyad series, the signed relations
graph (and so the blocs) and the escalation alerts of :mod:`blocwatch.analysis.relations`, computed
from ``dyad_days`` (:mod:`blocwatch.store.aggregates`) grouped by SQL instead of from event rows.

The results equal those of the event-based functions over the same events (the tests
compare both on small stores), but for the event ids, which these leave empty: a caller
that wants the evidence reads it with :meth:`Store.events` (``--explain`` does).  Their
cost grows with the number of dyad-days, not of events.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx

from blocwatch.analysis.relations import (
    Alert,
    DyadPeriod,
    dyad_series_from_counts,
    escalation_alerts_from_days,
    period_bounds,
    relations_graph_from_sums,
)
from blocwatch.store import aggregates
from blocwatch.store.aggregates import Window
from blocwatch.store.database import Store


def dyad_series(store: Store, a: str, b: str, *, period: str = "month",
                since: str | None = None, until: str | None = None,
                modalities: Sequence[str] = ("asserted",), weighted: bool = False,
                directed: bool = False, by_sector: bool = False) -> list[DyadPeriod]:
    """:func:`blocwatch.analysis.relations.dyad_series` of the stored events from ``since`` to
    ``until``."""
    window = Window(since, until, tuple(modalities), dyads=((a, b), (b, a)))
    with store.reading() as conn:
        counts = list(aggregates.read(conn, window, by_sector=by_sector))
    return dyad_series_from_counts(counts, a, b, period=period, weighted=weighted,
                                   directed=directed)


def relations_graph(store: Store, *, since: str | None = None, until: str | None = None,
                    half_life_days: float | None = 90.0, weighted: bool = False,
                    modalities: Sequence[str] = ("asserted",),
                    by_sector: bool = False, involving: Sequence[str] = ()) -> nx.Graph:
    """:func:`blocwatch.analysis.relations.relations_graph` of the stored events from ``since`` to
    ``until`` (decay measured from ``until``, else from the last event); only the edges
    of the ``involving`` actors if given (enough for their alignment)."""
    window = Window(since, until, tuple(modalities), involving=tuple(involving))
    with store.reading() as conn:
        end = until or aggregates.last_date(conn, window)
        return relations_graph_from_sums(aggregates.read_edges(
            conn, window, by_sector=by_sector, end=end, half_life_days=half_life_days,
            weighted=weighted))


def escalation_alerts(store: Store, *, period: str = "week", baseline_periods: int = 8,
                      alpha: float = 0.01, min_events: int = 3, prior_rate: float = 0.5,
                      min_history: int = 4, since: str | None = None,
                      modalities: Sequence[str] = ("asserted",)) -> list[Alert]:
    """:func:`blocwatch.analysis.relations.escalation_alerts` over every stored event (the baseline
    needs all history)."""
    window = Window(modalities=tuple(modalities))
    with store.reading() as conn:
        first, last = aggregates.date_range(conn, window)
        conflict = list(aggregates.read_conflict_weeks(conn, modalities) if period == "week"
                        else aggregates.read_conflict(conn, window))
    return escalation_alerts_from_days(
        conflict, first, last, period=period, baseline_periods=baseline_periods, alpha=alpha,
        min_events=min_events, prior_rate=prior_rate, min_history=min_history, since=since)


def alert_evidence(store: Store, alert: Alert, *, period: str = "week",
                   modalities: Sequence[str] = ("asserted",), codes: Sequence[str] = ()
                   ) -> tuple[int, ...]:
    """The ids of the conflict events behind ``alert``, by date then id (what
    :func:`blocwatch.analysis.relations.escalation_alerts` puts in ``event_ids``): read from the
    events of the alert's period only (the date index), or, given ``codes`` (every actor
    code whose key is one of the alert's two), those codes' events of the period (the
    index on code pair and date)."""
    first, last = period_bounds(alert.period, period)
    with store.reading() as conn:
        return aggregates.dyad_event_ids(conn, alert.dyad, first, last, tuple(modalities),
                                         tuple(codes))
