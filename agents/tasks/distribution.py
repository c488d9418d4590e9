"""The distribution agent: puts a channel's approved variants live, as A/B/n tests.

For a ``distribution-CHANNEL`` task, each line of the channel gets its approved Experiment
started through the channel's adapter (``start_experiment``: traffic split evenly between
the hook variants), or its single approved asset pushed. Which variant wins is decided
later, on the outcomes, by the validation agent's sequential test, never here.
"""

from __future__ import annotations

from agents.channels import Action, ActionKind, ActionReceipt, Target
from agents.channels.router import ChannelRouter, NoAdapterError
from agents.orchestrator.runs import TaskContext, TaskOutcome
from agents.tasks.common import decision_id_for, record_once
from graph.models import DecisionRecord, Edge, Evidence, NodeRef
from graph.schema import Label, RelType
from graph.views import TaskView

AGENT = "distribution"


class DistributionAgent:
    """Launches approved variants on their lines through the channel adapters."""

    name = AGENT

    def __init__(self, router: ChannelRouter) -> None:
        self.router = router

    def run(self, ctx: TaskContext) -> TaskOutcome:
        store, plan = ctx.store, ctx.plan
        channel_id = str(TaskView.from_node(ctx.task).channel_id)
        experiments = [
            e
            for e in store.find_all(Label.EXPERIMENT, {"plan_id": plan.id})
            if e.properties.get("channel_id") == channel_id
            and e.properties.get("status") in ("approved", "running")
        ]
        if not experiments:
            return TaskOutcome("skipped", f"no approved variants for {channel_id}")
        try:
            adapter = self.router.adapter(plan.brand_id, channel_id)
        except NoAdapterError as e:
            return TaskOutcome("failed", str(e))
        receipts: list[ActionReceipt] = []
        for experiment in experiments:
            p = experiment.properties
            audience_id = str(p["audience_id"])
            variants = [str(v) for v in p.get("variants", [])]
            target = Target(channel_id=channel_id, audience_id=audience_id)
            running = adapter.line(target.line).experiment
            if running is not None and running.experiment_id != experiment.id:
                # The line still tests an earlier plan's variants: that test ends here.
                receipts.append(
                    adapter.apply(
                        Action(
                            kind=ActionKind.STOP_EXPERIMENT,
                            target=target.model_copy(
                                update={"experiment_id": running.experiment_id}
                            ),
                            idempotency_key=f"{ctx.key}|{audience_id}|stop-earlier",
                            plan_id=plan.id,
                            task_id=ctx.task.id,
                        )
                    )
                )
                store.update_if(
                    NodeRef(label=Label.EXPERIMENT, id=running.experiment_id),
                    {"status": "running"},
                    {"status": "stopped", "stopped_by": plan.id},
                )
            if len(variants) >= 2:
                action = Action(
                    kind=ActionKind.START_EXPERIMENT,
                    target=target.model_copy(update={"experiment_id": experiment.id}),
                    params={"variants": variants},
                    idempotency_key=f"{ctx.key}|{audience_id}|start",
                    plan_id=plan.id,
                    task_id=ctx.task.id,
                )
            else:
                action = Action(
                    kind=ActionKind.PUSH_ASSET,
                    target=target.model_copy(update={"asset_id": variants[0]}),
                    idempotency_key=f"{ctx.key}|{audience_id}|push",
                    plan_id=plan.id,
                    task_id=ctx.task.id,
                )
            receipts.append(adapter.apply(action))
            store.update_if(
                experiment.ref,
                {"status": "approved"},
                {
                    "status": "running",
                    "started_at": ctx.now.isoformat(),
                    "adapter": adapter.name,
                },
            )
        decision_id = decision_id_for(ctx.key, "launch")
        record_once(
            store,
            DecisionRecord(
                id=decision_id,
                created_at=ctx.now,
                kind="launch",
                agent=AGENT,
                brand_id=plan.brand_id,
                algorithm="even-split-ab",
                algorithm_version="distribution-v1",
                rationale=f"Launched {len(experiments)} hook tests on {channel_id}, traffic "
                "split evenly; the winner is decided by the sequential test on outcomes.",
                inputs={"plan_id": plan.id, "channel_id": channel_id},
                evidence=[Evidence(ref=e.ref, reason="approved variants") for e in experiments],
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
        return TaskOutcome(
            "done", f"{len(receipts)} lines of {channel_id} launched", decision_ids=[decision_id]
        )
