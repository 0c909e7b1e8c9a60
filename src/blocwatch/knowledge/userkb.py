"""User knowledge layered over the built-in knowledge base: YAML files of actors and verb
entries, their validation (``blocwatch kb check``) and how a name resolves
(``blocwatch kb show``).  The format is documented in ``docs/knowledge-base.md``::

    actors:
      - name: Ahmed al-Sharaa
        aliases: [al-Sharaa, Abu Mohammed al-Jolani]
        country: SYR
        sector: GOV
        role: head_of_state        # optional
        start: 2025-01-29          # optional ISO dates; a missing end means "still"
        wikidata: Q2395868         # optional
      - name: Shanghai Cooperation Organisation
        aliases: [SCO]
        org: SCO                   # an organisation: org + code instead of country
        code: IGOASASCO
    verbs:                         # same entries as src/blocwatch/knowledge/data/verbs.yaml
      - {id: user.shell, verb: shell, target: [dobj], code: "194"}

User entries come first: where a name is also in the built-in base, the user's wins.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml

from blocwatch.errors import KnowledgeBaseError
from blocwatch.knowledge.kb import ActorEntry
from blocwatch.knowledge.lexicon import VerbEntry, load_codes, parse_entry

ACTOR_KEYS = {"name", "aliases", "country", "sector", "role", "start", "end", "wikidata",
              "org", "code", "ambiguous", "note"}
SECTORS = {"GOV", "MIL", "REB", "OPP", "INS", "COP", "JUD", "LEG", "SPY", "BUS", "MED", "CVL",
           "EDU", "HLH", "LAB", "REF", "CRM", "ELI", "NGO", "PTY", "SEP", "UAF", "AGR", "ENV",
           "IGO", "REL"}
_ISO3 = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Problem:
    origin: str  # file:line
    message: str

    def __str__(self) -> str:
        return f"{self.origin}: {self.message}"


@dataclass(frozen=True)
class UserKnowledge:
    actors: tuple[ActorEntry, ...]
    verbs: tuple[VerbEntry, ...]
    ambiguous: frozenset[str]
    origins: dict[str, str]  # actor name (lower) -> file:line


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that records each mapping's line as ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[str, Any]:
    mapping = cast(dict[str, Any], loader.construct_mapping(node, deep=True))
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _load_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LineLoader)  # noqa: S506
    except (OSError, UnicodeDecodeError) as err:
        raise KnowledgeBaseError(str(path), f"cannot read ({err})") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark else str(path)
        raise KnowledgeBaseError(where, f"not valid YAML ({getattr(err, 'problem', err)})"
                                 ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise KnowledgeBaseError(f"{path}:1", "the file must be a mapping with 'actors' "
                                              "and/or 'verbs' lists")
    return data


def _date(value: Any, where: str, problems: list[Problem], field: str) -> str | None:
    if value is None:
        return None
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        problems.append(Problem(where, f"{field} {text!r} is not a date (YYYY-MM-DD)"))
        return None


def _actor(raw: Any, where: str, problems: list[Problem]) -> ActorEntry | None:
    if not isinstance(raw, dict) or not raw.get("name"):
        problems.append(Problem(where, "each actor needs a 'name'"))
        return None
    unknown = set(raw) - ACTOR_KEYS - {"__line__"}
    if unknown:
        problems.append(Problem(where, f"unknown field(s) {sorted(unknown)}: allowed are "
                                       f"{', '.join(sorted(ACTOR_KEYS))}"))
    country, sector = raw.get("country"), raw.get("sector")
    org, code = raw.get("org"), raw.get("code")
    if org or code:
        if not (org and code):
            problems.append(Problem(where, "an organisation needs both 'org' and 'code'"))
    elif not (isinstance(country, str) and _ISO3.match(country)):
        problems.append(Problem(where, f"country {country!r} is not an ISO 3166 alpha-3 code"))
    if sector is not None and sector not in SECTORS:
        problems.append(Problem(where, f"unknown sector {sector!r}"))
    start = _date(raw.get("start"), where, problems, "start")
    end = _date(raw.get("end"), where, problems, "end")
    if start and end and end < start:
        problems.append(Problem(where, f"inverted date range: end {end} is before start "
                                       f"{start}"))
    kind = "igo" if org else ("person" if raw.get("role") or start or end else "institution")
    return ActorEntry(str(raw["name"]), kind, country if not org else None, sector,
                      org=org, code=code, role=raw.get("role"), start=start, end=end)


def read_files(paths: Sequence[Path]) -> tuple[UserKnowledge, list[Problem]]:
    """Read and check user knowledge files; problems are collected, not raised."""
    codes = load_codes()
    actors: list[ActorEntry] = []
    verbs: list[VerbEntry] = []
    problems: list[Problem] = []
    ambiguous: set[str] = set()
    origins: dict[str, str] = {}
    for path in paths:
        data = _load_yaml(path)
        for key in set(data) - {"actors", "verbs", "__line__"}:
            problems.append(Problem(f"{path}:1", f"unknown section {key!r}: use 'actors' "
                                                 "and 'verbs'"))
        for raw in data.get("actors") or []:
            where = f"{path}:{raw.get('__line__', '?') if isinstance(raw, dict) else '?'}"
            entry = _actor(raw, where, problems)
            if entry is None:
                continue
            names = [entry.name, *[str(a) for a in (raw.get("aliases") or [])]]
            for name in names:
                actors.append(ActorEntry(name, entry.kind, entry.country, entry.sector,
                                         entry.org, entry.code, entry.role, entry.start,
                                         entry.end))
                origins.setdefault(name.lower(), where)
                if raw.get("ambiguous"):
                    ambiguous.add(name.lower())
        for raw in data.get("verbs") or []:
            where = f"{path}:{raw.get('__line__', '?') if isinstance(raw, dict) else '?'}"
            try:
                clean = {k: v for k, v in raw.items() if k != "__line__"} \
                    if isinstance(raw, dict) else raw
                verbs.append(parse_entry(clean, where, codes))
            except KnowledgeBaseError as err:
                problems.append(Problem(err.origin, str(err).split(": ", 1)[-1]))
    problems += _clashes(actors, ambiguous, origins)
    return UserKnowledge(tuple(actors), tuple(verbs), frozenset(ambiguous), origins), problems


def _clashes(actors: Sequence[ActorEntry], ambiguous: set[str],
             origins: dict[str, str]) -> list[Problem]:
    """Same name for two different actors on overlapping dates; overlapping ranges of
    one role."""
    by_name: dict[str, list[ActorEntry]] = defaultdict(list)
    for entry in actors:
        by_name[entry.name.lower()].append(entry)
    problems = []
    for name, entries in by_name.items():
        for i, a in enumerate(entries):
            for b in entries[i + 1:]:
                overlap = (a.start or "") < (b.end or "9999") and \
                          (b.start or "") < (a.end or "9999")
                if not overlap:
                    continue
                if (a.country, a.org) != (b.country, b.org) and name not in ambiguous:
                    problems.append(Problem(origins.get(name, "?"), (
                        f"alias {name!r} names two actors ({a.country or a.org} and "
                        f"{b.country or b.org}) on the same dates: drop one or mark it "
                        "'ambiguous: true'")))
                elif a.role and a.role == b.role and (a.start, a.end) != (b.start, b.end):
                    problems.append(Problem(origins.get(name, "?"), (
                        f"overlapping date ranges for {name!r} as {a.role}: "
                        f"{a.start}..{a.end} and {b.start}..{b.end}")))
    return problems


def load_user_knowledge(paths: Sequence[Path]) -> UserKnowledge:
    """Read files and refuse them (one error naming file:line) if anything is wrong."""
    knowledge, problems = read_files(paths)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more: run 'blocwatch kb check')" \
            if len(problems) > 1 else ""
        raise KnowledgeBaseError(first.origin, first.message + more)
    return knowledge
