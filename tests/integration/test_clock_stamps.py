"""What the planner, the gates and the executors record is stamped by the injected clock.

The composition root (:func:`api.services.assemble`) is given a :class:`ManualClock`, and
the clock is moved between the steps, to moments the machine's clock cannot be at (to the
microsecond): the plan, its brief and its decision carry the moment it was made; the
approval and the plan's verdict the moment it was given; the hand-over, its decision, the
task runs, the budget decision and every Execution the channels recorded the moment it
was executed. A stamp taken from ``datetime.now()`` anywhere on that path fails here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agents.orchestrator.clock import ManualClock
from agents.planner.models import PlanRequest
from agents.planner.storage import load_plan
from api.indexes import open_index
from api.services import assemble
from api.settings import Settings
from graph.base import GraphStore
from graph.models import NodeRef
from graph.schema import Label
from workflows import plans

pytestmark = pytest.mark.integration

BRAND = "brand-trailhead"
MADE = datetime(2026, 12, 2, 8, 13, 27, 123457, tzinfo=UTC)
APPROVED = MADE + timedelta(hours=5, microseconds=11)
EXECUTED = APPROVED + timedelta(days=1, microseconds=13)


def _at(value: object) -> datetime:
    return datetime.fromisoformat(str(value))


def test_plan_approval_and_execution_stamps_come_from_the_clock(
    demo: GraphStore, tmp_path: Path
) -> None:
    clock = ManualClock(MADE)
    settings = Settings(data_dir=tmp_path, sandbox=True)  # type: ignore[call-arg]
    index = open_index(settings)
    try:
        services = assemble(settings, demo, index, clock=clock)
        request = PlanRequest.model_validate(
            {
                "brand_id": BRAND,
                "budget": 20_000,
                "start_date": "2026-12-01",
                "end_date": "2026-12-31",
                "brief": "Winter push for the boots, no more than 40% on search.",
            }
        )
        made = plans.create_plan(services, request, "pat")
        clock.set(APPROVED)
        plans.decide_plan(services, made.id, "approved", "ann", "approver", None)
        clock.set(EXECUTED)
        plans.execute_plan(services, made.id, "pat", wait=True)
    finally:
        index.close()

    plan = demo.require_node(NodeRef(Label.PLAN, made.id)).properties
    assert _at(plan["created_at"]) == MADE
    assert _at(plan["decided_at"]) == APPROVED
    assert _at(plan["executed_at"]) == EXECUTED
    brief = demo.require_node(NodeRef(Label.BRIEF, str(plan["brief_id"]))).properties
    assert _at(brief["created_at"]) == MADE
    decision = demo.require_node(NodeRef(Label.DECISION, made.decision_id)).properties
    assert _at(decision["created_at"]) == MADE

    shown = load_plan(demo, made.id)
    assert [_at(a["created_at"]) for a in shown.approvals] == [APPROVED]
    handed = NodeRef(Label.DECISION, str(plan["execute_decision_id"]))
    assert _at(demo.require_node(handed).properties["created_at"]) == EXECUTED

    tasks = [n.properties for n in demo.find_all(Label.TASK, {"plan_id": made.id})]
    done = [t for t in tasks if t.get("status") == "done"]
    assert any(t.get("agent") == "budget" for t in done), tasks
    for task in done:
        assert _at(task["started_at"]) == EXECUTED, task["id"]
        assert _at(task["finished_at"]) == EXECUTED, task["id"]
    executions = [n.properties for n in demo.find_all(Label.EXECUTION, {"plan_id": made.id})]
    assert executions, "the budget task applied nothing"
    assert {_at(e["applied_at"]) for e in executions} == {EXECUTED}
    budget = [n.properties for n in demo.find_all(Label.DECISION, {"kind": "apply_budget"})]
    assert budget and {_at(d["created_at"]) for d in budget} == {EXECUTED}
