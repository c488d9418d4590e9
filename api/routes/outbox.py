"""The webhook outbox: what waits for delivery, what failed, and retrying it by hand."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from agents.execution.outbox import EntryStatus, list_entries, retry_entry
from api.deps import Planner, ServicesDep, Viewer
from api.schemas.outbox import OutboxEntryPublic, OutboxListPublic

router = APIRouter(prefix="/v1", tags=["outbox"])

_RETRY_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such outbox entry"},
    409: {"description": "the entry is being delivered, or was delivered already"},
}


@router.get("/outbox", response_model=OutboxListPublic)
async def get_outbox(
    services: ServicesDep,
    _: Viewer,
    status: Annotated[EntryStatus | None, Query(description="only entries in this state")] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="at most this many")] = 100,
) -> OutboxListPublic:
    """Actions waiting for webhook delivery or failed at it, oldest first."""
    entries = await run_in_threadpool(list_entries, services.graph, status)
    return OutboxListPublic(
        entries=[OutboxEntryPublic.of(e) for e in entries[:limit]], total=len(entries)
    )


@router.post("/outbox/{entry_id}/retry", response_model=OutboxEntryPublic, responses=_RETRY_ERRORS)
async def retry_outbox_entry(
    entry_id: str, services: ServicesDep, caller: Planner
) -> OutboxEntryPublic:
    """Send a failed entry again now, with a fresh count of attempts."""
    by = f"api:{caller.name}"
    return OutboxEntryPublic.of(await run_in_threadpool(retry_entry, services.graph, entry_id, by))
