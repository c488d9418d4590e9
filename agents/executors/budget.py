"""The budget agent: sets each plan line's daily budget on its channel, once.

``budget-setup`` turns every allocation into a ``set_budget`` action (its period budget
spread evenly over the plan's days) and stops the brand's other running lines on the same
adapters, so a new plan version replaces the old mix instead of adding to it. Each action's
idempotency key is derived from the task and the line, and the decision that records the
step has an id derived from the task: a worker that dies half-way and a worker that takes
the task over apply each budget exactly once between them and record one decision.
``budget-monitor`` hands the plan to the validation agent, which watches every ingestion.
"""

from __future__ import annotations

from decimal import Decimal

from agents.execution import Action, ActionKind, ActionReceipt, ChannelAdapter, Target
from agents.executors.channels import ChannelRouter, NoAdapterError
from agents.executors.common import decision_id_for, record_once
from agents.orchestrator.runs import TaskContext, TaskOutcome
from graph.models import DecisionRecord, Edge, Evidence, NodeRef
from graph.schema import Label, RelType

AGENT = "budget"


class BudgetAgent:
    """Applies a plan's allocations as daily budgets through the channel adapters."""

    name = AGENT

    def __init__(self, router: ChannelRouter) -> None:
        self.router = router

    def run(self, ctx: TaskContext) -> TaskOutcome:
        key = str(ctx.task.properties.get("key"))
        if key == "budget-monitor":
            return TaskOutcome(
                "done", "the validation agent checks this plan on every outcome ingestion"
            )
        if key != "budget-setup":
            return TaskOutcome("failed", f"the budget agent has no step {key!r}")
        return self._setup(ctx)

    def _setup(self, ctx: TaskContext) -> TaskOutcome:
        plan = ctx.plan
        days = (plan.end_date - plan.start_date).days + 1
        receipts: list[ActionReceipt] = []
        adapters: dict[str, ChannelAdapter] = {}
        try:
            for line in plan.lines:
                adapter = self.router.adapter(plan.brand_id, line.channel_id)
                adapters[adapter.name] = adapter
                daily = float((line.budget / Decimal(days)).quantize(Decimal("0.01")))
                receipts.append(
                    adapter.apply(
                        Action(
                            kind=ActionKind.SET_BUDGET,
                            target=Target(channel_id=line.channel_id, audience_id=line.audience_id),
                            params={"daily_budget": daily},
                            idempotency_key=f"{ctx.key}|{line.channel_id}|{line.audience_id}|budget",
                            plan_id=plan.id,
                            task_id=ctx.task.id,
                        )
                    )
                )
        except NoAdapterError as e:
            return TaskOutcome("failed", str(e))
        planned = {(ln.channel_id, ln.audience_id) for ln in plan.lines}
        for adapter in adapters.values():
            for state in adapter.state():
                pair = (state.key.channel_id, state.key.audience_id)
                if state.running and pair not in planned and state.key.campaign_id is None:
                    receipts.append(
                        adapter.apply(
                            Action(
                                kind=ActionKind.SET_BUDGET,
                                target=Target(
                                    channel_id=state.key.channel_id,
                                    audience_id=state.key.audience_id,
                                ),
                                params={"daily_budget": 0.0},
                                idempotency_key=f"{ctx.key}|{pair[0]}|{pair[1]}|stop",
                                plan_id=plan.id,
                                task_id=ctx.task.id,
                            )
                        )
                    )
        decision_id = decision_id_for(ctx.key, "apply_budget")
        total = sum((ln.budget for ln in plan.lines), Decimal(0)) or Decimal(1)
        record_once(
            ctx.store,
            DecisionRecord(
                id=decision_id,
                kind="apply_budget",
                agent=AGENT,
                algorithm="even-daily-pacing",
                algorithm_version="budget-v1",
                rationale=f"Set {len(plan.lines)} line budgets of plan {plan.id} (version "
                f"{plan.version}) over {days} days; {len(receipts) - len(plan.lines)} other "
                "running lines of the brand stopped.",
                inputs={"plan_id": plan.id, "task_id": ctx.task.id, "days": days},
                evidence=[
                    Evidence(
                        ref=NodeRef(label=Label.ALLOCATION, id=ln.allocation_id),
                        score=round(float(ln.budget / total), 6),
                        reason=f"{ln.channel_id} × {ln.audience_id}: {ln.budget} over {days} days",
                    )
                    for ln in plan.lines
                ],
                produced_edges=[
                    Edge(
                        src=NodeRef(label=Label.DECISION, id=decision_id),
                        type=RelType.PRODUCED,
                        dst=NodeRef(label=Label.EXECUTION, id=r.execution_id),
                    )
                    for r in receipts
                ],
            ),
        )
        applied = sum(1 for r in receipts if not r.duplicate)
        return TaskOutcome(
            "done",
            f"{len(receipts)} budgets set ({applied} applied now, "
            f"{len(receipts) - applied} already applied)",
            decision_ids=[decision_id],
        )
