"""Approval gates as policy, on both backends: thresholds per action, more approvers above an
amount, no approving your own request, stale approvals expire, and a budget change of a
running plan waits at its own gate until approved."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from agents.channels.router import ChannelRouter
from agents.orchestrator import Orchestrator
from agents.orchestrator import gates as g
from agents.orchestrator.clock import ManualClock
from agents.orchestrator.errors import SelfApprovalError
from agents.orchestrator.policy import ApprovalPolicy, GateRule
from agents.planner.models import PlanRequest
from agents.planner.storage import load_plan
from agents.tasks import task_agents
from demo.sandbox import SandboxMarket
from graph.base import GraphStore
from graph.models import NodeRef
from graph.schema import Label

BRAND = "brand-trailhead"
FIRST_DAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # the plans' first day: they run at once


def _request(budget: int) -> PlanRequest:
    return PlanRequest.model_validate(
        {
            "brand_id": BRAND,
            "budget": budget,
            "start_date": "2026-12-01",
            "end_date": "2026-12-14",
        }
    )


def test_more_approvers_above_an_amount_and_stale_approvals_expire(demo: GraphStore) -> None:
    policy = ApprovalPolicy(
        plan=GateRule(approvers=1, more_approvers_above=Decimal(20_000), expires_hours=1)
    )
    orch = Orchestrator(demo, policy=policy, clock=ManualClock(FIRST_DAY))
    small = orch.create_plan(_request(10_000), "pat")
    large = orch.create_plan(_request(30_000), "pat")
    queue = {q["subject"]: q for q in g.waiting(demo, policy)}
    assert queue[f"Plan:{small.id}"]["approvers_needed"] == 1
    assert queue[f"Plan:{large.id}"]["approvers_needed"] == 2

    assert orch.decide_plan(small.id, "approved", "ann", "approver", None).status == "approved"

    # the requester may not approve their own plan, whatever the amount
    with pytest.raises(SelfApprovalError):
        orch.decide_plan(large.id, "approved", "pat", "approver", None)
    now = datetime.now(UTC)
    gate = g.find_gate(demo, large.decision_id, policy)
    stale = g.decide(demo, gate, "approved", "ann", "approver", now=now - timedelta(hours=3))
    assert stale.status == "pending_approval"
    gate = g.find_gate(demo, large.decision_id, policy)
    # ann's approval is three hours old: bob's alone does not make two
    assert g.decide(demo, gate, "approved", "bob", "approver", now=now).status == (
        "pending_approval"
    )
    assert [
        q["approvals"] for q in g.waiting(demo, policy) if q["subject"] == f"Plan:{large.id}"
    ] == [1]
    gate = g.find_gate(demo, large.decision_id, policy)
    assert g.decide(demo, gate, "approved", "ann", "approver", now=now).status == "approved"
    assert load_plan(demo, large.id).status == "approved"
    approvals = demo.incident_edges([NodeRef(Label.DECISION, large.decision_id)], 10)
    assert len([e for e in approvals if e.src.label is Label.APPROVAL]) == 3  # all kept


def test_self_approval_can_be_allowed_by_the_policy(demo: GraphStore) -> None:
    policy = ApprovalPolicy(plan=GateRule(allow_self_approval=True))
    orch = Orchestrator(demo, policy=policy, clock=ManualClock(FIRST_DAY))
    plan = orch.create_plan(_request(10_000), "pat")
    assert orch.decide_plan(plan.id, "approved", "pat", "approver", None).status == "approved"


def _running_budgets(market_store: GraphStore, router: ChannelRouter) -> dict[str, float]:
    adapter = router.adapter(BRAND, "ch-meta")
    totals: dict[str, float] = {}
    for state in adapter.state():
        if state.running:
            ch = state.key.channel_id
            totals[ch] = round(totals.get(ch, 0.0) + state.daily_budget, 2)
    return totals


def _planned(store: GraphStore, plan_id: str) -> dict[str, float]:
    plan = load_plan(store, plan_id)
    days = (plan.end_date - plan.start_date).days + 1
    totals: dict[str, float] = {}
    for line in plan.lines:
        daily = float((line.budget / Decimal(days)).quantize(Decimal("0.01")))
        totals[line.channel_id] = round(totals.get(line.channel_id, 0.0) + daily, 2)
    return totals


def test_a_large_budget_change_of_a_running_plan_waits_at_its_gate(demo: GraphStore) -> None:
    policy = ApprovalPolicy(
        publish=GateRule(required=False),
        budget_change=GateRule(
            above_amount=Decimal(1000),
            above_share=0.2,
            more_approvers_above=Decimal(10_000),
        ),
    )
    market = SandboxMarket.from_demo(demo, seed=7, brand_id=BRAND)
    router = ChannelRouter(demo, {BRAND: market})
    orch = Orchestrator(
        demo, policy=policy, agents=task_agents(router), clock=ManualClock(FIRST_DAY)
    )

    first = orch.create_plan(_request(30_000), "pat")
    orch.decide_plan(first.id, "approved", "ann", "approver", None)
    orch.execute(first.id, "pat")
    orch.run_until_idle()
    # a first budget on a channel is the plan gate's business: no second gate
    assert [q for q in g.waiting(demo, policy) if q["action"] == "budget_change"] == []
    assert _running_budgets(demo, router) == _planned(demo, first.id)

    second = orch.replan(first.id, {"budget": Decimal(60_000)}, "pat")
    orch.decide_plan(second.id, "approved", "ann", "approver", None)
    orch.execute(second.id, "pat")
    orch.run_until_idle()
    gated = [q for q in g.waiting(demo, policy) if q["action"] == "budget_change"]
    assert len(gated) == 1 and gated[0]["subject"].startswith(f"Task:{second.id}.")
    assert gated[0]["brand_id"] == BRAND and gated[0]["approvers_needed"] == 2
    decision = demo.require_node(NodeRef(Label.DECISION, gated[0]["decision_id"]))
    assert decision.properties["kind"] == "budget_change"
    assert decision.properties["brand_id"] == BRAND
    # nothing moved while it waits
    assert _running_budgets(demo, router) == _planned(demo, first.id)

    orch.decide(gated[0]["decision_id"], "approved", "ann", "approver", "fine")
    orch.run_until_idle()
    assert _running_budgets(demo, router) == _planned(demo, first.id)  # one of two
    orch.decide(gated[0]["decision_id"], "approved", "bob", "approver", "fine")
    orch.run_until_idle()
    assert _running_budgets(demo, router) == _planned(demo, second.id)
    statuses = {t["id"]: t["status"] for t in load_plan(demo, second.id).tasks}
    assert statuses["budget-setup"] == "done"


def test_small_budget_changes_go_through_without_the_gate(demo: GraphStore) -> None:
    policy = ApprovalPolicy(
        publish=GateRule(required=False),
        budget_change=GateRule(above_amount=Decimal(1_000_000), above_share=None),
    )
    market = SandboxMarket.from_demo(demo, seed=7, brand_id=BRAND)
    router = ChannelRouter(demo, {BRAND: market})
    orch = Orchestrator(
        demo, policy=policy, agents=task_agents(router), clock=ManualClock(FIRST_DAY)
    )
    first = orch.create_plan(_request(30_000), "pat")
    orch.decide_plan(first.id, "approved", "ann", "approver", None)
    orch.execute(first.id, "pat")
    orch.run_until_idle()
    second = orch.replan(first.id, {"budget": Decimal(33_000)}, "pat")
    orch.decide_plan(second.id, "approved", "ann", "approver", None)
    orch.execute(second.id, "pat")
    orch.run_until_idle()
    assert [q for q in g.waiting(demo, policy) if q["action"] == "budget_change"] == []
    assert _running_budgets(demo, router) == _planned(demo, second.id)
