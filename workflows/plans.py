"""Plan workflows: create a plan, give a verdict at its gate, execute, re-plan, roll back.

The orchestrator holds the plan's state machine (events, gates, task runs); these are
what every entry point calls, so HTTP, the CLI and the demo loop hand work to the worker
the same way. Every plan they answer says what it is on the orchestrator's clock's day
(``run_status``: scheduled, running, completed) and what its executions have spent so far.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from agents.orchestrator.gates import GateState, Verdict, waiting
from agents.planner.models import PlanRequest, PlanResult
from agents.planner.storage import STATUSES, load_plan
from agents.planner.storage import list_plans as plan_versions
from graph.base import GraphStore
from graph.models import Node, NodeRef, OutcomeQuery
from graph.query import Range
from graph.schema import Label
from graph.scope import visible_nodes
from graph.views import RUN_STATUSES, PlanStatus, PlanView
from reports.plan_runs import PlanRun, plan_runs
from workflows.context import Context


def create_plan(ctx: Context, request: PlanRequest, actor: str | None) -> PlanResult:
    """Research the brief (when there is one), plan from the graph, record the decision;
    the plan waits at its approval gate."""
    return progress(ctx, ctx.orchestrator.create_plan(request, actor))


def brand_channels(store: GraphStore, brand_id: str) -> list[Node]:
    """The channels the brand has outcomes on: the ones a plan can put money on (its
    response curves are fitted from them), by id."""
    totals = store.aggregate_outcomes(OutcomeQuery(brand_id=brand_id, group_by=("channel_id",)))
    ids = sorted({str(t.channel_id) for t in totals if t.channel_id})
    return sorted(store.get_nodes([NodeRef(Label.CHANNEL, i) for i in ids]), key=lambda n: n.id)


def show_plan(ctx: Context, plan_id: str) -> PlanResult:
    """A plan version with its lines, tasks, versions, approvals and status."""
    return progress(ctx, load_plan(ctx.graph, plan_id))


# What ``status`` filters a plan list on: the stored statuses, and what a handed-over plan
# is on the day (scheduled, running, completed: the run status the list shows).
RUN_FILTERS = tuple(s.value for s in RUN_STATUSES)
STATUS_FILTERS = (*STATUSES, *(s for s in RUN_FILTERS if s not in STATUSES))
# The stored statuses of plans handed over (a completed one may read as running on an
# earlier day, see reports.plan_runs.stored_as_of).
HANDED_OVER = (PlanStatus.EXECUTING.value, PlanStatus.COMPLETED.value)
_PAGE = 200  # plans read at a time while looking for those with a run status


def list_plans(
    ctx: Context,
    brands: Sequence[str] | None = None,
    status: str | None = None,
    limit: int = 100,
) -> list[tuple[Node, PlanRun | None]]:
    """Plan versions of ``brands`` (None: every brand) with ``status``, newest first, each
    with what it is on the clock's day (None for a node without dates); the runs of a page
    are read together (:func:`reports.plan_runs.plan_runs`).

    ``status`` is a stored status, or a run status: ``scheduled``, ``running`` or
    ``completed`` match what the plan is on the clock's day in its brand's time zone, as
    the list shows it (``completed``: completed by the validation agent, or handed over
    and past its last day). ``executing`` stays the stored status: every plan handed over
    and not completed by the validation agent, whatever its day."""
    if status is not None and status not in STATUS_FILTERS:
        raise ValueError(
            f"unknown plan status {status!r}; expected one of {', '.join(STATUS_FILTERS)}"
        )
    now = ctx.orchestrator.clock.now()
    if status not in RUN_FILTERS:
        return _with_runs(ctx, plan_versions(ctx.graph, brands, status, limit), now)
    wanted = PlanStatus(status)
    dates = _candidate_days(wanted, now)
    found: list[tuple[Node, PlanRun | None]] = []
    offset = 0
    while len(found) < limit:
        nodes = plan_versions(ctx.graph, brands, HANDED_OVER, _PAGE, offset=offset, dates=dates)
        found += [(n, r) for n, r in _with_runs(ctx, nodes, now) if r and r.status is wanted]
        if len(nodes) < _PAGE:
            break
        offset += _PAGE
    return found[:limit]


def _with_runs(ctx: Context, nodes: list[Node], now: datetime) -> list[tuple[Node, PlanRun | None]]:
    runs = plan_runs(ctx.graph, [PlanView.from_node(n) for n in nodes], now)
    return [(n, runs.get(n.id)) for n in nodes]


def _candidate_days(wanted: PlanStatus, now: datetime) -> dict[str, Range]:
    """Bounds on the plans' days that every plan ``wanted`` on ``now`` meets, whatever its
    brand's time zone (a brand's day is within one day of the UTC day): fewer plans to
    read. A completed plan may be completed early, so its days are not bounded."""
    today = now.astimezone(UTC).date()
    if wanted is PlanStatus.SCHEDULED:  # its first day is after the brand's day
        return {"start_date": Range(gte=today.isoformat())}
    if wanted is PlanStatus.RUNNING:  # the brand's day is within its days
        return {
            "start_date": Range(lte=(today + timedelta(days=1)).isoformat()),
            "end_date": Range(gte=(today - timedelta(days=1)).isoformat()),
        }
    return {}


def progress(ctx: Context, plan: PlanResult) -> PlanResult:
    """The plan with what it is on the clock's day in its brand's time zone (once handed
    over: scheduled, running or completed) and the spend of the outcomes linked to its
    executions up to that day: the same function as the plan list and the planning
    report, so each says the same for the same plan."""
    node = ctx.graph.get_node(NodeRef(Label.PLAN, plan.id))
    if node is None:
        return plan
    run = plan_runs(ctx.graph, [PlanView.from_node(node)], ctx.orchestrator.clock.now()).get(
        plan.id
    )
    if run is None or run.run_status is None:
        return plan
    return replace(plan, run_status=run.run_status, spend_to_date=run.spend_to_date)


def decide_plan(
    ctx: Context,
    plan_id: str,
    verdict: Verdict,
    actor: str,
    role: str,
    comment: str | None,
    key_id: str | None = None,
) -> PlanResult:
    """An approver's verdict (approved / rejected) on a plan version waiting at its gate;
    ``key_id`` (the approver's API key) is recorded on the approval."""
    plan = ctx.orchestrator.decide_plan(plan_id, verdict, actor, role, comment, key_id)
    ctx.wake_worker()
    return progress(ctx, plan)


def execute_plan(
    ctx: Context, plan_id: str, actor: str | None, *, wait: bool = False
) -> PlanResult:
    """Hand an approved plan to the task agents; with ``wait``, run them in this process
    until nothing is left to do today (else a worker picks the plan up). A plan whose first
    day is still to come is ``scheduled``: its budgets and launches wait for that day, when
    a worker (``marketgraph serve`` or ``marketgraph work``) runs them. 409 once its last
    day has passed."""
    ctx.orchestrator.execute(plan_id, actor)
    if wait:
        ctx.orchestrator.run_until_idle()
    else:
        ctx.wake_worker()
    return progress(ctx, load_plan(ctx.graph, plan_id))


def replan(
    ctx: Context,
    plan_id: str,
    changes: dict[str, Any],
    actor: str | None,
    *,
    reason: str | None = None,
) -> PlanResult:
    """A new version on fresh curves, with ``changes``; it waits at the gate again."""
    if reason:
        return progress(ctx, ctx.orchestrator.replan(plan_id, changes, actor, reason=reason))
    return progress(ctx, ctx.orchestrator.replan(plan_id, changes, actor))


def rollback(ctx: Context, plan_id: str, to_version: int, actor: str | None) -> PlanResult:
    """A new version equal to an earlier one, recorded as a decision; it waits at the gate."""
    return progress(ctx, ctx.orchestrator.rollback(plan_id, to_version, actor))


def approvals(ctx: Context, brands: Collection[str] | None = None) -> list[dict[str, Any]]:
    """Everything waiting at a gate (plans, publishing, budget changes), oldest first;
    with ``brands``, only what those brands' keys may see."""
    items = waiting(ctx.graph, ctx.orchestrator.policy, now=ctx.orchestrator.clock.now())
    if brands is None:
        return items
    subjects = ctx.graph.get_nodes([NodeRef.parse(i["subject"]) for i in items])
    seen = {str(n.ref) for n in visible_nodes(ctx.graph, subjects, brands)}
    return [i for i in items if i["subject"] in seen]


def decide(
    ctx: Context,
    decision_id: str,
    verdict: Verdict,
    actor: str,
    role: str,
    comment: str | None,
    key_id: str | None = None,
) -> GateState:
    """A verdict on any gated decision (a plan, a publish, a budget change), recorded with
    the approver's ``key_id``; the worker then moves what waited on it."""
    state = ctx.orchestrator.decide(decision_id, verdict, actor, role, comment, key_id)
    ctx.wake_worker()
    return state
