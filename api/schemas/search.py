"""Search request and the cited context bundle it answers with."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from retrieval.retriever import ContextBundle, ContextItem


class SearchCreate(BaseModel):
    query: str = Field(min_length=1, max_length=2000, description="what to look for, in words")
    brand_id: str | None = Field(default=None, description="only this brand's items")
    k: int = Field(default=10, ge=1, le=100, description="how many texts to return")
    kinds: list[str] | None = Field(
        default=None, description="only these kinds (asset kinds, campaign, guideline, brief…)"
    )
    mode: Literal["hybrid", "sparse", "dense"] = Field(
        default="hybrid", description="hybrid fuses sparse (BM25) and dense candidates"
    )


class ContextItemPublic(BaseModel):
    node_id: str = Field(description="Label:id of the graph node")
    label: str
    kind: str
    title: str
    score: float = Field(description="fused retrieval score (expansions carry their hit's)")
    reason: str = Field(description="why the item is in the bundle")
    via: str | None = Field(default=None, description="the hit an expansion was reached from")
    facts: dict[str, Any] = Field(description="a few properties, outcome totals for campaigns")

    @classmethod
    def of(cls, item: ContextItem) -> ContextItemPublic:
        return cls(
            node_id=item.node_id,
            label=item.label,
            kind=item.kind,
            title=item.title,
            score=item.score,
            reason=item.reason,
            via=item.via,
            facts=item.facts,
        )


class SearchPublic(BaseModel):
    query: str
    mode: str = Field(description="hybrid, sparse-only (no embedding model) or dense")
    dense_model: str | None
    items: list[ContextItemPublic]

    @classmethod
    def of(cls, bundle: ContextBundle) -> SearchPublic:
        return cls(
            query=bundle.query,
            mode=bundle.mode,
            dense_model=bundle.dense_model,
            items=[ContextItemPublic.of(i) for i in bundle.items],
        )
