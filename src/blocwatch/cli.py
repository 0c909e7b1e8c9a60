"""The command line: a thin layer over the library.  Exit codes: 0 all fine, 1 some
documents failed (each named on one line), 2 usage error."""

from __future__ import annotations

import datetime as dt
import enum
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from .errors import BlocwatchError, InputError
from .records import DocumentError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Code news about international politics into CAMEO events.")


class Format(enum.StrEnum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


def _fail(message: str, code: int) -> None:
    typer.echo(f"blocwatch: {message}", err=True)
    raise typer.Exit(code)


def _check_date(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD") from None


def _check_article_date(value: str | None) -> str | None:
    """An articles' date: a valid date, and not in the future (publication dates never
    are; a wrong one would put every event in the wrong week)."""
    from .read import Limits

    date = _check_date(value)
    latest = Limits.of().latest_date
    if date is not None and date > latest:
        raise typer.BadParameter(f"{value!r} is in the future (after {latest}): give the "
                                 "date the articles were published")
    return date


@app.callback()
def main(verbose: Annotated[int, typer.Option("--verbose", "-v", count=True,
                                              help="More logging (-v, -vv).")] = 0) -> None:
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


BaseLayerOption = Annotated[bool, typer.Option(
    "--base-layer/--no-base-layer",
    help="Use the base knowledge layer (Phoenix/CAMEO 2.0) under blocwatch's own "
         "[default: the setting base_layer, on]")]
LearnedOption = Annotated[bool, typer.Option(
    "--learned/--no-learned",
    help="Use the learned sentence model (filter and fallback events) "
         "[default: the setting learned, on]")]


def make_coder(petrarch_dictionaries: Path | None = None, *,  # type: ignore[no-untyped-def]
               base_layer: bool | None = None, learned: bool | None = None):
    """The built-in coder (``base_layer``/``learned`` override those settings), or one
    using PETRARCH/TABARI dictionaries from a folder (their skipped malformed lines are
    reported on stderr)."""
    if petrarch_dictionaries is None:
        from .coder import Coder
        from .settings import Settings

        return Coder(Settings.from_env(base_layer=base_layer, learned=learned))
    from .petrarch import load_dictionaries
    from .petrarch_coder import PetrarchCoder

    dictionaries = load_dictionaries(petrarch_dictionaries)
    for warning in dictionaries.warnings:
        typer.echo(f"blocwatch: warning: {warning}", err=True)
    return PetrarchCoder(dictionaries)


def _given(flag: bool) -> bool | None:
    """A switch's value when the command line turned it off, else None (the setting)."""
    return None if flag else False


@app.command()
def code(
    inputs: Annotated[list[str], typer.Argument(
        metavar="INPUT...", help=".txt, .html/.htm or .jsonl files, or - for stdin.")],
    date: Annotated[str | None, typer.Option(
        callback=_check_article_date,
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
    from .output import CsvWriter, event_table, quote_table, write_jsonl
    from .read import read_inputs

    if quotes and petrarch_dictionaries is not None:
        _fail("--quotes needs the built-in coder: PETRARCH dictionaries code events only", 2)
    try:
        coder = make_coder(petrarch_dictionaries, base_layer=_given(base_layer),
                           learned=_given(learned))
    except BlocwatchError as err:
        _fail(str(err), 2)
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


# Commands defined in other modules register themselves on ``app`` when imported.
from . import cli_analysis, cli_eval, cli_kb, cli_serve, cli_store  # noqa: E402,F401,I001
