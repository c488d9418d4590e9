"""Read the graph: lineage, decisions, campaign context."""

from __future__ import annotations

import functools
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from api.deps import GraphDep, ServicesDep, Viewer
from api.schemas.graph import (
    CampaignContextPublic,
    SubgraphPublic,
)
from api.scope import ScopeDep
from api.services import Services
from graph.lineage import MAX_DEPTH
from graph.models import NodeRef
from graph.schema import Label
from ingest.records import AssetKind
from workflows.campaigns import campaign_context as read_campaign
from workflows.search import lineage as lineage_of

ASSET_KINDS = [k.value for k in AssetKind]

router = APIRouter(prefix="/v1", tags=["graph"])
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such node"}}


@router.get("/lineage/{node_id}", response_model=SubgraphPublic, responses=_NOT_FOUND)
async def lineage(
    node_id: str,
    services: ServicesDep,
    _: Viewer,
    scope: ScopeDep,
    direction: Annotated[
        Literal["up", "down"], Query(description="up: causes; down: effects")
    ] = "up",
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = 3,
    limit: Annotated[int, Query(ge=1, le=5000, description="most nodes returned")] = 500,
) -> SubgraphPublic:
    """The nodes and edges that led to (up) or followed from (down) a node, within a budget
    of nodes (``limit``), edges read and time; a walk that stops early says why."""

    def guard(ref: NodeRef) -> None:
        scope.require_ref(ref, "node")

    sub = await run_in_threadpool(
        functools.partial(
            lineage_of,
            services,
            node_id,
            direction,
            depth,
            limit,
            brands=scope.brands,
            guard=guard,
            seconds=services.settings.lineage_seconds,
        )
    )
    return SubgraphPublic.of(sub)


@router.get("/decisions/{decision_id}", response_model=SubgraphPublic, responses=_NOT_FOUND)
async def decision(decision_id: str, graph: GraphDep, _: Viewer, scope: ScopeDep) -> SubgraphPublic:
    """A decision with its agent, evidence, approvals and effects (its direct edges)."""
    ref = NodeRef(label=Label.DECISION, id=decision_id)

    def read() -> SubgraphPublic:
        scope.require_ref(ref, "decision")
        return SubgraphPublic.of(scope.subgraph(graph.get_neighbourhood(ref, 500)))

    return await run_in_threadpool(read)


@router.get(
    "/campaigns/{campaign_id}/context", response_model=CampaignContextPublic, responses=_NOT_FOUND
)
async def campaign_context(
    campaign_id: str,
    services: ServicesDep,
    _: Viewer,
    scope: ScopeDep,
    start: Annotated[date | None, Query(description="first day of outcome totals")] = None,
    end: Annotated[date | None, Query(description="last day of outcome totals")] = None,
) -> Response:
    """The campaign with its brand, audiences, channels, assets, outcome totals and decisions."""
    key = (campaign_id, start, end, scope.brands)

    def build() -> bytes:
        # Kept while neither the graph nor the index changed (nor the caller's brands).
        stamp = _stamp(services)
        if stamp is not None:
            cached = services.context_cache.get(key, stamp)
            if cached is not None:
                return cached
        view = read_campaign(
            services,
            campaign_id,
            start,
            end,
            guard=lambda ref: scope.require_ref(ref, "campaign"),
            visible=scope.visible,
        )
        data = CampaignContextPublic.of(view).model_dump_json().encode()
        if stamp is not None and view.retrieval_available:
            services.context_cache.put(key, stamp, data)
        return data

    return Response(await run_in_threadpool(build), media_type="application/json")


def _stamp(services: Services) -> tuple[object, int] | None:
    """What a cached context depends on: the graph's data and the index's points."""
    graph_version = services.graph.data_version()
    index_version = services.index.version
    if graph_version is None or index_version is None:
        return None
    return graph_version, index_version
