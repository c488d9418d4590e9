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

from agents.channels import Action, ActionKind, ActionReceipt, ChannelAdapter, Target
from agents.channels.router import ChannelRouter, NoAdapterError
from agents.orchestrator.runs import TaskContext, TaskOutcome
from agents.tasks.common import decision_id_for, record_once
from graph.models import DecisionRecord, Edge, Evidence, NodeRef
from graph.schema import Label, RelType
from graph.views import TaskView

AGENT = "budget"


class BudgetAgent:
    """Applies a plan's allocations as daily budgets through the channel adapters."""

    name = AGENT

    def __init__(self, router: ChannelRouter) -> None:
        self.router = router

    def run(self, ctx: TaskContext) -> TaskOutcome:
        key = str(TaskView.from_node(ctx.task).key)
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
        gate_id = decision_id_for(ctx.key, "budget_change")
        if TaskView.from_node(ctx.task).gate_decision_id != gate_id:
            try:
                waiting = self._gate(ctx, gate_id, days)
            except NoAdapterError as e:
                return TaskOutcome("failed", str(e))
            if waiting is not None:
                return waiting
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
                created_at=ctx.now,
                kind="apply_budget",
                agent=AGENT,
                brand_id=plan.brand_id,
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

    def _gate(self, ctx: TaskContext, gate_id: str, days: int) -> TaskOutcome | None:
        """Wait at the budget-change gate when the plan moves a channel's running spend by
        more than the policy lets through (a first budget on a channel is the plan gate's)."""
        plan, rule = ctx.plan, ctx.policy.budget_change
        if not rule.required:
            return None
        planned: dict[str, Decimal] = {}
        for line in plan.lines:
            planned[line.channel_id] = planned.get(line.channel_id, Decimal(0)) + (
                line.budget / Decimal(days)
            )
        changes = []
        for channel_id, daily in sorted(planned.items()):
            adapter = self.router.adapter(plan.brand_id, channel_id)
            running = sum(
                Decimal(str(s.daily_budget))
                for s in adapter.state()
                if s.running and s.key.channel_id == channel_id and s.key.campaign_id is None
            )
            if running <= 0:
                continue
            delta = daily - running
            amount = abs(delta) * days
            share = float(abs(delta) / running)
            if rule.applies(amount=amount, share=share):
                changes.append((channel_id, running, daily, amount, share))
        if not changes:
            return None
        detail = "; ".join(
            f"{c}: {old:,.2f} → {new:,.2f} a day ({share:.0%}, {amount:,.2f} over {days} days)"
            for c, old, new, amount, share in changes
        )
        record_once(
            ctx.store,
            DecisionRecord(
                id=gate_id,
                created_at=ctx.now,
                kind="budget_change",
                agent=AGENT,
                brand_id=plan.brand_id,
                algorithm="budget-change-gate",
                algorithm_version="budget-gate-v1",
                rationale=f"Plan {plan.id} (version {plan.version}) changes running budgets "
                f"beyond the gate's limits: {detail}.",
                inputs={
                    "plan_id": plan.id,
                    "task_id": ctx.task.id,
                    "changes": [
                        {
                            "channel_id": c,
                            "daily_before": float(old),
                            "daily_after": float(new),
                            "amount": float(amount),
                            "share": round(share, 6),
                        }
                        for c, old, new, amount, share in changes
                    ],
                },
                evidence=[
                    Evidence(
                        ref=NodeRef(label=Label.ALLOCATION, id=ln.allocation_id),
                        reason=f"{ln.channel_id} × {ln.audience_id}: {ln.budget} over {days} days",
                    )
                    for ln in plan.lines
                    if ln.channel_id in {c[0] for c in changes}
                ],
            ),
        )
        return TaskOutcome(
            "waiting_approval",
            f"budget changes wait for the budget-change gate: {detail}",
            gate_decision_id=gate_id,
            gate_action="budget_change",
            gate_amount=float(sum(c[3] for c in changes)),
            decision_ids=[gate_id],
        )
