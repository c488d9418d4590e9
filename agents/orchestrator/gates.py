"""Human gates: approvals recorded against a decision, and what they unlock.

An Approval is append-only and points at the gated Decision (APPROVES or REJECTS). What
waits at a gate is a *subject*: a Plan version (status ``pending_approval``) or a Task
(status ``waiting_approval``, with the decision in ``gate_decision_id``). After each
approval the subject's state is derived again from every approval of its decision (one
rejection rejects; enough distinct, unexpired approvers approve) and moved there with a
compare-and-set, so a crash between the two writes is repaired by the next call, and two
approvers racing cannot both move it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any, Literal

from agents.orchestrator.errors import GateError, SelfApprovalError
from agents.orchestrator.policy import ApprovalPolicy, GateAction, GateRule
from graph.base import GraphStore
from graph.errors import NodeNotFoundError
from graph.models import (
    Edge,
    GraphBatch,
    Node,
    NodeRef,
    Precondition,
    clean_properties,
    new_id,
)
from graph.schema import Label, RelType
from graph.views import PlanStatus, PlanView, TaskStatus, TaskView

Verdict = Literal["approved", "rejected"]
WAITING = TaskStatus.WAITING_APPROVAL  # a task at its gate
TASK_APPROVED = TaskStatus.PENDING  # an approved task goes back to the queue
TASK_REJECTED = TaskStatus.REJECTED


@dataclass(frozen=True)
class Gate:
    """Something waiting for approval: its decision, subject, action and rule."""

    decision_id: str
    subject: Node
    action: GateAction
    rule: GateRule

    @cached_property
    def view(self) -> PlanView | TaskView:
        """The subject, typed: a plan version or a task (read once)."""
        return subject_view(self.subject)

    @property
    def waiting_status(self) -> PlanStatus | TaskStatus:
        """The subject's status while it waits at this gate."""
        return PlanStatus.PENDING_APPROVAL if self.subject.label is Label.PLAN else WAITING

    @property
    def amount(self) -> float | None:
        """The amount at stake: a plan's budget, a budget change's total."""
        view = self.view
        return view.budget if isinstance(view, PlanView) else view.gate_amount

    @property
    def approvers_needed(self) -> int:
        return self.rule.approvers_for(self.amount)

    @property
    def requested_by(self) -> str | None:
        """Who asked for the plan version (a task is asked for by its agent, not a person)."""
        view = self.view
        return view.created_by if isinstance(view, PlanView) else None


def subject_view(node: Node) -> PlanView | TaskView:
    """A gate's subject, typed: a Plan version or a Task."""
    return PlanView.from_node(node) if node.label is Label.PLAN else TaskView.from_node(node)


@dataclass(frozen=True)
class GateState:
    status: str  # the subject's status after this approval
    approvals: list[dict[str, Any]]
    approval_id: str | None = None


def find_gate(store: GraphStore, decision_id: str, policy: ApprovalPolicy) -> Gate:
    """The subject waiting on ``decision_id``; NodeNotFoundError when nothing is gated by it."""
    plans = store.find_nodes(Label.PLAN, {"decision_id": decision_id}, limit=1)
    if plans:
        return Gate(decision_id, plans[0], "plan", policy.plan)
    tasks = store.find_nodes(Label.TASK, {"gate_decision_id": decision_id}, limit=1)
    if tasks:
        gate_action = _task_action(TaskView.from_node(tasks[0]))
        return Gate(decision_id, tasks[0], gate_action, policy.rule(gate_action))
    raise NodeNotFoundError(decision_id, "gated Decision")


def decide(
    store: GraphStore,
    gate: Gate,
    verdict: Verdict,
    actor: str,
    role: str,
    comment: str | None = None,
    now: datetime | None = None,
    key_id: str | None = None,
) -> GateState:
    """Record ``actor``'s verdict on ``gate`` and move its subject if that settles it.

    ``key_id`` is the API key that gave it (recorded: a name alone is not an identity).
    The approval is written only while the subject still waits, checked in the same
    transaction, so a verdict racing a settled gate (another replica) is refused.

    Raises:
        GateError: the subject is no longer waiting (decided, superseded…): a 409.
        SelfApprovalError: the requester approving their own request, where the rule
            forbids it: a 403.
    """
    now = now or datetime.now(UTC)
    waiting = gate.waiting_status
    current = gate.view.status
    if current != waiting:
        raise GateError(str(gate.subject.ref), current.value, waiting.value)
    if (
        verdict == "approved"
        and not gate.rule.allow_self_approval
        and gate.requested_by is not None
        and gate.requested_by == actor
    ):
        raise SelfApprovalError(str(gate.subject.ref), actor)
    approval = _approval_node(gate, verdict, actor, role, comment, now, key_id)
    rel = RelType.APPROVES if verdict == "approved" else RelType.REJECTS
    target = NodeRef(label=Label.DECISION, id=gate.decision_id)
    batch = GraphBatch(nodes=[approval], edges=[Edge(src=approval.ref, type=rel, dst=target)])
    still = Precondition(gate.subject.ref, {"status": waiting})
    if not store.write_if(batch, [Precondition(approval.ref), still]):
        fresh = store.get_node(gate.subject.ref)
        raise GateError(
            str(gate.subject.ref), str((fresh or gate.subject).properties.get("status")), waiting
        )
    return settle(store, gate, now, approval.id)


def settle(
    store: GraphStore, gate: Gate, now: datetime, approval_id: str | None = None
) -> GateState:
    """Derive the subject's state from all approvals of the decision and move it there."""
    records = approvals_of(store, gate.decision_id)
    status = _derived(gate, records, now)
    waiting = gate.waiting_status
    if status != waiting:
        changes: dict[str, str | None] = {"status": status.value, "decided_at": now.isoformat()}
        moved = store.update_if(gate.subject.ref, {"status": waiting.value}, changes)
        if moved is None:
            fresh = store.get_node(gate.subject.ref)
            status = subject_view(fresh).status if fresh else status
    return GateState(status=status.value, approvals=records, approval_id=approval_id)


def approvals_of(store: GraphStore, decision_id: str) -> list[dict[str, Any]]:
    """Every approval and rejection of a decision, oldest first."""
    ref = NodeRef(label=Label.DECISION, id=decision_id)
    edges = store.incident_edges([ref], 1000, {RelType.APPROVES: "in", RelType.REJECTS: "in"})
    nodes = store.get_nodes([e.src for e in edges])
    records = [dict(n.properties) for n in nodes]
    records.sort(key=lambda r: (str(r.get("created_at", "")), str(r.get("id", ""))))
    return records


def _derived(gate: Gate, records: list[dict[str, Any]], now: datetime) -> PlanStatus | TaskStatus:
    plan = gate.subject.label is Label.PLAN
    if any(r.get("verdict") == "rejected" for r in records):
        return PlanStatus.REJECTED if plan else TASK_REJECTED
    fresh = [r for r in records if r.get("verdict") == "approved" and _fresh(gate.rule, r, now)]
    if len({r.get("approver") for r in fresh}) >= gate.approvers_needed:
        return PlanStatus.APPROVED if plan else TASK_APPROVED
    return gate.waiting_status


def _fresh(rule: GateRule, record: dict[str, Any], now: datetime) -> bool:
    if rule.expires_hours is None:
        return True
    created = datetime.fromisoformat(str(record.get("created_at")))
    return now - created <= timedelta(hours=rule.expires_hours)


def _approval_node(
    gate: Gate,
    verdict: Verdict,
    actor: str,
    role: str,
    comment: str | None,
    now: datetime,
    key_id: str | None,
) -> Node:
    approval_id = new_id("apr")
    props = {
        "id": approval_id,
        "decision_id": gate.decision_id,
        "subject": str(gate.subject.ref),
        "action": gate.action,
        "verdict": verdict,
        "approver": actor,
        "key_id": key_id,
        "role": role,
        "brand_id": gate.view.brand_id if isinstance(gate.view, PlanView) else None,
        "comment": comment,
        "created_at": now.isoformat(),
    }
    return Node(label=Label.APPROVAL, id=approval_id, properties=clean_properties(props))


def waiting(
    store: GraphStore, policy: ApprovalPolicy, limit: int = 500, now: datetime | None = None
) -> list[dict[str, Any]]:
    """The approval queue: plan versions and tasks waiting at a gate, oldest first."""
    now = now or datetime.now(UTC)
    items: list[dict[str, Any]] = []
    pending = {"status": PlanStatus.PENDING_APPROVAL.value}
    for plan in store.find(Label.PLAN, pending, order_by="created_at", limit=limit):
        p = PlanView.from_node(plan)
        decision_id = p.decision_id or ""
        items.append(
            {
                "decision_id": decision_id,
                "subject": str(plan.ref),
                "action": "plan",
                "brand_id": p.brand_id,
                "summary": f"plan {p.family or plan.id} version {p.version}: "
                f"{p.budget} over {p.start_date} to {p.end_date}",
                "requested_by": p.created_by,
                "requested_at": p.created_at,
                "approvals": _approved_count(store, decision_id, policy.plan, now),
                "approvers_needed": Gate(decision_id, plan, "plan", policy.plan).approvers_needed,
            }
        )
    tasks = _oldest_waiting_tasks(store, limit)
    views = {t.id: TaskView.from_node(t) for t in tasks}
    plan_ids = sorted({v.plan_id for v in views.values() if v.plan_id})
    brand_of_plan = {
        n.id: PlanView.from_node(n).brand_id
        for n in store.get_nodes([NodeRef(label=Label.PLAN, id=i) for i in plan_ids])
    }
    for task in tasks:
        t = views[task.id]
        decision_id = t.gate_decision_id or ""
        action = _task_action(t)
        items.append(
            {
                "decision_id": decision_id,
                "subject": str(task.ref),
                "action": action,
                "brand_id": brand_of_plan.get(t.plan_id),
                "summary": t.detail or t.action or task.id,
                "requested_by": t.agent,
                "requested_at": t.finished_at or t.started_at,
                "approvals": _approved_count(store, decision_id, policy.rule(action), now),
                "approvers_needed": Gate(
                    decision_id, task, action, policy.rule(action)
                ).approvers_needed,
            }
        )
    items.sort(key=lambda i: (str(i.get("requested_at") or ""), i["subject"]))
    return items


def _oldest_waiting_tasks(store: GraphStore, limit: int) -> list[Node]:
    """The ``limit`` tasks waiting longest at their gate: a task has waited since it
    finished its work (``finished_at``), else since it started."""
    waiting = WAITING.value
    done = store.find(
        Label.TASK, {"status": waiting}, order_by="finished_at", limit=limit
    )  # those without finished_at come last, and are read below by started_at
    done = [t for t in done if TaskView.from_node(t).finished_at is not None]
    started = store.find(
        Label.TASK, {"status": waiting, "finished_at": None}, order_by="started_at", limit=limit
    )
    tasks = done + started
    tasks.sort(key=lambda t: (_task_requested_at(t) or "", t.id))
    return tasks[:limit]


def _task_requested_at(task: Node) -> str | None:
    view = TaskView.from_node(task)
    return view.finished_at or view.started_at


def _task_action(task: TaskView) -> GateAction:
    """The gate a waiting task is at: a budget change, else publishing."""
    return "budget_change" if task.gate_action == "budget_change" else "publish"


def waiting_summary(store: GraphStore) -> tuple[dict[GateAction, int], list[object]]:
    """How many items wait at a gate, by action, and when the oldest plan and the oldest
    task began to wait (counted and ordered by the store, not read one by one)."""
    counts: dict[GateAction, int] = {
        "plan": store.count(Label.PLAN, {"status": PlanStatus.PENDING_APPROVAL.value}),
        "publish": 0,
        "budget_change": 0,
    }
    for action, n in store.count_by(Label.TASK, "gate_action", {"status": WAITING.value}).items():
        counts["budget_change" if action == "budget_change" else "publish"] += n
    pending = {"status": PlanStatus.PENDING_APPROVAL.value}
    plans = store.find(Label.PLAN, pending, order_by="created_at", limit=1)
    oldest: list[object] = [PlanView.from_node(p).created_at or None for p in plans]
    oldest += [_task_requested_at(t) for t in _oldest_waiting_tasks(store, 1)]
    return counts, oldest


def _approved_count(store: GraphStore, decision_id: str, rule: GateRule, now: datetime) -> int:
    """Distinct approvers whose approval still counts (not expired)."""
    if not decision_id:
        return 0
    records = approvals_of(store, decision_id)
    return len(
        {
            r.get("approver")
            for r in records
            if r.get("verdict") == "approved" and _fresh(rule, r, now)
        }
    )
