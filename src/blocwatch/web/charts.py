"""Charts drawn on the server as SVG geometry (rendered by the templates, escaped there):
the signed actor network coloured by bloc, and timelines of cooperation and conflict with a
Goldstein line.  Nothing is fetched by the browser: no script library, no CDN."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import networkx as nx

from blocwatch.analysis.relations import BlocPartition

COOPERATION = "#2ca02c"
CONFLICT = "#d62728"
NO_BLOC = "#7f7f7f"
# Bloc colours: neither green nor red, which mean cooperation and conflict on the edges.
BLOC_COLOURS = ("#1f77b4", "#ff7f0e", "#9467bd", "#17becf", "#8c564b", "#e377c2", "#bcbd22",
                "#393b79")


def bloc_colour(bloc: int | None) -> str:
    return NO_BLOC if bloc is None else BLOC_COLOURS[bloc % len(BLOC_COLOURS)]


def network_positions(graph: nx.Graph, partition: BlocPartition
                      ) -> dict[str, tuple[float, float]]:
    """Deterministic positions in [0, 1]²: each connected component laid out by a spring
    layout in which allies pull hard and rivals barely (so blocs gather), the largest
    component on the left, the others in a grid on the right."""
    comps = sorted((sorted(c) for c in nx.connected_components(graph)),
                   key=lambda c: (-len(c), c))
    if not comps:
        return {}
    boxes = _boxes([len(c) for c in comps])
    pos: dict[str, tuple[float, float]] = {}
    for comp, (x0, y0, w, h) in zip(comps, boxes, strict=True):
        for node, (x, y) in _component_layout(graph.subgraph(comp), partition).items():
            pos[node] = (round(x0 + x * w, 4), round(y0 + y * h, 4))
    return pos


def _boxes(sizes: list[int]) -> list[tuple[float, float, float, float]]:
    """``(x, y, width, height)`` in [0, 1]² for components of these sizes (largest first)."""
    if len(sizes) == 1:
        return [(0.0, 0.0, 1.0, 1.0)]
    rest = sizes[1:]
    main = math.sqrt(sizes[0]) / (math.sqrt(sizes[0]) + math.sqrt(sum(rest)))
    main = min(0.8, max(0.3, main))
    cols = max(1, round(math.sqrt(len(rest) * (1 - main))))
    rows = math.ceil(len(rest) / cols)
    w, h = (1 - main) / cols, 1 / rows
    return [(0.0, 0.0, main, 1.0)] + [(main + (i % cols) * w, (i // cols) * h, w, h)
                                      for i in range(len(rest))]


def _component_layout(graph: nx.Graph, partition: BlocPartition
                      ) -> dict[str, tuple[float, float]]:
    nodes = sorted(graph.nodes)
    if len(nodes) == 1:
        return {nodes[0]: (0.5, 0.5)}
    if len(nodes) == 2:
        return {nodes[0]: (0.1, 0.5), nodes[1]: (0.9, 0.5)}
    layout = nx.Graph()
    layout.add_nodes_from(nodes)
    for u, v, d in graph.edges(data=True):
        strength = 1.0 + min(d["weight"], 10.0) / 10 if d["weight"] > 0 else 0.05
        layout.add_edge(u, v, weight=strength)
    k = max(1, len(partition.blocs))
    start = {}
    for i, node in enumerate(nodes):
        angle = 2 * math.pi * (partition.bloc_of(node) or 0) / k
        jitter = 2 * math.pi * i / len(nodes)
        start[node] = (math.cos(angle) + 0.3 * math.cos(jitter),
                       math.sin(angle) + 0.3 * math.sin(jitter))
    pos = nx.spring_layout(layout, pos=start, seed=7, weight="weight", iterations=200)
    return _normalise({n: (float(p[0]), float(p[1])) for n, p in pos.items()})


def _normalise(pos: dict[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    """Into [0.05, 0.95]², keeping the aspect ratio."""
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {n: (0.5 + 0.9 * (x - cx) / span, 0.5 + 0.9 * (y - cy) / span)
            for n, (x, y) in pos.items()}


def _spread(where: dict[str, list[float]], radius: dict[str, float], box: tuple[float, ...],
            gap: float = 10.0, rounds: int = 200) -> None:
    """Push overlapping circles apart (in place), keeping them inside ``box``."""
    names = sorted(where)
    left, top, right, bottom = box
    for _ in range(rounds):
        moved = False
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                (ax, ay), (bx, by) = where[a], where[b]
                dx, dy = bx - ax, by - ay
                dist = math.hypot(dx, dy)
                need = radius[a] + radius[b] + gap
                if dist >= need:
                    continue
                if dist < 1e-6:
                    dx, dy, dist = 1.0, 0.0, 1.0
                push = (need - dist) / 2
                where[a] = [ax - dx / dist * push, ay - dy / dist * push]
                where[b] = [bx + dx / dist * push, by + dy / dist * push]
                moved = True
        for n in names:
            r = radius[n]
            where[n] = [min(right - r, max(left + r, where[n][0])),
                        min(bottom - r, max(top + r, where[n][1]))]
        if not moved:
            return


# -- network --------------------------------------------------------------------------------
class NodeLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def bloc(self) -> int | None: ...
    @property
    def events(self) -> int: ...
    @property
    def x(self) -> float: ...
    @property
    def y(self) -> float: ...


class EdgeLike(Protocol):
    @property
    def a(self) -> str: ...
    @property
    def b(self) -> str: ...
    @property
    def weight(self) -> float: ...
    @property
    def cooperation(self) -> int: ...
    @property
    def conflict(self) -> int: ...


@dataclass(frozen=True)
class SvgNode:
    id: str
    bloc: int | None
    x: float
    y: float
    r: float
    colour: str
    font: int
    title: str


@dataclass(frozen=True)
class SvgEdge:
    a: str
    b: str
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    colour: str
    title: str


@dataclass(frozen=True)
class NetworkSvg:
    width: int
    height: int
    nodes: tuple[SvgNode, ...]
    edges: tuple[SvgEdge, ...]


def network_svg(nodes: Sequence[NodeLike], edges: Sequence[EdgeLike], *, width: int = 880,
                height: int = 560, margin: int = 56) -> NetworkSvg:
    radius = {n.id: 20 + min(14.0, 2.5 * math.sqrt(n.events)) for n in nodes}
    where = {n.id: [margin + n.x * (width - 2 * margin), margin + n.y * (height - 2 * margin)]
             for n in nodes}
    _spread(where, radius, (4.0, 4.0, width - 4.0, height - 4.0), gap=40.0)
    top = max((abs(e.weight) for e in edges), default=1.0) or 1.0
    svg_edges = []
    for e in sorted(edges, key=lambda e: abs(e.weight)):  # strongest drawn last, on top
        (x1, y1), (x2, y2) = where[e.a], where[e.b]
        kind = "net cooperation" if e.weight > 0 else "net conflict" if e.weight < 0 \
            else "balanced"
        svg_edges.append(SvgEdge(
            e.a, e.b, round(x1, 1), round(y1, 1), round(x2, 1), round(y2, 1),
            round(1.5 + 7 * abs(e.weight) / top, 1), COOPERATION if e.weight >= 0 else CONFLICT,
            f"{e.a} – {e.b}: {kind} (weight {e.weight:+.2f}); {e.cooperation} cooperation, "
            f"{e.conflict} conflict event(s). Click for the dyad."))
    svg_nodes = []
    for n in nodes:
        x, y = where[n.id]
        bloc = "no bloc" if n.bloc is None else f"bloc {n.bloc + 1}"
        svg_nodes.append(SvgNode(
            n.id, n.bloc, round(x, 1), round(y, 1), round(radius[n.id], 1),
            bloc_colour(n.bloc), 13 if len(n.id) <= 4 else max(8, 13 - (len(n.id) - 4)),
            f"{n.id}: {bloc}, {n.events} event(s). Click for the actor."))
    return NetworkSvg(width, height, tuple(svg_nodes), tuple(svg_edges))


# -- timelines ------------------------------------------------------------------------------
@dataclass(frozen=True)
class TimelinePoint:
    """One period: events of cooperation (quad 1-2) and conflict (quad 3-4), mean Goldstein."""

    label: str
    cooperation: int
    conflict: int
    goldstein_mean: float | None
    anchor: str


@dataclass(frozen=True)
class SvgBar:
    x: float
    y: float
    w: float
    h: float
    colour: str
    anchor: str
    title: str


@dataclass(frozen=True)
class SvgText:
    x: float
    y: float
    text: str
    anchor: str = "middle"  # text-anchor


@dataclass(frozen=True)
class SvgDot:
    x: float
    y: float
    anchor: str
    title: str


@dataclass(frozen=True)
class TimelineSvg:
    width: int
    height: int
    left: int
    right: int
    top: int
    zero: float
    bottom: float
    bars: tuple[SvgBar, ...]
    dots: tuple[SvgDot, ...]
    line: str  # the polyline's points
    labels: tuple[SvgText, ...]
    ticks: tuple[SvgText, ...]
    rotate: bool


def timeline_svg(points: Sequence[TimelinePoint], *, height: int = 320, slot: int = 64
                 ) -> TimelineSvg:
    """Bars up for cooperation, down for conflict, per period; a line of the mean Goldstein
    score on its own axis (-10..+10, right)."""
    left, right, top, bottom_pad = 56, 64, 16, 70
    width = max(880, left + right + slot * len(points))
    slot_w = (width - left - right) / max(1, len(points))
    half = (height - top - bottom_pad) / 2
    zero = top + half
    peak = max([1, *(p.cooperation for p in points), *(p.conflict for p in points)])
    scale = half / (peak * 1.1)
    bars, dots, line, labels = [], [], [], []
    for i, p in enumerate(points):
        cx = left + slot_w * (i + 0.5)
        w = min(36.0, slot_w * 0.55)
        if p.cooperation:
            h = p.cooperation * scale
            bars.append(SvgBar(round(cx - w / 2, 1), round(zero - h, 1), round(w, 1),
                               round(h, 1), COOPERATION, p.anchor,
                               f"{p.label}: {p.cooperation} cooperation event(s)"))
        if p.conflict:
            h = p.conflict * scale
            bars.append(SvgBar(round(cx - w / 2, 1), round(zero, 1), round(w, 1), round(h, 1),
                               CONFLICT, p.anchor, f"{p.label}: {p.conflict} conflict event(s)"))
        if p.goldstein_mean is not None:
            gy = zero - p.goldstein_mean / 10 * half
            dots.append(SvgDot(round(cx, 1), round(gy, 1), p.anchor,
                               f"{p.label}: mean Goldstein {p.goldstein_mean:+.2f}"))
            line.append(f"{cx:.1f},{gy:.1f}")
        labels.append(SvgText(round(cx, 1), round(zero + half + 16, 1), p.label))
    reach = peak * scale
    ticks = (SvgText(left - 8, round(zero - reach + 4, 1), str(peak), "end"),
             SvgText(left - 8, round(zero + 4, 1), "0", "end"),
             SvgText(left - 8, round(zero + reach + 4, 1), str(-peak), "end"),
             SvgText(width - right + 8, round(top + 4, 1), "+10", "start"),
             SvgText(width - right + 8, round(zero + 4, 1), "0", "start"),
             SvgText(width - right + 8, round(zero + half + 4, 1), "-10", "start"))
    return TimelineSvg(width, height, left, right, top, round(zero, 1), round(zero + half, 1),
                       tuple(bars), tuple(dots), " ".join(line), tuple(labels), ticks,
                       len(points) > 8)
