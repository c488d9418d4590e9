"""The validation agent: after every outcome ingestion, check each executing plan.

Three things, each recorded as a decision with its evidence:

- **A/B tests.** Each running experiment's variants are counted from the outcomes
  (impressions and clicks per asset on the line since launch) and judged by the sequential
  test (:mod:`agents.experiments`, an always-valid mSPRT). On ``winner`` the experiment is
  stopped and the winner pushed; on ``no_difference`` the first variant stays; otherwise
  nothing happens yet. The winner is flagged on its Asset, so the next brief's drafts
  learn from it.
- **Drift.** Each line's daily revenue is compared with its response curve
  (:func:`agents.validation.detect_drift`, false alarms ≤ 5 % per plan), after what its
  own A/B winners and the whole brand did that day are taken out; a change raises
  an ``Alert`` and proposes a re-plan for the rest of the plan on refitted curves, which
  waits at the plan gate like any version.
- **The end.** When the outcomes reach the plan's last day, the plan's KPIs are checked
  against its targets and bounds and the plan is marked ``completed``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from agents.channels import Action, ActionKind, Target
from agents.channels.router import ChannelRouter, NoAdapterError
from agents.curves.response_curve import ResponseCurve
from agents.experiments import SequentialTest, TestConfig, VariantCounts
from agents.orchestrator.events import Event
from agents.planner.models import COMPLETED, EXECUTING, PlanResult
from agents.planner.storage import load_plan
from agents.tasks.common import decision_id_for, record_once
from agents.validation import (
    DailyActual,
    DriftConfig,
    Observation,
    PlanExpectation,
    check_kpis,
    detect_drift,
)
from agents.validation.assets import AssetDay, remove_asset_mix
from agents.validation.common_mode import remove_common_mode
from graph.base import GraphStore
from graph.models import (
    DecisionRecord,
    Edge,
    Evidence,
    Node,
    NodeRef,
    OutcomeQuery,
    clean_properties,
    sha256_hex,
)
from graph.query import Condition
from graph.schema import Label, RelType
from graph.views import PlanView

log = logging.getLogger("marketgraph.validation")
AGENT = "validation"
AB_CONFIG = TestConfig(alpha=0.05, min_trials=2_000, max_trials=400_000, expected_lift=0.2)

# (plan_id, changes, reason, evidence) -> the new plan version's id
Replan = Callable[[str, dict[str, Any], str, list[Evidence]], str]


class ValidationAgent:
    """Checks executing plans against their curves and targets; decides A/B tests."""

    name = AGENT

    def __init__(
        self,
        store: GraphStore,
        router: ChannelRouter,
        replan: Replan | None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.store = store
        self.router = router
        self.replan = replan
        # The orchestrator's clock (so a simulated run completes a plan on its own day).
        self.now = now or (lambda: datetime.now(UTC))

    def handle(self, event: Event) -> None:
        """``outcomes_ingested``: check every executing plan (of the event's brand)."""
        brand = event.payload.get("brand_id")
        where: dict[str, Condition] = {"status": EXECUTING}
        if brand is not None:
            where["brand_id"] = str(brand)
        for node in self.store.find_all(Label.PLAN, where):
            plan = PlanView.from_node(node)
            if brand is None or plan.brand_id == brand:
                self.check(plan.id)

    def check(self, plan_id: str) -> dict[str, int]:
        plan = load_plan(self.store, plan_id)
        if plan.status != EXECUTING:
            return {}
        last = self._last_day(plan)
        if last is None:
            return {}
        decided = self._experiments(plan)
        alerts = self._drift(plan, last)
        completed = self._complete(plan, last)
        return {"experiments_decided": decided, "alerts": alerts, "completed": int(completed)}

    # -- A/B tests -------------------------------------------------------------------------
    def _experiments(self, plan: PlanResult) -> int:
        decided = 0
        for experiment in self.store.find_all(Label.EXPERIMENT, {"plan_id": plan.id}):
            p = experiment.properties
            if p.get("status") != "running":
                continue
            variants = [str(v) for v in p.get("variants", [])]
            started = date.fromisoformat(str(p.get("started_at", plan.start_date))[:10])
            totals = self.store.aggregate_outcomes(
                OutcomeQuery(
                    brand_id=plan.brand_id,
                    channel_ids=[str(p["channel_id"])],
                    audience_ids=[str(p["audience_id"])],
                    start=max(started, plan.start_date),
                    group_by=("asset_id",),
                )
            )
            by_asset = {t.asset_id: t for t in totals}
            counts = {
                v: VariantCounts(
                    trials=int(by_asset[v].impressions) if v in by_asset else 0,
                    successes=int(by_asset[v].clicks) if v in by_asset else 0,
                )
                for v in variants
            }
            if any(c.trials == 0 for c in counts.values()):
                continue
            verdict = SequentialTest(AB_CONFIG).evaluate(counts)
            if not verdict.stopped:
                continue
            keep = verdict.winner or variants[0]
            self._settle(
                plan,
                experiment,
                keep,
                verdict.outcome,
                verdict.reason,
                verdict.statistic,
                verdict.threshold,
            )
            decided += 1
        return decided

    def _settle(
        self,
        plan: PlanResult,
        experiment: Node,
        keep: str,
        outcome: str,
        reason: str,
        statistic: float,
        threshold: float,
    ) -> None:
        p = experiment.properties
        channel_id, audience_id = str(p["channel_id"]), str(p["audience_id"])
        key = f"{experiment.id}|settle"
        try:
            adapter = self.router.adapter(plan.brand_id, channel_id)
        except NoAdapterError as e:
            log.warning("cannot settle %s: %s", experiment.id, e)
            return
        target = Target(channel_id=channel_id, audience_id=audience_id)
        stop = adapter.apply(
            Action(
                kind=ActionKind.STOP_EXPERIMENT,
                target=target.model_copy(update={"experiment_id": experiment.id}),
                idempotency_key=f"{key}|stop",
                plan_id=plan.id,
            )
        )
        push = adapter.apply(
            Action(
                kind=ActionKind.PUSH_ASSET,
                target=target.model_copy(update={"asset_id": keep}),
                idempotency_key=f"{key}|push",
                plan_id=plan.id,
            )
        )
        self.store.update_if(
            experiment.ref,
            {"status": "running"},
            {
                "status": "decided",
                "outcome": outcome,
                "winner": keep,
                "decided_at": self.now().isoformat(),
            },
        )
        if outcome == "winner":
            self.store.update_if(NodeRef(label=Label.ASSET, id=keep), {}, {"winner": True})
        decision_id = decision_id_for(key, "ab_decision")
        record_once(
            self.store,
            DecisionRecord(
                id=decision_id,
                created_at=self.now(),
                kind="ab_decision",
                agent=AGENT,
                brand_id=plan.brand_id,
                algorithm="sequential-mSPRT",
                algorithm_version="msprt-v1",
                rationale=f"{experiment.id}: {reason} (statistic {statistic:.2f}, threshold "
                f"{threshold:.2f}); {keep} stays live.",
                inputs={
                    "experiment_id": experiment.id,
                    "outcome": outcome,
                    "alpha": AB_CONFIG.alpha,
                },
                evidence=[Evidence(ref=experiment.ref, reason="the experiment and its counts")],
                produced_edges=_produced(decision_id, [stop.execution_id, push.execution_id]),
            ),
        )

    # -- drift -----------------------------------------------------------------------------
    def _drift(self, plan: PlanResult, last: date) -> int:
        config = DriftConfig.for_plan(max(1, len(plan.lines)))
        raised: list[Node] = []
        lines: dict[str, tuple[ResponseCurve, list[Observation]]] = {}
        curves: dict[str, Node] = {}
        for line in plan.lines:
            curve_node = self.store.get_node(NodeRef(label=Label.RESPONSE_CURVE, id=line.curve_id))
            if curve_node is None:
                continue
            rows = self.store.aggregate_outcomes(
                OutcomeQuery(
                    brand_id=plan.brand_id,
                    channel_ids=[line.channel_id],
                    audience_ids=[line.audience_id],
                    start=plan.start_date,
                    end=last,
                    group_by=("date", "asset_id"),
                )
            )
            # an A/B winner pushed mid-plan moves the line by its own effect, no drift
            observations = remove_asset_mix(
                [
                    AssetDay(date.fromisoformat(str(t.date)), t.asset_id, t.spend, t.revenue)
                    for t in rows
                    if t.date
                ]
            ).observations
            curves[line.allocation_id] = curve_node
            lines[line.allocation_id] = (ResponseCurve.from_node(curve_node), observations)
        # what moved every channel that day (a sale, a holiday) is not one line's drift
        groups = {ln.allocation_id: ln.channel_id for ln in plan.lines}
        adjusted = remove_common_mode(lines, groups)
        for line in plan.lines:
            seed = f"{plan.family}|{line.channel_id}|{line.audience_id}|drift"
            alert_id = "alert_" + sha256_hex(seed.encode())[:20]
            if line.allocation_id not in lines:
                continue
            if self.store.get_node(NodeRef(label=Label.ALERT, id=alert_id)) is not None:
                continue
            curve_node = curves[line.allocation_id]
            curve = lines[line.allocation_id][0]
            observations = adjusted[line.allocation_id]
            report = detect_drift(curve, observations, config)
            if report.finding is None:
                continue
            alert = self._alert(
                plan,
                line.channel_id,
                line.audience_id,
                line.allocation_id,
                alert_id,
                curve_node,
                f"{report.finding.message} (days on which every channel of the brand moved "
                "are measured against its other channels, and days after an A/B winner "
                "took over at the level of the line's first assets)",
                report.finding.started_on,
                report.finding.detected_on,
                report.finding.ratio,
                last,
            )
            if alert is not None:
                raised.append(alert)
        self._propose(plan, raised, last)
        return len(raised)

    def _alert(
        self,
        plan: PlanResult,
        channel_id: str,
        audience_id: str,
        allocation_id: str,
        alert_id: str,
        curve: Node,
        message: str,
        started: date,
        detected: date,
        ratio: float,
        last: date,
    ) -> Node | None:
        alert = Node(
            label=Label.ALERT,
            id=alert_id,
            properties=clean_properties(
                {
                    "id": alert_id,
                    "kind": "drift",
                    "severity": "critical" if ratio < 0.7 else "warning",
                    "status": "open",
                    "brand_id": plan.brand_id,
                    "plan_id": plan.id,
                    "channel_id": channel_id,
                    "audience_id": audience_id,
                    "message": message,
                    "started_on": started,
                    "detected_on": detected,
                    "ratio": round(ratio, 4),
                    "created_at": self.now(),
                }
            ),
        )
        decision_id = decision_id_for(alert_id, "drift_alert")
        recorded = record_once(
            self.store,
            DecisionRecord(
                id=decision_id,
                created_at=self.now(),
                kind="drift_alert",
                agent=AGENT,
                brand_id=plan.brand_id,
                algorithm="shiryaev-roberts",
                algorithm_version="drift-v1",
                rationale=message,
                inputs={"plan_id": plan.id, "channel_id": channel_id, "audience_id": audience_id},
                evidence=[
                    Evidence(ref=curve.ref, reason="the line's response curve"),
                    Evidence(
                        ref=NodeRef(label=Label.ALLOCATION, id=allocation_id),
                        reason="the plan line",
                    ),
                ],
                produced=[alert],
            ),
        )
        return alert if recorded else None

    def _propose(self, plan: PlanResult, alerts: list[Node], last: date) -> None:
        """One re-plan for the rest of the plan on refitted curves, citing every alert."""
        replan_from = last + timedelta(days=1)
        if self.replan is None or replan_from > plan.end_date or not alerts:
            return
        if any(v["status"] == "pending_approval" and v["id"] != plan.id for v in plan.versions):
            return  # a proposal waits at the gate already
        days_left = (plan.end_date - replan_from).days + 1
        all_days = (plan.end_date - plan.start_date).days + 1
        budget = round(float(plan.budget) * days_left / all_days, 2)
        lines = ", ".join(
            f"{a.properties.get('channel_id')} × {a.properties.get('audience_id')}" for a in alerts
        )
        try:
            self.replan(
                plan.id,
                {"start_date": replan_from.isoformat(), "budget": budget},
                f"drift on {lines}",
                [Evidence(ref=a.ref, score=1.0, reason="a drift alert") for a in alerts],
            )
        except Exception as e:  # a proposal that cannot be made is logged; the alerts stand
            log.warning("re-plan of %s after drift failed: %s", plan.id, e)

    # -- the end ---------------------------------------------------------------------------
    def _complete(self, plan: PlanResult, last: date) -> bool:
        if last < plan.end_date:
            return False
        rows = self.store.aggregate_outcomes(
            OutcomeQuery(
                brand_id=plan.brand_id,
                channel_ids=sorted({ln.channel_id for ln in plan.lines}),
                start=plan.start_date,
                end=plan.end_date,
                group_by=("date",),
            )
        )
        actuals = [
            DailyActual(
                day=date.fromisoformat(str(t.date)),
                spend=t.spend,
                revenue=t.revenue,
                conversions=t.conversions,
            )
            for t in rows
        ]
        report = check_kpis(PlanExpectation.from_kpis(plan.kpis, float(plan.budget)), actuals)
        summary = "; ".join(f"{f.kpi}: {f.status}" for f in report.findings)
        moved = self.store.update_if(
            NodeRef(label=Label.PLAN, id=plan.id),
            {"status": EXECUTING},
            {"status": COMPLETED, "completed_at": self.now().isoformat()},
        )
        if moved is None:
            return False
        record_once(
            self.store,
            DecisionRecord(
                id=decision_id_for(plan.id, "complete"),
                created_at=self.now(),
                kind="complete",
                agent=AGENT,
                brand_id=plan.brand_id,
                algorithm="kpi-window-check",
                algorithm_version="kpi-v1",
                rationale=f"Plan {plan.id} reached its last day: {summary}.",
                inputs={"plan_id": plan.id},
                evidence=[Evidence(ref=NodeRef(label=Label.PLAN, id=plan.id), reason="the plan")],
            ),
        )
        return True

    def _last_day(self, plan: PlanResult) -> date | None:
        rows = self.store.aggregate_outcomes(
            OutcomeQuery(brand_id=plan.brand_id, start=plan.start_date, group_by=("date",))
        )
        days = [date.fromisoformat(str(t.date)) for t in rows if t.date and t.spend > 0]
        return max(days) if days else None


def _produced(decision_id: str, execution_ids: list[str]) -> list[Edge]:
    return [
        Edge(
            src=NodeRef(label=Label.DECISION, id=decision_id),
            type=RelType.PRODUCED,
            dst=NodeRef(label=Label.EXECUTION, id=e),
        )
        for e in execution_ids
    ]
