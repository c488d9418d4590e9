"""Graph-shaped responses: nodes, edges, subgraphs, campaign context."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from graph.models import Node, OutcomeTotals, Subgraph, TruncatedReason


class NodePublic(BaseModel):
    node_id: str = Field(description="Label:id of the graph node")
    label: str
    id: str
    properties: dict[str, Any]

    @classmethod
    def of(cls, node: Node) -> NodePublic:
        return cls(
            node_id=f"{node.label.value}:{node.id}",
            label=node.label.value,
            id=node.id,
            properties=node.properties,
        )


class EdgePublic(BaseModel):
    source: str = Field(description="Label:id of the start node")
    type: str
    target: str = Field(description="Label:id of the end node")
    properties: dict[str, Any]


class SubgraphPublic(BaseModel):
    root: str
    nodes: list[NodePublic]
    edges: list[EdgePublic]
    truncated: bool = Field(description="the walk stopped before it had seen everything")
    truncated_reason: TruncatedReason | None = Field(
        default=None,
        description="which budget of the walk was spent: nodes (the limit), edges read, "
        "or time; null when not truncated",
    )

    @classmethod
    def of(cls, sub: Subgraph) -> SubgraphPublic:
        return cls(
            root=str(sub.root),
            nodes=[NodePublic.of(n) for n in sub.nodes],
            edges=[
                EdgePublic(
                    source=str(e.src), type=e.type.value, target=str(e.dst), properties=e.properties
                )
                for e in sub.edges
            ],
            truncated=sub.truncated,
            truncated_reason=sub.truncated_reason,
        )


class ChannelTotalsPublic(BaseModel):
    node_id: str = Field(description="Label:id of the channel")
    channel_id: str
    rows: int
    spend: float
    revenue: float
    conversions: float
    roas: float | None = Field(description="revenue / spend; null without spend")

    @classmethod
    def of(cls, t: OutcomeTotals) -> ChannelTotalsPublic:
        channel = t.channel_id or ""
        return cls(
            node_id=f"Channel:{channel}",
            channel_id=channel,
            rows=t.rows,
            spend=round(t.spend, 2),
            revenue=round(t.revenue, 2),
            conversions=t.conversions,
            roas=None if t.roas is None else round(t.roas, 4),
        )


class SimilarPublic(BaseModel):
    node_id: str = Field(description="Label:id of the similar campaign or asset")
    title: str
    kind: str
    score: float = Field(description="retrieval score against this campaign's text")
    facts: dict[str, Any]


class RetrievalStatus(BaseModel):
    available: bool
    mode: str | None = Field(default=None, description="hybrid or sparse-only")
    reason: str | None = Field(default=None, description="why similar items are missing")


class CampaignContextPublic(BaseModel):
    campaign: NodePublic
    brand: NodePublic | None
    audiences: list[NodePublic]
    channels: list[NodePublic]
    assets: list[NodePublic]
    outcomes_by_channel: list[ChannelTotalsPublic]
    decisions: list[NodePublic]
    similar_campaigns: list[SimilarPublic] = Field(default_factory=list)
    similar_assets: list[SimilarPublic] = Field(default_factory=list)
    retrieval: RetrievalStatus
