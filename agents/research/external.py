"""Asking the research tools: external results become Source nodes, figures data points.

A Source node is keyed by the tool, the URL and the hash of the result as received
(:func:`agents.research.tools.source_id`), so the same result fetched again is the same
node with a fresh ``fetched_at``. A failing tool is a note in the brief, never an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from agents.research.errors import ResearchToolError
from agents.research.models import Citation, DataPoint, ExternalFinding, ResearchRequest
from agents.research.tools import ResearchTool, source_id
from graph.models import Node, clean_properties
from graph.schema import Label


def ask_tools(
    tools: Sequence[ResearchTool], request: ResearchRequest, at: datetime, notes: list[str]
) -> tuple[list[ExternalFinding], list[Node], list[DataPoint]]:
    """Ask each tool; external results become Source nodes, figures data points."""
    findings: list[ExternalFinding] = []
    sources: dict[str, Node] = {}
    points: list[DataPoint] = []
    if not request.external:
        return findings, [], points
    for tool in tools:
        try:
            found = tool.find(request.topic, request.brand_id, request.k)
        except ResearchToolError as e:
            notes.append(str(e))
            continue
        for f in found:
            if f.node_id and not tool.external:
                node_id, title = f.node_id, f.title
            else:
                sid = source_id(f)
                props = {
                    "id": sid,
                    "kind": "external",
                    "tool": f.tool,
                    "name": f.url or f.title,
                    "title": f.title,
                    "url": f.url,
                    "snippet": f.text,
                    "fetched_at": f.fetched_at or at.isoformat(),
                    "sha256": f.sha256,
                    "query": request.topic,
                    "published_at": f.published_at,
                    "value": f.value,
                    "metric": f.metric,
                }
                sources[sid] = Node(label=Label.SOURCE, id=sid, properties=clean_properties(props))
                node_id, title = f"{Label.SOURCE.value}:{sid}", f.title
            cite = Citation(node_id=node_id, title=title, reason=f"{f.tool} result for the topic")
            findings.append(
                ExternalFinding(
                    tool=f.tool,
                    title=f.title,
                    snippet=f.text[:500],
                    url=f.url,
                    value=f.value,
                    metric=f.metric,
                    source=cite,
                )
            )
            if f.value is not None:
                points.append(
                    DataPoint(
                        label=f"{f.tool}: {f.metric or f.title}",
                        value=f.value,
                        unit=f.metric or "value",
                        detail=f"{f.title}: {f.value:g}" + (f" ({f.url})" if f.url else ""),
                        evidence=[cite],
                    )
                )
    return findings, list(sources.values()), points
