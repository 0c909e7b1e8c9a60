"""``blocwatch eval``: a thin command over :func:`blocwatch.evaluation.evaluate.evaluate`."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from blocwatch.cli.common import BaseLayerOption, LearnedOption, app, fail, given, make_coder
from blocwatch.errors import BlocwatchError


class GoldFormat(enum.StrEnum):
    petrarch = "petrarch"
    blocwatch = "blocwatch"
    quadclass = "quadclass"
    dyads = "dyads"
    attribution = "attribution"
    raters = "raters"


@app.command("eval")
def eval_command(
    fmt: Annotated[GoldFormat, typer.Argument(metavar="FORMAT", help=(
        "petrarch, blocwatch, quadclass, dyads, attribution or raters."))],
    gold: Annotated[Path, typer.Argument(metavar="GOLD", help="Gold file (or folder).")],
    petrarch_dictionaries: Annotated[Path | None, typer.Option(
        "--petrarch-dictionaries", help="Code with PETRARCH/TABARI dictionaries in DIR.")
    ] = None,
    report: Annotated[Path | None, typer.Option(help="Write a Markdown report here.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the figures as JSON.")
                       ] = False,
    limit: Annotated[int | None, typer.Option(min=1, help="Score the first N cases only.")
                     ] = None,
    base_layer: BaseLayerOption = True,
    learned: LearnedOption = True,
) -> None:
    """Score the coder against annotated data: precision, recall, F1, errors."""
    from blocwatch.evaluation.evaluate import dump_json, evaluate

    if not gold.exists():
        fail(f"{gold}: no such file or folder", 2)
    try:
        coder = make_coder(petrarch_dictionaries, base_layer=given(base_layer),
                           learned=given(learned))
        result = evaluate(fmt.value, gold, coder, limit=limit)
    except BlocwatchError as err:
        fail(str(err), 1)
    if report is not None:
        report.write_text(result.to_markdown(), encoding="utf-8")
    if as_json:
        typer.echo(dump_json(result))
    else:
        from rich.console import Console
        from rich.markdown import Markdown

        text = result.to_markdown().split("## Worst")[0]
        Console().print(Markdown(text))
