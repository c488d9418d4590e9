"""Hybrid search over the team's texts, expanded through the graph."""

from __future__ import annotations

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from api.deps import ServicesDep, Viewer
from api.schemas.search import SearchCreate, SearchPublic
from api.scope import ScopeDep
from workflows.search import search as search_texts

router = APIRouter(prefix="/v1", tags=["search"])


@router.post(
    "/search",
    response_model=SearchPublic,
    responses={
        400: {"description": "dense search without a model"},
        503: {"description": "index down"},
    },
)
async def search(body: SearchCreate, services: ServicesDep, _: Viewer, scope: ScopeDep) -> Response:
    """Assets, campaigns, briefs, plans and guidelines matching a query, with their context."""
    brands = scope.brand_filter(body.brand_id)

    def answer() -> bytes:  # the search and the serialising in one thread hop
        bundle = search_texts(
            services,
            body.query,
            k=body.k,
            brand_id=brands[0] if brands and len(brands) == 1 else brands,
            kinds=body.kinds,
            mode=body.mode,
            visible_to=scope.brands,
        )
        return SearchPublic.of(bundle).model_dump_json().encode()

    return Response(await run_in_threadpool(answer), media_type="application/json")
