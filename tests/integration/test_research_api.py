"""Research over the HTTP API on a real uvicorn server, over both graph backends; data
ingested through the API so the server's own indexer indexes it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph.base import GraphStore
from graph.schema import Label
from tests.integration.http_server import serve
from tests.integration.research_data import BRAND, RISING_HOOK, records
from tests.integration.test_api import assert_error

KEYS = {
    "view-key-123-secret": "viewer",
    "analyst-key-123-secret": "analyst",
    "plan-key-123-secret": "planner",
}
VIEWER = {"Authorization": "Bearer view-key-123-secret"}
ANALYST = {"Authorization": "Bearer analyst-key-123-secret"}
PLANNER = {"Authorization": "Bearer plan-key-123-secret"}
BODY = {"brand_id": BRAND, "topic": "waterproof hiking boots", "window_days": 60}


@pytest.fixture
def client(graph_store: GraphStore, tmp_path: Path) -> Iterator[httpx.Client]:
    with serve(graph_store, tmp_path, KEYS) as http:
        for kind, rows in records().items():
            body = "".join(json.dumps(r) + "\n" for r in rows)
            r = http.post(
                f"/v1/ingest/{kind}",
                content=body,
                headers={**ANALYST, "Content-Type": "application/x-ndjson"},
            )
            assert r.status_code == 200, r.text
        yield http


def test_research_is_created_read_back_and_traceable(
    client: httpx.Client, graph_store: GraphStore
) -> None:
    r = client.post("/v1/research", json=BODY, headers=ANALYST)
    assert r.status_code == 200, r.text
    brief = r.json()
    assert brief["id"].startswith("rb_") and brief["decision_id"].startswith("dec_")
    assert brief["competitor_angles"][0]["competitors"] == ["rival"]
    assert RISING_HOOK in {h["label"] for h in brief["trending_hooks"]}
    assert brief["suggested_angles"][0]["rank"] == 1 and brief["method"]["series_tested"] > 0

    again = client.get(f"/v1/research/{brief['id']}", headers=VIEWER)
    assert again.status_code == 200, again.text
    assert again.json() == brief

    decision = client.get(f"/v1/decisions/{brief['decision_id']}", headers=VIEWER).json()
    labels = {n["label"] for n in decision["nodes"]}
    assert {"Decision", "ResearchBrief", "Brief", "Asset", "Outcome", "Agent"} <= labels
    lineage = client.get(
        f"/v1/lineage/ResearchBrief:{brief['id']}",
        params={"direction": "up", "depth": 2},
        headers=VIEWER,
    )
    assert lineage.status_code == 200, lineage.text
    assert {"Brief", "Decision", "Outcome", "Asset"} <= {
        n["label"] for n in lineage.json()["nodes"]
    }

    # the brief and the research brief are in the index now
    found = client.post(
        "/v1/search",
        json={"query": "price match waterproof boots", "kinds": ["research"], "brand_id": BRAND},
        headers=VIEWER,
    ).json()
    assert f"ResearchBrief:{brief['id']}" in {i["node_id"] for i in found["items"]}

    # a planner may research too
    assert client.post("/v1/research", json=BODY, headers=PLANNER).status_code == 200
    assert graph_store.count(Label.RESEARCH_BRIEF) == 2 and graph_store.count(Label.BRIEF) == 1


def test_research_errors_are_4xx_and_write_nothing(
    client: httpx.Client, graph_store: GraphStore
) -> None:
    error = assert_error(client.post("/v1/research", json=BODY, headers=VIEWER), 403, "forbidden")
    assert "analyst" in str(error["message"])
    assert client.post("/v1/research", json=BODY).status_code == 401
    unknown = {**BODY, "brand_id": "brand-nope"}
    error = assert_error(
        client.post("/v1/research", json=unknown, headers=ANALYST), 404, "not_found"
    )
    assert "brand-nope" in str(error["message"])
    short = {**BODY, "window_days": 5}
    error = assert_error(
        client.post("/v1/research", json=short, headers=ANALYST), 422, "invalid_request"
    )
    assert "window_days" in str(error["message"])
    for topic in ("", "  the of and  "):
        empty = {**BODY, "topic": topic}
        error = assert_error(
            client.post("/v1/research", json=empty, headers=ANALYST), 422, "invalid_request"
        )
        assert "topic" in str(error["message"])
    bad_id = {**BODY, "brief_id": "a b\n"}
    assert_error(client.post("/v1/research", json=bad_id, headers=ANALYST), 422, "invalid_request")
    assert graph_store.count(Label.DECISION) == 0

    mine = client.post("/v1/research", json={**BODY, "brief_id": "brief-1"}, headers=ANALYST)
    assert mine.status_code == 200, mine.text
    theirs = {**BODY, "brand_id": "rival", "brief_id": "brief-1"}
    # another brand's brief is a 404 like a missing id, and its brand is not named
    error = assert_error(
        client.post("/v1/research", json=theirs, headers=ANALYST), 404, "not_found"
    )
    assert "brief-1" in str(error["message"]) and "b1" not in str(error["message"])
    assert graph_store.count(Label.DECISION) == 1
    assert_error(client.get("/v1/research/rb_nope", headers=VIEWER), 404, "not_found")
