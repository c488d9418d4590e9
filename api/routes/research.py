"""Research: a structured research brief for a topic, from the graph, the index and tools."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool

from agents.research import load_research_brief
from api.deps import Researcher, ServicesDep, Viewer
from api.schemas.research import ResearchCreate, ResearchPublic
from api.scope import ScopeDep
from graph.models import NodeRef
from graph.schema import Label
from workflows.research import run_research

router = APIRouter(prefix="/v1", tags=["research"])

_CREATE_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"description": "no such brand"},
    409: {"description": "the brief id names another brand's brief"},
    422: {"description": "invalid request"},
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {404: {"description": "no such research brief"}}


@router.post("/research", response_model=ResearchPublic, responses=_CREATE_ERRORS)
async def create_research(
    body: ResearchCreate, services: ServicesDep, _: Researcher, scope: ScopeDep
) -> ResearchPublic:
    """Research a topic for a brand and record the research brief as a decision."""
    scope.check_brand(body.brand_id)
    return ResearchPublic.of(await run_in_threadpool(run_research, services, body, scope.brands))


@router.get("/research/{research_id}", response_model=ResearchPublic, responses=_NOT_FOUND)
async def get_research(
    research_id: str, services: ServicesDep, _: Viewer, scope: ScopeDep
) -> ResearchPublic:
    """A stored research brief (for a key limited to brands: only one that quotes none
    outside them)."""
    await scope.guard(NodeRef(label=Label.RESEARCH_BRIEF, id=research_id), "research brief")

    return ResearchPublic.of(
        await run_in_threadpool(load_research_brief, services.graph, research_id)
    )
