"""What the web console reads: the caller, brands, campaigns with totals and trends, alerts."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from graph.models import Node, OutcomeTotals

TrendMetric = Literal["spend", "revenue", "conversions", "clicks", "impressions", "leads", "roas"]
TREND_METRICS: tuple[TrendMetric, ...] = (
    "spend",
    "revenue",
    "conversions",
    "clicks",
    "impressions",
    "leads",
    "roas",
)


class MePublic(BaseModel):
    """The caller behind the presented key."""

    name: str = Field(description="the key's name (who or what it is for)")
    role: str = Field(description="viewer, analyst, planner, approver or admin")
    brands: list[str] | None = Field(description="the brands the key is limited to; null: all")
    key_id: str | None = Field(description="the key's public handle (a prefix of its hash)")
    capabilities: list[str] = Field(description="what the role may do: read, plan, approve…")


class BrandChannelPublic(BaseModel):
    """A channel the brand has outcomes on: one a plan can put money on."""

    id: str
    node_id: str = Field(description="Label:id of the Channel node")
    name: str
    kind: str | None = Field(default=None, description="paid_search, paid_social, email…")

    @classmethod
    def of(cls, node: Node) -> BrandChannelPublic:
        kind = node.properties.get("kind")
        return cls(
            id=node.id,
            node_id=str(node.ref),
            name=str(node.properties.get("name") or node.id),
            kind=str(kind) if kind else None,
        )


class BrandPublic(BaseModel):
    id: str
    node_id: str = Field(description="Label:id of the Brand node")
    name: str
    currency: str | None = None

    @classmethod
    def of(cls, node: Node) -> BrandPublic:
        currency = node.properties.get("currency")
        return cls(
            id=node.id,
            node_id=str(node.ref),
            name=str(node.properties.get("name") or node.id),
            currency=str(currency) if currency else None,
        )


class TotalsPublic(BaseModel):
    """Outcome sums over the campaign's rows (in the window asked for, if any)."""

    rows: int = Field(description="outcome rows summed")
    spend: float
    revenue: float
    conversions: float
    clicks: float
    impressions: float
    leads: float
    roas: float | None = Field(description="revenue / spend; null without spend")

    @classmethod
    def of(cls, t: OutcomeTotals | None) -> TotalsPublic:
        t = t or OutcomeTotals()
        return cls(
            rows=t.rows,
            spend=round(t.spend, 2),
            revenue=round(t.revenue, 2),
            conversions=t.conversions,
            clicks=t.clicks,
            impressions=t.impressions,
            leads=t.leads,
            roas=None if t.roas is None else round(t.roas, 4),
        )


class CampaignSummary(BaseModel):
    """A campaign with its outcome totals."""

    id: str
    node_id: str = Field(description="Label:id of the Campaign node")
    brand_id: str | None
    name: str
    objective: str | None = None
    status: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    budget: float | None = None
    totals: TotalsPublic

    @classmethod
    def of(cls, node: Node, totals: OutcomeTotals | None) -> CampaignSummary:
        p = node.properties

        def text(key: str) -> str | None:
            value = p.get(key)
            return None if value is None else str(value)

        budget = p.get("budget")
        return cls(
            id=node.id,
            node_id=str(node.ref),
            brand_id=text("brand_id"),
            name=str(p.get("name") or node.id),
            objective=text("objective"),
            status=text("status"),
            start_date=text("start_date"),
            end_date=text("end_date"),
            budget=float(budget) if isinstance(budget, int | float) else None,
            totals=TotalsPublic.of(totals),
        )


class CurrencyTotalsPublic(BaseModel):
    """Outcome totals of the matching campaigns of the brands that use one currency."""

    currency: str | None = Field(description="ISO 4217 code; null for brands without one")
    brands: list[str] = Field(description="the brands whose campaigns are summed here")
    campaigns: int = Field(description="matching campaigns of those brands")
    totals: TotalsPublic


class CampaignTotalsPublic(BaseModel):
    """How many campaigns match a listing, and their totals per currency."""

    count: int = Field(description="campaigns matching (as X-Total-Count of the list)")
    currencies: list[CurrencyTotalsPublic] = Field(
        description="one entry per currency, largest spend first"
    )


class TrendPublic(BaseModel):
    """Daily outcome series of one campaign: one value per day and metric."""

    campaign_id: str
    node_id: str = Field(description="Label:id of the Campaign node")
    start: str | None = Field(description="first day of the series (null: no outcomes)")
    end: str | None = Field(description="last day of the series (null: no outcomes)")
    dates: list[str] = Field(description="every day from start to end, in order")
    series: dict[str, list[float | None]] = Field(
        description="per metric, one value per day (0 without outcomes; ROAS null without spend)"
    )
    totals: TotalsPublic = Field(description="sums over the window")


class AlertSummary(BaseModel):
    """An Alert node: what went wrong, how badly, and what it is about."""

    id: str
    node_id: str = Field(description="Label:id of the Alert node (ask /v1/lineage why)")
    kind: str | None = Field(description="drift, sla_breach, handoff_degraded, kpi…")
    severity: str | None = Field(description="warning or critical")
    status: str | None = Field(description="open, or what became of it")
    message: str | None = None
    brands: list[str] = Field(description="the brands the alert belongs to")
    plan_id: str | None = None
    subject: str | None = Field(default=None, description="the node it is about, Label:id")
    created_at: str | None = None
    properties: dict[str, Any] = Field(description="every property of the node")

    @classmethod
    def of(cls, node: Node, brands: frozenset[str] | None) -> AlertSummary:
        p = node.properties

        def text(key: str) -> str | None:
            value = p.get(key)
            return None if value is None else str(value)

        return cls(
            id=node.id,
            node_id=str(node.ref),
            kind=text("kind"),
            severity=text("severity"),
            status=text("status"),
            message=text("message"),
            brands=sorted(brands or ()),
            plan_id=text("plan_id"),
            subject=text("subject"),
            created_at=text("created_at"),
            properties=p,
        )
