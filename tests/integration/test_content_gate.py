"""The publish gate over HTTP, with the server's own worker running the plan: drafted hook
variants wait in the approval queue, an approver edits one and approves, and the edit
ratio is recorded and reported per piece and month."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from agents.orchestrator.clock import ManualClock
from demo import dataset_parts, generate
from graph.base import GraphStore
from ingest import ingest
from tests.integration.http_server import serve
from tests.integration.test_api import assert_error

KEYS = {
    "plan-key-123-secret": "planner",
    "appr-key-123-secret": "approver",
    "view-key-123-secret": "viewer",
}
PLANNER = {"Authorization": "Bearer plan-key-123-secret"}
APPROVER = {"Authorization": "Bearer appr-key-123-secret"}
VIEWER = {"Authorization": "Bearer view-key-123-secret"}


def _until(client: httpx.Client, what: str, check: Any, seconds: float = 120) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.parametrize("graph_store", ["embedded"], indirect=True)
def test_drafts_wait_at_the_publish_gate_and_edits_are_measured(
    graph_store: GraphStore, tmp_path: Path
) -> None:
    ingest(graph_store, dataset_parts(generate(seed=7, outcome_rows=3000)))
    clock = ManualClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))  # the plan's first day
    with serve(
        graph_store, tmp_path, KEYS, worker_seconds=0.5, sandbox=True, clock=clock
    ) as client:
        plan = client.post(
            "/v1/plans",
            json={
                "brand_id": "brand-trailhead",
                "budget": 20_000,
                "start_date": "2026-12-01",
                "end_date": "2026-12-14",
                "channel_ids": ["ch-email", "ch-meta"],
            },
            headers=PLANNER,
        ).json()
        assert (
            client.post(f"/v1/plans/{plan['id']}/approve", json={}, headers=APPROVER).status_code
            == 200
        )
        assert client.post(f"/v1/plans/{plan['id']}/execute", headers=PLANNER).status_code == 200

        def publish_gates() -> list[dict[str, Any]]:
            queue = client.get("/v1/approvals", headers=VIEWER).json()
            return [g for g in queue if g["action"] == "publish"]

        gates = _until(
            client, "the publish gates", lambda: len(publish_gates()) == 2 and publish_gates()
        )
        assert {g["subject"].rpartition(".")[2] for g in gates} == {
            "content-ch-email",
            "content-ch-meta",
        }
        decision = client.get(f"/v1/decisions/{gates[0]['decision_id']}", headers=VIEWER).json()
        drafts = [
            n
            for n in decision["nodes"]
            if n["label"] == "Asset" and n["properties"].get("status") == "draft"
        ]
        assert len(drafts) >= 3
        edited = drafts[0]
        new_body = edited["properties"]["body"] + " Free returns for 60 days."
        r = client.patch(f"/v1/assets/{edited['id']}", json={"body": new_body}, headers=APPROVER)
        assert r.status_code == 200, r.text

        # what the approver reads at the gate: every drafted text with its brand score
        listed = client.get(f"/v1/approvals/{gates[0]['decision_id']}/drafts", headers=VIEWER)
        assert listed.status_code == 200, listed.text
        shown = {d["id"]: d for d in listed.json()}
        assert set(shown) == {d["id"] for d in drafts}
        for d in drafts:
            p = d["properties"]
            assert shown[d["id"]]["consistency"] == p["consistency"]
            assert shown[d["id"]]["needs_review"] == bool(p.get("needs_review"))
            assert shown[d["id"]]["draft_body"] == p["draft_body"]
            assert shown[d["id"]]["audience_id"] == p["audience_id"]
        assert shown[edited["id"]]["body"] == new_body
        assert shown[edited["id"]]["edited_by"] == "env-key-2"
        assert_error(client.get("/v1/approvals/dec-nope/drafts", headers=VIEWER), 404, "not_found")
        assert_error(
            client.patch(f"/v1/assets/{edited['id']}", json={}, headers=APPROVER),
            422,
            "invalid_request",
        )
        assert_error(
            client.patch(f"/v1/assets/{edited['id']}", json={"body": "x"}, headers=VIEWER),
            403,
            "forbidden",
        )
        for gate in gates:
            r = client.post(
                f"/v1/approvals/{gate['decision_id']}/approve",
                json={"comment": "on brand"},
                headers=APPROVER,
            )
            assert r.status_code == 200, r.text

        def finished() -> bool:
            tasks = client.get(f"/v1/plans/{plan['id']}", headers=VIEWER).json()["tasks"]
            return all(t["status"] in ("done", "skipped") for t in tasks)

        _until(client, "the plan's tasks", finished)
        report = client.get(
            "/v1/content/edits", params={"brand_id": "brand-trailhead"}, headers=VIEWER
        ).json()
        ratios = {p["asset_id"]: p["ratio"] for p in report["pieces"]}
        assert ratios[edited["id"]] > 0
        assert sum(1 for r in ratios.values() if r == 0) >= 2  # the untouched drafts
        assert report["months"] and report["months"][0]["pieces"] == len(ratios)
        late = client.patch(f"/v1/assets/{edited['id']}", json={"body": "again"}, headers=APPROVER)
        assert_error(late, 409, "not_a_draft")
