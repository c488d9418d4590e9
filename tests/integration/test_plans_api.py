"""Plans over the HTTP API on a real uvicorn server, over both graph backends."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from graph.base import GraphStore
from graph.schema import Label
from tests.integration.http_server import serve
from tests.integration.test_api import assert_error

KEYS = {"view-key-123-secret": "viewer", "plan-key-123-secret": "planner"}
VIEWER = {"Authorization": "Bearer view-key-123-secret"}
PLANNER = {"Authorization": "Bearer plan-key-123-secret"}
BRAND = "brand-trailhead"
REQUEST: dict[str, Any] = {
    "brand_id": BRAND,
    "budget": 50_000,
    "start_date": "2026-07-01",
    "end_date": "2026-07-30",
    "constraints": {"min": {"ch-youtube": 2_500}, "max": {"ch-google-search": 10_000}},
}


@pytest.fixture
def client(graph_store: GraphStore, tmp_path: Path) -> Iterator[httpx.Client]:
    """A real HTTP server on a free loopback port, serving an app over ``graph_store``."""
    with serve(graph_store, tmp_path, KEYS) as http:
        yield http


def channel_total(allocations: list[dict[str, Any]], channel: str) -> Decimal:
    return sum(
        (Decimal(str(a["budget"])) for a in allocations if a["channel_id"] == channel), Decimal(0)
    )


def test_a_plan_is_allocated_recorded_and_read_back(client: httpx.Client, demo: GraphStore) -> None:
    r = client.post("/v1/plans", json=REQUEST, headers=PLANNER)
    assert r.status_code == 200, r.text
    plan = r.json()
    assert plan["version"] == 1 and plan["status"] == "pending_approval"
    assert plan["id"].startswith("plan_") and plan["family"] == plan["id"]
    assert plan["created_by"] == "env-key-2" and plan["versions"][0]["id"] == plan["id"]
    allocations = plan["allocations"]
    assert allocations and sum(Decimal(str(a["budget"])) for a in allocations) == 50_000
    assert channel_total(allocations, "ch-youtube") >= 2_500
    assert channel_total(allocations, "ch-google-search") <= 10_000
    top = allocations[0]
    assert top["expected"]["roas"] > 0
    assert top["expected"]["low"] <= top["expected"]["revenue"] <= top["expected"]["high"]
    assert top["channel_id"] in plan["rationale"] and "ROAS" in plan["rationale"]
    assert plan["kpis"]["window"]["days"] == 30 and plan["kpis"]["target_roas"] > 0
    assert {t["agent"] for t in plan["tasks"]} == {"budget", "content", "distribution"}
    assert {t["status"] for t in plan["tasks"]} == {"pending"}
    setup = next(t for t in plan["tasks"] if t["id"] == "budget-setup")
    assert all(t["sla_hours"] > 0 for t in plan["tasks"])
    launch = [t for t in plan["tasks"] if t["agent"] == "distribution"]
    assert launch and all(setup["id"] in t["depends_on"] for t in launch)
    assert all(a["id"].startswith("alloc_") and a["curve_id"] for a in allocations)
    assert any(c["action"] == "stop_line" for c in plan["exit_criteria"])

    # read back: the same plan, with the viewer's key
    again = client.get(f"/v1/plans/{plan['id']}", headers=VIEWER)
    assert again.status_code == 200, again.text
    assert again.json() == plan

    # the decision and the lineage
    decision = client.get(f"/v1/decisions/{plan['decision_id']}", headers=VIEWER)
    assert decision.status_code == 200, decision.text
    labels = {n["label"] for n in decision.json()["nodes"]}
    assert {"Decision", "Plan", "Allocation", "ResponseCurve"} <= labels
    lineage = client.get(
        f"/v1/lineage/Plan:{plan['id']}", params={"direction": "up", "depth": 2}, headers=VIEWER
    )
    assert lineage.status_code == 200, lineage.text
    reached = {n["label"] for n in lineage.json()["nodes"]}
    assert {"Plan", "Decision", "ResponseCurve"} <= reached
    assert demo.count(Label.ALLOCATION) == len(allocations)
    assert demo.count(Label.PLAN) == 1
    assert demo.count(Label.TASK) == len(plan["tasks"])

    # same request, same allocation (only the ids differ)
    second = client.post("/v1/plans", json=REQUEST, headers=PLANNER).json()

    def without_ids(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in a.items() if k != "id"} for a in lines]

    assert without_ids(second["allocations"]) == without_ids(allocations)
    assert second["id"] != plan["id"]

    # infeasible constraints name the channel; nothing is written
    impossible = {**REQUEST, "constraints": {"min": {"ch-meta": 60_000}}}
    error = assert_error(
        client.post("/v1/plans", json=impossible, headers=PLANNER), 422, "infeasible_constraints"
    )
    assert error["details"] == {"channels": ["ch-meta"]} and "ch-meta" in str(error["message"])
    assert demo.count(Label.PLAN) == 2


def test_plans_need_the_planner_role(client: httpx.Client) -> None:
    error = assert_error(client.post("/v1/plans", json=REQUEST, headers=VIEWER), 403, "forbidden")
    assert "planner" in str(error["message"])


def test_bad_requests_and_missing_plans(client: httpx.Client) -> None:
    unknown = {**REQUEST, "brand_id": "brand-nope", "constraints": {}}
    error = assert_error(
        client.post("/v1/plans", json=unknown, headers=PLANNER), 422, "unknown_brand"
    )
    assert "brand-nope" in error["message"]
    backwards = {**REQUEST, "end_date": "2026-06-01"}
    assert client.post("/v1/plans", json=backwards, headers=PLANNER).status_code == 422
    broke = {**REQUEST, "budget": 0}
    assert client.post("/v1/plans", json=broke, headers=PLANNER).status_code == 422
    assert_error(client.get("/v1/plans/plan_nope", headers=VIEWER), 404, "not_found")
