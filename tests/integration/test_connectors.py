"""Each connector on its shipped sample, into a real store of each backend; malformed
variants are refused naming the column (or rejected naming the row and column)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from graph.base import GraphStore
from graph.models import GraphBatch, Node, NodeRef, OutcomeQuery
from graph.schema import Label, RelType
from ingest import RecordsRejectedError
from ingest.connectors import ColumnsError, Export, ingest_export, sample_path
from ingest.connectors.errors import BadOptionError, CurrencyMismatchError, UnknownSourceError
from ingest.connectors.files import export_from_path

BRANDS = (("brand-trailhead", "USD"), ("brand-ledgerline", "EUR"), ("brand-emberoak", "GBP"))


@pytest.fixture
def store(graph_store: GraphStore) -> GraphStore:
    nodes = [Node(Label.BRAND, b, {"id": b, "name": b, "currency": c}) for b, c in BRANDS]
    graph_store.write(GraphBatch(nodes=nodes))
    return graph_store


def sample(name: str) -> Export:
    return export_from_path(sample_path(name))


def totals(store: GraphStore, **query: object) -> dict[tuple[str | None, str | None], object]:
    rows = store.aggregate_outcomes(OutcomeQuery(group_by=("campaign_id", "channel_id"), **query))
    return {(t.campaign_id, t.channel_id): t for t in rows}


def variant(name: str, old: str, new: str) -> Export:
    """The sample with one piece of text replaced (a malformed variant)."""
    text = sample_path(name).read_text(encoding="utf-8")
    assert old in text
    return Export.single(sample_path(name).name, text.replace(old, new, 1).encode())


# -- Google Ads ------------------------------------------------------------------------------
def test_google_ads_report_matches_its_own_total_rows(store: GraphStore) -> None:
    # The report's "Gesamt: …" rows are Google's own sums: ours must equal them, which
    # proves German numbers (1.234,56 / 384.837), device rows summed and totals skipped.
    result = ingest_export(store, "google-ads", sample("google-ads"), brand_id="brand-ledgerline")

    assert result.records == {"channels": 3, "campaigns": 3, "outcomes": 21}
    assert "skipped 4 total row(s)" in result.notes
    by_channel = {
        t.channel_id: t for t in store.aggregate_outcomes(OutcomeQuery(group_by=("channel_id",)))
    }
    assert round(by_channel["gads-search"].spend, 2) == 2135.39
    assert (
        by_channel["gads-search"].impressions == 50837 and by_channel["gads-search"].clicks == 2956
    )
    assert round(by_channel["gads-display"].spend, 2) == 700.23
    assert round(by_channel["gads-pmax"].spend, 2) == 1297.59
    assert round(sum(t.spend for t in by_channel.values()), 2) == 4133.21
    assert sum(t.impressions for t in by_channel.values()) == 384837
    search = store.require_node(NodeRef(Label.CHANNEL, "gads-search"))
    assert search.properties["kind"] == "paid_search"
    pmax = store.require_node(NodeRef(Label.CAMPAIGN, "gads-20931185203"))
    assert (
        pmax.properties["status"] == "paused" and pmax.properties["brand_id"] == "brand-ledgerline"
    )
    # First row of the report: 16.11.2026, Computer + Mobiltelefone of the search campaign.
    day = store.require_node(
        NodeRef(Label.OUTCOME, "2026-11-16|gads-20931185201|gads-search||")
    ).properties
    assert round(day["spend"], 2) == round(162.92 + 134.76, 2)
    assert day["impressions"] == 3879 + 3208 and day["export_rows"] == 2
    assert day["conversions"] == pytest.approx(10.72 + 6.03)
    assert day["revenue"] == pytest.approx(12864.0 + 7236.0)


def test_google_ads_provenance_and_idempotency(store: GraphStore) -> None:
    first = ingest_export(store, "google-ads", sample("google-ads"), brand_id="brand-ledgerline")
    outcome = NodeRef(Label.OUTCOME, "2026-11-16|gads-20931185201|gads-search||")
    up = store.get_lineage(outcome, "up", depth=2)
    (came_from,) = [e for e in up.edges if e.type is RelType.FROM and e.src == outcome]
    assert came_from.properties["line"] == 4  # the first row under the header
    source = next(n for n in up.nodes if n.label is Label.SOURCE)
    assert source.properties["name"] == "google_ads_campaign_report.csv"

    again = ingest_export(store, "google-ads", sample("google-ads"), brand_id="brand-ledgerline")
    assert again.report.already_ingested and again.report.run_id == first.report.run_id
    assert store.count(Label.OUTCOME) == 21


def test_a_bracketed_id_attaches_to_the_existing_campaign_and_keeps_its_fields(
    store: GraphStore,
) -> None:
    existing = {
        "id": "cmp-ledgerline-0026",
        "brand_id": "brand-ledgerline",
        "name": "Tax advisers Q4",
        "budget": 5000.0,
        "business_unit": "Partners & Accountants",
    }
    store.write(GraphBatch(nodes=[Node(Label.CAMPAIGN, existing["id"], existing)]))

    ingest_export(store, "google-ads", sample("google-ads"), brand_id="brand-ledgerline")

    campaign = store.require_node(NodeRef(Label.CAMPAIGN, "cmp-ledgerline-0026")).properties
    assert campaign["name"] == "Tax advisers Q4" and campaign["budget"] == 5000.0
    assert campaign["business_unit"] == "Partners & Accountants"
    assert store.get_node(NodeRef(Label.CAMPAIGN, "gads-20931185203")) is None
    context = store.get_campaign_context("cmp-ledgerline-0026")
    assert [c.id for c in context.channels] == ["gads-pmax"]
    assert round(context.outcomes_by_channel[0].spend, 2) == 1297.59


def test_google_ads_missing_and_unknown_columns_are_named(store: GraphStore) -> None:
    with pytest.raises(ColumnsError) as missing:
        ingest_export(
            store, "google-ads", variant("google-ads", ",Kosten,", ",Kosten pro Tag,"),
            brand_id="brand-ledgerline",
        )  # fmt: skip
    message = str(missing.value)
    assert "missing column(s) 'Cost'" in message and "unknown column(s) 'Kosten pro Tag'" in message
    assert "expected columns: Day, Campaign" in message
    assert missing.value.missing == ["Cost"] and missing.value.unknown == ["Kosten pro Tag"]

    no_day = variant("google-ads", "Tag,Kampagne,", "Woche,Kampagne,")
    with pytest.raises(ColumnsError, match=r"missing column.*'Day'.*Day segment"):
        ingest_export(store, "google-ads", no_day, brand_id="brand-ledgerline")
    assert store.count(Label.OUTCOME) == 0 and store.count(Label.CAMPAIGN) == 0


def test_google_ads_bad_rows_name_line_and_column(store: GraphStore) -> None:
    bad = variant("google-ads", '"162,92"', "zwölf")
    with pytest.raises(RecordsRejectedError) as rejected:
        ingest_export(store, "google-ads", bad, brand_id="brand-ledgerline")
    (only,) = rejected.value.rejected
    assert only.line == 4 and "Kosten: not a number: 'zwölf'" in only.reason
    assert store.count(Label.OUTCOME) == 0  # all or nothing

    usd = variant("google-ads", ",EUR,", ",USD,")
    with pytest.raises(RecordsRejectedError, match="cost is in USD but brand brand-ledgerline"):
        ingest_export(store, "google-ads", usd, brand_id="brand-ledgerline")

    kept = ingest_export(store, "google-ads", bad, brand_id="brand-ledgerline", skip_bad=True)
    assert kept.report.accepted > 0 and [r.line for r in kept.report.rejected] == [4]


def test_english_report_with_title_row_and_currency_symbols(store: GraphStore) -> None:
    report = (
        "Campaign report\nMarch 1, 2026 - March 2, 2026\n"
        "Day,Campaign,Campaign type,Cost,Impr.,Clicks,Conversions,Conv. value,CTR\n"
        '"Mar 1, 2026",Spring sale,Search,"$1,234.50","10,000",210,4.5,"$2,400.00",2.10%\n'
        '"Mar 2, 2026",Spring sale,Search,$99.00,900,20,0,--,2.22%\n'
        'Total: Account,--,--,"$1,333.50","10,900",230,4.5,"$2,400.00",--\n'
    )
    ingest_export(
        store, "google-ads", Export.single("r.csv", report.encode()), brand_id="brand-trailhead"
    )
    (t,) = totals(store).values()
    assert (t.spend, t.impressions, t.clicks, t.conversions, t.revenue) == (
        1333.5, 10900.0, 230.0, 4.5, 2400.0
    )  # fmt: skip
    assert store.get_node(NodeRef(Label.CAMPAIGN, "gads-spring-sale")) is not None


# -- Meta Ads --------------------------------------------------------------------------------
def test_meta_export_ad_sets_become_audiences_and_ads_assets(store: GraphStore) -> None:
    result = ingest_export(store, "meta-ads", sample("meta-ads"), brand_id="brand-trailhead")

    assert result.records["assets"] == 4 and result.records["audiences"] == 2
    with sample_path("meta-ads").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    spend: dict[str, float] = {}
    for row in rows:
        spend[row["Ad ID"]] = spend.get(row["Ad ID"], 0.0) + float(row["Amount spent (USD)"])
    by_asset = {
        t.asset_id: t for t in store.aggregate_outcomes(OutcomeQuery(group_by=("asset_id",)))
    }
    assert {a: round(t.spend, 2) for a, t in by_asset.items()} == {
        f"meta-ad-{ad}": round(v, 2) for ad, v in spend.items()
    }
    ad = store.require_node(NodeRef(Label.ASSET, "meta-ad-120215550001002")).properties
    assert ad["title"] == "Winter layers – B product carousel" and ad["kind"] == "ad_copy"
    assert ad["created_at"].startswith("2026-11-17")
    context = store.get_campaign_context("meta-120215550000001")
    assert [a.id for a in context.audiences] == ["meta-adset-120215550000101"]
    assert len(context.assets) == 3 and context.campaign.properties["objective"] == "conversions"
    first = rows[0]
    outcome = store.require_node(
        NodeRef(
            Label.OUTCOME,
            "2026-11-17|meta-120215550000001|meta-ads|meta-adset-120215550000101"
            "|meta-ad-120215550001001",
        )
    ).properties
    assert outcome["clicks"] == float(first["Link clicks"])
    assert outcome["conversions"] == float(first["Purchases"])
    assert outcome["revenue"] == float(first["Purchases conversion value"])


def test_meta_rows_spanning_several_days_are_rejected_naming_the_columns(
    store: GraphStore,
) -> None:
    bad = variant("meta-ads", "2026-11-17,2026-11-17,", "2026-11-17,2026-11-30,")
    with pytest.raises(RecordsRejectedError) as rejected:
        ingest_export(store, "meta-ads", bad, brand_id="brand-trailhead")
    (only,) = rejected.value.rejected
    assert only.line == 2
    assert "Reporting starts 2026-11-17 and Reporting ends 2026-11-30 differ" in only.reason

    no_spend = variant("meta-ads", "Amount spent (USD)", "Spend")
    with pytest.raises(ColumnsError, match=r"missing column\(s\) 'Amount spent'.*'Spend'"):
        ingest_export(store, "meta-ads", no_spend, brand_id="brand-trailhead")
    euros = variant("meta-ads", "Amount spent (USD)", "Amount spent (EUR)")
    with pytest.raises(
        CurrencyMismatchError,
        match="column 'Amount spent \\(EUR\\)' is in EUR but brand brand-trailhead reports in USD",
    ):
        ingest_export(store, "meta-ads", euros, brand_id="brand-trailhead")


# -- GA4 -------------------------------------------------------------------------------------
def event(name: str, session: int, day: str = "20261125", **params: object) -> dict[str, object]:
    values = [{"key": "ga_session_id", "value": {"int_value": str(session)}}]
    for key, value in params.items():
        kind = "double_value" if isinstance(value, float) else "string_value"
        values.append({"key": key, "value": {kind: value}})
    return {"event_date": day, "event_name": name, "event_params": values, "user_pseudo_id": "u1"}


def test_ga4_purchases_are_attributed_through_their_session(store: GraphStore) -> None:
    utm = {"campaign": "spring_sale", "source": "google", "medium": "cpc"}
    events = [
        event("session_start", 1, **utm),
        event("page_view", 1, **utm),
        {
            **event("purchase", 1, transaction_id="T1", currency="USD"),
            "ecommerce": {"transaction_id": "T1", "purchase_revenue": 120.5},
        },
        {
            **event("purchase", 1, transaction_id="T1", currency="USD"),
            "ecommerce": {"transaction_id": "T1", "purchase_revenue": 120.5},
        },  # a duplicate
        event("generate_lead", 1),
        event("session_start", 2),  # direct: no campaign
        event("purchase", 2, transaction_id="T2", value=80.0),
        event(
            "session_start",
            3,
            day="20261126",
            campaign="spring_sale",
            source="newsletter",
            medium="email",
        ),
    ]
    data = "\n".join(json.dumps(e) for e in events).encode()

    result = ingest_export(
        store, "ga4", Export.single("events.json", data), brand_id="brand-trailhead"
    )

    t = totals(store)
    cpc = t[("ga4-spring-sale", "ga4-google-cpc")]
    assert (cpc.rows, cpc.spend, cpc.conversions, cpc.revenue, cpc.leads) == (
        1,
        0.0,
        1.0,
        120.5,
        1.0,
    )
    assert ("ga4-spring-sale", "ga4-newsletter-email") in t
    outcome = store.require_node(
        NodeRef(Label.OUTCOME, "2026-11-25|ga4-spring-sale|ga4-google-cpc||")
    ).properties
    assert outcome["sessions"] == 1
    channel = store.require_node(NodeRef(Label.CHANNEL, "ga4-newsletter-email")).properties
    assert channel["kind"] == "email"
    assert "1 duplicate purchase event(s) counted once" in result.notes
    assert any("purchase event(s) without a campaign" in n for n in result.notes)


def test_ga4_sample_attaches_to_existing_campaigns(store: GraphStore) -> None:
    campaign = {"id": "cmp-trailhead-0034", "brand_id": "brand-trailhead", "name": "Retarget"}
    store.write(GraphBatch(nodes=[Node(Label.CAMPAIGN, campaign["id"], campaign)]))

    ingest_export(store, "ga4", sample("ga4"), brand_id="brand-trailhead")

    t = totals(store)
    assert ("cmp-trailhead-0034", "ga4-google-cpc") in t
    assert ("ga4-black-friday-2026", "ga4-meta-paid-social") in t
    assert t[("cmp-trailhead-0034", "ga4-google-cpc")].conversions > 0


def test_ga4_unknown_fields_are_ignored_and_named_once(store: GraphStore) -> None:
    utm = {"campaign": "spring_sale", "source": "google", "medium": "cpc"}
    events = [
        {**event("session_start", 1, **utm), "evnt_params": []},
        {**event("generate_lead", 1, **utm), "evnt_params": [], "is_new": True},
    ]
    data = "\n".join(json.dumps(e) for e in events).encode()
    result = ingest_export(store, "ga4", Export.single("e.jsonl", data), brand_id="brand-trailhead")
    unread = [n for n in result.notes if "does not read" in n]
    assert unread == ["field(s) the ga4 connector does not read, ignored: 'evnt_params', 'is_new'"]
    (t,) = totals(store).values()
    assert t.leads == 1
    nameless = json.dumps({"event_date": "20261125"}).encode()
    with pytest.raises(ColumnsError, match=r"missing column\(s\) 'event_name'"):
        ingest_export(store, "ga4", Export.single("e.jsonl", nameless), brand_id="brand-trailhead")


# -- HubSpot ---------------------------------------------------------------------------------
def test_hubspot_contacts_then_deals(store: GraphStore) -> None:
    contacts = ingest_export(
        store, "hubspot-contacts", sample("hubspot-contacts"),
        brand_id="brand-ledgerline", timezone="Europe/Berlin",
    )  # fmt: skip
    assert contacts.records["leads"] == 30
    assert "personal data not stored: First Name, Last Name, Email" in contacts.notes
    lead = store.require_node(NodeRef(Label.LEAD, "hubspot-contact-51234000")).properties
    assert lead["created_at"] == "2026-11-17T11:00:00+01:00"  # portal time, Berlin in winter
    assert lead["first_response_at"] == "2026-11-17T11:07:00+01:00"
    assert lead["owner"] == "Priya Nair" and lead["stage"] == "qualified"
    assert lead["channel_id"] == "hubspot-paid-search" and lead["source"] == "Paid Search"
    assert not any(
        "@" in str(v) for n in store.list_nodes(Label.LEAD, 100) for v in n.properties.values()
    )
    unowned = store.require_node(NodeRef(Label.LEAD, "hubspot-contact-51234056")).properties
    assert "owner" not in unowned and unowned["stage"] == "new"

    before = store.require_node(NodeRef(Label.LEAD, "hubspot-contact-51234098")).properties
    deals = ingest_export(
        store, "hubspot-deals", sample("hubspot-deals"),
        brand_id="brand-ledgerline", timezone="Europe/Berlin",
    )  # fmt: skip
    assert deals.records["leads"] == 8
    won = store.require_node(NodeRef(Label.LEAD, "hubspot-contact-51234098")).properties
    assert (won["stage"], won["value"]) == ("won", 4800.0)
    assert won["converted_at"] == "2026-11-24T01:44:00+01:00"
    # merged over the stored lead: the contact's fields are kept
    assert won["owner"] == before["owner"] and won["created_at"] == before["created_at"]
    lost = store.require_node(NodeRef(Label.LEAD, "hubspot-contact-51234049")).properties
    assert lost["stage"] == "lost"
    crm = {k: v for k, v in totals(store).items() if k[1] == "hubspot-crm"}
    assert round(sum(t.revenue for t in crm.values()), 2) == 9600 + 4800 + 9600 + 14400
    assert sum(t.conversions for t in crm.values()) == 4


def test_hubspot_deals_need_their_contacts_first(store: GraphStore) -> None:
    with pytest.raises(RecordsRejectedError, match="ingest the HubSpot contacts export first"):
        ingest_export(store, "hubspot-deals", sample("hubspot-deals"), brand_id="brand-ledgerline")


def test_hubspot_bad_stage_and_missing_columns(store: GraphStore) -> None:
    bad = variant("hubspot-contacts", ",Sales Qualified Lead,", ",Hot prospect,")
    with pytest.raises(RecordsRejectedError) as rejected:
        ingest_export(store, "hubspot-contacts", bad, brand_id="brand-ledgerline")
    assert "Lifecycle Stage: unknown value 'Hot prospect'" in rejected.value.rejected[0].reason
    no_id = variant("hubspot-contacts", "Record ID,", "Contact,")
    with pytest.raises(
        ColumnsError, match=r"missing column\(s\) 'Record ID'; unknown column\(s\) 'Contact'"
    ):
        ingest_export(store, "hubspot-contacts", no_id, brand_id="brand-ledgerline")


# -- CMS -------------------------------------------------------------------------------------
def test_wordpress_posts_with_translations(store: GraphStore) -> None:
    result = ingest_export(store, "cms", sample("cms"), brand_id="brand-trailhead")
    assert result.records == {"assets": 8}
    gb = store.require_node(NodeRef(Label.ASSET, "cms-4120")).properties
    assert gb["translation_of"] == "cms-4101" and gb["language"] == "en-gb"
    assert gb["published_at"] == "2026-10-15T09:30:00+00:00" and gb["status"] == "published"
    original = store.require_node(NodeRef(Label.ASSET, "cms-4101")).properties
    assert "translation_of" not in original and original["kind"] == "blog"
    assert original["body"].startswith("Three layers keep you warm and dry")
    assert original["cms_reading_time"] == 4  # unknown fields are kept
    gift = store.require_node(NodeRef(Label.ASSET, "cms-4188")).properties
    assert gift["status"] == "scheduled" and "track()" not in gift["body"]
    assert store.require_node(NodeRef(Label.ASSET, "cms-4192")).properties["status"] == "draft"


def test_markdown_folder(store: GraphStore, tmp_path: Path) -> None:
    result = ingest_export(
        store, "cms", export_from_path(sample_path("cms-markdown")), brand_id="brand-emberoak"
    )
    assert result.records == {"assets": 6}
    fr = store.require_node(
        NodeRef(Label.ASSET, "cms-2026-11-02-office-coffee-guide-fr")
    ).properties
    assert fr["translation_of"] == "cms-2026-11-02-office-coffee-guide"
    assert fr["business_unit"] == "Office Coffee" and fr["channel_id"] == "ch-web"
    assert fr["language"] == "fr-FR" and fr["published_at"] == "2026-11-13T09:00:00+01:00"

    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "ok.md").write_text("---\ntitle: Fine\ndate: 2026-11-01\n---\nBody\n")
    (folder / "broken.md").write_text("---\ndate: 2026-11-01\n---\nNo title\n")
    with pytest.raises(RecordsRejectedError, match=r"broken.md: title: required"):
        ingest_export(store, "cms", export_from_path(folder), brand_id="brand-emberoak")


# -- options ---------------------------------------------------------------------------------
def test_brand_channel_source_and_time_zone_options(store: GraphStore) -> None:
    export = sample("google-ads")
    with pytest.raises(BadOptionError, match="several brands"):
        ingest_export(store, "google-ads", export)
    with pytest.raises(UnknownSourceError, match="expected one of: cms, ga4, google-ads"):
        ingest_export(store, "bing-ads", export, brand_id="brand-ledgerline")
    with pytest.raises(BadOptionError, match="unknown time zone 'Mars/Olympus'"):
        ingest_export(
            store, "google-ads", export, brand_id="brand-ledgerline", timezone="Mars/Olympus"
        )
    channel = {"id": "ch-google-search", "name": "Google Search", "kind": "paid_search"}
    store.write(GraphBatch(nodes=[Node(Label.CHANNEL, channel["id"], channel)]))

    ingest_export(
        store, "google-ads", export, brand_id="brand-ledgerline", channel_id="ch-google-search"
    )

    assert {k[1] for k in totals(store)} == {"ch-google-search"}
    assert store.require_node(NodeRef(Label.CHANNEL, "ch-google-search")).properties == channel


def test_utf16_tab_separated_download(store: GraphStore) -> None:
    text = "Campaign report\nDay\tCampaign\tCost\n2026-03-01\tSpring\t12.50\n"
    export = Export.single("report.csv", text.encode("utf-16"))
    ingest_export(store, "google-ads", export, brand_id="brand-trailhead")
    assert [t.spend for t in totals(store).values()] == [12.5]


def test_an_export_cannot_move_a_campaign_to_another_brand(store: GraphStore) -> None:
    text = io.StringIO("Day,Campaign,Campaign ID,Cost\n2026-03-01,Spring,42,1.00\n").getvalue()
    ingest_export(
        store, "google-ads", Export.single("a.csv", text.encode()), brand_id="brand-trailhead"
    )
    with pytest.raises(
        RecordsRejectedError, match="Campaign gads-42 belongs to another brand than brand-emb"
    ):
        ingest_export(
            store,
            "google-ads",
            Export.single("b.csv", text.encode() + b"\n"),
            brand_id="brand-emberoak",
        )
