"""Reading workflows: search the team's texts, walk the lineage of a node.

A key limited to brands passes them (None: every brand): the index filters by brand, and
the graph has the last word on every item and every node of a subgraph.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Literal

from graph.lineage import MAX_DEPTH, WalkBudget
from graph.models import NodeRef, Subgraph
from graph.scope import scope_subgraph, visible_nodes
from retrieval.base import SearchMode
from retrieval.retriever import ContextBundle
from workflows.context import Context

__all__ = ["MAX_DEPTH", "lineage", "search"]


def search(
    ctx: Context,
    query: str,
    *,
    k: int = 10,
    brand_id: str | list[str] | None = None,
    kinds: Sequence[str] | None = None,
    mode: SearchMode = "hybrid",
    visible_to: Collection[str] | None = None,
) -> ContextBundle:
    """Texts matching ``query`` with their graph context; ``brand_id``: one brand's (or
    several's), filtered inside the index. ``visible_to`` (a limited key's brands) then
    drops every item the graph does not show those brands."""
    bundle = ctx.retriever.search(query, k=k, brand_id=brand_id, kinds=kinds, mode=mode)
    if visible_to is None:
        return bundle
    refs = [NodeRef.parse(i.node_id) for i in bundle.items]
    shown = visible_nodes(ctx.graph, ctx.graph.get_nodes(refs), visible_to)
    seen = {str(n.ref) for n in shown}
    bundle.items = [i for i in bundle.items if i.node_id in seen]
    return bundle


def lineage(
    ctx: Context,
    node_id: str,
    direction: Literal["up", "down"] = "up",
    depth: int = 3,
    limit: int = 500,
    *,
    brands: Collection[str] | None = None,
    guard: Callable[[NodeRef], object] | None = None,
    seconds: float | None = None,
) -> Subgraph:
    """What led to (up) or followed from (down) a node (an id, or ``Label:id``), within a
    budget of ``limit`` nodes, the edges read for them and ``seconds``.

    ``guard`` is called on the resolved node first (a limited key's 404); the subgraph is
    then trimmed to what ``brands`` may see.
    """
    ref = ctx.graph.resolve(node_id)
    if guard is not None:
        guard(ref)
    budget = WalkBudget.of(limit, seconds=seconds)
    sub = ctx.graph.get_lineage(ref, direction, depth, budget=budget)
    return sub if brands is None else scope_subgraph(ctx.graph, sub, brands)
