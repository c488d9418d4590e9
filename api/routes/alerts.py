"""Alerts the agents raised (drift, SLA breaches, degraded hand-offs), newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from api.deps import GraphDep, Viewer
from api.schemas.campaigns import AlertSummary
from api.scope import ScopeDep
from graph.query import Condition
from graph.schema import Label
from graph.scope import brands_of, visible

router = APIRouter(prefix="/v1", tags=["alerts"])

_PAGE = 500  # alerts read at a time, newest first, until enough are visible to the key


@router.get("/alerts", response_model=list[AlertSummary])
async def list_alerts(
    graph: GraphDep,
    _: Viewer,
    scope: ScopeDep,
    brand_id: Annotated[
        str | None, Query(description="only this brand's alerts (default: every brand)")
    ] = None,
    status: Annotated[
        str | None, Query(max_length=64, description="only alerts in this status, e.g. open")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="at most this many")] = 100,
) -> list[AlertSummary]:
    """Alert nodes, newest first, each with the brands it belongs to."""
    allowed = scope.brand_filter(brand_id)

    def read() -> list[AlertSummary]:
        where: dict[str, Condition] = {"status": status} if status else {}
        out: list[AlertSummary] = []
        offset, page = 0, max(limit, _PAGE)
        while len(out) < limit:
            nodes = graph.find(
                Label.ALERT,
                where,
                order_by="created_at",
                descending=True,
                limit=page,
                offset=offset,
            )
            brands = brands_of(graph, nodes)
            out += [
                AlertSummary.of(n, brands[n.ref]) for n in nodes if visible(brands[n.ref], allowed)
            ]
            if len(nodes) < page:
                break
            offset += page
        return out[:limit]

    return await run_in_threadpool(read)
