"""A media plan from the graph: read the brief, fit curves, allocate, explain, record.

``make_plan`` reads the brief (rules, or a chat model that may only repeat what the brief
says), fits the brand's response curves from its outcomes and records them, allocates the
budget over them (:func:`agents.planner.allocate`), retrieves similar past work and writes
the rationale (templated, or by the model, checked to use only the plan's numbers and the
retrieved items), then writes the plan version as one Decision that PRODUCED the Plan, its
Allocations and Tasks and is BASED_ON the curves, the brief and the retrieved items with
their scores. Numbers come from the curves and the optimiser, never from a model.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial

from langchain_core.language_models import BaseChatModel

from agents.curves.curves import curves_from_graph, record_curves
from agents.curves.response_curve import METRICS, ResponseCurve
from agents.curves.response_curve import VERSION as CURVE_VERSION
from agents.curves.settings import DEFAULT as DEFAULT_FIT
from agents.curves.settings import FitSettings
from agents.planner import _forecast, _parts
from agents.planner._brief_apply import apply_brief
from agents.planner._groups import ChannelGroup
from agents.planner._past import past_campaigns
from agents.planner.allocator import VERSION as ALLOCATOR_VERSION
from agents.planner.allocator import Allocation, allocate
from agents.planner.brief import AudienceName, BriefFacts, ChannelName, parse_brief
from agents.planner.cache import CurveCache
from agents.planner.errors import NoCurvesError, UnknownBrandError
from agents.planner.models import (
    APPROVED,
    LINE_FLOOR_PER_DAY,
    PENDING_APPROVAL,
    PlanConstraints,
    PlanLine,
    PlanRequest,
    PlanResult,
)
from agents.planner.narrative import Narrative, write_rationale
from agents.planner.storage import (
    allocation_edges,
    line_node,
    load_plan,
    new_family,
    plan_id_for,
    task_nodes,
    to_result,
)
from graph.base import GraphStore
from graph.models import DecisionRecord, Edge, Evidence, Node, NodeRef, clean_properties, new_id
from graph.schema import Label, RelType
from retrieval.errors import RetrievalError
from retrieval.retriever import ContextItem, HybridRetriever

__all__ = [
    "PlanConstraints",
    "PlanLine",
    "PlanRequest",
    "PlanResult",
    "Version",
    "load_plan",
    "make_plan",
    "to_result",
]

log = logging.getLogger("marketgraph.planner")
AGENT = "planner"
KIND = "plan"
ALGORITHM = "hill-v1+marginal-equalisation"
ALGORITHM_VERSION = f"{CURVE_VERSION}+{ALLOCATOR_VERSION}"
CONTEXT_ITEMS = 5  # retrieved items the rationale may cite
MIN_LINE_SHARE = Decimal("0.01")  # the default minimum line: 1 % of the budget…
# A step run once the plan is known to be possible, before anything is written (the
# orchestrator's research): the evidence it recorded, for the plan's decision to cite.
BeforeRecord = Callable[[], Sequence[Evidence]]


@dataclass(frozen=True)
class Version:
    """Where a new plan version goes: its family, number, predecessor and why it exists."""

    family: str
    number: int = 1
    supersedes: str | None = None
    kind: str = KIND  # "plan", "replan", "edit"
    evidence: Sequence[Evidence] = field(default_factory=tuple)


def make_plan(
    store: GraphStore,
    request: PlanRequest,
    *,
    retriever: HybridRetriever | None = None,
    llm: BaseChatModel | None = None,
    requested_by: str | None = None,
    gated: bool = True,
    version: Version | None = None,
    evidence: Sequence[Evidence] = (),
    cache: CurveCache | None = None,
    line_floor_per_day: Decimal = LINE_FLOOR_PER_DAY,
    before_record: BeforeRecord | None = None,
    now: datetime | None = None,
) -> PlanResult:
    """Plan, record and return one plan version (status pending_approval when ``gated``).

    ``now`` stamps what it records (the plan, its brief, its decision): the orchestrator's
    clock, so a simulated day or a test's clock is the day the plan says it was made.

    With ``cache``, the brand's curves are refitted only when its outcomes changed. No line
    gets less than the request's ``min_line_budget``, by default the larger of 1 % of the
    budget and ``line_floor_per_day`` × the plan's days, cut to the budget when more (the
    plan then runs the single best line and warns ``min_line_above_budget``); the plan's
    ``min_line_budget`` is the minimum kept. ``before_record`` runs once the
    brief is read and the allocation found (every refusal is behind), so a refused plan
    leaves nothing behind; what it returns is cited by the plan's decision.

    Raises:
        UnknownBrandError: no such brand.
        NoCurvesError: the brand (or the chosen channels and audiences) has no outcomes.
        InfeasibleConstraintsError: the constraints cannot all hold (names the channels).
    """
    if store.get_node(NodeRef(label=Label.BRAND, id=request.brand_id)) is None:
        raise UnknownBrandError(request.brand_id)
    fit = partial(_fit, settings=cache.settings if cache else DEFAULT_FIT)
    every = cache.curves(store, request.brand_id, fit) if cache else fit(store, request.brand_id)
    notes: list[str] = []
    llm_calls: dict[str, dict[str, str | None]] = {}
    facts: BriefFacts | None = None
    if request.brief:
        parsed = parse_brief(request.brief, *_names(store, every), llm=llm)
        facts = parsed.facts
        notes.extend(parsed.facts.notes)
        if parsed.model:
            llm_calls["brief"] = {"model": parsed.model, "prompt_digest": parsed.prompt_digest}
    effective = apply_brief(request, facts, notes)
    curves = _select(every, effective)
    if not [c for c in curves if c.metric == effective.objective]:
        raise NoCurvesError(effective.objective)
    asked = min_line_asked(effective, line_floor_per_day)
    min_line = min(asked, effective.budget)
    allocation = allocate(
        curves,
        effective.budget,
        effective.days,
        objective=effective.objective,
        min_by_channel=effective.constraints.min,
        max_by_channel=effective.constraints.max,
        start=effective.start_date,
        min_line=min_line,
        groups=[
            ChannelGroup(tuple(g.channels), g.min, g.max) for g in effective.constraints.groups
        ],
    )
    researched = list(before_record()) if before_record else []
    record_curves(store, every)
    version = version or Version(family=new_family())
    plan_id = plan_id_for(version.family, version.number)
    lines = sorted(
        (_parts.plan_line(ln, effective.objective) for ln in allocation.lines if ln.budget > 0),
        key=lambda ln: (-ln.budget, ln.channel_id, ln.audience_id),
    )
    given = [*version.evidence, *evidence, *researched]
    known_brief = next((e.ref.id for e in given if e.ref.label is Label.BRIEF), None)
    research_id = next((e.ref.id for e in given if e.ref.label is Label.RESEARCH_BRIEF), None)
    own = [e.ref for e in given if e.ref.label in (Label.BRIEF, Label.RESEARCH_BRIEF)]
    context = _context(retriever, effective, notes, own)
    channel_ids = list(dict.fromkeys(ln.channel_id for ln in lines))
    past = past_campaigns(store, context, effective.brand_id, channel_ids)
    context = [*past, *(c for c in context if c.node_id not in {p.node_id for p in past})]
    created_at = now or datetime.now(UTC)
    brief_node = None if known_brief else _brief_node(request, requested_by, created_at)
    brief_ref = brief_node.ref if brief_node else None
    if known_brief:
        brief_ref = NodeRef(label=Label.BRIEF, id=known_brief)
    template = _parts.rationale(allocation, lines, effective, allocation.min_line)
    narrative = write_rationale(
        template,
        _facts_text(template, lines),
        context,
        llm,
        brief=str(brief_ref) if brief_ref else None,
    )
    notes.extend(narrative.notes)
    if narrative.model and narrative.source == "llm":
        llm_calls["rationale"] = {
            "model": narrative.model,
            "prompt_digest": narrative.prompt_digest,
        }
    decision_id = new_id("dec")
    warnings = _warnings(store, effective, allocation, curves, every)
    kept = _forecast.min_line_warning(effective.budget, asked, allocation.min_line, len(lines))
    warnings += [kept] if kept else []
    plan_node = Node(
        label=Label.PLAN,
        id=plan_id,
        properties=clean_properties(
            {
                "id": plan_id,
                "family": version.family,
                "version": version.number,
                "latest_version": 1 if version.number == 1 else None,
                "supersedes": version.supersedes,
                "status": PENDING_APPROVAL if gated else APPROVED,
                "brand_id": effective.brand_id,
                "budget": float(allocation.budget),
                "start_date": effective.start_date,
                "end_date": effective.end_date,
                "days": effective.days,
                "objective": effective.objective,
                "brief": request.brief,
                "brief_id": brief_node.id if brief_node else known_brief,
                "research_id": research_id,
                "request": effective.model_dump(mode="json"),
                "kpis": _parts.kpis(allocation, effective),
                "exit_criteria": json.dumps(
                    _parts.exit_criteria(lines, allocation, effective), sort_keys=True
                ),
                "tasks": json.dumps(_parts.tasks(lines, plan_id), sort_keys=True),
                "rationale": narrative.text,
                "rationale_source": narrative.source,
                "citations": narrative.citations,
                "warnings": json.dumps([w.as_dict() for w in warnings], sort_keys=True),
                "min_line_budget": float(allocation.min_line),
                "decision_id": decision_id,
                "created_by": requested_by,
                "created_at": created_at,
            }
        ),
    )
    line_nodes = [line_node(plan_id, rank, line) for rank, line in enumerate(lines)]
    tasks, task_edges = task_nodes(plan_id, _parts.tasks(lines, plan_id))
    by_pair: dict[str, list[str]] = {}
    for curve in curves:
        by_pair.setdefault(f"{curve.channel_id}|{curve.audience_id}", []).append(curve.id)
    edges = allocation_edges(plan_id, line_nodes, by_pair) + task_edges
    if version.supersedes:
        previous = NodeRef(label=Label.PLAN, id=version.supersedes)
        edges.append(Edge(src=plan_node.ref, type=RelType.SUPERSEDES, dst=previous))
    decision = DecisionRecord(
        id=decision_id,
        kind=version.kind,
        agent=AGENT,
        brand_id=effective.brand_id,
        algorithm=ALGORITHM,
        algorithm_version=ALGORITHM_VERSION,
        rationale=narrative.text,
        inputs={
            "request": request.model_dump(mode="json"),
            "effective": effective.model_dump(mode="json"),
            "brief_facts": facts.model_dump(mode="json") if facts else None,
            "requested_by": requested_by,
            "gated": gated,
            "llm": llm_calls,
            "notes": notes,
            "min_line_budget": str(min_line),
            "min_line_kept": str(allocation.min_line),
            "warnings": [w.code for w in warnings],
        },
        confidence=_parts.confidence(allocation),
        model=", ".join(sorted({str(c["model"]) for c in llm_calls.values()})) or None,
        prompt_digest=_digest(llm_calls),
        evidence=[
            *_curve_evidence(curves, allocation.budget, lines, effective.objective),
            *_context_evidence(context, narrative),
            *([Evidence(ref=brief_node.ref, score=1.0, reason="the brief")] if brief_node else []),
            *version.evidence,
            *evidence,
            *researched,
        ],
        produced=[plan_node, *line_nodes, *tasks, *([brief_node] if brief_node else [])],
        produced_edges=edges,
        created_at=created_at,
    )
    store.record_decision(decision)
    return load_plan(store, plan_id)


def min_line_budget(request: PlanRequest, floor_per_day: Decimal) -> Decimal:
    """The request's minimum line, else the larger of 1 % of the budget and
    ``floor_per_day`` × days (never more than the budget)."""
    return min(min_line_asked(request, floor_per_day), request.budget)


def min_line_asked(request: PlanRequest, floor_per_day: Decimal) -> Decimal:
    """The minimum line before it meets the budget: the request's, else the default (which
    may be more than a small budget; the plan then warns that it was cut)."""
    if request.min_line_budget is not None:
        return request.min_line_budget
    default = max(request.budget * MIN_LINE_SHARE, floor_per_day * request.days)
    return default.quantize(Decimal("0.01"))


def _warnings(
    store: GraphStore,
    request: PlanRequest,
    allocation: Allocation,
    curves: list[ResponseCurve],
    every: list[ResponseCurve],
) -> list[_forecast.PlanWarning]:
    """What the plan should say about its forecasts: lines outside their curves' data, a
    total and a ROAS far from the brand's recent ones (over all its pairs, ``every``)."""
    main = {c.pair: c for c in curves if c.metric == request.objective}
    spends = [
        _forecast.LineSpend(ln.channel_id, ln.audience_id, ln.daily_spend, main[key])
        for ln in allocation.lines
        if ln.budget > 0 and (key := (ln.channel_id, ln.audience_id)) in main
    ]
    roas = allocation.roas.expected if allocation.roas else None
    recent = _forecast.recent_spend(store, request.brand_id, every)
    found = [
        _forecast.outside_warning(spends),
        _forecast.recent_warning(float(allocation.budget), request.days, roas, recent),
        _forecast.roas_warning(roas, recent),
    ]
    return [w for w in found if w is not None]


def _fit(
    store: GraphStore, brand_id: str, settings: FitSettings = DEFAULT_FIT
) -> list[ResponseCurve]:
    curves: list[ResponseCurve] = []
    for metric in METRICS:
        curves.extend(curves_from_graph(store, brand_id, metric=metric, settings=settings))
    return curves


def _select(curves: list[ResponseCurve], request: PlanRequest) -> list[ResponseCurve]:
    """Curves kept to the requested channels and audiences, minus excluded channels."""
    if request.channel_ids is not None:
        channels = set(request.channel_ids)
        curves = [c for c in curves if c.channel_id in channels]
    excluded = set(request.exclude_channels or [])
    curves = [c for c in curves if c.channel_id not in excluded]
    if request.audience_ids is not None:
        audiences = set(request.audience_ids)
        curves = [c for c in curves if c.audience_id in audiences]
    return curves


def _names(
    store: GraphStore, curves: list[ResponseCurve]
) -> tuple[list[ChannelName], list[AudienceName]]:
    """The channels and audiences the brand has curves for, by name (for the brief)."""
    channel_refs = sorted({NodeRef(label=Label.CHANNEL, id=c.channel_id) for c in curves}, key=str)
    audience_refs = sorted(
        {NodeRef(label=Label.AUDIENCE, id=c.audience_id) for c in curves}, key=str
    )
    channels = [
        ChannelName(
            id=n.id,
            name=str(n.properties.get("name", n.id)),
            kind=_opt(n.properties.get("kind")),
        )
        for n in store.get_nodes(channel_refs)
    ]
    audiences = [
        AudienceName(id=n.id, name=str(n.properties.get("name", n.id)))
        for n in store.get_nodes(audience_refs)
    ]
    return channels, audiences


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _context(
    retriever: HybridRetriever | None,
    request: PlanRequest,
    notes: list[str],
    own: Sequence[NodeRef] = (),
) -> list[ContextItem]:
    """Similar past work of the brand for the rationale to cite (none without an index);
    never the plan's ``own`` brief and research brief."""
    if retriever is None:
        return []
    query = request.brief or f"{request.objective} campaign"
    try:
        bundle = retriever.search(
            query, k=CONTEXT_ITEMS, brand_id=request.brand_id, exclude=list(own)
        )
    except RetrievalError as e:
        notes.append(f"no retrieved context: {e}")
        log.warning("planner retrieval failed: %s", e)
        return []
    return bundle.items


def _facts_text(template: str, lines: Sequence[PlanLine]) -> str:
    rows = [
        f"- {ln.channel_id} × {ln.audience_id}: budget {_parts.money(ln.budget)}, expected "
        f"revenue {_parts.money(ln.revenue)}, ROAS {ln.roas:.2f}"
        for ln in lines
    ]
    return template + "\nLines:\n" + "\n".join(rows)


def _curve_evidence(
    curves: Sequence[ResponseCurve], budget: Decimal, lines: Sequence[PlanLine], objective: str
) -> list[Evidence]:
    spent = {(ln.channel_id, ln.audience_id): ln.budget for ln in lines}
    return [
        Evidence(
            ref=NodeRef(label=Label.RESPONSE_CURVE, id=c.id),
            score=round(float(spent.get(c.pair, Decimal(0)) / budget), 6),
            reason=f"{c.metric} curve of {c.channel_id} × {c.audience_id}"
            + (" (objective)" if c.metric == objective else ""),
        )
        for c in curves
    ]


def _context_evidence(context: Sequence[ContextItem], narrative: Narrative) -> list[Evidence]:
    cited = set(narrative.citations)
    out: dict[str, Evidence] = {}
    for item in context:
        if item.node_id in out:
            continue
        reason = item.reason + ("; cited by the rationale" if item.node_id in cited else "")
        out[item.node_id] = Evidence(
            ref=NodeRef.parse(item.node_id), score=item.score, reason=reason
        )
    return list(out.values())


def _brief_node(request: PlanRequest, requested_by: str | None, at: datetime) -> Node | None:
    if not request.brief:
        return None
    brief_id = new_id("brief")
    props = {
        "id": brief_id,
        "brand_id": request.brand_id,
        "text": request.brief,
        "received_at": at,
        "requested_by": requested_by,
    }
    return Node(label=Label.BRIEF, id=brief_id, properties=clean_properties(props))


def _digest(calls: dict[str, dict[str, str | None]]) -> str | None:
    digests = [str(c["prompt_digest"]) for _, c in sorted(calls.items()) if c["prompt_digest"]]
    return "+".join(digests) or None
