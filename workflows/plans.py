"""Plan workflows: create a plan, give a verdict at its gate, execute, re-plan, roll back.

The orchestrator holds the plan's state machine (events, gates, task runs); these are
what every entry point calls, so HTTP, the CLI and the demo loop hand work to the worker
the same way.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from agents.orchestrator.gates import GateState, Verdict, waiting
from agents.planner.models import PlanRequest, PlanResult
from agents.planner.storage import load_plan
from graph.models import NodeRef
from graph.scope import visible_nodes
from workflows.context import Context


def create_plan(ctx: Context, request: PlanRequest, actor: str | None) -> PlanResult:
    """Research the brief (when there is one), plan from the graph, record the decision;
    the plan waits at its approval gate."""
    return ctx.orchestrator.create_plan(request, actor)


def show_plan(ctx: Context, plan_id: str) -> PlanResult:
    """A plan version with its lines, tasks, versions, approvals and status."""
    return load_plan(ctx.graph, plan_id)


def decide_plan(
    ctx: Context, plan_id: str, verdict: Verdict, actor: str, role: str, comment: str | None
) -> PlanResult:
    """An approver's verdict (approved / rejected) on a plan version waiting at its gate."""
    plan = ctx.orchestrator.decide_plan(plan_id, verdict, actor, role, comment)
    ctx.wake_worker()
    return plan


def execute_plan(
    ctx: Context, plan_id: str, actor: str | None, *, wait: bool = False
) -> PlanResult:
    """Hand an approved plan to the task agents; with ``wait``, run them in this process
    until nothing is left to do (else a worker picks the plan up)."""
    ctx.orchestrator.execute(plan_id, actor)
    if wait:
        ctx.orchestrator.run_until_idle()
    else:
        ctx.wake_worker()
    return load_plan(ctx.graph, plan_id)


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
        return ctx.orchestrator.replan(plan_id, changes, actor, reason=reason)
    return ctx.orchestrator.replan(plan_id, changes, actor)


def rollback(ctx: Context, plan_id: str, to_version: int, actor: str | None) -> PlanResult:
    """A new version equal to an earlier one, recorded as a decision; it waits at the gate."""
    return ctx.orchestrator.rollback(plan_id, to_version, actor)


def approvals(ctx: Context, brands: Collection[str] | None = None) -> list[dict[str, Any]]:
    """Everything waiting at a gate (plans, publishing, budget changes), oldest first;
    with ``brands``, only what those brands' keys may see."""
    items = waiting(ctx.graph, ctx.orchestrator.policy)
    if brands is None:
        return items
    subjects = ctx.graph.get_nodes([NodeRef.parse(i["subject"]) for i in items])
    seen = {str(n.ref) for n in visible_nodes(ctx.graph, subjects, brands)}
    return [i for i in items if i["subject"] in seen]


def decide(
    ctx: Context, decision_id: str, verdict: Verdict, actor: str, role: str, comment: str | None
) -> GateState:
    """A verdict on any gated decision (a plan, a publish, a budget change); the worker
    then moves what waited on it."""
    state = ctx.orchestrator.decide(decision_id, verdict, actor, role, comment)
    ctx.wake_worker()
    return state
