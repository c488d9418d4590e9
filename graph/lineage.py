"""Neighbourhood and lineage traversal over the backend primitives (same for both)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from graph.errors import NodeNotFoundError
from graph.models import Edge, NodeRef, Subgraph
from graph.schema import CAUSAL_DIRECTION, FORWARD, RelType

if TYPE_CHECKING:
    from graph.base import GraphStore

MAX_DEPTH = 10


def get_neighbourhood(store: GraphStore, ref: NodeRef, limit: int) -> Subgraph:
    """The node, its neighbours and the edges to them, at most ``limit`` edges."""
    root = store.require_node(ref)
    edges = store.incident_edges([ref], limit_per_node=limit + 1)
    truncated = len(edges) > limit
    edges = edges[:limit]
    others = _unique(e.dst if e.src == ref else e.src for e in edges)
    nodes = [root, *store.get_nodes([o for o in others if o != ref])]
    return Subgraph(root=ref, nodes=nodes, edges=edges, truncated=truncated)


def cause_and_effect(edge: Edge) -> tuple[NodeRef, NodeRef]:
    """Read an edge causally: which end led to which (see ``CAUSAL_DIRECTION``)."""
    if CAUSAL_DIRECTION[edge.type] == FORWARD:
        return edge.src, edge.dst
    return edge.dst, edge.src


def walk_directions(direction: Literal["up", "down"]) -> dict[RelType, Literal["out", "in"]]:
    """For each relationship type, which way to follow it to reach causes (up) or effects."""
    out: dict[RelType, Literal["out", "in"]] = {}
    for rel, causal in CAUSAL_DIRECTION.items():
        towards_src = (causal == FORWARD) == (direction == "up")
        out[rel] = "in" if towards_src else "out"
    return out


def get_lineage(
    store: GraphStore,
    ref: NodeRef,
    direction: Literal["up", "down"],
    depth: int,
    limit: int,
) -> Subgraph:
    """Breadth-first walk towards causes (up) or effects (down), one query per level."""
    if direction not in ("up", "down"):
        raise ValueError(f"direction must be 'up' or 'down', got {direction!r}")
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be between 1 and {MAX_DEPTH}, got {depth}")
    root = store.get_node(ref)
    if root is None:
        raise NodeNotFoundError(ref.id, ref.label.value)
    seen: dict[NodeRef, int] = {ref: 0}
    edges: list[Edge] = []
    edge_keys: set[tuple[NodeRef, str, NodeRef]] = set()
    frontier = [ref]
    truncated = False
    walk = walk_directions(direction)
    for level in range(1, depth + 1):
        if not frontier:
            break
        in_frontier = set(frontier)
        next_frontier: list[NodeRef] = []
        for edge in store.incident_edges(frontier, limit_per_node=limit + 1, directions=walk):
            cause, effect = cause_and_effect(edge)
            here, other = (effect, cause) if direction == "up" else (cause, effect)
            if here not in in_frontier:
                continue
            key = (edge.src, edge.type.value, edge.dst)
            if other not in seen:
                if len(seen) >= limit:
                    truncated = True
                    continue
                seen[other] = level
                next_frontier.append(other)
            if key not in edge_keys:
                edge_keys.add(key)
                edges.append(edge)
        frontier = next_frontier
    nodes = [root, *store.get_nodes([r for r in seen if r != ref])]
    return Subgraph(root=ref, nodes=nodes, edges=edges, truncated=truncated)


def _unique(refs: Iterable[NodeRef]) -> list[NodeRef]:
    return list(dict.fromkeys(refs))
