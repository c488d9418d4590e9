"""A record sent twice in one ingest is one node with one set of edges, on both backends.

Within a file and across two files of one batch, the last copy's properties and line win
and its edges are written once (``ingest/writing.py`` keeps a table's columns as they are
only when its ids are all different).
"""

from __future__ import annotations

from graph.base import GraphStore
from graph.models import NodeRef
from graph.schema import Label, RelType
from ingest import ingest
from tests.integration.test_ingest import AUDIENCES, BRANDS, CAMPAIGNS, CHANNELS, part

ROW = {"date": "2026-03-01", "campaign_id": "c1", "channel_id": "ch-email", "spend": 1}
OTHER = {
    "date": "2026-03-02",
    "campaign_id": "c1",
    "channel_id": "ch-search",
    "audience_id": "aud-ret",
    "spend": 3,
}
OUTCOME_ID = "2026-03-01|c1|ch-email||"


def _dimensions(store: GraphStore) -> None:
    ingest(
        store,
        [part("brands", BRANDS), part("channels", CHANNELS), part("audiences", AUDIENCES)],
    )
    ingest(store, [part("campaigns", [{**CAMPAIGNS[0], "asset_ids": []}])])


def _from_edges(store: GraphStore, oid: str) -> list[tuple[str, dict[str, object]]]:
    ref = NodeRef(Label.OUTCOME, oid)
    return [
        (e.dst.id, dict(e.properties))
        for e in store.incident_edges([ref], 100, {RelType.FROM: "out"})
    ]


def test_a_row_sent_twice_in_a_file_is_one_outcome(graph_store: GraphStore) -> None:
    _dimensions(graph_store)
    edges = graph_store.count_edges()
    rows = [ROW, OTHER, {**ROW, "spend": 2}]

    report = ingest(graph_store, [part("outcomes", rows, "twice.jsonl")])

    assert report.accepted == 3 and graph_store.count(Label.OUTCOME) == 2
    stored = graph_store.get_node(NodeRef(Label.OUTCOME, OUTCOME_ID))
    assert stored is not None and stored.properties["spend"] == 2.0
    [(run, props)] = _from_edges(graph_store, OUTCOME_ID)
    assert run == report.run_id and props["line"] == 3
    # 2 outcomes: OF campaign + channel each, one OF audience; FROM each; READ of the file.
    assert graph_store.count_edges() == edges + 2 * 2 + 1 + 2 + 1


def test_a_row_sent_in_two_files_of_a_batch_is_one_outcome(graph_store: GraphStore) -> None:
    _dimensions(graph_store)
    edges = graph_store.count_edges()
    first = part("outcomes", [ROW, OTHER], "first.jsonl")
    second = part("outcomes", [{**ROW, "spend": 5}], "second.jsonl")

    report = ingest(graph_store, [first, second])

    assert report.accepted == 3 and graph_store.count(Label.OUTCOME) == 2
    stored = graph_store.get_node(NodeRef(Label.OUTCOME, OUTCOME_ID))
    assert stored is not None and stored.properties["spend"] == 5.0
    [(run, props)] = _from_edges(graph_store, OUTCOME_ID)
    assert run == report.run_id
    assert props["line"] == 1 and str(props["source"]) == second.source.node_id
    assert graph_store.count_edges() == edges + 2 * 2 + 1 + 2 + 2
