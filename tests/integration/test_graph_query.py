"""Contract: node queries (``find``, ``count``, ``count_by``), on both backends.

Some cases hold more nodes than the old callers' caps (10,000) with the answer past the
cap, so a backend (or a caller) that sorts or counts a capped scan fails them.
"""

from __future__ import annotations

from typing import Any

import pytest

from graph import GraphBatch, GraphStore, Label, Node
from graph.errors import InvalidVocabularyError
from graph.query import In, Range


def _node(label: Label, node_id: str, **props: Any) -> Node:
    return Node(label=label, id=node_id, properties={"id": node_id, **props})


def _ids(nodes: list[Node]) -> list[str]:
    return [n.id for n in nodes]


@pytest.fixture
def alerts(graph_store: GraphStore) -> GraphStore:
    graph_store.write(
        GraphBatch(
            nodes=[
                _node(Label.ALERT, "a1", status="open", severity="warning", score=3,
                      created_at="2026-03-01T10:00:00+00:00", plan_id="p1"),
                _node(Label.ALERT, "a2", status="closed", severity="critical", score=7.5,
                      created_at="2026-03-04T10:00:00+00:00", plan_id="p1"),
                _node(Label.ALERT, "a3", status="open", severity="critical", score=1,
                      created_at="2026-03-02T10:00:00+00:00", plan_id="p2", muted=False),
                _node(Label.ALERT, "a4", status="open", score=7.5, muted=True,
                      created_at="2026-03-02T10:00:00+00:00"),
                _node(Label.ALERT, "a5", status="open", severity="warning", score="high"),
                _node(Label.PLAN, "a6", status="open", created_at="2026-03-09T00:00:00+00:00"),
            ]
        )
    )  # fmt: skip
    return graph_store


def test_equality_in_and_absent(alerts: GraphStore) -> None:
    assert _ids(alerts.find(Label.ALERT, {"status": "open"})) == ["a1", "a3", "a4", "a5"]
    assert _ids(alerts.find(Label.ALERT, {"status": "open", "plan_id": "p2"})) == ["a3"]
    assert _ids(alerts.find(Label.ALERT, {"severity": In(["critical", "nope"])})) == ["a2", "a3"]
    assert _ids(alerts.find(Label.ALERT, {"severity": None})) == ["a4"]
    assert _ids(alerts.find(Label.ALERT, {"plan_id": None, "status": "open"})) == ["a4", "a5"]
    assert alerts.find(Label.ALERT, {"severity": In([])}) == []
    assert _ids(alerts.find(Label.ALERT, {"id": In(["a5", "a1", "zz"])})) == ["a1", "a5"]
    assert _ids(alerts.find(Label.ALERT, {"id": "a2"})) == ["a2"]
    assert _ids(alerts.find(Label.ALERT, {"id": Range(gt="a2", lte="a4")})) == ["a3", "a4"]


def test_kinds_never_mix(alerts: GraphStore) -> None:
    """A boolean is not a number, and a number is not a string, on either backend."""
    assert _ids(alerts.find(Label.ALERT, {"muted": True})) == ["a4"]
    assert _ids(alerts.find(Label.ALERT, {"muted": False})) == ["a3"]
    assert alerts.find(Label.ALERT, {"muted": 1}) == []
    assert alerts.find(Label.ALERT, {"muted": 0}) == []
    assert _ids(alerts.find(Label.ALERT, {"score": 7.5})) == ["a2", "a4"]
    assert _ids(alerts.find(Label.ALERT, {"score": 3.0})) == ["a1"]
    assert alerts.find(Label.ALERT, {"score": "3"}) == []
    assert _ids(alerts.find(Label.ALERT, {"score": In([1, 3])})) == ["a1", "a3"]
    assert _ids(alerts.find(Label.ALERT, {"muted": In([True])})) == ["a4"]
    # A string bound admits strings only; a number bound numbers only.
    assert _ids(alerts.find(Label.ALERT, {"score": Range(lte="zzz")})) == ["a5"]
    assert _ids(alerts.find(Label.ALERT, {"score": Range(gte=0)})) == ["a1", "a2", "a3", "a4"]


def test_ranges(alerts: GraphStore) -> None:
    march = {"created_at": Range(gte="2026-03-02", lt="2026-03-04")}
    assert _ids(alerts.find(Label.ALERT, march)) == ["a3", "a4"]
    assert _ids(alerts.find(Label.ALERT, {"score": Range(gt=1, lt=7.5)})) == ["a1"]
    assert _ids(alerts.find(Label.ALERT, {"score": Range(gte=1, lte=7.5)})) == [
        "a1",
        "a2",
        "a3",
        "a4",
    ]
    assert alerts.count(Label.ALERT, {"score": Range(gt=7.5)}) == 0


def test_order_absent_last_either_way_ties_by_id(alerts: GraphStore) -> None:
    newest = alerts.find(Label.ALERT, order_by="created_at", descending=True)
    assert _ids(newest) == ["a2", "a3", "a4", "a1", "a5"]
    oldest = alerts.find(Label.ALERT, order_by="created_at")
    assert _ids(oldest) == ["a1", "a3", "a4", "a2", "a5"]
    page = alerts.find(Label.ALERT, order_by="created_at", descending=True, limit=2, offset=1)
    assert _ids(page) == ["a3", "a4"]
    assert _ids(alerts.find(Label.ALERT, order_by="id", descending=True, limit=2)) == ["a5", "a4"]
    assert alerts.find(Label.ALERT, limit=0) == []


def test_order_across_kinds_is_the_same_on_both_backends(graph_store: GraphStore) -> None:
    values: dict[str, Any] = {"k1": 2, "k2": "b", "k3": True, "k4": "a", "k5": 1.5, "k6": False}
    nodes = [_node(Label.TASK, i, v=v) for i, v in values.items()]
    graph_store.write(GraphBatch(nodes=[*nodes, _node(Label.TASK, "k0")]))
    up = graph_store.find(Label.TASK, order_by="v")
    assert _ids(up) == ["k4", "k2", "k6", "k3", "k5", "k1", "k0"]
    down = graph_store.find(Label.TASK, order_by="v", descending=True)
    assert _ids(down) == ["k1", "k5", "k3", "k6", "k2", "k4", "k0"]


def test_count_and_count_by(alerts: GraphStore) -> None:
    assert alerts.count(Label.ALERT) == 5
    assert alerts.count(Label.ALERT, {"status": "open"}) == 4
    assert alerts.count(Label.ALERT, {"status": "open", "severity": "critical"}) == 1
    assert alerts.count_by(Label.ALERT, "severity", {"status": "open"}) == {
        "warning": 2,
        "critical": 1,
        None: 1,
    }
    assert alerts.count_by(Label.ALERT, "muted") == {None: 3, True: 1, False: 1}
    assert alerts.count_by(Label.ALERT, "status", {"status": "gone"}) == {}
    assert alerts.count_by(Label.ALERT, ("status", "severity")) == {
        ("open", "warning"): 2,
        ("open", "critical"): 1,
        ("open", None): 1,
        ("closed", "critical"): 1,
    }
    with pytest.raises(ValueError, match="needs a label"):
        alerts.count(None, {"status": "open"})


def test_outcomes_can_be_found_too(graph_store: GraphStore) -> None:
    graph_store.write(
        GraphBatch(
            nodes=[
                _node(Label.OUTCOME, "o1", date="2026-01-02", spend=5.0, campaign_id="c1"),
                _node(Label.OUTCOME, "o2", date="2026-01-01", spend=9.0, campaign_id="c2"),
                _node(Label.OUTCOME, "o3", date="2026-01-03", spend=1.0, campaign_id="c1"),
            ]
        )
    )
    found = graph_store.find(Label.OUTCOME, {"campaign_id": "c1"}, order_by="spend")
    assert _ids(found) == ["o3", "o1"]
    assert graph_store.count(Label.OUTCOME, {"spend": Range(gt=2)}) == 2
    assert _ids(graph_store.list_nodes(Label.OUTCOME, limit=2, offset=1)) == ["o2", "o3"]


def test_hostile_names_and_bad_arguments_are_refused(alerts: GraphStore) -> None:
    with pytest.raises(InvalidVocabularyError):
        alerts.find(Label.ALERT, {"status') OR 1=1 --": "x"})
    with pytest.raises(InvalidVocabularyError):
        alerts.find(Label.ALERT, order_by="created_at DESC; MATCH (n) DETACH DELETE n")
    with pytest.raises(InvalidVocabularyError):
        alerts.count_by(Label.ALERT, "n.x}) RETURN 1 //")
    with pytest.raises(ValueError, match="one kind"):
        In(["a", 1])
    with pytest.raises(ValueError, match="strings or all numbers"):
        Range(gt="a", lt=3)
    with pytest.raises(ValueError, match="at least one"):
        Range()
    with pytest.raises(ValueError, match=">= 0"):
        alerts.find(Label.ALERT, limit=-1)
    assert alerts.count(Label.ALERT) == 5  # nothing was run


BIG = 10_050  # past the 10,000 the old callers read before sorting or counting


@pytest.fixture
def many_events(graph_store: GraphStore) -> GraphStore:
    """BIG pending events whose ids run against their times: the newest has the last id,
    the oldest the first; every 7th is running."""
    nodes = []
    for i in range(BIG):
        stamp = f"2026-01-01T00:00:00+00:00-{i:05d}"  # strings order as i
        status = "running" if i % 7 == 0 else "pending"
        nodes.append(_node(Label.EVENT, f"ev-{i:05d}", status=status, created_at=stamp))
    graph_store.write(GraphBatch(nodes=nodes))
    return graph_store


def test_order_and_count_are_not_taken_from_a_capped_scan(many_events: GraphStore) -> None:
    running = len(range(0, BIG, 7))
    assert many_events.count(Label.EVENT) == BIG
    assert many_events.count(Label.EVENT, {"status": "pending"}) == BIG - running
    assert many_events.count_by(Label.EVENT, "status") == {
        "pending": BIG - running,
        "running": running,
    }
    newest = many_events.find(
        Label.EVENT, {"status": "pending"}, order_by="created_at", descending=True, limit=3
    )
    assert _ids(newest) == [f"ev-{i:05d}" for i in (BIG - 1, BIG - 2, BIG - 3)]
    last_page = many_events.find(Label.EVENT, order_by="created_at", limit=5, offset=BIG - 2)
    assert _ids(last_page) == [f"ev-{BIG - 2:05d}", f"ev-{BIG - 1:05d}"]
    running_ids = [n.id for n in many_events.find_all(Label.EVENT, {"status": "running"}, 500)]
    assert running_ids == [f"ev-{i:05d}" for i in range(0, BIG, 7)]
    with pytest.raises(ValueError, match="pages by id"):
        next(many_events.find_all(Label.EVENT, {"id": "ev-00001"}))
