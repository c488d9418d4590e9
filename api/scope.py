"""Brand scoping: a key limited to some brands never sees, nor changes, another brand's data.

Every route that reads or acts on brand data goes through :class:`Scope`:

- a ``brand_id`` the caller names outside the key's brands is a 403 (it says which
  brands the key has, nothing about the other one);
- a node asked for by id that belongs to another brand is a 404, the same answer as for
  a node that does not exist, so ids of other brands cannot be probed;
- lists and subgraphs (lineage, a decision's edges) are filtered: nodes of other brands,
  and nodes whose brand cannot be told, are left out with the edges touching them.

Shared nodes (channels, agents, audiences without a brand) are visible to every key.
For an unlimited key every method is a pass-through.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import Depends
from starlette.concurrency import run_in_threadpool

from api.auth import Principal
from api.deps import CurrentUser, ServicesDep
from api.errors import ApiError
from graph.base import GraphStore
from graph.models import Node, NodeRef, Subgraph
from graph.scope import brands_of, scope_subgraph, visible, visible_nodes


class Scope:
    """What the calling key may see, with the checks routes apply."""

    def __init__(self, principal: Principal, graph: GraphStore) -> None:
        self.principal = principal
        self.graph = graph

    @property
    def brands(self) -> frozenset[str] | None:
        """The key's brands; None for a key that sees every brand."""
        return self.principal.brands

    @property
    def limited(self) -> bool:
        return self.principal.brands is not None

    def _listed(self) -> str:
        return ", ".join(sorted(self.principal.brands or ()))

    def check_brand(self, brand_id: str) -> str:
        """``brand_id`` if the key may use it, else a 403."""
        if not self.principal.sees_brand(brand_id):
            raise ApiError(
                403,
                "brand_forbidden",
                f"this key is limited to the brands {self._listed()}; "
                f"brand_id {brand_id!r} is not one of them",
                {"brands": sorted(self.principal.brands or ())},
            )
        return brand_id

    def one_brand(self, brand_id: str | None) -> str | None:
        """The brand a one-brand-or-all report runs over.

        A named brand is checked; with none named, an unlimited key gets every brand
        (None) and a key limited to one brand gets that one. A key limited to several
        must name one (422), since "all brands" would cross its limit.
        """
        if brand_id:
            return self.check_brand(brand_id)
        if self.principal.brands is None:
            return None
        if len(self.principal.brands) == 1:
            return next(iter(self.principal.brands))
        raise ApiError(
            422,
            "brand_required",
            f"this key is limited to the brands {self._listed()}: name one with brand_id",
        )

    def brand_filter(self, brand_id: str | None) -> list[str] | None:
        """Brands a listing may include: the named one (checked), the key's, or None (all)."""
        if brand_id:
            return [self.check_brand(brand_id)]
        return sorted(self.principal.brands) if self.principal.brands is not None else None

    def visible(self, nodes: Sequence[Node]) -> list[Node]:
        """The nodes the key may see, in order."""
        return visible_nodes(self.graph, nodes, self.principal.brands)

    def sees(self, node: Node) -> bool:
        if self.principal.brands is None:
            return True
        return visible(brands_of(self.graph, [node])[node.ref], self.principal.brands)

    def require(self, node: Node | None, what: str, node_id: str) -> Node:
        """``node`` if it exists and the key may see it, else the same 404 for both."""
        if node is None or not self.sees(node):
            raise ApiError(404, "not_found", f"no {what} {node_id!r}")
        return node

    def require_ref(self, ref: NodeRef, what: str | None = None) -> Node:
        return self.require(self.graph.get_node(ref), what or ref.label.value, ref.id)

    async def guard(self, ref: NodeRef, what: str) -> None:
        """Before acting on ``ref``: a 404 if a limited key may not see it (nothing to read
        for an unlimited key; the action itself answers for a node that does not exist)."""
        if self.limited:
            await run_in_threadpool(self.require_ref, ref, what)

    def subgraph(self, sub: Subgraph) -> Subgraph:
        """``sub`` without what the key may not see (the root is checked by the caller)."""
        return scope_subgraph(self.graph, sub, self.principal.brands)

    def brands_of(self, node: Node) -> frozenset[str] | None:
        """The node's brands (empty when shared; None when they cannot be told)."""
        return brands_of(self.graph, [node])[node.ref]

    def require_unlimited(self, what: str) -> None:
        """A 403 for a key limited to brands asking for something that spans every brand."""
        if self.principal.brands is not None:
            raise ApiError(
                403,
                "brand_forbidden",
                f"{what} spans every brand; this key is limited to {self._listed()}",
            )


async def get_scope(principal: CurrentUser, services: ServicesDep) -> Scope:
    return Scope(principal, services.graph)


ScopeDep = Annotated[Scope, Depends(get_scope)]
