"""The marketing use cases: lead SLA and routing, content calendar, creative tests, handoff."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from api.deps import Analyst, Planner, ServicesDep, Viewer
from api.schemas.usecases import (
    AlertsRecorded,
    CalendarReport,
    CreativeReport,
    HandoffAlertsRequest,
    HandoffReport,
    RouteRequest,
    RoutingResult,
    SlaAlertsRequest,
    SlaReport,
)
from api.scope import ScopeDep
from reports import content_calendar, creative_tests, handoff_health, lead_sla
from reports.creative import Metric
from reports.planning import PlanningReport
from workflows.reports import handoff_alerts as record_handoff_alerts
from workflows.reports import planning as planning_report
from workflows.reports import route, sla_alerts

router = APIRouter(prefix="/v1/usecases", tags=["use cases"])

Brand = Annotated[str | None, Query(description="one brand's data (default: every brand)")]
NeedBrand = Annotated[str, Query(description="the brand")]
Start = Annotated[date | None, Query(description="first day, inclusive")]
End = Annotated[date | None, Query(description="last day, inclusive")]
AsOf = Annotated[datetime | None, Query(description="the moment to compute for (default: now)")]
Limit = Annotated[
    int, Query(ge=0, le=100_000, description="most node ids listed per KPI's lineage")
]
_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "unknown brand"},
    422: {"description": "bad parameters (end before start, negative SLA…)"},
}


@router.get("/leads/sla", response_model=SlaReport, responses=_ERRORS)
async def leads_sla(
    services: ServicesDep,
    _: Viewer,
    scope: ScopeDep,
    brand_id: Brand = None,
    start: Start = None,
    end: End = None,
    sla_minutes: Annotated[int, Query(gt=0, le=525_600, description="the response SLA")] = 60,
    as_of: AsOf = None,
    lineage_limit: Limit = 200,
) -> SlaReport:
    """Lead response time, SLA compliance, conversion rate and breaches, by owner and channel."""
    return await run_in_threadpool(
        lead_sla,
        services.graph,
        brand_id=scope.one_brand(brand_id),
        start=start,
        end=end,
        sla_minutes=sla_minutes,
        as_of=as_of,
        lineage_limit=lineage_limit,
    )


@router.post("/leads/sla/alerts", response_model=AlertsRecorded, responses=_ERRORS)
async def leads_sla_alerts(
    body: SlaAlertsRequest, services: ServicesDep, _: Analyst, scope: ScopeDep
) -> AlertsRecorded:
    """Record an Alert for each open SLA breach (one Decision by the sla-monitor)."""
    body = body.model_copy(update={"brand_id": scope.one_brand(body.brand_id)})
    report_and_alerts = await run_in_threadpool(lambda: sla_alerts(services, **body.model_dump()))
    return report_and_alerts[1]


@router.post("/leads/route", response_model=RoutingResult, responses=_ERRORS)
async def leads_route(
    body: RouteRequest, services: ServicesDep, _: Planner, scope: ScopeDep
) -> RoutingResult:
    """Route unassigned leads by the rules and capacities given; each assignment is recorded
    as a lead_routing Decision that produced a response Task."""
    return await run_in_threadpool(
        route,
        services,
        body.config,
        brand_id=scope.one_brand(body.brand_id),
        lead_ids=body.lead_ids,
        start=body.start,
        end=body.end,
        as_of=body.as_of,
        dry_run=body.dry_run,
    )


@router.get("/content-calendar", response_model=CalendarReport, responses=_ERRORS)
async def content(
    services: ServicesDep,
    _: Viewer,
    scope: ScopeDep,
    brand_id: NeedBrand,
    start: Start = None,
    end: End = None,
    gap_days: Annotated[int, Query(ge=1, le=3650, description="a longer silence is a gap")] = 21,
    as_of: AsOf = None,
    lineage_limit: Limit = 200,
) -> CalendarReport:
    """Cadence per business unit and channel, throughput, gaps, collisions, localisation."""
    return await run_in_threadpool(
        content_calendar,
        services.graph,
        brand_id=scope.check_brand(brand_id),
        start=start,
        end=end,
        gap_days=gap_days,
        as_of=as_of,
        lineage_limit=lineage_limit,
    )


@router.get("/creative-tests", response_model=CreativeReport, responses=_ERRORS)
async def creative(
    services: ServicesDep,
    _: Viewer,
    scope: ScopeDep,
    brand_id: NeedBrand,
    start: Start = None,
    end: End = None,
    metric: Annotated[Metric, Query(description="result_rate, ctr or cvr")] = "result_rate",
    as_of: AsOf = None,
    lineage_limit: Limit = 200,
) -> CreativeReport:
    """Creative tests found in the outcomes: lift by variant with intervals, cost per result."""
    return await run_in_threadpool(
        creative_tests,
        services.graph,
        brand_id=scope.check_brand(brand_id),
        start=start,
        end=end,
        metric=metric,
        as_of=as_of,
        lineage_limit=lineage_limit,
    )


@router.get("/handoff", response_model=HandoffReport, responses=_ERRORS)
async def handoff(
    services: ServicesDep,
    _: Viewer,
    scope: ScopeDep,
    brand_id: Brand = None,
    end: End = None,
    recent_days: Annotated[int, Query(gt=0, le=3650)] = 28,
    baseline_days: Annotated[int, Query(gt=0, le=3650)] = 90,
    sla_minutes: Annotated[int, Query(gt=0, le=525_600)] = 60,
    alpha: Annotated[float, Query(gt=0, lt=1)] = 0.05,
    min_leads: Annotated[int, Query(ge=2, le=1_000_000)] = 10,
    as_of: AsOf = None,
    lineage_limit: Limit = 200,
) -> HandoffReport:
    """Response and stage-progression times by source; sources whose handoff degraded."""
    return await run_in_threadpool(
        handoff_health,
        services.graph,
        brand_id=scope.one_brand(brand_id),
        end=end,
        recent_days=recent_days,
        baseline_days=baseline_days,
        sla_minutes=sla_minutes,
        alpha=alpha,
        min_leads=min_leads,
        as_of=as_of,
        lineage_limit=lineage_limit,
    )


@router.post("/handoff/alerts", response_model=AlertsRecorded, responses=_ERRORS)
async def handoff_alerts(
    body: HandoffAlertsRequest, services: ServicesDep, _: Analyst, scope: ScopeDep
) -> AlertsRecorded:
    """Record an Alert for each degraded source (one Decision by the handoff-monitor)."""
    body = body.model_copy(update={"brand_id": scope.one_brand(body.brand_id)})
    report_and_alerts = await run_in_threadpool(
        lambda: record_handoff_alerts(services, **body.model_dump())
    )
    return report_and_alerts[1]


@router.get("/planning", response_model=PlanningReport, responses=_ERRORS)
async def planning(
    services: ServicesDep,
    _: Viewer,
    scope: ScopeDep,
    brand_id: NeedBrand,
    as_of: AsOf = None,
    lineage_limit: Limit = 200,
) -> PlanningReport:
    """Executed plans against their forecasts: ROAS, budget adherence, cost per lead, cycle."""
    return await run_in_threadpool(
        planning_report,
        services,
        brand_id=scope.check_brand(brand_id),
        as_of=as_of,
        lineage_limit=lineage_limit,
    )
