"""Past campaigns a plan's rationale cites, each with its measured ROAS.

The retriever chooses first: campaigns it found, or reached from the assets it found
(campaigns that USE them), with their outcome totals. When it found fewer than
``PAST_CAMPAIGNS`` campaigns with measured spend (no index, a plain plan with no brief, a
brief about something new), the graph adds the brand's campaigns that spent most on the
plan's channels. A brief, research brief or plan is never cited as past work: the plan's
own brief is cited as its brief.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from graph.base import GraphStore
from graph.models import NodeRef, OutcomeQuery
from graph.schema import Label
from retrieval.retriever import ContextItem

PAST_CAMPAIGNS = 3  # campaigns the rationale cites


def measured(item: ContextItem) -> bool:
    """A campaign item with outcomes: spend and a ROAS to cite."""
    spend, roas = item.facts.get("spend"), item.facts.get("roas")
    return (
        item.label == Label.CAMPAIGN.value
        and isinstance(spend, int | float)
        and spend > 0
        and isinstance(roas, int | float)
    )


def past_campaigns(
    store: GraphStore,
    context: Sequence[ContextItem],
    brand_id: str,
    channel_ids: Sequence[str],
    limit: int = PAST_CAMPAIGNS,
) -> list[ContextItem]:
    """Up to ``limit`` measured campaigns: the retriever's first, then the graph's."""
    chosen: dict[str, ContextItem] = {}
    for item in context:
        if measured(item) and item.node_id not in chosen:
            chosen[item.node_id] = item
    if len(chosen) < limit:
        for item in _by_spend(store, brand_id, channel_ids, limit + len(chosen)):
            chosen.setdefault(item.node_id, item)
    return list(chosen.values())[:limit]


def _by_spend(
    store: GraphStore, brand_id: str, channel_ids: Sequence[str], limit: int
) -> list[ContextItem]:
    """The brand's campaigns that spent most on ``channel_ids``, with their own totals."""
    if not channel_ids:
        return []
    on_channels = store.aggregate_outcomes(
        OutcomeQuery(brand_id=brand_id, channel_ids=sorted(channel_ids), group_by=("campaign_id",))
    )
    ranked = sorted(
        (t for t in on_channels if t.campaign_id and t.spend > 0),
        key=lambda t: (-t.spend, t.campaign_id or ""),
    )[:limit]
    if not ranked:
        return []
    ids = [t.campaign_id for t in ranked if t.campaign_id]
    overall = {
        t.campaign_id: t
        for t in store.aggregate_outcomes(OutcomeQuery(campaign_ids=ids, group_by=("campaign_id",)))
    }
    nodes = {n.id: n for n in store.get_nodes([NodeRef(label=Label.CAMPAIGN, id=i) for i in ids])}
    total = sum(t.spend for t in ranked)
    out = []
    for t in ranked:
        node, own = nodes.get(t.campaign_id or ""), overall.get(t.campaign_id)
        if node is None or own is None or own.roas is None:
            continue
        facts: dict[str, Any] = {
            "spend": round(own.spend, 2),
            "revenue": round(own.revenue, 2),
            "conversions": own.conversions,
            "roas": round(own.roas, 4),
        }
        out.append(
            ContextItem(
                node_id=str(node.ref),
                label=Label.CAMPAIGN.value,
                kind="campaign",
                title=str(node.properties.get("name") or node.id),
                score=round(t.spend / total, 6),
                reason="the brand's campaign with the most spend on the plan's channels",
                facts=facts,
            )
        )
    return out
