"""What a workflow runs on: the stores and agents of one process, behind a Protocol.

The composition root (``api/services.py``) builds the concrete object from the settings;
the workflows see only what they use, so nothing below ``api/`` reads configuration.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from langchain_core.language_models import BaseChatModel

from agents.orchestrator import Orchestrator
from agents.research.tools import ResearchTool
from graph.base import GraphStore
from graph.models import Node
from retrieval.indexer import Indexer
from retrieval.retriever import HybridRetriever


class Context(Protocol):
    """The stores, agents and the few settings a workflow needs."""

    @property
    def graph(self) -> GraphStore: ...

    @property
    def retriever(self) -> HybridRetriever: ...

    @property
    def orchestrator(self) -> Orchestrator: ...

    @property
    def llm(self) -> BaseChatModel | None:
        """The chat model, or None: rules and templates."""
        ...

    @property
    def llm_model(self) -> str | None:
        """The chat model's name, recorded on the decisions it took part in."""
        ...

    @property
    def research_tools(self) -> Sequence[ResearchTool]: ...

    @property
    def rejects_dir(self) -> Path | None:
        """Where an ingest that skips bad records writes them."""
        ...

    def index_written(self, nodes: Sequence[Node]) -> int:
        """Index the texts of freshly written nodes; how many wait for a retry."""
        ...

    def wake_worker(self) -> None:
        """Let a worker in this process look for work now (a no-op without one)."""
        ...


@dataclass
class Wired:
    """A plain :class:`Context` for a program that wires its own stores and agents (a
    test, a benchmark): no worker to wake; texts indexed only with an ``indexer``."""

    graph: GraphStore
    retriever: HybridRetriever
    orchestrator: Orchestrator
    llm: BaseChatModel | None = None
    llm_model: str | None = None
    research_tools: Sequence[ResearchTool] = ()
    rejects_dir: Path | None = None
    indexer: Indexer | None = None

    def index_written(self, nodes: Sequence[Node]) -> int:
        return 0 if self.indexer is None else self.indexer.index_nodes(nodes).pending

    def wake_worker(self) -> None:
        return None
