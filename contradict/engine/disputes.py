"""Disputes: the connected groups of positions that conflicts link. Pure and order-free."""

from __future__ import annotations

from collections.abc import Hashable, Iterable


def components(edges: Iterable[tuple[Hashable, Hashable]]) -> list[list]:
    """Return the connected components of the graph ``edges`` spans, each sorted, in order.

    The result depends only on the set of edges, never on the order they come in: components
    are sorted by their smallest member. Union-find with path halving: linear in the edges.
    """
    parent: dict = {}

    def root(node):
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in edges:
        ra, rb = root(a), root(b)
        if ra != rb:
            if rb < ra:
                ra, rb = rb, ra
            parent[rb] = ra
    groups: dict = {}
    for node in parent:
        groups.setdefault(root(node), []).append(node)
    return sorted((sorted(group) for group in groups.values()), key=lambda group: group[0])
