"""A plan's life over the HTTP API on both backends: the gate, versions, rollback, lineage."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from agents.orchestrator.clock import ManualClock
from graph.base import GraphStore
from graph.models import NodeRef
from graph.schema import Label, RelType
from tests.integration.http_server import serve
from tests.integration.test_api import assert_error

KEYS = {
    "view-key-123-secret": "viewer",
    "plan-key-123-secret": "planner",
    "appr-key-123-secret": "approver",
    "appr-key-456-secret": "approver",
    "admin-key-123-secret": "admin",
}
VIEWER = {"Authorization": "Bearer view-key-123-secret"}
PLANNER = {"Authorization": "Bearer plan-key-123-secret"}
APPROVER = {"Authorization": "Bearer appr-key-123-secret"}
APPROVER2 = {"Authorization": "Bearer appr-key-456-secret"}
ADMIN = {"Authorization": "Bearer admin-key-123-secret"}
REQUEST: dict[str, Any] = {
    "brand_id": "brand-trailhead",
    "budget": 30_000,
    "start_date": "2026-07-01",
    "end_date": "2026-07-14",
}


# The day the plans are made and handed over: the first day of REQUEST's period.
TODAY = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def client(demo: GraphStore, tmp_path: Path) -> Iterator[httpx.Client]:
    with serve(demo, tmp_path, KEYS, sandbox=True, clock=ManualClock(TODAY)) as http:
        yield http


def _post(client: httpx.Client, path: str, body: Any, headers: dict[str, str]) -> dict[str, Any]:
    r = client.post(path, json=body, headers=headers)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def _lines(plan: dict[str, Any]) -> list[tuple[str, str, float]]:
    return sorted((a["channel_id"], a["audience_id"], a["budget"]) for a in plan["allocations"])


def test_a_plan_waits_at_its_gate_and_every_version_is_traceable(
    client: httpx.Client, demo: GraphStore
) -> None:
    v1 = _post(client, "/v1/plans", REQUEST, PLANNER)
    assert v1["status"] == "pending_approval"
    queue = client.get("/v1/approvals", headers=VIEWER).json()
    assert [(q["subject"], q["action"]) for q in queue] == [(f"Plan:{v1['id']}", "plan")]

    # the gate holds: no execution, and a viewer or a planner cannot approve
    assert_error(client.post(f"/v1/plans/{v1['id']}/execute", headers=PLANNER), 409, "plan_state")
    assert_error(
        client.post(f"/v1/plans/{v1['id']}/approve", json={}, headers=PLANNER), 403, "forbidden"
    )
    assert client.get(f"/v1/plans/{v1['id']}", headers=VIEWER).json()["status"] == (
        "pending_approval"
    )

    approved = _post(client, f"/v1/plans/{v1['id']}/approve", {"comment": "fine"}, APPROVER)
    assert approved["status"] == "approved"
    assert [(a["approver"], a["verdict"], a["comment"]) for a in approved["approvals"]] == [
        ("env-key-3", "approved", "fine")
    ]
    assert client.get("/v1/approvals", headers=VIEWER).json() == []
    again = client.post(f"/v1/plans/{v1['id']}/approve", json={}, headers=APPROVER2)
    assert_error(again, 409, "not_waiting")
    assert demo.count(Label.APPROVAL) == 1

    # from an allocation, lineage reaches the curve version, its outcome rows and the approval
    allocation = v1["allocations"][0]
    lineage = client.get(
        f"/v1/lineage/Allocation:{allocation['id']}",
        params={"direction": "up", "depth": 3, "limit": 2000},
        headers=VIEWER,
    ).json()
    nodes = {(n["label"], n["id"]): n for n in lineage["nodes"]}
    curve = nodes[("ResponseCurve", allocation["curve_id"])]
    assert curve["properties"]["revision"] == 1
    assert ("Decision", v1["decision_id"]) in nodes
    assert ("Approval", approved["approvals"][0]["id"]) in nodes
    fitted = [
        e["target"]
        for e in lineage["edges"]
        if e["source"] == f"ResponseCurve:{allocation['curve_id']}" and e["type"] == "FITTED_ON"
    ]
    rows = [f for f in fitted if f.startswith("Outcome:")]
    assert rows, "the curve's outcome rows are part of the allocation's lineage"
    for row in rows[:20]:
        outcome = nodes[("Outcome", row.removeprefix("Outcome:"))]["properties"]
        assert outcome["channel_id"] == allocation["channel_id"]
        assert outcome["audience_id"] == allocation["audience_id"]

    # re-planning makes version 2, which supersedes the approved, unexecuted version 1
    v2 = _post(client, f"/v1/plans/{v1['id']}/replan", {"budget": 20_000}, PLANNER)
    assert (v2["version"], v2["family"], v2["supersedes"]) == (2, v1["id"], v1["id"])
    assert sum(Decimal(str(a["budget"])) for a in v2["allocations"]) == 20_000
    assert [(v["version"], v["status"]) for v in v2["versions"]] == [
        (1, "superseded"),
        (2, "pending_approval"),
    ]
    assert_error(client.post(f"/v1/plans/{v1['id']}/execute", headers=PLANNER), 409, "plan_state")
    assert_error(
        client.post(f"/v1/plans/{v1['id']}/approve", json={}, headers=APPROVER), 409, "not_waiting"
    )

    # rolling back to version 1 makes version 3 with version 1's lines, as a decision
    v3 = _post(client, f"/v1/plans/{v2['id']}/rollback", {"to_version": 1}, APPROVER)
    assert (v3["version"], v3["status"], v3["supersedes"]) == (3, "pending_approval", v2["id"])
    assert _lines(v3) == _lines(v1)
    assert {a["curve_id"] for a in v3["allocations"]} == {a["curve_id"] for a in v1["allocations"]}
    decision = client.get(f"/v1/decisions/{v3['decision_id']}", headers=VIEWER).json()
    assert decision["root"] == f"Decision:{v3['decision_id']}"
    based_on = {e["target"] for e in decision["edges"] if e["type"] == "BASED_ON"}
    assert f"Plan:{v1['id']}" in based_on
    assert_error(
        client.post(f"/v1/plans/{v2['id']}/rollback", json={"to_version": 9}, headers=APPROVER),
        404,
        "unknown_version",
    )
    edges = demo.incident_edges(
        [NodeRef(label=Label.PLAN, id=v3["id"])], 10, {RelType.SUPERSEDES: "out"}
    )
    assert [e.dst.id for e in edges] == [v2["id"]]

    # approve and execute the newest version
    _post(client, f"/v1/plans/{v3['id']}/approve", {}, APPROVER2)
    executing = _post(client, f"/v1/plans/{v3['id']}/execute", None, PLANNER)
    assert executing["status"] == "executing"
    # handed over on its first day: it runs now, nothing waits for a later day
    assert (executing["run_status"], executing["scheduled_for"]) == ("running", None)
    assert executing["starts_at"] == "2026-07-01T00:00:00+00:00"
    assert _post(client, f"/v1/plans/{v3['id']}/execute", None, PLANNER)["status"] == "executing"
    listed = client.get("/v1/plans", params={"status": "executing"}, headers=VIEWER).json()
    assert [p["id"] for p in listed] == [v3["id"]]


def test_rejection_and_self_approval(client: httpx.Client, demo: GraphStore) -> None:
    mine = _post(client, "/v1/plans", REQUEST, ADMIN)
    error = assert_error(
        client.post(f"/v1/plans/{mine['id']}/approve", json={}, headers=ADMIN), 403, "self_approval"
    )
    assert "env-key-5" in error["message"]
    assert demo.count(Label.APPROVAL) == 0
    rejected = _post(client, f"/v1/plans/{mine['id']}/reject", {"comment": "too much"}, APPROVER)
    assert rejected["status"] == "rejected"
    assert [a["verdict"] for a in rejected["approvals"]] == ["rejected"]
    assert_error(client.post(f"/v1/plans/{mine['id']}/execute", headers=PLANNER), 409, "plan_state")
    assert_error(
        client.post("/v1/plans/plan_nope/approve", json={}, headers=APPROVER), 404, "not_found"
    )
    bad = client.post(f"/v1/plans/{mine['id']}/rollback", json={"to_version": 0}, headers=APPROVER)
    assert bad.status_code == 422


def test_two_approvers_when_the_policy_asks(demo: GraphStore, tmp_path: Path) -> None:
    (tmp_path / "policy.toml").write_text("[gates.plan]\napprovers = 2\n", encoding="utf-8")
    with serve(demo, tmp_path, KEYS, sandbox=True) as client:
        plan = _post(client, "/v1/plans", REQUEST, PLANNER)
        first = _post(client, f"/v1/approvals/{plan['decision_id']}/approve", {}, APPROVER)
        assert (first["status"], first["approvals"]) == ("pending_approval", 1)
        same = _post(client, f"/v1/approvals/{plan['decision_id']}/approve", {}, APPROVER)
        assert (same["status"], same["approvals"]) == ("pending_approval", 1)
        queue = client.get("/v1/approvals", headers=VIEWER).json()
        assert [(q["approvals"], q["approvers_needed"]) for q in queue] == [(1, 2)]
        second = _post(client, f"/v1/approvals/{plan['decision_id']}/approve", {}, APPROVER2)
        assert (second["status"], second["approvals"]) == ("approved", 2)


def test_a_bad_policy_file_is_named(demo: GraphStore, tmp_path: Path) -> None:
    (tmp_path / "policy.toml").write_text("[gates.plan]\napprovals = 2\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"gates\.plan\.approvals"), serve(demo, tmp_path, KEYS):
        pass


def test_a_bad_curves_setting_is_named(demo: GraphStore, tmp_path: Path) -> None:
    """The policy file's [curves] section is read at start too, with the key named."""
    (tmp_path / "policy.toml").write_text("[curves]\nhalf_life_days = -1\n", encoding="utf-8")
    with (
        pytest.raises(ValueError, match=r"curves\.half_life_days"),
        serve(demo, tmp_path, KEYS),
    ):
        pass


def test_a_brief_is_researched_first_and_the_plan_cites_the_research(
    client: httpx.Client, demo: GraphStore
) -> None:
    body = {**REQUEST, "brief": "Waterproof hiking boots for the rainy season; no TikTok."}
    plan = _post(client, "/v1/plans", body, PLANNER)
    decision = client.get(f"/v1/decisions/{plan['decision_id']}", headers=VIEWER).json()
    based_on = {e["target"] for e in decision["edges"] if e["type"] == "BASED_ON"}
    research = [t for t in based_on if t.startswith("ResearchBrief:")]
    briefs = [t for t in based_on if t.startswith("Brief:")]
    assert len(research) == 1 and len(briefs) == 1
    assert demo.count(Label.BRIEF) == 1  # research and planner share the one Brief
    brief_of_research = demo.incident_edges(
        [NodeRef.parse(research[0])], 10, {RelType.BASED_ON: "out"}
    )
    assert [str(e.dst) for e in brief_of_research if e.dst.label is Label.BRIEF] == briefs
    stored = client.get(
        f"/v1/research/{research[0].removeprefix('ResearchBrief:')}", headers=VIEWER
    )
    assert stored.status_code == 200, stored.text


def test_a_brief_with_nothing_to_search_for_is_planned_without_research(
    client: httpx.Client, demo: GraphStore
) -> None:
    """Found by the API fuzzing: such a brief made research refuse its request, a 500."""
    plan = _post(client, "/v1/plans", {**REQUEST, "brief": "\x8e !!"}, PLANNER)
    assert plan["status"] == "pending_approval"
    decision = client.get(f"/v1/decisions/{plan['decision_id']}", headers=VIEWER).json()
    assert not [n for n in decision["nodes"] if n["label"] == "ResearchBrief"]
    assert demo.count(Label.RESEARCH_BRIEF) == 0
