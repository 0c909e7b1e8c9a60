"""``blocwatch dyad``, ``blocwatch blocs`` and ``blocwatch alerts``: thin commands over
:mod:`blocwatch.analysis.relations`, reading events from the store.  ``--explain`` lists the events
behind every number."""

from __future__ import annotations

import csv
import enum
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from blocwatch.cli.common import app, check_date, fail
from blocwatch.errors import BlocwatchError

T = TypeVar("T")


class Period(enum.StrEnum):
    day = "day"
    week = "week"
    month = "month"
    quarter = "quarter"


class OutFormat(enum.StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


Db = Annotated[str | None, typer.Option("--db", help="Database URL (default: setting "
                                                     "'database', sqlite:///blocwatch.db).")]
Since = Annotated[str | None, typer.Option(callback=check_date, help="From this date.")]
Until = Annotated[str | None, typer.Option(callback=check_date, help="Up to this date.")]
Modality = Annotated[list[str] | None, typer.Option(
    "--modality", help="Modalities to count (repeatable; default: asserted).")]
Explain = Annotated[bool, typer.Option("--explain", help="List the events behind numbers.")]


def _load(db: str | None, since: str | None, until: str | None) -> list[Any]:
    """Every event of the window (for ``--explain``, which lists them)."""
    from blocwatch.analysis.relations import WeightedEvent
    from blocwatch.store.database import EventFilter

    return _in_store(db, lambda store: [WeightedEvent(row.id, row.event, row.report_count)
                                        for row in store.events(EventFilter(since=since,
                                                                            until=until))])


def _in_store(db: str | None, work: Callable[[Any], T]) -> T:
    """``work(store)`` on the database; its errors are one line and exit code 2."""
    from blocwatch.settings import Settings
    from blocwatch.store.database import Store

    try:
        store = Store(db or Settings.from_env().database)
    except BlocwatchError as err:
        fail(str(err), 2)
    try:
        return work(store)
    except BlocwatchError as err:
        fail(str(err), 2)
    finally:
        store.close()
    raise AssertionError("unreachable")


def _modalities(values: list[str] | None) -> tuple[str, ...]:
    from blocwatch.records import MODALITIES

    chosen = tuple(values or ["asserted"])
    bad = [m for m in chosen if m not in MODALITIES]
    if bad:
        raise typer.BadParameter(f"unknown modality {bad[0]!r}: use {', '.join(MODALITIES)}")
    return chosen


def _explain(events: list[Any], ids: set[int]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="evidence", box=None)
    for name in ("id", "date", "source", "event", "target", "reports", "sentence"):
        table.add_column(name, overflow="fold")
    for w in events:
        if w.id in ids:
            e = w.event
            table.add_row(str(w.id), e.date or "", e.source.code, e.cameo,
                          e.target.code if e.target else "-", str(w.reports), e.sentence)
    Console(width=None if sys.stdout.isatty() else 140).print(table)


@app.command()
def dyad(a: Annotated[str, typer.Argument(help="First actor (USA, KOR, NATO, KORGOV...).")],
         b: Annotated[str, typer.Argument(help="Second actor.")],
         by: Annotated[Period, typer.Option("--by", help="Period.")] = Period.month,
         db: Db = None, since: Since = None, until: Until = None,
         modality: Modality = None,
         weighted: Annotated[bool, typer.Option(help="Count reports, not events.")] = False,
         directed: Annotated[bool, typer.Option(help="Only A -> B.")] = False,
         by_sector: Annotated[bool, typer.Option(
             "--by-sector", help="Actors are country+sector codes (KORGOV).")] = False,
         png: Annotated[Path | None, typer.Option(help="Write a figure (.png/.svg).")] = None,
         fmt: Annotated[OutFormat, typer.Option("--format")] = OutFormat.table,
         explain: Explain = False) -> None:
    """Cooperation and conflict between two actors, period by period."""
    from blocwatch.analysis import relations as analysis
    from blocwatch.analysis import stored as analysis_store

    options: dict[str, Any] = dict(period=by.value, modalities=_modalities(modality),
                                   weighted=weighted, directed=directed, by_sector=by_sector)
    if explain:  # the evidence needs the events themselves
        events = _load(db, since, until)
        series = analysis.dyad_series(events, a.upper(), b.upper(), **options)
    else:
        series = _in_store(db, lambda store: analysis_store.dyad_series(
            store, a.upper(), b.upper(), since=since, until=until, **options))
    rows = [{"period": p.period, "events": p.events, "verbal_coop": p.quad[0],
             "material_coop": p.quad[1], "verbal_conflict": p.quad[2],
             "material_conflict": p.quad[3], "goldstein_sum": p.goldstein_sum,
             "goldstein_mean": p.goldstein_mean, "cooperation_share": p.cooperation_share}
            for p in series]
    _print_rows(rows, fmt, f"{a.upper()} - {b.upper()} by {by.value}")
    if png is not None:
        from blocwatch.analysis.figures import dyad_figure

        dyad_figure(series, a.upper(), b.upper(), png)
    if explain:
        _explain(events, {i for p in series for i in p.event_ids})


@app.command()
def blocs(db: Db = None, since: Since = None, until: Until = None, modality: Modality = None,
          half_life: Annotated[float, typer.Option(help="Decay half-life in days (0: none).")
                               ] = 90.0,
          max_blocs: Annotated[int, typer.Option(min=1, max=8)] = 4,
          png: Annotated[Path | None, typer.Option(help="Write the network (.png/.svg).")
                         ] = None,
          fmt: Annotated[OutFormat, typer.Option("--format")] = OutFormat.table,
          explain: Explain = False) -> None:
    """Blocs: actors grouped so that cooperation falls inside blocs, conflict between."""
    from blocwatch.analysis import relations as analysis
    from blocwatch.analysis import stored as analysis_store

    options: dict[str, Any] = dict(half_life_days=half_life or None,
                                   modalities=_modalities(modality))
    if explain:  # the evidence needs the events themselves
        events = _load(db, since, until)
        graph = analysis.relations_graph(events, until=until, **options)
    else:
        graph = _in_store(db, lambda store: analysis_store.relations_graph(
            store, since=since, until=until, **options))
    partition = analysis.find_blocs(graph, max_blocs=max_blocs)
    data: dict[str, Any] = {
        "blocs": [{"members": list(b.members), "cohesion": b.cohesion}
                  for b in partition.blocs],
        "frustration": partition.frustration,
        "alignment": {k: list(v) for k, v in partition.alignment.items()},
        "edges": [{"a": u, "b": v, "weight": d["weight"], "cooperation": d["cooperation"],
                   "conflict": d["conflict"]} for u, v, d in sorted(graph.edges(data=True))]}
    if fmt is OutFormat.json:
        typer.echo(json.dumps(data, indent=2))
    else:
        rows = [{"bloc": i + 1, "members": " ".join(b["members"]), "cohesion": b["cohesion"]}
                for i, b in enumerate(data["blocs"])]
        _print_rows(rows, fmt, f"blocs (frustration {partition.frustration})")
    if png is not None:
        from blocwatch.analysis.figures import network_figure

        network_figure(graph, partition, png)
    if explain:
        _explain(events, {i for _, _, d in graph.edges(data=True) for i in d["event_ids"]})


@app.command()
def alerts(db: Db = None, since: Since = None,
           by: Annotated[Period, typer.Option("--by", help="Period.")] = Period.week,
           alpha: Annotated[float, typer.Option(min=1e-9, max=0.5)] = 0.01,
           min_events: Annotated[int, typer.Option(min=1)] = 3,
           fmt: Annotated[OutFormat, typer.Option("--format")] = OutFormat.table,
           explain: Explain = False) -> None:
    """Escalation alerts: dyads whose conflict rose well above their own baseline."""
    from blocwatch.analysis import relations as analysis
    from blocwatch.analysis import stored as analysis_store

    options: dict[str, Any] = dict(period=by.value, alpha=alpha, min_events=min_events,
                                   since=since)
    if explain:  # the evidence needs the events themselves
        events = _load(db, None, None)
        found = analysis.escalation_alerts(events, **options)
    else:
        found = _in_store(db, lambda store: analysis_store.escalation_alerts(store, **options))
    rows = [{"dyad": f"{x.dyad[0]}-{x.dyad[1]}", "period": x.period, "conflict_events": x.count,
             "baseline": x.baseline, "probability": f"{x.probability:.2g}"} for x in found]
    _print_rows(rows, fmt, f"{len(rows)} escalation alert(s)")
    if explain:
        _explain(events, {i for x in found for i in x.event_ids})


def _print_rows(rows: list[dict[str, Any]], fmt: OutFormat, title: str) -> None:
    if fmt is OutFormat.json:
        typer.echo(json.dumps(rows, indent=2))
    elif fmt is OutFormat.csv:
        if rows:
            writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, box=None)
        for name in (rows[0] if rows else {"(none)": ""}):
            table.add_column(name)
        for row in rows:
            table.add_row(*[str(v) for v in row.values()])
        Console(width=None if sys.stdout.isatty() else 140).print(table)
