"""Hybrid search over the team's texts, expanded through the graph."""

from __future__ import annotations

from fastapi import APIRouter, Response
from starlette.concurrency import run_in_threadpool

from api.deps import ServicesDep, Viewer
from api.schemas.search import SearchCreate, SearchPublic
from api.scope import ScopeDep
from graph.models import NodeRef
from retrieval.retriever import ContextBundle

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

    def find() -> ContextBundle:
        bundle = services.retriever.search(
            body.query,
            k=body.k,
            brand_id=brands[0] if brands and len(brands) == 1 else brands,
            kinds=body.kinds,
            mode=body.mode,
        )
        if not scope.limited:
            return bundle
        # The index filtered by brand already; the graph has the last word on every item.
        refs = [NodeRef.parse(i.node_id) for i in bundle.items]
        seen = {str(n.ref) for n in scope.visible(services.graph.get_nodes(refs))}
        bundle.items = [i for i in bundle.items if i.node_id in seen]
        return bundle

    def answer() -> bytes:
        return SearchPublic.of(find()).model_dump_json().encode()

    return Response(await run_in_threadpool(answer), media_type="application/json")
