"""Contract: lineage walks within a budget of nodes, edges read and time, on both backends.

The walk reads through the store's ``incident_edges``; a thin pass-through counts what it
reads from the real store, so a walk that reads past its budget fails here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import httpx
import pytest

from graph import Edge, GraphBatch, GraphStore, Label, Node, NodeRef, RelType
from graph.base import Directions
from graph.lineage import WalkBudget, get_lineage
from tests.integration.http_server import serve

CAMPAIGNS = 30
PER_CAMPAIGN = 100  # outcomes of each campaign: 3,000 in all
BRAND = NodeRef(Label.BRAND, "b1")


def _node(label: Label, node_id: str, **props: Any) -> Node:
    return Node(label=label, id=node_id, properties={"id": node_id, **props})


@pytest.fixture
def fan_out(graph_store: GraphStore) -> GraphStore:
    """A brand running 30 campaigns of 100 outcomes each (OF edges to their campaign)."""
    nodes = [_node(Label.BRAND, "b1", name="B")]
    edges = []
    for c in range(CAMPAIGNS):
        cid = f"c{c:02d}"
        nodes.append(_node(Label.CAMPAIGN, cid, brand_id="b1"))
        edges.append(Edge(BRAND, RelType.RUNS, NodeRef(Label.CAMPAIGN, cid)))
        for o in range(PER_CAMPAIGN):
            oid = f"o-{cid}-{o:03d}"
            nodes.append(_node(Label.OUTCOME, oid, date="2026-01-01", spend=1.0))
            edges.append(
                Edge(NodeRef(Label.OUTCOME, oid), RelType.OF, NodeRef(Label.CAMPAIGN, cid))
            )
    graph_store.write(GraphBatch(nodes=nodes, edges=edges))
    return graph_store


class Counting:
    """The real store, passed through, with the edges each read returned counted."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.read = 0
        self.calls = 0

    def get_node(self, ref: NodeRef) -> Node | None:
        return self.store.get_node(ref)

    def get_nodes(self, refs: Sequence[NodeRef]) -> list[Node]:
        return self.store.get_nodes(refs)

    def incident_edges(
        self,
        refs: Sequence[NodeRef],
        limit_per_node: int,
        directions: Directions | None = None,
        *,
        limit: int | None = None,
        timeout: float | None = None,
    ) -> list[Edge]:
        found = self.store.incident_edges(
            refs, limit_per_node, directions, limit=limit, timeout=timeout
        )
        self.read += len(found)
        self.calls += 1
        return found


def walk(store: GraphStore, budget: WalkBudget) -> tuple[Any, Counting]:
    counting = Counting(store)
    sub = get_lineage(cast(GraphStore, counting), BRAND, "down", 10, budget)
    return sub, counting


def test_a_walk_within_its_budget_is_whole(fan_out: GraphStore) -> None:
    sub, counting = walk(fan_out, WalkBudget(nodes=5000, edges=100_000, seconds=600))
    assert not sub.truncated and sub.truncated_reason is None
    assert len(sub.nodes) == 1 + CAMPAIGNS + CAMPAIGNS * PER_CAMPAIGN
    assert len(sub.edges) == CAMPAIGNS + CAMPAIGNS * PER_CAMPAIGN
    assert counting.read == len(sub.edges)


def test_a_walk_stops_at_its_node_budget_and_says_so(fan_out: GraphStore) -> None:
    sub, counting = walk(fan_out, WalkBudget(nodes=50, edges=400, seconds=600))
    assert sub.truncated and sub.truncated_reason == "nodes"
    assert len(sub.nodes) == 50
    assert {n.ref for n in sub.nodes} >= {
        BRAND,
        *(NodeRef(Label.CAMPAIGN, f"c{c:02d}") for c in range(30)),
    }
    assert counting.read <= 400 + 1  # not 51 edges for each of 30 campaigns (1,530)


def test_a_walk_stops_at_its_edge_budget_and_says_so(fan_out: GraphStore) -> None:
    sub, counting = walk(fan_out, WalkBudget(nodes=5000, edges=250, seconds=600))
    assert sub.truncated and sub.truncated_reason == "edges"
    assert counting.read <= 250 + 1  # one past the budget, to know it is spent
    assert len(sub.edges) == 250 and len(sub.nodes) == 251


def test_a_walk_stops_at_its_deadline_and_says_so(fan_out: GraphStore) -> None:
    sub, counting = walk(fan_out, WalkBudget(nodes=5000, edges=100_000, seconds=0))
    assert sub.truncated and sub.truncated_reason == "time"
    assert [n.ref for n in sub.nodes] == [BRAND] and counting.read == 0


def test_a_slow_read_is_ended_by_its_timeout(fan_out: GraphStore) -> None:
    """The store itself ends a read past its timeout (not only the walk between reads)."""
    from graph.errors import QueryTimeoutError

    refs = [NodeRef(Label.CAMPAIGN, f"c{c:02d}") for c in range(CAMPAIGNS)]
    with pytest.raises(QueryTimeoutError):
        fan_out.incident_edges(refs * 200, 1000, timeout=0.0005)


def test_incident_edges_total_limit_takes_nodes_in_order(fan_out: GraphStore) -> None:
    refs = [NodeRef(Label.CAMPAIGN, "c03"), BRAND, NodeRef(Label.CAMPAIGN, "c01")]
    whole = fan_out.incident_edges(refs, 1000)
    assert len(whole) == 2 * (PER_CAMPAIGN + 1) + CAMPAIGNS
    for total in (1, PER_CAMPAIGN + 5, 2 * PER_CAMPAIGN + CAMPAIGNS):
        assert fan_out.incident_edges(refs, 1000, limit=total) == whole[:total]
    assert fan_out.incident_edges(refs, 1000, limit=0) == []


@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize(
    ("nodes", "direction"), [(10, "down"), (60, "down"), (5000, "down"), (50, "up")]
)
def test_a_short_walk_answers_as_the_step_by_step_walk(
    fan_out: GraphStore, depth: int, nodes: int, direction: str
) -> None:
    """The store's own walk (on Neo4j, a walk of depth 3 or less reads its neighbourhood
    in one statement first, at most 64 edges a node) answers exactly what the shared walk
    answers through the store's reads, step by step: the same nodes, edges, order and
    truncation, here with campaigns of 100 outcomes (more than one statement holds)."""
    root = BRAND if direction == "down" else NodeRef(Label.OUTCOME, "o-c07-042")
    way = cast(Any, direction)
    budget = WalkBudget.of(nodes)
    whole = fan_out.get_lineage(root, way, depth, nodes)
    stepped = get_lineage(cast(GraphStore, Counting(fan_out)), root, way, depth, budget)
    assert whole == stepped
    assert len(whole.nodes) > 1


@pytest.fixture
def client(fan_out: GraphStore, tmp_path: Path) -> Iterator[httpx.Client]:
    with serve(fan_out, tmp_path, {"view-key-123-secret": "viewer"}) as http:
        yield http


def test_the_api_says_why_a_walk_stopped(client: httpx.Client) -> None:
    viewer = {"Authorization": "Bearer view-key-123-secret"}
    r = client.get("/v1/lineage/Brand:b1?direction=down&depth=10&limit=40", headers=viewer)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["truncated"] is True and body["truncated_reason"] == "nodes"
    assert len(body["nodes"]) == 40
    r = client.get("/v1/lineage/Brand:b1?direction=down&depth=1", headers=viewer)
    assert r.json()["truncated"] is False and r.json()["truncated_reason"] is None
