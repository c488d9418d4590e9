"""Retrieval: the Qdrant text index (BM25 sparse, optional dense, hybrid by RRF).

Embedded, Qdrant's engine runs in-process (``retrieval.EdgeTextIndex``); with a server,
qdrant-client talks to it (``retrieval.QdrantTextIndex``). The adapters and LangChain
are imported on first use so that ``import retrieval.base`` stays light for code that
only needs the contract.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from retrieval.base import Hit, IndexedText, IndexInfo, SearchMode, TextIndex
from retrieval.documents import INDEXED_LABELS, texts_of
from retrieval.errors import (
    DenseUnavailableError,
    EmbeddingModelMismatchError,
    IndexLockedError,
    IndexUnavailableError,
    RetrievalError,
)
from retrieval.sparse import SPARSE_MODEL, Bm25Encoder

if TYPE_CHECKING:
    from retrieval.bm25 import BM25_MODEL, QdrantBm25Encoder
    from retrieval.edge import EdgeTextIndex
    from retrieval.embeddings import SentenceTransformerEmbeddings, make_embeddings
    from retrieval.points import point_id
    from retrieval.qdrant import QdrantTextIndex, open_qdrant_client

_LAZY = {
    "SentenceTransformerEmbeddings": "retrieval.embeddings",
    "make_embeddings": "retrieval.embeddings",
    "QdrantTextIndex": "retrieval.qdrant",
    "open_qdrant_client": "retrieval.qdrant",
    "point_id": "retrieval.points",
    "EdgeTextIndex": "retrieval.edge",
    "BM25_MODEL": "retrieval.bm25",
    "QdrantBm25Encoder": "retrieval.bm25",
}

__all__ = [
    "BM25_MODEL",
    "INDEXED_LABELS",
    "SPARSE_MODEL",
    "Bm25Encoder",
    "DenseUnavailableError",
    "EdgeTextIndex",
    "EmbeddingModelMismatchError",
    "Hit",
    "IndexInfo",
    "IndexLockedError",
    "IndexUnavailableError",
    "IndexedText",
    "QdrantBm25Encoder",
    "QdrantTextIndex",
    "RetrievalError",
    "SearchMode",
    "SentenceTransformerEmbeddings",
    "TextIndex",
    "make_embeddings",
    "open_qdrant_client",
    "point_id",
    "texts_of",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'retrieval' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
