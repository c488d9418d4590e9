"""What handed-over plans are on a day, and what their executions have spent so far.

One function answers it for every place a plan's status is shown (the plan as answered
by HTTP and the CLI, the plan list, the planning use case, the console through the API),
so they all say the same word for the same plan at the same moment: ``scheduled`` before
its first day, ``running`` on its days, ``completed`` after them or once the validation
agent completed it, each day in the brand's time zone (:func:`graph.views.plan_phase`).

Spend to date is the spend of the outcome rows linked (``RESULT_OF``) to the plan's own
executions, dated up to that day: no other plan on the same lines can add to it. A page
of plans is answered in a fixed number of reads whatever its length (the brands, the
executions of every plan, their linked rows, the rows by batch), never a read per plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from graph.base import GraphStore
from graph.models import NodeRef
from graph.query import In
from graph.schema import Label, RelType
from graph.views import RUN_STATUSES, PlanStatus, PlanView, plan_phase
from graph.zones import time_zone
from reports._graph import moment

__all__ = ["MAX_LINKED", "PlanRun", "plan_runs", "stored_as_of"]

MAX_LINKED = 100_000  # most outcome rows read per execution of a plan
READ_BATCH = 5_000  # nodes per read, for the brands and the outcome rows


@dataclass(frozen=True)
class PlanRun:
    """A plan on one day: its phase, and once handed over its spend so far."""

    plan_id: str
    status: PlanStatus
    today: date  # the day asked about, in the plan's brand's time zone
    start: date
    spend_to_date: float = 0.0
    outcomes: tuple[NodeRef, ...] = ()  # the linked rows the spend adds up

    @property
    def handed_over(self) -> bool:
        return self.status in RUN_STATUSES

    @property
    def run_status(self) -> str | None:
        """scheduled, running or completed once handed over; None before."""
        return self.status.value if self.handed_over else None

    @property
    def scheduled_for(self) -> date | None:
        """The first day, while the plan waits for it."""
        return self.start if self.status is PlanStatus.SCHEDULED else None


def plan_runs(store: GraphStore, plans: Sequence[PlanView], at: datetime) -> dict[str, PlanRun]:
    """Each plan as of the moment ``at``, by plan id (plans without dates are left out)."""
    if at.tzinfo is None:
        raise ValueError(f"plan_runs needs a moment with a zone, not {at.isoformat()}")
    dated = [p for p in plans if p.start_date and p.end_date]
    zones = _zones(store, {p.brand_id for p in dated})
    runs: dict[str, PlanRun] = {}
    for plan in dated:
        start = date.fromisoformat(plan.start_date or "")
        end = date.fromisoformat(plan.end_date or "")
        today = at.astimezone(zones.get(plan.brand_id, UTC)).date()
        phase = plan_phase(stored_as_of(plan, at), start, end, today)
        runs[plan.id] = PlanRun(plan.id, phase, today, start)
    handed = [r for r in runs.values() if r.handed_over]
    for plan_id, (spend, rows) in _linked_spend(store, handed).items():
        run = runs[plan_id]
        runs[plan_id] = PlanRun(run.plan_id, run.status, run.today, run.start, spend, rows)
    return runs


def stored_as_of(plan: PlanView, at: datetime) -> str:
    """The plan's stored status as it was at ``at``: completed only from the moment the
    validation agent completed it (before that it was executing), so a report on an
    earlier day, or a simulation that completed a plan ahead of its days, reads right."""
    if plan.status is PlanStatus.COMPLETED:
        completed = moment(plan.completed_at)
        if completed is not None and completed > at:
            return PlanStatus.EXECUTING.value
    return plan.status.value


def _zones(store: GraphStore, brand_ids: set[str]) -> dict[str, tzinfo]:
    """Each brand's time zone, in one read (UTC for a brand without one or a bad name)."""
    refs = [NodeRef(Label.BRAND, b) for b in sorted(brand_ids)]
    zones: dict[str, tzinfo] = {}
    for i in range(0, len(refs), READ_BATCH):
        for node in store.get_nodes(refs[i : i + READ_BATCH]):
            name = node.properties.get("timezone")
            try:
                zones[node.id] = time_zone(str(name) if name else None)
            except ValueError:  # ingest checks the name; a node written otherwise is UTC
                zones[node.id] = UTC
    return zones


def _linked_spend(
    store: GraphStore, runs: list[PlanRun]
) -> dict[str, tuple[float, tuple[NodeRef, ...]]]:
    """Per plan: the spend of the outcome rows linked to its executions dated up to its
    day, and those rows. A row linked to two executions of one plan (a budget and a launch
    on one line) counts once for it."""
    if not runs:
        return {}
    by_id = {r.plan_id: r for r in runs}
    executions = list(store.find_all(Label.EXECUTION, {"plan_id": In(sorted(by_id))}))
    plan_of = {e.ref: str(e.properties.get("plan_id")) for e in executions}
    linked: dict[str, dict[NodeRef, None]] = {p: {} for p in by_id}
    if executions:
        edges = store.incident_edges(list(plan_of), MAX_LINKED, {RelType.RESULT_OF: "in"})
        for edge in edges:
            if edge.src.label is Label.OUTCOME and edge.dst in plan_of:
                linked[plan_of[edge.dst]][edge.src] = None
    rows = list(dict.fromkeys(ref for refs in linked.values() for ref in refs))
    days: dict[NodeRef, tuple[date, float]] = {}
    for i in range(0, len(rows), READ_BATCH):
        for node in store.get_nodes(rows[i : i + READ_BATCH]):
            day = str(node.properties.get("date") or "")[:10]
            if day:
                days[node.ref] = (date.fromisoformat(day), float(node.properties.get("spend") or 0))
    answer: dict[str, tuple[float, tuple[NodeRef, ...]]] = {}
    for plan_id, refs in linked.items():
        through = by_id[plan_id].today
        used = [r for r in refs if r in days and days[r][0] <= through]
        answer[plan_id] = (round(sum(days[r][1] for r in used), 2), tuple(used))
    return answer
