"""Errors of the retrieval layer."""

from __future__ import annotations


class RetrievalError(Exception):
    """Base class of retrieval errors."""


class IndexUnavailableError(RetrievalError):
    """Qdrant cannot be reached or refused a write; retrying later may succeed."""


class IndexLockedError(IndexUnavailableError):
    """The embedded index is held by another process (or another open in this one)."""

    def __init__(self, path: object) -> None:
        self.path = path
        super().__init__(
            f"the text index in {path} is held by another process (a Qdrant Edge shard "
            "is opened by one process at a time)"
        )


class EmbeddingModelMismatchError(RetrievalError, ValueError):
    """The collection was built with another dense model than the one configured."""

    def __init__(self, collection: str, recorded: str | None, configured: str | None) -> None:
        self.collection = collection
        self.recorded = recorded
        self.configured = configured
        super().__init__(
            f"collection {collection!r} holds vectors of {recorded or 'no dense model'} but "
            f"{configured or 'no dense model'} is configured; vectors of two models are never "
            "mixed: run `marketgraph reindex --recreate` to rebuild it with the configured one"
        )


class DenseUnavailableError(RetrievalError, ValueError):
    """Dense search was asked for but no embedding model is configured."""

    def __init__(self) -> None:
        super().__init__(
            "dense search needs an embedding model: set MARKETGRAPH_EMBEDDINGS "
            "(e.g. openai:text-embedding-3-small or local:all-MiniLM-L6-v2)"
        )
