"""Build blocwatch's base knowledge layer from the public PETRARCH/Phoenix dictionaries.

    .venv/bin/python scripts/build_base_layer.py [--source DIR]

Reads the Phoenix actor, agent and discard dictionaries and the CAMEO 2.0 verb dictionary
(Open Event Data Alliance, MIT licence; default ``$BLOCWATCH_SHARED/petrarch/phoenix``)
with blocwatch's own reader (:mod:`blocwatch.petrarch.dictionaries`) and writes them, converted into
blocwatch's data format, to ``src/blocwatch/knowledge/data/base/``:

- ``actors.tsv``: ``names`` (``|`` between names; each name's tokens as the coder's
  tokenizer splits them, separated by single spaces, upper case as in the source) and
  ``codes`` (``CODE`` or ``CODE FROM..TO`` with ISO dates, either end open; ``;`` between
  dated codes).  Entries that name several actors at once (``A/B``) are left out.
- ``agents.tsv``: ``term`` (tokens, lower case), ``sector`` and ``place`` (``after``: the
  sector follows the actor's code, ``before``: it comes first).
- ``discards.tsv``: ``phrase`` and ``scope`` (``story`` or ``sentence``).
- ``verbs.jsonl``: one JSON record per synset (``synset``, ``members``) and per verb block
  (``block``, ``code``, ``forms``, ``patterns``); pattern elements are ``[kind, value,
  joined]`` as in :class:`blocwatch.petrarch.dictionaries.Element`.

Run it again only when the source dictionaries change; the files are committed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
from collections.abc import Iterable
from pathlib import Path

from blocwatch.knowledge.lexicon import load_codes
from blocwatch.petrarch.dictionaries import (
    ActorEntry,
    DatedCode,
    Element,
    Pattern,
    PetrarchDictionaries,
    VerbBlock,
    load_dictionaries,
)
from blocwatch.settings import Settings
from blocwatch.text.parse import load_model

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "blocwatch" / "data" / "base"
CODES = frozenset(load_codes())
HEADER = ("# blocwatch base layer: {what}, converted by scripts/build_base_layer.py from the "
          "Phoenix/CAMEO 2.0 dictionaries\n# (Open Event Data Alliance, MIT licence: see "
          "NOTICE.md here). Do not edit: blocwatch's own data files win over these.\n")


def _date(number: int | None) -> str:
    """YYYYMMDD as an ISO date.  The reader computes "after D" as D + 1 and "before D" as
    D - 1 on the number, so a day may run past its month (20091232) or be 0 (19910900):
    counted from the month's first day, they roll over as dates do."""
    if number is None:
        return ""
    year, month, day = number // 10000, number // 100 % 100, number % 100
    return (dt.date(year, month, 1) + dt.timedelta(days=day - 1)).isoformat()


def _code_cell(codes: Iterable[DatedCode]) -> str:
    cells = []
    for c in codes:
        if "/" in c.code:
            return ""
        cells.append(c.code if not c.dated else f"{c.code} {_date(c.start)}..{_date(c.end)}")
    return "; ".join(cells)


def _actor_rows(actors: Iterable[ActorEntry], tokens) -> list[str]:  # type: ignore[no-untyped-def]
    rows = []
    for actor in actors:
        codes = _code_cell(actor.codes)
        if not codes:
            continue
        names = dict.fromkeys(tokens(" ".join(p)) for p in actor.phrases)
        names.pop("", None)
        if names:
            rows.append(f"{'|'.join(names)}\t{codes}")
    return rows


def _cameo(code: str | None) -> str | None:
    """A verb code with each part (``042:043``) in CAMEO's table: a code the table does not
    hold ("1213", "176", "080!") becomes its nearest parent ("121", "170", "080")."""
    if code is None:
        return None
    parts = []
    for part in code.split(":"):
        clean = part.rstrip("!")
        if clean and clean != "---" and clean not in CODES:
            clean = next((c for c in (clean[:3], clean[:2] + "0") if c in CODES), clean)
        parts.append(clean)
    return ":".join(parts)


def _element(e: Element) -> list[object]:
    return [e.kind, e.value, e.joined]


def _pattern(p: Pattern) -> dict[str, object]:
    return {"upper": [_element(e) for e in p.upper], "lower": [_element(e) for e in p.lower],
            "code": _cameo(p.code), "text": p.text, "upper_joined": p.upper_joined,
            "lower_joined": p.lower_joined}


def _block(b: VerbBlock) -> dict[str, object]:
    return {"block": b.name, "code": _cameo(b.code),
            "forms": [{"words": list(f.words), "verb": f.verb_index, "code": _cameo(f.code)}
                      for f in b.forms],
            "patterns": [_pattern(p) for p in b.patterns]}


def write(dicts: PetrarchDictionaries, tokenize, out: Path) -> dict[str, int]:  # type: ignore[no-untyped-def]
    def tokens(text: str) -> str:
        return " ".join(t.text.upper() for t in tokenize(text.title()) if t.text.strip())

    out.mkdir(parents=True, exist_ok=True)
    actor_rows = _actor_rows(dicts.actors, tokens)
    (out / "actors.tsv").write_text(HEADER.format(what="actors") + "names\tcodes\n"
                                    + "\n".join(actor_rows) + "\n", encoding="utf-8")
    agents = {}
    for a in dicts.agents:
        term = tokens(" ".join(a.phrase)).lower()
        if term and term not in agents:
            agents[term] = f"{term}\t{a.code}\t{'before' if a.prefix else 'after'}"
    (out / "agents.tsv").write_text(HEADER.format(what="agents") + "term\tsector\tplace\n"
                                    + "\n".join(agents.values()) + "\n", encoding="utf-8")
    discards = dict.fromkeys(f"{' '.join(d.phrase).lower()}\t{'story' if d.story else 'sentence'}"
                             for d in dicts.discards)
    (out / "discards.tsv").write_text(HEADER.format(what="discards") + "phrase\tscope\n"
                                      + "\n".join(discards) + "\n", encoding="utf-8")
    with (out / "verbs.jsonl").open("w", encoding="utf-8") as handle:
        for name, members in sorted(dicts.synsets.items()):
            handle.write(json.dumps({"synset": name, "members": [
                [_element(e) for e in m] for m in members]}) + "\n")
        for block in dicts.blocks:
            handle.write(json.dumps(_block(block)) + "\n")
    return {"actors": len(actor_rows), "agents": len(agents), "discards": len(discards),
            "synsets": len(dicts.synsets), "blocks": len(dicts.blocks),
            "patterns": sum(len(b.patterns) for b in dicts.blocks)}


def main() -> None:
    shared = Path(os.environ.get("BLOCWATCH_SHARED", ROOT.parent / "shared"))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=shared / "petrarch" / "phoenix")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    dicts = load_dictionaries(args.source)
    tokenizer = load_model(Settings().model).tokenizer
    counts = write(dicts, tokenizer, args.out)
    print(", ".join(f"{n} {k}" for k, n in counts.items()), f"written to {args.out}")


if __name__ == "__main__":
    main()
