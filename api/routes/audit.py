"""The audit chain: verify that no decision, approval or execution was changed behind the
store's back (admins only: the answer lists every record and can take a while)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.concurrency import run_in_threadpool

from api.auth import Principal
from api.deps import ServicesDep, require
from api.schemas.audit import AuditReportPublic
from api.scope import ScopeDep
from graph.audit import verify_chain

router = APIRouter(
    prefix="/v1/audit",
    tags=["audit"],
    responses={403: {"description": "not an admin, or an admin key limited to brands"}},
)

Admin = Annotated[Principal, Depends(require("admin"))]


@router.get("/verify", response_model=AuditReportPublic)
async def verify_audit_chain(services: ServicesDep, _: Admin, scope: ScopeDep) -> AuditReportPublic:
    """Walk the audit chain and report every record edited, deleted or cut from its edges."""
    scope.require_unlimited("the audit chain")  # its findings name records of every brand
    report = await run_in_threadpool(verify_chain, services.graph)
    return AuditReportPublic.of(report)
