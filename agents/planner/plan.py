"""A first deterministic media plan: fit curves, allocate the budget, record one decision.

``make_plan`` fits the brand's response curves from the outcomes in the graph, records them
as ResponseCurve nodes, allocates the budget over them (:func:`agents.planner.allocate`) and
writes, in one decision, the Plan node and one Allocation node per line. The numbers come
from the fitted curves and the optimiser; the tasks, KPIs, exit criteria and rationale are
templated from those numbers, so the same graph and request give the same plan (except for
the fresh ids). ``load_plan`` reads a plan back through the decision's PRODUCED edges.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, Field, model_validator

from agents.planner.allocator import VERSION as ALLOCATOR_VERSION
from agents.planner.allocator import Allocation, AllocationLine, Estimate, allocate
from agents.planner.curves import curves_from_graph, record_curves
from agents.planner.errors import NoCurvesError
from agents.planner.response_curve import CONFIDENCE, METRICS, ResponseCurve
from agents.planner.response_curve import VERSION as CURVE_VERSION
from graph.base import GraphStore
from graph.errors import NodeNotFoundError
from graph.models import DecisionRecord, Evidence, Node, NodeRef, clean_properties
from graph.schema import Label, RelType

AGENT = "planner"
KIND = "plan"
ALGORITHM = "hill-v1+marginal-equalisation"
ALGORITHM_VERSION = f"{CURVE_VERSION}+{ALLOCATOR_VERSION}"
EXIT_AFTER_DAYS = 7  # a line is judged on its first week
EXIT_FRACTION = 0.5  # … and stopped below half of its expected low
TOP_LINES = 3  # lines cited by the rationale
MAX_LINES = 1000  # most PRODUCED edges read back for one plan

Amount = Annotated[Decimal, Field(ge=0, decimal_places=2)]


class PlanConstraints(BaseModel):
    """Per-channel totals over the whole period."""

    min: dict[str, Amount] = Field(
        default_factory=dict, description="channel_id -> least amount spent on that channel"
    )
    max: dict[str, Amount] = Field(
        default_factory=dict, description="channel_id -> most amount spent on that channel"
    )


class PlanRequest(BaseModel):
    """What a plan is asked for: a brand, a budget and dates, and optional limits."""

    brand_id: str = Field(min_length=1, description="the brand whose outcomes the curves fit")
    budget: Decimal = Field(gt=0, decimal_places=2, description="total budget of the period")
    start_date: date = Field(description="first day of the plan (inclusive)")
    end_date: date = Field(description="last day of the plan (inclusive)")
    objective: Literal["revenue", "conversions"] = Field(
        default="revenue", description="what the allocation maximises"
    )
    brief: str | None = Field(default=None, max_length=10_000, description="the brief, in words")
    channel_ids: list[str] | None = Field(default=None, description="only these channels")
    audience_ids: list[str] | None = Field(default=None, description="only these audiences")
    constraints: PlanConstraints = Field(
        default_factory=PlanConstraints, description="per-channel minimums and maximums"
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.end_date < self.start_date:
            raise ValueError("end_date must not be before start_date")
        return self

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1


@dataclass(frozen=True)
class PlanLine:
    """One channel × audience line of a plan; ``low``/``high`` bound the objective."""

    channel_id: str
    audience_id: str
    budget: Decimal
    revenue: float
    conversions: float
    roas: float
    low: float
    high: float
    curve_id: str
    thin: bool


@dataclass(frozen=True)
class PlanResult:
    """A plan as stored: the Plan node's facts and its lines, by budget descending."""

    id: str
    version: int
    status: str
    brand_id: str
    budget: Decimal
    start_date: date
    end_date: date
    objective: str
    lines: tuple[PlanLine, ...]
    tasks: list[dict[str, Any]]
    kpis: dict[str, Any]
    exit_criteria: list[dict[str, Any]]
    rationale: str
    decision_id: str
    created_at: str


def make_plan(store: GraphStore, request: PlanRequest) -> PlanResult:
    """Fit, record and allocate; write the plan and its lines as one decision.

    Raises:
        NoCurvesError: the brand (or the chosen channels and audiences) has no outcomes.
        InfeasibleConstraintsError: the constraints cannot all hold (names the channels).
    """
    curves = _fit(store, request)
    main = [c for c in curves if c.metric == request.objective]
    if not main:
        raise NoCurvesError(request.objective)
    record_curves(store, curves)
    allocation = allocate(
        curves,
        request.budget,
        request.days,
        objective=request.objective,
        min_by_channel=request.constraints.min,
        max_by_channel=request.constraints.max,
        start=request.start_date,
    )
    plan_id = f"plan_{uuid.uuid4().hex}"
    lines = sorted(
        (_plan_line(line, request.objective) for line in allocation.lines if line.budget > 0),
        key=lambda ln: (-ln.budget, ln.channel_id, ln.audience_id),
    )
    kpis = _kpis(allocation, request)
    exits = _exit_criteria(lines, allocation, request)
    tasks = _tasks(lines, plan_id)
    rationale = _rationale(allocation, lines, request)
    created_at = datetime.now(UTC)
    decision = DecisionRecord(
        kind=KIND,
        agent=AGENT,
        algorithm=ALGORITHM,
        algorithm_version=ALGORITHM_VERSION,
        rationale=rationale,
        inputs=request.model_dump(mode="json"),
        confidence=_confidence(allocation),
        evidence=[
            Evidence(
                ref=NodeRef(label=Label.RESPONSE_CURVE, id=line.curve_id),
                score=round(float(line.budget / allocation.budget), 6),
                reason=f"{request.objective} curve of {line.channel_id} × {line.audience_id}",
            )
            for line in allocation.lines
        ],
        created_at=created_at,
    )
    plan_node = Node(
        label=Label.PLAN,
        id=plan_id,
        properties=clean_properties(
            {
                "id": plan_id,
                "version": 1,
                "status": "draft",
                "brand_id": request.brand_id,
                "budget": float(allocation.budget),
                "start_date": request.start_date,
                "end_date": request.end_date,
                "days": request.days,
                "objective": request.objective,
                "brief": request.brief,
                "kpis": kpis,
                "exit_criteria": json.dumps(exits, sort_keys=True),
                "tasks": json.dumps(tasks, sort_keys=True),
                "rationale": rationale,
                "decision_id": decision.id,
                "created_at": created_at,
            }
        ),
    )
    line_nodes = [_line_node(plan_id, rank, line) for rank, line in enumerate(lines)]
    store.record_decision(decision.model_copy(update={"produced": [plan_node, *line_nodes]}))
    return _result(plan_node, line_nodes)


def load_plan(store: GraphStore, plan_id: str) -> PlanResult:
    """The plan and its lines, read through its decision; NodeNotFoundError when absent."""
    plan_ref = NodeRef(label=Label.PLAN, id=plan_id)
    plan_node = store.get_node(plan_ref)
    if plan_node is None:
        raise NodeNotFoundError(plan_id, Label.PLAN.value)
    into = store.incident_edges([plan_ref], 10, {RelType.PRODUCED: "in"})
    decisions = sorted((e.src for e in into if e.src.label == Label.DECISION), key=str)
    out = store.incident_edges(decisions[:1], MAX_LINES, {RelType.PRODUCED: "out"})
    refs = [e.dst for e in out if e.dst.label == Label.ALLOCATION]
    line_nodes = [n for n in store.get_nodes(refs) if n.properties.get("plan_id") == plan_id]
    line_nodes.sort(key=lambda n: int(n.properties.get("rank", 0)))
    return _result(plan_node, line_nodes)


# -- building blocks ------------------------------------------------------------------------
def _fit(store: GraphStore, request: PlanRequest) -> list[ResponseCurve]:
    """Curves of both metrics for the brand, kept to the requested channels and audiences."""
    curves: list[ResponseCurve] = []
    for metric in METRICS:
        curves.extend(curves_from_graph(store, request.brand_id, metric=metric))
    if request.channel_ids is not None:
        channels = set(request.channel_ids)
        curves = [c for c in curves if c.channel_id in channels]
    if request.audience_ids is not None:
        audiences = set(request.audience_ids)
        curves = [c for c in curves if c.audience_id in audiences]
    return curves


def _value(estimate: Estimate | None) -> tuple[float, float, float]:
    if estimate is None:
        return 0.0, 0.0, 0.0
    return estimate.expected, estimate.low, estimate.high


def _plan_line(line: AllocationLine, objective: str) -> PlanLine:
    revenue, rev_low, rev_high = _value(line.revenue)
    conversions, conv_low, conv_high = _value(line.conversions)
    roas, _, _ = _value(line.roas)
    low, high = (rev_low, rev_high) if objective == "revenue" else (conv_low, conv_high)
    return PlanLine(
        channel_id=line.channel_id,
        audience_id=line.audience_id,
        budget=line.budget,
        revenue=round(revenue, 2),
        conversions=round(conversions, 2),
        roas=round(roas, 4),
        low=round(low, 2),
        high=round(high, 2),
        curve_id=line.curve_id,
        thin=line.thin,
    )


def _line_node(plan_id: str, rank: int, line: PlanLine) -> Node:
    node_id = f"alloc_{uuid.uuid4().hex}"
    props = {
        "id": node_id,
        "plan_id": plan_id,
        "rank": rank,
        "channel_id": line.channel_id,
        "audience_id": line.audience_id,
        "budget": float(line.budget),
        "expected_revenue": line.revenue,
        "expected_conversions": line.conversions,
        "expected_roas": line.roas,
        "expected_low": line.low,
        "expected_high": line.high,
        "curve_id": line.curve_id,
        "thin": line.thin,
    }
    return Node(label=Label.ALLOCATION, id=node_id, properties=clean_properties(props))


def _confidence(allocation: Allocation) -> float:
    """Share of the budget on lines whose curves rest on enough days (not thin)."""
    solid = sum((ln.budget for ln in allocation.lines if not ln.thin), Decimal(0))
    return round(float(solid / allocation.budget), 4)


def _kpis(allocation: Allocation, request: PlanRequest) -> dict[str, Any]:
    revenue, rev_low, rev_high = _value(allocation.revenue)
    conversions, conv_low, conv_high = _value(allocation.conversions)
    roas, roas_low, roas_high = _value(allocation.roas)
    return {
        "objective": request.objective,
        "confidence_level": CONFIDENCE,
        "window": {
            "start_date": request.start_date.isoformat(),
            "end_date": request.end_date.isoformat(),
            "days": request.days,
        },
        "target_revenue": round(revenue, 2),
        "revenue_low": round(rev_low, 2),
        "revenue_high": round(rev_high, 2),
        "target_conversions": round(conversions, 2),
        "conversions_low": round(conv_low, 2),
        "conversions_high": round(conv_high, 2),
        "target_roas": round(roas, 4),
        "roas_low": round(roas_low, 4),
        "roas_high": round(roas_high, 4),
    }


def _exit_criteria(
    lines: list[PlanLine], allocation: Allocation, request: PlanRequest
) -> list[dict[str, Any]]:
    after = min(EXIT_AFTER_DAYS, request.days)
    criteria: list[dict[str, Any]] = []
    for line in lines:
        expected_low = line.low / float(line.budget)  # objective per unit spent, low end
        metric = "roas" if request.objective == "revenue" else "conversions_per_spend"
        criteria.append(
            {
                "scope": "line",
                "channel_id": line.channel_id,
                "audience_id": line.audience_id,
                "metric": metric,
                "after_days": after,
                "below": round(EXIT_FRACTION * expected_low, 6),
                "action": "stop_line",
                "reason": f"{metric} under {EXIT_FRACTION:.0%} of the expected low "
                f"after {after} days",
            }
        )
    _, roas_low, _ = _value(allocation.roas)
    criteria.append(
        {
            "scope": "plan",
            "metric": "roas",
            "after_days": min(2 * EXIT_AFTER_DAYS, request.days),
            "below": round(EXIT_FRACTION * roas_low, 6),
            "action": "review_plan",
            "reason": "plan ROAS under half of the expected low: re-plan with fresh curves",
        }
    )
    return criteria


def _tasks(lines: list[PlanLine], plan_id: str) -> list[dict[str, Any]]:
    """Content and distribution per channel, budgets first, pacing watched last."""
    channels = sorted({ln.channel_id for ln in lines})
    tasks: list[dict[str, Any]] = [
        {
            "id": "budget-setup",
            "agent": "budget",
            "action": "set the line budgets and daily caps",
            "channel_id": None,
            "depends_on": [],
        }
    ]
    for ch in channels:
        audiences = sorted(ln.audience_id for ln in lines if ln.channel_id == ch)
        tasks.append(
            {
                "id": f"content-{ch}",
                "agent": "content",
                "action": f"produce assets for {ch} ({', '.join(audiences)})",
                "channel_id": ch,
                "depends_on": [],
            }
        )
    for ch in channels:
        tasks.append(
            {
                "id": f"distribution-{ch}",
                "agent": "distribution",
                "action": f"schedule and launch {ch}",
                "channel_id": ch,
                "depends_on": ["budget-setup", f"content-{ch}"],
            }
        )
    tasks.append(
        {
            "id": "budget-monitor",
            "agent": "budget",
            "action": f"watch pacing and apply the exit criteria of {plan_id}",
            "channel_id": None,
            "depends_on": [f"distribution-{ch}" for ch in channels],
        }
    )
    return tasks


def _money(amount: Decimal | float) -> str:
    return f"{Decimal(str(amount)).quantize(Decimal('0.01')):,}"


def _rationale(allocation: Allocation, lines: list[PlanLine], request: PlanRequest) -> str:
    revenue, rev_low, rev_high = _value(allocation.revenue)
    roas, _, _ = _value(allocation.roas)
    top = "; ".join(
        f"{ln.channel_id} × {ln.audience_id} {_money(ln.budget)} "
        f"({float(ln.budget / allocation.budget):.0%}, expected ROAS {ln.roas:.2f})"
        for ln in lines[:TOP_LINES]
    )
    text = (
        f"Allocated {_money(allocation.budget)} over {request.days} days "
        f"({request.start_date.isoformat()} to {request.end_date.isoformat()}) across "
        f"{len(lines)} channel × audience lines of {request.brand_id} to maximise "
        f"{request.objective}, by equalising marginal returns on fitted Hill curves. "
        f"Top lines: {top}. Expected revenue {_money(revenue)} "
        f"({CONFIDENCE:.0%} interval {_money(rev_low)} to {_money(rev_high)}), "
        f"ROAS {roas:.2f}."
    )
    bounds = [f"{ch} at least {_money(v)}" for ch, v in sorted(request.constraints.min.items())]
    bounds += [f"{ch} at most {_money(v)}" for ch, v in sorted(request.constraints.max.items())]
    if bounds:
        text += f" Constraints: {', '.join(bounds)}."
    if allocation.exploration_budget > 0:
        text += (
            f" {_money(allocation.exploration_budget)} is reserved to explore pairs "
            "with thin history."
        )
    return text


def _result(plan: Node, line_nodes: list[Node]) -> PlanResult:
    p = plan.properties
    lines = tuple(
        PlanLine(
            channel_id=str(n.properties["channel_id"]),
            audience_id=str(n.properties["audience_id"]),
            budget=Decimal(str(n.properties["budget"])).quantize(Decimal("0.01")),
            revenue=float(n.properties.get("expected_revenue", 0.0)),
            conversions=float(n.properties.get("expected_conversions", 0.0)),
            roas=float(n.properties.get("expected_roas", 0.0)),
            low=float(n.properties.get("expected_low", 0.0)),
            high=float(n.properties.get("expected_high", 0.0)),
            curve_id=str(n.properties.get("curve_id", "")),
            thin=bool(n.properties.get("thin", False)),
        )
        for n in line_nodes
    )
    return PlanResult(
        id=plan.id,
        version=int(p.get("version", 1)),
        status=str(p.get("status", "draft")),
        brand_id=str(p["brand_id"]),
        budget=Decimal(str(p["budget"])).quantize(Decimal("0.01")),
        start_date=date.fromisoformat(str(p["start_date"])),
        end_date=date.fromisoformat(str(p["end_date"])),
        objective=str(p["objective"]),
        lines=lines,
        tasks=json.loads(str(p.get("tasks", "[]"))),
        kpis=json.loads(str(p.get("kpis", "{}"))),
        exit_criteria=json.loads(str(p.get("exit_criteria", "[]"))),
        rationale=str(p.get("rationale", "")),
        decision_id=str(p.get("decision_id", "")),
        created_at=str(p.get("created_at", "")),
    )
