"""Hybrid retrieval expanded through the graph into a cited context bundle.

Index hits are node ids; each is hydrated from the graph (a hit whose node is gone is
dropped) and expanded along the edges that give it meaning: the campaigns that used an
asset with their outcomes and ROAS, and the decisions that cited it. Every item names its
graph node, why it was included and its score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.base import Directions, GraphStore
from graph.models import Node, NodeRef, OutcomeQuery, OutcomeTotals
from graph.schema import Label, RelType
from retrieval.base import Hit, SearchMode, TextIndex
from retrieval.cache import VersionedCache

# Properties of a node worth carrying into a bundle (the rest stays in the graph).
_SUMMARY_KEYS = ("name", "title", "kind", "objective", "status", "start_date", "end_date")


@dataclass(slots=True)
class ContextItem:
    """One cited piece of context."""

    node_id: str
    label: str
    kind: str
    title: str
    score: float
    reason: str
    via: str | None = None  # the hit this item was reached from, if it is an expansion
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ContextBundle:
    """What a search returns: the items and how they were found."""

    query: str
    mode: str  # "hybrid", "sparse-only" or "dense"
    dense_model: str | None
    items: list[ContextItem]


class HybridRetriever:
    """Searches the index, then walks the graph around each hit."""

    def __init__(self, graph: GraphStore, index: TextIndex) -> None:
        self.graph = graph
        self.index = index
        # Hits of recent searches, kept while the index is unchanged (its version).
        self._hits: VersionedCache[list[Hit]] = VersionedCache(512)

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        brand_id: str | list[str] | None = None,
        kinds: Sequence[str] | None = None,
        mode: SearchMode = "hybrid",
        expand: bool = True,
        exclude: Sequence[NodeRef] = (),
        outcomes: bool | None = None,
    ) -> ContextBundle:
        """The ``k`` best texts for ``query`` (within a brand, or any of a list of brands),
        with their graph context; expansions never leave those brands either.

        ``outcomes`` puts the outcome totals on campaign hits (by default: when expanding).
        """
        dense_model = self.index.dense_model
        hits = self._search(query, k + len(exclude), brand_id, kinds, mode)
        hits = [h for h in hits if h.ref not in set(exclude)][:k]
        nodes = {n.ref: n for n in self.graph.get_nodes([h.ref for h in hits])}
        hits = [h for h in hits if h.ref in nodes]  # a stale point never reaches a caller
        used_mode = "dense" if mode == "dense" else "hybrid" if dense_model else "sparse-only"
        items: list[ContextItem] = []
        seen: set[str] = set()
        expansions = self._expand(hits, brand_id) if expand else {}
        hit_campaigns = [h.ref.id for h in hits if h.ref.label is Label.CAMPAIGN]
        totals = self._totals(hit_campaigns) if (expand if outcomes is None else outcomes) else {}
        for rank, hit in enumerate(hits, start=1):
            item = _hit_item(hit, nodes[hit.ref], rank)
            if hit.ref.label is Label.CAMPAIGN and hit.ref.id in totals:
                item.facts.update(_outcome_facts(totals[hit.ref.id]))
            if item.node_id not in seen:
                seen.add(item.node_id)
                items.append(item)
            for extra in expansions.get(hit.ref, []):
                if extra.node_id not in seen:
                    seen.add(extra.node_id)
                    items.append(extra)
        return ContextBundle(query=query, mode=used_mode, dense_model=dense_model, items=items)

    def _search(
        self,
        query: str,
        k: int,
        brand_id: str | list[str] | None,
        kinds: Sequence[str] | None,
        mode: SearchMode,
    ) -> list[Hit]:
        """The index's hits, from the cache while the index has not changed."""
        version = self.index.version
        brands = brand_id if brand_id is None or isinstance(brand_id, str) else tuple(brand_id)
        key = (query, k, brands, None if kinds is None else tuple(kinds), mode)
        if version is not None:
            cached = self._hits.get(key, version)
            if cached is not None:
                return cached
        hits = self.index.search(query, k=k, brand_id=brand_id, kinds=kinds, mode=mode)
        if version is not None:
            self._hits.put(key, version, hits)
        return hits

    def _expand(
        self, hits: Sequence[Hit], brand_id: str | list[str] | None
    ) -> dict[NodeRef, list[ContextItem]]:
        """Campaigns using each asset hit (with outcomes), and decisions citing any hit."""
        wanted: Directions = {RelType.USES: "in", RelType.BASED_ON: "in"}
        edges = self.graph.incident_edges([h.ref for h in hits], 25, directions=wanted)
        by_hit: dict[NodeRef, list[NodeRef]] = {}
        for edge in edges:
            by_hit.setdefault(edge.dst, []).append(edge.src)
        linked = {r for refs in by_hit.values() for r in refs}
        nodes = {n.ref: n for n in self.graph.get_nodes(sorted(linked, key=str))}
        if brand_id is not None:  # expansions never cross the brand filter either
            allowed = {brand_id} if isinstance(brand_id, str) else set(brand_id)
            nodes = {r: n for r, n in nodes.items() if _brand_of(n) in allowed | {None}}
        campaigns = [r.id for r in nodes if r.label is Label.CAMPAIGN]
        totals = self._totals(campaigns)
        out: dict[NodeRef, list[ContextItem]] = {}
        for hit in hits:
            for ref in by_hit.get(hit.ref, []):
                node = nodes.get(ref)
                if node is None:
                    continue
                out.setdefault(hit.ref, []).append(_linked_item(node, hit, totals.get(ref.id)))
        return out

    def _totals(self, campaign_ids: list[str]) -> dict[str, OutcomeTotals]:
        if not campaign_ids:
            return {}
        query = OutcomeQuery(campaign_ids=campaign_ids, group_by=("campaign_id",))
        return {t.campaign_id or "": t for t in self.graph.aggregate_outcomes(query)}


def _outcome_facts(totals: OutcomeTotals) -> dict[str, Any]:
    return {
        "spend": round(totals.spend, 2),
        "revenue": round(totals.revenue, 2),
        "conversions": totals.conversions,
        "roas": None if totals.roas is None else round(totals.roas, 4),
    }


def _brand_of(node: Node) -> str | None:
    if node.label is Label.BRAND:
        return node.id
    value = node.properties.get("brand_id")
    return str(value) if value is not None else None


def _summary(node: Node) -> dict[str, Any]:
    return {k: node.properties[k] for k in _SUMMARY_KEYS if k in node.properties}


def _hit_item(hit: Hit, node: Node, rank: int) -> ContextItem:
    lists = ", ".join(f"{name} #{r}" for name, r in sorted(hit.ranks.items())) or "search"
    return ContextItem(
        node_id=str(hit.ref),
        label=hit.ref.label.value,
        kind=hit.kind,
        title=hit.title,
        score=round(hit.score, 6),
        reason=f"matched the query (rank {rank}; {lists})",
        facts=_summary(node),
    )


def _linked_item(node: Node, hit: Hit, totals: OutcomeTotals | None) -> ContextItem:
    facts = _summary(node)
    if node.label is Label.CAMPAIGN:
        reason = f"campaign that used {hit.ref}"
        if totals is not None:
            facts.update(_outcome_facts(totals))
    else:
        reason = f"decision that cited {hit.ref}"
        facts.update(
            {k: node.properties[k] for k in ("created_at", "agent") if k in node.properties}
        )
    title = str(
        node.properties.get("name")
        or node.properties.get("title")
        or node.properties.get("kind", "")
    )
    return ContextItem(
        node_id=str(node.ref),
        label=node.label.value,
        kind=node.label.value.lower(),
        title=title,
        score=round(hit.score, 6),
        reason=reason,
        via=str(hit.ref),
        facts=facts,
    )
