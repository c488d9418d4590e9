"""The orchestrator: briefs to plans, gates to runs, events to agents.

It is the one object the API and the CLI talk to. Requests that answer at once (make a
plan, approve it, hand it to execution) run in the caller's thread and leave events
behind; the work that follows (running a plan's tasks, reacting to outcomes) is done by
:meth:`Orchestrator.tick`, which a server calls in a loop and a CLI command calls until
nothing is left. Every piece of state it needs is in the graph, so any number of processes
can tick at once, and a restarted one carries on where the last one stopped.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from langchain_core.language_models import BaseChatModel

import agents.orchestrator.gates as gates
from agents.curves.settings import FitSettings
from agents.orchestrator.clock import Clock, SystemClock, brand_zone, day_of, start_of
from agents.orchestrator.events import LEASE_SECONDS, Event, EventBus
from agents.orchestrator.observers import Observers
from agents.orchestrator.policy import ApprovalPolicy
from agents.orchestrator.runs import RunReport, TaskAgent, advance
from agents.planner.cache import CurveCache
from agents.planner.errors import PlanEndedError, PlannerError, PlanStateError
from agents.planner.models import APPROVED, EXECUTING, SUPERSEDED, PlanRequest, PlanResult
from agents.planner.plan import make_plan
from agents.planner.storage import load_plan
from agents.planner.versions import replan, rollback
from graph.base import GraphStore
from graph.models import DecisionRecord, Evidence, Node, NodeRef, new_id
from graph.schema import Label
from retrieval.retriever import HybridRetriever

log = logging.getLogger("marketgraph.orchestrator")
AGENT = "orchestrator"

# A research step run before planning: (store, brand_id, brief, actor) -> evidence to cite
# (the Brief it recorded and the ResearchBrief); an empty list when research failed. The
# composition root plugs in the research workflow (``workflows.research``).
Research = Callable[[GraphStore, str, str, str | None], list[Evidence]]


@dataclass
class TickReport:
    events: int = 0
    runs: list[RunReport] = field(default_factory=list)

    @property
    def busy(self) -> bool:
        return self.events > 0 or any(r.ran for r in self.runs)


def worker_name() -> str:
    """host:pid:random, so two processes on one host never share a lease."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Orchestrator:
    """Coordinates the planner, the gates and the task agents over one graph."""

    def __init__(
        self,
        store: GraphStore,
        *,
        policy: ApprovalPolicy | None = None,
        agents: Mapping[str, TaskAgent] | None = None,
        retriever: HybridRetriever | None = None,
        llm: BaseChatModel | None = None,
        research: Research | None = None,
        worker: str | None = None,
        lease_seconds: float = LEASE_SECONDS,
        clock: Clock | None = None,
        fit_settings: FitSettings | None = None,
    ) -> None:
        self.store = store
        self.clock: Clock = clock or SystemClock()  # which day it is: when plans may start
        self.policy = policy or ApprovalPolicy()
        self.agents: dict[str, TaskAgent] = dict(agents or {})
        self.retriever = retriever
        self.llm = llm
        self.research = research
        self.worker = worker or worker_name()
        self.lease_seconds = lease_seconds
        self.curves = CurveCache(fit_settings or FitSettings())  # the policy's [curves]
        self.observers = Observers()  # told of every task, handler and plan run (metrics)
        self.bus = EventBus(
            store, self.worker, lease_seconds=lease_seconds, observers=self.observers
        )
        for event_type in ("execution_requested", "task_finished", "approval_recorded"):
            self.bus.subscribe(event_type, self._advance_subject)

    # -- plans -------------------------------------------------------------------------
    def create_plan(self, request: PlanRequest, actor: str | None = None) -> PlanResult:
        """brief_received → (research) → planner → plan_ready; the plan waits at its gate."""
        key = uuid.uuid4().hex
        self.bus.publish(
            Event("brief_received", key, payload={"brand_id": request.brand_id, "by": actor})
        )

        def research() -> list[Evidence]:
            """Run once the plan is known to be possible: a refused plan researches (and
            writes and indexes) nothing."""
            if self.research is None or not request.brief:
                return []
            with self.observers.timed("research") as result:
                found = self.research(self.store, request.brand_id, request.brief, actor)
                if not found:  # the research step answers nothing only when it failed
                    result.append("failed")
            return found

        with self.observers.timed("planner", refused=(PlannerError,)):
            plan = make_plan(
                self.store,
                request,
                retriever=self.retriever,
                llm=self.llm,
                requested_by=actor,
                gated=self.policy.plan.applies(request.budget),
                cache=self.curves,
                line_floor_per_day=self.policy.planner.min_line_per_day,
                before_record=research,
                now=self.clock.now(),
            )
        self.bus.publish(Event("plan_ready", plan.id, subject=f"Plan:{plan.id}"))
        return plan

    def replan(
        self,
        plan_id: str,
        changes: dict[str, Any],
        actor: str | None,
        *,
        reason: str = "re-planned",
        evidence: Sequence[Evidence] = (),
    ) -> PlanResult:
        """A new version of the plan on fresh curves; it waits at the plan gate."""
        budget = changes.get("budget") or load_plan(self.store, plan_id).budget
        with self.observers.timed("planner", refused=(PlannerError,)):
            plan = replan(
                self.store,
                plan_id,
                changes,
                retriever=self.retriever,
                llm=self.llm,
                requested_by=actor,
                gated=self.policy.plan.applies(budget),
                cache=self.curves,
                line_floor_per_day=self.policy.planner.min_line_per_day,
                reason=reason,
                evidence=evidence,
                now=self.clock.now(),
            )
        self.bus.publish(Event("plan_ready", plan.id, subject=f"Plan:{plan.id}"))
        return plan

    def propose_replan(
        self, plan_id: str, changes: dict[str, Any], reason: str, evidence: list[Evidence]
    ) -> str:
        """A re-plan the validation agent proposes (it waits at the gate); its id."""
        return self.replan(plan_id, changes, AGENT, reason=reason, evidence=evidence).id

    def rollback(self, plan_id: str, to_version: int, actor: str | None) -> PlanResult:
        plan = rollback(
            self.store,
            plan_id,
            to_version,
            requested_by=actor,
            gated=self.policy.plan.applies(load_plan(self.store, plan_id).budget),
            now=self.clock.now(),
        )
        self.bus.publish(Event("plan_ready", plan.id, subject=f"Plan:{plan.id}"))
        return plan

    def decide_plan(
        self,
        plan_id: str,
        verdict: gates.Verdict,
        actor: str,
        role: str,
        comment: str | None,
        key_id: str | None = None,
    ) -> PlanResult:
        """An approver's verdict on a plan version waiting at its gate (``key_id``: the
        API key that gave it, recorded on the approval)."""
        plan = load_plan(self.store, plan_id)
        gate = gates.find_gate(self.store, plan.decision_id, self.policy)
        state = gates.decide(
            self.store, gate, verdict, actor, role, comment, key_id=key_id, now=self.clock.now()
        )
        if state.status != gate.subject.properties.get("status"):
            kind = "plan_approved" if state.status == APPROVED else "plan_rejected"
            self.bus.publish(Event(kind, plan_id, subject=f"Plan:{plan_id}"))
        return load_plan(self.store, plan_id)

    def decide(
        self,
        decision_id: str,
        verdict: gates.Verdict,
        actor: str,
        role: str,
        comment: str | None,
        key_id: str | None = None,
    ) -> gates.GateState:
        """An approver's verdict on any gated decision (a plan, a publish, a budget change)."""
        gate = gates.find_gate(self.store, decision_id, self.policy)
        state = gates.decide(
            self.store, gate, verdict, actor, role, comment, key_id=key_id, now=self.clock.now()
        )
        subject = str(gate.subject.ref)
        if gate.subject.label is Label.PLAN:
            if state.status != gate.subject.properties.get("status"):
                kind = "plan_approved" if state.status == APPROVED else "plan_rejected"
                self.bus.publish(Event(kind, gate.subject.id, subject=subject))
        else:
            plan_id = str(gate.subject.properties.get("plan_id"))
            self.bus.publish(
                Event(
                    "approval_recorded",
                    state.approval_id or decision_id,
                    subject=subject,
                    payload={"plan_id": plan_id},
                )
            )
        return state

    def execute(self, plan_id: str, actor: str | None) -> PlanResult:
        """Hand an approved plan to the task agents (409 unless it is approved, or once its
        last day has passed). Its budget and distribution tasks are scheduled for its first
        day in the brand's time zone (``starts_at`` on the Plan node, so a restarted worker
        knows it); content is drafted at once, so the publish gate can pass before then."""
        plan = load_plan(self.store, plan_id)
        if plan.status == EXECUTING:
            return plan  # already handed over: asking again changes nothing
        if plan.status != APPROVED:
            raise PlanStateError(plan_id, plan.status, "execute", [APPROVED])
        now = self.clock.now()
        zone = brand_zone(self.store, plan.brand_id)
        today = day_of(now, zone)
        if today > plan.end_date:
            raise PlanEndedError(plan_id, plan.end_date, today, str(zone))
        decision_id = new_id("dec")
        moved = self.store.update_if(
            NodeRef(label=Label.PLAN, id=plan_id),
            {"status": APPROVED},
            {
                "status": EXECUTING,
                "executed_by": actor,
                "executed_at": now.isoformat(),
                "execute_decision_id": decision_id,
                "starts_at": start_of(plan.start_date, zone).isoformat(),
            },
        )
        if moved is None:
            fresh = load_plan(self.store, plan_id)
            if fresh.status == EXECUTING:
                return fresh
            raise PlanStateError(plan_id, fresh.status, "execute", [APPROVED])
        self._record_execute(plan, decision_id, actor, now, today)
        self._replace_older(moved, self._executing(plan.family), now)
        self.bus.publish(Event("execution_requested", plan_id, subject=f"Plan:{plan_id}"))
        return load_plan(self.store, plan_id)

    # -- the worker ----------------------------------------------------------------------
    def tick(self, now: datetime | None = None) -> TickReport:
        """Handle due events and advance every executing plan once (a plan whose first day
        has come first stops the runs of the versions it replaces)."""
        report = TickReport(events=self.bus.process_pending(now))
        moment = now or self.clock.now()
        executing = list(self.store.find_all(Label.PLAN, {"status": EXECUTING}))
        for plan in executing:
            self._replace_older(plan, executing, moment)
        for plan in executing:
            report.runs.append(self._advance(plan.id, moment))
        return report

    def run_until_idle(self, max_ticks: int = 100) -> list[TickReport]:
        """Tick until a tick does nothing (the CLI and the demo; a server ticks forever)."""
        reports = []
        for _ in range(max_ticks):
            report = self.tick()
            reports.append(report)
            if not report.busy:
                break
        return reports

    # -- internals -----------------------------------------------------------------------
    def _advance(self, plan_id: str, now: datetime | None = None) -> RunReport:
        return advance(
            self.store,
            plan_id,
            self.agents,
            self.policy,
            worker=self.worker,
            publish=self.bus.publish,
            lease_seconds=self.lease_seconds,
            now=now or self.clock.now(),
            observers=self.observers,
        )

    def _advance_subject(self, event: Event) -> None:
        plan_id = event.payload.get("plan_id")
        if plan_id is None and event.subject and event.subject.startswith("Plan:"):
            plan_id = event.subject.removeprefix("Plan:")
        if isinstance(plan_id, str):
            self._advance(plan_id)

    def _record_execute(
        self, plan: PlanResult, decision_id: str, actor: str | None, now: datetime, today: date
    ) -> None:
        approvals = [
            Evidence(ref=NodeRef(label=Label.APPROVAL, id=str(a["id"])), reason="the approval")
            for a in plan.approvals
            if a.get("verdict") == "approved"
        ]
        self.store.record_decision(
            DecisionRecord(
                id=decision_id,
                kind="execute",
                agent=AGENT,
                brand_id=plan.brand_id,
                algorithm="task-graph",
                algorithm_version="runs-v1",
                rationale=f"Plan {plan.id} (version {plan.version}) was approved and handed "
                f"to the {', '.join(sorted({str(t['agent']) for t in plan.tasks}))} agents"
                + (
                    f"; its budgets and launches are scheduled for its first day, "
                    f"{plan.start_date}."
                    if today < plan.start_date
                    else "."
                ),
                inputs={
                    "plan_id": plan.id,
                    "requested_by": actor,
                    "scheduled_for": plan.start_date.isoformat(),
                },
                evidence=[
                    Evidence(ref=NodeRef(label=Label.PLAN, id=plan.id), reason="the plan"),
                    *approvals,
                ],
                created_at=now,
            )
        )

    def _executing(self, family: str) -> list[Node]:
        return list(self.store.find_all(Label.PLAN, {"family": family, "status": EXECUTING}))

    def _replace_older(self, plan: Node, executing: Sequence[Node], now: datetime) -> None:
        """A version handed over stops the runs of the versions of its plan handed over
        before it: those still waiting for their first day at once, a running one only
        when this one starts (its lines keep their budgets until the new ones are set)."""
        p = plan.properties
        family, mine = p.get("family", plan.id), _handed_over(plan)
        begun = _begun(plan, now)
        for other in executing:
            q = other.properties
            if other.id == plan.id or q.get("family", other.id) != family:
                continue
            if _handed_over(other) >= mine or not (begun or not _begun(other, now)):
                continue
            self.store.update_if(
                other.ref, {"status": EXECUTING}, {"status": SUPERSEDED, "superseded_by": plan.id}
            )


def _handed_over(plan: Node) -> tuple[str, int]:
    """When a version was handed to execution (its version number breaks a tie)."""
    p = plan.properties
    return str(p.get("executed_at") or ""), int(p.get("version", 1))


def _begun(plan: Node, now: datetime) -> bool:
    """Whether the version's first day has begun; one handed over before plans were
    scheduled by day (no ``starts_at``) has."""
    starts = plan.properties.get("starts_at")
    return starts is None or datetime.fromisoformat(str(starts)) <= now
