"""Use-case workflows that write: SLA and handoff alerts, lead routing.

The read-only reports (lead SLA, content calendar, creative tests, handoff) are already
one function each in :mod:`reports`, called as they are; these are the actions on top of
them, each recorded as one decision. The planning report is read here on the
orchestrator's clock, the day every other view of a plan's status is on.
"""

from __future__ import annotations

from datetime import date, datetime

from reports import (
    AlertsRecorded,
    HandoffReport,
    PlanningReport,
    RoutingConfig,
    RoutingResult,
    SlaReport,
    handoff_health,
    lead_sla,
    planning_kpis,
    record_handoff_alerts,
    record_sla_alerts,
    route_leads,
)
from reports.base import DEFAULT_LINEAGE_LIMIT
from workflows.context import Context

BREACH_LIMIT = 10_000  # open breaches an alerting run looks at


def planning(
    ctx: Context,
    *,
    brand_id: str,
    as_of: datetime | None = None,
    lineage_limit: int = DEFAULT_LINEAGE_LIMIT,
) -> PlanningReport:
    """Executed plans against their forecasts, as of ``as_of`` (else the orchestrator's
    clock's moment, so its statuses are those the plan list and the plan show)."""
    moment = as_of or ctx.orchestrator.clock.now()
    return planning_kpis(ctx.graph, brand_id=brand_id, as_of=moment, lineage_limit=lineage_limit)


def sla_alerts(
    ctx: Context,
    *,
    brand_id: str | None = None,
    start: date | None = None,
    end: date | None = None,
    sla_minutes: int = 60,
    as_of: datetime | None = None,
    lineage_limit: int = 0,
) -> tuple[SlaReport, AlertsRecorded]:
    """The lead SLA report, and an Alert for each open breach (one sla-monitor decision)."""
    report = lead_sla(
        ctx.graph,
        brand_id=brand_id,
        start=start,
        end=end,
        sla_minutes=sla_minutes,
        as_of=as_of,
        lineage_limit=lineage_limit,
        breach_limit=BREACH_LIMIT,
    )
    return report, record_sla_alerts(ctx.graph, report)


def handoff_alerts(
    ctx: Context,
    *,
    brand_id: str | None = None,
    end: date | None = None,
    recent_days: int = 28,
    baseline_days: int = 90,
    sla_minutes: int = 60,
    alpha: float = 0.05,
    min_leads: int = 10,
    as_of: datetime | None = None,
    lineage_limit: int = 200,
) -> tuple[HandoffReport, AlertsRecorded]:
    """The handoff report, and an Alert per degraded source (one handoff-monitor decision)."""
    report = handoff_health(
        ctx.graph,
        brand_id=brand_id,
        end=end,
        recent_days=recent_days,
        baseline_days=baseline_days,
        sla_minutes=sla_minutes,
        alpha=alpha,
        min_leads=min_leads,
        as_of=as_of,
        lineage_limit=lineage_limit,
    )
    return report, record_handoff_alerts(ctx.graph, report)


def route(
    ctx: Context,
    config: RoutingConfig,
    *,
    brand_id: str | None = None,
    lead_ids: list[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    as_of: datetime | None = None,
    dry_run: bool = False,
) -> RoutingResult:
    """Route unassigned leads by rules and capacity; each assignment a lead_routing
    decision (nothing written with ``dry_run``)."""
    return route_leads(
        ctx.graph,
        config,
        brand_id=brand_id,
        lead_ids=lead_ids,
        start=start,
        end=end,
        as_of=as_of,
        dry_run=dry_run,
    )
