"""The dispute graph: positions as boxes, their supporters grouped by side, conflicts as edges.

Drawn by Graphviz's ``dot`` through the ``graphviz`` package. Node ids, clusters and edges are
written in a fixed order, and the output carries no date, so one dispute draws the same bytes
every time on one Graphviz version.
"""

from __future__ import annotations

import shutil
import textwrap

import graphviz

from statements.selectors.workspace import DisputePicture

# One colour per position, in position order (the dispute page's cards use the same order).
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")
FONT = "Helvetica"


class GraphvizMissing(RuntimeError):
    """Graphviz's ``dot`` program is not installed, so the graph cannot be drawn."""

    program = "dot"


def _wrap(text: str, width: int = 28) -> str:
    return "\n".join(
        line
        for part in text.split("\n")
        for line in (textwrap.wrap(part, width, break_on_hyphens=False) or [""])
    )


def dispute_graph(picture: DisputePicture) -> graphviz.Digraph:
    """Return the graph of ``picture`` (not yet drawn)."""
    graph = graphviz.Digraph(
        "dispute",
        graph_attr={
            "rankdir": "LR",
            "fontname": FONT,
            "label": _wrap(picture.title, 80),
            "labelloc": "t",
            "nodesep": "0.25",
            "ranksep": "0.9",
        },
        node_attr={"fontname": FONT, "fontsize": "10"},
        edge_attr={"fontname": FONT, "fontsize": "9"},
    )
    colour = {p.id: PALETTE[index % len(PALETTE)] for index, p in enumerate(picture.positions)}
    sides: dict[str, list] = {}
    for supporter in picture.supporters:
        sides.setdefault(supporter.side, []).append(supporter)
    for index, side in enumerate(sorted(sides)):
        with graph.subgraph(name=f"cluster_side_{index}") as cluster:
            cluster.attr(label=side, style="rounded,dashed", color="#999999", fontsize="11")
            for supporter in sides[side]:
                cluster.node(
                    supporter.key,
                    _wrap(supporter.label, 24),
                    shape="note" if supporter.evidence else "ellipse",
                    style="filled",
                    fillcolor="#eef3f8" if supporter.evidence else "#ffffff",
                    color=colour.get(supporter.position, "#666666"),
                )
    for position in picture.positions:
        label = f"{_wrap(position.label)}\n{position.supporters} supporter" + (
            "" if position.supporters == 1 else "s"
        )
        graph.node(
            f"p{position.id}",
            label,
            shape="box",
            style="rounded,filled,bold",
            fillcolor="#ffffff",
            color=colour[position.id],
            fontsize="12",
        )
        hidden = picture.hidden.get(position.id, 0)
        if hidden:
            graph.node(f"more{position.id}", f"+{hidden} more", shape="plaintext")
            graph.edge(f"more{position.id}", f"p{position.id}", color="#bbbbbb", style="dashed")
    for supporter in picture.supporters:
        graph.edge(supporter.key, f"p{supporter.position}", color=colour.get(supporter.position))
    for conflict in picture.conflicts:
        graph.edge(
            f"p{conflict.a}",
            f"p{conflict.b}",
            label=f"{', '.join(conflict.rules)}\n{conflict.score:.2f}",
            color="#cc0000",
            fontcolor="#cc0000",
            penwidth="2",
            dir="both",
            arrowhead="tee",
            arrowtail="tee",
            constraint="false",
        )
    return graph


def dispute_graph_svg(picture: DisputePicture) -> bytes:
    """Return the dispute graph as SVG, or raise ``GraphvizMissing`` without ``dot``."""
    if shutil.which("dot") is None:
        raise GraphvizMissing("Graphviz's dot program is not installed")
    try:
        return dispute_graph(picture).pipe(format="svg")
    except graphviz.ExecutableNotFound as error:
        raise GraphvizMissing(str(error)) from error
