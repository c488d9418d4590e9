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
from typing import Any, Literal

from agents.orchestrator.errors import GateError, SelfApprovalError
from agents.orchestrator.policy import ApprovalPolicy, GateAction, GateRule
from agents.planner.models import APPROVED, PENDING_APPROVAL, REJECTED
from graph.base import GraphStore
from graph.errors import NodeNotFoundError
from graph.models import Edge, GraphBatch, Node, NodeRef, clean_properties, new_id
from graph.schema import Label, RelType

Verdict = Literal["approved", "rejected"]
WAITING = "waiting_approval"  # a task at its gate
TASK_APPROVED = "pending"  # an approved task goes back to the queue
TASK_REJECTED = "rejected"


@dataclass(frozen=True)
class Gate:
    """Something waiting for approval: its decision, subject, action and rule."""

    decision_id: str
    subject: Node
    action: GateAction
    rule: GateRule

    @property
    def amount(self) -> float | None:
        """The amount at stake: a plan's budget, a budget change's total."""
        key = "budget" if self.subject.label is Label.PLAN else "gate_amount"
        value = self.subject.properties.get(key)
        try:
            return None if value is None else float(value)
        except (TypeError, ValueError):
            return None

    @property
    def approvers_needed(self) -> int:
        return self.rule.approvers_for(self.amount)

    @property
    def requested_by(self) -> str | None:
        value = self.subject.properties.get("created_by") or self.subject.properties.get(
            "requested_by"
        )
        return None if value is None else str(value)


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
        action = str(tasks[0].properties.get("gate_action", "publish"))
        if action not in ("publish", "budget_change"):
            action = "publish"
        gate_action: GateAction = "publish" if action == "publish" else "budget_change"
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
) -> GateState:
    """Record ``actor``'s verdict on ``gate`` and move its subject if that settles it.

    Raises:
        GateError: the subject is no longer waiting (decided, superseded…): a 409.
        SelfApprovalError: the requester approving their own request, where the rule
            forbids it: a 403.
    """
    now = now or datetime.now(UTC)
    waiting = PENDING_APPROVAL if gate.subject.label is Label.PLAN else WAITING
    current = str(gate.subject.properties.get("status", ""))
    if current != waiting:
        raise GateError(str(gate.subject.ref), current, waiting)
    if (
        verdict == "approved"
        and not gate.rule.allow_self_approval
        and gate.requested_by is not None
        and gate.requested_by == actor
    ):
        raise SelfApprovalError(str(gate.subject.ref), actor)
    approval = _approval_node(gate, verdict, actor, role, comment, now)
    rel = RelType.APPROVES if verdict == "approved" else RelType.REJECTS
    target = NodeRef(label=Label.DECISION, id=gate.decision_id)
    store.write(GraphBatch(nodes=[approval], edges=[Edge(src=approval.ref, type=rel, dst=target)]))
    return settle(store, gate, now, approval.id)


def settle(
    store: GraphStore, gate: Gate, now: datetime, approval_id: str | None = None
) -> GateState:
    """Derive the subject's state from all approvals of the decision and move it there."""
    records = approvals_of(store, gate.decision_id)
    status = _derived(gate, records, now)
    waiting = PENDING_APPROVAL if gate.subject.label is Label.PLAN else WAITING
    if status != waiting:
        changes: dict[str, str | None] = {"status": status, "decided_at": now.isoformat()}
        moved = store.update_if(gate.subject.ref, {"status": waiting}, changes)
        if moved is None:
            fresh = store.get_node(gate.subject.ref)
            status = str(fresh.properties.get("status", "")) if fresh else status
    return GateState(status=status, approvals=records, approval_id=approval_id)


def approvals_of(store: GraphStore, decision_id: str) -> list[dict[str, Any]]:
    """Every approval and rejection of a decision, oldest first."""
    ref = NodeRef(label=Label.DECISION, id=decision_id)
    edges = store.incident_edges([ref], 1000, {RelType.APPROVES: "in", RelType.REJECTS: "in"})
    nodes = store.get_nodes([e.src for e in edges])
    records = [dict(n.properties) for n in nodes]
    records.sort(key=lambda r: (str(r.get("created_at", "")), str(r.get("id", ""))))
    return records


def _derived(gate: Gate, records: list[dict[str, Any]], now: datetime) -> str:
    plan = gate.subject.label is Label.PLAN
    if any(r.get("verdict") == "rejected" for r in records):
        return REJECTED if plan else TASK_REJECTED
    fresh = [r for r in records if r.get("verdict") == "approved" and _fresh(gate.rule, r, now)]
    if len({r.get("approver") for r in fresh}) >= gate.approvers_needed:
        return APPROVED if plan else TASK_APPROVED
    return PENDING_APPROVAL if plan else WAITING


def _fresh(rule: GateRule, record: dict[str, Any], now: datetime) -> bool:
    if rule.expires_hours is None:
        return True
    created = datetime.fromisoformat(str(record.get("created_at")))
    return now - created <= timedelta(hours=rule.expires_hours)


def _approval_node(
    gate: Gate, verdict: Verdict, actor: str, role: str, comment: str | None, now: datetime
) -> Node:
    approval_id = new_id("apr")
    props = {
        "id": approval_id,
        "decision_id": gate.decision_id,
        "subject": str(gate.subject.ref),
        "action": gate.action,
        "verdict": verdict,
        "approver": actor,
        "role": role,
        "brand_id": gate.subject.properties.get("brand_id"),
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
    pending = {"status": PENDING_APPROVAL}
    for plan in store.find(Label.PLAN, pending, order_by="created_at", limit=limit):
        p = plan.properties
        decision_id = str(p.get("decision_id", ""))
        items.append(
            {
                "decision_id": decision_id,
                "subject": str(plan.ref),
                "action": "plan",
                "brand_id": p.get("brand_id"),
                "summary": f"plan {p.get('family', plan.id)} version {p.get('version', 1)}: "
                f"{p.get('budget')} over {p.get('start_date')} to {p.get('end_date')}",
                "requested_by": p.get("created_by"),
                "requested_at": p.get("created_at"),
                "approvals": _approved_count(store, decision_id, policy.plan, now),
                "approvers_needed": Gate(decision_id, plan, "plan", policy.plan).approvers_needed,
            }
        )
    tasks = _oldest_waiting_tasks(store, limit)
    plan_ids = sorted(
        {str(t.properties.get("plan_id")) for t in tasks if t.properties.get("plan_id")}
    )
    brand_of_plan = {
        n.id: n.properties.get("brand_id")
        for n in store.get_nodes([NodeRef(label=Label.PLAN, id=i) for i in plan_ids])
    }
    for task in tasks:
        p = task.properties
        decision_id = str(p.get("gate_decision_id", ""))
        action: GateAction = (
            "budget_change" if p.get("gate_action") == "budget_change" else "publish"
        )
        items.append(
            {
                "decision_id": decision_id,
                "subject": str(task.ref),
                "action": action,
                "brand_id": p.get("brand_id") or brand_of_plan.get(str(p.get("plan_id"))),
                "summary": str(p.get("detail") or p.get("action") or task.id),
                "requested_by": p.get("agent"),
                "requested_at": p.get("finished_at") or p.get("started_at"),
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
    done = store.find(
        Label.TASK, {"status": WAITING}, order_by="finished_at", limit=limit
    )  # those without finished_at come last, and are read below by started_at
    done = [t for t in done if t.properties.get("finished_at") is not None]
    started = store.find(
        Label.TASK, {"status": WAITING, "finished_at": None}, order_by="started_at", limit=limit
    )
    tasks = done + started
    tasks.sort(key=lambda t: (str(_task_requested_at(t) or ""), t.id))
    return tasks[:limit]


def _task_requested_at(task: Node) -> object:
    return task.properties.get("finished_at") or task.properties.get("started_at")


def waiting_summary(store: GraphStore) -> tuple[dict[GateAction, int], list[object]]:
    """How many items wait at a gate, by action, and when the oldest plan and the oldest
    task began to wait (counted and ordered by the store, not read one by one)."""
    counts: dict[GateAction, int] = {
        "plan": store.count(Label.PLAN, {"status": PENDING_APPROVAL}),
        "publish": 0,
        "budget_change": 0,
    }
    for action, n in store.count_by(Label.TASK, "gate_action", {"status": WAITING}).items():
        counts["budget_change" if action == "budget_change" else "publish"] += n
    plans = store.find(Label.PLAN, {"status": PENDING_APPROVAL}, order_by="created_at", limit=1)
    oldest = [p.properties.get("created_at") for p in plans]
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
