"""Curves fitted from outcomes ingested into a real embedded store, recorded with lineage."""

from __future__ import annotations

import json
from datetime import date

import pytest

from agents.curves import ResponseCurve, curves_from_graph, record_curves
from agents.planner import allocate
from demo import dataset_parts, generate
from graph.embedded import EmbeddedGraphStore
from graph.models import NodeRef, OutcomeQuery
from graph.schema import Label, RelType
from ingest import ingest

BRAND = "brand-trailhead"


@pytest.fixture
def store(embedded_store: EmbeddedGraphStore) -> EmbeddedGraphStore:
    """The embedded store with a small demo data set (about 6,000 outcome rows) ingested."""
    ingest(embedded_store, dataset_parts(generate(seed=7, outcome_rows=6000)))
    return embedded_store


def test_curves_are_recorded_with_lineage(store: EmbeddedGraphStore) -> None:
    curves = curves_from_graph(store, brand_id=BRAND)
    assert len(curves) >= 10
    assert all(c.brand_id == BRAND for c in curves)
    nodes = record_curves(store, curves)

    assert store.count(Label.RESPONSE_CURVE) == len(curves)
    outcome_rows = store.aggregate_outcomes(OutcomeQuery(brand_id=BRAND, group_by=("channel_id",)))
    assert sum(c.n_rows for c in curves) == sum(t.rows for t in outcome_rows)
    # FITTED_ON its channel, its audience and each outcome row of its pair
    assert store.count_edges(RelType.FITTED_ON) == 2 * len(curves) + sum(c.n_rows for c in curves)
    assert {n.properties["revision"] for n in store.get_nodes([n.ref for n in nodes])} == {1}

    curve, node = curves[0], nodes[0]
    stored = store.get_node(node.ref)
    assert stored is not None
    assert ResponseCurve.from_node(stored) == curve
    query = json.loads(str(stored.properties["source_query"]))
    assert query["brand_id"] == BRAND
    assert query["group_by"] == ["campaign_id", "channel_id", "audience_id", "date"]

    lineage = store.get_lineage(node.ref, "up", depth=1, limit=10_000)
    reached = {n.ref for n in lineage.nodes}
    assert NodeRef(label=Label.CHANNEL, id=curve.channel_id) in reached
    assert NodeRef(label=Label.AUDIENCE, id=curve.audience_id) in reached
    rows = [n for n in lineage.nodes if n.label is Label.OUTCOME]
    assert len(rows) == curve.n_rows
    assert {(r.properties["channel_id"], r.properties["audience_id"]) for r in rows} == {curve.pair}

    record_curves(store, curves)  # the same data gives the same ids: nothing new
    assert store.count(Label.RESPONSE_CURVE) == len(curves)


def test_a_date_range_and_the_stored_curves_feed_the_allocator(store: EmbeddedGraphStore) -> None:
    curves = curves_from_graph(store, brand_id=BRAND, start=date(2026, 1, 1), end=date(2026, 6, 30))
    assert all(date(2026, 1, 1) <= c.first_date <= c.last_date <= date(2026, 6, 30) for c in curves)
    nodes = record_curves(store, curves)
    stored = [ResponseCurve.from_node(n) for n in store.get_nodes([n.ref for n in nodes])]
    allocation = allocate(stored, 50_000, 30)
    assert sum(line.budget for line in allocation.lines) == 50_000
    assert {line.curve_id for line in allocation.lines} == {n.id for n in nodes}


def test_a_refit_on_other_data_is_the_next_revision(store: EmbeddedGraphStore) -> None:
    early = curves_from_graph(store, brand_id=BRAND, end=date(2026, 3, 31))
    first = {n.id: n for n in record_curves(store, early)}
    later = curves_from_graph(store, brand_id=BRAND)
    second = record_curves(store, later)
    by_series = {(c.channel_id, c.audience_id, c.metric): c.id for c in early}
    refits = 0
    for curve, node in zip(later, second, strict=True):
        stored = store.get_node(node.ref)
        assert stored is not None
        older = by_series.get((curve.channel_id, curve.audience_id, curve.metric))
        if older is None or older == node.id:
            continue
        refits += 1
        assert stored.properties["revision"] == first[older].properties["revision"] + 1
        edges = store.incident_edges([node.ref], 5, {RelType.SUPERSEDES: "out"})
        assert [e.dst.id for e in edges] == [older]
    assert refits >= 5
