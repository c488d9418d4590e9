"""Use-case requests; the reports themselves are the models of reports.

Each report's KPIs carry their lineage (the graph nodes they were computed from, as
``Label:id``), so the models are the public schema as they are.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from reports import (
    AlertsRecorded,
    CalendarReport,
    CreativeReport,
    HandoffReport,
    RoutingConfig,
    RoutingResult,
    SlaReport,
)

__all__ = [
    "AlertsRecorded",
    "CalendarReport",
    "CreativeReport",
    "HandoffAlertsRequest",
    "HandoffReport",
    "RouteRequest",
    "RoutingResult",
    "SlaAlertsRequest",
    "SlaReport",
]


class RouteRequest(BaseModel):
    config: RoutingConfig = Field(description="rules in order, owner capacities, the SLA")
    brand_id: str | None = Field(default=None, description="route this brand's leads")
    lead_ids: list[str] | None = Field(
        default=None, description="route just these leads (default: every unassigned open lead)"
    )
    start: date | None = Field(default=None, description="leads created on or after")
    end: date | None = Field(default=None, description="leads created on or before")
    as_of: datetime | None = Field(default=None, description="default: now")
    dry_run: bool = Field(default=False, description="propose assignments, write nothing")


class SlaAlertsRequest(BaseModel):
    brand_id: str | None = None
    start: date | None = None
    end: date | None = None
    sla_minutes: int = Field(default=60, gt=0, le=525_600)
    as_of: datetime | None = None


class HandoffAlertsRequest(BaseModel):
    brand_id: str | None = None
    end: date | None = None
    recent_days: int = Field(default=28, gt=0, le=3650)
    baseline_days: int = Field(default=90, gt=0, le=3650)
    sla_minutes: int = Field(default=60, gt=0, le=525_600)
    alpha: float = Field(default=0.05, gt=0, lt=1)
    min_leads: int = Field(default=10, ge=2, le=1_000_000)
    as_of: datetime | None = None
