"""Plans: a deterministic budget allocation over the brand's response curves."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from agents.planner.plan import load_plan, make_plan
from api.deps import Planner, ServicesDep, Viewer
from api.schemas.plans import PlanCreate, PlanPublic

router = APIRouter(prefix="/v1", tags=["plans"])

_CREATE_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"description": "invalid request, infeasible constraints or no response curves"},
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such plan"}}


@router.post("/plans", response_model=PlanPublic, responses=_CREATE_ERRORS)
async def create_plan(body: PlanCreate, services: ServicesDep, _: Planner) -> PlanPublic:
    """Fit the brand's curves, allocate the budget and record the plan as a decision."""
    return PlanPublic.of(await run_in_threadpool(make_plan, services.graph, body))


@router.get("/plans/{plan_id}", response_model=PlanPublic, responses=_NOT_FOUND)
async def get_plan(plan_id: str, services: ServicesDep, _: Viewer) -> PlanPublic:
    """A plan with its allocations, version and status."""
    return PlanPublic.of(await run_in_threadpool(load_plan, services.graph, plan_id))
