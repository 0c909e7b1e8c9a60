"""``blocwatch kb``: check user knowledge files, explain how a name resolves, and list
unknown actors and verbs in a corpus (ranked, with entries ready to paste)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from blocwatch.cli.common import app, check_date, fail
from blocwatch.errors import BlocwatchError

kb_app = typer.Typer(help="Knowledge-base tools: check, show, unknown-actors, unknown-verbs.",
                     no_args_is_help=True)
app.add_typer(kb_app, name="kb")

Inputs = Annotated[list[str] | None, typer.Argument(
    metavar="INPUT...", help=".txt, .html or .jsonl files (as for 'blocwatch code').")]
Date = Annotated[str | None, typer.Option(callback=check_date, help="Article date.")]
Top = Annotated[int, typer.Option(min=1, help="How many to list.")]


@kb_app.command("check")
def check(files: Annotated[list[Path] | None, typer.Argument(
        metavar="[FILE...]", help="User knowledge files; none: the built-in base layer.")]
        = None) -> None:
    """Validate user knowledge YAML files (schema, CAMEO codes, dates, clashing aliases),
    or with no FILE the built-in base layer (actor codes, sectors, verb codes)."""
    if not files:
        _check_base_layer()
        return
    from blocwatch.knowledge.userkb import read_files

    try:
        _, problems = read_files(files)
    except BlocwatchError as err:
        fail(str(err), 1)
    for problem in problems:
        typer.echo(str(problem))
    typer.echo(f"{len(problems)} problem(s) in {len(files)} file(s)", err=True)
    raise typer.Exit(1 if problems else 0)


def _check_base_layer() -> None:
    from blocwatch.knowledge.baselayer import check_base_layer, load_base_layer
    from blocwatch.knowledge.lexicon import load_codes

    try:
        layer = load_base_layer()
    except BlocwatchError as err:
        fail(str(err), 1)
    problems = check_base_layer(layer, load_codes())
    for problem in problems:
        typer.echo(problem)
    patterns = sum(len(b.patterns) for b in layer.verbs.blocks)
    typer.echo(f"base layer: {len(layer.actors)} actor names, {len(layer.agents)} agents, "
               f"{len(layer.discards)} discards, {len(layer.verbs.blocks)} verb blocks, "
               f"{patterns} patterns: {len(problems)} problem(s)", err=True)
    raise typer.Exit(1 if problems else 0)


@kb_app.command("show")
def show(name: Annotated[str, typer.Argument(help="A name as it appears in text.")],
         date: Date = None) -> None:
    """Explain how NAME resolves on DATE, and why."""
    from blocwatch.coding.actors import resolve
    from blocwatch.coding.coder import Coder

    coder = Coder()
    tokens = [t.text for t in coder.nlp.tokenizer(name)]
    entries = coder.kb.lookup(tokens)
    agent = coder.kb.agent(tokens)
    if not entries and agent is None:
        typer.echo(f"{name!r} is not in the knowledge base (tokens: {tokens}): add it to a "
                   "knowledge file (see docs/knowledge-base.md)")
        raise typer.Exit(1)
    for e in entries:
        span = f" {e.start or '...'}..{e.end or 'now'}" if e.kind == "person" else ""
        covers = "" if e.kind != "person" else (" covers the date" if e.covers(date)
                                                else " does not cover the date")
        typer.echo(f"entry: {e.kind} {e.code or (e.country or '') + (e.sector or '')}"
                   f"{' ' + e.role if e.role else ''}{span}{covers} ({e.layer})")
    if entries:
        chosen = resolve(list(entries), date, 0, len(tokens))
        why = ("a dated role that covers the date wins (head of state first, then the "
               "latest)" if chosen.kind == "person" and chosen.sector != "ELI" else
               "no role covers the date: a former or future office-holder is ELI"
               if chosen.kind == "person" else "the first entry wins (user files first, "
               "then blocwatch's, then the base layer's)")
        typer.echo(f"resolves to {chosen.code} on {date or 'any date'}: {why}")
    if agent is not None:
        typer.echo(f"agent term: sector {agent.sector} ({agent.kind}, {agent.layer}); joins "
                   "the nearest country before it ('North Korea's foreign ministry') or "
                   "after 'of'")


def _articles(inputs: list[str] | None, db: str | None, date: str | None) -> list[Any]:
    from blocwatch.records import Article, DocumentError
    from blocwatch.text.read import read_inputs

    if db:
        from sqlalchemy import select

        from blocwatch.store import schema
        from blocwatch.store.database import Store

        store = Store(db)
        try:
            with store.engine.connect() as conn:
                rows = conn.execute(select(schema.events.c.sentence, schema.events.c.date)
                                    .distinct())
                return [Article(id=f"db-{i}", text=r.sentence, date=r.date or date)
                        for i, r in enumerate(rows)]
        finally:
            store.close()
    if not inputs:
        raise typer.BadParameter("give INPUT files or --db URL")
    out = []
    for item in read_inputs(inputs, stdin=sys.stdin.buffer, default_date=date):
        if isinstance(item, DocumentError):
            typer.echo(f"blocwatch: {item.origin}: {item.message}", err=True)
        else:
            out.append(item)
    return out


def _tools() -> tuple[Any, Any, Any]:
    from blocwatch.knowledge import kb as kb_module
    from blocwatch.knowledge.lexicon import load_lexicon
    from blocwatch.settings import Settings
    from blocwatch.text.parse import load_model

    nlp = load_model(Settings.from_env().model, exclude=())
    kb = kb_module.build(lambda s: [t.text for t in nlp.tokenizer(s)])
    return nlp, kb, load_lexicon()


@kb_app.command("unknown-actors")
def unknown_actors_command(inputs: Inputs = None,
                           db: Annotated[str | None, typer.Option("--db")] = None,
                           date: Date = None, top: Top = 30) -> None:
    """Names standing where an actor would be that resolve to nothing, most frequent first."""
    from blocwatch.coding.kbtools import unknown_actors

    nlp, kb, lexicon = _tools()
    found = unknown_actors(nlp, kb, lexicon, _articles(inputs, db, date), date=date)
    for item in found[:top]:
        typer.echo(f"# {item.count} x {item.text} ({item.label}); e.g. {item.examples[0]}")
        typer.echo(item.suggestion())


@kb_app.command("unknown-verbs")
def unknown_verbs_command(inputs: Inputs = None,
                          db: Annotated[str | None, typer.Option("--db")] = None,
                          date: Date = None, top: Top = 30) -> None:
    """Verbs linking two known actors with no lexicon entry, most frequent first."""
    from blocwatch.coding.kbtools import unknown_verbs

    nlp, kb, lexicon = _tools()
    found = unknown_verbs(nlp, kb, lexicon, _articles(inputs, db, date), date=date)
    for item in found[:top]:
        typer.echo(f"# {item.count} x {item.lemma}; e.g. {item.examples[0]}")
        typer.echo(item.suggestion())
