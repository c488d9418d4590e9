"""BM25 sparse vectors from Qdrant's own tokeniser (``qdrant_edge.Bm25``, Rust, in-process).

The configuration is kept in the JSON shape of Qdrant's REST ``Bm25Config``
(:data:`BM25_CONFIG`), so the same settings can be given to a Qdrant server's BM25
inference (``models.Document(text, model="qdrant/bm25", options=BM25_CONFIG)``) and
produce the same vectors. Both index adapters (Edge and a server through qdrant-client)
encode with this class in-process, so a server collection and an Edge shard built from
the same texts hold the same vectors and rank alike.

Words: Unicode word tokens, lower-cased, accents folded (``café`` → ``cafe``), English
Snowball stems (``hiking``/``hiked``/``hikes`` → ``hike``), our stop-word list (the
English list of :mod:`retrieval.sparse`, which keeps ``off``: "20% off" is a marketing
term), tokens of 2 to 40 characters. A term's index is Qdrant's hash of the stem.

Changing any of this changes the vectors: bump :data:`BM25_MODEL` then, so collections
built with the old one are rebuilt (``marketgraph reindex --recreate``).
"""

from __future__ import annotations

from typing import Any, Final

import qdrant_edge as qe

from retrieval.sparse import DEFAULT_AVG_DOC_LEN, STOP_WORDS

BM25_MODEL: Final = "qdrant-bm25-snowball-en-v1"
BM25_CONFIG: Final[dict[str, Any]] = {
    "k": 1.2,
    "b": 0.75,
    "avg_len": DEFAULT_AVG_DOC_LEN,
    "tokenizer": "word",
    "language": "english",
    "lowercase": True,
    "ascii_folding": True,
    "stopwords": {"custom": sorted(STOP_WORDS)},
    "stemmer": {"type": "snowball", "language": "english"},
    "min_token_len": 2,
    "max_token_len": 40,
}


def edge_config(config: dict[str, Any]) -> qe.Bm25Config:
    """The Edge ``Bm25Config`` of a REST-shaped configuration (the keys used above)."""
    stemmer = config.get("stemmer")
    stopwords = config.get("stopwords")
    return qe.Bm25Config(
        k=config.get("k"),
        b=config.get("b"),
        avg_len=config.get("avg_len"),
        tokenizer=getattr(qe.TokenizerType, str(config.get("tokenizer", "word")).capitalize()),
        language=config.get("language"),
        lowercase=config.get("lowercase"),
        ascii_folding=config.get("ascii_folding"),
        stopwords=None if stopwords is None else qe.StopwordsSet(custom=set(stopwords["custom"])),
        stemmer=None
        if stemmer is None
        else qe.SnowballParams(getattr(qe.SnowballLanguage, stemmer["language"].capitalize())),
        min_token_len=config.get("min_token_len"),
        max_token_len=config.get("max_token_len"),
    )


class QdrantBm25Encoder:
    """Turns texts into BM25 sparse vectors (indices, values) for a ``Modifier.IDF`` field:
    documents get BM25 term-frequency weights, queries 1.0 per unique term (the index
    multiplies by IDF from its own statistics, so the dot product is the BM25 score)."""

    name: Final = BM25_MODEL

    def __init__(self, config: dict[str, Any] = BM25_CONFIG) -> None:
        self.config = config
        self._model = qe.Bm25(edge_config(config))

    def encode_document(self, text: str) -> tuple[list[int], list[float]]:
        """Unique term indices (in no particular order: Qdrant sorts) and their weights."""
        vector = self._model.embed_document(text)
        return vector.indices, vector.values

    def encode_query(self, text: str) -> tuple[list[int], list[float]]:
        vector = self._model.embed_query(text)
        return vector.indices, vector.values
