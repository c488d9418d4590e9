"""An index that opens Qdrant when it can, and says why when it cannot.

The service must start and write its graph while the index is away: a Qdrant server that
is down, or local mode whose folder another process holds (``marketgraph ingest`` run
beside ``marketgraph serve``). Until the index opens, every call raises
:class:`IndexUnavailableError`; the indexer then queues its work as ``IndexJob`` nodes,
retried later by whichever process reaches the index.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from graph.models import NodeRef
from retrieval.base import Hit, IndexedText, IndexInfo, SearchMode, TextIndex
from retrieval.errors import IndexUnavailableError


class LazyIndex(TextIndex):
    """Opens the real index through ``factory`` on first use, and again after failures."""

    def __init__(self, factory: Callable[[], TextIndex], location: str) -> None:
        self._factory = factory
        self._index: TextIndex | None = None
        self._lock = threading.Lock()
        self.location = location

    def _open(self) -> TextIndex:
        with self._lock:
            if self._index is None:
                try:
                    self._index = self._factory()
                except (RuntimeError, OSError) as e:
                    raise IndexUnavailableError(
                        f"the text index at {self.location} cannot be opened: {e}"
                    ) from e
            return self._index

    def try_open(self) -> str | None:
        """Open now if possible; returns the reason it is unavailable, or None."""
        try:
            self._open()
        except IndexUnavailableError as e:
            return str(e)
        return None

    def upsert(self, texts: Sequence[IndexedText]) -> None:
        self._open().upsert(texts)

    def delete(self, refs: Sequence[NodeRef]) -> None:
        self._open().delete(refs)

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        brand_id: str | list[str] | None = None,
        kinds: Sequence[str] | None = None,
        mode: SearchMode = "hybrid",
    ) -> list[Hit]:
        return self._open().search(query, k=k, brand_id=brand_id, kinds=kinds, mode=mode)

    @property
    def dense_model(self) -> str | None:
        return self._open().dense_model

    def info(self) -> IndexInfo:
        return self._open().info()

    def recreate(self) -> None:
        self._open().recreate()

    def close(self) -> None:
        with self._lock:
            if self._index is not None:
                self._index.close()
                self._index = None
