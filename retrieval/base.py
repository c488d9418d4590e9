"""The retrieval contract: an index of the texts the team writes, searched by meaning and words.

Qdrant is the one backend (local mode under the data dir, or a server by URL; the same
code path). Hits come back as graph node ids with scores and are hydrated from the graph
by the retriever, never trusted as data themselves.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from graph.models import NodeRef

SearchMode = Literal["hybrid", "sparse", "dense"]


@dataclass(frozen=True, slots=True)
class IndexedText:
    """One text of the graph as the index holds it: which node, what kind, whose, when."""

    ref: NodeRef
    kind: str  # asset kind (email, ad_copy, …), or "campaign", "brief", "plan", "guideline"…
    brand_id: str | None
    title: str
    text: str  # what is embedded and tokenised (title and body)
    date: str | None = None  # ISO date the text belongs to (created_at, start_date…)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def node_id(self) -> str:
        return f"{self.ref.label.value}:{self.ref.id}"


@dataclass(frozen=True, slots=True)
class Hit:
    """A search result: the node it stands for and how well it matched."""

    ref: NodeRef
    score: float
    kind: str
    brand_id: str | None
    title: str
    # Rank in each list that was fused (1-based), e.g. {"sparse": 3, "dense": 1}.
    ranks: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IndexInfo:
    """What the index is: its mode, the dense model it was built with, how many points."""

    mode: Literal["hybrid", "sparse-only"]
    dense_model: str | None
    points: int
    location: str  # "local:/path" or the server URL


class TextIndex(ABC):
    """An index of graph texts. Writes are idempotent per node (re-upsert replaces)."""

    @abstractmethod
    def upsert(self, texts: Sequence[IndexedText]) -> None:
        """Add or replace the points of these nodes."""

    @abstractmethod
    def delete(self, refs: Sequence[NodeRef]) -> None:
        """Remove the points of these nodes (absent ones are ignored)."""

    @abstractmethod
    def search(
        self,
        query: str,
        *,
        k: int = 10,
        brand_id: str | list[str] | None = None,
        kinds: Sequence[str] | None = None,
        mode: SearchMode = "hybrid",
    ) -> list[Hit]:
        """The best ``k`` hits, filtered by brand and kinds inside the index (never after).

        ``brand_id`` is one brand, or a list of brands any of which may match.

        ``hybrid`` fuses sparse and dense candidates with reciprocal rank fusion; without
        a dense model it is sparse-only. Asking for ``dense`` without a model raises
        :class:`DenseUnavailableError`.
        """

    @property
    @abstractmethod
    def dense_model(self) -> str | None:
        """The dense model the index is built with; None for a sparse-only index (cheap)."""

    @property
    def version(self) -> int | None:
        """A number that changes whenever the index's content may have changed, for
        caching results; None when the index cannot tell cheaply (nothing is cached)."""
        return None

    @abstractmethod
    def info(self) -> IndexInfo:
        """Mode, dense model and size of the index (counts points: not for hot paths)."""

    @abstractmethod
    def recreate(self) -> None:
        """Drop and create the collection empty (for a re-index with another model)."""

    @abstractmethod
    def close(self) -> None:
        """Release the client."""
