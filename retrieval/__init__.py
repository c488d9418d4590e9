"""Retrieval: the Qdrant text index (BM25 sparse, optional dense, hybrid by RRF).

The Qdrant and LangChain adapters are imported on first use (``retrieval.QdrantTextIndex``)
so that ``import retrieval.base`` stays light for code that only needs the contract.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from retrieval.base import Hit, IndexedText, IndexInfo, SearchMode, TextIndex
from retrieval.documents import INDEXED_LABELS, texts_of
from retrieval.errors import (
    DenseUnavailableError,
    EmbeddingModelMismatchError,
    IndexUnavailableError,
    RetrievalError,
)
from retrieval.sparse import SPARSE_MODEL, Bm25Encoder

if TYPE_CHECKING:
    from retrieval.embeddings import SentenceTransformerEmbeddings, make_embeddings
    from retrieval.qdrant import QdrantTextIndex, open_qdrant_client, point_id

_LAZY = {
    "SentenceTransformerEmbeddings": "retrieval.embeddings",
    "make_embeddings": "retrieval.embeddings",
    "QdrantTextIndex": "retrieval.qdrant",
    "open_qdrant_client": "retrieval.qdrant",
    "point_id": "retrieval.qdrant",
}

__all__ = [
    "INDEXED_LABELS",
    "SPARSE_MODEL",
    "Bm25Encoder",
    "DenseUnavailableError",
    "EmbeddingModelMismatchError",
    "Hit",
    "IndexInfo",
    "IndexUnavailableError",
    "IndexedText",
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
