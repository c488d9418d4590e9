"""Heartbeats of an ingest run: after the first batch committed, then at most once per
interval (each is a transaction of its own), never after the last batch."""

from __future__ import annotations

from graph.base import GraphStore
from graph.models import GraphBatch, Node, NodeRef
from graph.schema import Label
from ingest.runs import tracking

RUN = NodeRef(Label.INGEST_RUN, "run_beats")


def _running(store: GraphStore) -> None:
    props = {"id": RUN.id, "status": "running", "kinds": ["outcomes"]}
    store.write(GraphBatch(nodes=[Node(Label.INGEST_RUN, RUN.id, props)]))


def _written(store: GraphStore) -> object:
    node = store.get_node(RUN)
    assert node is not None
    return node.properties.get("written")


def test_the_first_batch_beats_and_the_next_wait_for_the_interval(
    embedded_store: GraphStore,
) -> None:
    _running(embedded_store)
    seen: list[tuple[str, int, int]] = []
    update = tracking(embedded_store, RUN, lambda *a: seen.append(a), every=3600.0)
    update("writing", 5, 20)
    assert _written(embedded_store) == 5
    update("writing", 10, 20)
    update("writing", 15, 20)
    assert _written(embedded_store) == 5  # within the interval: no transaction
    update("writing", 20, 20)
    assert _written(embedded_store) == 5  # the last batch: the run is rewritten as it ends
    assert seen == [
        ("writing", 5, 20),
        ("writing", 10, 20),
        ("writing", 15, 20),
        ("writing", 20, 20),
    ]


def test_every_batch_beats_once_the_interval_has_passed(embedded_store: GraphStore) -> None:
    _running(embedded_store)
    update = tracking(embedded_store, RUN, None, every=0.0)
    update("writing", 5, 20)
    update("writing", 10, 20)
    assert _written(embedded_store) == 10
    node = embedded_store.get_node(RUN)
    assert node is not None and node.properties["to_write"] == 20
    assert node.properties.get("heartbeat_at")


def test_a_run_no_longer_running_is_left_as_it_is(embedded_store: GraphStore) -> None:
    _running(embedded_store)
    embedded_store.update_if(RUN, {"status": "running"}, {"status": "interrupted"})
    tracking(embedded_store, RUN, None)("writing", 5, 20)
    node = embedded_store.get_node(RUN)
    assert node is not None
    assert node.properties["status"] == "interrupted" and "written" not in node.properties
