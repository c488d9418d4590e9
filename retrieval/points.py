"""What a point of the text index is, whichever Qdrant holds it (Edge in-process or a server).

One point per graph text, id ``uuid5(Label:id)`` so a re-upsert replaces it; a sparse BM25
vector named :data:`SPARSE_VECTOR` (IDF modifier), a dense one named :data:`DENSE_VECTOR`
when a model is configured, and the payload below. Both adapters build the same points,
check search arguments the same way and turn scored points into the same hits.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Final

from graph.models import NodeRef
from graph.schema import Label
from retrieval.base import Hit, IndexedText, SearchMode
from retrieval.errors import DenseUnavailableError

SPARSE_VECTOR: Final = "bm25"
DENSE_VECTOR: Final = "dense"
UPSERT_BATCH: Final = 256
HIT_FIELDS: Final = ["node_id", "label", "id", "kind", "brand_id", "title"]
KEYWORD_FIELDS: Final = ("brand_id", "kind", "label")
PROBE_TEXT: Final = "dimension probe"
# Reciprocal rank fusion constant: Qdrant's default, so Edge and a server fuse alike.
RRF_K: Final = 2
_POINT_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_URL, "urn:marketgraph:retrieval:text")


def point_id(ref: NodeRef) -> str:
    """The Qdrant point id of a node's text: ``uuid5`` of ``Label:id``, stable everywhere."""
    return str(uuid.uuid5(_POINT_NAMESPACE, str(ref)))


def payload(text: IndexedText) -> dict[str, Any]:
    """The payload stored with a text's point."""
    return {
        "node_id": text.node_id,
        "label": text.ref.label.value,
        "id": text.ref.id,
        "kind": text.kind,
        "brand_id": text.brand_id,
        "title": text.title,
        "date": text.date,
        "extra": dict(text.extra),
    }


def latest(texts: Sequence[IndexedText]) -> list[IndexedText]:
    """One text per node, the last given winning (a batch may name a node twice)."""
    return list({t.node_id: t for t in texts}.values())


def check_search(k: int, mode: SearchMode, has_dense: bool) -> None:
    """Refuse arguments no search can answer (the same errors for every adapter)."""
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    if mode not in ("hybrid", "sparse", "dense"):
        raise ValueError(f"unknown search mode {mode!r}: use hybrid, sparse or dense")
    if mode == "dense" and not has_dense:
        raise DenseUnavailableError()


def fusion_depth(k: int) -> int:
    """Candidates each list contributes to a hybrid search."""
    return max(k * 4, 40)


def ranks(ids: Sequence[object]) -> dict[str, int]:
    """1-based rank of each point id in a result list."""
    return {str(pid): rank for rank, pid in enumerate(ids, start=1)}


def hit(
    pid: object, score: float, data: Mapping[str, Any] | None, lists: dict[str, dict[str, int]]
) -> Hit | None:
    """A hit from a scored point, or None for a point this code did not write."""
    data = data or {}
    try:
        ref = NodeRef(label=Label(data["label"]), id=str(data["id"]))
    except (KeyError, ValueError):
        return None
    key = str(pid)
    brand = data.get("brand_id")
    return Hit(
        ref=ref,
        score=score,
        kind=str(data.get("kind", "")),
        brand_id=None if brand is None else str(brand),
        title=str(data.get("title", "")),
        ranks={name: rank[key] for name, rank in lists.items() if key in rank},
    )
