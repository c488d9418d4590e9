"""Research workflows: a research brief on request, and the research step before planning.

Both go through :func:`run_research`: the research agent with the process's tools and
chat model (its name recorded on the decision), then the texts it wrote are indexed.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from agents.orchestrator.orchestrator import Research
from agents.research import ResearchBriefResult, ResearchRequest, research
from graph.base import GraphStore
from graph.models import Evidence, NodeRef
from graph.schema import Label
from workflows.context import Context

log = logging.getLogger("marketgraph.research")


def run_research(
    ctx: Context, request: ResearchRequest, brands: Collection[str] | None = None
) -> ResearchBriefResult:
    """Research a topic for a brand, record the research brief as a decision, index it.

    ``brands`` limits the competitors drawn on (a key limited to brands); None: all.
    """
    result = research(
        ctx.graph,
        ctx.retriever,
        request,
        llm=ctx.llm,
        model_name=ctx.llm_model,
        tools=ctx.research_tools,
        now=ctx.orchestrator.clock.now(),  # stamped on the orchestrator's day, as its plans
        brands=brands,
    )
    ctx.index_written(result.written)
    return result


def planning_research(ctx: Context) -> Research:
    """The orchestrator's research step (brief_received → research), over
    :func:`run_research`.

    A research failure never stops the plan: it is logged and the plan goes ahead on the
    graph alone (its decision then simply cites no research brief).
    """

    def step(store: GraphStore, brand_id: str, brief: str, actor: str | None) -> list[Evidence]:
        try:  # a brief with nothing to search for ("!!!") is refused by the request model
            request = ResearchRequest(brand_id=brand_id, topic=brief[:2000], brief=brief)
            result = run_research(ctx, request)
        except Exception as e:  # research is help, not a precondition
            log.warning("research before planning failed: %s", e)
            return []
        return [
            Evidence(
                ref=NodeRef(label=Label.BRIEF, id=result.brief_id), score=1.0, reason="the brief"
            ),
            Evidence(
                ref=NodeRef(label=Label.RESEARCH_BRIEF, id=result.id),
                score=1.0,
                reason="research brief for this brief (competitor angles, trends)",
            ),
        ]

    return step
