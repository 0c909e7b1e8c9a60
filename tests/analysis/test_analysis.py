"""Analysis on synthetic event streams whose answer is known, and on the seed article."""

from __future__ import annotations

import datetime as dt
import math
import random
from pathlib import Path

import networkx as nx
import pytest

from blocwatch.analysis.relations import (
    WeightedEvent,
    alignment,
    bloc_changes,
    dyad_series,
    escalation_alerts,
    find_blocs,
    period_of,
    poisson_tail,
    relations_graph,
)
from blocwatch.knowledge.lexicon import load_codes
from blocwatch.records import ActorRef, Event, Plover, VerbRef

CODES = load_codes()
ORGS = {"NATO", "EU", "UN", "ASEAN"}


def _ref(key: str) -> ActorRef:
    if key in ORGS:
        return ActorRef(f"IGO{key}", None, None, key, key, 0, 1)
    return ActorRef(key, key[:3], key[3:] or None, None, key, 0, 1)


def make(i: int, src: str, tgt: str, code: str, date: str, modality: str = "asserted",
         reports: int = 1) -> WeightedEvent:
    info = CODES[code]
    ev = Event("doc", 0, "s", date, _ref(src), _ref(tgt), code, info.root, info.quad,
               info.goldstein, Plover(None, None), modality, None, VerbRef("v", "v", 0, 1), "t")
    return WeightedEvent(i, ev, reports)


def stream(spec: list[tuple[str, str, str, str]]) -> list[WeightedEvent]:
    return [make(i, *row) for i, row in enumerate(spec)]


@pytest.mark.parametrize(("date", "period", "label"), [
    ("2022-06-27", "day", "2022-06-27"), ("2022-06-27", "week", "2022-W26"),
    ("2022-06-27", "month", "2022-06"), ("2022-06-27", "quarter", "2022-Q2"),
    ("2021-01-01", "week", "2020-W53"),
])
def test_periods(date: str, period: str, label: str) -> None:
    assert period_of(date, period) == label


def test_dyad_series_counts_and_weights() -> None:
    events = stream([("USA", "PRK", "112", "2022-06-01"), ("PRK", "USA", "190", "2022-06-20"),
                     ("USA", "PRK", "036", "2022-07-02"), ("USA", "KOR", "062", "2022-06-03")])
    events.append(make(9, "USA", "PRK", "040", "2022-07-05", modality="intended"))
    series = dyad_series(events, "USA", "PRK", period="month")
    assert [(p.period, p.events, p.quad) for p in series] == [
        ("2022-06", 2, (0, 0, 1, 1)), ("2022-07", 1, (1, 0, 0, 0))]
    assert series[0].goldstein_sum == -12.0 and series[0].cooperation_share == 0.0
    assert series[0].event_ids == (0, 1)
    directed = dyad_series(events, "USA", "PRK", period="month", directed=True)
    assert [p.events for p in directed] == [1, 1]
    with_intended = dyad_series(events, "USA", "PRK", modalities=("asserted", "intended"))
    assert with_intended[-1].events == 2
    weighted = dyad_series([make(0, "USA", "PRK", "112", "2022-06-01", reports=5)],
                           "USA", "PRK", weighted=True)
    assert weighted[0].events == 5 and weighted[0].goldstein_sum == -10.0


def _planted_blocs(seed: int) -> tuple[list[WeightedEvent], set[str], set[str]]:
    west, east = {"USA", "GBR", "FRA", "DEU", "JPN"}, {"RUS", "CHN", "IRN", "PRK"}
    rng = random.Random(seed)
    rows = []
    actors = sorted(west | east)
    for day in range(60):
        date = (dt.date(2023, 1, 1) + dt.timedelta(days=day)).isoformat()
        for _ in range(6):
            a, b = rng.sample(actors, 2)
            same = (a in west) == (b in west)
            noisy = rng.random() < 0.1  # one event in ten goes against the planted pattern
            coop = same != noisy
            rows.append((a, b, rng.choice(["040", "057", "062"] if coop else
                                          ["111", "163", "190"]), date))
    return stream(rows), west, east


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_planted_blocs_are_recovered(seed: int) -> None:
    events, west, east = _planted_blocs(seed)
    partition = find_blocs(relations_graph(events, half_life_days=None))
    assert {frozenset(b.members) for b in partition.blocs} == {frozenset(west), frozenset(east)}
    for bloc in partition.blocs:
        assert bloc.cohesion is not None and bloc.cohesion > 0.5
    usa_bloc = partition.bloc_of("USA")
    assert partition.alignment["GBR"][usa_bloc] > 0 > partition.alignment["RUS"][usa_bloc]


def test_alignment_is_symmetric_and_bounded() -> None:
    events, west, east = _planted_blocs(4)
    graph = relations_graph(events)
    for a in sorted(west | east):
        for b in sorted(west | east):
            value = alignment(graph, a, b)
            assert -1.0 <= value <= 1.0
            assert value == alignment(graph, b, a)
    assert alignment(graph, "USA", "GBR") > 0.5 and alignment(graph, "USA", "RUS") < -0.5
    assert alignment(graph, "USA", "XXX") == 0.0


def _dense_alignment(graph, a: str, b: str) -> float:  # the definition, over every actor
    others = sorted(set(graph.nodes) - {a, b})

    def vector(x: str) -> list[float]:
        return [graph[x][o]["weight"] if graph.has_edge(x, o) else 0.0 for o in others]

    va, vb = (vector(a) if a in graph else []), (vector(b) if b in graph else [])
    if not va or not vb:
        return 0.0
    dot = sum(x * y for x, y in zip(va, vb, strict=True))
    norm = math.sqrt(sum(x * x for x in va)) * math.sqrt(sum(y * y for y in vb))
    return round(max(-1.0, min(1.0, dot / norm)), 4) if norm else 0.0


@pytest.mark.parametrize("seed", range(30))
def test_alignment_over_neighbours_equals_the_dense_definition(seed: int) -> None:
    """alignment sums over the two actors' neighbours only: exactly the cosine over every
    actor (random signed graphs, self-loops and isolated actors included)."""
    rng = random.Random(seed)
    graph = nx.Graph()
    names = [f"A{i}" for i in range(rng.randint(1, 25))]
    graph.add_nodes_from(names)
    for _ in range(rng.randint(0, 80)):
        u, v = rng.choice(names), rng.choice(names)
        graph.add_edge(u, v, weight=rng.choice([0.0, rng.uniform(-9, 9), rng.randint(-3, 3)]))
    for a in names[:6] + ["ZZZ"]:
        for b in names[:6]:
            assert alignment(graph, a, b) == _dense_alignment(graph, a, b), (a, b)


def test_bloc_changes_between_windows() -> None:
    first = stream([("USA", "GBR", "057", "2023-01-01"), ("RUS", "IRN", "057", "2023-01-01"),
                    ("USA", "RUS", "190", "2023-01-02"), ("GBR", "IRN", "111", "2023-01-02"),
                    ("TUR", "RUS", "057", "2023-01-03"), ("TUR", "USA", "111", "2023-01-03")])
    second = stream([("USA", "GBR", "057", "2023-06-01"), ("RUS", "IRN", "057", "2023-06-01"),
                     ("USA", "RUS", "190", "2023-06-02"), ("GBR", "IRN", "111", "2023-06-02"),
                     ("TUR", "USA", "057", "2023-06-03"), ("TUR", "RUS", "111", "2023-06-03")])
    before = find_blocs(relations_graph(first))
    after = find_blocs(relations_graph(second))
    kinds = {(c.actor, c.kind) for c in bloc_changes(before, after)}
    assert ("TUR", "joined") in kinds and ("TUR", "left") in kinds


def test_planted_escalation_is_detected_at_the_right_week() -> None:
    rng = random.Random(7)
    rows = []
    for day in range(140):
        date = (dt.date(2023, 1, 2) + dt.timedelta(days=day)).isoformat()
        if rng.random() < 0.15:
            rows.append(("IND", "PAK", "111", date))
        if 98 <= day < 105:  # week 15 of 2023: a burst of clashes
            rows += [("IND", "PAK", "190", date), ("PAK", "IND", "194", date)]
    alerts = escalation_alerts(stream(rows), period="week")
    assert [a.period for a in alerts] == ["2023-W15"]
    assert alerts[0].dyad == ("IND", "PAK") and len(alerts[0].event_ids) == alerts[0].count


@pytest.mark.parametrize("seed", range(5))
def test_no_alert_on_a_stationary_stream(seed: int) -> None:
    rng = random.Random(seed)
    rows = []
    for day in range(365):
        date = (dt.date(2023, 1, 1) + dt.timedelta(days=day)).isoformat()
        for _ in range(rng.choice([0, 0, 1])):
            rows.append(("ISR", "LBN", rng.choice(["111", "190"]), date))
    assert escalation_alerts(stream(rows), period="week") == []


@pytest.mark.parametrize(("x", "rate", "expected"), [
    (0, 1.0, 1.0), (1, 1.0, 1 - 0.36787944117), (3, 0.5, 0.01438767), (5, 2.0, 0.05265302)])
def test_poisson_tail(x: int, rate: float, expected: float) -> None:
    assert poisson_tail(x, rate) == pytest.approx(expected, rel=1e-6)


def test_seed_article_blocs(coder, shared: Path) -> None:
    from blocwatch.text.read import read_path

    (article,) = read_path(shared / "seed" / "asian-style-nato.txt", default_date="2022-06-27")
    coded = coder.code_article(article)
    events = [WeightedEvent(i, e) for i, e in enumerate(coded.events)]
    graph = relations_graph(events)
    partition = find_blocs(graph)
    usa = partition.bloc_of("USA")
    assert usa is not None
    assert partition.bloc_of("KOR") == usa and partition.bloc_of("JPN") == usa
    assert partition.bloc_of("PRK") != usa
    assert partition.alignment["NATO"][usa] is not None and partition.alignment["NATO"][usa] > 0
    assert graph["USA"]["PRK"]["weight"] < 0
    usa_prk = dyad_series(events, "USA", "PRK", period="month")
    assert usa_prk and sum(p.goldstein_sum for p in usa_prk) < 0


@pytest.mark.parametrize(("ref", "key"), [
    (ActorRef("KORGOV", "KOR", "GOV", None, "Seoul", 0, 1), "KOR"),
    (ActorRef("IGOWSTNAT", None, None, "NATO", "NATO", 0, 1), "NATO"),
    (ActorRef("KUR", None, None, None, "Kurds", 0, 1), "KUR"),  # a group's own code
    (ActorRef("REB", None, "REB", None, "rebels", 0, 1), None),
    (ActorRef("---COP", None, "COP", None, "police", 0, 1), None),  # CAMEO's unknown country
    (ActorRef("---", None, None, None, "Yale", 0, 1), None),  # a name the KB lacks
    (ActorRef("---", None, None, None, "", 3, 3), None),  # an unnamed attacker
])
def test_unplaceable_actors_have_no_key(ref: ActorRef, key: str | None) -> None:
    from blocwatch.records import actor_key
    assert actor_key(ref) == key


def test_unknown_actors_are_no_graph_nodes() -> None:
    events = [make(0, "USA", "CHN", "111", "2024-01-01")]
    info = CODES["173"]
    unknown = ActorRef("---", None, None, None, "Disha Ravi", 0, 1)
    events.append(WeightedEvent("1", Event(
        "doc", 0, "s", "2024-01-02", _ref("INDGOV"), unknown, "173", info.root, info.quad,
        info.goldstein, Plover(None, None), "asserted", None, VerbRef("v", "v", 0, 1), "t"), 1))
    assert set(relations_graph(events).nodes()) == {"USA", "CHN"}
