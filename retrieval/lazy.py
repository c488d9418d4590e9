"""An index that opens Qdrant when it can, and says why when it cannot.

The service must start and write its graph while the index is away: a Qdrant server that
is down, or an embedded shard another process holds with no server to go through. Until
the index opens, every call raises :class:`IndexUnavailableError`; the indexer then
queues its work as ``IndexJob`` nodes, retried later by whichever process reaches the
index. Nothing is opened before the first call, so commands that never search or index
(``marketgraph lineage``) never touch it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from graph.models import NodeRef
from retrieval.base import Hit, IndexedText, IndexInfo, SearchMode, TextIndex
from retrieval.errors import IndexUnavailableError

T = TypeVar("T")


class LazyIndex(TextIndex):
    """Opens the real index through ``factory`` on first use, and again after failures.

    ``on_open`` is told of each index the factory opens. An index reached through another
    process (``remote = True``) is let go after a failure, so the next call looks again:
    the server may have moved, or this process may now open the shard itself.
    """

    def __init__(
        self,
        factory: Callable[[], TextIndex],
        location: str,
        *,
        on_open: Callable[[TextIndex], None] | None = None,
    ) -> None:
        self._factory = factory
        self._on_open = on_open
        self._index: TextIndex | None = None
        self._lock = threading.Lock()
        self.location = location

    def _open(self) -> TextIndex:
        index = self._index
        if index is not None:
            return index
        with self._lock:
            if self._index is not None:
                return self._index
            try:
                index = self._index = self._factory()
            except (RuntimeError, OSError) as e:
                raise IndexUnavailableError(
                    f"the text index at {self.location} cannot be opened: {e}"
                ) from e
        if self._on_open is not None:
            self._on_open(index)
        return index

    def _call(self, action: Callable[[TextIndex], T]) -> T:
        index = self._open()
        try:
            return action(index)
        except IndexUnavailableError:
            if getattr(index, "remote", False):
                self._let_go(index)
            raise

    def _let_go(self, index: TextIndex) -> None:
        with self._lock:
            if self._index is index:
                self._index = None
        index.close()

    @property
    def opened(self) -> TextIndex | None:
        """The index opened so far (None before the first successful use)."""
        return self._index

    def try_open(self) -> str | None:
        """Open now if possible; returns the reason it is unavailable, or None."""
        try:
            self._open()
        except IndexUnavailableError as e:
            return str(e)
        return None

    def upsert(self, texts: Sequence[IndexedText]) -> None:
        self._call(lambda index: index.upsert(texts))

    def delete(self, refs: Sequence[NodeRef]) -> None:
        self._call(lambda index: index.delete(refs))

    def search(
        self,
        query: str,
        *,
        k: int = 10,
        brand_id: str | list[str] | None = None,
        kinds: Sequence[str] | None = None,
        mode: SearchMode = "hybrid",
    ) -> list[Hit]:
        return self._call(
            lambda index: index.search(query, k=k, brand_id=brand_id, kinds=kinds, mode=mode)
        )

    @property
    def dense_model(self) -> str | None:
        return self._open().dense_model

    @property
    def version(self) -> int | None:
        try:
            return self._open().version
        except IndexUnavailableError:
            return None

    def info(self) -> IndexInfo:
        return self._call(lambda index: index.info())

    def recreate(self) -> None:
        self._call(lambda index: index.recreate())

    def close(self) -> None:
        with self._lock:
            if self._index is not None:
                self._index.close()
                self._index = None
