"""Which brand a node belongs to, so that a view limited to some brands can be enforced.

Most nodes name their brand (``brand_id``); others reach it through the node they are
about (an outcome through its campaign, a task through its plan, an approval through its
decision). A few are shared by every brand (channels, agents, audiences without a brand).
A node drawing on several brands (a research brief that quotes competitors) names them
all in ``brand_ids`` and is visible only where each of them is. A node whose brand cannot
be told is treated as belonging to none of them: a limited view never sees it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Final

from graph.base import GraphStore
from graph.models import Node, NodeRef, Subgraph
from graph.schema import Label

SHARED: Final[frozenset[str]] = frozenset()  # the brands of a node every brand may see
# Labels whose nodes are shared by every brand (an audience is shared only without brand_id).
SHARED_LABELS: Final = frozenset({Label.CHANNEL, Label.AGENT, Label.MIGRATION})
# Where a node without ``brand_id`` finds its brand: a property naming another node.
_VIA: Final[dict[Label, tuple[tuple[str, Label], ...]]] = {
    Label.OUTCOME: (("campaign_id", Label.CAMPAIGN),),
    Label.LEAD: (("campaign_id", Label.CAMPAIGN),),
    Label.ALLOCATION: (("plan_id", Label.PLAN),),
    Label.TASK: (("plan_id", Label.PLAN),),
    Label.EXPERIMENT: (("plan_id", Label.PLAN),),
    Label.ALERT: (
        ("plan_id", Label.PLAN),
        ("campaign_id", Label.CAMPAIGN),
        ("lead_id", Label.LEAD),
    ),
    Label.EXECUTION: (("plan_id", Label.PLAN), ("campaign_id", Label.CAMPAIGN)),
    Label.APPROVAL: (("decision_id", Label.DECISION),),
    Label.OUTBOX_ENTRY: (("id", Label.EXECUTION),),  # an entry shares its execution's id
    Label.RESEARCH_BRIEF: (("brief_id", Label.BRIEF),),
}
_MAX_HOPS: Final = 3


def brands_of(store: GraphStore, nodes: Sequence[Node]) -> dict[NodeRef, frozenset[str] | None]:
    """The brands each node belongs to (:data:`SHARED`: none, every brand may see it), or
    None when that cannot be told.

    Lookups through other nodes are batched: one read per hop, at most three hops.
    """
    found: dict[NodeRef, frozenset[str] | None] = {}
    pending: dict[NodeRef, Node] = {}
    for node in nodes:
        direct = _direct(node)
        if direct is not None or node.label not in _VIA:
            found[node.ref] = direct
        else:
            pending[node.ref] = node
    # Follow each pending node to the node it is about, a hop at a time.
    current = dict(pending)
    for _ in range(_MAX_HOPS):
        wanted: dict[NodeRef, list[NodeRef]] = {}
        for origin, node in current.items():
            for target in _targets(node):
                wanted.setdefault(target, []).append(origin)
        if not wanted:
            break
        fetched = {n.ref: n for n in store.get_nodes(list(wanted))}
        following: dict[NodeRef, Node] = {}
        for origin, node in current.items():
            for target in _targets(node):
                hop = fetched.get(target)
                if hop is None:
                    continue
                brand = _direct(hop)
                if brand is not None:
                    found[origin] = brand
                    break
                if hop.label in _VIA:
                    following[origin] = hop
                    break
        current = {o: n for o, n in following.items() if o not in found}
        if not current:
            break
    for ref in pending:
        found.setdefault(ref, None)
    return found


def _direct(node: Node) -> frozenset[str] | None:
    if node.label is Label.BRAND:
        return frozenset({node.id})
    several = node.properties.get("brand_ids")
    if isinstance(several, list) and several:
        return frozenset(str(b) for b in several)
    brand = node.properties.get("brand_id")
    if brand:
        return frozenset({str(brand)})
    if node.label in SHARED_LABELS or node.label is Label.AUDIENCE:
        return SHARED
    return None


def _targets(node: Node) -> Iterable[NodeRef]:
    for key, label in _VIA.get(node.label, ()):
        value = node.properties.get(key)
        if value:
            yield NodeRef(label=label, id=str(value))


def visible(brands: frozenset[str] | None, allowed: Collection[str] | None) -> bool:
    """Whether a node of ``brands`` (from :func:`brands_of`) may be shown to ``allowed``."""
    if allowed is None:
        return True
    return brands is not None and brands.issubset(allowed)


def visible_nodes(
    store: GraphStore, nodes: Sequence[Node], allowed: Collection[str] | None
) -> list[Node]:
    """The nodes a view limited to ``allowed`` brands may see (None: all), in order."""
    if allowed is None:
        return list(nodes)
    brands = brands_of(store, nodes)
    return [n for n in nodes if visible(brands[n.ref], allowed)]


def scope_subgraph(store: GraphStore, sub: Subgraph, allowed: Collection[str] | None) -> Subgraph:
    """``sub`` without the nodes ``allowed`` may not see, nor the edges touching them.

    Nodes only reachable through a removed node stay (they are visible on their own);
    ``truncated`` and its reason are kept.
    """
    if allowed is None:
        return sub
    kept = {n.ref for n in visible_nodes(store, sub.nodes, allowed)}
    return Subgraph(
        root=sub.root,
        nodes=[n for n in sub.nodes if n.ref in kept],
        edges=[e for e in sub.edges if e.src in kept and e.dst in kept],
        truncated=sub.truncated,
        truncated_reason=sub.truncated_reason,
    )
