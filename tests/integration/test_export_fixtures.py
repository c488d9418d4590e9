"""Exports as people download them (tests/fixtures/exports/, quirks in its README), into a
real store of each backend: every file ingests with the numbers it was made from, its
derived columns are checked and not stored, its unknown columns are named once."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from graph.base import GraphStore
from graph.models import GraphBatch, Node, NodeRef, OutcomeQuery
from graph.schema import Label
from ingest import RecordsRejectedError
from ingest.connectors import ColumnsError, Export, ingest_export
from ingest.connectors.errors import BadOptionError, BrandNotFoundError, CurrencyMismatchError
from ingest.connectors.files import export_from_path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
ISSUE = "meta_ads_en_gbp_issue17.csv"
BRANDS = {
    "brand-trailhead": ("Trailhead", "USD"),
    "brand-ledgerline": ("Ledgerline", "EUR"),
    "brand-emberoak": ("Ember & Oak", "GBP"),
}


@dataclass(frozen=True)
class Expected:
    """What a fixture holds, from the figures it was written from (not from a connector)."""

    brand: str
    outcomes: int
    spend: float
    impressions: float
    clicks: float
    conversions: float
    revenue: float
    notes: tuple[str, ...] = ()


EXPECTED = {
    ISSUE: Expected(
        "brand-emberoak", 10, 2705.08, 307416, 5115, 41, 3144.39,
        ("derived column(s) checked against each row and not stored: Purchase ROAS",),
    ),
    "meta_ads_de_semicolon_bom.csv": Expected(
        "brand-ledgerline", 8, 1364.65, 158176, 2850, 41, 3885.11,
        (
            "derived column(s) checked against each row and not stored: Frequenz, "
            "CPM (Kosten pro 1.000 Impressionen) (EUR), CPC (Kosten pro Link-Klick) (EUR), "
            "CTR (Link-Klickrate)",
            "column(s) the meta-ads connector does not read, ignored: 'Qualitätsranking'",
        ),
    ),
    "meta_ads_fr_totals.csv": Expected(
        "brand-ledgerline", 6, 1351.24, 131984, 2768, 31, 2334.74, ("skipped 1 total row(s)",)
    ),
    "meta_ads_es_excel_cp1252.csv": Expected(
        "brand-ledgerline", 6, 1528.43, 144524, 2689, 16, 840.03,
        ("the file is not UTF-8: read as Windows-1252 (as Excel saves CSV)",),
    ),
    "meta_ads_pt_brl.csv": Expected("brand-loja", 6, 1009.65, 128542, 1600, 21, 853.75),
    "meta_ads_it.csv": Expected("brand-ledgerline", 4, 1094.65, 130104, 2654, 10, 1000.06),
    "meta_ads_nl.csv": Expected("brand-ledgerline", 4, 896.61, 121315, 2469, 21, 1125.77),
    "google_ads_fr.csv": Expected(
        "brand-ledgerline", 8, 2431.17, 245551, 4012, 20, 1579.81,
        ("skipped 1 total row(s)", "report: Rapport sur les campagnes / 1 novembre 2026 - 4 "
         "novembre 2026"),
    ),
    "google_ads_es_utf16.csv": Expected(
        "brand-ledgerline", 8, 1714.39, 153417, 3099, 19, 1473.8,
        ("derived column(s) checked against each row and not stored: CTR, CPC medio, "
         "Coste/conv.",),
    ),
    "google_ads_pt.csv": Expected("brand-ledgerline", 8, 1728.21, 183909, 3413, 40, 3839.31),
    "google_ads_it.csv": Expected("brand-ledgerline", 8, 1687.39, 171711, 3013, 14, 1479.79),
    "google_ads_nl.csv": Expected("brand-ledgerline", 8, 1418.14, 161490, 2601, 36, 2057.71),
    "google_ads_en_extra_columns.csv": Expected(
        "brand-trailhead", 6, 1361.72, 168186, 2726, 32, 2310.7,
        (
            "column(s) the google-ads connector does not read, ignored: 'Search top IS', "
            "'Campaign bid strategy', 'Final URL suffix'",
        ),
    ),
}  # fmt: skip


def with_brands(store: GraphStore) -> GraphStore:
    nodes = [
        Node(Label.BRAND, b, {"id": b, "name": name, "currency": currency})
        for b, (name, currency) in BRANDS.items()
    ]
    store.write(GraphBatch(nodes=nodes))
    return store


def fixture(name: str) -> Export:
    return export_from_path(FIXTURES / name)


def source_of(name: str) -> str:
    return "meta-ads" if name.startswith("meta") else "google-ads"


def test_every_fixture_is_listed_in_the_readme() -> None:
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    files = sorted(p.name for p in FIXTURES.iterdir() if p.suffix == ".csv")
    assert files == sorted(EXPECTED)
    assert all(f"`{name}`" in readme for name in files)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_export_ingests_with_the_numbers_it_was_made_from(
    graph_store: GraphStore, name: str
) -> None:
    store = with_brands(graph_store)
    want = EXPECTED[name]
    new = {"brand_name": "Loja"} if want.brand not in BRANDS else {}
    result = ingest_export(store, source_of(name), fixture(name), brand_id=want.brand, **new)

    assert result.report.rejected == [] and result.records["outcomes"] == want.outcomes
    for note in want.notes:
        assert note in result.notes, result.notes
    (t,) = store.aggregate_outcomes(OutcomeQuery(brand_id=want.brand, group_by=()))
    assert round(t.spend, 2) == want.spend
    assert (t.impressions, t.clicks) == (want.impressions, want.clicks)
    assert t.conversions == pytest.approx(want.conversions)
    assert round(t.revenue, 2) == want.revenue
    assert store.count(Label.OUTCOME) == want.outcomes


def test_the_issue_17_meta_export_ingests_and_its_roas_is_checked_not_stored(
    graph_store: GraphStore,
) -> None:
    store = with_brands(graph_store)
    text = (FIXTURES / ISSUE).read_text(encoding="utf-8")
    assert text.splitlines()[0] == (
        "Campaign name,Day,Impressions,Amount spent (GBP),Link clicks,Purchases,"
        "Purchases conversion value,Purchase ROAS,Reporting starts,Reporting ends"
    )
    assert len(text.splitlines()) == 11

    ingest_export(store, "meta-ads", fixture(ISSUE), brand_id="brand-emberoak")

    rows = store.list_nodes(Label.OUTCOME, limit=100)
    assert len(rows) == 10
    assert not any("roas" in key.lower() for row in rows for key in row.properties)
    first = store.require_node(
        NodeRef(Label.OUTCOME, "2026-11-01|meta-spring-sale-uk|meta-ads||")
    ).properties
    assert (first["spend"], first["revenue"], first["clicks"]) == (46.33, 84.5, 248)


def test_a_derived_column_that_disagrees_with_its_row_rejects_the_row(
    graph_store: GraphStore,
) -> None:
    store = with_brands(graph_store)
    text = (FIXTURES / ISSUE).read_text(encoding="utf-8")
    assert ",84.50,1.82," in text  # line 2: 84.50 / 46.33 = 1.82
    bad = Export.single(ISSUE, text.replace(",84.50,1.82,", ",84.50,18.20,").encode())

    with pytest.raises(RecordsRejectedError) as rejected:
        ingest_export(store, "meta-ads", bad, brand_id="brand-emberoak")
    (only,) = rejected.value.rejected
    assert only.line == 2
    assert only.reason.startswith("Purchase ROAS: '18.20' does not agree with the row")
    assert "Purchases conversion value / Amount spent (GBP) gives 1.824" in only.reason
    assert store.count(Label.OUTCOME) == 0

    kept = ingest_export(store, "meta-ads", bad, brand_id="brand-emberoak", skip_bad=True)
    assert kept.report.accepted > 0 and [r.line for r in kept.report.rejected] == [2]


def test_reach_is_kept_and_frequency_checked_against_it(graph_store: GraphStore) -> None:
    store = with_brands(graph_store)
    name = "meta_ads_de_semicolon_bom.csv"
    ingest_export(store, "meta-ads", fixture(name), brand_id="brand-ledgerline")
    lines = (FIXTURES / name).read_text(encoding="utf-8-sig").splitlines()
    cells = lines[1].split(";")
    reach = int(cells[6].replace(".", ""))
    row = store.require_node(
        NodeRef(Label.OUTCOME, f"{cells[2]}|meta-{cells[3].lower().replace(' ', '-')}|meta-ads||")
    ).properties
    assert row["reach"] == reach and "frequency" not in row and "frequenz" not in row

    too_far = lines[1].replace(f";{cells[7]};", ";9,99;")
    bad = Export.single(name, "\n".join([lines[0], too_far]).encode())
    with pytest.raises(RecordsRejectedError, match=r"Frequenz: '9,99' does not agree"):
        ingest_export(store, "meta-ads", bad, brand_id="brand-ledgerline")


def test_a_currency_in_a_header_is_checked_against_the_brand(graph_store: GraphStore) -> None:
    store = with_brands(graph_store)
    with pytest.raises(
        CurrencyMismatchError,
        match=r"column 'Amount spent \(GBP\)' is in GBP but brand brand-trailhead reports in USD",
    ):
        ingest_export(store, "meta-ads", fixture(ISSUE), brand_id="brand-trailhead")
    assert store.count(Label.OUTCOME) == 0


def test_a_new_brand_is_created_in_the_same_batch(graph_store: GraphStore) -> None:
    with pytest.raises(BadOptionError) as none_yet:
        ingest_export(graph_store, "meta-ads", fixture(ISSUE))
    message = str(none_yet.value)
    assert "no brand in the graph yet" in message and "--brand-name NAME" in message
    assert "its currency, GBP, is taken from the export" in message

    result = ingest_export(graph_store, "meta-ads", fixture(ISSUE), brand_name="Ember & Oak UK")

    assert result.brand_id == "brand-ember-oak-uk" and result.brand_created
    brand = graph_store.require_node(NodeRef(Label.BRAND, "brand-ember-oak-uk")).properties
    assert (brand["name"], brand["currency"]) == ("Ember & Oak UK", "GBP")
    assert graph_store.count(Label.OUTCOME) == 10
    again = ingest_export(graph_store, "meta-ads", fixture(ISSUE), brand_name="Ember & Oak UK")
    assert again.report.already_ingested and not again.brand_created
    with pytest.raises(BadOptionError, match="already exists, named 'Ember & Oak UK'"):
        ingest_export(
            graph_store, "meta-ads", fixture(ISSUE),
            brand_id="brand-ember-oak-uk", brand_name="Someone else",
        )  # fmt: skip


def test_a_new_brand_needs_a_currency_when_the_export_states_none(
    graph_store: GraphStore,
) -> None:
    report = "Day,Campaign,Cost\n2026-03-01,Spring,12.50\n"
    export = Export.single("r.csv", report.encode())
    with pytest.raises(BadOptionError, match=r"does not say its currency.*--brand-currency"):
        ingest_export(graph_store, "google-ads", export, brand_id="brand-new", brand_name="New")
    with pytest.raises(BadOptionError, match="the export is in GBP, not EUR"):
        ingest_export(graph_store, "meta-ads", fixture(ISSUE), brand_name="X", brand_currency="EUR")

    ingest_export(
        graph_store, "google-ads", export,
        brand_id="brand-new", brand_name="New", brand_currency="chf",
    )  # fmt: skip

    assert graph_store.require_node(NodeRef(Label.BRAND, "brand-new")).properties["currency"] == (
        "CHF"
    )


def test_the_file_is_checked_before_the_brand_and_a_typo_gets_a_suggestion(
    graph_store: GraphStore,
) -> None:
    bad = Export.single("r.csv", b"Week,Campaign,Cost\n2026-03-01,Spring,12.50\n")
    with pytest.raises(ColumnsError, match=r"missing column\(s\) 'Day'"):
        ingest_export(graph_store, "google-ads", bad)  # an empty graph: the file first
    store = with_brands(graph_store)
    with pytest.raises(BrandNotFoundError) as unknown:
        ingest_export(store, "meta-ads", fixture(ISSUE), brand_id="emberoak")
    assert "did you mean brand-emberoak?" in str(unknown.value)
    assert "--brand-name NAME" in str(unknown.value)
