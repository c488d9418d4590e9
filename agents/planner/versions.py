"""New versions of a plan: re-planning with fresh curves, and rolling back to an earlier one.

Version numbers are handed out by a compare-and-set on the family's first Plan node
(``latest_version``), so two people re-planning at once get versions N+1 and N+2, never
the same node. A new version SUPERSEDES the latest one and, at once, every version still
waiting or approved (only the newest can be approved or executed); a version already
executing keeps running until a newer one is executed. Both are recorded as decisions:
``replan`` BASED_ON the version it starts from, ``rollback`` BASED_ON the version it copies.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from langchain_core.language_models import BaseChatModel

from agents.planner.cache import CurveCache
from agents.planner.errors import UnknownVersionError
from agents.planner.models import (
    APPROVED,
    LINE_FLOOR_PER_DAY,
    OPEN_STATUSES,
    PENDING_APPROVAL,
    SUPERSEDED,
    PlanRequest,
    PlanResult,
)
from agents.planner.plan import AGENT, Version, make_plan
from agents.planner.storage import MAX_LINES, load_plan, plan_id_for, task_nodes, versions
from graph.base import GraphStore
from graph.errors import NodeNotFoundError
from graph.models import DecisionRecord, Edge, Evidence, Node, NodeRef, clean_properties, new_id
from graph.schema import Label, RelType
from retrieval.retriever import HybridRetriever

ROLLBACK_ALGORITHM = "copy-of-version"
ROLLBACK_VERSION = "rollback-v1"


def replan(
    store: GraphStore,
    plan_id: str,
    changes: dict[str, Any],
    *,
    retriever: HybridRetriever | None = None,
    llm: BaseChatModel | None = None,
    requested_by: str | None = None,
    gated: bool = True,
    reason: str = "re-planned",
    cache: CurveCache | None = None,
    evidence: Sequence[Evidence] = (),
    line_floor_per_day: Decimal = LINE_FLOOR_PER_DAY,
    now: datetime | None = None,
) -> PlanResult:
    """A new version from the request of ``plan_id`` with ``changes``, on fresh curves
    (stamped ``now``: the orchestrator's clock)."""
    base = _plan_node(store, plan_id)
    request = PlanRequest.model_validate(
        {**json.loads(str(base.properties.get("request", "{}"))), **changes}
    )
    family = str(base.properties.get("family", base.id))
    number, latest = next_version(store, family)
    version = Version(
        family=family,
        number=number,
        supersedes=latest,
        kind="replan",
        evidence=[Evidence(ref=base.ref, score=1.0, reason=f"{reason}, from {plan_id}"), *evidence],
    )
    result = make_plan(
        store,
        request,
        retriever=retriever,
        llm=llm,
        requested_by=requested_by,
        gated=gated,
        version=version,
        cache=cache,
        line_floor_per_day=line_floor_per_day,
        now=now,
    )
    supersede_open(store, family, keep=result.id)
    return load_plan(store, result.id)


def rollback(
    store: GraphStore,
    plan_id: str,
    to_version: int,
    *,
    requested_by: str | None = None,
    gated: bool = True,
    now: datetime | None = None,
) -> PlanResult:
    """A new version equal to version ``to_version`` of the plan (same lines and curves),
    stamped ``now`` (the orchestrator's clock)."""
    base = _plan_node(store, plan_id)
    family = str(base.properties.get("family", base.id))
    known = versions(store, base)
    target_id = next((v["id"] for v in known if v["version"] == to_version), None)
    if target_id is None:
        raise UnknownVersionError(family, to_version, [v["version"] for v in known])
    target = _plan_node(store, target_id)
    source = load_plan(store, target_id)
    number, latest = next_version(store, family)
    new_id_ = plan_id_for(family, number)
    now = now or datetime.now(UTC)
    decision_id = new_id("dec")
    props = {
        k: v
        for k, v in target.properties.items()
        if k not in ("id", "version", "status", "decision_id", "created_at", "created_by")
        and k not in ("decided_at", "executed_at", "executed_by", "latest_version")
        and k not in ("supersedes", "superseded_by", "execute_decision_id")
    }
    tasks_json = str(target.properties.get("tasks", "[]")).replace(target_id, new_id_)
    plan_node = Node(
        label=Label.PLAN,
        id=new_id_,
        properties=clean_properties(
            {
                **props,
                "id": new_id_,
                "version": number,
                "supersedes": latest,
                "rolled_back_to": to_version,
                "status": PENDING_APPROVAL if gated else APPROVED,
                "tasks": tasks_json,
                "rationale": f"Rollback to version {to_version} ({target_id}). "
                + str(target.properties.get("rationale", "")),
                "decision_id": decision_id,
                "created_by": requested_by,
                "created_at": now,
            }
        ),
    )
    lines, line_edges = _copied_lines(store, source, new_id_)
    tasks, task_edges = task_nodes(new_id_, json.loads(tasks_json))
    edges = [
        *line_edges,
        *task_edges,
        Edge(src=plan_node.ref, type=RelType.SUPERSEDES, dst=NodeRef(label=Label.PLAN, id=latest)),
    ]
    store.record_decision(
        DecisionRecord(
            id=decision_id,
            kind="rollback",
            agent=AGENT,
            brand_id=source.brand_id,
            algorithm=ROLLBACK_ALGORITHM,
            algorithm_version=ROLLBACK_VERSION,
            rationale=f"Roll plan {family} back to version {to_version}: the same allocations, "
            f"KPIs and exit criteria as {target_id}, as version {number}.",
            inputs={"plan_id": plan_id, "to_version": to_version, "requested_by": requested_by},
            confidence=None,
            evidence=[Evidence(ref=target.ref, score=1.0, reason=f"version {to_version}")],
            produced=[plan_node, *lines, *tasks],
            produced_edges=edges,
            created_at=now,
        )
    )
    supersede_open(store, family, keep=new_id_)
    return load_plan(store, new_id_)


def next_version(store: GraphStore, family: str) -> tuple[int, str]:
    """Claim the family's next version number; returns it and the current latest id."""
    head = NodeRef(label=Label.PLAN, id=family)
    for _ in range(50):
        node = store.get_node(head)
        if node is None:
            raise NodeNotFoundError(family, Label.PLAN.value)
        latest = int(node.properties.get("latest_version") or node.properties.get("version") or 1)
        expect = {"latest_version": node.properties.get("latest_version")}
        if store.update_if(head, expect, {"latest_version": latest + 1}) is not None:
            return latest + 1, plan_id_for(family, latest)
    raise RuntimeError(f"could not claim a version number of plan {family}")


def supersede_open(store: GraphStore, family: str, keep: str) -> list[str]:
    """Mark every waiting or approved version but ``keep`` superseded; returns their ids."""
    moved = []
    for node in store.find_all(Label.PLAN, {"family": family}):
        status = node.properties.get("status")
        if node.id != keep and status in OPEN_STATUSES:
            changes = {"status": SUPERSEDED, "superseded_by": keep}
            if store.update_if(node.ref, {"status": status}, changes) is not None:
                moved.append(node.id)
    return moved


def _plan_node(store: GraphStore, plan_id: str) -> Node:
    node = store.get_node(NodeRef(label=Label.PLAN, id=plan_id))
    if node is None:
        raise NodeNotFoundError(plan_id, Label.PLAN.value)
    return node


def _copied_lines(
    store: GraphStore, source: PlanResult, plan_id: str
) -> tuple[list[Node], list[Edge]]:
    """Copies of the source version's allocations, BASED_ON the same curves."""
    refs = [NodeRef(label=Label.ALLOCATION, id=ln.allocation_id) for ln in source.lines]
    originals = store.get_nodes(refs)
    based = store.incident_edges(refs, MAX_LINES, {RelType.BASED_ON: "out"})
    curves: dict[str, list[NodeRef]] = {}
    for edge in based:
        curves.setdefault(edge.src.id, []).append(edge.dst)
    nodes: list[Node] = []
    edges: list[Edge] = []
    plan_ref = NodeRef(label=Label.PLAN, id=plan_id)
    for original in originals:
        copy_id = f"alloc_{uuid.uuid4().hex}"
        props = {**original.properties, "id": copy_id, "plan_id": plan_id, "copy_of": original.id}
        node = Node(label=Label.ALLOCATION, id=copy_id, properties=props)
        nodes.append(node)
        edges.append(Edge(src=node.ref, type=RelType.PART_OF, dst=plan_ref))
        edges.extend(
            Edge(src=node.ref, type=RelType.BASED_ON, dst=c) for c in curves.get(original.id, [])
        )
    return nodes, edges
