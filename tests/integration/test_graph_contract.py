"""The GraphStore contract, run unchanged against every backend (see ``graph_store``).

The data are small and every expected value is written out by hand, so a backend that
sums, filters, orders or traverses wrongly fails here rather than in an agent later.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from graph import (
    AmbiguousNodeIdError,
    AppendOnlyViolationError,
    DanglingReferenceError,
    DecisionRecord,
    Edge,
    Evidence,
    GraphBatch,
    GraphStore,
    Label,
    Node,
    NodeNotFoundError,
    NodeRef,
    OutcomeQuery,
    OutcomeTotals,
    RelType,
    Subgraph,
)

L = Label
R = RelType


# -- building blocks ------------------------------------------------------------------------
def ref(label: Label, node_id: str) -> NodeRef:
    return NodeRef(label=label, id=node_id)


def node(label: Label, node_id: str, **props: Any) -> Node:
    return Node(label=label, id=node_id, properties={"id": node_id, **props})


def edge(src: NodeRef, rel: RelType, dst: NodeRef, **props: Any) -> Edge:
    return Edge(src=src, type=rel, dst=dst, properties=props)


B1, B2 = ref(L.BRAND, "b1"), ref(L.BRAND, "b2")
C1, C2, C3 = ref(L.CAMPAIGN, "c1"), ref(L.CAMPAIGN, "c2"), ref(L.CAMPAIGN, "c3")
SEARCH, SOCIAL = ref(L.CHANNEL, "ch_search"), ref(L.CHANNEL, "ch_social")
A1, A2 = ref(L.AUDIENCE, "a1"), ref(L.AUDIENCE, "a2")
AS1, AS2 = ref(L.ASSET, "as1"), ref(L.ASSET, "as2")
RUN, SRC = ref(L.INGEST_RUN, "run1"), ref(L.SOURCE, "src1")

# id, date, campaign, channel, audience, spend, revenue, conversions, clicks, impressions, leads
OUTCOME_ROWS: list[tuple[Any, ...]] = [
    ("o1", "2024-03-01", "c1", "ch_search", "a1", 100.0, 400.0, 4, 50, 1000, 2),
    ("o2", "2024-03-02", "c1", "ch_search", "a1", 50.5, 100.0, 1, 20, 500, 0),
    ("o3", "2024-03-02", "c1", "ch_social", "a2", 80.0, 120.0, 2, 30, 2000, 1),
    ("o4", "2024-03-03", "c1", "ch_social", None, 0.0, 15.0, 1, 5, 300, 0),
    ("o5", "2024-03-01", "c2", "ch_search", "a2", 10.0, 35.0, 1, 4, 100, 0),
    ("o6", "2024-03-05", "c3", "ch_social", "a1", 200.0, 300.0, 3, 60, 4000, 5),
    ("o7", "2024-02-28", "c1", "ch_search", "a1", 5.0, 0.0, 0, 1, 50, 0),
]
METRICS = ("spend", "revenue", "conversions", "clicks", "impressions", "leads")


def outcome_ref(outcome_id: str) -> NodeRef:
    return ref(L.OUTCOME, outcome_id)


def world() -> GraphBatch:
    """Two brands, three campaigns, two channels and audiences, seven outcomes, provenance.

    Nodes are listed dependents first and edges before the nodes they join are "known",
    as the contract allows: references may arrive in any order inside one batch.
    """
    nodes: list[Node] = []
    edges: list[Edge] = []
    for row in OUTCOME_ROWS:
        oid, day, campaign, channel, audience, *values = row
        props: dict[str, Any] = {"date": day, "campaign_id": campaign, "channel_id": channel}
        if audience is not None:
            props["audience_id"] = audience
        props.update(zip(METRICS, values, strict=True))
        nodes.append(node(L.OUTCOME, oid, **props))
        o = outcome_ref(oid)
        edges += [
            edge(o, R.OF, ref(L.CAMPAIGN, campaign)),
            edge(o, R.OF, ref(L.CHANNEL, channel)),
            edge(o, R.FROM, RUN),
        ]
        if audience is not None:
            edges.append(edge(o, R.OF, ref(L.AUDIENCE, audience)))
    nodes += [
        node(L.CAMPAIGN, "c1", name="Spring sale", brand_id="b1", budget=500.0),
        node(L.CAMPAIGN, "c2", name="Loyalty", brand_id="b1"),
        node(L.CAMPAIGN, "c3", name="Launch", brand_id="b2"),
        node(L.ASSET, "as2", kind="image", title="Hero banner"),
        node(L.ASSET, "as1", kind="ad_copy", title="Headline"),
        node(L.AUDIENCE, "a2", name="Lapsed buyers"),
        node(L.AUDIENCE, "a1", name="New parents"),
        node(L.CHANNEL, "ch_social", name="Paid social", kind="paid_social"),
        node(L.CHANNEL, "ch_search", name="Paid search", kind="paid_search"),
        node(L.BRAND, "b2", name="Globex"),
        node(L.BRAND, "b1", name="Acme", currency="EUR"),
        node(L.INGEST_RUN, "run1", rows=7),
        node(L.SOURCE, "src1", uri="outcomes.csv", sha256="ab" * 32),
    ]
    edges += [
        edge(RUN, R.READ, SRC),
        edge(B1, R.RUNS, C1),
        edge(B1, R.RUNS, C2),
        edge(B2, R.RUNS, C3),
        edge(C1, R.TARGETS, A1),
        edge(C1, R.TARGETS, A2),
        edge(C1, R.ON, SOCIAL),
        edge(C1, R.ON, SEARCH),
        edge(C1, R.USES, AS2),
        edge(C1, R.USES, AS1),
        edge(C2, R.ON, SEARCH),
        edge(C3, R.ON, SOCIAL),
    ]
    return GraphBatch(nodes=nodes, edges=edges)


WORLD_NODES = 7 + 13
WORLD_EDGES = 7 * 3 + 6 + 12  # OF campaign/channel + FROM, OF audience (6 of 7), the rest


@pytest.fixture
def store(graph_store: GraphStore) -> GraphStore:
    """A migrated store of each backend holding :func:`world`."""
    graph_store.write(world())
    return graph_store


def snapshot(store: GraphStore) -> tuple[Any, ...]:
    """Counts of everything, per label and per type (to check that nothing changed)."""
    return (
        store.count(),
        store.count_edges(),
        {label: store.count(label) for label in Label},
        {rel: store.count_edges(rel) for rel in RelType},
    )


def refs_of(sub: Subgraph) -> set[NodeRef]:
    return {n.ref for n in sub.nodes}


def edge_keys(edges: list[Edge]) -> set[tuple[str, str, str]]:
    return {(str(e.src), e.type.value, str(e.dst)) for e in edges}


def decision(decision_id: str, **kwargs: Any) -> DecisionRecord:
    fields: dict[str, Any] = {
        "id": decision_id,
        "kind": "budget_shift",
        "agent": "planner",
        "rationale": "search returns more per euro",
        "algorithm": "allocator",
        "algorithm_version": "1.0",
        "confidence": 0.7,
        "inputs": {"window_days": 7},
        "created_at": datetime(2024, 3, 4, 9, 0, tzinfo=UTC),
    }
    fields.update(kwargs)
    return DecisionRecord(**fields)


# -- upserts ---------------------------------------------------------------------------------
def test_write_reports_what_it_wrote_and_counts_agree(graph_store: GraphStore) -> None:
    before_nodes, before_edges = graph_store.count(), graph_store.count_edges()

    result = graph_store.write(world())

    assert (result.nodes, result.edges) == (WORLD_NODES, WORLD_EDGES)
    assert graph_store.count() - before_nodes == WORLD_NODES
    assert graph_store.count_edges() - before_edges == WORLD_EDGES
    assert graph_store.count(L.OUTCOME) == 7
    assert graph_store.count(L.CAMPAIGN) == 3
    assert graph_store.count_edges(R.OF) == 7 * 2 + 6
    assert graph_store.count_edges(R.RUNS) == 3
    assert graph_store.count_edges(R.FROM) == 7


def test_writing_the_same_batch_twice_changes_nothing(store: GraphStore) -> None:
    before = snapshot(store)
    all_refs = [n.ref for n in world().nodes]
    props_before = {n.ref: n.properties for n in store.get_nodes(all_refs)}
    edges_before = store.incident_edges([C1, outcome_ref("o1")], limit_per_node=100)

    store.write(world())

    assert snapshot(store) == before
    assert {n.ref: n.properties for n in store.get_nodes(all_refs)} == props_before
    assert store.incident_edges([C1, outcome_ref("o1")], limit_per_node=100) == edges_before


def test_rewriting_a_node_replaces_its_properties(store: GraphStore) -> None:
    before = snapshot(store)

    store.write(GraphBatch(nodes=[node(L.CAMPAIGN, "c1", name="Spring sale v2")]))

    assert store.get_node(C1) == node(L.CAMPAIGN, "c1", name="Spring sale v2")  # budget gone
    assert snapshot(store) == before


def test_rewriting_an_outcome_replaces_its_metrics(store: GraphStore) -> None:
    props = {"date": "2024-03-01", "campaign_id": "c2", "channel_id": "ch_search", "spend": 7.5}
    store.write(GraphBatch(nodes=[node(L.OUTCOME, "o5", **props)]))

    assert store.get_node(outcome_ref("o5")) == node(L.OUTCOME, "o5", **props)
    totals = store.aggregate_outcomes(OutcomeQuery(campaign_ids=["c2"], group_by=()))
    assert [(t.rows, t.spend, t.revenue, t.audience_id) for t in totals] == [(1, 7.5, 0.0, None)]
    assert store.count(L.OUTCOME) == 7


def test_rewriting_an_outcome_leaves_its_edges_where_they_were(store: GraphStore) -> None:
    o5 = outcome_ref("o5")
    edges_before = store.incident_edges([o5], 100)
    before = snapshot(store)

    # The outcome now names other campaign, channel and audience ids in its properties;
    # its OF edges were written separately and still point where they were written to.
    props = {
        "date": "2024-03-01",
        "campaign_id": "c3",
        "channel_id": "ch_social",
        "audience_id": "a1",
        "spend": 10.0,
    }
    store.write(GraphBatch(nodes=[node(L.OUTCOME, "o5", **props)]))

    assert store.incident_edges([o5], 100) == edges_before
    assert {str(e.dst) for e in edges_before} == {
        "Campaign:c2",
        "Channel:ch_search",
        "Audience:a2",
        "IngestRun:run1",
    }
    assert snapshot(store) == before
    assert o5 in refs_of(store.get_lineage(C2, "down", depth=1))
    assert o5 not in refs_of(store.get_lineage(C3, "down", depth=1))


@pytest.mark.parametrize(
    ("first", "second"),
    [({"weight": 0.5}, {}), ({}, {"weight": 0.5}), ({"weight": 0.5}, {"weight": 2.0})],
    ids=["props-then-none", "none-then-props", "props-then-props"],
)
def test_rewriting_an_outcome_edge_keeps_one_edge(
    store: GraphStore, first: dict[str, Any], second: dict[str, Any]
) -> None:
    o1 = outcome_ref("o1")
    before = snapshot(store)

    store.write(GraphBatch(edges=[edge(o1, R.OF, C1, **first)]))
    store.write(GraphBatch(edges=[edge(o1, R.OF, C1, **second)]))

    to_c1 = [e for e in store.incident_edges([o1], 100) if e.dst == C1]
    assert [(e.type, e.properties) for e in to_c1] == [(R.OF, second)]
    from_c1 = [e for e in store.incident_edges([C1], 100) if e.src == o1]
    assert [(e.type, e.properties) for e in from_c1] == [(R.OF, second)]
    assert snapshot(store) == before


def test_rewriting_an_edge_replaces_its_properties(store: GraphStore) -> None:
    store.write(GraphBatch(edges=[edge(C1, R.TARGETS, A1, weight=0.5, note="core")]))
    store.write(GraphBatch(edges=[edge(C1, R.TARGETS, A1, weight=0.9)]))

    targets = [e for e in store.incident_edges([C1], 100) if e.type is R.TARGETS]
    assert [(e.dst, e.properties) for e in targets] == [(A1, {"weight": 0.9}), (A2, {})]
    assert store.count_edges(R.TARGETS) == 2


def test_property_values_round_trip(graph_store: GraphStore) -> None:
    props = {
        "name": "Émile's café ☕",
        "size": 12000,
        "share": 0.125,
        "active": True,
        "archived": False,
        "regions": ["FR", "BE"],
        "weeks": [1, 2, 3],
        "weights": [0.5, 1.5],
    }
    graph_store.write(GraphBatch(nodes=[node(L.AUDIENCE, "a9", **props)]))

    got = graph_store.get_node(ref(L.AUDIENCE, "a9"))

    assert got is not None
    assert got.properties == {"id": "a9", **props}
    assert type(got.properties["size"]) is int
    assert type(got.properties["share"]) is float
    assert type(got.properties["active"]) is bool


def test_a_node_read_back_carries_its_id_in_its_properties(graph_store: GraphStore) -> None:
    graph_store.write(GraphBatch(nodes=[Node(label=L.BRAND, id="b9", properties={"name": "X"})]))

    got = graph_store.get_node(ref(L.BRAND, "b9"))

    assert got is not None
    assert got.properties == {"id": "b9", "name": "X"}


def test_a_none_property_is_not_stored(graph_store: GraphStore) -> None:
    # Neo4j cannot hold a null property; both backends must read back the same dict.
    graph_store.write(GraphBatch(nodes=[node(L.BRAND, "b9", name="X", voice=None)]))

    got = graph_store.get_node(ref(L.BRAND, "b9"))

    assert got is not None
    assert got.properties == {"id": "b9", "name": "X"}


# -- references ------------------------------------------------------------------------------
def test_an_edge_to_a_missing_node_writes_nothing_of_its_batch(store: GraphStore) -> None:
    before = snapshot(store)
    c9 = ref(L.CAMPAIGN, "c9")
    batch = GraphBatch(
        nodes=[node(L.CAMPAIGN, "c9", name="New"), node(L.AUDIENCE, "a9", name="Fresh")],
        edges=[
            edge(c9, R.TARGETS, ref(L.AUDIENCE, "a9")),
            edge(B1, R.RUNS, c9),
            edge(c9, R.ON, ref(L.CHANNEL, "ch_ghost")),
        ],
    )

    with pytest.raises(DanglingReferenceError) as info:
        store.write(batch)

    assert info.value.missing == [("Channel", "ch_ghost")]
    assert "Channel:ch_ghost" in str(info.value)
    assert snapshot(store) == before
    assert store.get_node(c9) is None
    assert store.existing_ids(L.AUDIENCE, ["a9"]) == set()
    assert store.labels_of("c9") == []


def test_a_missing_source_end_and_a_missing_outcome_are_both_named(store: GraphStore) -> None:
    before = snapshot(store)
    batch = GraphBatch(
        nodes=[node(L.CAMPAIGN, "c9")],
        edges=[
            edge(ref(L.BRAND, "b_ghost"), R.RUNS, ref(L.CAMPAIGN, "c9")),
            edge(outcome_ref("o_ghost"), R.OF, C1),
        ],
    )

    with pytest.raises(DanglingReferenceError) as info:
        store.write(batch)

    assert sorted(info.value.missing) == [("Brand", "b_ghost"), ("Outcome", "o_ghost")]
    assert snapshot(store) == before


def test_a_reference_must_match_the_label_too(store: GraphStore) -> None:
    # "a1" exists, but as an Audience: a Campaign "a1" does not.
    with pytest.raises(DanglingReferenceError) as info:
        store.write(GraphBatch(edges=[edge(B1, R.RUNS, ref(L.CAMPAIGN, "a1"))]))

    assert info.value.missing == [("Campaign", "a1")]
    assert store.count_edges(R.RUNS) == 3


def test_references_may_come_in_any_order_inside_a_batch(graph_store: GraphStore) -> None:
    c, b, o = ref(L.CAMPAIGN, "cx"), ref(L.BRAND, "bx"), outcome_ref("ox")
    batch = GraphBatch(
        nodes=[
            node(L.OUTCOME, "ox", date="2024-01-01", campaign_id="cx", spend=1.0),
            node(L.CAMPAIGN, "cx"),
            node(L.BRAND, "bx"),
        ],
        edges=[edge(o, R.OF, c), edge(b, R.RUNS, c)],
    )

    graph_store.write(batch)

    assert graph_store.count_edges(R.RUNS) == 1
    assert graph_store.count_edges(R.OF) == 1
    assert [(e.src, e.type, e.dst) for e in graph_store.incident_edges([c], 10)] == [
        (o, R.OF, c),
        (b, R.RUNS, c),
    ]


def test_an_edge_may_join_a_new_node_to_an_existing_one(store: GraphStore) -> None:
    store.write(
        GraphBatch(
            nodes=[node(L.AUDIENCE, "a3", name="Students")],
            edges=[
                edge(C2, R.TARGETS, ref(L.AUDIENCE, "a3")),
                edge(ref(L.AUDIENCE, "a3"), R.BELONGS_TO, B1),
            ],
        )
    )

    context = store.get_campaign_context("c2")
    assert [n.id for n in context.audiences] == ["a3"]
    assert store.count_edges(R.BELONGS_TO) == 1


# -- append-only -----------------------------------------------------------------------------
def test_recording_a_decision_id_twice_is_refused(store: GraphStore) -> None:
    store.record_decision(decision("dec_1", evidence=[Evidence(ref=C1, score=0.5)]))
    before = snapshot(store)
    original = store.get_node(ref(L.DECISION, "dec_1"))

    with pytest.raises(AppendOnlyViolationError) as info:
        store.record_decision(
            decision("dec_1", rationale="rewritten", evidence=[Evidence(ref=C2, score=1.0)])
        )

    assert (info.value.label, info.value.node_id) == ("Decision", "dec_1")
    assert store.get_node(ref(L.DECISION, "dec_1")) == original
    assert original is not None and original.properties["rationale"] == (
        "search returns more per euro"
    )
    assert snapshot(store) == before


@pytest.mark.parametrize("label", [L.DECISION, L.APPROVAL])
def test_a_raw_write_over_an_append_only_node_writes_nothing(
    store: GraphStore, label: Label
) -> None:
    store.write(GraphBatch(nodes=[node(label, "x1", note="first")]))
    first = store.get_node(ref(label, "x1"))  # with its audit seal (graph/audit.py)
    before = snapshot(store)

    with pytest.raises(AppendOnlyViolationError):
        store.write(GraphBatch(nodes=[node(L.BRAND, "b_new"), node(label, "x1", note="second")]))

    assert first is not None and first.properties["note"] == "first"
    assert store.get_node(ref(label, "x1")) == first
    assert store.get_node(ref(L.BRAND, "b_new")) is None
    assert snapshot(store) == before


# -- reads -----------------------------------------------------------------------------------
def test_get_node_and_get_nodes(store: GraphStore) -> None:
    assert store.get_node(B1) == node(L.BRAND, "b1", name="Acme", currency="EUR")
    assert store.get_node(ref(L.BRAND, "b404")) is None
    assert store.get_node(ref(L.CAMPAIGN, "b1")) is None  # ids are unique per label only

    got = store.get_nodes([C3, ref(L.BRAND, "nope"), outcome_ref("o2"), B1])

    assert [n.ref for n in got] == [C3, outcome_ref("o2"), B1]
    assert got[1].properties["spend"] == 50.5
    assert store.get_nodes([]) == []


def test_existing_ids_and_labels_of(store: GraphStore) -> None:
    assert store.existing_ids(L.CAMPAIGN, ["c1", "c3", "c9", "b1"]) == {"c1", "c3"}
    assert store.existing_ids(L.OUTCOME, ["o1", "o7", "o8"]) == {"o1", "o7"}
    assert store.existing_ids(L.BRAND, []) == set()
    assert store.labels_of("a1") == [L.AUDIENCE]
    assert store.labels_of("o3") == [L.OUTCOME]
    assert store.labels_of("zzz") == []


def test_resolve_bare_and_labelled_ids(store: GraphStore) -> None:
    store.write(GraphBatch(nodes=[node(L.SOURCE, "utm:spring"), node(L.PLAN, "c1")]))

    assert store.resolve("b1") == B1
    assert store.resolve("o4") == outcome_ref("o4")
    assert store.resolve("Campaign:c1") == C1
    assert store.resolve("Plan:c1") == ref(L.PLAN, "c1")
    assert store.resolve("utm:spring") == ref(L.SOURCE, "utm:spring")
    with pytest.raises(AmbiguousNodeIdError) as info:
        store.resolve("c1")
    assert sorted(info.value.labels) == ["Campaign", "Plan"]
    assert "Campaign:c1" in str(info.value) and "Plan:c1" in str(info.value)
    with pytest.raises(NodeNotFoundError) as missing:
        store.resolve("c404")
    assert missing.value.node_id == "c404"
    with pytest.raises(NodeNotFoundError) as missing_labelled:
        store.resolve("Brand:c1")
    assert (missing_labelled.value.label, missing_labelled.value.node_id) == ("Brand", "c1")


def test_an_outcome_sharing_an_id_with_another_node_is_ambiguous(store: GraphStore) -> None:
    store.write(GraphBatch(nodes=[node(L.ALERT, "o1", level="warn")]))

    with pytest.raises(AmbiguousNodeIdError) as info:
        store.resolve("o1")

    assert sorted(info.value.labels) == ["Alert", "Outcome"]
    assert sorted(store.labels_of("o1")) == [L.ALERT, L.OUTCOME]


def test_incident_edges_are_ordered_by_type_then_other_end(store: GraphStore) -> None:
    def other(e: Edge, me: NodeRef) -> str:
        return str(e.dst if e.src == me else e.src)

    got = [(e.type.value, other(e, C1)) for e in store.incident_edges([C1], 100)]
    assert got == [
        *[("OF", f"Outcome:{o}") for o in ("o1", "o2", "o3", "o4", "o7")],
        ("ON", "Channel:ch_search"),
        ("ON", "Channel:ch_social"),
        ("RUNS", "Brand:b1"),
        ("TARGETS", "Audience:a1"),
        ("TARGETS", "Audience:a2"),
        ("USES", "Asset:as1"),
        ("USES", "Asset:as2"),
    ]
    o1 = outcome_ref("o1")
    got_o1 = [(e.type.value, other(e, o1)) for e in store.incident_edges([o1], 100)]
    assert got_o1 == [
        ("FROM", "IngestRun:run1"),
        ("OF", "Audience:a1"),
        ("OF", "Campaign:c1"),
        ("OF", "Channel:ch_search"),
    ]


def test_incident_edges_limit_applies_per_node(store: GraphStore) -> None:
    edges = store.incident_edges([C1, SEARCH, B2], limit_per_node=2)

    assert edge_keys(edges) == {
        ("Outcome:o1", "OF", "Campaign:c1"),
        ("Outcome:o2", "OF", "Campaign:c1"),
        ("Outcome:o1", "OF", "Channel:ch_search"),
        ("Outcome:o2", "OF", "Channel:ch_search"),
        ("Brand:b2", "RUNS", "Campaign:c3"),
    }
    assert len(edges) == 5


# -- neighbourhood ---------------------------------------------------------------------------
def test_neighbourhood_with_limit_and_truncation(store: GraphStore) -> None:
    full = store.get_neighbourhood(B1)
    assert full.root == B1 and not full.truncated
    assert [n.ref for n in full.nodes] == [B1, C1, C2]
    assert edge_keys(full.edges) == {
        ("Brand:b1", "RUNS", "Campaign:c1"),
        ("Brand:b1", "RUNS", "Campaign:c2"),
    }

    cut = store.get_neighbourhood(B1, limit=1)
    assert cut.truncated
    assert [n.ref for n in cut.nodes] == [B1, C1]
    assert edge_keys(cut.edges) == {("Brand:b1", "RUNS", "Campaign:c1")}

    exact = store.get_neighbourhood(B1, limit=2)
    assert not exact.truncated and len(exact.edges) == 2


def test_neighbourhood_of_an_outcome_and_of_a_missing_node(store: GraphStore) -> None:
    sub = store.get_neighbourhood(outcome_ref("o4"))

    assert sub.nodes[0].ref == outcome_ref("o4")
    assert refs_of(sub) == {outcome_ref("o4"), C1, SOCIAL, RUN}
    with pytest.raises(NodeNotFoundError):
        store.get_neighbourhood(ref(L.CAMPAIGN, "c404"))


# -- decisions and lineage -------------------------------------------------------------------
PLAN = ref(L.PLAN, "plan1")
DEC = ref(L.DECISION, "dec_plan")
AGENT = ref(L.AGENT, "planner")
O1 = outcome_ref("o1")


@pytest.fixture
def decided(store: GraphStore) -> GraphStore:
    """:func:`world` plus one decision based on o1 and c1 that produced plan1."""
    store.record_decision(
        decision(
            "dec_plan",
            evidence=[
                Evidence(ref=O1, score=0.8, reason="best ROAS"),
                Evidence(ref=C1, score=0.2),
            ],
            produced=[node(L.PLAN, "plan1", title="Shift to search")],
        )
    )
    return store


def test_record_decision_writes_the_node_and_its_edges(decided: GraphStore) -> None:
    dec = decided.get_node(DEC)
    assert dec is not None
    assert dec.properties["kind"] == "budget_shift"
    assert dec.properties["agent"] == "planner"
    assert dec.properties["confidence"] == 0.7
    assert dec.properties["inputs"] == '{"window_days":7}'
    assert len(dec.properties["inputs_digest"]) == 64
    assert "model" not in dec.properties  # None values are not stored
    assert decided.get_node(AGENT) == node(L.AGENT, "planner")
    assert decided.get_node(PLAN) == node(L.PLAN, "plan1", title="Shift to search")

    edges = {(e.type.value, str(e.dst)): e.properties for e in decided.incident_edges([DEC], 10)}
    assert edges == {
        ("BASED_ON", "Campaign:c1"): {"score": 0.2},
        ("BASED_ON", "Outcome:o1"): {"score": 0.8, "reason": "best ROAS"},
        ("MADE_BY", "Agent:planner"): {},
        ("PRODUCED", "Plan:plan1"): {},
    }


def test_a_decision_on_missing_evidence_writes_nothing(store: GraphStore) -> None:
    before = snapshot(store)

    with pytest.raises(DanglingReferenceError) as info:
        store.record_decision(
            decision(
                "dec_x",
                evidence=[Evidence(ref=O1), Evidence(ref=outcome_ref("o404"))],
                produced=[node(L.PLAN, "plan_x")],
            )
        )

    assert info.value.missing == [("Outcome", "o404")]
    assert snapshot(store) == before
    assert store.get_node(AGENT) is None


def test_lineage_up_from_a_produced_node_reaches_agent_and_evidence(decided: GraphStore) -> None:
    one = decided.get_lineage(PLAN, "up", depth=1)
    assert refs_of(one) == {PLAN, DEC}
    assert one.nodes[0].ref == PLAN and not one.truncated

    two = decided.get_lineage(PLAN, "up", depth=2)
    assert refs_of(two) == {PLAN, DEC, AGENT, O1, C1}
    assert edge_keys(two.edges) == {
        ("Decision:dec_plan", "PRODUCED", "Plan:plan1"),
        ("Decision:dec_plan", "MADE_BY", "Agent:planner"),
        ("Decision:dec_plan", "BASED_ON", "Outcome:o1"),
        ("Decision:dec_plan", "BASED_ON", "Campaign:c1"),
    }
    based_on = [e for e in two.edges if e.type is R.BASED_ON and e.dst == O1]
    assert based_on[0].properties == {"score": 0.8, "reason": "best ROAS"}
    evidence = next(n for n in two.nodes if n.ref == O1)
    assert evidence.properties["spend"] == 100.0

    three = decided.get_lineage(PLAN, "up", depth=3)
    assert {B1, RUN, SEARCH, A1, A2, SOCIAL, AS1, AS2} <= refs_of(three)
    assert SRC not in refs_of(three)
    assert SRC in refs_of(decided.get_lineage(PLAN, "up", depth=4))
    assert outcome_ref("o2") not in refs_of(decided.get_lineage(PLAN, "up", depth=10))


def test_lineage_down_from_evidence_reaches_decision_and_product(decided: GraphStore) -> None:
    one = decided.get_lineage(O1, "down", depth=1)
    assert refs_of(one) == {O1, DEC}

    two = decided.get_lineage(O1, "down", depth=2)
    assert refs_of(two) == {O1, DEC, PLAN}
    assert edge_keys(two.edges) == {
        ("Decision:dec_plan", "BASED_ON", "Outcome:o1"),
        ("Decision:dec_plan", "PRODUCED", "Plan:plan1"),
    }
    assert refs_of(decided.get_lineage(O1, "down", depth=10)) == {O1, DEC, PLAN}


def test_lineage_limit_marks_the_result_truncated(decided: GraphStore) -> None:
    cut = decided.get_lineage(PLAN, "up", depth=3, limit=2)
    assert cut.truncated and refs_of(cut) == {PLAN, DEC}

    whole = decided.get_lineage(PLAN, "up", depth=2, limit=5)
    assert not whole.truncated and len(whole.nodes) == 5

    over = decided.get_lineage(PLAN, "up", depth=3, limit=5)
    assert over.truncated and len(over.nodes) == 5
    assert refs_of(over) == {PLAN, DEC, AGENT, O1, C1}


def test_lineage_limit_is_not_spent_on_edges_of_the_other_direction(store: GraphStore) -> None:
    # c1 has five OF edges (its effects) sorted before RUNS/TARGETS/ON/USES (its causes).
    sub = store.get_lineage(C1, "up", depth=1, limit=3)

    assert len(sub.nodes) == 3
    assert refs_of(sub) <= {C1, B1, A1, A2, SEARCH, SOCIAL, AS1, AS2}
    assert sub.truncated


def test_lineage_arguments_are_checked(decided: GraphStore) -> None:
    with pytest.raises(ValueError, match="direction"):
        decided.get_lineage(PLAN, "sideways", depth=2)  # type: ignore[arg-type]
    for depth in (0, -1, 11):
        with pytest.raises(ValueError, match="depth"):
            decided.get_lineage(PLAN, "up", depth=depth)
    with pytest.raises(NodeNotFoundError):
        decided.get_lineage(ref(L.PLAN, "plan404"), "up")


def test_a_correction_points_at_the_decision_it_corrects(decided: GraphStore) -> None:
    original = decided.get_node(DEC)
    decided.record_decision(decision("dec_fix", corrects="dec_plan", rationale="typo in data"))

    assert decided.get_node(DEC) == original
    fix = ref(L.DECISION, "dec_fix")
    assert DEC in refs_of(decided.get_lineage(fix, "up", depth=1))
    assert fix in refs_of(decided.get_lineage(DEC, "down", depth=1))


def test_outcomes_behave_like_any_node_in_lineage(store: GraphStore) -> None:
    up = store.get_lineage(outcome_ref("o3"), "up", depth=1)
    assert refs_of(up) == {outcome_ref("o3"), C1, SOCIAL, A2, RUN}
    assert SRC in refs_of(store.get_lineage(outcome_ref("o3"), "up", depth=2))

    down = store.get_lineage(SEARCH, "down", depth=1)
    assert refs_of(down) == {SEARCH, C1, C2, *(outcome_ref(o) for o in ("o1", "o2", "o5", "o7"))}

    from_source = store.get_lineage(SRC, "down", depth=2)
    assert refs_of(from_source) == {SRC, RUN, *(outcome_ref(r[0]) for r in OUTCOME_ROWS)}


# -- campaign context ------------------------------------------------------------------------
def metrics_of(t: OutcomeTotals) -> tuple[Any, ...]:
    return (t.rows, *(getattr(t, m) for m in METRICS))


def test_campaign_context(store: GraphStore) -> None:
    store.record_decision(decision("dec_old", evidence=[Evidence(ref=C1)]))
    store.record_decision(
        decision(
            "dec_new",
            created_at=datetime(2024, 3, 6, 9, 0, tzinfo=UTC),
            evidence=[Evidence(ref=O1, score=1.0), Evidence(ref=C1, score=0.5)],
            produced=[node(L.PLAN, "plan2")],
        )
    )
    store.record_decision(decision("dec_other", evidence=[Evidence(ref=C2)]))

    ctx = store.get_campaign_context("c1", start=date(2024, 3, 1), end=date(2024, 3, 2))

    assert ctx.campaign == node(L.CAMPAIGN, "c1", name="Spring sale", brand_id="b1", budget=500.0)
    assert ctx.brand == node(L.BRAND, "b1", name="Acme", currency="EUR")
    assert [n.id for n in ctx.audiences] == ["a1", "a2"]
    assert [n.id for n in ctx.channels] == ["ch_search", "ch_social"]
    assert [n.id for n in ctx.assets] == ["as1", "as2"]
    assert ctx.assets[0].properties["title"] == "Headline"
    by_channel = [(t.channel_id, *metrics_of(t)) for t in ctx.outcomes_by_channel]
    assert by_channel == [  # o1 + o2 (o7 is before the range), o3 (o4 is after it)
        ("ch_search", 2, 150.5, 500.0, 5, 70, 1500, 2),
        ("ch_social", 1, 80.0, 120.0, 2, 30, 2000, 1),
    ]
    assert [d.id for d in ctx.decisions] == ["dec_new", "dec_old"]  # newest first


def test_campaign_context_without_a_range_and_when_sparse(store: GraphStore) -> None:
    ctx = store.get_campaign_context("c1")
    assert [(t.channel_id, *metrics_of(t)) for t in ctx.outcomes_by_channel] == [
        ("ch_search", 3, 155.5, 500.0, 5, 71, 1550, 2),
        ("ch_social", 2, 80.0, 135.0, 3, 35, 2300, 1),
    ]
    assert ctx.decisions == []

    store.write(GraphBatch(nodes=[node(L.CAMPAIGN, "c_alone")]))
    alone = store.get_campaign_context("c_alone")
    assert alone.brand is None
    assert (alone.audiences, alone.channels, alone.assets) == ([], [], [])
    assert alone.outcomes_by_channel == [] and alone.decisions == []

    with pytest.raises(NodeNotFoundError):
        store.get_campaign_context("c404")


# -- outcome aggregates ----------------------------------------------------------------------
TOTALS_FIELDS = ("campaign_id", "channel_id", "audience_id", "asset_id", "date", "rows", *METRICS)


def fields_of(t: OutcomeTotals) -> dict[str, Any]:
    return {name: getattr(t, name) for name in TOTALS_FIELDS}


def totals(**kwargs: Any) -> dict[str, Any]:
    """An expected group: keys not given are None, metrics not given are 0."""
    return fields_of(OutcomeTotals(**kwargs))


def as_dicts(result: list[OutcomeTotals]) -> list[dict[str, Any]]:
    return [fields_of(t) for t in result]


def assert_totals(result: list[OutcomeTotals], expected: list[dict[str, Any]]) -> None:
    got = as_dicts(result)
    assert len(got) == len(expected), got
    for row, want in zip(got, expected, strict=True):
        assert row == pytest.approx(want)


def test_aggregate_by_campaign_channel_audience(store: GraphStore) -> None:
    result = store.aggregate_outcomes(OutcomeQuery())

    # Where a missing audience (None) sorts is not part of the contract: compare by key.
    keyed = {(t.campaign_id, t.channel_id, t.audience_id): fields_of(t) for t in result}
    expected = [
        totals(
            campaign_id="c1",
            channel_id="ch_search",
            audience_id="a1",
            rows=3,
            spend=155.5,
            revenue=500,
            conversions=5,
            clicks=71,
            impressions=1550,
            leads=2,
        ),
        totals(
            campaign_id="c1",
            channel_id="ch_social",
            audience_id="a2",
            rows=1,
            spend=80,
            revenue=120,
            conversions=2,
            clicks=30,
            impressions=2000,
            leads=1,
        ),
        totals(
            campaign_id="c1",
            channel_id="ch_social",
            audience_id=None,
            rows=1,
            spend=0,
            revenue=15,
            conversions=1,
            clicks=5,
            impressions=300,
            leads=0,
        ),
        totals(
            campaign_id="c2",
            channel_id="ch_search",
            audience_id="a2",
            rows=1,
            spend=10,
            revenue=35,
            conversions=1,
            clicks=4,
            impressions=100,
            leads=0,
        ),
        totals(
            campaign_id="c3",
            channel_id="ch_social",
            audience_id="a1",
            rows=1,
            spend=200,
            revenue=300,
            conversions=3,
            clicks=60,
            impressions=4000,
            leads=5,
        ),
    ]
    assert len(result) == len(expected)
    for want in expected:
        key = (want["campaign_id"], want["channel_id"], want["audience_id"])
        assert keyed[key] == pytest.approx(want)
    non_null = [(t.campaign_id, t.channel_id, t.audience_id) for t in result if t.audience_id]
    assert non_null == sorted(non_null)


def test_aggregate_by_channel(store: GraphStore) -> None:
    assert_totals(
        store.aggregate_outcomes(OutcomeQuery(group_by=("channel_id",))),
        [
            totals(
                channel_id="ch_search",
                rows=4,
                spend=165.5,
                revenue=535,
                conversions=6,
                clicks=75,
                impressions=1650,
                leads=2,
            ),
            totals(
                channel_id="ch_social",
                rows=3,
                spend=280,
                revenue=435,
                conversions=6,
                clicks=95,
                impressions=6300,
                leads=6,
            ),
        ],
    )


def test_aggregate_by_date_for_a_brand_over_an_inclusive_range(store: GraphStore) -> None:
    query = OutcomeQuery(
        brand_id="b1", start=date(2024, 3, 1), end=date(2024, 3, 2), group_by=("date",)
    )
    assert_totals(
        store.aggregate_outcomes(query),
        [
            totals(
                date="2024-03-01",
                rows=2,
                spend=110,
                revenue=435,
                conversions=5,
                clicks=54,
                impressions=1100,
                leads=2,
            ),
            totals(
                date="2024-03-02",
                rows=2,
                spend=130.5,
                revenue=220,
                conversions=3,
                clicks=50,
                impressions=2500,
                leads=1,
            ),
        ],
    )


def test_aggregate_by_date_is_ordered_by_date(store: GraphStore) -> None:
    result = store.aggregate_outcomes(OutcomeQuery(group_by=("date",)))

    assert [(t.date, t.rows) for t in result] == [
        ("2024-02-28", 1),
        ("2024-03-01", 2),
        ("2024-03-02", 2),
        ("2024-03-03", 1),
        ("2024-03-05", 1),
    ]


def test_aggregate_filters(store: GraphStore) -> None:
    def by_campaign(**filters: Any) -> list[tuple[Any, ...]]:
        query = OutcomeQuery(group_by=("campaign_id",), **filters)
        return [(t.campaign_id, *metrics_of(t)) for t in store.aggregate_outcomes(query)]

    c3 = ("c3", 1, 200.0, 300.0, 3, 60, 4000, 5)
    assert by_campaign(channel_ids=["ch_social"]) == [("c1", 2, 80.0, 135.0, 3, 35, 2300, 1), c3]
    assert by_campaign(audience_ids=["a1"]) == [("c1", 3, 155.5, 500.0, 5, 71, 1550, 2), c3]
    assert by_campaign(start=date(2024, 3, 3)) == [("c1", 1, 0.0, 15.0, 1, 5, 300, 0), c3]
    assert by_campaign(end=date(2024, 2, 28)) == [("c1", 1, 5.0, 0.0, 0, 1, 50, 0)]
    assert by_campaign(brand_id="b1", campaign_ids=["c1", "c3"]) == [
        ("c1", 5, 235.5, 635.0, 8, 106, 3850, 3)
    ]
    assert by_campaign(brand_id="b2") == [c3]
    assert by_campaign(brand_id="b404") == []
    assert by_campaign(campaign_ids=[]) == []
    assert by_campaign(channel_ids=["ch_search"], start=date(2024, 4, 1)) == []


def test_aggregate_missing_audience_is_its_own_none_group(store: GraphStore) -> None:
    result = store.aggregate_outcomes(OutcomeQuery(group_by=("audience_id",)))

    keyed = {t.audience_id: metrics_of(t) for t in result}
    assert keyed == {
        "a1": (4, 355.5, 800.0, 8, 131, 5550, 7),
        "a2": (2, 90.0, 155.0, 3, 34, 2100, 1),
        None: (1, 0.0, 15.0, 1, 5, 300, 0),
    }
    assert all(t.campaign_id is None and t.channel_id is None for t in result)


def test_aggregate_without_grouping_is_one_grand_total(store: GraphStore) -> None:
    assert_totals(
        store.aggregate_outcomes(OutcomeQuery(group_by=())),
        [
            totals(
                rows=7,
                spend=445.5,
                revenue=970,
                conversions=12,
                clicks=170,
                impressions=7950,
                leads=8,
            )
        ],
    )


def test_aggregate_of_chosen_metrics_sums_only_those(store: GraphStore) -> None:
    def by_channel(**kwargs: Any) -> list[tuple[Any, ...]]:
        query = OutcomeQuery(group_by=("channel_id",), **kwargs)
        return [(t.channel_id, *metrics_of(t)) for t in store.aggregate_outcomes(query)]

    # Metrics not asked for come back as 0.0; the rows and the others as in the full sum.
    assert by_channel(metrics=("impressions", "spend")) == [
        ("ch_search", 4, 165.5, 0.0, 0.0, 0.0, 1650, 0.0),
        ("ch_social", 3, 280.0, 0.0, 0.0, 0.0, 6300, 0.0),
    ]
    assert by_channel(metrics=(), brand_id="b2") == [("ch_social", 1, 0, 0, 0, 0, 0, 0)]
    assert by_channel(metrics=None) == by_channel()
    with pytest.raises(ValueError, match="outcome metric"):
        OutcomeQuery(metrics=("profit",))


def test_roas(store: GraphStore) -> None:
    result = store.aggregate_outcomes(OutcomeQuery(campaign_ids=["c1"]))
    roas = {(t.channel_id, t.audience_id): t.roas for t in result}

    assert roas[("ch_search", "a1")] == pytest.approx(500 / 155.5)
    assert roas[("ch_social", "a2")] == pytest.approx(1.5)
    assert roas[("ch_social", None)] is None  # no spend: no ratio, not infinity
