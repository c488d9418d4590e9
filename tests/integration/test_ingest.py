"""Canonical ingestion against both graph backends: provenance, idempotency, rejections."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from graph.base import GraphStore
from graph.models import NodeRef, OutcomeQuery
from graph.schema import Label, RelType
from ingest import Part, RecordsRejectedError, describe, ingest, read_rows
from ingest.errors import UnknownKindError

BRANDS = [{"id": "b1", "name": "Trailhead", "currency": "EUR", "competitors": ["Peak", "Ridge"]}]
CHANNELS = [
    {"id": "ch-email", "name": "Email", "kind": "email"},
    {"id": "ch-search", "name": "Search", "kind": "paid_search", "platform": "Google Ads"},
]
AUDIENCES = [{"id": "aud-ret", "name": "Returning", "brand_id": "b1", "size": 1200}]
# The campaign comes before the asset it uses: references may arrive in any order.
CAMPAIGNS = [
    {
        "id": "c1",
        "brand_id": "b1",
        "name": "Spring sale",
        "objective": "revenue",
        "channel_ids": ["ch-email", "ch-search"],
        "audience_ids": ["aud-ret"],
        "asset_ids": ["a1"],
        "cost_centre": "EU-42",
    }
]
ASSETS = [{"id": "a1", "brand_id": "b1", "kind": "email", "title": "Welcome back", "body": "Hi"}]
OUTCOMES = [
    {
        "date": "2026-03-01",
        "campaign_id": "c1",
        "channel_id": "ch-email",
        "spend": 10,
        "revenue": 40,
    },
    {"date": "2026-03-02", "campaign_id": "c1", "channel_id": "ch-email", "spend": 5, "revenue": 5},
    {
        "date": "2026-03-01",
        "campaign_id": "c1",
        "channel_id": "ch-search",
        "audience_id": "aud-ret",
        "spend": 20.5,
        "revenue": 41,
        "conversions": 2,
    },
]
LEADS = [{"id": "l1", "created_at": "2026-03-01T09:00:00+00:00", "campaign_id": "c1"}]


def jsonl(records: list[dict[str, Any]]) -> bytes:
    return "\n".join(json.dumps(r) for r in records).encode()


def part(kind: str, records: list[dict[str, Any]], name: str | None = None) -> Part:
    data = jsonl(records)
    name = name or f"{kind}.jsonl"
    return Part(kind=kind, source=describe(name, data), rows=read_rows(data, "jsonl", name))


def csv_part(kind: str, records: list[dict[str, Any]]) -> Part:
    fields = sorted({k for r in records for k in r})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields)
    writer.writeheader()
    for r in records:
        writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in r.items()})
    data = buffer.getvalue().encode()
    return Part(kind=kind, source=describe(f"{kind}.csv", data), rows=read_rows(data, "csv"))


def full_batch() -> list[Part]:
    # Deliberately out of dependency order.
    return [
        part("outcomes", OUTCOMES),
        part("campaigns", CAMPAIGNS),
        part("leads", LEADS),
        part("assets", ASSETS),
        part("audiences", AUDIENCES),
        part("channels", CHANNELS),
        part("brands", BRANDS),
    ]


def snapshot(store: GraphStore) -> tuple[int, int, dict[str, Any]]:
    c1 = store.get_node(NodeRef(label=Label.CAMPAIGN, id="c1"))
    return store.count(), store.count_edges(), dict(c1.properties) if c1 else {}


def test_batch_with_references_in_any_order_lands_with_its_edges(graph_store: GraphStore) -> None:
    report = ingest(graph_store, full_batch())

    assert report.accepted == 1 + 2 + 1 + 1 + 1 + 3 + 1
    ctx = graph_store.get_campaign_context("c1")
    assert ctx.brand is not None and ctx.brand.id == "b1"
    assert [n.id for n in ctx.channels] == ["ch-email", "ch-search"]
    assert [n.id for n in ctx.audiences] == ["aud-ret"]
    assert [n.id for n in ctx.assets] == ["a1"]
    by_channel = {t.channel_id: (t.spend, t.revenue) for t in ctx.outcomes_by_channel}
    assert by_channel == {"ch-email": (15.0, 45.0), "ch-search": (20.5, 41.0)}
    # Unknown fields are kept as properties; list references became edges.
    assert ctx.campaign.properties["cost_centre"] == "EU-42"
    # outcomes: 3 to campaigns, 3 to channels, 1 to an audience; the lead: 1 to its campaign
    assert graph_store.count_edges(RelType.OF) == 3 + 3 + 1 + 1
    assert graph_store.count(Label.LEAD) == 1


def test_provenance_reaches_the_ingest_run_and_source_hash(graph_store: GraphStore) -> None:
    batch = full_batch()
    report = ingest(graph_store, batch)
    outcome = NodeRef(label=Label.OUTCOME, id="2026-03-01|c1|ch-search|aud-ret|")

    up = graph_store.get_lineage(outcome, "up", depth=2)

    ids = {(n.label, n.id) for n in up.nodes}
    assert (Label.INGEST_RUN, report.run_id) in ids
    (came_from,) = [e for e in up.edges if e.type is RelType.FROM and e.src == outcome]
    assert came_from.properties == {"source": batch[0].source.node_id, "line": 3}
    source = graph_store.get_node(NodeRef(label=Label.SOURCE, id=batch[0].source.node_id))
    assert source is not None and source.properties["name"] == "outcomes.jsonl"
    assert source.properties["sha256"] == batch[0].source.sha256
    assert (Label.SOURCE, source.id) in ids


def test_reingesting_the_same_content_changes_nothing(graph_store: GraphStore) -> None:
    first = ingest(graph_store, full_batch())
    before = snapshot(graph_store)

    again = ingest(graph_store, full_batch())

    assert again.already_ingested and again.run_id == first.run_id
    assert snapshot(graph_store) == before


def test_same_records_from_csv_update_without_duplicates(graph_store: GraphStore) -> None:
    ingest(graph_store, full_batch())
    count, edges, _ = snapshot(graph_store)
    renamed = [{**CAMPAIGNS[0], "name": "Spring sale (extended)"}]

    report = ingest(graph_store, [csv_part("campaigns", renamed), csv_part("outcomes", OUTCOMES)])

    assert not report.already_ingested and report.accepted == 4
    campaign = graph_store.get_node(NodeRef(label=Label.CAMPAIGN, id="c1"))
    assert campaign is not None and campaign.properties["name"] == "Spring sale (extended)"
    # Only the new run and its two sources are new nodes; records are updated in place.
    assert graph_store.count() == count + 3
    assert graph_store.count(Label.OUTCOME) == 3 and graph_store.count(Label.CAMPAIGN) == 1
    # New edges: READ x2 and FROM x4 to the new run, nothing else.
    assert graph_store.count_edges() == edges + 2 + 4


def test_resent_outcome_replaces_its_metrics(graph_store: GraphStore) -> None:
    ingest(graph_store, full_batch())
    resent = [{**OUTCOMES[0], "spend": 12, "revenue": 60}]

    ingest(graph_store, [part("outcomes", resent, "restated.jsonl")])

    totals = graph_store.aggregate_outcomes(OutcomeQuery(channel_ids=["ch-email"], group_by=()))
    assert (totals[0].rows, totals[0].spend, totals[0].revenue) == (2, 17.0, 65.0)


def test_a_bad_record_rejects_the_batch_and_names_line_and_field(graph_store: GraphStore) -> None:
    ingest(graph_store, [part("brands", BRANDS), part("channels", CHANNELS)])
    before = (graph_store.count(), graph_store.count_edges())
    bad = [
        {"id": "c1", "brand_id": "b1", "name": "ok", "channel_ids": ["ch-email"]},
        {"id": "c2", "brand_id": "b1", "name": "ok too"},
        {"id": "c3", "brand_id": "b1", "name": "bad", "budget": -5},
    ]

    with pytest.raises(RecordsRejectedError) as caught:
        ingest(graph_store, [part("campaigns", bad)])

    (rejection,) = caught.value.rejected
    assert rejection.line == 3 and "budget" in rejection.reason
    assert (graph_store.count(), graph_store.count_edges()) == before


def test_a_reference_to_nothing_is_rejected_not_dangling(graph_store: GraphStore) -> None:
    ingest(graph_store, [part("brands", BRANDS), part("channels", CHANNELS)])
    before = (graph_store.count(), graph_store.count_edges())
    records = [
        {"id": "c1", "brand_id": "b1", "name": "fine"},
        {"id": "c2", "brand_id": "b1", "name": "ghost channel", "channel_ids": ["ch-nowhere"]},
    ]

    with pytest.raises(RecordsRejectedError) as caught:
        ingest(graph_store, [part("campaigns", records)])

    (rejection,) = caught.value.rejected
    assert rejection.line == 2 and "Channel 'ch-nowhere'" in rejection.reason
    assert (graph_store.count(), graph_store.count_edges()) == before


def test_skip_bad_keeps_good_records_and_writes_rejects(
    graph_store: GraphStore, tmp_path: Path
) -> None:
    ingest(graph_store, [part("brands", BRANDS), part("channels", CHANNELS)])
    records = [
        {"id": "c1", "brand_id": "b1", "name": "fine"},
        {"id": "c2", "brand_id": "b-missing", "name": "orphan"},
        {"id": "c3", "name": "no brand"},
    ]
    outcomes = [
        {"date": "2026-03-01", "campaign_id": "c1", "channel_id": "ch-email", "spend": 1},
        {"date": "2026-03-01", "campaign_id": "c2", "channel_id": "ch-email", "spend": 1},
    ]

    report = ingest(
        graph_store,
        [part("campaigns", records), part("outcomes", outcomes)],
        skip_bad=True,
        rejects_dir=tmp_path,
    )

    assert report.accepted == 2
    lines = sorted((r.source, r.line) for r in report.rejected)
    # The outcome pointing at the rejected campaign c2 goes too.
    assert lines == [("campaigns.jsonl", 2), ("campaigns.jsonl", 3), ("outcomes.jsonl", 2)]
    assert graph_store.existing_ids(Label.CAMPAIGN, ["c1", "c2", "c3"]) == {"c1"}
    assert report.rejects_file is not None
    rows = [json.loads(x) for x in report.rejects_file.read_text().splitlines()]
    assert {r["record"].get("id") for r in rows if r["kind"] == "campaigns"} == {"c2", "c3"}


def test_unparseable_lines_are_rejections_with_line_numbers(graph_store: GraphStore) -> None:
    data = b'{"id": "b1", "name": "A"}\n\nnot json\n[1, 2]\n'
    bad = Part(kind="brands", source=describe("b.jsonl", data), rows=read_rows(data, "jsonl"))

    with pytest.raises(RecordsRejectedError) as caught:
        ingest(graph_store, [bad])

    assert [r.line for r in caught.value.rejected] == [3, 4]
    assert graph_store.count(Label.BRAND) == 0


def test_unknown_kind_is_refused(graph_store: GraphStore) -> None:
    with pytest.raises(UnknownKindError, match="widgets"):
        ingest(graph_store, [part("widgets", [{"id": "w"}])])
