"""A small two-brand world for the hostile-input tests, and how to tell it did not change.

``brand-own`` and ``brand-other`` each have an audience, a campaign on the shared e-mail
channel, an asset and a few outcome rows; ``aud-shared`` is an audience of no brand. The
keys are an admin and an analyst limited to ``brand-own``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import httpx

from graph.base import GraphStore
from graph.models import NodeRef
from graph.schema import Label
from ingest import Part, describe, ingest, read_rows

OWN, OTHER = "brand-own", "brand-other"
ADMIN_KEY = "admin-key-hostile-0001"
LIMITED_KEY = "analyst-own-key-0001"
KEYS = {ADMIN_KEY: "admin", LIMITED_KEY: f"analyst@{OWN}"}
ADMIN = {"Authorization": f"Bearer {ADMIN_KEY}"}
LIMITED = {"Authorization": f"Bearer {LIMITED_KEY}"}
NDJSON = {"Content-Type": "application/x-ndjson"}
CSV = {"Content-Type": "text/csv"}
BOUND = 64 * 1024  # no answer to a hostile body is longer than this

WORLD: dict[str, list[dict[str, Any]]] = {
    "brands": [
        {"id": OWN, "name": "Own Co", "currency": "GBP"},
        {"id": OTHER, "name": "Other Co", "currency": "GBP"},
    ],
    "channels": [
        {"id": "ch-email", "name": "Mailchimp", "kind": "email", "platform": "mailchimp"},
        {"id": "ch-search", "name": "Search", "kind": "paid_search"},
    ],
    "audiences": [
        {"id": "aud-shared", "name": "Everyone"},
        {"id": "aud-own", "name": "Own fans", "brand_id": OWN},
        {"id": "aud-other", "name": "Other fans", "brand_id": OTHER},
    ],
    "campaigns": [
        {"id": "cmp-own", "brand_id": OWN, "name": "Own spring", "channel_ids": ["ch-email"]},
        {"id": "cmp-other", "brand_id": OTHER, "name": "Other spring", "channel_ids": ["ch-email"]},
    ],
    "assets": [
        {"id": "ast-own", "brand_id": OWN, "kind": "email", "title": "Own mail"},
        {"id": "ast-other", "brand_id": OTHER, "kind": "email", "title": "Other mail"},
    ],
    "outcomes": [
        {
            "date": f"2026-03-0{d}",
            "campaign_id": c,
            "channel_id": "ch-email",
            "spend": 100.0,
            "revenue": 300.0,
            "clicks": 20,
            "impressions": 1000,
        }
        for d in (1, 2, 3)
        for c in ("cmp-own", "cmp-other")
    ],
    "leads": [
        {"id": "lead-other", "created_at": "2026-03-01T09:00:00+00:00", "campaign_id": "cmp-other"}
    ],
}


def jsonl(*records: dict[str, Any]) -> str:
    return "\n".join(json.dumps(r) for r in records)


def load_world(store: GraphStore) -> None:
    parts = []
    for kind, records in WORLD.items():
        data = jsonl(*records).encode()
        info = describe(f"world-{kind}.jsonl", data)
        parts.append(Part(kind=kind, source=info, rows=read_rows(data, "jsonl", info.name)))
    ingest(store, parts)


@dataclass(frozen=True)
class Snapshot:
    """Counts and the properties of every node a hostile call might change."""

    nodes: int
    edges: int
    runs: int
    sources: int
    watched: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, store: GraphStore) -> Snapshot:
        refs = [NodeRef(Label.BRAND, b) for b in (OWN, OTHER)]
        refs += [NodeRef(Label.CHANNEL, c) for c in ("ch-email", "ch-search")]
        refs += [NodeRef(Label.AUDIENCE, a) for a in ("aud-shared", "aud-own", "aud-other")]
        refs += [NodeRef(Label.CAMPAIGN, c) for c in ("cmp-own", "cmp-other")]
        refs += [NodeRef(Label.ASSET, a) for a in ("ast-own", "ast-other")]
        refs += [NodeRef(Label.LEAD, "lead-other")]
        watched = tuple(
            sorted((str(n.ref), json.dumps(n.properties, sort_keys=True, default=str))
                   for n in store.get_nodes(refs))
        )  # fmt: skip
        return cls(
            nodes=store.count(),
            edges=store.count_edges(),
            runs=store.count(Label.INGEST_RUN),
            sources=store.count(Label.SOURCE),
            watched=watched,
        )


def assert_refused(
    response: httpx.Response,
    status: int | Iterable[int],
    *words: str,
    bound: int = BOUND,
) -> dict[str, Any]:
    """A 4xx of the error shape, not longer than ``bound``, whose message holds ``words``."""
    allowed = {status} if isinstance(status, int) else set(status)
    assert response.status_code in allowed, (response.status_code, response.text[:2000])
    assert len(response.content) <= bound, f"{len(response.content):,} bytes answered"
    error: dict[str, Any] = response.json()["error"]
    text = json.dumps(error)
    for word in words:
        assert word in text, (word, text[:2000])
    return error
