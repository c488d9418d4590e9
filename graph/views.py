"""Typed views of the nodes the agents reason about: Plan, Task, Allocation, Alert,
Execution and Decision.

A view is a pydantic model over a node's properties: ``from_node`` checks the label and
reads the properties into typed fields (statuses as enums), ``to_node`` writes them back.
Properties a view does not name are kept (``extra="allow"``), so a round trip never drops
what another part of the service stored. The status enums are the one definition of each
status (the event bus's too, though an Event has no view: ``Event.from_node`` reads it);
the agents' constants are their values.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator

from graph.errors import GraphError
from graph.models import Node, NodeRef, clean_properties
from graph.schema import Label


class PlanStatus(StrEnum):
    """Where a plan version is in its life.

    The first seven are stored on Plan nodes. ``scheduled`` and ``running`` are never
    stored: they are what an ``executing`` plan is on a given day (:func:`plan_phase`),
    so the API, the CLI and the reports say the same word for the same plan."""

    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXECUTING = "executing"
    COMPLETED = "completed"
    SUPERSEDED = "superseded"
    STOPPED = "stopped"
    SCHEDULED = "scheduled"
    RUNNING = "running"


# The statuses a Plan node can hold (the rest are derived by plan_phase).
STORED_PLAN_STATUSES: tuple[PlanStatus, ...] = tuple(PlanStatus)[:7]
# What an executed plan is on a day: plan_phase's answers for executing and completed plans.
RUN_STATUSES: tuple[PlanStatus, ...] = (
    PlanStatus.SCHEDULED,
    PlanStatus.RUNNING,
    PlanStatus.COMPLETED,
)


def plan_phase(status: str, start: date, end: date, today: date) -> PlanStatus:
    """What a plan is on ``today`` (a day in its brand's time zone): an executing or
    completed plan is ``scheduled`` before its first day, ``completed`` once completed or
    past its last day, else ``running``. Other statuses are what they are: a plan that was
    never handed over has no run to describe, and one superseded or stopped ran no further."""
    stored = PlanStatus(status)
    if stored not in (PlanStatus.EXECUTING, PlanStatus.COMPLETED):
        return stored
    if today < start:
        return PlanStatus.SCHEDULED
    if stored is PlanStatus.COMPLETED or today > end:
        return PlanStatus.COMPLETED
    return PlanStatus.RUNNING


class TaskStatus(StrEnum):
    """Where a plan task is in its run."""

    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    WAITING_APPROVAL = "waiting_approval"
    REJECTED = "rejected"
    BLOCKED = "blocked"


class AlertStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class ExecutionStatus(StrEnum):
    """An applied action: at once (sandbox), or through the webhook outbox."""

    APPLIED = "applied"
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class EventStatus(StrEnum):
    """Where an event on the bus is: waiting, being handled (leased), handled or given up."""

    PENDING = "pending"
    RUNNING = "running"
    HANDLED = "handled"
    FAILED = "failed"


class WrongLabelError(GraphError, ValueError):
    """A view was asked to read a node of another label."""

    def __init__(self, view: str, expected: Label, got: Label) -> None:
        self.expected = expected
        self.got = got
        super().__init__(f"{view} reads {expected.value} nodes, not {got.value}")


class NodeView(BaseModel):
    """A typed view of one node's properties (subclasses name the label and the fields)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
    label: ClassVar[Label]

    id: str

    @classmethod
    def from_node(cls, node: Node) -> Self:
        if node.label is not cls.label:
            raise WrongLabelError(cls.__name__, cls.label, node.label)
        return cls.model_validate({**node.properties, "id": node.id})

    def to_node(self) -> Node:
        props: dict[str, Any] = self.model_dump(mode="json", exclude_none=True)
        return Node(label=self.label, id=self.id, properties=clean_properties(props))

    @property
    def ref(self) -> NodeRef:
        return NodeRef(label=self.label, id=self.id)


class PlanView(NodeView):
    label: ClassVar[Label] = Label.PLAN

    status: PlanStatus
    brand_id: str
    family: str | None = None
    version: int = 1
    budget: float = 0.0
    start_date: str | None = None
    end_date: str | None = None
    objective: str | None = None
    decision_id: str | None = None
    created_at: str = ""
    created_by: str | None = None
    supersedes: str | None = None
    days: int | None = None
    kpis: str | None = None  # JSON: target_roas, roas_low, roas_high…
    decided_at: str | None = None
    executed_at: str | None = None
    starts_at: str | None = None  # when its budget and distribution tasks may run (UTC)
    completed_at: str | None = None

    @property
    def family_id(self) -> str:
        return self.family or self.id


class TaskView(NodeView):
    label: ClassVar[Label] = Label.TASK

    plan_id: str
    status: TaskStatus = TaskStatus.PENDING
    key: str | None = None
    agent: str | None = None
    action: str | None = None
    attempts: int = 0
    depends_on: list[str] = Field(default_factory=list)
    detail: str | None = None
    decision_id: str | None = None
    channel_id: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    gate_decision_id: str | None = None  # the decision the task waits on at its gate
    gate_action: str | None = None
    gate_amount: float | None = None

    @field_validator("depends_on", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return [] if value is None else value

    @property
    def task_key(self) -> str:
        """The task's key within its plan (``budget-setup``…)."""
        return self.key or self.id


class AllocationView(NodeView):
    label: ClassVar[Label] = Label.ALLOCATION

    plan_id: str
    channel_id: str
    audience_id: str
    budget: float
    rank: int = 0
    expected_revenue: float = 0.0
    expected_conversions: float = 0.0
    expected_roas: float = 0.0
    expected_low: float = 0.0
    expected_high: float = 0.0
    curve_id: str = ""
    thin: bool = False


class AlertView(NodeView):
    label: ClassVar[Label] = Label.ALERT

    kind: str
    status: AlertStatus = AlertStatus.OPEN
    severity: str | None = None
    message: str = ""
    subject: str | None = None
    created_at: str = ""
    plan_id: str | None = None
    brand_id: str | None = None


class ExecutionView(NodeView):
    label: ClassVar[Label] = Label.EXECUTION

    idempotency_key: str
    adapter: str
    kind: str
    status: ExecutionStatus
    applied_at: str
    channel_id: str | None = None
    audience_id: str | None = None
    campaign_id: str | None = None
    plan_id: str | None = None
    task_id: str | None = None
    external_ref: str | None = None
    before: str | None = None  # JSON: the line's state before the action
    after: str | None = None  # JSON: and after it
    undo: str | None = None  # JSON: the action that undoes it
    attempts: int | None = None  # webhook deliveries tried
    delivered_at: str | None = None
    last_error: str | None = None


class DecisionView(NodeView):
    label: ClassVar[Label] = Label.DECISION

    kind: str
    agent: str
    created_at: str = ""
    brand_id: str | None = None
    rationale: str = ""
    confidence: float | None = None
    model: str | None = None
    prompt_digest: str | None = None
    algorithm: str | None = None
    algorithm_version: str | None = None
