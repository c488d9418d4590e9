"""The HTTP API on a real uvicorn server, over both graph backends."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph.base import GraphStore
from graph.schema import Label
from tests.integration.http_server import serve

KEYS = {
    "view-key-123-secret": "viewer",
    "analyst-key-123-secret": "analyst",
    "admin-key-123-secret": "admin",
}
VIEWER = {"Authorization": "Bearer view-key-123-secret"}
ANALYST = {"Authorization": "Bearer analyst-key-123-secret"}
NDJSON = {"Content-Type": "application/x-ndjson"}


@pytest.fixture
def client(graph_store: GraphStore, tmp_path: Path) -> Iterator[httpx.Client]:
    """A real HTTP server on a free loopback port, serving an app over ``graph_store``."""
    with serve(graph_store, tmp_path, KEYS) as http:
        yield http


def lines(*records: dict[str, object]) -> str:
    return "\n".join(json.dumps(r) for r in records)


BRANDS = lines({"id": "b1", "name": "Trailhead"})
CHANNELS = lines({"id": "ch1", "name": "Email", "kind": "email"})
CAMPAIGNS = lines({"id": "c1", "brand_id": "b1", "name": "Spring", "channel_ids": ["ch1"]})
OUTCOMES = lines(
    {"date": "2026-03-01", "campaign_id": "c1", "channel_id": "ch1", "spend": 10, "revenue": 30},
    {"date": "2026-03-02", "campaign_id": "c1", "channel_id": "ch1", "spend": 10, "revenue": 10},
)


def load(client: httpx.Client) -> None:
    for kind, body in (("brands", BRANDS), ("channels", CHANNELS), ("campaigns", CAMPAIGNS)):
        r = client.post(f"/v1/ingest/{kind}", content=body, headers={**ANALYST, **NDJSON})
        assert r.status_code == 200, r.text
    r = client.post("/v1/ingest/outcomes", content=OUTCOMES, headers={**ANALYST, **NDJSON})
    assert r.status_code == 200, r.text


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    error: dict[str, object] = body["error"]
    return error


def test_health_and_readiness_need_no_key(client: httpx.Client, graph_store: GraphStore) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["graph"] == {"backend": graph_store.backend, "ok": True}
    assert ready.json()["retrieval"]["mode"] == "sparse-only"


def test_metrics_expose_request_latency(client: httpx.Client) -> None:
    client.get("/healthz")
    text = client.get("/metrics").text
    assert 'marketgraph_http_request_duration_seconds_count{method="GET",route="/healthz"' in text


def test_v1_calls_need_a_valid_key(client: httpx.Client) -> None:
    assert_error(client.get("/v1/lineage/x"), 401, "unauthorized")
    assert_error(
        client.get("/v1/lineage/x", headers={"Authorization": "Bearer nope"}), 401, "unauthorized"
    )


def test_roles_gate_ingestion(client: httpx.Client) -> None:
    refused = client.post("/v1/ingest/brands", content=BRANDS, headers={**VIEWER, **NDJSON})
    error = assert_error(refused, 403, "forbidden")
    assert "analyst" in str(error["message"])
    accepted = client.post(
        "/v1/ingest/brands",
        content=BRANDS,
        headers={"X-API-Key": "analyst-key-123-secret", **NDJSON},
    )
    assert accepted.status_code == 200 and accepted.json()["accepted"] == 1


def test_ingest_is_idempotent_and_answers_run_id(client: httpx.Client) -> None:
    first = client.post("/v1/ingest/brands", content=BRANDS, headers={**ANALYST, **NDJSON}).json()
    again = client.post("/v1/ingest/brands", content=BRANDS, headers={**ANALYST, **NDJSON}).json()
    assert first["run_id"] == again["run_id"] and first["accepted"] == 1
    assert again["already_ingested"] is True and first["rejected"] == []


def test_csv_body_is_read_with_list_cells(client: httpx.Client, graph_store: GraphStore) -> None:
    load(client)
    body = "id,brand_id,name,channel_ids\nc2,b1,Summer,ch1\n"
    r = client.post(
        "/v1/ingest/campaigns", content=body, headers={**ANALYST, "Content-Type": "text/csv"}
    )
    assert r.status_code == 200, r.text
    assert graph_store.get_campaign_context("c2").channels[0].id == "ch1"


def test_bad_records_are_422_with_lines_and_nothing_is_written(
    client: httpx.Client, graph_store: GraphStore
) -> None:
    load(client)
    before = graph_store.count()
    body = lines(
        {"date": "2026-03-03", "campaign_id": "c1", "channel_id": "ch1", "spend": 1},
        {"date": "2026-03-04", "campaign_id": "c1", "channel_id": "ch1", "spend": -1},
        {"date": "not a date", "campaign_id": "c1", "channel_id": "ch1", "spend": 1},
    )
    error = assert_error(
        client.post("/v1/ingest/outcomes", content=body, headers={**ANALYST, **NDJSON}),
        422,
        "records_rejected",
    )
    details = error["details"]
    assert isinstance(details, dict)
    assert [r["line"] for r in details["rejected"]] == [2, 3]
    assert "spend" in details["rejected"][0]["reason"]
    assert graph_store.count() == before

    kept = client.post(
        "/v1/ingest/outcomes?skip_bad=true", content=body, headers={**ANALYST, **NDJSON}
    )
    assert kept.status_code == 200
    assert kept.json()["accepted"] == 1 and [r["line"] for r in kept.json()["rejected"]] == [2, 3]
    assert graph_store.count(Label.OUTCOME) == 3


def test_unknown_kind_and_content_type_are_4xx(client: httpx.Client) -> None:
    assert_error(
        client.post("/v1/ingest/widgets", content="{}", headers={**ANALYST, **NDJSON}),
        404,
        "unknown_kind",
    )
    r = client.post(
        "/v1/ingest/brands", content="x", headers={**ANALYST, "Content-Type": "text/plain"}
    )
    assert_error(r, 415, "unsupported_media_type")
    r = client.post("/v1/ingest/brands", content=b"\xff\xfe", headers={**ANALYST, **NDJSON})
    assert_error(r, 400, "unreadable_input")


def test_campaign_context_and_lineage(client: httpx.Client) -> None:
    load(client)
    ctx = client.get("/v1/campaigns/c1/context", headers=VIEWER)
    assert ctx.status_code == 200, ctx.text
    body = ctx.json()
    assert body["brand"]["node_id"] == "Brand:b1"
    (totals,) = body["outcomes_by_channel"]
    assert (totals["node_id"], totals["spend"], totals["revenue"], totals["roas"]) == (
        "Channel:ch1",
        20.0,
        40.0,
        2.0,
    )
    window = client.get("/v1/campaigns/c1/context?start=2026-03-02&end=2026-03-02", headers=VIEWER)
    assert window.json()["outcomes_by_channel"][0]["revenue"] == 10.0

    up = client.get("/v1/lineage/2026-03-01|c1|ch1||?direction=up&depth=2", headers=VIEWER)
    assert up.status_code == 200, up.text
    ids = {n["node_id"] for n in up.json()["nodes"]}
    assert {"Campaign:c1", "Channel:ch1", "Brand:b1"} <= ids
    assert any(n.startswith("IngestRun:") for n in ids)

    assert_error(client.get("/v1/campaigns/nope/context", headers=VIEWER), 404, "not_found")
    assert_error(client.get("/v1/lineage/nope", headers=VIEWER), 404, "not_found")
    assert_error(
        client.get("/v1/lineage/c1?direction=sideways", headers=VIEWER), 422, "invalid_request"
    )
    assert_error(client.get("/v1/lineage/c1?depth=99", headers=VIEWER), 422, "invalid_request")


def test_openapi_lists_the_contract(client: httpx.Client) -> None:
    spec = client.get("/openapi.json").json()
    for path in ("/healthz", "/readyz", "/metrics", "/v1/ingest/{kind}", "/v1/lineage/{node_id}"):
        assert path in spec["paths"]
    assert client.get("/docs").status_code == 200


ASSETS = lines(
    {
        "id": "a1",
        "brand_id": "b1",
        "kind": "email",
        "title": "Welcome back, trail friend",
        "body": "Subject: we saved your favourite trail runners. Returning customers get 15% off.",
    },
    {"id": "a2", "brand_id": "b1", "kind": "blog", "title": "Packing list", "body": "Ten things."},
)


def test_search_answers_with_cited_items(client: httpx.Client) -> None:
    load(client)
    r = client.post("/v1/ingest/assets", content=ASSETS, headers={**ANALYST, **NDJSON})
    assert r.status_code == 200 and r.json()["index_pending"] == 0

    found = client.post(
        "/v1/search",
        json={"query": "returning customers trail runners", "brand_id": "b1"},
        headers=VIEWER,
    )

    assert found.status_code == 200, found.text
    body = found.json()
    assert body["mode"] == "sparse-only"
    assert body["items"][0]["node_id"] == "Asset:a1"
    assert all(i["node_id"].split(":")[0] in {"Asset", "Campaign", "Brand"} for i in body["items"])
    unknown = client.post(
        "/v1/search", json={"query": "trail runners", "brand_id": "zz"}, headers=VIEWER
    )
    error = assert_error(unknown, 422, "unknown_brand")  # as plans answer, not 200 and nothing
    assert error["message"] == "no brand with id 'zz'"
    assert error["details"] == {"brand_id": "zz", "did_you_mean": None}
    typo = client.post("/v1/search", json={"query": "trail", "brand_id": "B1"}, headers=VIEWER)
    assert assert_error(typo, 422, "unknown_brand")["message"].endswith("did you mean b1?")


def test_search_input_errors_are_4xx(client: httpx.Client) -> None:
    assert_error(
        client.post("/v1/search", json={"query": ""}, headers=VIEWER), 422, "invalid_request"
    )
    assert_error(
        client.post("/v1/search", json={"query": "x", "k": 0}, headers=VIEWER),
        422,
        "invalid_request",
    )
    dense = client.post("/v1/search", json={"query": "x", "mode": "dense"}, headers=VIEWER)
    assert_error(dense, 400, "dense_unavailable")
    assert_error(client.post("/v1/search", json={"query": "x"}), 401, "unauthorized")


def test_campaign_context_lists_similar_campaigns(client: httpx.Client) -> None:
    load(client)
    more = lines(
        {"id": "c2", "brand_id": "b1", "name": "Spring sale for returning hikers"},
        {"id": "c3", "brand_id": "b1", "name": "Autumn webinar"},
    )
    assert (
        client.post("/v1/ingest/campaigns", content=more, headers={**ANALYST, **NDJSON}).status_code
        == 200
    )

    body = client.get("/v1/campaigns/c1/context", headers=VIEWER).json()

    assert body["retrieval"] == {"available": True, "mode": "sparse-only", "reason": None}
    similar = [s["node_id"] for s in body["similar_campaigns"]]
    assert similar and similar[0] == "Campaign:c2" and "Campaign:c1" not in similar
