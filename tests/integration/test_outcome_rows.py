"""Outcome properties read back exactly as written, whatever their types.

The embedded backend keeps an outcome's date, ids and metrics in typed columns and only
what those cannot give back exactly as JSON (``graph/embedded/outcome_rows.py``); these
tests hold both backends to the same answers, and the embedded one to reading rows
written before that layout (whole properties as JSON) the same way.
"""

from __future__ import annotations

import json
import math
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from graph import GraphBatch, GraphStore, Label, Node, NodeRef
from graph.embedded import EmbeddedGraphStore
from graph.query import Range
from migrations import apply_pending

L = Label


def outcome(oid: str, **props: Any) -> Node:
    base = {"date": "2026-03-01", "campaign_id": "c1", "channel_id": "ch1", "spend": 1.5}
    return Node(L.OUTCOME, oid, {**base, **props, "id": oid})


ODD = [
    outcome("plain"),
    outcome("ints", spend=3, clicks=12, impressions=0, revenue=-2),
    outcome("bools", clicks=True, leads=False),
    outcome("text", spend="12.50", conversions="n/a", audience_id="a1"),
    outcome("zeros", spend=0.0, revenue=-0.0, clicks=0.0),
    outcome("extra", note="hello", tags=["x", "y"], asset_id="s1", weight=0.25),
    outcome("numeric_id", campaign_id="c1", channel_id="ch1", asset_id="s1", audience_id="a1"),
    Node(L.OUTCOME, "odd_ids", {"date": 20260301, "campaign_id": "c1", "id": "odd_ids"}),
]


def _typed(props: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """Properties with their Python types (1 == 1.0 == True otherwise)."""
    return {k: (type(v).__name__, v) for k, v in props.items()}


def test_outcome_properties_read_back_with_their_types(graph_store: GraphStore) -> None:
    graph_store.write(GraphBatch(nodes=ODD))

    for node in ODD:
        stored = graph_store.get_node(node.ref)
        assert stored is not None
        assert _typed(stored.properties) == _typed(node.properties)
        assert math.copysign(1.0, stored.properties.get("revenue", 1.0)) == math.copysign(
            1.0, node.properties.get("revenue", 1.0)
        )
    found = {n.id: n.properties for n in graph_store.find(L.OUTCOME, {}, limit=100)}
    assert {k: _typed(v) for k, v in found.items()} == {n.id: _typed(n.properties) for n in ODD}


def test_outcome_queries_see_each_property_with_its_type(graph_store: GraphStore) -> None:
    graph_store.write(GraphBatch(nodes=ODD))

    numbers = {n.id for n in graph_store.find(L.OUTCOME, {"spend": Range(gte=1)}, limit=100)}
    assert numbers == {"plain", "ints", "bools", "extra", "numeric_id"}
    assert graph_store.count(L.OUTCOME, {"spend": "12.50"}) == 1  # text, not a number
    assert graph_store.count(L.OUTCOME, {"clicks": True}) == 1
    assert graph_store.count(L.OUTCOME, {"clicks": 12}) == 1
    assert graph_store.count(L.OUTCOME, {"date": "2026-03-01"}) == len(ODD) - 1
    assert graph_store.count(L.OUTCOME, {"date": 20260301}) == 1
    assert graph_store.count(L.OUTCOME, {"note": "hello"}) == 1
    assert graph_store.count(L.OUTCOME, {"asset_id": None}) == 6
    by_spend = [n.id for n in graph_store.find(L.OUTCOME, {}, order_by="spend", limit=100)]
    assert by_spend[:2] == ["text", "zeros"]  # strings before numbers, as Neo4j orders
    assert by_spend[-1] == "odd_ids"  # no spend: last
    assert graph_store.count_by(L.OUTCOME, "audience_id") == {"a1": 2, None: 6}


def test_embedded_rows_keep_only_what_columns_cannot_hold(tmp_path: Path) -> None:
    store = EmbeddedGraphStore(tmp_path / "graph.sqlite")
    try:
        apply_pending(store)
        store.write(GraphBatch(nodes=ODD))
    finally:
        store.close()
    with sqlite3.connect(tmp_path / "graph.sqlite") as db:
        kept = {oid: json.loads(text) for oid, text in db.execute("SELECT id, props FROM outcomes")}
    assert kept["plain"] == {}
    assert kept["ints"] == {"spend": 3, "clicks": 12, "impressions": 0, "revenue": -2}
    assert kept["zeros"] == {"revenue": -0.0}
    assert kept["extra"] == {"note": "hello", "tags": ["x", "y"], "weight": 0.25}


def test_embedded_not_a_number_reads_back(tmp_path: Path) -> None:
    store = EmbeddedGraphStore(tmp_path / "graph.sqlite")
    try:
        store.write(GraphBatch(nodes=[outcome("nan", spend=math.nan, revenue=math.inf)]))
        stored = store.get_node(NodeRef(L.OUTCOME, "nan"))
        assert stored is not None
        assert math.isnan(stored.properties["spend"])
        assert stored.properties["revenue"] == math.inf
    finally:
        store.close()


def test_embedded_rows_of_the_earlier_layout_read_the_same(tmp_path: Path) -> None:
    """Rows written when ``props`` held every property (JSON and columns alike)."""
    path = tmp_path / "graph.sqlite"
    store = EmbeddedGraphStore(path)
    apply_pending(store)
    store.write(GraphBatch(nodes=ODD))
    store.close()
    with sqlite3.connect(path) as db:
        for node in ODD:
            whole = json.dumps(node.properties)
            db.execute("UPDATE outcomes SET props = ? WHERE id = ?", (whole, node.id))

    store = EmbeddedGraphStore(path)
    try:
        for node in ODD:
            stored = store.get_node(node.ref)
            assert stored is not None
            assert _typed(stored.properties) == _typed(node.properties)
        assert store.count(L.OUTCOME, {"spend": "12.50"}) == 1
        assert store.count(L.OUTCOME, {"clicks": 12}) == 1
        assert store.count_by(L.OUTCOME, "audience_id") == {"a1": 2, None: 6}
        # Rewritten, a row takes the compact layout and still reads the same.
        store.write(GraphBatch(nodes=ODD))
        for node in ODD:
            stored = store.get_node(node.ref)
            assert stored is not None
            assert _typed(stored.properties) == _typed(node.properties)
    finally:
        store.close()


@pytest.mark.parametrize("value", [1.0, 2, "2026-03-01"])
def test_a_rewritten_outcome_forgets_what_its_json_held(tmp_path: Path, value: Any) -> None:
    """A property moving from the JSON to its column (or back) is never read stale."""
    store = EmbeddedGraphStore(tmp_path / "graph.sqlite")
    try:
        store.write(GraphBatch(nodes=[outcome("o1", spend=value, note="x")]))
        store.write(GraphBatch(nodes=[outcome("o1", spend=4.0)]))
        stored = store.get_node(NodeRef(L.OUTCOME, "o1"))
        assert stored is not None
        assert _typed(stored.properties) == _typed(outcome("o1", spend=4.0).properties)
    finally:
        store.close()
