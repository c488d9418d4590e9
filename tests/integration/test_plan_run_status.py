"""Every view of a plan's status says the same thing, on both backends, on a clock we move.

Three plans of one brand are handed over through the HTTP API on a :class:`ManualClock`:
one in November (executed on 11-10, its days over by 12-20), one for December (running
on 12-20) and one for March (scheduled). Outcome rows are linked (``RESULT_OF``) to the
executions of the first two, as the sandbox feed links the rows its lines produce. The
plan list, each plan and the planning use case must then answer the same run status,
first day and spend to date for each: all three come from :func:`reports.plan_runs.
plan_runs`, which reads a page of plans in the same number of store calls as one plan.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from agents.orchestrator.clock import ManualClock
from graph.base import GraphStore
from graph.models import Edge, GraphBatch, Node, NodeRef
from graph.schema import Label, RelType
from graph.views import PlanView
from reports.plan_runs import plan_runs
from tests.integration.cli_runner import assert_usage_error, cli_for
from tests.integration.http_server import serve
from tests.integration.test_api import assert_error

pytestmark = pytest.mark.integration

BRAND = "brand-trailhead"
KEYS = {"plan-key-runs-0001": "planner", "appr-key-runs-0001": "approver"}
PLANNER = {"Authorization": "Bearer plan-key-runs-0001"}
APPROVER = {"Authorization": "Bearer appr-key-runs-0001"}


def _handed_over(http: httpx.Client, start: str, end: str) -> str:
    body = {"brand_id": BRAND, "budget": 12_000, "start_date": start, "end_date": end}
    made = http.post("/v1/plans", json=body, headers=PLANNER)
    assert made.status_code == 200, made.text
    plan_id = str(made.json()["id"])
    approved = http.post(f"/v1/plans/{plan_id}/approve", json={}, headers=APPROVER)
    assert approved.status_code == 200, approved.text
    executed = http.post(f"/v1/plans/{plan_id}/execute", headers=PLANNER)
    assert executed.status_code == 200, executed.text
    return plan_id


def _link(store: GraphStore, plan_id: str, rows: list[Node]) -> float:
    """An execution of the plan with ``rows`` RESULT_OF it; the spend they add up to."""
    exe = f"exe-runs-{plan_id}"
    execution = Node(
        Label.EXECUTION,
        exe,
        {"id": exe, "plan_id": plan_id, "kind": "set_budget", "status": "applied"},
    )
    edges = [Edge(src=n.ref, type=RelType.RESULT_OF, dst=execution.ref) for n in rows]
    store.write(GraphBatch(nodes=[execution], edges=edges))
    return sum(float(n.properties["spend"]) for n in rows)


def _rows(store: GraphStore, first: str, last: str, count: int) -> list[Node]:
    found = [
        n for n in store.find_all(Label.OUTCOME) if first <= str(n.properties["date"])[:10] <= last
    ]
    assert len(found) >= count, f"the demo has {len(found)} rows from {first} to {last}"
    return found[:count]


def _states(rows: list[dict[str, Any]], key: str = "id", status: str = "run_status") -> dict:
    return {r[key]: (r[status], r["scheduled_for"], r["spend_to_date"]) for r in rows}


class Counting:
    """The real store, passed through, with every call counted."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        found = getattr(self.store, name)
        if not callable(found):
            return found

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            return found(*args, **kwargs)

        return counted


def test_the_list_each_plan_and_the_planning_report_say_the_same_on_the_clocks_day(
    demo: GraphStore, tmp_path: Path
) -> None:
    clock = ManualClock(datetime(2026, 11, 10, 9, 0, tzinfo=UTC))
    with serve(demo, tmp_path, KEYS, sandbox=True, clock=clock) as http:
        ended = _handed_over(http, "2026-11-01", "2026-11-30")
        clock.set(datetime(2026, 12, 20, 9, 0, tzinfo=UTC))
        running = _handed_over(http, "2026-12-01", "2026-12-31")
        future = _handed_over(http, "2027-03-01", "2027-03-31")
        spent_ended = _link(demo, ended, _rows(demo, "2026-11-01", "2026-11-10", 6))
        spent_running = _link(demo, running, _rows(demo, "2026-11-25", "2026-11-30", 4))
        assert spent_ended > 0 and spent_running > 0

        expected = {
            ended: ("completed", None, pytest.approx(spent_ended, abs=0.01)),
            running: ("running", None, pytest.approx(spent_running, abs=0.01)),
            future: ("scheduled", "2027-03-01", 0.0),
        }

        def listed() -> dict[str, Any]:
            answer = http.get("/v1/plans", params={"brand_id": BRAND}, headers=PLANNER)
            assert answer.status_code == 200, answer.text
            return _states([r for r in answer.json() if r["id"] in expected])

        assert listed() == expected
        for plan_id, state in expected.items():
            shown = http.get(f"/v1/plans/{plan_id}", headers=PLANNER)
            assert _states([shown.json()])[plan_id] == state
        report = http.get("/v1/usecases/planning", params={"brand_id": BRAND}, headers=PLANNER)
        assert report.status_code == 200, report.text
        rows = [r for r in report.json()["plans"] if r["plan_id"] in expected]
        assert _states(rows, key="plan_id", status="status") == expected

        # the day moves, and every view with it: March comes, the December plan ends
        clock.set(datetime(2027, 3, 2, 9, 0, tzinfo=UTC))
        now = listed()
        assert now[future] == ("running", None, 0.0)
        assert now[running] == ("completed", None, expected[running][2])


def test_a_page_of_plans_is_read_in_as_many_store_calls_as_one_plan(
    graph_store: GraphStore,
) -> None:
    """Nine handed-over plans of three brands, outcomes linked to each: the list reads
    them in the same number of calls as it reads one (no read per plan)."""
    nodes, edges = [], []
    for b in range(3):
        brand = f"brand-runs-{b}"
        nodes.append(Node(Label.BRAND, brand, {"id": brand, "name": brand, "timezone": "UTC"}))
        for p in range(3):
            plan_id, exe = f"plan-runs-{b}-{p}", f"exe-runs-{b}-{p}"
            nodes.append(_plan(plan_id, brand))
            nodes.append(Node(Label.EXECUTION, exe, {"id": exe, "plan_id": plan_id}))
            for d in range(2):
                row = f"out-runs-{b}-{p}-{d}"
                day = date(2026, 7, 1 + d).isoformat()
                nodes.append(_outcome(row, brand, day, spend=10.0 * (p + 1)))
                edges.append(Edge(NodeRef(Label.OUTCOME, row), RelType.RESULT_OF,
                                  NodeRef(Label.EXECUTION, exe)))  # fmt: skip
    graph_store.write(GraphBatch(nodes=nodes, edges=edges))
    views = [PlanView.from_node(n) for n in nodes if n.label is Label.PLAN]
    at = datetime(2026, 7, 5, 12, 0, tzinfo=UTC)

    def calls(read: Callable[[GraphStore], object]) -> int:
        counting = Counting(graph_store)
        read(counting)  # type: ignore[arg-type]
        return counting.calls

    one = calls(lambda s: plan_runs(s, views[:1], at))
    runs = plan_runs(graph_store, views, at)
    assert {r.status.value for r in runs.values()} == {"running"}
    assert runs["plan-runs-2-1"].spend_to_date == 40.0  # its two rows of 20
    assert calls(lambda s: plan_runs(s, views, at)) == one


def _plan(plan_id: str, brand: str) -> Node:
    props = {
        "id": plan_id,
        "brand_id": brand,
        "status": "executing",
        "version": 1,
        "family": plan_id,
        "budget": 1000.0,
        "start_date": "2026-07-01",
        "end_date": "2026-07-10",
        "created_at": "2026-06-20T00:00:00+00:00",
        "executed_at": "2026-06-21T00:00:00+00:00",
    }
    return Node(Label.PLAN, plan_id, props)


def _outcome(row: str, brand: str, day: str, spend: float) -> Node:
    props = {
        "id": row,
        "brand_id": brand,
        "date": day,
        "campaign_id": "cmp-runs",
        "channel_id": "ch-runs",
        "spend": spend,
        "revenue": 0.0,
    }
    return Node(Label.OUTCOME, row, props)


def test_the_list_filters_on_the_run_status_and_still_on_the_stored_one(
    demo: GraphStore, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """``?status=scheduled|running|completed`` (and ``plan list --status``) match what each
    plan is on the clock's day, as the list shows it; the stored statuses still filter as
    they did (``executing``: every plan handed over); anything else is a 422 (a usage
    error) naming the accepted values. Days are counted from today, so the CLI (on the
    system clock) and the server (on a clock set to now) answer for the same day."""
    today = datetime.now(UTC).date()

    def day(offset: int) -> str:
        return (today + timedelta(days=offset)).isoformat()

    clock = ManualClock(datetime.combine(today - timedelta(days=30), time(9), UTC))
    with serve(demo, tmp_path, KEYS, sandbox=True, clock=clock) as http:
        ended = _handed_over(http, day(-40), day(-20))
        now = datetime.now(UTC)
        clock.set(now - timedelta(minutes=3))  # a minute between plans: newest first is clear
        running = _handed_over(http, day(-5), day(25))
        clock.set(now - timedelta(minutes=2))
        later = _handed_over(http, day(60), day(90))
        clock.set(now - timedelta(minutes=1))
        latest = _handed_over(http, day(120), day(150))
        clock.set(now)
        body = {"brand_id": BRAND, "budget": 5_000, "start_date": day(60), "end_date": day(90)}
        pending = http.post("/v1/plans", json=body, headers=PLANNER).json()["id"]

        def ids(status: str, **params: Any) -> list[str]:
            answer = http.get("/v1/plans", params={"status": status, **params}, headers=PLANNER)
            assert answer.status_code == 200, answer.text
            return [r["id"] for r in answer.json()]

        assert ids("scheduled") == [latest, later]  # newest first
        assert ids("scheduled", limit=1) == [latest]
        assert ids("running") == [running]
        assert ids("completed") == [ended]  # handed over, its days over
        assert ids("executing") == [latest, later, running, ended]  # the stored status
        assert ids("pending_approval") == [pending]
        rows = http.get("/v1/plans", params={"status": "running"}, headers=PLANNER).json()
        assert [(r["status"], r["run_status"]) for r in rows] == [("executing", "running")]
        refused = assert_error(
            http.get("/v1/plans", params={"status": "live"}, headers=PLANNER),
            422,
            "invalid_request",
        )
        said = str(refused["message"])
        assert said.startswith("query.status:"), said
        assert "'scheduled'" in said and "'running'" in said and "'pending_approval'" in said
        spec = http.get("/openapi.json").json()["paths"]["/v1/plans"]["get"]["parameters"]
        (param,) = [p for p in spec if p["name"] == "status"]
        assert {"scheduled", "running", "completed", "executing"} <= set(
            param["schema"]["anyOf"][0]["enum"]
        )

        cli = cli_for(demo, tmp_path, request)
        for status, expected in (
            ("scheduled", [latest, later]),
            ("running", [running]),
            ("completed", [ended]),
            ("executing", [latest, later, running, ended]),
        ):
            listed = cli("plan", "list", "--status", status, "--json")
            assert listed.exit_code == 0, listed.stderr
            assert [r["id"] for r in json.loads(listed.stdout)] == expected, status
        text = cli("plan", "list", "--status", "scheduled")
        assert f"(scheduled for {day(60)})" in text.stdout and running not in text.stdout
        assert_usage_error(cli("plan", "list", "--status", "live"), "--status 'live'", "running")

        # the day moves, and the filter with it: the later plan starts, the running one ends
        clock.set(datetime.combine(today + timedelta(days=61), time(9), UTC))
        assert ids("running") == [later]
        assert ids("completed") == [running, ended]
        assert ids("scheduled") == [latest]
