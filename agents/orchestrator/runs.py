"""A plan's run: its Task nodes, advanced in dependency order by whichever worker claims them.

Run state lives in the graph, on the tasks: ``pending`` → ``running`` (claimed by a worker,
with a lease) → ``done`` | ``waiting_approval`` | ``failed`` | ``skipped``. A worker claims a
task with a compare-and-set, so two workers never run it at once; if the worker dies, its
lease expires and another picks the task up again. Task agents are therefore written to be
re-run safely: every side effect carries an idempotency key derived from the task, so a
re-run repeats nothing that already happened.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal, Protocol

from agents.orchestrator.events import Event
from agents.orchestrator.observers import Observers, WorkDone
from agents.orchestrator.policy import ApprovalPolicy
from agents.planner.models import EXECUTING, SCHEDULED_AGENTS, PlanResult
from agents.planner.storage import load_plan
from graph.base import GraphStore
from graph.models import Node, PropertyValue
from graph.schema import Label
from graph.views import TaskStatus, TaskView

log = logging.getLogger("marketgraph.runs")

# The task statuses (graph.views.TaskStatus), as the plain strings stored on Task nodes.
PENDING, RUNNING, DONE, FAILED, SKIPPED = (
    TaskStatus.PENDING.value,
    TaskStatus.RUNNING.value,
    TaskStatus.DONE.value,
    TaskStatus.FAILED.value,
    TaskStatus.SKIPPED.value,
)
WAITING, REJECTED, BLOCKED = (
    TaskStatus.WAITING_APPROVAL.value,
    TaskStatus.REJECTED.value,
    TaskStatus.BLOCKED.value,
)
FINISHED = frozenset({DONE, FAILED, SKIPPED, REJECTED})
MAX_ATTEMPTS = 3


@dataclass
class TaskContext:
    """What a task agent gets: the store, the plan, its task, the policy and the clock."""

    store: GraphStore
    plan: PlanResult
    task: Node
    policy: ApprovalPolicy
    now: datetime
    worker: str
    publish: Callable[[Event], bool]

    @property
    def key(self) -> str:
        """The task's idempotency prefix: side effects add their own suffix to it."""
        return self.task.id


@dataclass(frozen=True)
class TaskOutcome:
    """What a task agent did: finished, waiting at a gate, or failed (retried or not)."""

    status: Literal["done", "waiting_approval", "failed", "skipped"]
    detail: str = ""
    gate_decision_id: str | None = None
    gate_action: str | None = None
    gate_amount: float | None = None  # the amount at stake, for rules that scale with it
    decision_ids: list[str] = field(default_factory=list)
    retry: bool = False


class TaskAgent(Protocol):
    """An agent the orchestrator hands tasks to (budget, content, distribution…)."""

    name: str

    def run(self, ctx: TaskContext) -> TaskOutcome: ...


@dataclass
class RunReport:
    plan_id: str
    ran: list[str] = field(default_factory=list)  # task ids run by this call
    statuses: dict[str, str] = field(default_factory=dict)


def advance(
    store: GraphStore,
    plan_id: str,
    agents: Mapping[str, TaskAgent],
    policy: ApprovalPolicy,
    *,
    worker: str,
    publish: Callable[[Event], bool],
    lease_seconds: float,
    now: datetime | None = None,
    observers: Observers | None = None,
) -> RunReport:
    """Run every task of an executing plan that can run now, until none can (each run is
    told to ``observers``)."""
    report = RunReport(plan_id=plan_id)
    progressed = True
    while progressed:
        progressed = False
        plan = load_plan(store, plan_id)
        if plan.status != EXECUTING:
            break
        tasks = {n.id: n for n in store.find_all(Label.TASK, {"plan_id": plan_id})}
        views = {i: TaskView.from_node(n) for i, n in tasks.items()}
        early = not has_started(plan, now or datetime.now(UTC))
        for task in _ordered(tasks, plan):
            view = views[task.id]
            status = view.status.value
            if status in FINISHED or status in (WAITING, BLOCKED):
                continue
            if early and view.agent in SCHEDULED_AGENTS:
                continue  # budgets and launches wait for the plan's first day
            deps = [views.get(d) for d in view.depends_on]
            if any(d is not None and d.status in (FAILED, SKIPPED, REJECTED) for d in deps):
                if store.update_if(
                    task.ref,
                    {"status": status},
                    {"status": SKIPPED, "detail": "a task it depends on did not finish"},
                ):
                    progressed = True
                continue
            if any(d is None or d.status != DONE for d in deps):
                continue
            stamp = now or datetime.now(UTC)
            claimed = _claim(store, task, worker, stamp, lease_seconds)
            if claimed is None:
                continue
            agent = agents.get(str(view.agent))
            if agent is None:
                _finish(
                    store,
                    claimed,
                    worker,
                    {
                        "status": BLOCKED,
                        "detail": f"no {view.agent} agent is configured",
                    },
                )
                if observers is not None:
                    observers.notify(WorkDone("unconfigured", BLOCKED, 0.0))
                continue
            started = time.perf_counter()
            outcome = _run(agent, TaskContext(store, plan, claimed, policy, stamp, worker, publish))
            _record(store, claimed, worker, outcome, stamp)
            if observers is not None:
                retrying = outcome.status == FAILED and outcome.retry
                result = "retrying" if retrying else outcome.status
                name = str(view.agent)
                observers.notify(WorkDone(name, result, time.perf_counter() - started))
            report.ran.append(task.id)
            publish(
                Event(
                    "task_finished",
                    f"{task.id}#{claimed.properties.get('attempts')}",
                    subject=f"Task:{task.id}",
                    payload={"status": outcome.status, "plan_id": plan_id},
                )
            )
            progressed = True
    for node in store.find_all(Label.TASK, {"plan_id": plan_id}):
        finished = TaskView.from_node(node)
        report.statuses[finished.task_key] = finished.status.value
    return report


def has_started(plan: PlanResult, now: datetime) -> bool:
    """Whether the plan's first day has begun (in its brand's time zone) at ``now``; a
    plan handed over before it was scheduled by day has no ``starts_at`` and has."""
    return plan.starts_at is None or datetime.fromisoformat(plan.starts_at) <= now


def _ordered(tasks: dict[str, Node], plan: PlanResult) -> list[Node]:
    order = {t["node_id"]: i for i, t in enumerate(plan.tasks)}
    return sorted(tasks.values(), key=lambda n: (order.get(n.id, 10**6), n.id))


def _claim(
    store: GraphStore, task: Node, worker: str, now: datetime, lease_seconds: float
) -> Node | None:
    """Take a pending task, or one whose worker's lease ran out (it died mid-task)."""
    p = task.properties
    status = str(p.get("status"))
    if status == RUNNING and str(p.get("lease_until", "")) >= now.isoformat():
        return None  # another worker holds it
    if status not in (PENDING, RUNNING):
        return None
    expect: dict[str, PropertyValue] = {
        k: p.get(k) for k in ("status", "owner", "lease_until", "attempts")
    }
    lease = (now + timedelta(seconds=lease_seconds)).isoformat()
    return store.update_if(
        task.ref,
        expect,
        {
            "status": RUNNING,
            "owner": worker,
            "lease_until": lease,
            "attempts": int(p.get("attempts", 0)) + 1,
            "started_at": now.isoformat(),
        },
    )


def _run(agent: TaskAgent, ctx: TaskContext) -> TaskOutcome:
    try:
        return agent.run(ctx)
    except Exception as e:  # an agent's failure fails the task, not the worker
        log.warning("task %s failed: %s: %s", ctx.task.id, type(e).__name__, e)
        log.debug("task %s failed", ctx.task.id, exc_info=True)
        attempts = int(ctx.task.properties.get("attempts", 1))
        return TaskOutcome(
            "failed", f"{type(e).__name__}: {e}"[:500], retry=attempts < MAX_ATTEMPTS
        )


def _record(
    store: GraphStore, task: Node, worker: str, outcome: TaskOutcome, now: datetime
) -> None:
    status = PENDING if outcome.status == "failed" and outcome.retry else outcome.status
    changes: dict[str, PropertyValue] = {
        "status": status,
        "detail": outcome.detail or None,
        "finished_at": now.isoformat() if status in FINISHED else None,
        "gate_decision_id": outcome.gate_decision_id,
        "gate_action": outcome.gate_action,
        "gate_amount": outcome.gate_amount,
        "decision_ids": list(outcome.decision_ids) or None,
    }
    _finish(store, task, worker, changes)


def _finish(store: GraphStore, task: Node, worker: str, changes: dict[str, PropertyValue]) -> None:
    """Leave the running state, only if this worker still holds the task."""
    mine: dict[str, PropertyValue] = {
        "status": RUNNING,
        "owner": worker,
        "attempts": task.properties.get("attempts"),
    }
    done = store.update_if(task.ref, mine, {**changes, "lease_until": None, "owner": None})
    if done is None:
        log.warning("task %s was taken over before %s finished it", task.id, worker)
