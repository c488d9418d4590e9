"""Campaign planning and budget allocation: how plans did against what they forecast.

For every plan version of the brand that was handed to execution (it has ``executed_at``):

- **forecast ROAS**: the plan's expected ROAS with its 90 % interval (from the curves), next
  to the **actual ROAS** of its lines (revenue / spend of its channel × audience pairs on
  the plan's days so far) and whether the actual falls inside the interval;
- **budget adherence**: actual spend over the budget planned to date (the plan's budget
  spread evenly over its days; 1.0 is on plan, the figure counts days up to ``as_of``);
- **cost per lead**: spend over the leads of the brand's campaigns on the plan's channels
  created on those days (Lead nodes; outcome rows' ``leads`` count when a source reports
  leads only as numbers);
- **plan-to-execution cycle time**: hours from the plan's creation to its hand-over, split
  into the wait at the gate (creation to the verdict) and after it;
- **status as of the day**: ``scheduled`` before its first day, ``running`` on its days,
  ``completed`` after them (or once the validation agent completed it), in the brand's
  time zone (:func:`graph.views.plan_phase`), and its **spend to date**: the spend of the
  outcome rows linked to the plan's own executions (``RESULT_OF``) up to that day, which
  no other plan on the same lines can add to.

Each figure carries the nodes it came from: the plan, its allocations, the approval, the
outcome rows (as the pairs and days that re-derive them, capped) and the leads.
"""

from __future__ import annotations

import json
import statistics
from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel, Field

from graph.base import GraphStore
from graph.models import Node, NodeRef, OutcomeQuery
from graph.query import In
from graph.schema import Label, RelType
from graph.views import AllocationView, PlanStatus, PlanView
from reports._graph import campaigns, moment
from reports.base import DEFAULT_LINEAGE_LIMIT, Kpi, Kpis, Window
from reports.errors import check_inputs
from reports.plan_runs import PlanRun, plan_runs


class PlanPerformance(BaseModel):
    plan_id: str
    version: int
    status: PlanStatus = Field(
        description="as of the report's day: scheduled, running or completed (superseded, "
        "stopped when its run was ended)"
    )
    scheduled_for: date | None = Field(
        default=None, description="its first day, while it waits for it"
    )
    start: date
    end: date
    days_elapsed: int = Field(description="plan days up to as_of (0 before it starts)")
    budget: float
    planned_to_date: float
    spend: float = Field(description="spend on the plan's lines (channel × audience) on its days")
    spend_to_date: float = Field(
        description="spend of the outcomes linked to the plan's executions, up to as_of"
    )
    revenue: float
    leads: int
    forecast_roas: float | None
    forecast_low: float | None
    forecast_high: float | None
    actual_roas: float | None
    within_forecast: bool | None
    budget_adherence: float | None
    cost_per_lead: float | None
    cycle_hours: float | None = Field(description="creation to hand-over to execution")
    gate_hours: float | None = Field(description="creation to the gate's verdict")


class PlanningReport(BaseModel):
    brand_id: str
    window: Window
    kpis: list[Kpi]
    plans: list[PlanPerformance]


def planning_kpis(
    store: GraphStore,
    *,
    brand_id: str,
    as_of: datetime | None = None,
    lineage_limit: int = DEFAULT_LINEAGE_LIMIT,
) -> PlanningReport:
    """Forecast vs actual ROAS, budget adherence, cost per lead and cycle time per plan."""
    check_inputs(moments={"as_of": as_of})
    as_of = as_of or datetime.now(UTC)
    owned = campaigns(store, brand_id)  # also checks the brand exists
    kpis = Kpis(lineage_limit)
    plans = []
    for node in store.find_all(Label.PLAN, {"brand_id": brand_id}):
        plan = PlanView.from_node(node)
        executed = moment(plan.executed_at)
        if executed is not None and executed <= as_of:
            plans.append(plan)
    plans.sort(key=lambda p: str(p.executed_at))
    runs = plan_runs(store, plans, as_of)
    leads = list(store.find_all(Label.LEAD, {"campaign_id": In(owned)}))
    rows: list[PlanPerformance] = []
    refs: dict[str, list[NodeRef]] = {"roas": [], "adherence": [], "cpl": [], "cycle": []}
    for plan in plans:
        row, used = _one(store, plan, runs[plan.id], leads, as_of)
        rows.append(row)
        for key in refs:
            refs[key].extend(used)
    with_roas = [r for r in rows if r.actual_roas is not None and r.forecast_roas is not None]
    spent = sum(r.spend for r in rows)
    planned = sum(r.planned_to_date for r in rows)
    lead_total = sum(r.leads for r in rows)
    cycles = [r.cycle_hours for r in rows if r.cycle_hours is not None]
    gates = [r.gate_hours for r in rows if r.gate_hours is not None]
    revenue = sum(r.revenue for r in rows)
    report_kpis = [
        kpis.kpi(
            "forecast_roas",
            _mean([r.forecast_roas for r in with_roas]),
            "ratio",
            refs["roas"],
            n=len(with_roas),
            method="mean of the plans' expected ROAS (curves, 90 % intervals per plan)",
        ),
        kpis.kpi(
            "actual_roas",
            revenue / spent if spent > 0 else None,
            "ratio",
            refs["roas"],
            n=len(with_roas),
            method="revenue / spend of the plans' lines on their days so far",
        ),
        kpis.kpi(
            "forecast_hit_rate",
            _mean([1.0 if r.within_forecast else 0.0 for r in with_roas]),
            "share",
            refs["roas"],
            n=len(with_roas),
            method="share of plans whose actual ROAS lies in their forecast interval",
        ),
        kpis.kpi(
            "budget_adherence",
            spent / planned if planned > 0 else None,
            "share",
            refs["adherence"],
            n=len(rows),
            method="actual spend / budget planned to date (even daily spend), all plans",
        ),
        kpis.kpi(
            "cost_per_lead",
            spent / lead_total if lead_total > 0 else None,
            "money",
            refs["cpl"],
            n=lead_total,
            method="spend on the plans' lines / leads on their channels and days",
        ),
        kpis.kpi(
            "plan_to_execution_hours",
            statistics.median(cycles) if cycles else None,
            "hours",
            refs["cycle"],
            n=len(cycles),
            method="median hours from a plan's creation to its hand-over to execution",
        ),
        kpis.kpi(
            "approval_wait_hours",
            statistics.median(gates) if gates else None,
            "hours",
            refs["cycle"],
            n=len(gates),
            method="median hours from a plan's creation to the verdict at its gate",
        ),
    ]
    window = Window(
        start=min((r.start for r in rows), default=None),
        end=max((r.end for r in rows), default=None),
        as_of=as_of,
    )
    return PlanningReport(brand_id=brand_id, window=window, kpis=report_kpis, plans=rows)


def _one(
    store: GraphStore,
    plan: PlanView,
    run: PlanRun,
    leads: list[Node],
    as_of: datetime,
) -> tuple[PlanPerformance, list[NodeRef]]:
    plan_ref = plan.ref
    start = date.fromisoformat(str(plan.start_date))
    end = date.fromisoformat(str(plan.end_date))
    days = plan.days or (end - start).days + 1
    last = min(end, as_of.date())
    elapsed = max(0, (last - start).days + 1)
    budget = plan.budget
    parts = store.incident_edges([plan_ref], 2000, {RelType.PART_OF: "in"})
    members = store.get_nodes([e.src for e in parts])
    allocations = [AllocationView.from_node(n) for n in members if n.label is Label.ALLOCATION]
    pairs = {(a.channel_id, a.audience_id) for a in allocations}
    channels = sorted({c for c, _ in pairs})
    spend = revenue = outcome_leads = 0.0
    if elapsed > 0 and pairs:
        query = OutcomeQuery(
            brand_id=plan.brand_id,
            channel_ids=channels,
            start=start,
            end=last,
            group_by=("channel_id", "audience_id"),
        )
        for t in store.aggregate_outcomes(query):
            if (t.channel_id, t.audience_id) in pairs:
                spend += t.spend
                revenue += t.revenue
                outcome_leads += t.leads
    lead_refs = []
    for lead in leads:
        props = lead.properties
        created = moment(props.get("created_at"))
        if (
            created is not None
            and props.get("channel_id") in channels
            and start <= created.date() <= last
        ):
            lead_refs.append(NodeRef(Label.LEAD, str(props["id"])))
    lead_count = len(lead_refs) or round(outcome_leads)
    kpi = _json(plan.kpis)
    forecast = _float(kpi.get("target_roas"))
    low, high = _float(kpi.get("roas_low")), _float(kpi.get("roas_high"))
    actual = revenue / spend if spend > 0 else None
    planned = budget * elapsed / days if days > 0 else 0.0
    created = moment(plan.created_at)
    executed = moment(plan.executed_at)
    decided = moment(plan.decided_at)
    row = PlanPerformance(
        plan_id=plan.id,
        version=plan.version,
        status=run.status,
        scheduled_for=run.scheduled_for,
        start=start,
        end=end,
        days_elapsed=elapsed,
        budget=round(budget, 2),
        planned_to_date=round(planned, 2),
        spend=round(spend, 2),
        spend_to_date=run.spend_to_date,
        revenue=round(revenue, 2),
        leads=lead_count,
        forecast_roas=forecast,
        forecast_low=low,
        forecast_high=high,
        actual_roas=None if actual is None else round(actual, 4),
        within_forecast=None
        if actual is None or low is None or high is None
        else low <= actual <= high,
        budget_adherence=round(spend / planned, 4) if planned > 0 else None,
        cost_per_lead=round(spend / lead_count, 2) if lead_count and spend > 0 else None,
        cycle_hours=_hours(created, executed),
        gate_hours=_hours(created, decided),
    )
    used = [plan_ref, *(a.ref for a in allocations), *lead_refs, *run.outcomes]
    return row, used


def _hours(a: datetime | None, b: datetime | None) -> float | None:
    if a is None or b is None:
        return None
    return round((b - a) / timedelta(hours=1), 3)


def _mean(values: list[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.fmean(present) if present else None


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _json(value: object) -> dict[str, object]:
    if isinstance(value, str):
        loaded = json.loads(value)
        return loaded if isinstance(loaded, dict) else {}
    return dict(value) if isinstance(value, dict) else {}
