"""Indexing and hybrid retrieval over real stores: a graph backend and Qdrant Edge."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from demo import DemoDataset, generate
from graph.base import GraphStore
from graph.models import NodeRef
from graph.schema import Label, RelType
from ingest import Part, ingest
from ingest.readers import describe, read_rows
from retrieval.edge import EdgeTextIndex
from retrieval.indexer import Indexer
from retrieval.lazy import LazyIndex
from retrieval.retriever import ContextItem, HybridRetriever

KINDS = ("brands", "channels", "audiences", "campaigns", "assets", "outcomes")
BRANDS = ("brand-trailhead", "brand-ledgerline", "brand-emberoak")


@functools.cache
def demo() -> DemoDataset:
    return generate(seed=7)


def texts_in_demo() -> int:
    """Texts the demo indexes: every asset and campaign, and the brands with a voice or
    guidelines (the competitors' brand records have neither: only their copy is known)."""
    brands = [b for b in demo().brands if b["voice"] or b["guidelines"]]
    return len(demo().assets) + len(demo().campaigns) + len(brands)


def demo_parts(fmt: str = "jsonl", outcomes: int = 1500) -> list[Part]:
    """The demo's dimensions and assets with a slice of its outcomes, as files would be."""
    parts = []
    for kind in KINDS:
        records: list[dict[str, Any]] = list(demo().records(kind))
        if kind == "outcomes":
            records = records[:: max(1, len(records) // outcomes)]  # every campaign keeps some
        if fmt == "jsonl":
            data = "\n".join(json.dumps(r) for r in records).encode()
        else:
            data = _csv(records)
        name = f"{kind}.{fmt}"
        parts.append(Part(kind=kind, source=describe(name, data), rows=read_rows(data, fmt, name)))  # type: ignore[arg-type]
    return parts


def _csv(records: list[dict[str, Any]]) -> bytes:
    import csv
    import io

    fields = list(records[0])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    for r in records:
        writer.writerow(
            {
                k: ";".join(v) if isinstance(v, list) else ("" if v is None else v)
                for k, v in r.items()
            }
        )
    return buffer.getvalue().encode()


@pytest.fixture
def index(tmp_path: Path) -> Iterator[EdgeTextIndex]:
    idx = EdgeTextIndex(tmp_path / "index")
    yield idx
    idx.close()


@pytest.fixture
def loaded(graph_store: GraphStore, index: EdgeTextIndex) -> HybridRetriever:
    indexer = Indexer(graph_store, index)
    report = ingest(graph_store, demo_parts(), on_written=lambda n: indexer.index_nodes(n).pending)
    assert report.index_pending == 0
    return HybridRetriever(graph_store, index)


def brand_of(graph: GraphStore, item: ContextItem) -> str:
    node = graph.require_node(NodeRef.parse(item.node_id))
    return node.id if node.label is Label.BRAND else str(node.properties["brand_id"])


def test_search_finds_the_asset_and_its_campaign_context(loaded: HybridRetriever) -> None:
    bundle = loaded.search("Leave No Trace habits on busy trails", k=5, brand_id="brand-trailhead")

    assets = [i for i in bundle.items if i.label == "Asset" and i.via is None]
    assert assets and "Leave No Trace" in assets[0].title
    top = NodeRef.parse(assets[0].node_id)
    campaigns = [i for i in bundle.items if i.via == str(top)]
    assert campaigns, "the asset's campaign is expanded from the graph"
    campaign = NodeRef.parse(campaigns[0].node_id)
    uses = loaded.graph.incident_edges([campaign], 100, directions={RelType.USES: "out"})
    assert top in {e.dst for e in uses}
    assert campaigns[0].facts["roas"] is not None and campaigns[0].facts["spend"] > 0
    assert bundle.mode == "sparse-only"


def test_reingesting_leaves_the_point_count_unchanged(
    graph_store: GraphStore, index: EdgeTextIndex, loaded: HybridRetriever
) -> None:
    points = index.info().points
    assert points == texts_in_demo()
    indexer = Indexer(graph_store, index)

    report = ingest(
        graph_store, demo_parts("csv"), on_written=lambda n: indexer.index_nodes(n).pending
    )

    assert not report.already_ingested
    assert index.info().points == points


@pytest.mark.parametrize("brand", BRANDS)
def test_a_brand_filter_never_leaks_another_brands_items(
    loaded: HybridRetriever, brand: str
) -> None:
    queries = [
        "subject lines for returning customers",
        "winter sale discount code",
        "month-end close for finance teams",
        "single origin coffee subscription gift",
        "brand guidelines and tone of voice",
        "free shipping offer",
    ]
    for query in queries:
        bundle = loaded.search(query, k=10, brand_id=brand)
        assert bundle.items
        assert {brand_of(loaded.graph, i) for i in bundle.items} == {brand}, query


def test_a_qdrant_failure_during_ingest_is_retried_without_losing_the_graph_write(
    graph_store: GraphStore, tmp_path: Path
) -> None:
    folder = tmp_path / "index"
    holder = EdgeTextIndex(folder)  # another process holds the shard (and lends it to no one)
    lazy = LazyIndex(lambda: EdgeTextIndex(folder), "edge")
    indexer = Indexer(graph_store, lazy)
    try:
        report = ingest(
            graph_store, demo_parts(), on_written=lambda n: indexer.index_nodes(n).pending
        )
    finally:
        holder.close()

    texts = texts_in_demo()
    # Every node of an indexed label is queued, also the competitors' brands without text.
    queued = len(demo().assets) + len(demo().campaigns) + len(demo().brands)
    assert report.index_pending == queued
    assert graph_store.count(Label.ASSET) == len(demo().assets)  # the graph write stands
    assert indexer.pending() == queued
    job = graph_store.list_nodes(Label.INDEX_JOB, limit=1)[0]
    assert job.properties["attempts"] == 1
    assert "held by another process" in job.properties["last_error"]

    retried = indexer.retry_pending()

    assert (retried.indexed, retried.pending) == (texts, 0)
    assert lazy.info().points == texts
    assert HybridRetriever(graph_store, lazy).search("Leave No Trace", k=3).items
    lazy.close()


def test_deleted_nodes_leave_the_index(loaded: HybridRetriever, index: EdgeTextIndex) -> None:
    query = "Leave No Trace habits on busy trails"
    first = loaded.search(query, k=3, brand_id="brand-trailhead", expand=False).items[0]
    ref = NodeRef.parse(first.node_id)
    before = index.info().points

    loaded.graph.delete_nodes([ref])
    # Until the index hears of it, a stale point never reaches a caller...
    assert first.node_id not in {i.node_id for i in loaded.search(query, k=3).items}
    # ...and removing it through the indexer deletes the point.
    Indexer(loaded.graph, index).remove_nodes([ref])
    assert index.info().points == before - 1


def test_reindex_rebuilds_every_text_from_the_graph(
    graph_store: GraphStore, index: EdgeTextIndex, loaded: HybridRetriever
) -> None:
    points = index.info().points
    index.recreate()
    assert index.info().points == 0

    report = Indexer(graph_store, index).reindex_all()

    assert report.pending == 0 and index.info().points == points


ASSET_KINDS = ["ad_copy", "image", "video", "email", "landing_page", "blog", "social_post"]


@pytest.mark.parametrize(
    ("audience_id", "brand"),
    [
        ("aud-ledgerline-accountants", "brand-ledgerline"),
        ("aud-emberoak-offices", "brand-emberoak"),
    ],
)
def test_assets_are_found_by_the_audiences_their_campaigns_targeted(
    loaded: HybridRetriever, audience_id: str, brand: str
) -> None:
    # The copy hardly names these audiences; the graph does (asset <- campaign -> audience).
    audience = NodeRef(label=Label.AUDIENCE, id=audience_id)
    name = str(loaded.graph.require_node(audience).properties["name"])
    targeting = loaded.graph.incident_edges([audience], 500, directions={RelType.TARGETS: "in"})
    uses = loaded.graph.incident_edges(
        [e.src for e in targeting], 500, directions={RelType.USES: "out"}
    )

    bundle = loaded.search(name, k=5, brand_id=brand, kinds=ASSET_KINDS, expand=False)

    found = [NodeRef.parse(i.node_id) for i in bundle.items]
    assert len(found) == 5 and set(found) <= {e.dst for e in uses}
