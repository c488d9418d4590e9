"""The embedded text index: Qdrant's engine in-process (``qdrant-edge-py``), in one folder.

An :class:`EdgeShard` holds the same points as a server collection (see
:mod:`retrieval.points`): BM25 sparse vectors with the IDF modifier, a named dense vector
when a model is configured, keyword indexes on brand, kind and label. Search runs in Rust
(filters inside the index, RRF fusion over two prefetches) and releases the GIL.

The folder records which models made its vectors (``marketgraph.json``); opening it with
another dense model or sparse encoder raises :class:`EmbeddingModelMismatchError`. A
shard is held by one process at a time (its write-ahead log is locked): a second open,
in this process or another, raises :class:`IndexLockedError` (see ``retrieval.remote``
for how other processes reach it through the server that holds it). Every write bumps a
counter kept in the folder's ``version`` file, readable by any process without the lock.
"""

from __future__ import annotations

import errno
import fcntl
import json
import os
import secrets
import shutil
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Final

import qdrant_edge as qe
from langchain_core.embeddings import Embeddings

from graph.models import NodeRef
from retrieval.base import Hit, IndexedText, IndexInfo, SearchMode, TextIndex
from retrieval.errors import (
    EmbeddingModelMismatchError,
    IndexLockedError,
    IndexUnavailableError,
)
from retrieval.points import (
    DENSE_VECTOR,
    HIT_FIELDS,
    KEYWORD_FIELDS,
    PROBE_TEXT,
    RRF_K,
    SPARSE_VECTOR,
    check_search,
    fusion_depth,
    hit,
    latest,
    payload,
    point_id,
    ranks,
)
from retrieval.sparse import SparseEncoder

META_FILE: Final = "marketgraph.json"
VERSION_FILE: Final = "version"
_SHARD_CONFIG: Final = "edge_config.json"
EDGE_BATCH: Final = 1024


def default_encoder() -> SparseEncoder:
    """The sparse encoder of new indexes (see :mod:`retrieval.bm25`)."""
    from retrieval.bm25 import QdrantBm25Encoder

    return QdrantBm25Encoder()


def read_version(path: Path) -> int | None:
    """The write counter of the shard in ``path`` (no lock needed), or None if unreadable."""
    try:
        return int((path / VERSION_FILE).read_bytes() or b"0")
    except (OSError, ValueError):
        return None


def _unavailable_error(action: str, e: Exception, path: Path) -> IndexUnavailableError:
    if "WouldBlock" in str(e):
        return IndexLockedError(path)
    return IndexUnavailableError(f"Qdrant Edge failed to {action}: {e}")


@contextmanager
def _unavailable(action: str, path: Path) -> Iterator[None]:
    """Edge reports every failure as a bare ``Exception``: those become unavailability."""
    try:
        yield
    except (RuntimeError, OSError) as e:
        raise _unavailable_error(action, e, path) from e
    except Exception as e:
        if type(e) is not Exception:
            raise
        raise _unavailable_error(action, e, path) from e


@contextmanager
def _embedding(model: str | None) -> Iterator[None]:
    """Any failure of the embedding provider makes the index unavailable for now."""
    try:
        yield
    except Exception as e:
        raise IndexUnavailableError(f"embedding model {model} failed: {e}") from e


class EdgeTextIndex(TextIndex):
    """A :class:`TextIndex` in a Qdrant Edge shard in ``path`` (see the module docstring).

    Args:
        path: the shard's folder (created when missing).
        embeddings: the dense model; ``None`` for a sparse-only index.
        dense_model: the model's name as recorded (required with ``embeddings``).
        encoder: the sparse encoder (default :func:`default_encoder`).
        location: how :meth:`info` names the store (default ``edge:PATH``).
        recreate: start empty, dropping what the folder holds (whatever its models).

    Raises:
        EmbeddingModelMismatchError: the shard was built with other models.
        IndexLockedError: another process (or another open here) holds the shard.
        IndexUnavailableError: the shard cannot be opened, or the embedding model failed.
    """

    def __init__(
        self,
        path: Path,
        *,
        embeddings: Embeddings | None = None,
        dense_model: str | None = None,
        encoder: SparseEncoder | None = None,
        location: str = "",
        recreate: bool = False,
    ) -> None:
        if (embeddings is None) != (dense_model is None):
            raise ValueError("embeddings and dense_model go together: give both or neither")
        self.path = path
        self._embeddings = embeddings
        self._dense_model = dense_model
        self._encoder = encoder or default_encoder()
        self._location = location or f"edge:{path.resolve()}"
        self._lock = threading.Lock()  # open, close and recreate; the shard syncs the rest
        self._shard: qe.EdgeShard | None = None
        self._version = 0
        self._holder = _hold(path)  # before anything is read: fails fast when held
        try:
            if recreate and is_edge_folder(path):
                shutil.rmtree(path)
            self._open()
        except BaseException:
            self._holder.close()
            raise

    # -- the shard ---------------------------------------------------------------------
    def _open(self) -> None:
        if (self.path / _SHARD_CONFIG).exists():
            self._check_models()
            with _unavailable(f"open the shard in {self.path}", self.path):
                self._shard = qe.EdgeShard.load(str(self.path))
        else:
            self._create()
            return
        self._version = read_version(self.path) or secrets.randbits(40)

    def _create(self) -> None:
        vectors: dict[str, qe.EdgeVectorParams] = {}
        size = None
        if self._embeddings is not None:
            with _embedding(self._dense_model):
                size = len(self._embeddings.embed_query(PROBE_TEXT))
            vectors[DENSE_VECTOR] = qe.EdgeVectorParams(size=size, distance=qe.Distance.Cosine)
        config = qe.EdgeConfig(
            vectors=vectors,
            sparse_vectors={SPARSE_VECTOR: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
            payload_memory=qe.Memory.Cached,
        )
        self.path.mkdir(parents=True, exist_ok=True)
        # The models first: a crash before the shard exists leaves a folder created anew.
        meta = {
            "dense_model": self._dense_model,
            "dense_size": size,
            "sparse_model": self._encoder.name,
        }
        (self.path / META_FILE).write_text(json.dumps(meta, indent=2) + "\n")
        with _unavailable(f"create a shard in {self.path}", self.path):
            shard = qe.EdgeShard.create(str(self.path), config)
            for field in KEYWORD_FIELDS:
                shard.update(
                    qe.UpdateOperation.create_field_index(field, qe.PayloadSchemaType.Keyword)
                )
            shard.update(
                qe.UpdateOperation.create_field_index("date", qe.PayloadSchemaType.Datetime)
            )
        self._version = secrets.randbits(40)
        _write_version(self.path, self._version)
        self._shard = shard

    def _check_models(self) -> None:
        try:
            meta: dict[str, Any] = json.loads((self.path / META_FILE).read_text())
        except (OSError, ValueError):
            meta = {"dense_model": "an unrecorded model", "sparse_model": "an unrecorded encoder"}
        name = str(self.path)
        if meta.get("dense_model") != self._dense_model:
            raise EmbeddingModelMismatchError(name, meta.get("dense_model"), self._dense_model)
        if meta.get("sparse_model") != self._encoder.name:
            recorded = f"sparse {meta.get('sparse_model')}"
            raise EmbeddingModelMismatchError(name, recorded, f"sparse {self._encoder.name}")

    def _live(self) -> qe.EdgeShard:
        shard = self._shard
        if shard is None:
            raise IndexUnavailableError(f"the text index in {self.path} is closed")
        return shard

    def _written(self) -> None:
        """Count a write (after it is visible) in memory and in the version file."""
        with self._lock:
            self._version += 1
            _write_version(self.path, self._version)

    # -- writes ------------------------------------------------------------------------
    def upsert(self, texts: Sequence[IndexedText]) -> None:
        todo = latest(texts)
        wrote = False
        try:
            for start in range(0, len(todo), EDGE_BATCH):
                batch = todo[start : start + EDGE_BATCH]
                dense: list[list[float]] | None = None
                if self._embeddings is not None:
                    with _embedding(self._dense_model):
                        dense = self._embeddings.embed_documents([t.text for t in batch])
                points = [
                    qe.Point(
                        point_id(t.ref),
                        self._vectors(t, None if dense is None else dense[i]),
                        payload(t),
                    )
                    for i, t in enumerate(batch)
                ]
                with _unavailable("upsert points", self.path):
                    self._live().update(qe.UpdateOperation.upsert_points(points))
                wrote = True
        finally:
            if wrote:  # also when a later batch failed: what was written counts
                self._written()

    def _vectors(self, text: IndexedText, dense: list[float] | None) -> dict[str, Any]:
        indices, values = self._encoder.encode_document(text.text)
        vectors: dict[str, Any] = {SPARSE_VECTOR: qe.SparseVector(indices, values)}
        if dense is not None:
            vectors[DENSE_VECTOR] = dense
        return vectors

    def delete(self, refs: Sequence[NodeRef]) -> None:
        ids: list[qe.PointId] = sorted({point_id(ref) for ref in refs})
        wrote = False
        try:
            for start in range(0, len(ids), EDGE_BATCH):
                chunk = ids[start : start + EDGE_BATCH]
                with _unavailable("delete points", self.path):
                    self._live().update(qe.UpdateOperation.delete_points(chunk))
                wrote = True
        finally:
            if wrote:
                self._written()

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
        sparse = qe.SparseVector(indices, values) if indices else None
        if self._embeddings is None or mode == "sparse":
            return [] if sparse is None else self._single(sparse, SPARSE_VECTOR, "sparse", k, where)
        with _embedding(self._dense_model):
            dense = self._embeddings.embed_query(query)
        if mode == "dense":
            return self._single(dense, DENSE_VECTOR, "dense", k, where)
        return self._hybrid(sparse, dense, k, where)

    def _single(
        self, vector: Any, using: str, name: str, k: int, where: qe.Filter | None
    ) -> list[Hit]:
        request = qe.QueryRequest(
            limit=k + TIE_SLACK,
            query=qe.Query.Nearest(vector, using=using),
            filter=where,
            with_payload=HIT_FIELDS,
        )
        with _unavailable("search", self.path):
            points = _by_score_then_id(self._live().query(request))[:k]
        return _hits(points, {name: ranks([p.id for p in points])})

    def _hybrid(
        self, sparse: qe.SparseVector | None, dense: list[float], k: int, where: qe.Filter | None
    ) -> list[Hit]:
        """RRF over a sparse and a dense prefetch, plus both lists alone for the ranks,
        planned as one batch."""
        depth = fusion_depth(k)
        lists = [
            (name, vector, using)
            for name, vector, using in (
                ("sparse", sparse, SPARSE_VECTOR),
                ("dense", dense, DENSE_VECTOR),
            )
            if vector is not None
        ]
        fused = qe.QueryRequest(
            limit=k,
            prefetches=[
                qe.Prefetch(limit=depth, query=qe.Query.Nearest(vector, using=using), filter=where)
                for _, vector, using in lists
            ],
            query=qe.Fusion.Rrf(k=RRF_K),  # type: ignore[arg-type]  # the stub says Fusion
            filter=where,
            with_payload=HIT_FIELDS,
        )
        alone = [
            qe.QueryRequest(
                limit=depth,
                query=qe.Query.Nearest(vector, using=using),
                filter=where,
                with_payload=False,
            )
            for _, vector, using in lists
        ]
        with _unavailable("search", self.path):
            results = self._live().query_batch(qe.QueryBatchRequest([fused, *alone]))
        lists_ranks = {
            name: ranks([p.id for p in points])
            for (name, _, _), points in zip(lists, results[1:], strict=True)
        }
        return _hits(results[0], lists_ranks)

    # -- admin -------------------------------------------------------------------------
    @property
    def dense_model(self) -> str | None:
        return self._dense_model

    @property
    def version(self) -> int:
        return self._version

    def info(self) -> IndexInfo:
        with _unavailable("count points", self.path):
            points = self._live().count(qe.CountRequest(exact=True))
        return IndexInfo(
            mode="hybrid" if self._dense_model else "sparse-only",
            dense_model=self._dense_model,
            points=points,
            location=self._location,
        )

    def recreate(self) -> None:
        with self._lock:
            self._close()
            version = self._version
            shutil.rmtree(self.path, ignore_errors=True)
            self._create()
            self._version = version
        self._written()

    def close(self) -> None:
        with self._lock:
            try:
                self._close()
            finally:
                self._holder.close()  # closing the file releases the lock

    def _close(self) -> None:
        shard, self._shard = self._shard, None
        if shard is not None:
            try:
                shard.flush()
            finally:
                shard.close()


def _hold(path: Path) -> IO[bytes]:
    """Take the shard's lock, a file beside its folder (so dropping the folder keeps it).

    Qdrant Edge locks its write-ahead log too, but only after reading the segments; this
    lock refuses a second open at once, in another process or this one.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = (path.parent / f".{path.name}.lock").open("ab")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as e:
        handle.close()
        if e.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
            raise IndexLockedError(path) from e
        raise IndexUnavailableError(f"cannot lock the text index in {path}: {e}") from e
    return handle


def _write_version(path: Path, version: int) -> None:
    """Replace the version file whole (a reader never sees half a number)."""
    temp = path / f".{VERSION_FILE}.{threading.get_ident()}"
    try:
        temp.write_text(str(version))
        os.replace(temp, path / VERSION_FILE)
    except OSError:
        pass  # readers elsewhere then see an older version and recompute later


def is_edge_folder(path: Path) -> bool:
    """Whether ``path`` holds an Edge shard."""
    return (path / _SHARD_CONFIG).exists()


def _filter(brand_id: str | list[str] | None, kinds: Sequence[str] | None) -> qe.Filter | None:
    must: list[qe.FieldCondition] = []
    if isinstance(brand_id, str):
        must.append(qe.FieldCondition(key="brand_id", match=qe.MatchValue(brand_id)))
    elif brand_id is not None:
        must.append(qe.FieldCondition(key="brand_id", match=qe.MatchAny(list(brand_id))))
    if kinds is not None:
        must.append(qe.FieldCondition(key="kind", match=qe.MatchAny(list(kinds))))
    return qe.Filter(must=list(must)) if must else None


# Points of equal score come back in the engine's storage order, which differs between two
# indexes of the same texts written in another order; a few more are fetched so that ties
# at the cut are ordered by id too, and the same query gives the same answer everywhere.
TIE_SLACK = 8


def _by_score_then_id(points: Sequence[qe.ScoredPoint]) -> list[qe.ScoredPoint]:
    def key(p: qe.ScoredPoint) -> tuple[float, str, str]:
        data = p.payload or {}
        return -p.score, str(data.get("label", "")), str(data.get("id", p.id))

    return sorted(points, key=key)


def _hits(points: Sequence[qe.ScoredPoint], lists: dict[str, dict[str, int]]) -> list[Hit]:
    found = (hit(p.id, p.score, p.payload, lists) for p in points)
    return [h for h in found if h is not None]
