"""Typed views of nodes: typed fields and status enums in, the same properties out."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from agents.orchestrator import events, runs
from agents.planner import models
from graph.models import Node
from graph.schema import Label
from graph.views import (
    AllocationView,
    EventStatus,
    ExecutionStatus,
    ExecutionView,
    PlanStatus,
    PlanView,
    TaskStatus,
    TaskView,
    WrongLabelError,
)

pytestmark = pytest.mark.unit


def test_a_view_reads_typed_fields_and_writes_back_every_property() -> None:
    node = Node(
        label=Label.TASK,
        id="plan_1.budget-setup",
        properties={
            "id": "plan_1.budget-setup",
            "key": "budget-setup",
            "plan_id": "plan_1",
            "agent": "budget",
            "status": "waiting_approval",
            "attempts": 2,
            "depends_on": ["plan_1.research"],
            "gate_amount": 1200.5,  # not a field of the view: kept
        },
    )
    task = TaskView.from_node(node)
    assert task.status is TaskStatus.WAITING_APPROVAL and task.attempts == 2
    assert task.task_key == "budget-setup" and task.depends_on == ["plan_1.research"]
    assert task.to_node() == node


def test_a_view_refuses_another_label_and_an_unknown_status() -> None:
    plan = Node(label=Label.PLAN, id="p", properties={"status": "approved", "brand_id": "b"})
    assert PlanView.from_node(plan).status is PlanStatus.APPROVED
    with pytest.raises(WrongLabelError, match="TaskView reads Task nodes, not Plan"):
        TaskView.from_node(plan)
    odd = Node(label=Label.PLAN, id="p", properties={"status": "half-done", "brand_id": "b"})
    with pytest.raises(ValidationError, match="status"):
        PlanView.from_node(odd)


def test_missing_lists_and_numbers_get_their_defaults() -> None:
    task = TaskView.from_node(
        Node(label=Label.TASK, id="t", properties={"plan_id": "p", "depends_on": None})
    )
    assert task.depends_on == [] and task.status is TaskStatus.PENDING
    line = AllocationView.from_node(
        Node(
            label=Label.ALLOCATION,
            id="a",
            properties={"plan_id": "p", "channel_id": "c", "audience_id": "u", "budget": 10},
        )
    )
    assert (line.budget, line.expected_roas, line.thin) == (10.0, 0.0, False)


def test_the_agents_status_constants_are_the_enums_values() -> None:
    assert {s.value for s in PlanStatus} == {
        models.PENDING_APPROVAL,
        models.APPROVED,
        models.REJECTED,
        models.EXECUTING,
        models.COMPLETED,
        models.SUPERSEDED,
        models.STOPPED,
        models.SCHEDULED,
        models.RUNNING,
    }
    assert {s.value for s in TaskStatus} == {
        runs.PENDING,
        runs.RUNNING,
        runs.DONE,
        runs.FAILED,
        runs.SKIPPED,
        runs.WAITING,
        runs.REJECTED,
        runs.BLOCKED,
    }
    assert {s.value for s in EventStatus} == {
        events.PENDING,
        events.RUNNING,
        events.HANDLED,
        events.FAILED,
    }


def test_a_task_reads_its_channel_times_and_gate() -> None:
    node = Node(
        label=Label.TASK,
        id="p.content-ch1",
        properties={
            "id": "p.content-ch1",
            "plan_id": "p",
            "status": "waiting_approval",
            "attempts": 1,
            "depends_on": [],
            "channel_id": "ch1",
            "started_at": "2026-07-01T10:00:00+00:00",
            "finished_at": "2026-07-01T10:05:00+00:00",
            "gate_decision_id": "dec_1",
            "gate_action": "budget_change",
            "gate_amount": 1200.5,
        },
    )
    task = TaskView.from_node(node)
    assert (task.channel_id, task.gate_decision_id, task.gate_action) == (
        "ch1",
        "dec_1",
        "budget_change",
    )
    assert task.gate_amount == 1200.5
    assert (task.started_at, task.finished_at) == (
        "2026-07-01T10:00:00+00:00",
        "2026-07-01T10:05:00+00:00",
    )
    assert task.to_node() == node
    bare = TaskView.from_node(Node(label=Label.TASK, id="t", properties={"plan_id": "p"}))
    assert (bare.channel_id, bare.gate_decision_id, bare.gate_amount) == (None, None, None)


def test_a_plan_reads_its_days_kpis_and_when_it_was_decided_and_executed() -> None:
    node = Node(
        label=Label.PLAN,
        id="p",
        properties={
            "id": "p",
            "status": "executing",
            "brand_id": "b",
            "days": 10,
            "kpis": '{"target_roas":3.0}',
            "decided_at": "2026-06-30T16:00:00+00:00",
            "executed_at": "2026-06-30T18:00:00+00:00",
        },
    )
    plan = PlanView.from_node(node)
    assert plan.status is PlanStatus.EXECUTING
    assert (plan.days, plan.kpis) == (10, '{"target_roas":3.0}')
    assert (plan.decided_at, plan.executed_at) == (
        "2026-06-30T16:00:00+00:00",
        "2026-06-30T18:00:00+00:00",
    )
    assert PlanView.from_node(node).model_dump(include={"days", "kpis"}) == {
        "days": 10,
        "kpis": '{"target_roas":3.0}',
    }
    bare = PlanView.from_node(
        Node(label=Label.PLAN, id="q", properties={"status": "approved", "brand_id": "b"})
    )
    assert (bare.days, bare.kpis, bare.executed_at, bare.decided_at) == (None,) * 4


def test_an_execution_reads_its_line_states_undo_and_delivery() -> None:
    node = Node(
        label=Label.EXECUTION,
        id="exe_1",
        properties={
            "id": "exe_1",
            "idempotency_key": "k",
            "adapter": "webhook",
            "kind": "set_budget",
            "status": "delivered",
            "applied_at": "2026-07-01T10:00:00+00:00",
            "before": '{"budget":0}',
            "after": '{"budget":10}',
            "undo": '{"kind":"set_budget"}',
            "attempts": 2,
            "delivered_at": "2026-07-01T10:01:00+00:00",
            "last_error": "HTTP 503: busy",
        },
    )
    execution = ExecutionView.from_node(node)
    assert execution.status is ExecutionStatus.DELIVERED
    assert (execution.before, execution.after, execution.undo) == (
        '{"budget":0}',
        '{"budget":10}',
        '{"kind":"set_budget"}',
    )
    assert (execution.attempts, execution.delivered_at, execution.last_error) == (
        2,
        "2026-07-01T10:01:00+00:00",
        "HTTP 503: busy",
    )
    assert execution.to_node() == node
    bare = ExecutionView.from_node(
        Node(label=Label.EXECUTION, id="e", properties={**node.properties, "undo": None})
    )
    assert bare.undo is None and "undo" not in bare.to_node().properties
