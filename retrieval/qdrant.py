"""The text index on a Qdrant server (or qdrant-client's local mode) through qdrant-client.

The server mode (``MARKETGRAPH_QDRANT_URL``), for several API replicas. One collection
holds the points of :mod:`retrieval.points`, encoded in-process exactly as the embedded
index (:mod:`retrieval.edge`) encodes them, so both rank alike. The collection records
which models made its vectors in its metadata (``{"dense_model": ..., "sparse_model":
...}``); opening it with other models raises :class:`EmbeddingModelMismatchError` rather
than mixing vectors of two models. qdrant-client's local mode (a folder) runs the same
code and serves the tests of this adapter; payload indexes exist only on a server.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

import httpx
import portalocker
from langchain_core.embeddings import Embeddings
from qdrant_client import QdrantClient
from qdrant_client import models as qm
from qdrant_client.http.exceptions import ApiException, UnexpectedResponse

from graph.models import NodeRef
from retrieval.base import Hit, IndexedText, IndexInfo, SearchMode, TextIndex
from retrieval.edge import default_encoder
from retrieval.errors import EmbeddingModelMismatchError, IndexUnavailableError
from retrieval.points import (
    DENSE_VECTOR,
    HIT_FIELDS,
    KEYWORD_FIELDS,
    PROBE_TEXT,
    SPARSE_VECTOR,
    UPSERT_BATCH,
    check_search,
    fusion_depth,
    hit,
    latest,
    payload,
    point_id,
    ranks,
)
from retrieval.sparse import SparseEncoder

DEFAULT_COLLECTION: Final = "marketgraph_texts"
# Transport and response failures of the remote client (REST wraps httpx errors in
# ResponseHandlingException, an ApiException); RuntimeError is local mode's "closed" or
# "folder locked by another client".
_UNAVAILABLE: Final = (ApiException, httpx.HTTPError, OSError, RuntimeError)


def open_qdrant_client(url: str | None, api_key: str | None, path: Path) -> QdrantClient:
    """A client for the server at ``url``, or local mode in the folder ``path``.

    Create it once per process: local mode locks its folder for one client.
    """
    try:
        if url:
            return QdrantClient(url=url, api_key=api_key)
        path.mkdir(parents=True, exist_ok=True)
        _check_unlocked(path)
        return QdrantClient(path=str(path))
    except _UNAVAILABLE as e:
        raise IndexUnavailableError(f"cannot open Qdrant at {url or path}: {e}") from e


def _check_unlocked(path: Path) -> None:
    """Fail early, and cleanly, when another client holds the local folder.

    Local mode takes an exclusive lock on ``.lock``; when that fails, qdrant-client raises
    but leaves its lock file open (a ResourceWarning later). Trying the same lock here
    first, on a file we close ourselves, avoids that in all but a lost race.
    """
    lock_path = path / ".lock"
    if not lock_path.exists():
        return
    with lock_path.open("r+") as handle:
        try:
            portalocker.lock(
                handle, portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING
            )
        except portalocker.exceptions.LockException as e:
            raise RuntimeError(
                f"storage folder {path} is already accessed by another instance of Qdrant client"
            ) from e
        portalocker.unlock(handle)


@contextmanager
def _unavailable(action: str) -> Iterator[None]:
    try:
        yield
    except _UNAVAILABLE as e:
        raise IndexUnavailableError(f"Qdrant failed to {action}: {e}") from e


@contextmanager
def _embedding(model: str | None) -> Iterator[None]:
    """An embedding call: any failure of the provider (network, rate limit, server error,
    a missing key) makes the index unavailable for now, so the indexer queues the work."""
    try:
        yield
    except Exception as e:
        raise IndexUnavailableError(f"embedding model {model} failed: {e}") from e


class QdrantTextIndex(TextIndex):
    """A :class:`TextIndex` in one Qdrant collection (see the module docstring).

    Args:
        client: created once by the caller (:func:`open_qdrant_client`).
        collection: the collection name.
        embeddings: the dense model; ``None`` for a sparse-only index.
        dense_model: the model's name as recorded in the collection (required with
            ``embeddings``, e.g. ``openai:text-embedding-3-small``).
        encoder: the sparse encoder (default: the embedded index's, for the same vectors).
        location: how :meth:`info` names the store; by default taken from the client.

    Raises:
        EmbeddingModelMismatchError: the collection was built with other models.
        IndexUnavailableError: Qdrant cannot be reached (here and in every method), or
            the embedding model failed.
    """

    def __init__(
        self,
        client: QdrantClient,
        *,
        collection: str = DEFAULT_COLLECTION,
        embeddings: Embeddings | None = None,
        dense_model: str | None = None,
        encoder: SparseEncoder | None = None,
        location: str = "",
    ) -> None:
        if (embeddings is None) != (dense_model is None):
            raise ValueError("embeddings and dense_model go together: give both or neither")
        self._client = client
        self._collection = collection
        self._embeddings = embeddings
        self._dense_model = dense_model
        self._encoder = encoder or default_encoder()
        self._local = _is_local(client)
        self._location = location or _describe(client)
        with _unavailable(f"open collection {collection!r}"):
            self._ensure_collection()

    # -- collection --------------------------------------------------------------------
    def _ensure_collection(self) -> None:
        if not self._client.collection_exists(self._collection):
            try:
                self._create_collection()
                return
            except UnexpectedResponse as e:
                if e.status_code != 409:  # 409: another replica created it meanwhile
                    raise
        self._check_models(self._client.get_collection(self._collection))

    def _create_collection(self) -> None:
        vectors: dict[str, qm.VectorParams] = {}
        if self._embeddings is not None:
            with _embedding(self._dense_model):
                size = len(self._embeddings.embed_query(PROBE_TEXT))
            vectors[DENSE_VECTOR] = qm.VectorParams(size=size, distance=qm.Distance.COSINE)
        self._client.create_collection(
            self._collection,
            vectors_config=vectors,
            sparse_vectors_config={SPARSE_VECTOR: qm.SparseVectorParams(modifier=qm.Modifier.IDF)},
            metadata={"dense_model": self._dense_model, "sparse_model": self._encoder.name},
        )
        if not self._local:  # local mode scans everything; it warns that indexes do nothing
            for field in KEYWORD_FIELDS:
                self._client.create_payload_index(
                    self._collection, field, qm.PayloadSchemaType.KEYWORD, wait=True
                )
            self._client.create_payload_index(
                self._collection, "date", qm.PayloadSchemaType.DATETIME, wait=True
            )

    def _check_models(self, info: qm.CollectionInfo) -> None:
        params = info.config.params
        dense_vectors = params.vectors if isinstance(params.vectors, dict) else {}
        sparse_vectors = params.sparse_vectors or {}
        metadata = info.config.metadata or {}
        sparse_model = self._encoder.name
        if "sparse_model" in metadata:
            recorded_dense = metadata.get("dense_model")
            recorded_sparse = metadata.get("sparse_model")
        else:  # not made by this code (or a server without metadata): judge by its vectors
            recorded_dense = "an unrecorded model" if DENSE_VECTOR in dense_vectors else None
            recorded_sparse = "an unrecorded encoder" if SPARSE_VECTOR in sparse_vectors else "none"
        if recorded_dense != self._dense_model:
            raise EmbeddingModelMismatchError(self._collection, recorded_dense, self._dense_model)
        if recorded_sparse != sparse_model:
            raise EmbeddingModelMismatchError(
                self._collection, f"sparse {recorded_sparse}", f"sparse {sparse_model}"
            )

    # -- writes ------------------------------------------------------------------------
    def upsert(self, texts: Sequence[IndexedText]) -> None:
        todo = latest(texts)
        for start in range(0, len(todo), UPSERT_BATCH):
            batch = todo[start : start + UPSERT_BATCH]
            dense: list[list[float]] | None = None
            if self._embeddings is not None:
                with _embedding(self._dense_model):
                    dense = self._embeddings.embed_documents([t.text for t in batch])
            points = [
                qm.PointStruct(
                    id=point_id(t.ref),
                    vector=self._vectors(t, None if dense is None else dense[i]),
                    payload=payload(t),
                )
                for i, t in enumerate(batch)
            ]
            with _unavailable("upsert points"):
                self._client.upsert(self._collection, points=points, wait=True)

    def _vectors(self, text: IndexedText, dense: list[float] | None) -> dict[str, Any]:
        indices, values = self._encoder.encode_document(text.text)
        vectors: dict[str, Any] = {SPARSE_VECTOR: qm.SparseVector(indices=indices, values=values)}
        if dense is not None:
            vectors[DENSE_VECTOR] = dense
        return vectors

    def delete(self, refs: Sequence[NodeRef]) -> None:
        ids: list[qm.ExtendedPointId] = sorted({point_id(ref) for ref in refs})
        for start in range(0, len(ids), UPSERT_BATCH * 4):
            selector = qm.PointIdsList(points=ids[start : start + UPSERT_BATCH * 4])
            with _unavailable("delete points"):
                self._client.delete(self._collection, points_selector=selector, wait=True)

    # -- search ------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        k: int = 10,
        brand_id: str | list[str] | None = None,
        kinds: Sequence[str] | None = None,
        mode: SearchMode = "hybrid",
    ) -> list[Hit]:
        check_search(k, mode, self._embeddings is not None)
        if kinds is not None and not kinds:
            return []  # no kind asked for: nothing can match
        where = _filter(brand_id, kinds)
        indices, values = self._encoder.encode_query(query)
        sparse = qm.SparseVector(indices=indices, values=values) if indices else None
        if self._embeddings is None or mode == "sparse":
            return [] if sparse is None else self._single(sparse, SPARSE_VECTOR, "sparse", k, where)
        with _embedding(self._dense_model):
            dense = self._embeddings.embed_query(query)
        if mode == "dense":
            return self._single(dense, DENSE_VECTOR, "dense", k, where)
        return self._hybrid(sparse, dense, k, where)

    def _single(
        self, vector: Any, using: str, name: str, k: int, where: qm.Filter | None
    ) -> list[Hit]:
        with _unavailable("search"):
            response = self._client.query_points(
                self._collection,
                query=vector,
                using=using,
                query_filter=where,
                limit=k,
                with_payload=HIT_FIELDS,
            )
        return _hits(response.points, {name: ranks([p.id for p in response.points])})

    def _hybrid(
        self, sparse: qm.SparseVector | None, dense: list[float], k: int, where: qm.Filter | None
    ) -> list[Hit]:
        """RRF over a sparse and a dense prefetch, plus both lists alone for the ranks.

        The three requests go in one round trip; Qdrant runs each prefetch twice, which
        at ``max(4k, 40)`` candidates costs less than a second round trip.
        """
        depth = fusion_depth(k)
        lists = [
            (name, vector, using)
            for name, vector, using in (
                ("sparse", sparse, SPARSE_VECTOR),
                ("dense", dense, DENSE_VECTOR),
            )
            if vector is not None
        ]
        fused = qm.QueryRequest(
            prefetch=[
                qm.Prefetch(query=vector, using=using, filter=where, limit=depth)
                for _, vector, using in lists
            ],
            query=qm.FusionQuery(fusion=qm.Fusion.RRF),  # k = 2, as RRF_K on Edge
            filter=where,
            limit=k,
            with_payload=HIT_FIELDS,
        )
        alone = [
            qm.QueryRequest(
                query=vector, using=using, filter=where, limit=depth, with_payload=False
            )
            for _, vector, using in lists
        ]
        with _unavailable("search"):
            responses = self._client.query_batch_points(self._collection, [fused, *alone])
        lists_ranks = {
            name: ranks([p.id for p in response.points])
            for (name, _, _), response in zip(lists, responses[1:], strict=True)
        }
        return _hits(responses[0].points, lists_ranks)

    # -- admin -------------------------------------------------------------------------
    @property
    def dense_model(self) -> str | None:
        return self._dense_model

    def info(self) -> IndexInfo:
        with _unavailable("count points"):
            points = self._client.count(self._collection, exact=True).count
        return IndexInfo(
            mode="hybrid" if self._dense_model else "sparse-only",
            dense_model=self._dense_model,
            points=points,
            location=self._location,
        )

    def recreate(self) -> None:
        with _unavailable(f"recreate collection {self._collection!r}"):
            self._client.delete_collection(self._collection)
            self._create_collection()

    def close(self) -> None:
        self._client.close()


def _is_local(client: QdrantClient) -> bool:
    options = client.init_options
    return options.get("path") is not None or options.get("location") == ":memory:"


def _describe(client: QdrantClient) -> str:
    options = client.init_options
    if options.get("path") is not None:
        return f"local:{Path(options['path']).resolve()}"
    if options.get("location") == ":memory:":
        return "local::memory:"
    return str(options.get("url") or options.get("location") or options.get("host") or "")


def _filter(brand_id: str | list[str] | None, kinds: Sequence[str] | None) -> qm.Filter | None:
    must: list[qm.Condition] = []
    if isinstance(brand_id, str):
        must.append(qm.FieldCondition(key="brand_id", match=qm.MatchValue(value=brand_id)))
    elif brand_id is not None:
        must.append(qm.FieldCondition(key="brand_id", match=qm.MatchAny(any=list(brand_id))))
    if kinds is not None:
        must.append(qm.FieldCondition(key="kind", match=qm.MatchAny(any=list(kinds))))
    return qm.Filter(must=must) if must else None


def _hits(points: Sequence[qm.ScoredPoint], lists: dict[str, dict[str, int]]) -> list[Hit]:
    found = (hit(p.id, p.score, p.payload, lists) for p in points)
    return [h for h in found if h is not None]
