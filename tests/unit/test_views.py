"""Typed views of nodes: typed fields and status enums in, the same properties out."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from agents.orchestrator import runs
from agents.planner import models
from graph.models import Node
from graph.schema import Label
from graph.views import (
    AllocationView,
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
