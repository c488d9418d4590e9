"""The webhook outbox: what waits for delivery, what failed, and retrying it by hand."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from agents.channels.outbox import EntryStatus, OutboxEntry, get_entry, list_entries, retry_entry
from api.deps import Planner, ServicesDep, Viewer
from api.schemas.outbox import OutboxEntryPublic, OutboxListPublic
from api.scope import ScopeDep
from graph.models import NodeRef
from graph.schema import Label

router = APIRouter(prefix="/v1", tags=["outbox"])

_RETRY_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such outbox entry"},
    409: {"description": "the entry is being delivered, or was delivered already"},
}


@router.get("/outbox", response_model=OutboxListPublic)
async def get_outbox(
    services: ServicesDep,
    _: Viewer,
    scope: ScopeDep,
    status: Annotated[EntryStatus | None, Query(description="only entries in this state")] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="at most this many")] = 100,
) -> OutboxListPublic:
    """Actions waiting for webhook delivery or failed at it, oldest first."""

    def listed() -> list[OutboxEntry]:
        entries = list_entries(services.graph, status)
        if not scope.limited:
            return entries
        seen = {n.id for n in scope.visible(services.graph.get_nodes([e.ref for e in entries]))}
        return [e for e in entries if e.id in seen]

    entries = await run_in_threadpool(listed)
    return OutboxListPublic(
        entries=[OutboxEntryPublic.of(e) for e in entries[:limit]], total=len(entries)
    )


@router.post("/outbox/{entry_id}/retry", response_model=OutboxEntryPublic, responses=_RETRY_ERRORS)
async def retry_outbox_entry(
    entry_id: str, services: ServicesDep, caller: Planner, scope: ScopeDep
) -> OutboxEntryPublic:
    """Send a failed entry again now, with a fresh count of attempts."""
    by = f"api:{caller.name}"

    def retry() -> OutboxEntry:
        if scope.limited:
            entry = get_entry(services.graph, entry_id)
            scope.require_ref(NodeRef(label=Label.EXECUTION, id=entry.id), "outbox entry")
        return retry_entry(services.graph, entry_id, by)

    return OutboxEntryPublic.of(await run_in_threadpool(retry))
