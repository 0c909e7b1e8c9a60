"""The actor knowledge base: countries, organisations, institutions, dated leaders and
sector agents, loaded once from the package's data files into frozen records.

Data files (``blocwatch/data``, tab-separated, ``#`` comments, ``|`` between aliases):

- ``countries.tsv``: iso3, name, aliases, capitals, demonyms
- ``igos.tsv``: code, org, names
- ``institutions.tsv``: name, country, sector (White House, Kremlin, Pentagon, armed groups)
- ``leaders.tsv``: name, aliases, country, sector, role, start, end (dated roles)
- ``agents.tsv``: term, sector, kind (``role`` for an office, ``body`` for a group)

Names are looked up as token sequences produced by the same tokenizer as the text, so
"North Korea's" and "U.S." split the same way on both sides.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources

from blocwatch.errors import KnowledgeBaseError

Tokenize = Callable[[str], Sequence[str]]


@dataclass(frozen=True)
class ActorEntry:
    """One way a name can resolve.  ``kind``: country, capital, demonym, igo, institution,
    person.  Persons carry the date range of their role (ISO dates, ``end`` None = open)."""

    name: str
    kind: str
    country: str | None
    sector: str | None = None
    org: str | None = None
    code: str | None = None  # full code for IGOs; otherwise built from country + sector
    role: str | None = None
    start: str | None = None
    end: str | None = None
    case_sensitive: bool = False
    layer: str = "blocwatch"  # "base": from the base layer (blocwatch.knowledge.baselayer)

    def covers(self, date: str | None) -> bool:
        if date is None or self.start is None:
            return True
        return self.start <= date and (self.end is None or date < self.end)


@dataclass(frozen=True)
class Agent:
    term: str
    sector: str
    kind: str  # "role" (an office held by a person) or "body" (a group or institution)
    layer: str = "blocwatch"


@dataclass(frozen=True)
class KnowledgeBase:
    """Immutable lookup tables.  ``names`` maps a lower-cased token tuple to its entries."""

    names: dict[tuple[str, ...], tuple[ActorEntry, ...]]
    agents: dict[tuple[str, ...], Agent]
    max_name_tokens: int
    max_agent_tokens: int
    countries: frozenset[str]
    # first token of a name (lower case) -> the longest name starting with it, so a scan
    # only tries the lengths that can match
    name_starts: dict[str, int] = field(default_factory=dict)
    agent_starts: dict[str, int] = field(default_factory=dict)

    def lookup(self, tokens: Sequence[str]) -> tuple[ActorEntry, ...]:
        return self.names.get(tuple(t.lower() for t in tokens), ())

    def agent(self, tokens: Sequence[str]) -> Agent | None:
        return self.agents.get(tuple(t.lower() for t in tokens))


def _rows(name: str, text: str | None = None) -> Iterator[tuple[int, dict[str, str]]]:
    if text is None:
        try:
            text = resources.files("blocwatch.knowledge.data").joinpath(name).read_text("utf-8")
        except OSError as err:
            raise KnowledgeBaseError(name, f"cannot read the built-in data file ({err}): "
                                           "reinstall blocwatch") from None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1)
             if line.strip() and not line.startswith("#")]
    if not lines:
        raise KnowledgeBaseError(name, "file is empty")
    header = lines[0][1].split("\t")
    for lineno, line in lines[1:]:
        cells = next(csv.reader(io.StringIO(line), delimiter="\t", quoting=csv.QUOTE_NONE))
        if len(cells) < len(header):
            cells += [""] * (len(header) - len(cells))
        if len(cells) > len(header):
            raise KnowledgeBaseError(f"{name}:{lineno}",
                                     f"{len(cells)} columns, expected {len(header)}")
        yield lineno, {h: c.strip() for h, c in zip(header, cells, strict=True)}


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split("|") if part.strip()]


def _is_acronym(name: str) -> bool:
    letters = [ch for ch in name if ch.isalpha()]
    return len(letters) <= 5 and all(ch.isupper() for ch in letters)


def load_entries() -> list[ActorEntry]:
    """All name entries of the built-in knowledge base."""
    entries: list[ActorEntry] = []
    for _, row in _rows("countries.tsv"):
        iso = row["iso3"]
        for alias in [row["name"], *_split(row["aliases"])]:
            entries.append(ActorEntry(alias, "country", iso, case_sensitive=_is_acronym(alias)))
        entries += [ActorEntry(c, "capital", iso) for c in _split(row["capitals"])]
        entries += [ActorEntry(d, "demonym", iso) for d in _split(row["demonyms"])]
    for _, row in _rows("igos.tsv"):
        for alias in _split(row["names"]):
            entries.append(ActorEntry(alias, "igo", None, sector=None, org=row["org"],
                                      code=row["code"], case_sensitive=_is_acronym(alias)))
    for _, row in _rows("institutions.tsv"):
        if row.get("code"):  # a group or envoy with a code of its own ("KUR", "IGOUNO")
            entries.append(ActorEntry(row["name"], "igo", row["country"] or None, None,
                                      org=row.get("org") or None, code=row["code"],
                                      case_sensitive=_is_acronym(row["name"])))
            continue
        entries.append(ActorEntry(row["name"], "institution", row["country"], row["sector"],
                                  case_sensitive=_is_acronym(row["name"])))
    for lineno, row in _rows("leaders.tsv"):
        start, end = row["start"] or None, row["end"] or None
        if start and end and end < start:
            raise KnowledgeBaseError(f"leaders.tsv:{lineno}", "end date before start date")
        sector = row["sector"] or "GOV"
        if row["role"] == "defence_minister" and sector == "GOV":
            sector = "MIL"  # CAMEO codes defence ministers and ministries as military
        for alias in [row["name"], *_split(row["aliases"])]:
            entries.append(ActorEntry(alias, "person", row["country"], sector,
                                      role=row["role"], start=start, end=end,
                                      case_sensitive=_is_acronym(alias)))
    return entries


def load_agents() -> list[Agent]:
    return [Agent(row["term"].lower(), row["sector"], row["kind"])
            for _, row in _rows("agents.tsv")]


def _add_base(names: dict[tuple[str, ...], list[ActorEntry]],
              agent_index: dict[tuple[str, ...], Agent], entries: Sequence[ActorEntry],
              agents: Sequence[Agent]) -> None:
    """Base-layer entries under the names and agent terms blocwatch's own files leave
    free ("Secretary of State" is our office, not the base layer's fixed USAGOV)."""
    our_agents = set(agent_index)
    for agent in agents:
        key = tuple(agent.term.split(" "))
        if key not in agent_index:
            agent_index[key] = agent
    ours = set(names)
    known = ours | set(agent_index)
    for entry in entries:
        key = tuple(entry.name.lower().split(" "))
        if key not in ours and key not in our_agents \
                and not (key[0] == "the" and key[1:] in ours) \
                and not _composed(key, known, agent_index):
            names.setdefault(key, []).append(entry)


def _composed(key: tuple[str, ...], known: set[tuple[str, ...]],
              agents: dict[tuple[str, ...], Agent]) -> bool:
    """Whether the actor stage composes this name itself from blocwatch's own names and
    agent terms (``known``): "US President", "German Chancellor", "President Xi
    Jinping"."""
    return any(key[:k] in known and key[k:] in known and (key[:k] in agents or key[k:] in agents)
               for k in range(1, len(key)))


def build(tokenize: Tokenize, entries: Sequence[ActorEntry] | None = None,
          agents: Sequence[Agent] | None = None, *,
          base: tuple[Sequence[ActorEntry], Sequence[Agent]] | None = None) -> KnowledgeBase:
    """Index entries by the token sequence of each name.  ``base``: the base layer's
    entries and agents (names already tokenized, tokens separated by spaces), indexed
    only under names and terms that ``entries`` and ``agents`` do not have."""
    entries = load_entries() if entries is None else entries
    agents = load_agents() if agents is None else agents
    names: dict[tuple[str, ...], list[ActorEntry]] = {}
    for entry in entries:
        key = tuple(t.lower() for t in tokenize(entry.name))
        if key:
            names.setdefault(key, []).append(entry)
    agent_index: dict[tuple[str, ...], Agent] = {}
    for agent in agents:
        agent_index[tuple(t.lower() for t in tokenize(agent.term))] = agent
    if base is not None:
        _add_base(names, agent_index, *base)
    name_starts: dict[str, int] = {}
    for key in names:
        name_starts[key[0]] = max(name_starts.get(key[0], 0), len(key))
    agent_starts: dict[str, int] = {}
    for key in agent_index:
        agent_starts[key[0]] = max(agent_starts.get(key[0], 0), len(key))
    return KnowledgeBase(
        name_starts=name_starts, agent_starts=agent_starts,
        names={k: tuple(v) for k, v in names.items()},
        agents=agent_index,
        max_name_tokens=max((len(k) for k in names), default=1),
        max_agent_tokens=max((len(k) for k in agent_index), default=1),
        countries=frozenset(e.country for e in entries if e.kind == "country" and e.country),
    )
