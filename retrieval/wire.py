"""The JSON of the index host's wire: texts going to the host, hits coming back."""

from __future__ import annotations

from typing import Any

from graph.models import NodeRef
from retrieval.base import Hit, IndexedText


def hit_json(hit: Hit) -> dict[str, Any]:
    return {
        "node_id": str(hit.ref),
        "score": hit.score,
        "kind": hit.kind,
        "brand_id": hit.brand_id,
        "title": hit.title,
        "ranks": hit.ranks,
    }


def text_from_json(raw: dict[str, Any]) -> IndexedText:
    return IndexedText(
        ref=NodeRef.parse(str(raw["node_id"])),
        kind=str(raw["kind"]),
        brand_id=None if raw.get("brand_id") is None else str(raw["brand_id"]),
        title=str(raw.get("title", "")),
        text=str(raw.get("text", "")),
        date=None if raw.get("date") is None else str(raw["date"]),
        extra={str(k): str(v) for k, v in dict(raw.get("extra") or {}).items()},
    )


def text_json(text: IndexedText) -> dict[str, Any]:
    return {
        "node_id": str(text.ref),
        "kind": text.kind,
        "brand_id": text.brand_id,
        "title": text.title,
        "text": text.text,
        "date": text.date,
        "extra": dict(text.extra),
    }


def hit_from_json(raw: dict[str, Any]) -> Hit:
    brand = raw.get("brand_id")
    return Hit(
        ref=NodeRef.parse(str(raw["node_id"])),
        score=float(raw["score"]),
        kind=str(raw.get("kind", "")),
        brand_id=None if brand is None else str(brand),
        title=str(raw.get("title", "")),
        ranks={str(k): int(v) for k, v in dict(raw.get("ranks") or {}).items()},
    )
