"""A plan executed before its first day spends nothing until that day, on both backends.

The clock is a :class:`ManualClock`, moved by the test. The channels are reached through
a real webhook outbox delivering to a real receiver, as they would be on the ad platforms.
Plan A runs from 2026-12-01 and sets its lines; plan B (March 2027, one channel only) is
approved and executed on 2026-12-07: by the end of that day nothing has changed — no line,
no execution, nothing in the outbox, nothing sent. The stores are then reopened (another
process's view) and the worker ticks on the eve of B's first day (still nothing), then on
its first day in the brand's time zone: B's budgets are set and A's other lines are
stopped, then and only then. A plan whose last day has passed cannot be executed (409
over HTTP, a non-zero exit in the CLI).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from agents.channels import ChannelAdapter
from agents.channels.outbox import ChannelHook, OutboxWorker, WebhookConfig
from agents.channels.outbox.entries import list_entries
from agents.channels.router import ChannelRouter
from agents.orchestrator import ApprovalPolicy, GateRule, Orchestrator
from agents.orchestrator.clock import ManualClock
from agents.planner.errors import PlanEndedError
from agents.planner.models import PlanRequest
from agents.planner.storage import load_plan
from agents.tasks import task_agents
from graph.base import GraphStore
from graph.models import NodeRef
from graph.schema import Label
from tests.integration.execution_helpers import Receiver, receiver
from tests.integration.http_server import serve
from tests.integration.reopen import reopen
from tests.integration.test_cli import assert_one_line_error, run
from workflows.context import Wired
from workflows.plans import show_plan

BRAND = "brand-trailhead"
ZONE_OFFSET = timedelta(hours=13)  # Pacific/Auckland in March (daylight saving time)
POLICY = ApprovalPolicy(publish=GateRule(required=False), budget_change=GateRule(required=False))


def _request(budget: int, start: str, end: str, **extra: object) -> PlanRequest:
    body = {"brand_id": BRAND, "budget": budget, "start_date": start, "end_date": end}
    return PlanRequest.model_validate({**body, **extra})


def _orchestrator(store: GraphStore, hook: Receiver, clock: ManualClock) -> Orchestrator:
    config = WebhookConfig(
        channels={"*": ChannelHook(url=hook.url)},
        base_delay_seconds=0.1,
        max_delay_seconds=0.5,
        timeout_seconds=2.0,
        lease_seconds=4.0,
    )
    router = ChannelRouter(store, webhooks=config)
    return Orchestrator(store, policy=POLICY, agents=task_agents(router), clock=clock)


def _adapter(orch: Orchestrator, channel_id: str) -> ChannelAdapter:
    agent = orch.agents["budget"]
    router: ChannelRouter = agent.router  # type: ignore[attr-defined]
    return router.adapter(BRAND, channel_id)


def _lines(orch: Orchestrator, channel_id: str) -> dict[tuple[str, str | None], float]:
    """Every line the webhook adapter set: (channel, audience) -> daily budget."""
    return {
        (s.key.channel_id, s.key.audience_id): s.daily_budget
        for s in _adapter(orch, channel_id).state()
    }


def _deliver(store: GraphStore, orch: Orchestrator) -> int:
    agent = orch.agents["budget"]
    router: ChannelRouter = agent.router  # type: ignore[attr-defined]
    assert router.webhooks is not None
    worker = OutboxWorker(store, router.webhooks)
    try:
        return worker.deliver_pending().delivered
    finally:
        worker.close()


def _executions(store: GraphStore, plan_id: str) -> list[dict[str, object]]:
    return [dict(n.properties) for n in store.find_all(Label.EXECUTION, {"plan_id": plan_id})]


def test_a_future_plan_sets_nothing_until_its_first_day_even_across_a_restart(
    demo: GraphStore, request: pytest.FixtureRequest
) -> None:
    store = demo
    store.update_if(NodeRef(Label.BRAND, BRAND), {}, {"timezone": "Pacific/Auckland"})
    clock = ManualClock(datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    with receiver() as hook:
        orch = _orchestrator(store, hook, clock)
        running = orch.create_plan(_request(30_000, "2026-12-01", "2026-12-31"), "pat")
        orch.decide_plan(running.id, "approved", "ann", "approver", None)
        orch.execute(running.id, "pat")
        orch.run_until_idle()
        assert _deliver(store, orch) > 0
        channel = running.lines[0].channel_id
        before = _lines(orch, channel)
        assert len({c for c, _ in before}) > 1  # A runs on several channels
        sent = len(hook.requests)

        # B: March, on A's largest channel only, executed on 2026-12-07
        clock.set(datetime(2026, 12, 7, 10, 0, tzinfo=UTC))
        future = orch.create_plan(
            _request(20_000, "2027-03-01", "2027-03-31", channel_ids=[channel]), "pat"
        )
        orch.decide_plan(future.id, "approved", "ann", "approver", None)
        handed = orch.execute(future.id, "pat")
        assert handed.status == "executing"
        assert handed.starts_at == (datetime(2027, 3, 1, tzinfo=UTC) - ZONE_OFFSET).isoformat()
        orch.run_until_idle()
        clock.set(datetime(2026, 12, 7, 23, 59, tzinfo=UTC))
        orch.run_until_idle()
        _deliver(store, orch)
        shown = show_plan(Wired(store, None, orch), future.id)  # type: ignore[arg-type]
        assert (shown.run_status, shown.scheduled_for) == ("scheduled", date(2027, 3, 1))
        assert shown.spend_to_date == 0.0
        tasks = {t["id"]: t for t in shown.tasks}
        assert tasks["budget-setup"]["status"] == "pending"
        assert tasks["budget-setup"]["not_before"] == handed.starts_at
        # nothing set: no line changed, no execution, nothing queued or sent
        assert _lines(orch, channel) == before
        assert _executions(store, future.id) == []
        assert [e for e in list_entries(store) if e.status != "delivered"] == []
        assert len(hook.requests) == sent

        # a restart: other stores on the same data, another orchestrator, the same clock
        again = reopen(store, request)
        try:
            later = _orchestrator(again, hook, clock)
            clock.set(datetime(2027, 2, 28, 10, 59, tzinfo=UTC))  # 23:59 in Auckland
            later.run_until_idle()
            assert _executions(again, future.id) == []
            assert _lines(later, channel) == before

            clock.set(datetime(2027, 2, 28, 11, 0, 1, tzinfo=UTC))  # its first day, there
            later.run_until_idle()
            assert _deliver(again, later) > 0
            after = _lines(later, channel)
            planned = {(ln.channel_id, ln.audience_id) for ln in load_plan(again, future.id).lines}
            assert {k for k, v in after.items() if v > 0} == planned
            stopped = {k for k, v in before.items() if v > 0} - planned
            assert stopped and all(after[k] == 0.0 for k in stopped)
            done = _executions(again, future.id)
            budgets = {
                (str(e["channel_id"]), str(e["audience_id"]))
                for e in done
                if e["kind"] == "set_budget"
            }
            assert budgets == planned | stopped
            launched = {
                (str(e["channel_id"]), str(e["audience_id"]))
                for e in done
                if e["kind"] in ("start_experiment", "push_asset")
            }
            assert launched == planned  # its variants went live on the same day
            assert len(hook.requests) >= sent + len(done)
            statuses = {t["id"]: t["status"] for t in load_plan(again, future.id).tasks}
            assert statuses["budget-setup"] == "done"
        finally:
            again.close()


def test_executing_a_plan_after_its_last_day_is_refused(demo: GraphStore) -> None:
    clock = ManualClock(datetime(2026, 7, 1, 9, 0, tzinfo=UTC))
    with receiver() as hook:
        orch = _orchestrator(demo, hook, clock)
        plan = orch.create_plan(_request(10_000, "2026-07-01", "2026-07-14"), "pat")
        orch.decide_plan(plan.id, "approved", "ann", "approver", None)
        clock.set(datetime(2026, 7, 15, 0, 0, 1, tzinfo=UTC))
        with pytest.raises(PlanEndedError, match="its last day was 2026-07-14"):
            orch.execute(plan.id, "pat")
        assert load_plan(demo, plan.id).status == "approved"  # nothing moved
        assert list(demo.find_all(Label.EXECUTION, {"plan_id": plan.id})) == []
        assert (
            sum(1 for _ in demo.find_all(Label.TASK, {"plan_id": plan.id, "status": "done"})) == 0
        )


KEYS = {"plan-key-sched-0001": "planner", "appr-key-sched-0001": "approver"}
PLANNER = {"Authorization": "Bearer plan-key-sched-0001"}
APPROVER = {"Authorization": "Bearer appr-key-sched-0001"}


@pytest.fixture
def clocked(demo: GraphStore, tmp_path: Path) -> Iterator[tuple[httpx.Client, ManualClock]]:
    clock = ManualClock(datetime(2026, 12, 7, 10, 0, tzinfo=UTC))
    with serve(demo, tmp_path, KEYS, sandbox=True, clock=clock) as http:
        yield http, clock


def _made(http: httpx.Client, start: str, end: str) -> str:
    body = {"brand_id": BRAND, "budget": 12_000, "start_date": start, "end_date": end}
    made = http.post("/v1/plans", json=body, headers=PLANNER)
    assert made.status_code == 200, made.text
    plan_id = str(made.json()["id"])
    approved = http.post(f"/v1/plans/{plan_id}/approve", json={}, headers=APPROVER)
    assert approved.status_code == 200, approved.text
    assert approved.json()["run_status"] is None  # not handed over yet
    return plan_id


def test_over_http_a_future_plan_is_scheduled_and_an_ended_one_is_a_409(
    clocked: tuple[httpx.Client, ManualClock], demo: GraphStore
) -> None:
    http, clock = clocked
    future = _made(http, "2027-03-01", "2027-03-31")
    executed = http.post(f"/v1/plans/{future}/execute", headers=PLANNER)
    assert executed.status_code == 200, executed.text
    body = executed.json()
    assert (body["status"], body["run_status"]) == ("executing", "scheduled")
    assert (body["scheduled_for"], body["spend_to_date"]) == ("2027-03-01", 0.0)
    assert list(demo.find_all(Label.EXECUTION, {"plan_id": future})) == []

    ended = _made(http, "2026-11-01", "2026-11-30")
    refused = http.post(f"/v1/plans/{ended}/execute", headers=PLANNER)
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert error["code"] == "plan_ended" and "2026-11-30" in error["message"]
    assert error["details"] == {"end_date": "2026-11-30", "today": "2026-12-07", "zone": "UTC"}
    assert http.get(f"/v1/plans/{ended}", headers=PLANNER).json()["status"] == "approved"

    clock.set(datetime(2027, 3, 2, 9, 0, tzinfo=UTC))
    shown = http.get(f"/v1/plans/{future}", headers=PLANNER).json()
    assert (shown["run_status"], shown["scheduled_for"]) == ("running", None)
    clock.set(datetime(2027, 4, 1, 9, 0, tzinfo=UTC))
    shown = http.get(f"/v1/plans/{future}", headers=PLANNER).json()
    assert shown["run_status"] == "completed"


def test_the_cli_refuses_a_plan_that_ended_and_shows_a_scheduled_one(tmp_path: Path) -> None:
    assert run(tmp_path, "demo", "--outcome-rows", "3000", "--cycles", "0").returncode == 0
    today = datetime.now(UTC).date()
    key = run(tmp_path, "keys", "create", "--role", "approver", "--name", "ann").stdout.strip()
    ids = []
    for start, end in ((today - timedelta(days=60), today - timedelta(days=31)),
                       (today + timedelta(days=30), today + timedelta(days=59))):  # fmt: skip
        made = run(tmp_path, "plan", "create", "--brand", BRAND, "--budget", "15000",
                   "--start", start.isoformat(), "--end", end.isoformat(), "--as", "pat",
                   "--json")  # fmt: skip
        assert made.returncode == 0, made.stderr
        plan_id = json.loads(made.stdout)["id"]
        assert run(tmp_path, "plan", "approve", plan_id, "--key", key).returncode == 0
        ids.append(plan_id)
    ended, future = ids
    refused = run(tmp_path, "plan", "execute", ended)
    assert_one_line_error(refused, 1, "its last day was", "re-plan it with new dates")
    scheduled = run(tmp_path, "plan", "execute", future)
    assert scheduled.returncode == 0, scheduled.stderr
    assert f"scheduled for {today + timedelta(days=30)}" in scheduled.stdout
    assert "task budget-setup (budget): pending" in scheduled.stdout
    as_json = json.loads(run(tmp_path, "plan", "show", future, "--json").stdout)
    assert (as_json["run_status"], as_json["scheduled_for"]) == (
        "scheduled",
        (today + timedelta(days=30)).isoformat(),
    )
    # the list says what the plan says: scheduled, for its first day
    listed = run(tmp_path, "plan", "list", "--brand", BRAND)
    assert listed.returncode == 0, listed.stderr
    (line,) = [x for x in listed.stdout.splitlines() if x.startswith(future)]
    assert line.split()[1] == "scheduled"
    assert line.endswith(f"(scheduled for {today + timedelta(days=30)})")
    rows = json.loads(run(tmp_path, "plan", "list", "--brand", BRAND, "--json").stdout)
    (row,) = [r for r in rows if r["id"] == future]
    assert (row["status"], row["run_status"], row["scheduled_for"], row["spend_to_date"]) == (
        "executing",
        "scheduled",
        (today + timedelta(days=30)).isoformat(),
        0.0,
    )
