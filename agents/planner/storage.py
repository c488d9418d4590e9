"""Plans in the graph: the nodes and edges one plan version is written as, and reading back.

A version is a Plan node (``family`` names the plan across versions, ``version`` counts
them) with Allocation and Task nodes PART_OF it. Each Allocation is BASED_ON the curves it
was estimated from, each Task DEPENDS_ON the tasks before it, and a later version
SUPERSEDES the one it replaces. All of them are PRODUCED by the version's Decision, and the
gate's Approval APPROVES (or REJECTS) that decision, so from an allocation lineage reaches
its curves, their outcome rows and the approval.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from agents.planner.models import (
    SCHEDULED_AGENTS,
    PlanLine,
    PlanResult,
)
from graph.base import GraphStore
from graph.errors import NodeNotFoundError
from graph.models import Edge, Node, NodeRef, clean_properties
from graph.query import Condition, In, Range
from graph.schema import Label, RelType
from graph.views import STORED_PLAN_STATUSES, AllocationView

MAX_LINES = 1000  # most allocations read back for one plan


def plan_id_for(family: str, version: int) -> str:
    """Version 1 keeps the family id; later versions add ``-vN``."""
    return family if version == 1 else f"{family}-v{version}"


def new_family() -> str:
    return f"plan_{uuid.uuid4().hex}"


def line_node(plan_id: str, rank: int, line: PlanLine) -> Node:
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


def task_nodes(plan_id: str, tasks: Sequence[dict[str, Any]]) -> tuple[list[Node], list[Edge]]:
    """Task nodes (id ``PLAN.KEY``, status pending) PART_OF the plan, with DEPENDS_ON edges."""
    plan_ref = NodeRef(label=Label.PLAN, id=plan_id)
    nodes: list[Node] = []
    edges: list[Edge] = []
    for task in tasks:
        task_id = f"{plan_id}.{task['id']}"
        depends = [f"{plan_id}.{d}" for d in task.get("depends_on", [])]
        props = {
            **{k: v for k, v in task.items() if k not in ("id", "depends_on")},
            "id": task_id,
            "key": task["id"],
            "plan_id": plan_id,
            "depends_on": depends,
            "status": "pending",
            "attempts": 0,
        }
        node = Node(label=Label.TASK, id=task_id, properties=clean_properties(props))
        nodes.append(node)
        edges.append(Edge(src=node.ref, type=RelType.PART_OF, dst=plan_ref))
        for dep in depends:
            dst = NodeRef(label=Label.TASK, id=dep)
            edges.append(Edge(src=node.ref, type=RelType.DEPENDS_ON, dst=dst))
    return nodes, edges


def allocation_edges(
    plan_id: str, lines: Sequence[Node], curves: dict[str, list[str]]
) -> list[Edge]:
    """PART_OF the plan, and BASED_ON every curve of the line's pair (both metrics)."""
    plan_ref = NodeRef(label=Label.PLAN, id=plan_id)
    edges = []
    for node in lines:
        edges.append(Edge(src=node.ref, type=RelType.PART_OF, dst=plan_ref))
        pair = f"{node.properties['channel_id']}|{node.properties['audience_id']}"
        for curve_id in curves.get(pair, []):
            dst = NodeRef(label=Label.RESPONSE_CURVE, id=curve_id)
            edges.append(Edge(src=node.ref, type=RelType.BASED_ON, dst=dst))
    return edges


def load_plan(store: GraphStore, plan_id: str) -> PlanResult:
    """A plan version with its lines, tasks, versions and approvals; NodeNotFoundError if absent."""
    plan_ref = NodeRef(label=Label.PLAN, id=plan_id)
    plan = store.get_node(plan_ref)
    if plan is None:
        raise NodeNotFoundError(plan_id, Label.PLAN.value)
    parts = store.incident_edges([plan_ref], MAX_LINES * 2, {RelType.PART_OF: "in"})
    refs = [e.src for e in parts]
    members = store.get_nodes(refs)
    lines = sorted(
        (n for n in members if n.label is Label.ALLOCATION),
        key=lambda n: AllocationView.from_node(n).rank,
    )
    tasks = [n for n in members if n.label is Label.TASK]
    return to_result(plan, lines, tasks, versions(store, plan), approvals(store, plan))


def versions(store: GraphStore, plan: Node) -> list[dict[str, Any]]:
    """Every version of the plan's family, oldest first, with its status."""
    family = str(plan.properties.get("family", plan.id))
    nodes = list(store.find_all(Label.PLAN, {"family": family}))
    nodes.sort(key=lambda n: int(n.properties.get("version", 1)))
    return [
        {
            "id": n.id,
            "version": int(n.properties.get("version", 1)),
            "status": str(n.properties.get("status", "")),
            "created_at": str(n.properties.get("created_at", "")),
            "decision_id": str(n.properties.get("decision_id", "")),
        }
        for n in nodes
    ]


def approvals(store: GraphStore, plan: Node) -> list[dict[str, Any]]:
    """Approvals and rejections recorded against the plan's decision, oldest first."""
    decision_id = plan.properties.get("decision_id")
    if not isinstance(decision_id, str):
        return []
    ref = NodeRef(label=Label.DECISION, id=decision_id)
    edges = store.incident_edges([ref], 100, {RelType.APPROVES: "in", RelType.REJECTS: "in"})
    nodes = store.get_nodes([e.src for e in edges])
    out = [
        {
            k: n.properties.get(k)
            for k in ("id", "verdict", "approver", "key_id", "role", "comment", "created_at")
        }
        for n in nodes
    ]
    out.sort(key=lambda a: str(a.get("created_at", "")))
    return out


def to_result(
    plan: Node,
    line_nodes: Sequence[Node],
    task_nodes_: Sequence[Node],
    versions_: list[dict[str, Any]],
    approvals_: list[dict[str, Any]],
) -> PlanResult:
    p = plan.properties
    lines = tuple(_line(n) for n in line_nodes)
    order = {t["id"]: i for i, t in enumerate(json.loads(str(p.get("tasks", "[]"))))}
    tasks = sorted(
        (_task(n) for n in task_nodes_), key=lambda t: (order.get(t["id"], 10**6), t["id"])
    )
    starts_at = _opt(p.get("starts_at"))
    for task in tasks:
        if starts_at is not None and task["agent"] in SCHEDULED_AGENTS:
            task["not_before"] = starts_at  # it waits for the plan's first day
    return PlanResult(
        id=plan.id,
        version=int(p.get("version", 1)),
        status=str(p.get("status", "")),
        brand_id=str(p["brand_id"]),
        budget=Decimal(str(p["budget"])).quantize(Decimal("0.01")),
        start_date=date.fromisoformat(str(p["start_date"])),
        end_date=date.fromisoformat(str(p["end_date"])),
        objective=str(p["objective"]),
        lines=lines,
        tasks=tasks,
        kpis=json.loads(str(p.get("kpis", "{}"))),
        exit_criteria=json.loads(str(p.get("exit_criteria", "[]"))),
        rationale=str(p.get("rationale", "")),
        decision_id=str(p.get("decision_id", "")),
        created_at=str(p.get("created_at", "")),
        family=str(p.get("family", plan.id)),
        created_by=_opt(p.get("created_by")),
        supersedes=_opt(p.get("supersedes")),
        brief_id=_opt(p.get("brief_id")),
        research_id=_opt(p.get("research_id")),
        citations=[str(c) for c in p.get("citations", []) or []],
        versions=versions_,
        approvals=approvals_,
        starts_at=starts_at,
        warnings=json.loads(str(p.get("warnings", "[]"))),
        min_line_budget=_amount(p.get("min_line_budget")),
    )


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _amount(value: object) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


def _task(node: Node) -> dict[str, Any]:
    p = node.properties
    out: dict[str, Any] = {
        "id": str(p.get("key", node.id)),
        "node_id": node.id,
        "agent": p.get("agent"),
        "action": p.get("action"),
        "channel_id": p.get("channel_id"),
        "depends_on": [
            str(d).removeprefix(f"{p.get('plan_id')}.") for d in p.get("depends_on", []) or []
        ],
        "sla_hours": p.get("sla_hours"),
        "status": p.get("status"),
    }
    for key in ("audience_ids", "detail", "decision_id", "finished_at"):
        if key in p:
            out[key] = p[key]
    return out


def _line(n: Node) -> PlanLine:
    a = AllocationView.from_node(n)
    return PlanLine(
        channel_id=a.channel_id,
        audience_id=a.audience_id,
        budget=Decimal(str(a.budget)).quantize(Decimal("0.01")),
        revenue=a.expected_revenue,
        conversions=a.expected_conversions,
        roas=a.expected_roas,
        low=a.expected_low,
        high=a.expected_high,
        curve_id=a.curve_id,
        thin=a.thin,
        allocation_id=a.id,
    )


STATUSES = tuple(s.value for s in STORED_PLAN_STATUSES)  # what a Plan node can hold


def list_plans(
    store: GraphStore,
    brands: Sequence[str] | None = None,
    status: str | Sequence[str] | None = None,
    limit: int = 100,
    *,
    offset: int = 0,
    dates: Mapping[str, Range] | None = None,
) -> list[Node]:
    """Plan versions of ``brands`` (None: every brand) with ``status`` (or one of several),
    newest first, ``offset`` skipped; ``dates`` bound ``start_date``/``end_date`` (ISO
    days). The store orders and limits them."""
    wanted = [status] if isinstance(status, str) else list(status or [])
    unknown = [s for s in wanted if s not in STATUSES]
    if unknown:
        raise ValueError(
            f"unknown plan status {unknown[0]!r}; expected one of {', '.join(STATUSES)}"
        )
    where: dict[str, Condition] = {}
    if brands is not None:
        where["brand_id"] = In(list(dict.fromkeys(brands)))
    if wanted:
        where["status"] = wanted[0] if len(wanted) == 1 else In(wanted)
    for name, bounds in (dates or {}).items():
        if name not in ("start_date", "end_date"):
            raise ValueError(f"plans are bounded by start_date or end_date, not {name!r}")
        where[name] = bounds
    return store.find(
        Label.PLAN, where, order_by="created_at", descending=True, limit=limit, offset=offset
    )
