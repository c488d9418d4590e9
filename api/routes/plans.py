"""Plans: allocate a budget from the graph, wait at the gate, execute, version, roll back."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from agents.planner.models import PlanResult
from api import plan_names
from api.deps import Approver, Planner, ServicesDep, Viewer
from api.plan_names import PlanRef
from api.schemas.plans import (
    PlanCreate,
    PlanPublic,
    PlanStatusFilter,
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
    return await _public(services, plan)


@router.get("/plans", response_model=list[PlanSummary])
async def list_plans(
    services: ServicesDep,
    _: Viewer,
    scope: ScopeDep,
    brand_id: str | None = Query(default=None, description="only this brand's plans"),
    status: Annotated[
        PlanStatusFilter | None,
        Query(
            description="only plans with this stored status, or with this run status today "
            "(scheduled, running, completed: completed plans and handed-over plans past "
            "their last day)"
        ),
    ] = None,
    limit: int = Query(default=100, ge=1, le=1000),
) -> list[PlanSummary]:
    """Plan versions, newest first (by created_at), each with what it is today."""
    brands = scope.brand_filter(brand_id)
    found = await run_in_threadpool(plans.list_plans, services, brands, status, limit)
    refs = [plan_names.ref_of(n) for n, _ in found]
    named = await run_in_threadpool(plan_names.names, services.graph, refs)
    return [PlanSummary.of(n, name, run) for (n, run), name in zip(found, named, strict=True)]


@router.get("/plans/{plan_id}", response_model=PlanPublic, responses=_NOT_FOUND)
async def get_plan(plan_id: str, services: ServicesDep, _: Viewer, scope: ScopeDep) -> PlanPublic:
    """A plan version with its allocations, tasks, versions, approvals and status."""
    await scope.guard(NodeRef(label=Label.PLAN, id=plan_id), "plan")
    return await _public(services, await run_in_threadpool(plans.show_plan, services, plan_id))


@router.post("/plans/{plan_id}/approve", response_model=PlanPublic, responses=_STATE)
async def approve_plan(
    plan_id: str, body: VerdictCreate, services: ServicesDep, user: Approver, scope: ScopeDep
) -> PlanPublic:
    """Approve a plan version waiting at its gate (the approver is the key's owner)."""
    await scope.guard(NodeRef(label=Label.PLAN, id=plan_id), "plan")
    plan = await run_in_threadpool(
        plans.decide_plan,
        services,
        plan_id,
        "approved",
        user.name,
        user.role,
        body.comment,
        user.key_id,
    )
    return await _public(services, plan)


@router.post("/plans/{plan_id}/reject", response_model=PlanPublic, responses=_STATE)
async def reject_plan(
    plan_id: str, body: VerdictCreate, services: ServicesDep, user: Approver, scope: ScopeDep
) -> PlanPublic:
    """Reject a plan version waiting at its gate."""
    await scope.guard(NodeRef(label=Label.PLAN, id=plan_id), "plan")
    plan = await run_in_threadpool(
        plans.decide_plan,
        services,
        plan_id,
        "rejected",
        user.name,
        user.role,
        body.comment,
        user.key_id,
    )
    return await _public(services, plan)


@router.post("/plans/{plan_id}/execute", response_model=PlanPublic, responses=_STATE)
async def execute_plan(
    plan_id: str, services: ServicesDep, user: Planner, scope: ScopeDep
) -> PlanPublic:
    """Hand an approved plan to the execution agents; 409 unless it is approved."""
    await scope.guard(NodeRef(label=Label.PLAN, id=plan_id), "plan")
    plan = await run_in_threadpool(plans.execute_plan, services, plan_id, user.name)
    return await _public(services, plan)


@router.post("/plans/{plan_id}/replan", response_model=PlanPublic, responses=_STATE)
async def replan_plan(
    plan_id: str, body: ReplanCreate, services: ServicesDep, user: Planner, scope: ScopeDep
) -> PlanPublic:
    """A new version on fresh curves, with the changes given; it waits at the gate."""
    await scope.guard(NodeRef(label=Label.PLAN, id=plan_id), "plan")
    plan = await run_in_threadpool(
        partial(plans.replan, services, plan_id, body.changes(), user.name, reason=body.reason)
    )
    return await _public(services, plan)


@router.post("/plans/{plan_id}/rollback", response_model=PlanPublic, responses=_STATE)
async def rollback_plan(
    plan_id: str, body: RollbackCreate, services: ServicesDep, user: Approver, scope: ScopeDep
) -> PlanPublic:
    """A new version equal to an earlier one, recorded as a decision; it waits at the gate."""
    await scope.guard(NodeRef(label=Label.PLAN, id=plan_id), "plan")
    plan = await run_in_threadpool(plans.rollback, services, plan_id, body.to_version, user.name)
    return await _public(services, plan)


async def _public(services: ServicesDep, plan: PlanResult) -> PlanPublic:
    """The plan as answered, named after its brief (with the brief's text)."""

    def read() -> tuple[str, str | None]:
        ref = PlanRef(
            plan.brief_id, plan.brand_id, plan.start_date.isoformat(), plan.end_date.isoformat()
        )
        [name] = plan_names.names(services.graph, [ref])
        brief = (
            services.graph.get_node(NodeRef(label=Label.BRIEF, id=plan.brief_id))
            if plan.brief_id
            else None
        )
        return name, (str(brief.properties.get("text") or "") or None) if brief else None

    name, brief = await run_in_threadpool(read)
    return PlanPublic.of(plan, name=name, brief=brief)
