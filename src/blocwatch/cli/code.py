"""``blocwatch code``: code articles into events (or quotes) and print them.  Exit codes:
0 all fine, 1 some documents failed (each named on one line), 2 usage error."""

from __future__ import annotations

import enum
import sys
from pathlib import Path
from typing import Annotated

import typer

from blocwatch.cli.common import (
    BaseLayerOption,
    LearnedOption,
    app,
    check_article_date,
    fail,
    given,
    make_coder,
)
from blocwatch.errors import BlocwatchError, InputError
from blocwatch.records import DocumentError


class Format(enum.StrEnum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


@app.command()
def code(
    inputs: Annotated[list[str], typer.Argument(
        metavar="INPUT...", help=".txt, .html/.htm or .jsonl files, or - for stdin.")],
    date: Annotated[str | None, typer.Option(
        callback=check_article_date,
        help="Date of articles that carry none (YYYY-MM-DD).")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, jsonl or csv.")
                   ] = Format.table,
    quotes: Annotated[bool, typer.Option("--quotes", help="Print quotes, not events.")
                      ] = False,
    petrarch_dictionaries: Annotated[Path | None, typer.Option(
        "--petrarch-dictionaries", metavar="DIR",
        help="Code with the PETRARCH/TABARI dictionaries in DIR instead of the built-in "
             "knowledge base.")] = None,
    base_layer: BaseLayerOption = True,
    learned: LearnedOption = True,
) -> None:
    """Code articles into events (or quotes) and print them."""
    from blocwatch.coding.output import CsvWriter, event_table, quote_table, write_jsonl
    from blocwatch.text.read import read_inputs

    if quotes and petrarch_dictionaries is not None:
        fail("--quotes needs the built-in coder: PETRARCH dictionaries code events only", 2)
    try:
        coder = make_coder(petrarch_dictionaries, base_layer=given(base_layer),
                           learned=given(learned))
    except BlocwatchError as err:
        fail(str(err), 2)
    failures = 0
    rows: list = []  # type: ignore[type-arg]
    writer = CsvWriter(sys.stdout, quotes=quotes) if fmt is Format.csv else None
    for item in read_inputs(inputs, stdin=sys.stdin.buffer, default_date=date):
        if isinstance(item, DocumentError):
            failures += 1
            typer.echo(f"blocwatch: {item.origin}: {item.message}", err=True)
            continue
        try:
            coded = coder.code_article(item)
        except InputError as err:
            failures += 1
            typer.echo(f"blocwatch: {err}", err=True)
            continue
        except Exception as err:  # noqa: BLE001 - one bad article must not stop the run
            failures += 1
            typer.echo(f"blocwatch: {item.origin or item.id}: internal error while coding "
                       f"({type(err).__name__}: {err}); please report it", err=True)
            continue
        records = list(coded.quotes if quotes else coded.events)
        if fmt is Format.jsonl:
            write_jsonl(records, sys.stdout)
        elif writer is not None:
            writer.write(records)
        else:
            rows += records
    if fmt is Format.table:
        from rich.console import Console

        console = Console(width=None if sys.stdout.isatty() else 110)
        console.print(quote_table(rows) if quotes else event_table(rows))
    raise typer.Exit(1 if failures else 0)

