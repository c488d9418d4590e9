"""The closed loop on the sandbox: brief → plan → approve → execute → outcomes → validate.

``run_cycle`` plays one planning cycle as a team would with the service: the planner makes
a plan from the brief, an approver approves it, the agents execute it (the approver also
passes the publish gate of the drafted variants), then the sandbox market produces the
days' outcomes a week at a time through the normal ingest path, and after each week the
validation agent decides A/B tests, watches for drift and, when a line drifts, proposes a
re-plan, which the approver approves and the agents execute for the days left. The next
cycle plans on curves refitted from everything that happened. Used by ``marketgraph demo``
and the closed-loop benchmark.

The loop plays days, so it moves the orchestrator's clock with them (a
:class:`~agents.orchestrator.clock.ManualClock`, installed if the orchestrator has
another): each cycle is planned and handed over as its first day begins, and each week's
outcomes are in as the next day begins, so budgets are set on the day a plan starts, as
they would be by a server's worker. (The start of the day, not later: the demo's first
cycle starts today, and its plan must not look handed over in the future.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from agents.orchestrator import Event, Orchestrator
from agents.orchestrator.clock import ManualClock, brand_zone, start_of
from agents.orchestrator.gates import waiting
from agents.planner.models import APPROVED, PENDING_APPROVAL, PlanRequest
from agents.planner.storage import load_plan
from demo.sandbox import SandboxMarket, simulate_and_ingest
from graph.models import OutcomeQuery
from graph.schema import Label
from ingest.pipeline import OnWritten

WEEK = 7


@dataclass
class CycleReport:
    """What one cycle spent and earned, and what the agents decided along the way."""

    cycle: int
    start: date
    end: date
    plan_ids: list[str]
    budget: float
    spend: float = 0.0
    revenue: float = 0.0
    alerts: list[str] = field(default_factory=list)
    ab_decisions: int = 0
    replans: int = 0

    @property
    def roas(self) -> float:
        return self.revenue / self.spend if self.spend > 0 else 0.0


def run_cycle(
    orchestrator: Orchestrator,
    market: SandboxMarket,
    *,
    cycle: int,
    start: date,
    days: int,
    budget: Decimal,
    brief: str | None = None,
    planner: str = "demo-planner",
    approver: str = "demo-approver",
    follow_replans: bool = True,
    on_written: OnWritten | None = None,
) -> CycleReport:
    """Plan, approve, execute and simulate one cycle of ``days`` days from ``start``."""
    end = start + timedelta(days=days - 1)
    clock = simulated_clock(orchestrator)
    zone = brand_zone(orchestrator.store, market.truth.brand_id)
    clock.set(start_of(start, zone))
    request = PlanRequest.model_validate(
        {
            "brand_id": market.truth.brand_id,
            "budget": str(budget),
            "start_date": start,
            "end_date": end,
            "brief": brief,
        }
    )
    plan = orchestrator.create_plan(request, planner)
    report = CycleReport(
        cycle=cycle, start=start, end=end, plan_ids=[plan.id], budget=float(budget)
    )
    _approve_and_execute(orchestrator, plan.id, planner, approver)
    day = start
    while day <= end:
        span = min(WEEK, (end - day).days + 1)
        run = simulate_and_ingest(market, day, span, on_written=on_written)
        clock.set(start_of(day + timedelta(days=span), zone))
        orchestrator.bus.publish(
            Event(
                "outcomes_ingested", run.report.run_id, payload={"brand_id": market.truth.brand_id}
            )
        )
        orchestrator.run_until_idle()
        day += timedelta(days=span)
        if follow_replans and day <= end:
            for proposal in _proposals(orchestrator, report.plan_ids[-1]):
                report.replans += 1
                report.plan_ids.append(proposal)
                _approve_and_execute(orchestrator, proposal, planner, approver)
    _account(orchestrator, report)
    return report


def simulated_clock(orchestrator: Orchestrator) -> ManualClock:
    """The orchestrator's clock as one the loop can move (installed over any other)."""
    if not isinstance(orchestrator.clock, ManualClock):
        orchestrator.clock = ManualClock(orchestrator.clock.now())
    return orchestrator.clock


def _approve_and_execute(orch: Orchestrator, plan_id: str, planner: str, approver: str) -> None:
    if load_plan(orch.store, plan_id).status == PENDING_APPROVAL:
        orch.decide_plan(plan_id, "approved", approver, "approver", "approved in the demo")
    if load_plan(orch.store, plan_id).status == APPROVED:
        orch.execute(plan_id, planner)
    orch.run_until_idle()
    for _ in range(5):  # the publish gates of the drafted variants
        gated = [
            g
            for g in waiting(orch.store, orch.policy)
            if g["subject"].startswith(f"Task:{plan_id}.")
        ]
        if not gated:
            break
        for gate in gated:
            orch.decide(str(gate["decision_id"]), "approved", approver, "approver", "on brand")
        orch.run_until_idle()


def _proposals(orch: Orchestrator, plan_id: str) -> list[str]:
    """Versions of the plan's family the validation agent proposed, waiting at the gate."""
    plan = load_plan(orch.store, plan_id)
    return [
        str(v["id"])
        for v in plan.versions
        if v["status"] == PENDING_APPROVAL and v["id"] != plan_id
    ]


def _account(orch: Orchestrator, report: CycleReport) -> None:
    store = orch.store
    plan = load_plan(store, report.plan_ids[0])
    rows = store.aggregate_outcomes(
        OutcomeQuery(
            brand_id=plan.brand_id, start=report.start, end=report.end, group_by=("channel_id",)
        )
    )
    report.spend = round(sum(t.spend for t in rows), 2)
    report.revenue = round(sum(t.revenue for t in rows), 2)
    for plan_id in report.plan_ids:
        report.alerts.extend(
            str(a.properties.get("message", a.id))
            for a in store.find_all(Label.ALERT, {"plan_id": plan_id})
        )
        report.ab_decisions += sum(
            1
            for e in store.find_all(Label.EXPERIMENT, {"plan_id": plan_id})
            if e.properties.get("status") == "decided"
        )
