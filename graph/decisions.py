"""Decision write-back: one Decision node with its agent, evidence and effects."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.errors import AppendOnlyViolationError
from graph.models import DecisionRecord, Edge, GraphBatch, Node, NodeRef
from graph.schema import Label, RelType

if TYPE_CHECKING:
    from graph.base import GraphStore


def decision_batch(decision: DecisionRecord) -> GraphBatch:
    """The nodes and edges that record ``decision``."""
    node = decision.node()
    agent = Node(label=Label.AGENT, id=decision.agent, properties={"id": decision.agent})
    edges = [Edge(src=node.ref, type=RelType.MADE_BY, dst=agent.ref)]
    for item in decision.evidence:
        props: dict[str, object] = {}
        if item.score is not None:
            props["score"] = item.score
        if item.reason:
            props["reason"] = item.reason
        edges.append(Edge(src=node.ref, type=RelType.BASED_ON, dst=item.ref, properties=props))
    for produced in decision.produced:
        edges.append(Edge(src=node.ref, type=RelType.PRODUCED, dst=produced.ref))
    if decision.corrects:
        edges.append(
            Edge(
                src=node.ref,
                type=RelType.CORRECTS,
                dst=NodeRef(label=Label.DECISION, id=decision.corrects),
            )
        )
    edges.extend(decision.produced_edges)
    return GraphBatch(nodes=[node, agent, *decision.produced], edges=edges)


def record_decision(store: GraphStore, decision: DecisionRecord) -> Node:
    """Write ``decision`` through ``store`` in one transaction (append-only)."""
    ref = NodeRef(label=Label.DECISION, id=decision.id)
    if store.get_node(ref) is not None:
        raise AppendOnlyViolationError(Label.DECISION.value, decision.id)
    batch = decision_batch(decision)
    store.write(batch)
    return batch.nodes[0]
