"""Campaign planning KPIs on a small hand-worked graph, on both backends, and over HTTP.

Plan p1 of brand b1 (2026-07-01..07-10, 10 days, budget 1,000; forecast ROAS 3.0 in
[2.0, 4.0]) was created 06-30 10:00, approved 16:00 and handed over 18:00; its lines are
ch1 × a1 and ch2 × a1. As of 07-05 (5 days elapsed: 500 planned to date):

    outcome  day    channel audience spend revenue   counted?
    o1       07-01  ch1     a1       100   300       yes
    o2       07-02  ch2     a1       150   300       yes
    o3       07-03  ch1     a2        50   500       no: not a line of the plan
    o4       07-06  ch1     a1       100   100       no: after as_of
    o5       06-29  ch1     a1        70   210       no: before the plan starts

Spend 250, revenue 600: actual ROAS 2.4 (inside the forecast), adherence 0.5. Leads L1
(07-02, ch1) and L2 (07-04, ch2) count; L3 (ch3) and L4 (07-08) do not: cost per lead 125.
Cycle 8 hours, gate 6 hours. Plan p2 was never executed and does not appear.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from graph.base import GraphStore
from graph.models import Edge, GraphBatch, Node, NodeRef
from graph.schema import Label, RelType
from reports import planning_kpis
from tests.integration.http_server import serve
from tests.integration.usecase_fixture import _part

AS_OF = datetime(2026, 7, 5, 23, 0, tzinfo=UTC)


def _fixture(store: GraphStore) -> None:
    from ingest import ingest

    outcomes = [
        ("2026-07-01", "ch1", "a1", 100, 300),
        ("2026-07-02", "ch2", "a1", 150, 300),
        ("2026-07-03", "ch1", "a2", 50, 500),
        ("2026-07-06", "ch1", "a1", 100, 100),
        ("2026-06-29", "ch1", "a1", 70, 210),
    ]
    leads = [
        ("L1", "2026-07-02T09:00:00+00:00", "ch1"),
        ("L2", "2026-07-04T09:00:00+00:00", "ch2"),
        ("L3", "2026-07-04T09:00:00+00:00", "ch3"),
        ("L4", "2026-07-08T09:00:00+00:00", "ch1"),
    ]
    ingest(
        store,
        [
            _part("brands", [{"id": "b1", "name": "B1"}]),
            _part(
                "channels",
                [{"id": f"ch{i}", "name": f"C{i}", "kind": "email"} for i in (1, 2, 3)],
            ),
            _part("audiences", [{"id": a, "name": a, "brand_id": "b1"} for a in ("a1", "a2")]),
            _part(
                "campaigns",
                [{"id": "c1", "brand_id": "b1", "name": "Summer", "channel_ids": ["ch1"]}],
            ),
            _part(
                "outcomes",
                [
                    {
                        "date": d,
                        "campaign_id": "c1",
                        "channel_id": ch,
                        "audience_id": a,
                        "spend": s,
                        "revenue": r,
                    }
                    for d, ch, a, s, r in outcomes
                ],
            ),
            _part(
                "leads",
                [
                    {"id": i, "created_at": t, "campaign_id": "c1", "channel_id": ch}
                    for i, t, ch in leads
                ],
            ),
        ],
    )
    kpis = json.dumps({"target_roas": 3.0, "roas_low": 2.0, "roas_high": 4.0})
    common = {
        "brand_id": "b1",
        "start_date": "2026-07-01",
        "end_date": "2026-07-10",
        "days": 10,
        "budget": 1000.0,
        "version": 1,
        "kpis": kpis,
    }
    p1 = Node(
        Label.PLAN,
        "p1",
        {
            "id": "p1",
            **common,
            "status": "executing",
            "created_at": "2026-06-30T10:00:00+00:00",
            "decided_at": "2026-06-30T16:00:00+00:00",
            "executed_at": "2026-06-30T18:00:00+00:00",
        },
    )
    p2 = Node(
        Label.PLAN,
        "p2",
        {
            "id": "p2",
            **common,
            "status": "pending_approval",
            "created_at": "2026-07-01T10:00:00+00:00",
        },
    )
    lines = [
        Node(
            Label.ALLOCATION,
            f"al{i}",
            {
                "id": f"al{i}",
                "plan_id": "p1",
                "channel_id": ch,
                "audience_id": "a1",
                "budget": 500.0,
            },
        )
        for i, ch in ((1, "ch1"), (2, "ch2"))
    ]
    edges = [Edge(src=n.ref, type=RelType.PART_OF, dst=p1.ref) for n in lines]
    store.write(GraphBatch(nodes=[p1, p2, *lines], edges=edges))


def test_planning_kpis_match_the_hand_worked_values(graph_store: GraphStore) -> None:
    _fixture(graph_store)
    report = planning_kpis(graph_store, brand_id="b1", as_of=AS_OF)
    assert [p.plan_id for p in report.plans] == ["p1"]
    (p,) = report.plans
    assert (p.days_elapsed, p.planned_to_date, p.spend, p.revenue) == (5, 500.0, 250.0, 600.0)
    assert (p.actual_roas, p.within_forecast, p.budget_adherence) == (2.4, True, 0.5)
    assert (p.leads, p.cost_per_lead) == (2, 125.0)
    assert (p.cycle_hours, p.gate_hours) == (8.0, 6.0)
    kpis = {k.name: k for k in report.kpis}
    assert kpis["actual_roas"].value == 2.4 and kpis["forecast_roas"].value == 3.0
    assert kpis["budget_adherence"].value == 0.5 and kpis["cost_per_lead"].value == 125.0
    assert kpis["forecast_hit_rate"].value == 1.0
    assert kpis["plan_to_execution_hours"].value == 8.0
    assert kpis["approval_wait_hours"].value == 6.0
    lineage = set(kpis["cost_per_lead"].lineage.node_ids)
    assert {"Plan:p1", "Allocation:al1", "Lead:L1", "Lead:L2"} <= lineage
    assert "Lead:L3" not in lineage and "Lead:L4" not in lineage
    # Before the plan starts nothing is spent, and nothing is planned yet either.
    early = planning_kpis(graph_store, brand_id="b1", as_of=datetime(2026, 6, 30, 20, tzinfo=UTC))
    assert early.plans[0].planned_to_date == 0 and early.plans[0].budget_adherence is None
    assert (
        planning_kpis(graph_store, brand_id="b1", as_of=datetime(2026, 6, 30, 12, tzinfo=UTC)).plans
        == []
    )


@pytest.mark.parametrize("graph_store", ["embedded"], indirect=True)
def test_planning_kpis_over_http(graph_store: GraphStore, tmp_path: Path) -> None:
    _fixture(graph_store)
    with serve(graph_store, tmp_path, {"view-key-123-secret": "viewer"}) as client:
        r = client.get(
            "/v1/usecases/planning",
            params={"brand_id": "b1", "as_of": AS_OF.isoformat()},
            headers={"Authorization": "Bearer view-key-123-secret"},
        )
        assert r.status_code == 200, r.text
        assert {k["name"]: k["value"] for k in r.json()["kpis"]}["budget_adherence"] == 0.5
        missing = client.get(
            "/v1/usecases/planning",
            params={"brand_id": "nope"},
            headers={"Authorization": "Bearer view-key-123-secret"},
        )
        assert missing.status_code == 404


def _link_outcomes(store: GraphStore, plan_id: str, days: set[str]) -> None:
    """An Execution of the plan, with the outcome rows of ``days`` RESULT_OF it (what the
    sandbox writes for the rows its lines produce)."""
    execution = Node(
        Label.EXECUTION,
        f"exe-{plan_id}",
        {"id": f"exe-{plan_id}", "plan_id": plan_id, "kind": "set_budget", "status": "applied"},
    )
    rows = [n for n in store.find_all(Label.OUTCOME) if str(n.properties["date"])[:10] in days]
    edges = [Edge(src=n.ref, type=RelType.RESULT_OF, dst=execution.ref) for n in rows]
    store.write(GraphBatch(nodes=[execution], edges=edges))


def test_statuses_follow_the_day_and_spend_to_date_comes_from_the_plans_executions(
    graph_store: GraphStore,
) -> None:
    """p1's executions produced o1 (07-01, 100), o2 (07-02, 150) and o4 (07-06, 100): as of
    07-05 it is running with 250 spent through them; before 07-01 it was scheduled for
    07-01 (nothing spent); after 07-10 completed, with all 350."""
    _fixture(graph_store)
    _link_outcomes(graph_store, "p1", {"2026-07-01", "2026-07-02", "2026-07-06"})

    def row(as_of: datetime) -> tuple[str, object, float]:
        (p,) = planning_kpis(graph_store, brand_id="b1", as_of=as_of).plans
        return p.status.value, p.scheduled_for, p.spend_to_date

    assert row(AS_OF) == ("running", None, 250.0)
    assert row(datetime(2026, 6, 30, 20, tzinfo=UTC)) == ("scheduled", date(2026, 7, 1), 0.0)
    assert row(datetime(2026, 7, 11, 9, tzinfo=UTC)) == ("completed", None, 350.0)
    # the brand's days are its own: at 23:00 UTC on 06-30 it is already 07-01 in Auckland
    graph_store.update_if(NodeRef(Label.BRAND, "b1"), {}, {"timezone": "Pacific/Auckland"})
    assert row(datetime(2026, 6, 30, 23, tzinfo=UTC)) == ("running", None, 100.0)


def test_a_plan_completed_later_was_running_before_then(graph_store: GraphStore) -> None:
    """The validation agent completed p1 on 07-11: as of 07-05 it was still running (a
    simulated run can complete a plan before the wall clock reaches its days)."""
    _fixture(graph_store)
    graph_store.update_if(
        NodeRef(Label.PLAN, "p1"),
        {"status": "executing"},
        {"status": "completed", "completed_at": "2026-07-11T00:00:00+00:00"},
    )

    def status(as_of: datetime) -> str:
        (p,) = planning_kpis(graph_store, brand_id="b1", as_of=as_of).plans
        return p.status.value

    assert status(AS_OF) == "running"
    assert status(datetime(2026, 7, 11, 0, 0, 1, tzinfo=UTC)) == "completed"
