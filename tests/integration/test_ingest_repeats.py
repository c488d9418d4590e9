"""A record sent twice in one ingest: a batch holds each id once, on both backends.

Within a file or across two files of one batch, the later copy is rejected naming where
the first is (``ingest/checks.py``): without skip-bad nothing is written; with it, the
first copy lands as one node with one set of edges and ``accepted`` counts what landed.
"""

from __future__ import annotations

import pytest

from graph.base import GraphStore
from graph.models import NodeRef
from graph.schema import Label, RelType
from ingest import ingest
from ingest.errors import RecordsRejectedError
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


def test_a_row_sent_twice_in_a_file_is_refused_and_nothing_written(
    graph_store: GraphStore,
) -> None:
    _dimensions(graph_store)
    nodes, edges = graph_store.count(), graph_store.count_edges()
    rows = [ROW, OTHER, {**ROW, "spend": 2}]

    with pytest.raises(RecordsRejectedError) as caught:
        ingest(graph_store, [part("outcomes", rows, "twice.jsonl")])

    [rejection] = caught.value.rejected
    assert rejection.line == 3 and "also on line 1" in rejection.reason
    assert graph_store.count() == nodes and graph_store.count_edges() == edges


def test_a_row_sent_twice_in_a_file_is_one_outcome_with_skip_bad(graph_store: GraphStore) -> None:
    _dimensions(graph_store)
    edges = graph_store.count_edges()
    rows = [ROW, OTHER, {**ROW, "spend": 2}]

    report = ingest(graph_store, [part("outcomes", rows, "twice.jsonl")], skip_bad=True)

    assert report.accepted == 2 and graph_store.count(Label.OUTCOME) == 2
    assert [r.line for r in report.rejected] == [3] and report.rejected_count == 1
    stored = graph_store.get_node(NodeRef(Label.OUTCOME, OUTCOME_ID))
    assert stored is not None and stored.properties["spend"] == 1.0  # the first copy
    [(run, props)] = _from_edges(graph_store, OUTCOME_ID)
    assert run == report.run_id and props["line"] == 1
    # 2 outcomes: OF campaign + channel each, one OF audience; FROM each; READ of the file.
    assert graph_store.count_edges() == edges + 2 * 2 + 1 + 2 + 1


def test_a_row_sent_in_two_files_of_a_batch_is_one_outcome(graph_store: GraphStore) -> None:
    _dimensions(graph_store)
    edges = graph_store.count_edges()
    first = part("outcomes", [ROW, OTHER], "first.jsonl")
    second = part("outcomes", [{**ROW, "spend": 5}], "second.jsonl")

    with pytest.raises(RecordsRejectedError, match=r"also on line 1 of first\.jsonl"):
        ingest(graph_store, [first, second])
    assert graph_store.count_edges() == edges

    first = part("outcomes", [ROW, OTHER], "first.jsonl")
    second = part("outcomes", [{**ROW, "spend": 5}], "second.jsonl")
    report = ingest(graph_store, [first, second], skip_bad=True)

    assert report.accepted == 2 and graph_store.count(Label.OUTCOME) == 2
    [rejection] = report.rejected
    assert rejection.source == "second.jsonl" and rejection.line == 1
    stored = graph_store.get_node(NodeRef(Label.OUTCOME, OUTCOME_ID))
    assert stored is not None and stored.properties["spend"] == 1.0
    [(run, props)] = _from_edges(graph_store, OUTCOME_ID)
    assert run == report.run_id
    assert props["line"] == 1 and str(props["source"]) == first.source.node_id
    assert graph_store.count_edges() == edges + 2 * 2 + 1 + 2 + 2
