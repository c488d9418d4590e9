"""The lineage summary on both backends: decisions, approvals, curves and agents listed,
outcome rows counted per source file, even when the walk's node limit stops early."""

from __future__ import annotations

import json

from graph.base import GraphStore
from graph.lineage_summary import summarize_lineage
from graph.models import Edge, GraphBatch, Node, NodeRef
from graph.schema import Label, RelType
from ingest import Part, ingest
from ingest.readers import SourceInfo, describe


def outcomes_part(name: str, days: range) -> Part:
    rows = [
        {"date": f"2026-03-{d:02d}", "campaign_id": "c1", "channel_id": "ch1", "spend": 10.0 * d}
        for d in days
    ]
    data = "\n".join(json.dumps(r) for r in rows).encode()
    info: SourceInfo = describe(name, data)
    return Part(kind="outcomes", source=info, rows=list(enumerate(rows, start=1)))


def build(store: GraphStore) -> NodeRef:
    """Two files of outcomes, a curve fitted on them, a plan decision and its approval."""
    base = [
        ("brands", {"id": "b1", "name": "Trailhead"}),
        ("channels", {"id": "ch1", "name": "Email", "kind": "email"}),
        ("campaigns", {"id": "c1", "brand_id": "b1", "name": "Spring"}),
    ]
    parts = [
        Part(kind=k, source=describe(f"{k}.jsonl", json.dumps(r).encode()), rows=[(1, r)])
        for k, r in base
    ]
    ingest(store, [*parts, outcomes_part("march-a.jsonl", range(1, 4))])
    ingest(store, [outcomes_part("march-b.jsonl", range(4, 6))])
    rows = [NodeRef(Label.OUTCOME, f"2026-03-{d:02d}|c1|ch1||") for d in range(1, 6)]
    curve = NodeRef(Label.RESPONSE_CURVE, "rc1")
    decision = NodeRef(Label.DECISION, "dec1")
    allocation = NodeRef(Label.ALLOCATION, "al1")
    approval = NodeRef(Label.APPROVAL, "apr1")
    nodes = [
        Node(curve.label, curve.id, {"channel_id": "ch1", "audience_id": "a1",
             "metric": "revenue", "revision": 2, "n_rows": 5}),
        Node(decision.label, decision.id, {"kind": "plan", "agent": "planner",
             "rationale": "Allocated 1,000.00 to ch1", "created_at": "2026-03-06T10:00:00+00:00"}),
        Node(allocation.label, allocation.id, {"budget": 1000.0}),
        Node(Label.AGENT, "planner", {}),
        Node(approval.label, approval.id, {"verdict": "approved", "approver": "Priya",
             "comment": "fine", "created_at": "2026-03-06T11:00:00+00:00"}),
    ]  # fmt: skip
    edges = [
        *(Edge(curve, RelType.FITTED_ON, row) for row in rows),
        Edge(decision, RelType.PRODUCED, allocation),
        Edge(allocation, RelType.BASED_ON, curve),
        Edge(decision, RelType.BASED_ON, curve),
        Edge(decision, RelType.MADE_BY, NodeRef(Label.AGENT, "planner")),
        Edge(approval, RelType.APPROVES, decision),
    ]
    store.write(GraphBatch(nodes=nodes, edges=edges))
    return allocation


def test_the_summary_lists_the_few_and_counts_the_many(graph_store: GraphStore) -> None:
    allocation = build(graph_store)
    sub = graph_store.get_lineage(allocation, "up", 3, 500)

    summary = summarize_lineage(graph_store, sub, "up", 3)

    assert [d.node_id for d in summary.decisions] == ["Decision:dec1"]
    assert summary.decisions[0].text.startswith("plan by planner, 2026-03-06 10:00: Allocated")
    assert [a.text for a in summary.approvals] == ['approved by Priya, 2026-03-06 11:00: "fine"']
    assert [c.text for c in summary.curves] == [
        "revenue curve of ch1 × a1, revision 2, fitted on 5 rows"
    ]
    assert [a.node_id for a in summary.agents] == ["Agent:planner"]
    assert summary.outcome_rows == 5
    assert [(s.name, s.rows) for s in summary.outcome_sources] == [
        ("march-a.jsonl", 3),
        ("march-b.jsonl", 2),
    ]


def test_a_walk_cut_short_still_shows_who_approved(graph_store: GraphStore) -> None:
    allocation = build(graph_store)
    # Level 1 holds the decision and the curve; the limit stops before the approval.
    sub = graph_store.get_lineage(allocation, "up", 3, 3)
    assert sub.truncated and not any(n.label is Label.APPROVAL for n in sub.nodes)

    summary = summarize_lineage(graph_store, sub, "up", 3)

    assert [a.node_id for a in summary.approvals] == ["Approval:apr1"]
    assert [a.node_id for a in summary.agents] == ["Agent:planner"]
    assert summary.truncated
