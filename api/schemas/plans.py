"""Plan requests, gate verdicts and the plan they answer with."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from agents.planner.models import (
    ChannelTotal,
    PlanConstraints,
    PlanLine,
    PlanRequest,
    PlanResult,
)
from graph.models import Node
from graph.views import PlanStatus as GraphPlanStatus
from reports.plan_runs import PlanRun

__all__ = [
    "AllocationPublic",
    "ApprovalPublic",
    "ChannelTotalPublic",
    "ExpectedPublic",
    "GateItem",
    "PlanConstraints",
    "PlanCreate",
    "PlanPublic",
    "PlanStatus",
    "PlanStatusFilter",
    "PlanSummary",
    "PlanWarningPublic",
    "ReplanCreate",
    "RollbackCreate",
    "VerdictCreate",
    "VersionPublic",
]


class PlanCreate(PlanRequest):
    """A plan request: the brand, a budget over dates, an objective and optional limits."""


class ReplanCreate(BaseModel):
    """What changes in a new version; every field left out is kept from the plan."""

    model_config = ConfigDict(extra="forbid")

    budget: Decimal | None = Field(default=None, gt=0, decimal_places=2)
    start_date: date | None = None
    end_date: date | None = None
    objective: Literal["revenue", "conversions"] | None = None
    brief: str | None = Field(default=None, max_length=10_000)
    channel_ids: list[str] | None = None
    exclude_channels: list[str] | None = None
    audience_ids: list[str] | None = None
    constraints: PlanConstraints | None = None
    min_line_budget: Decimal | None = Field(
        default=None, ge=0, decimal_places=2, description="the least budget of any line"
    )
    reason: str = Field(default="re-planned", max_length=500, description="why, in words")

    def changes(self) -> dict[str, Any]:
        data = self.model_dump(mode="json", exclude_unset=True, exclude={"reason"})
        return {k: v for k, v in data.items() if v is not None}


class RollbackCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to_version: int = Field(ge=1, description="the version whose allocations come back")


class VerdictCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str | None = Field(default=None, max_length=2000, description="why, in words")


class ExpectedPublic(BaseModel):
    revenue: float = Field(description="expected revenue of the line over the period")
    conversions: float = Field(description="expected conversions of the line over the period")
    roas: float = Field(description="expected revenue per unit of budget")
    low: float = Field(description="low end of the objective's interval (90%) over the period")
    high: float = Field(description="high end of the objective's interval (90%) over the period")


class AllocationPublic(BaseModel):
    id: str = Field(description="the Allocation node (ask /v1/lineage/{id} why)")
    channel_id: str = Field(description="the channel of the line")
    audience_id: str = Field(description="the audience of the line")
    budget: float = Field(description="the line's budget over the period, in cents precision")
    expected: ExpectedPublic = Field(description="what the line is expected to bring")
    curve_id: str = Field(description="the ResponseCurve the expectation comes from")

    @classmethod
    def of(cls, line: PlanLine) -> AllocationPublic:
        return cls(
            id=line.allocation_id,
            channel_id=line.channel_id,
            audience_id=line.audience_id,
            budget=float(line.budget),
            expected=ExpectedPublic(
                revenue=line.revenue,
                conversions=line.conversions,
                roas=line.roas,
                low=line.low,
                high=line.high,
            ),
            curve_id=line.curve_id,
        )


class ChannelTotalPublic(BaseModel):
    channel_id: str = Field(description="the channel")
    budget: float = Field(description="the channel's lines summed")
    share: float = Field(description="the channel's part of the plan's budget (0 to 1)")
    lines: int = Field(description="how many lines the channel has")
    revenue: float = Field(description="expected revenue of the channel's lines")
    conversions: float = Field(description="expected conversions of the channel's lines")
    roas: float = Field(description="expected revenue per unit of the channel's budget")

    @classmethod
    def of(cls, total: ChannelTotal, budget: Decimal) -> ChannelTotalPublic:
        return cls(
            channel_id=total.channel_id,
            budget=float(total.budget),
            share=round(float(total.budget / budget), 4) if budget > 0 else 0.0,
            lines=total.lines,
            revenue=round(total.revenue, 2),
            conversions=round(total.conversions, 2),
            roas=total.roas,
        )


class PlanWarningPublic(BaseModel):
    code: str = Field(
        description="what kind of warning: outside_history (lines read their curves outside "
        "the daily spend they were fitted on), far_from_recent_spend (the plan's daily total "
        "is far from the brand's recent spend), far_from_recent_roas (the forecast ROAS is "
        "far from the one measured lately), min_line_above_budget (the minimum line is more "
        "than the budget, so it is cut and the plan runs the lines the budget pays for at "
        "it), min_line_lowered (the channel minimums needed a lower minimum line)"
    )
    message: str = Field(description="the warning in words")
    details: dict[str, Any] = Field(description="the figures behind it (lines, ranges, ratios)")


class VersionPublic(BaseModel):
    id: str
    version: int
    status: str
    created_at: str
    decision_id: str


class ApprovalPublic(BaseModel):
    id: str
    verdict: str
    approver: str = Field(description="the name of the key that gave the verdict")
    key_id: str | None = Field(default=None, description="the id of that key (key_…)")
    role: str | None = None
    comment: str | None = None
    created_at: str


# The statuses stored on plans (graph.views.STORED_PLAN_STATUSES; a unit test holds them
# equal): what GET /v1/plans filters on.
PlanStatus = Literal[
    "pending_approval", "approved", "rejected", "executing", "completed", "superseded", "stopped"
]
# What GET /v1/plans?status= accepts (workflows.plans.STATUS_FILTERS; a unit test holds
# them equal): the stored statuses, and the run statuses scheduled and running (completed
# is both: a plan completed, or handed over and past its last day).
PlanStatusFilter = Literal[
    "pending_approval",
    "approved",
    "rejected",
    "executing",
    "completed",
    "superseded",
    "stopped",
    "scheduled",
    "running",
]


class PlanSummary(BaseModel):
    id: str
    name: str = Field(description="the first sentence of its brief, else brand and dates")
    brief_id: str | None = None
    family: str
    version: int
    status: str = Field(
        description="the stored status (what the status filter matches, but for scheduled, "
        "running and completed, which match run_status)"
    )
    run_status: GraphPlanStatus | None = Field(
        default=None,
        description="once handed over, what it is today in its brand's time zone: scheduled, "
        "running or completed (as GET /v1/plans/{plan_id} says)",
    )
    scheduled_for: str | None = Field(
        default=None, description="while scheduled: its first day, when its budgets are set"
    )
    spend_to_date: float | None = Field(
        default=None,
        description="once handed over: spend of the outcomes linked to its executions so far",
    )
    brand_id: str
    budget: float
    start_date: str
    end_date: str
    created_at: str

    @classmethod
    def of(cls, n: Node, name: str, run: PlanRun | None = None) -> PlanSummary:
        p = n.properties
        brief = p.get("brief_id")
        handed = run if run is not None and run.handed_over else None
        return cls(
            id=n.id,
            name=name,
            brief_id=None if brief is None or brief == "" else str(brief),
            family=str(p.get("family", n.id)),
            version=int(p.get("version", 1)),
            status=str(p.get("status", "")),
            run_status=None if handed is None else handed.status,
            scheduled_for=None
            if handed is None or handed.scheduled_for is None
            else handed.scheduled_for.isoformat(),
            spend_to_date=None if handed is None else handed.spend_to_date,
            brand_id=str(p.get("brand_id", "")),
            budget=float(p.get("budget", 0.0)),
            start_date=str(p.get("start_date", "")),
            end_date=str(p.get("end_date", "")),
            created_at=str(p.get("created_at", "")),
        )


class PlanPublic(BaseModel):
    id: str = Field(description="the Plan node's id (this version)")
    name: str = Field(
        default="", description="the first sentence of its brief, else its brand and dates"
    )
    brief_id: str | None = Field(default=None, description="the Brief it was made from")
    brief: str | None = Field(default=None, description="the brief's text")
    family: str = Field(description="the plan across its versions (the first version's id)")
    version: int = Field(description="version of the plan (1 when created)")
    status: str = Field(
        description="pending_approval, approved, rejected, executing, superseded, completed"
    )
    run_status: GraphPlanStatus | None = Field(
        default=None,
        description="once handed over, what it is today in its brand's time zone: scheduled "
        "(before its first day: nothing is spent yet), running, or completed",
    )
    scheduled_for: str | None = Field(
        default=None,
        description="while scheduled: the day its budgets are set and its variants launched",
    )
    starts_at: str | None = Field(
        default=None,
        description="once handed over: the moment (UTC) its first day begins in its brand's "
        "time zone",
    )
    spend_to_date: float | None = Field(
        default=None,
        description="once handed over: spend of the outcomes linked to its executions so far",
    )
    brand_id: str = Field(description="the brand planned for")
    budget: float = Field(description="total budget; the allocations add up to it")
    start_date: str = Field(description="first day (inclusive)")
    end_date: str = Field(description="last day (inclusive)")
    objective: str = Field(description="what the allocation maximises")
    allocations: list[AllocationPublic] = Field(description="lines, by budget descending")
    tasks: list[dict[str, Any]] = Field(
        description="agent tasks with their owners, dependencies, SLA hours and status"
    )
    kpis: dict[str, Any] = Field(description="targets from the expected totals, with a window")
    exit_criteria: list[dict[str, Any]] = Field(description="when to stop a line or re-plan")
    rationale: str = Field(description="why, citing the top allocations and past work")
    citations: list[str] = Field(description="graph nodes the rationale cites")
    decision_id: str = Field(description="the Decision that produced this version")
    created_by: str | None = Field(description="who asked for this version")
    supersedes: str | None = Field(description="the version this one replaces")
    versions: list[VersionPublic] = Field(description="every version of the plan, oldest first")
    approvals: list[ApprovalPublic] = Field(description="verdicts at this version's gate")
    channels: list[ChannelTotalPublic] = Field(
        default_factory=list, description="the lines summed per channel, by budget descending"
    )
    warnings: list[PlanWarningPublic] = Field(
        default_factory=list,
        description="what to know before trusting the forecasts ({code, message, details})",
    )
    min_line_budget: float | None = Field(
        default=None, description="no line of the plan has less than this"
    )

    @classmethod
    def of(cls, plan: PlanResult, name: str = "", brief: str | None = None) -> PlanPublic:
        return cls(
            id=plan.id,
            name=name,
            brief_id=plan.brief_id,
            brief=brief,
            family=plan.family,
            version=plan.version,
            status=plan.status,
            run_status=None if plan.run_status is None else GraphPlanStatus(plan.run_status),
            scheduled_for=None if plan.scheduled_for is None else plan.scheduled_for.isoformat(),
            starts_at=plan.starts_at,
            spend_to_date=plan.spend_to_date,
            brand_id=plan.brand_id,
            budget=float(plan.budget),
            start_date=plan.start_date.isoformat(),
            end_date=plan.end_date.isoformat(),
            objective=plan.objective,
            allocations=[AllocationPublic.of(line) for line in plan.lines],
            tasks=plan.tasks,
            kpis=plan.kpis,
            exit_criteria=plan.exit_criteria,
            rationale=plan.rationale,
            citations=plan.citations,
            decision_id=plan.decision_id,
            created_by=plan.created_by,
            supersedes=plan.supersedes,
            versions=[VersionPublic(**v) for v in plan.versions],
            approvals=[
                ApprovalPublic(**{k: v for k, v in a.items() if v is not None})
                for a in plan.approvals
            ],
            channels=[ChannelTotalPublic.of(t, plan.budget) for t in plan.channels()],
            warnings=[PlanWarningPublic(**w) for w in plan.warnings],
            min_line_budget=None if plan.min_line_budget is None else float(plan.min_line_budget),
        )


class GateItem(BaseModel):
    """Something waiting for a human: what, why, who asked and what is needed."""

    decision_id: str = Field(description="approve or reject it at /v1/approvals/{decision_id}")
    subject: str = Field(description="what waits: Plan:ID or Task:ID")
    action: str = Field(description="plan, publish or budget_change")
    brand_id: str | None = None
    summary: str = Field(description="what it is, in words")
    requested_by: str | None = None
    requested_at: str | None = None
    approvals: int = Field(description="approvals so far")
    approvers_needed: int = Field(description="distinct approvers the policy asks for")
