"""The approval queue: every decision waiting for a human, and the verdicts on them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.deps import Approver, ServicesDep, Viewer
from api.schemas.plans import GateItem, VerdictCreate
from api.scope import ScopeDep
from graph.models import NodeRef
from graph.schema import Label
from workflows import plans

router = APIRouter(prefix="/v1", tags=["approvals"])
_STATE: dict[int | str, dict[str, Any]] = {
    404: {"description": "nothing is gated by this decision"},
    409: {"description": "it is no longer waiting"},
    403: {"description": "the requester may not approve their own request"},
}


class VerdictPublic(BaseModel):
    decision_id: str
    status: str = Field(description="the subject's status after this verdict")
    approval_id: str | None = None
    approvals: int = Field(description="distinct approvers so far")


@router.get("/approvals", response_model=list[GateItem])
async def list_waiting(services: ServicesDep, _: Viewer, scope: ScopeDep) -> list[GateItem]:
    """Plans and tasks waiting at a gate, oldest first."""

    items = await run_in_threadpool(plans.approvals, services, scope.brands)
    return [GateItem(**item) for item in items]


@router.post("/approvals/{decision_id}/approve", response_model=VerdictPublic, responses=_STATE)
async def approve(
    decision_id: str, body: VerdictCreate, services: ServicesDep, user: Approver, scope: ScopeDep
) -> VerdictPublic:
    """Approve a gated decision (a plan, a publish, a budget change)."""
    await scope.guard(NodeRef(label=Label.DECISION, id=decision_id), "gated decision")
    return await _decide(decision_id, "approved", body, services, user.name, user.role)


@router.post("/approvals/{decision_id}/reject", response_model=VerdictPublic, responses=_STATE)
async def reject(
    decision_id: str, body: VerdictCreate, services: ServicesDep, user: Approver, scope: ScopeDep
) -> VerdictPublic:
    """Reject a gated decision."""
    await scope.guard(NodeRef(label=Label.DECISION, id=decision_id), "gated decision")
    return await _decide(decision_id, "rejected", body, services, user.name, user.role)


async def _decide(
    decision_id: str,
    verdict: str,
    body: VerdictCreate,
    services: ServicesDep,
    actor: str,
    role: str,
) -> VerdictPublic:
    state = await run_in_threadpool(
        plans.decide,
        services,
        decision_id,
        "approved" if verdict == "approved" else "rejected",
        actor,
        role,
        body.comment,
    )
    approved = {r.get("approver") for r in state.approvals if r.get("verdict") == "approved"}
    return VerdictPublic(
        decision_id=decision_id,
        status=state.status,
        approval_id=state.approval_id,
        approvals=len(approved),
    )
