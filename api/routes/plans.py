"""Plans: allocate a budget from the graph, wait at the gate, execute, version, roll back."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from agents.planner.storage import list_plans as plan_versions
from api.deps import Approver, Planner, ServicesDep, Viewer
from api.schemas.plans import (
    PlanCreate,
    PlanPublic,
    PlanStatus,
    PlanSummary,
    ReplanCreate,
    RollbackCreate,
    VerdictCreate,
)
from api.scope import ScopeDep
from graph.models import NodeRef
from graph.schema import Label
from workflows import plans

router = APIRouter(prefix="/v1", tags=["plans"])

_CREATE_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"description": "invalid request, unknown brand, infeasible constraints, no curves"},
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such plan"}}
_STATE: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such plan (or version)"},
    409: {"description": "the plan is not in a state that allows this"},
}


@router.post("/plans", response_model=PlanPublic, responses=_CREATE_ERRORS)
async def create_plan(
    body: PlanCreate, services: ServicesDep, user: Planner, scope: ScopeDep
) -> PlanPublic:
    """Turn a brief into a plan version that waits at its approval gate."""
    scope.check_brand(body.brand_id)
    plan = await run_in_threadpool(plans.create_plan, services, body, user.name)
    return PlanPublic.of(plan)


@router.get("/plans", response_model=list[PlanSummary])
async def list_plans(
    services: ServicesDep,
    _: Viewer,
    scope: ScopeDep,
    brand_id: str | None = Query(default=None, description="only this brand's plans"),
    status: Annotated[PlanStatus | None, Query(description="only plans with this status")] = None,
    limit: int = Query(default=100, ge=1, le=1000),
) -> list[PlanSummary]:
    """Plan versions, newest first."""
    brands = scope.brand_filter(brand_id)
    nodes = await run_in_threadpool(plan_versions, services.graph, brands, status, limit)
    return [PlanSummary.of(n) for n in nodes]


@router.get("/plans/{plan_id}", response_model=PlanPublic, responses=_NOT_FOUND)
async def get_plan(plan_id: str, services: ServicesDep, _: Viewer, scope: ScopeDep) -> PlanPublic:
    """A plan version with its allocations, tasks, versions, approvals and status."""
    await scope.guard(NodeRef(label=Label.PLAN, id=plan_id), "plan")
    return PlanPublic.of(await run_in_threadpool(plans.show_plan, services, plan_id))


@router.post("/plans/{plan_id}/approve", response_model=PlanPublic, responses=_STATE)
async def approve_plan(
    plan_id: str, body: VerdictCreate, services: ServicesDep, user: Approver, scope: ScopeDep
) -> PlanPublic:
    """Approve a plan version waiting at its gate (the approver is the key's owner)."""
    await scope.guard(NodeRef(label=Label.PLAN, id=plan_id), "plan")
    plan = await run_in_threadpool(
        plans.decide_plan, services, plan_id, "approved", user.name, user.role, body.comment
    )
    return PlanPublic.of(plan)


@router.post("/plans/{plan_id}/reject", response_model=PlanPublic, responses=_STATE)
async def reject_plan(
    plan_id: str, body: VerdictCreate, services: ServicesDep, user: Approver, scope: ScopeDep
) -> PlanPublic:
    """Reject a plan version waiting at its gate."""
    await scope.guard(NodeRef(label=Label.PLAN, id=plan_id), "plan")
    plan = await run_in_threadpool(
        plans.decide_plan, services, plan_id, "rejected", user.name, user.role, body.comment
    )
    return PlanPublic.of(plan)


@router.post("/plans/{plan_id}/execute", response_model=PlanPublic, responses=_STATE)
async def execute_plan(
    plan_id: str, services: ServicesDep, user: Planner, scope: ScopeDep
) -> PlanPublic:
    """Hand an approved plan to the execution agents; 409 unless it is approved."""
    await scope.guard(NodeRef(label=Label.PLAN, id=plan_id), "plan")
    plan = await run_in_threadpool(plans.execute_plan, services, plan_id, user.name)
    return PlanPublic.of(plan)


@router.post("/plans/{plan_id}/replan", response_model=PlanPublic, responses=_STATE)
async def replan_plan(
    plan_id: str, body: ReplanCreate, services: ServicesDep, user: Planner, scope: ScopeDep
) -> PlanPublic:
    """A new version on fresh curves, with the changes given; it waits at the gate."""
    await scope.guard(NodeRef(label=Label.PLAN, id=plan_id), "plan")
    plan = await run_in_threadpool(plans.replan, services, plan_id, body.changes(), user.name)
    return PlanPublic.of(plan)


@router.post("/plans/{plan_id}/rollback", response_model=PlanPublic, responses=_STATE)
async def rollback_plan(
    plan_id: str, body: RollbackCreate, services: ServicesDep, user: Approver, scope: ScopeDep
) -> PlanPublic:
    """A new version equal to an earlier one, recorded as a decision; it waits at the gate."""
    await scope.guard(NodeRef(label=Label.PLAN, id=plan_id), "plan")
    plan = await run_in_threadpool(plans.rollback, services, plan_id, body.to_version, user.name)
    return PlanPublic.of(plan)
