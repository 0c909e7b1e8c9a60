"""The database commands of the CLI: ``ingest``, ``events``, ``documents``, ``actors`` and
``export``.  A thin layer over :mod:`blocwatch.store.ingest`, :mod:`blocwatch.store.database` and
:mod:`blocwatch.store.export`; registered on the app of :mod:`blocwatch.cli`."""

from __future__ import annotations

import contextlib
import enum
import json
import sys
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from blocwatch.cli.common import app, fail
from blocwatch.errors import BlocwatchError, UsageError

DbOption = Annotated[str | None, typer.Option(
    "--db", help="Database URL: sqlite:///FILE or postgresql://USER@HOST:PORT/DB "
                 "[default: BLOCWATCH_DATABASE or sqlite:///blocwatch.db].")]


class TableFormat(enum.StrEnum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


class ExportFormat(enum.StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"
    gdelt = "gdelt"


def _date(value: str | None) -> str | None:
    from blocwatch.cli.common import check_date

    return check_date(value)


def _article_date(value: str | None) -> str | None:
    from blocwatch.cli.common import check_article_date

    return check_article_date(value)


@contextlib.contextmanager
def _open_store(db: str | None) -> Iterator[Any]:
    from blocwatch.settings import Settings
    from blocwatch.store.database import Store

    settings = Settings.from_env()
    try:
        store = Store(db or settings.database, timeout=settings.database_timeout)
    except BlocwatchError as err:
        fail(str(err), 2)
    try:
        yield store
    except BlocwatchError as err:
        fail(str(err), 2)
    finally:
        store.close()


@app.command()
def ingest(
    sources: Annotated[list[str], typer.Argument(
        metavar="SOURCE...", help="Files, directories, globs (.txt .html .jsonl .csv .zip, "
                                  "RSS/Atom .xml, .warc[.gz]) or feed URLs.")],
    db: DbOption = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Coding processes [default: the number of cores].")] = None,
    cluster: Annotated[str | None, typer.Option(
        metavar="local:N|ADDRESS",
        help="Code on a Dask cluster: local:N (N worker processes here) or a scheduler "
             "address such as tcp://scheduler:8786 (docs/ingest.md).")] = None,
    field: Annotated[list[str] | None, typer.Option(
        "--field", metavar="FIELD=COLUMN",
        help="CSV column / JSON field of an article field (id, text, title, date, url, "
             "source), e.g. --field text=body. Repeatable.")] = None,
    date: Annotated[str | None, typer.Option(
        callback=_article_date,
        help="Date of articles that carry none (YYYY-MM-DD).")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary.")
                     ] = False,
    events: Annotated[str | None, typer.Option(
        "--events", metavar="FORMAT",
        help="Import event data instead of coding articles: gdelt (GDELT 2.0 event "
             "exports), icews, polecat or blocwatch (blocwatch export's jsonl or csv); "
             "plain, .gz or .zip files (docs/ingest.md).")] = None,
) -> None:
    """Code a corpus into the database: resumable, deduplicated, parallel.  Exit code 1 when
    some documents failed (each is named on stderr and recorded with its reason).  With
    --events FORMAT, store the events of existing event data files instead."""
    if events is not None:
        given = [name for name, value in (("--workers", workers), ("--cluster", cluster),
                                          ("--field", field), ("--date", date)) if value]
        if given:
            fail(f"{', '.join(given)} code articles: leave {'them' if len(given) > 1 else 'it'}"
                 " out with --events, which stores events already coded", 2)
        _import_events(sources, events, db, quiet)
        return
    from blocwatch.settings import Settings
    from blocwatch.store.ingest import ingest as run_ingest
    from blocwatch.store.sources import FieldMap, ReadOptions, count_documents, read_sources

    try:
        options = ReadOptions(FieldMap.parse(field or []), date)
    except UsageError as err:
        fail(str(err), 2)
    settings = Settings.from_env()
    spec = _cluster_spec(cluster, workers)
    with _open_store(db) as store, _cluster_client(spec) as client:
        items = read_sources(sources, options, seen=store.has_key)
        total = count_documents(sources, options)
        with _Progress(quiet, total) as bar:
            summary = run_ingest(items, store, settings=settings, workers=workers,
                                 progress=bar.update, total=total, sources=sources,
                                 client=client)
    if not quiet:
        typer.echo(
            f"blocwatch: {summary.seen} documents in {summary.seconds:.1f} s "
            f"({summary.rate:.2f}/s): {summary.coded} coded, {summary.duplicates} duplicates, "
            f"{summary.skipped} already stored, {summary.failed} failed; "
            f"{summary.events_added} new events, {summary.reports_added} reports (run "
            f"{summary.run_id})", err=True)
    raise typer.Exit(1 if summary.failed else 0)


def _import_events(sources: list[str], fmt: str, db: str | None, quiet: bool) -> None:
    """``ingest --events FORMAT``: :func:`blocwatch.store.eventdata.import_events`, and its
    one-line report on stderr."""
    from blocwatch.store.eventdata import FORMATS, import_events, input_files

    if fmt not in FORMATS:
        fail(f"--events {fmt!r}: use one of {', '.join(FORMATS)}", 2)
    try:
        input_files(sources)
    except BlocwatchError as err:
        fail(str(err), 2)
    with _open_store(db) as store:
        report = import_events(sources, fmt, store)
    if not quiet:
        typer.echo(f"blocwatch: {report.line()} (run {report.run_id})", err=True)


def _cluster_spec(cluster: str | None, workers: int | None) -> Any:
    from blocwatch.store.cluster import ClusterSpec

    if cluster is None:
        return None
    if workers is not None:
        fail("give --workers or --cluster, not both", 2)
    try:
        return ClusterSpec.parse(cluster)
    except UsageError as err:
        fail(str(err), 2)


@contextlib.contextmanager
def _cluster_client(spec: Any) -> Iterator[Any]:
    """A Dask client for ``--cluster`` (None without it); Dask's own log kept to errors."""
    if spec is None:
        yield None
        return
    import logging

    import dask

    dask.config.set({"logging.distributed": "error"})  # also for the workers it starts
    import distributed  # noqa: F401 - sets up its logging, which is then turned down

    from blocwatch.store.cluster import connect

    logging.getLogger("distributed").setLevel(logging.ERROR)
    with connect(spec) as client:
        yield client


class _Progress:
    """A Rich progress bar on stderr (nothing with --quiet); failures print as they come."""

    def __init__(self, quiet: bool, total: int | None) -> None:
        self.quiet = quiet
        self.total = total
        self.bar: Any = None

    def __enter__(self) -> _Progress:
        if not self.quiet:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("ingest"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[rate]:.2f} docs/s"),
                TextColumn("{task.fields[events]} events"),
                TextColumn("{task.fields[failed]} failed"), TimeRemainingColumn(),
                console=Console(stderr=True), transient=False)
            self.bar.start()
            self.task = self.bar.add_task("ingest", total=self.total, rate=0.0, events=0,
                                          failed=0)
        return self

    def update(self, p: Any) -> None:
        for failure in p.new_failures:
            line = f"blocwatch: {failure.origin}: {failure.error}"
            if self.bar is not None:
                self.bar.console.print(line, markup=False, highlight=False, soft_wrap=True)
            else:
                typer.echo(line, err=True)
        if self.bar is not None:
            self.bar.update(self.task, completed=p.done, rate=p.rate, events=p.events,
                            failed=p.failed)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _near(value: str | None) -> tuple[float, float, float] | None:
    if value is None:
        return None
    try:
        lat, lon, km = (float(part) for part in value.split(","))
    except ValueError:
        raise typer.BadParameter(f"{value!r}: give LAT,LON,KM, e.g. 33.5,36.3,50") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and km > 0):
        raise typer.BadParameter(f"{value!r}: latitude -90..90, longitude -180..180, km > 0")
    return lat, lon, km


def _event_filter(**kw: Any) -> Any:
    from blocwatch.store.database import EventFilter

    return EventFilter(**kw)


@app.command()
def events(
    db: DbOption = None,
    actor: Annotated[str | None, typer.Option(help="Actor or country code, either side.")
                     ] = None,
    source: Annotated[str | None, typer.Option(help="Source actor or country code.")] = None,
    target: Annotated[str | None, typer.Option(help="Target actor or country code.")] = None,
    code: Annotated[str | None, typer.Option(help="CAMEO code or code prefix, e.g. 11.")
                    ] = None,
    root: Annotated[str | None, typer.Option(help="CAMEO root code, e.g. 19.")] = None,
    quad: Annotated[list[int] | None, typer.Option(
        min=1, max=4, help="Quad class 1-4. Repeatable.")] = None,
    since: Annotated[str | None, typer.Option(callback=_date, help="From YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(callback=_date, help="To YYYY-MM-DD.")] = None,
    modality: Annotated[list[str] | None, typer.Option(
        help="asserted, negated, hypothetical or intended. Repeatable.")] = None,
    min_reports: Annotated[int | None, typer.Option(
        min=1, help="Only events reported by at least this many documents.")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many events.")] = None,
    country_of_location: Annotated[str | None, typer.Option(
        "--country-of-location", help="Only events located in this country (ISO3).")] = None,
    near: Annotated[str | None, typer.Option(
        metavar="LAT,LON,KM", help="Only events located within KM of LAT,LON.")] = None,
    fmt: Annotated[TableFormat, typer.Option("--format", help="table, jsonl or csv.")
                   ] = TableFormat.table,
) -> None:
    """Query stored events."""
    from blocwatch.records import MODALITIES
    from blocwatch.store import export

    bad = [m for m in modality or [] if m not in MODALITIES]
    if bad:
        fail(f"--modality {bad[0]!r}: use one of {', '.join(MODALITIES)}", 2)
    filters = _event_filter(actor=actor, source=source, target=target, code=code, root=root,
                            quad=tuple(quad or ()), since=since, until=until,
                            modality=tuple(modality or ()), min_reports=min_reports, limit=limit,
                            location_country=country_of_location, near=_near(near))
    with _open_store(db) as store:
        rows = store.events(filters)
        if fmt is TableFormat.jsonl:
            export.write_jsonl(rows, sys.stdout)
        elif fmt is TableFormat.csv:
            export.write_csv(rows, sys.stdout)
        else:
            _print_table(_events_table(list(rows)))


def _events_table(rows: list[Any]) -> Any:
    from rich.table import Table

    table = Table(title=f"{len(rows)} events", box=None)
    for name in ("id", "date", "source", "event", "target", "modality", "reports", "doc"):
        table.add_column(name, overflow="fold", no_wrap=name in ("source", "target"))
    for row in rows:
        ev = row.event
        table.add_row(str(row.id), ev.date or "-", ev.source.code,
                      f"{ev.cameo} {(ev.plover.event or '').lower()}".strip(),
                      ev.target.code if ev.target else "-", ev.modality,
                      str(row.report_count), ev.doc_id)
    return table


def _print_table(table: Any) -> None:
    from rich.console import Console

    Console(width=None if sys.stdout.isatty() else 140).print(table)


def _write_records(records: list[dict[str, Any]], columns: list[str], fmt: TableFormat,
                   title: str) -> None:
    if fmt is TableFormat.jsonl:
        for rec in records:
            sys.stdout.write(json.dumps(rec, ensure_ascii=False, default=str) + "\n")
    elif fmt is TableFormat.csv:
        import csv

        writer = csv.DictWriter(sys.stdout, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    else:
        from rich.table import Table

        table = Table(title=f"{len(records)} {title}", box=None)
        for name in columns:
            table.add_column(name, overflow="fold")
        for rec in records:
            table.add_row(*("" if rec[c] is None else str(rec[c]) for c in columns))
        _print_table(table)


@app.command()
def documents(
    db: DbOption = None,
    status: Annotated[str | None, typer.Option(help="coded, duplicate or failed.")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many.")] = None,
    fmt: Annotated[TableFormat, typer.Option("--format", help="table, jsonl or csv.")
                   ] = TableFormat.table,
) -> None:
    """List stored documents: status, duplicates and failures with their reasons."""
    from blocwatch.store.database import STATUSES

    if status is not None and status not in STATUSES:
        fail(f"--status {status!r}: use one of {', '.join(STATUSES)}", 2)
    with _open_store(db) as store:
        records = [asdict(d) for d in store.documents(status=status, limit=limit)]
    columns = ["id", "key", "status", "date", "title", "reports", "duplicate_of",
               "duplicate_kind", "error"]
    if fmt is not TableFormat.table:
        columns = list(records[0]) if records else columns
    _write_records(records, columns, fmt, "documents")


@app.command()
def actors(
    db: DbOption = None,
    limit: Annotated[int | None, typer.Option(min=1, help="At most this many.")] = None,
    fmt: Annotated[TableFormat, typer.Option("--format", help="table, jsonl or csv.")
                   ] = TableFormat.table,
) -> None:
    """List the actors seen in stored events, most active first."""
    with _open_store(db) as store:
        records = [asdict(a) for a in store.actors(limit=limit)]
    columns = ["code", "country", "sector", "org", "name", "event_count", "first_date",
               "last_date"]
    _write_records(records, columns, fmt, "actors")


@app.command()
def export(
    db: DbOption = None,
    fmt: Annotated[ExportFormat, typer.Option(
        "--format", help="csv, jsonl, parquet or gdelt (GDELT 2.0 event table, TSV).")
                   ] = ExportFormat.csv,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="File to write [default: standard output].")] = None,
) -> None:
    """Export every stored event."""
    from blocwatch.store import export as writers

    with _open_store(db) as store:
        if fmt is ExportFormat.parquet:
            target: Any = str(output) if output else sys.stdout.buffer
            if output is None and sys.stdout.isatty():
                fail("parquet is binary: give --output FILE or redirect standard output", 2)
            n = writers.parquet_from_store(store, target)
        elif fmt is ExportFormat.csv:
            with _text_output(output) as out:
                n = writers.csv_from_store(store, out)
        else:
            write = {ExportFormat.jsonl: writers.write_jsonl,
                     ExportFormat.gdelt: writers.write_gdelt}[fmt]
            with _text_output(output) as out:
                n = write(store.events(), out)
    if output is not None:
        typer.echo(f"blocwatch: wrote {n} events to {output}", err=True)


@contextlib.contextmanager
def _text_output(path: Path | None) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        return
    try:
        handle = path.open("w", encoding="utf-8", newline="")
    except OSError as err:
        fail(f"{path}: cannot write ({err.strerror}): check the path", 2)
    with handle:
        yield handle
