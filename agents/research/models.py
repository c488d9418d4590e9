"""The research brief and its parts: every finding carries the graph nodes behind it.

A :class:`Citation` names one node (``Label:id``) and why it is cited; the decision that
produced the brief is ``BASED_ON`` every cited node, so the lineage of any number in the
brief reaches its outcome rows, assets or external sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from graph.models import Node
from retrieval.sparse import tokenize

Metric = Literal["roas", "conversion_rate", "ctr"]
Family = Literal["brand", "channel", "audience", "hook", "topic"]
_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,199}$"


class ResearchRequest(BaseModel):
    """What to research: a topic (or brief) for a brand, and how far back to look."""

    brand_id: str = Field(min_length=1, max_length=200, description="the brand researched for")
    topic: str = Field(min_length=1, max_length=2000, description="the topic or brief, in words")
    brief_id: str | None = Field(
        default=None,
        pattern=_ID_PATTERN,
        description="an existing Brief to research, or the id to give a new one",
    )
    brief: str | None = Field(
        default=None, max_length=10_000, description="the brief's full text, when it is new"
    )
    window_days: int = Field(
        default=120, ge=28, le=730, description="days of outcomes the trend tests look at"
    )
    as_of: date | None = Field(
        default=None, description="last day of the window (default: the brand's last outcome)"
    )
    metric: Metric = Field(
        default="roas",
        description="performance measure trended: roas (revenue/spend), conversion_rate "
        "(conversions/clicks) or ctr (clicks/impressions)",
    )
    fdr: float = Field(
        default=0.1, gt=0, le=0.5, description="false discovery rate over all series tested"
    )
    k: int = Field(default=8, ge=1, le=50, description="items retrieved per competitor")
    external: bool = Field(
        default=True, description="also ask the configured external tools (web, analytics)"
    )

    @field_validator("topic")
    @classmethod
    def _searchable(cls, value: str) -> str:
        value = " ".join(value.split())
        if not tokenize(value):
            raise ValueError("needs at least one word to search for (not only stop words)")
        return value


class Citation(BaseModel):
    """One graph node a finding rests on."""

    node_id: str = Field(description="Label:id of the node")
    title: str | None = Field(default=None, description="its title or name, if any")
    score: float | None = Field(default=None, description="how much it counted (0-1)")
    reason: str = Field(description="why it is cited")


class DataPoint(BaseModel):
    """A number with the outcome rows or documents behind it."""

    label: str
    value: float
    unit: str = Field(description="ratio, currency code, count, percent or per_30_days")
    detail: str = Field(description="the number in a sentence")
    rows: int = Field(default=0, description="outcome rows behind the number")
    query: dict[str, Any] | None = Field(
        default=None, description="the outcome filter that re-derives the rows"
    )
    evidence: list[Citation] = Field(default_factory=list)


class CompetitorAngle(BaseModel):
    """A cluster of competitor copy that pushes the same angle, named by its key phrases."""

    label: str
    key_phrases: list[str]
    competitors: list[str] = Field(description="brand ids of the competitors using it")
    competitor_names: list[str]
    offers: list[str] = Field(description="offer sentences of the cluster's copy")
    share: float = Field(description="share of the competitors' on-topic items in the cluster")
    evidence: list[Citation]


class LlmAngle(BaseModel):
    """An angle as the model described it, with the item ids it cited."""

    label: str
    description: str
    citations: list[str] = Field(default_factory=list)


class CompetitorSummary(BaseModel):
    """What competitors say on the topic: model-written from cited items, or extractive."""

    text: str
    written_by: Literal["llm", "extractive"]
    model: str | None = None
    angles: list[LlmAngle] = Field(default_factory=list)
    evidence: list[Citation] = Field(default_factory=list)
    dropped_citations: list[str] = Field(
        default_factory=list, description="ids the model cited that were not retrieved"
    )


class Absence(BaseModel):
    """Where the brand or a competitor is absent on the topic."""

    kind: Literal["brand_absent", "competitors_absent", "competitor_silent"]
    phrase: str
    competitors: list[str]
    detail: str
    evidence: list[Citation] = Field(default_factory=list)


class Trend(BaseModel):
    """A series whose performance rises or falls, by a Mann-Kendall test after BH control."""

    family: Family
    key: str
    label: str
    direction: Literal["rising", "falling"]
    metric: Metric
    baseline: Literal["rest_of_brand", "none"] = Field(
        description="rest_of_brand: relative to the rest of the brand on the same days; "
        "none: absolute"
    )
    change_per_30_days: float = Field(description="Sen's slope as a relative change per 30 days")
    change_low: float
    change_high: float
    z: float
    p: float
    q: float = Field(description="Benjamini-Hochberg q-value over every series tested")
    days: int
    rows: int
    window_start: date
    window_end: date
    on_topic: bool = False
    detail: str
    query: dict[str, Any]
    evidence: list[Citation]


class AudienceInsight(BaseModel):
    audience_id: str
    name: str
    roas: float | None
    brand_roas: float | None
    spend_share: float
    rows: int
    trend: str | None = None
    on_topic: bool = False
    detail: str
    evidence: list[Citation]


class SuggestedAngle(BaseModel):
    rank: int
    angle: str
    reason: str
    score: float
    basis: list[str]
    evidence: list[Citation]


class ExternalFinding(BaseModel):
    """One result of an external tool, stored as a Source node."""

    tool: str
    title: str
    snippet: str
    url: str | None
    value: float | None = None
    metric: str | None = None
    source: Citation


class TrendMethod(BaseModel):
    test: str
    version: str
    metric: Metric
    fdr: float
    window_days: int
    series_tested: int
    series_skipped: int
    families: dict[str, int]


class ResearchBrief(BaseModel):
    """The structured research brief handed to the planner and the content agent."""

    id: str
    brand_id: str
    brand_name: str
    topic: str
    brief_id: str
    created_at: datetime
    as_of: date | None
    window_start: date | None
    window_end: date | None
    summary: str
    data_points: list[DataPoint] = Field(default_factory=list)
    competitor_angles: list[CompetitorAngle] = Field(default_factory=list)
    competitor_summary: CompetitorSummary | None = None
    absences: list[Absence] = Field(default_factory=list)
    trending_hooks: list[Trend] = Field(default_factory=list)
    trends: list[Trend] = Field(default_factory=list)
    audience_insights: list[AudienceInsight] = Field(default_factory=list)
    suggested_angles: list[SuggestedAngle] = Field(default_factory=list)
    external: list[ExternalFinding] = Field(default_factory=list)
    method: TrendMethod | None = None
    notes: list[str] = Field(default_factory=list)
    competitor_ids: list[str] = Field(
        default_factory=list, description="brand ids of the competitors whose copy it drew on"
    )


@dataclass(frozen=True)
class ResearchBriefResult:
    """What a research run wrote: the ResearchBrief id (for the planner to cite), the
    decision, the Brief, the brief itself and every node written (to index)."""

    id: str
    decision_id: str
    brief_id: str
    brief: ResearchBrief
    written: list[Node] = field(default_factory=list)
