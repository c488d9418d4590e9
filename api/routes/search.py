"""Hybrid search over the team's texts, expanded through the graph."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from api.deps import ServicesDep, Viewer
from api.schemas.search import SearchCreate, SearchPublic

router = APIRouter(prefix="/v1", tags=["search"])


@router.post(
    "/search",
    response_model=SearchPublic,
    responses={
        400: {"description": "dense search without a model"},
        503: {"description": "index down"},
    },
)
async def search(body: SearchCreate, services: ServicesDep, _: Viewer) -> SearchPublic:
    """Assets, campaigns, briefs, plans and guidelines matching a query, with their context."""
    bundle = await run_in_threadpool(
        services.retriever.search,
        body.query,
        k=body.k,
        brand_id=body.brand_id,
        kinds=body.kinds,
        mode=body.mode,
    )
    return SearchPublic.of(bundle)
