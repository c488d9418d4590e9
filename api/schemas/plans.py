"""Plan request and the plan it answers with."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from agents.planner.plan import PlanConstraints, PlanLine, PlanRequest, PlanResult

__all__ = ["AllocationPublic", "ExpectedPublic", "PlanConstraints", "PlanCreate", "PlanPublic"]


class PlanCreate(PlanRequest):
    """A plan request: the brand, a budget over dates, an objective and optional limits."""


class ExpectedPublic(BaseModel):
    revenue: float = Field(description="expected revenue of the line over the period")
    conversions: float = Field(description="expected conversions of the line over the period")
    roas: float = Field(description="expected revenue per unit of budget")
    low: float = Field(description="low end of the objective's interval (90%) over the period")
    high: float = Field(description="high end of the objective's interval (90%) over the period")


class AllocationPublic(BaseModel):
    channel_id: str = Field(description="the channel of the line")
    audience_id: str = Field(description="the audience of the line")
    budget: float = Field(description="the line's budget over the period, in cents precision")
    expected: ExpectedPublic = Field(description="what the line is expected to bring")

    @classmethod
    def of(cls, line: PlanLine) -> AllocationPublic:
        return cls(
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
        )


class PlanPublic(BaseModel):
    id: str = Field(description="the Plan node's id")
    version: int = Field(description="version of the plan (1 when created)")
    status: str = Field(description="draft, approved, rejected, executing…")
    brand_id: str = Field(description="the brand planned for")
    budget: float = Field(description="total budget; the allocations add up to it")
    start_date: str = Field(description="first day (inclusive)")
    end_date: str = Field(description="last day (inclusive)")
    objective: str = Field(description="what the allocation maximises")
    allocations: list[AllocationPublic] = Field(description="lines, by budget descending")
    tasks: list[dict[str, Any]] = Field(description="agent tasks with their dependencies")
    kpis: dict[str, Any] = Field(description="targets from the expected totals, with a window")
    exit_criteria: list[dict[str, Any]] = Field(description="when to stop a line or re-plan")
    rationale: str = Field(description="why, citing the top allocations")
    decision_id: str = Field(description="the Decision that produced the plan")

    @classmethod
    def of(cls, plan: PlanResult) -> PlanPublic:
        return cls(
            id=plan.id,
            version=plan.version,
            status=plan.status,
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
            decision_id=plan.decision_id,
        )
