"""The research agent: a topic or brief in, a structured research brief out, recorded.

:func:`research` reads what the graph and the index hold (competitor copy on the topic,
the brand's own outcomes and assets), asks the configured external tools, writes the
brief as a ResearchBrief node produced by one append-only Decision that is ``BASED_ON``
every node it cites, and returns the ids the planner and the content agent cite in turn.
Without a model everything is deterministic (same graph and request, same brief but for
ids and times); with one, only the competitor summary is the model's, from cited items.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from langchain_core.language_models import BaseChatModel

from agents.research.angles import (
    brand_absences,
    competitor_angles,
    competitors_absences,
    name_stems,
)
from agents.research.competitors import (
    Doc,
    competitor_docs,
    has_content,
    own_docs,
    resolve_competitors,
)
from agents.research.compose import citations, confidence, summary_text
from agents.research.errors import BriefConflictError
from agents.research.external import ask_tools
from agents.research.insights import audience_insights, offer_points, outcome_points
from agents.research.models import (
    Absence,
    Citation,
    CompetitorAngle,
    ResearchBrief,
    ResearchBriefResult,
    ResearchRequest,
)
from agents.research.store import brief_node, merge_evidence, write_research
from agents.research.suggest import suggest
from agents.research.summary import SummaryResult, extractive_summary, llm_summary
from agents.research.tools import ResearchTool
from agents.research.trends import VERSION as TREND_VERSION
from agents.research.trends import TrendReport, Window, brand_window, detect_trends
from agents.research.trends.evidence import EdgeRows
from graph.base import GraphStore
from graph.models import (
    DecisionRecord,
    Evidence,
    Node,
    NodeRef,
    new_id,
    sha256_hex,
)
from graph.schema import Label
from retrieval.retriever import HybridRetriever
from retrieval.sparse import SPARSE_MODEL

AGENT = "research"
KIND = "research"
ALGORITHM = "hybrid-retrieval+extractive-angles+mann-kendall-trends"
ALGORITHM_VERSION = f"research-v1+{TREND_VERSION}+{SPARSE_MODEL}"
MAX_HOOKS = 10
MAX_TRENDS = 12


def research(
    store: GraphStore,
    retriever: HybridRetriever,
    request: ResearchRequest,
    *,
    llm: BaseChatModel | None = None,
    model_name: str | None = None,
    tools: Sequence[ResearchTool] = (),
    now: datetime | None = None,
    brands: Collection[str] | None = None,
) -> ResearchBriefResult:
    """Research ``request.topic`` for the brand and record the brief as a decision.

    ``tools`` are the extra sources (the external ones: web search, analytics); the graph
    and the index are always used. A failing tool or model is noted, never fatal.
    ``brands`` limits the competitors drawn on to those brands (a key limited to brands
    researches with what it may see); None: every competitor.

    Raises:
        NodeNotFoundError: the brand does not exist.
        BriefConflictError: ``brief_id`` names another brand's brief.
    """
    brand = store.require_node(NodeRef(label=Label.BRAND, id=request.brand_id))
    brand_name = str(brand.properties.get("name") or brand.id)
    created = now or datetime.now(UTC)
    notes: list[str] = []
    brief_id, new_brief = _brief(store, request, created)
    rivals = _competition(store, retriever, request, brand, notes, llm, model_name, brands)
    report, window, topic_assets = _performance(store, request, brand.id, rivals.own, notes)
    edges = EdgeRows(store, brand.id)
    currency = str(brand.properties.get("currency") or "USD")
    points = outcome_points(store, report, edges, currency) if report else []
    points += offer_points(rivals.angles, rivals.docs)
    audiences = audience_insights(store, report, edges, topic_assets) if report else []
    external, sources, ext_points = ask_tools(tools, request, created, notes)
    points += ext_points
    hooks = report.hooks[:MAX_HOOKS] if report else []
    trends = report.trends[:MAX_TRENDS] if report else []
    if report and len(report.hooks) + len(report.trends) > len(hooks) + len(trends):
        notes.append(
            f"{len(report.hooks) + len(report.trends)} significant series; the brief shows "
            f"the first {len(hooks)} hooks and {len(trends)} other trends"
        )
    absences, summary = rivals.absences, rivals.summary
    suggestions = suggest(hooks, trends, absences, audiences)
    brief = ResearchBrief(
        id=new_id("rb"),
        brand_id=brand.id,
        brand_name=brand_name,
        topic=request.topic,
        brief_id=brief_id,
        created_at=created,
        as_of=window.end if window else request.as_of,
        window_start=window.start if window else None,
        window_end=window.end if window else None,
        summary="",
        data_points=points,
        competitor_angles=rivals.angles,
        competitor_summary=summary.summary,
        absences=absences,
        trending_hooks=hooks,
        trends=trends,
        audience_insights=audiences,
        suggested_angles=suggestions,
        external=external,
        method=report.method if report else None,
        notes=notes,
        competitor_ids=rivals.competitor_ids,
    )
    brief.summary = summary_text(brief, report)
    decision = DecisionRecord(
        kind=KIND,
        agent=AGENT,
        algorithm=ALGORITHM,
        algorithm_version=ALGORITHM_VERSION,
        rationale=brief.summary,
        inputs={**request.model_dump(mode="json"), "brief_id": brief_id},
        brand_id=request.brand_id,
        confidence=confidence(brief),
        # the model and its prompt are recorded when its summary is used (else a note says why)
        model=model_name if summary.summary.written_by == "llm" else None,
        prompt_digest=summary.prompt_digest if summary.summary.written_by == "llm" else None,
        evidence=[
            Evidence(
                ref=NodeRef(label=Label.BRIEF, id=brief_id),
                score=1.0,
                reason="the brief researched",
            ),
            *merge_evidence(citations(brief)),
        ],
        created_at=created,
    )
    new_nodes = [*([new_brief] if new_brief else []), *sources]
    written = write_research(store, brief, decision, new_nodes)
    return ResearchBriefResult(
        id=brief.id, decision_id=decision.id, brief_id=brief_id, brief=brief, written=written
    )


@dataclass
class _Competition:
    """What the competitors say on the topic, and the brand's own copy on it."""

    docs: list[Doc]
    own: list[Doc]
    angles: list[CompetitorAngle]
    absences: list[Absence]
    summary: SummaryResult
    competitor_ids: list[str]


def _competition(
    store: GraphStore,
    retriever: HybridRetriever,
    request: ResearchRequest,
    brand: Node,
    notes: list[str],
    llm: BaseChatModel | None,
    model_name: str | None,
    brands: Collection[str] | None = None,
) -> _Competition:
    """Competitors resolved, their on-topic copy clustered into angles, the absences, and
    the summary (the model's when there is one and it cites what was retrieved)."""
    brand_name = str(brand.properties.get("name") or brand.id)
    competitors, untracked = resolve_competitors(store, brand)
    if brands is not None:
        outside = [c for c in competitors if c.id not in brands]
        if outside:
            notes.append(f"{len(outside)} competitor(s) outside this key's brands were left out")
        competitors = [c for c in competitors if c.id in brands]
    tracked = [c for c in competitors if has_content(store, c.id)]
    names = {c.id: str(c.properties.get("name") or c.id) for c in competitors}
    if untracked:
        notes.append(f"competitors named but not in the graph: {', '.join(untracked)}")
    if empty := [names[c.id] for c in competitors if c not in tracked]:
        notes.append(f"no content ingested for: {', '.join(empty)}")
    docs = competitor_docs(retriever, request.topic, brand, tracked, request.k)
    own = own_docs(retriever, request.topic, brand, 2 * request.k)
    ignore = name_stems([*names.values(), brand_name])
    angles = competitor_angles(docs, names, ignore)
    silent = [c for c in tracked if not any(d.brand_id == c.id for d in docs)]
    absences = brand_absences(retriever, angles, brand.id, brand_name)
    absences += competitors_absences(
        retriever, own, docs, {c.id: names[c.id] for c in tracked}, ignore, request.topic
    )
    absences += [_silent(c, names[c.id], request.topic) for c in silent]
    fallback = extractive_summary(request.topic, angles, [names[c.id] for c in silent])
    summary = (
        llm_summary(llm, request.topic, brand_name, docs, names, fallback, model_name)
        if llm is not None
        else SummaryResult(summary=fallback)
    )
    if summary.note:
        notes.append(summary.note)
    return _Competition(
        docs=docs,
        own=own,
        angles=angles,
        absences=absences,
        summary=summary,
        competitor_ids=sorted(c.id for c in tracked),
    )


def _performance(
    store: GraphStore, request: ResearchRequest, brand_id: str, own: list[Doc], notes: list[str]
) -> tuple[TrendReport | None, Window | None, list[str]]:
    """The trend report over the window, and the brand's assets on the topic (those
    retrieval found and those whose copy covers the topic)."""
    topic_assets = [d.ref.id for d in own]
    window = brand_window(store, brand_id, request.window_days, request.as_of)
    if window is None:
        notes.append("the brand has no outcomes: no trends, data points or audience insights")
        return None, None, topic_assets
    report = detect_trends(
        store,
        brand_id,
        window,
        metric=request.metric,
        fdr=request.fdr,
        topic_assets=topic_assets,
        topic=request.topic,
    )
    by_copy = (a for s in report.found.groups if s.family == "topic" for a in s.members)
    return report, window, sorted({*topic_assets, *by_copy})


def _brief(store: GraphStore, request: ResearchRequest, at: datetime) -> tuple[str, Node | None]:
    """The Brief's id, and its node when it has to be written (it is new)."""
    brief_id = (
        request.brief_id
        or "brief-"
        + sha256_hex(f"{request.brand_id}\n{request.topic}\n{request.brief or ''}".encode())[:24]
    )
    existing = store.get_node(NodeRef(label=Label.BRIEF, id=brief_id))
    if existing is not None:
        owner = existing.properties.get("brand_id")
        if owner is not None and owner != request.brand_id:
            raise BriefConflictError(brief_id, request.brand_id, str(owner))
        return brief_id, None
    return brief_id, brief_node(brief_id, request.brand_id, request.topic, request.brief, at)


def _silent(competitor: Node, name: str, topic: str) -> Absence:
    return Absence(
        kind="competitor_silent",
        phrase=topic,
        competitors=[competitor.id],
        detail=f"{name} has content in the graph but none on '{topic}'.",
        evidence=[
            Citation(
                node_id=str(competitor.ref),
                title=name,
                reason="a competitor with no content on the topic",
            )
        ],
    )
