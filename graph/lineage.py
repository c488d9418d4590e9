"""Neighbourhood and lineage traversal over the backend primitives (same for both)."""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

from graph.errors import NodeNotFoundError, QueryTimeoutError
from graph.models import Edge, NodeRef, Subgraph, TruncatedReason
from graph.schema import CAUSAL_DIRECTION, FORWARD, RelType

if TYPE_CHECKING:
    from graph.base import Directions, GraphStore
    from graph.models import Node

MAX_DEPTH = 10
WALK_CHUNK = 500  # frontier nodes read per store call
EDGES_PER_NODE = 4  # edges a walk may read per node of its node budget
MIN_EDGES = 2_000


class EdgeReader(Protocol):
    """What a walk reads: a store, or a backend's reader bound to one transaction (so a
    walk of several steps is one round trip per step and one transaction in all)."""

    def incident_edges(
        self,
        refs: Sequence[NodeRef],
        limit_per_node: int,
        directions: Directions | None = None,
        *,
        limit: int | None = None,
        timeout: float | None = None,
    ) -> list[Edge]: ...

    def get_nodes(self, refs: Sequence[NodeRef]) -> list[Node]: ...


def get_neighbourhood(store: GraphStore, ref: NodeRef, limit: int) -> Subgraph:
    """The node, its neighbours and the edges to them, at most ``limit`` edges."""
    root = store.require_node(ref)
    edges = store.incident_edges([ref], limit_per_node=limit + 1)
    truncated = len(edges) > limit
    edges = edges[:limit]
    others = _unique(e.dst if e.src == ref else e.src for e in edges)
    nodes = [root, *store.get_nodes([o for o in others if o != ref])]
    reason: TruncatedReason | None = "edges" if truncated else None
    return Subgraph(ref, nodes, edges, truncated=truncated, truncated_reason=reason)


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


@dataclass(frozen=True)
class WalkBudget:
    """What one lineage walk may spend: nodes returned, edges read from the store (kept
    or not) and seconds (None: no deadline). The walk stops at the first one spent and
    says which."""

    nodes: int = 500
    edges: int = 20_000
    seconds: float | None = None

    def __post_init__(self) -> None:
        if self.nodes < 1 or self.edges < 1 or (self.seconds is not None and self.seconds < 0):
            raise ValueError(f"a walk budget needs nodes >= 1, edges >= 1, seconds >= 0: {self}")

    @classmethod
    def of(cls, nodes: int, seconds: float | None = None) -> WalkBudget:
        """``nodes`` nodes, with room for EDGES_PER_NODE edges read per node."""
        return cls(nodes, max(MIN_EDGES, EDGES_PER_NODE * nodes), seconds)


def get_lineage(
    store: EdgeReader,
    ref: NodeRef,
    direction: Literal["up", "down"],
    depth: int,
    budget: WalkBudget,
) -> Subgraph:
    """Breadth-first walk towards causes (up) or effects (down), frontier nodes read
    ``WALK_CHUNK`` at a time, within ``budget``.

    Each read asks for no more edges than the budget has left (one more, to know whether
    it is spent); the walk stops at the first node it has no room for, at the edge budget
    or at the deadline, and marks the answer truncated with the reason.
    """
    if direction not in ("up", "down"):
        raise ValueError(f"direction must be 'up' or 'down', got {direction!r}")
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be between 1 and {MAX_DEPTH}, got {depth}")
    deadline = None if budget.seconds is None else time.monotonic() + budget.seconds
    walk = _Walk(ref, direction)  # a missing root has no edges: it is found missing below
    reason: TruncatedReason | None = None
    frontier = [ref]
    for _ in range(depth):
        if not frontier or reason:
            break
        next_frontier: list[NodeRef] = []
        for start in range(0, len(frontier), WALK_CHUNK):
            chunk = frontier[start : start + WALK_CHUNK]
            left = None if deadline is None else deadline - time.monotonic()
            room = budget.edges - walk.read
            if left is not None and left <= 0:
                reason = "time"
            elif room <= 0:
                reason = "edges"
            else:
                reason = _step(store, walk, chunk, budget, room, left, next_frontier)
            if reason:
                break
        frontier = next_frontier
    nodes = store.get_nodes(list(walk.seen))  # the root first, read with the others
    if not nodes or nodes[0].ref != ref:
        raise NodeNotFoundError(ref.id, ref.label.value)
    return Subgraph(
        root=ref,
        nodes=nodes,
        edges=walk.edges,
        truncated=reason is not None,
        truncated_reason=reason,
    )


class _Walk:
    """What a walk has found so far."""

    def __init__(self, root: NodeRef, direction: Literal["up", "down"]) -> None:
        self.direction = direction
        self.directions = walk_directions(direction)
        self.seen: dict[NodeRef, None] = {root: None}
        self.edges: list[Edge] = []
        self.edge_keys: set[tuple[NodeRef, str, NodeRef]] = set()
        self.read = 0  # edges read from the store


def _step(
    store: EdgeReader,
    walk: _Walk,
    chunk: list[NodeRef],
    budget: WalkBudget,
    room: int,
    seconds: float | None,
    next_frontier: list[NodeRef],
) -> TruncatedReason | None:
    """Read and follow the edges of ``chunk``; the reason to stop, if there is one."""
    try:
        found = store.incident_edges(
            chunk,
            limit_per_node=min(budget.nodes + 1, room + 1),
            directions=walk.directions,
            limit=room + 1,
            timeout=seconds,
        )
    except QueryTimeoutError:
        return "time"
    reason: TruncatedReason | None = None
    if len(found) > room:
        found, reason = found[:room], "edges"
    walk.read += len(found)
    in_chunk = set(chunk)
    for edge in found:
        cause, effect = cause_and_effect(edge)
        here, other = (effect, cause) if walk.direction == "up" else (cause, effect)
        if here not in in_chunk:
            continue
        if other not in walk.seen:
            if len(walk.seen) >= budget.nodes:
                return "nodes"
            walk.seen[other] = None
            next_frontier.append(other)
        key = (edge.src, edge.type.value, edge.dst)
        if key not in walk.edge_keys:
            walk.edge_keys.add(key)
            walk.edges.append(edge)
    return reason


def _unique(refs: Iterable[NodeRef]) -> list[NodeRef]:
    return list(dict.fromkeys(refs))
