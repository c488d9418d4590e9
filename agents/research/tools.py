"""Research sources as LangChain tools behind one interface.

Every source is a :class:`ResearchTool`: a LangChain ``BaseTool`` (so an LLM agent can call
it by name with JSON arguments) that also answers typed queries through :meth:`find`. The
graph and the text index are always there (:class:`GraphTool`, :class:`IndexTool`); an
HTTP source (:class:`HttpSearchTool`: a web-search endpoint, an analytics API) exists only
when configured, and its results are *external*: the agent stores each as a ``Source`` node
(url, fetch time, content hash) and cites it, so it shows in lineage.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus

import httpx
from langchain_core.tools import BaseTool
from langchain_core.tools.base import ArgsSchema
from pydantic import BaseModel, Field, SecretStr

from agents.research.errors import ResearchToolError
from graph.base import GraphStore
from graph.errors import GraphError
from graph.models import canonical_json, sha256_hex
from retrieval.retriever import HybridRetriever

MAX_TEXT = 2000


class ToolQuery(BaseModel):
    """The arguments every research tool takes."""

    query: str = Field(description="what to look for (for the graph tool: a node id)")
    brand_id: str | None = Field(default=None, description="only this brand's items")
    k: int = Field(default=5, ge=1, le=50, description="how many results")


class Finding(BaseModel):
    """One result of a tool: a graph node, or an external document or figure."""

    tool: str
    title: str
    text: str = ""
    url: str | None = None
    node_id: str | None = None
    score: float | None = None
    value: float | None = None
    metric: str | None = None
    published_at: str | None = None
    fetched_at: str | None = None
    sha256: str | None = None


class ResearchTool(BaseTool):
    """A research source. ``external`` tools' findings become Source nodes."""

    args_schema: ArgsSchema | None = ToolQuery
    external: bool = False

    def find(self, query: str, brand_id: str | None = None, k: int = 5) -> list[Finding]:
        """Typed results; raises :class:`ResearchToolError` when the source fails."""
        raise NotImplementedError

    def _run(self, query: str, brand_id: str | None = None, k: int = 5, **_: Any) -> str:
        found = self.find(query, brand_id, k)
        return json.dumps([f.model_dump(exclude_none=True) for f in found], ensure_ascii=False)


class IndexTool(ResearchTool):
    """Hybrid search over the team's texts, expanded through the graph."""

    name: str = "search_index"
    description: str = (
        "Search the team's assets, campaigns, briefs and plans by meaning and words; "
        "results are graph node ids with titles and scores."
    )
    retriever: HybridRetriever

    def find(self, query: str, brand_id: str | None = None, k: int = 5) -> list[Finding]:
        bundle = self.retriever.search(query, k=k, brand_id=brand_id, expand=False)
        return [
            Finding(tool=self.name, title=i.title, text=i.reason, node_id=i.node_id, score=i.score)
            for i in bundle.items
        ]


class GraphTool(ResearchTool):
    """A node of the graph with its properties and direct neighbours."""

    name: str = "graph_lookup"
    description: str = (
        "Look up a graph node by id (or Label:id): its properties and its neighbours, "
        "each with its node id and relationship."
    )
    store: GraphStore

    def find(self, query: str, brand_id: str | None = None, k: int = 5) -> list[Finding]:
        try:
            ref = self.store.resolve(query.strip())
            sub = self.store.get_neighbourhood(ref, limit=k)
        except (GraphError, ValueError):
            return []
        root, *others = sub.nodes
        props = {key: v for key, v in root.properties.items() if key != "body"}
        found = [
            Finding(
                tool=self.name,
                title=str(root.properties.get("name") or root.properties.get("title") or ref),
                text=canonical_json(props)[:MAX_TEXT],
                node_id=str(ref),
            )
        ]
        via = {str(e.dst if e.src == ref else e.src): e.type.value for e in sub.edges}
        for node in others:
            title = node.properties.get("name") or node.properties.get("title") or node.id
            found.append(
                Finding(
                    tool=self.name,
                    title=str(title),
                    text=f"{via.get(str(node.ref), 'linked')} {ref}",
                    node_id=str(node.ref),
                )
            )
        return found


class HttpSearchTool(ResearchTool):
    """An HTTP JSON source: GET the URL template with ``{query}`` (and ``{k}``) filled in.

    The answer is ``{"results": [...]}`` or a list; each result may carry ``title``,
    ``url``/``link``, ``content``/``snippet``/``description``, ``published_at`` and, for
    analytics sources, a numeric ``value`` with its ``metric`` (SearxNG's JSON format fits).
    """

    name: str = "web_search"
    description: str = "Search the web for the topic; results carry their URL."
    external: bool = True
    url_template: str
    api_key: SecretStr | None = None
    timeout: float = 10.0

    def find(self, query: str, brand_id: str | None = None, k: int = 5) -> list[Finding]:
        url = self.url_template.replace("{query}", quote_plus(query)).replace("{k}", str(k))
        headers = {"Accept": "application/json"}
        if self.api_key is not None:
            headers["Authorization"] = f"Bearer {self.api_key.get_secret_value()}"
        try:
            response = httpx.get(url, headers=headers, timeout=self.timeout)
            response.raise_for_status()
            payload = response.json()
        except httpx.HTTPError as e:
            raise ResearchToolError(self.name, f"{type(e).__name__}: {e}") from e
        except ValueError as e:
            raise ResearchToolError(self.name, "the answer is not JSON") from e
        items = payload.get("results", []) if isinstance(payload, dict) else payload
        if not isinstance(items, list):
            raise ResearchToolError(self.name, "the answer has no list of results")
        fetched = datetime.now(UTC).isoformat(timespec="seconds")
        return [f for f in (self._finding(i, fetched) for i in items[:k]) if f is not None]

    def _finding(self, item: object, fetched: str) -> Finding | None:
        if not isinstance(item, dict):
            return None
        text = _first(item, "content", "snippet", "description", "text")
        title = _first(item, "title", "name") or text[:80]
        if not title:
            return None
        value = item.get("value")
        return Finding(
            tool=self.name,
            title=title[:300],
            text=text[:MAX_TEXT],
            url=_first(item, "url", "link") or None,
            value=float(value) if isinstance(value, int | float) else None,
            metric=_first(item, "metric") or None,
            published_at=_first(item, "published_at", "publishedDate", "date") or None,
            fetched_at=fetched,
            sha256=sha256_hex(canonical_json(item).encode()),
        )


def _first(item: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = item.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def source_id(finding: Finding) -> str:
    """The Source node id of an external finding: stable for the same tool, URL and content."""
    key = f"{finding.tool}|{finding.url or ''}|{finding.sha256 or finding.text}"
    return f"ext-{sha256_hex(key.encode())[:32]}"


def external_tools(
    web_url: str | None = None,
    web_api_key: SecretStr | None = None,
    analytics_url: str | None = None,
    analytics_api_key: SecretStr | None = None,
    timeout: float = 10.0,
) -> list[ResearchTool]:
    """The configured external tools (none unless a URL is given)."""
    tools: list[ResearchTool] = []
    if web_url:
        tools.append(HttpSearchTool(url_template=web_url, api_key=web_api_key, timeout=timeout))
    if analytics_url:
        tools.append(
            HttpSearchTool(
                name="analytics",
                description="Ask the analytics API for figures on the topic (values, metrics).",
                url_template=analytics_url,
                api_key=analytics_api_key,
                timeout=timeout,
            )
        )
    return tools
