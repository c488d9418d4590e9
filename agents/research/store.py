"""Writing a research brief to the graph, in one transaction, and reading it back.

One batch holds the Brief (when new), a Source node per external result, the append-only
Decision (kind ``research``, agent ``research``) with its ``BASED_ON`` edges to every cited
node, the ResearchBrief it ``PRODUCED`` and ``(ResearchBrief)-[:BASED_ON]->(Brief)``: all of
it lands, or none of it. The ResearchBrief node keeps the whole brief as JSON
(``content``) with its digest, plus the few fields that are searched and listed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from agents.research.models import Citation, ResearchBrief, ResearchBriefResult
from graph.base import GraphStore
from graph.decisions import decision_batch
from graph.errors import AppendOnlyViolationError, NodeNotFoundError
from graph.models import (
    DecisionRecord,
    Edge,
    Evidence,
    GraphBatch,
    Node,
    NodeRef,
    clean_properties,
    sha256_hex,
)
from graph.schema import Label, RelType

MAX_REASON = 300


def research_node(brief: ResearchBrief, decision_id: str) -> Node:
    content = brief.model_dump_json()
    props = {
        "id": brief.id,
        "brand_id": brief.brand_id,
        # every brand it quotes: a key limited to brands sees it only if it has them all
        "brand_ids": sorted({brief.brand_id, *brief.competitor_ids}),
        "topic": brief.topic,
        "title": f"Research brief: {brief.topic[:100]}",
        "summary": brief.summary,
        "brief_id": brief.brief_id,
        "decision_id": decision_id,
        "created_at": brief.created_at,
        "window_start": brief.window_start,
        "window_end": brief.window_end,
        "content": content,
        "content_sha256": sha256_hex(content.encode()),
    }
    return Node(label=Label.RESEARCH_BRIEF, id=brief.id, properties=clean_properties(props))


def brief_node(brief_id: str, brand_id: str, topic: str, text: str | None, at: datetime) -> Node:
    """A new Brief: the topic as its title, the brief's text (or the topic) as its text."""
    props = {
        "id": brief_id,
        "brand_id": brand_id,
        "title": topic[:200],
        "text": text or topic,
        "created_at": at,
        "source": "research",
    }
    return Node(label=Label.BRIEF, id=brief_id, properties=clean_properties(props))


def merge_evidence(citations: Iterable[Citation]) -> list[Evidence]:
    """One Evidence per cited node: the highest score, the first reason (and how many more)."""
    merged: dict[str, tuple[float | None, str, int]] = {}
    for c in citations:
        score, reason, count = merged.get(c.node_id, (None, c.reason, 0))
        if c.score is not None:
            score = c.score if score is None else max(score, c.score)
        merged[c.node_id] = (score, reason, count + 1)
    out = []
    for node_id, (score, reason, count) in merged.items():
        text = reason if count == 1 else f"{reason} (and {count - 1} more uses)"
        out.append(Evidence(ref=NodeRef.parse(node_id), score=score, reason=text[:MAX_REASON]))
    return out


def write_research(
    store: GraphStore,
    brief: ResearchBrief,
    decision: DecisionRecord,
    new_nodes: Sequence[Node],
) -> list[Node]:
    """Write the decision, the research brief and ``new_nodes`` (a new Brief, Sources).

    Raises:
        AppendOnlyViolationError: the decision id exists already (nothing is written).
        DanglingReferenceError: a cited node is gone (nothing is written).
    """
    if store.get_node(NodeRef(label=Label.DECISION, id=decision.id)) is not None:
        raise AppendOnlyViolationError(Label.DECISION.value, decision.id)
    node = research_node(brief, decision.id)
    batch = decision_batch(decision.model_copy(update={"produced": [node]}))
    brief_ref = NodeRef(label=Label.BRIEF, id=brief.brief_id)
    batch.edges.append(Edge(src=node.ref, type=RelType.BASED_ON, dst=brief_ref))
    batch = GraphBatch(nodes=[*new_nodes, *batch.nodes], edges=batch.edges)
    store.write(batch)
    return [*new_nodes, node, batch.nodes[len(new_nodes)]]


def load_research_brief(store: GraphStore, research_id: str) -> ResearchBriefResult:
    """The stored brief with its decision; NodeNotFoundError when there is none."""
    node = store.get_node(NodeRef(label=Label.RESEARCH_BRIEF, id=research_id))
    if node is None:
        raise NodeNotFoundError(research_id, Label.RESEARCH_BRIEF.value)
    brief = ResearchBrief.model_validate_json(str(node.properties["content"]))
    return ResearchBriefResult(
        id=brief.id,
        decision_id=str(node.properties.get("decision_id", "")),
        brief_id=brief.brief_id,
        brief=brief,
    )
