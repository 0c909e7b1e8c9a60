"""Static figures (matplotlib, PNG or SVG by the file's suffix): a dyad's time series and
the signed actor network coloured by bloc.  Rendering needs no display (Agg backend)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import networkx as nx

from blocwatch.analysis.relations import BlocPartition, DyadPeriod

# Bloc colours avoid red and green, which mean conflict and cooperation on the edges.
BLOC_COLOURS = ("#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                "#bcbd22", "#17becf")


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def dyad_figure(series: Sequence[DyadPeriod], a: str, b: str, path: Path) -> Path:
    """Bars of cooperation (up) and conflict (down) events per period, Goldstein mean line."""
    plt = _pyplot()
    labels = [p.period for p in series]
    coop = [p.quad[0] + p.quad[1] for p in series]
    conflict = [-(p.quad[2] + p.quad[3]) for p in series]
    fig, ax = plt.subplots(figsize=(max(6.0, 0.5 * len(labels) + 3), 4.0))
    x = range(len(labels))
    ax.bar(x, coop, width=0.6, color="#2ca02c", label="cooperation (quad 1-2)")
    ax.bar(x, conflict, width=0.6, color="#d62728", label="conflict (quad 3-4)")
    top = max([1, *coop, *[-c for c in conflict]]) * 1.15
    ax.set_ylim(-top, top)
    ax.set_xlim(-0.8, len(labels) - 0.2)
    ax.axhline(0, color="black", linewidth=0.6)
    ax.set_ylabel("events (conflict below zero)")
    ax.set_xticks(list(x), labels, rotation=45, ha="right", fontsize=8)
    line = ax.twinx()
    line.plot(list(x), [p.goldstein_mean for p in series], color="black", marker="o",
              label="mean Goldstein")
    line.set_ylim(-10.5, 10.5)
    line.set_ylabel("mean Goldstein (-10 .. +10)")
    ax.set_title(f"{a} - {b}")
    handles = ax.get_legend_handles_labels()[0] + line.get_legend_handles_labels()[0]
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.28), ncol=3,
              fontsize=8, frameon=False)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def network_figure(graph: nx.Graph, partition: BlocPartition, path: Path,
                   title: str = "relations", top: int = 30) -> Path:
    """Actors coloured by bloc; green edges net cooperation, red net conflict, width by
    strength.  Only the ``top`` actors with the strongest relations are drawn."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9.0, 7.5))
    strength = {n: sum(abs(d["weight"]) for _, _, d in graph.edges(n, data=True))
                for n in graph.nodes}
    keep = sorted(graph.nodes, key=lambda n: (-strength[n], n))[:top]
    graph = graph.subgraph(keep)
    if graph.number_of_nodes():
        layout_graph = nx.Graph()
        layout_graph.add_nodes_from(sorted(graph.nodes))
        for u, v, d in graph.edges(data=True):  # pull allies together, push rivals apart
            layout_graph.add_edge(u, v, weight=max(0.05, d["weight"]) if d["weight"] > 0
                                  else 0.05)
        k = 2.5 / max(1, graph.number_of_nodes()) ** 0.5
        pos = nx.spring_layout(layout_graph, seed=7, weight="weight", k=k, iterations=300)
        colours = [BLOC_COLOURS[(partition.bloc_of(n) or 0) % len(BLOC_COLOURS)]
                   for n in layout_graph.nodes]
        heaviest = max((abs(d["weight"]) for _, _, d in graph.edges(data=True)),
                       default=1.0) or 1.0
        for u, v, d in graph.edges(data=True):
            ax.plot([pos[u][0], pos[v][0]], [pos[u][1], pos[v][1]],
                    color="#2ca02c" if d["weight"] > 0 else "#d62728",
                    linewidth=0.8 + 4 * abs(d["weight"]) / heaviest, alpha=0.7, zorder=1)
        nx.draw_networkx_nodes(layout_graph, pos, node_color=colours, node_size=650, ax=ax)
        nx.draw_networkx_labels(layout_graph, pos, font_size=8, font_color="white", ax=ax)
    ax.set_title(f"{title}: {len(partition.blocs)} bloc(s); green cooperation, red conflict")
    ax.axis("off")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path
