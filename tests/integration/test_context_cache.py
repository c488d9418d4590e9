"""Campaign contexts are kept while nothing they were read from changed, and only then.

Over a real HTTP server on both graph backends with the embedded index: a second call is
served from the cache (embedded graph; Neo4j cannot tell its version cheaply, so it
recomputes), and every kind of change shows at once: new outcomes, a new similar text,
a write by another process, another caller's brands.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph.base import GraphStore
from graph.embedded import EmbeddedGraphStore
from ingest import Part, SourceInfo, ingest
from tests.integration.http_server import serve

KEYS = {"ctx-admin-key-1-secret": "admin", "ctx-b2-key-1-secret": "viewer@b2"}
ADMIN = {"Authorization": "Bearer ctx-admin-key-1-secret"}
ONLY_B2 = {"Authorization": "Bearer ctx-b2-key-1-secret"}
NDJSON = {"Content-Type": "application/x-ndjson"}
RECORDS: dict[str, list[dict[str, object]]] = {
    "brands": [{"id": "b1", "name": "Trailhead"}, {"id": "b2", "name": "Ledgerline"}],
    "channels": [{"id": "ch1", "name": "Email", "kind": "email"}],
    "campaigns": [
        {"id": "c1", "brand_id": "b1", "name": "Spring boots for hikers", "channel_ids": ["ch1"]},
        {"id": "c2", "brand_id": "b1", "name": "Spring gaiters for hikers"},
    ],
    "outcomes": [
        {"date": "2026-03-01", "campaign_id": "c1", "channel_id": "ch1", "spend": 10, "revenue": 30}
    ],
}


def post(client: httpx.Client, kind: str, *records: dict[str, object]) -> None:
    body = "\n".join(json.dumps(r) for r in records)
    answer = client.post(f"/v1/ingest/{kind}", content=body, headers={**ADMIN, **NDJSON})
    assert answer.status_code == 200, answer.text


@pytest.fixture
def client(graph_store: GraphStore, tmp_path: Path) -> Iterator[httpx.Client]:
    with serve(graph_store, tmp_path, KEYS) as http:
        for kind, records in RECORDS.items():
            post(http, kind, *records)
        yield http


def context(client: httpx.Client, headers: dict[str, str] = ADMIN) -> dict[str, Any]:
    answer = client.get("/v1/campaigns/c1/context", headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    body: dict[str, Any] = answer.json()
    return body


def spend(body: dict[str, Any]) -> float:
    return sum(float(t["spend"]) for t in body["outcomes_by_channel"])


def similar(body: dict[str, Any], field: str) -> list[str]:
    return [str(s["node_id"]) for s in body[field]]


def test_a_repeated_context_is_the_same_answer(client: httpx.Client) -> None:
    first = context(client)
    assert similar(first, "similar_campaigns") == ["Campaign:c2"]
    assert context(client) == first


def test_new_outcomes_show_at_once(client: httpx.Client) -> None:
    assert spend(context(client)) == 10
    post(
        client,
        "outcomes",
        {"date": "2026-03-02", "campaign_id": "c1", "channel_id": "ch1", "spend": 5},
    )
    assert spend(context(client)) == 15


def test_a_new_similar_text_shows_at_once(client: httpx.Client) -> None:
    assert similar(context(client), "similar_assets") == []
    post(client, "assets", {"id": "a9", "brand_id": "b1", "kind": "email", "title": "Spring boots"})
    assert similar(context(client), "similar_assets") == ["Asset:a9"]


def test_a_key_limited_to_another_brand_never_gets_a_cached_answer(
    client: httpx.Client,
) -> None:
    context(client)  # computed and kept for the unlimited key
    refused = client.get("/v1/campaigns/c1/context", headers=ONLY_B2)
    assert refused.status_code == 404  # the same answer as for a campaign that does not exist


def test_a_write_by_another_process_shows_at_once(
    client: httpx.Client, graph_store: GraphStore, tmp_path: Path
) -> None:
    if not isinstance(graph_store, EmbeddedGraphStore):
        pytest.skip("another connection to the same file is what the embedded store notices")
    assert spend(context(client)) == 10
    other = EmbeddedGraphStore(graph_store.path)  # a second connection: another process
    try:
        rows = [{"date": "2026-03-03", "campaign_id": "c1", "channel_id": "ch1", "spend": 7}]
        source = SourceInfo(name="other.jsonl", sha256="f" * 64, size=1)
        ingest(other, [Part(kind="outcomes", source=source, rows=enumerate(rows, start=1))])
    finally:
        other.close()
    assert spend(context(client)) == 17
