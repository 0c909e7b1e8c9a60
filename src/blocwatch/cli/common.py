"""What every command shares: the Typer ``app`` (defined here once), the ``--verbose``
callback, exit helpers, date checks, the coder options and :func:`make_coder`."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Code news about international politics into CAMEO events.")


def fail(message: str, code: int) -> None:
    typer.echo(f"blocwatch: {message}", err=True)
    raise typer.Exit(code)


def check_date(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD") from None


def check_article_date(value: str | None) -> str | None:
    """An articles' date: a valid date, and not in the future (publication dates never
    are; a wrong one would put every event in the wrong week)."""
    from blocwatch.text.read import Limits

    date = check_date(value)
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
        from blocwatch.coding.coder import Coder
        from blocwatch.settings import Settings

        return Coder(Settings.from_env(base_layer=base_layer, learned=learned))
    from blocwatch.coding.petrarch_coder import PetrarchCoder
    from blocwatch.petrarch.dictionaries import load_dictionaries

    dictionaries = load_dictionaries(petrarch_dictionaries)
    for warning in dictionaries.warnings:
        typer.echo(f"blocwatch: warning: {warning}", err=True)
    return PetrarchCoder(dictionaries)


def given(flag: bool) -> bool | None:
    """A switch's value when the command line turned it off, else None (the setting)."""
    return None if flag else False
