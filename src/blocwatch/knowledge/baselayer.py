"""The base knowledge layer: actors, agents, discards and verb patterns at the scale of the
field, under blocwatch's own knowledge.

The files in ``blocwatch/knowledge/data/base/`` are converted once, by
``scripts/build_base_layer.py``, from the public Phoenix and CAMEO 2.0 dictionaries
(Open Event Data Alliance, MIT licence; ``data/base/NOTICE.md``).  They are read here into
frozen records: actor names become knowledge-base entries (``layer="base"``) and agents
become agent terms, both used only where blocwatch's own files say nothing of the same
name; the verb patterns are coded by :mod:`blocwatch.petrarch.verbs` on blocwatch's actors
after blocwatch's lexicon has had its say (:mod:`blocwatch.coding.patterns`).  The setting
``base_layer`` (``--no-base-layer``) turns the whole layer off.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from blocwatch.errors import KnowledgeBaseError
from blocwatch.knowledge.kb import ActorEntry, Agent
from blocwatch.petrarch.dictionaries import (
    Discard,
    Element,
    Pattern,
    PetrarchDictionaries,
    VerbBlock,
    VerbForm,
)

# Code prefixes that are not countries: organisations and groups keep their whole code.
NON_STATE = frozenset({"IGO", "NGO", "NGM", "IMG", "MNC", "UIS", "---"})
BASE_FILES = ("actors.tsv", "agents.tsv", "discards.tsv", "verbs.jsonl")


@dataclass(frozen=True)
class BaseLayer:
    """The base layer, read once; ``verbs`` holds only the verb side (blocks, synsets)."""

    actors: tuple[ActorEntry, ...]
    agents: tuple[Agent, ...]
    discards: tuple[Discard, ...]
    verbs: PetrarchDictionaries


Folder = Path | Traversable


def _text(folder: Folder, name: str) -> str:
    try:
        return folder.joinpath(name).read_text("utf-8")
    except OSError as err:
        raise KnowledgeBaseError(f"base/{name}", f"cannot read the base layer ({err}): "
                                 "reinstall blocwatch, or turn the layer off with "
                                 "BLOCWATCH_BASE_LAYER=0") from None


def _rows(folder: Folder, name: str) -> Iterator[tuple[str, list[str]]]:
    header = True
    for lineno, line in enumerate(_text(folder, name).splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        if header:
            header = False
            continue
        yield f"base/{name}:{lineno}", line.split("\t")


def _next_day(iso: str) -> str:
    return (dt.date.fromisoformat(iso) + dt.timedelta(days=1)).isoformat()


# CAMEO country codes that ISO 3166 (and blocwatch's countries.tsv) spell otherwise.
CAMEO_COUNTRIES = {"TMP": "TLS", "KSV": "XKX"}
# Phoenix codes that start with a sector, not a country: "MED" (Reuters), "ELI" (Kofi
# Annan), a religion ("BUDREB", "HINRAD"); and CAMEO's regions, which are no country
# ("MEAREB" Middle East, "CFRREB" central Africa, "INTREB" international).
_SECTOR_FIRST = frozenset({"MED", "ELI", "BUD", "HIN", "MOS", "CHR", "JEW", "MUS", "REL",
                           "BAH"})
REGIONS = frozenset({"AFR", "ASA", "BLK", "CRB", "CAU", "CFR", "CAS", "CEU", "EIN", "EAF",
                     "EEU", "EUR", "LAM", "MEA", "MDT", "NAF", "NMR", "PGS", "SAF", "SAM",
                     "SAS", "SEA", "WAF", "WST", "WEU", "INT", "KKL"})


def split_code(code: str) -> tuple[str | None, str | None]:
    """``NGAREB`` -> (NGA, REB); non-state codes (``IGOUNO``) -> (None, None); a code that
    starts with a sector ("MED") or a region ("MEAREB") has no country: (None, MED),
    (None, REB).  Historic states and territories keep their code ("SUN")."""
    prefix = CAMEO_COUNTRIES.get(code[:3], code[:3])
    if prefix in NON_STATE or not prefix.isalpha():
        return None, None
    if prefix in _SECTOR_FIRST:
        return None, code[-3:]
    if prefix in REGIONS:
        return None, code[-3:] if len(code) >= 6 else None
    return prefix, code[3:] or None


def _acronym(name: str) -> bool:
    return " " not in name and name.isalpha() and len(name) <= 4


def actor_entries(names: list[str], cell: str, where: str) -> list[ActorEntry]:
    """Knowledge-base entries of one base actor: a person for each dated code (with its
    dates; ``end`` exclusive), else one entry by the shape of the code (see
    :func:`split_code`); an actor of no country is an institution coded ``---SECTOR``."""
    out: list[ActorEntry] = []
    codes = [c.strip() for c in cell.split(";") if c.strip()]
    dated = any(" " in c for c in codes)
    for item in codes:
        code, _, dates = item.partition(" ")
        country, sector = split_code(code)
        start = end = None
        if dates:
            first, sep, last = dates.partition("..")
            if not sep:
                raise KnowledgeBaseError(where, f"bad dates {dates!r}: write FROM..TO")
            try:
                start, end = first or None, _next_day(last) if last else None
            except ValueError:
                raise KnowledgeBaseError(where, f"bad date in {dates!r}: rebuild the layer "
                                                "with scripts/build_base_layer.py") from None
        for name in names:
            case = _acronym(name)
            if dated and country is not None:
                out.append(ActorEntry(name, "person", country, sector, role="base",
                                      start=start, end=end, case_sensitive=case,
                                      layer="base"))
            elif country is None and code.startswith("MNC"):
                continue  # companies are no political actors here (their staff: BUS)
            elif country is None and sector is not None:
                if dated:
                    continue  # a region's or a former state's dated role: history
                out.append(ActorEntry(name, "institution", None, sector, case_sensitive=case,
                                      layer="base"))
            elif country is None:
                out.append(ActorEntry(name, "igo", None, code=code, case_sensitive=case,
                                      layer="base"))
            else:
                kind = "country" if sector is None else "institution"
                out.append(ActorEntry(name, kind, country, sector, case_sensitive=case,
                                      layer="base"))
    return out


def _actors(folder: Folder) -> list[ActorEntry]:
    out: list[ActorEntry] = []
    for where, cells in _rows(folder, "actors.tsv"):
        if len(cells) != 2:
            raise KnowledgeBaseError(where, "expected 'names<TAB>codes'")
        out += actor_entries([n for n in cells[0].split("|") if n], cells[1], where)
    return out


def _agents(folder: Folder) -> list[Agent]:
    out = []
    for where, cells in _rows(folder, "agents.tsv"):
        if len(cells) != 3:
            raise KnowledgeBaseError(where, "expected 'term<TAB>sector<TAB>place'")
        out.append(Agent(cells[0], cells[1], "body", layer="base"))
    return out


def _discards(folder: Folder) -> list[Discard]:
    """Discard phrases; bare years ("1914" ... "2014", Phoenix's guard against history)
    are left out: news of today names years all the time."""
    return [Discard(tuple(cells[0].upper().split()), cells[1] == "story", where)
            for where, cells in _rows(folder, "discards.tsv")
            if any(ch.isalpha() for ch in cells[0])]


def _element(raw: list[object]) -> Element:
    kind, value, joined = raw
    return Element(str(kind), str(value), bool(joined))


def _block(rec: dict, where: str) -> VerbBlock:  # type: ignore[type-arg]
    forms = tuple(VerbForm(tuple(f["words"]), int(f["verb"]), f["code"], where)
                  for f in rec["forms"])
    patterns = tuple(Pattern(tuple(_element(e) for e in p["upper"]),
                             tuple(_element(e) for e in p["lower"]), p["code"], p["text"],
                             where, bool(p["upper_joined"]), bool(p["lower_joined"]))
                     for p in rec["patterns"])
    return VerbBlock(rec["block"], rec["code"], forms, patterns, where)


def _verbs(folder: Folder, discards: tuple[Discard, ...]) -> PetrarchDictionaries:
    blocks: list[VerbBlock] = []
    synsets: dict[str, tuple[tuple[Element, ...], ...]] = {}
    for lineno, line in enumerate(_text(folder, "verbs.jsonl").splitlines(), 1):
        where = f"base/verbs.jsonl:{lineno}"
        try:
            rec = json.loads(line)
            if "synset" in rec:
                synsets[rec["synset"]] = tuple(tuple(_element(e) for e in m)
                                               for m in rec["members"])
            else:
                blocks.append(_block(rec, where))
        except (ValueError, KeyError, TypeError) as err:
            raise KnowledgeBaseError(where, f"not a base verb record ({err!r}): rebuild it "
                                            "with scripts/build_base_layer.py") from None
    return PetrarchDictionaries(actors=(), agents=(), blocks=tuple(blocks), synsets=synsets,
                                discards=discards, files=("base/verbs.jsonl",))


@functools.lru_cache(maxsize=2)
def load_base_layer(folder: Path | None = None) -> BaseLayer:
    """The base layer shipped with blocwatch, or the one in ``folder`` (the files
    scripts/build_base_layer.py writes); read once per process (it is immutable)."""
    where: Folder = folder if folder is not None else \
        resources.files("blocwatch.knowledge.data").joinpath("base")
    discards = tuple(_discards(where))
    return BaseLayer(tuple(_actors(where)), tuple(_agents(where)), discards,
                     _verbs(where, discards))


_SECTOR = re.compile(r"(?:[A-Z]{3})+")


def check_base_layer(layer: BaseLayer, codes: Collection[str]) -> list[str]:
    """Problems of a base layer (``blocwatch kb check`` with no file): actor codes that are
    neither a country nor a non-state prefix with sectors, agent sectors that are not
    three-letter codes, verb codes not in the CAMEO table ``codes``; each with its place."""
    problems = []
    for entry in layer.actors:
        code = entry.code or f"{entry.country or ''}{entry.sector or ''}"
        if len(code) < 3 or (code[:3] not in NON_STATE and not code[:3].isalpha()):
            problems.append(f"base/actors.tsv: {entry.name!r} has a bad code {code!r}")
        elif entry.sector and not _SECTOR.fullmatch(entry.sector):
            problems.append(f"base/actors.tsv: {entry.name!r} has a bad sector "
                            f"{entry.sector!r}")
    problems += [f"base/agents.tsv: {a.term!r} has a bad sector {a.sector!r}"
                 for a in layer.agents if not _SECTOR.fullmatch(a.sector)]
    for block in layer.verbs.blocks:
        used = [block.code, *(f.code for f in block.forms if f.code),
                *(p.code for p in block.patterns)]
        problems += [f"{block.origin}: {block.name} uses the unknown CAMEO code {c!r}"
                     for c in used if any(part not in codes and part != "---"
                                          for part in c.split(":") if part)]
    return problems
