"""The seeded demo data generator: shape, integrity, realism and file round-trips."""

from __future__ import annotations

import csv
import json
from collections import Counter, defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from demo import (
    DATA_END,
    DATA_START,
    FIELDS,
    KIND_ORDER,
    DemoDataset,
    csv_cell,
    generate,
    hill,
)
from ingest.records import RECORD_TYPES

pytestmark = pytest.mark.unit

CHANNEL_KINDS = {
    "email",
    "paid_search",
    "paid_social",
    "organic_social",
    "display",
    "video",
    "web",
    "affiliate",
    "sms",
}


@pytest.fixture(scope="module")
def ds() -> DemoDataset:
    return generate(7)


def own_brands(ds: DemoDataset) -> list[dict[str, Any]]:
    """The brands that run campaigns (the others are competitors whose copy we ingest)."""
    running = {c["brand_id"] for c in ds.campaigns}
    return [b for b in ds.brands if b["id"] in running]


def test_same_seed_gives_the_same_data_and_another_seed_does_not(ds: DemoDataset) -> None:
    again = generate(7)
    for kind in KIND_ORDER:
        assert list(again.records(kind)) == list(ds.records(kind)), kind
    assert again.truth == ds.truth
    assert again.seasonality == ds.seasonality
    other = generate(8)
    assert other.outcomes != ds.outcomes
    assert other.truth != ds.truth


def test_kind_order_and_field_names(ds: DemoDataset) -> None:
    assert (
        KIND_ORDER
        == DemoDataset.KIND_ORDER
        == (
            "brands",
            "channels",
            "audiences",
            "campaigns",
            "assets",
            "outcomes",
            "leads",
        )
    )
    for kind in KIND_ORDER:
        records = list(ds.records(kind))
        assert records, kind
        assert all(tuple(r) == FIELDS[kind] for r in records), kind


def test_default_size(ds: DemoDataset) -> None:
    counts = ds.counts()
    assert len(own_brands(ds)) == 3
    assert counts["brands"] == 3 + 9  # three competitors each
    assert counts["campaigns"] >= 100
    assert 20_000 <= counts["outcomes"] <= 40_000
    assert 200 <= counts["assets"] <= 800
    per_brand = Counter(c["brand_id"] for c in ds.campaigns)
    assert all(30 <= n <= 45 for n in per_brand.values()), per_brand
    per_brand_audiences = Counter(a["brand_id"] for a in ds.audiences)
    assert all(4 <= n <= 6 for n in per_brand_audiences.values())


def test_every_record_validates_against_the_canonical_models(ds: DemoDataset) -> None:
    for kind in KIND_ORDER:
        model = RECORD_TYPES[kind]
        records = list(ds.records(kind))
        for record in records[:: max(1, len(records) // 2_000)]:
            assert not model.model_validate(record).model_extra, (kind, record)


def test_references_resolve(ds: DemoDataset) -> None:
    brands = {b["id"] for b in ds.brands}
    channels = {c["id"] for c in ds.channels}
    audiences = {a["id"]: a for a in ds.audiences}
    assets = {a["id"]: a for a in ds.assets}
    campaigns = {c["id"]: c for c in ds.campaigns}
    assert all(a["brand_id"] in brands for a in ds.audiences)
    for c in ds.campaigns:
        assert c["brand_id"] in brands
        assert set(c["channel_ids"]) <= channels and c["channel_ids"]
        assert c["audience_ids"] and all(
            audiences[a]["brand_id"] == c["brand_id"] for a in c["audience_ids"]
        )
        for a in c["asset_ids"]:
            assert assets[a]["brand_id"] == c["brand_id"]
            assert c["id"] in assets[a]["campaign_ids"]
    for a in ds.assets:
        assert a["brand_id"] in brands
        assert all(a["id"] in campaigns[c]["asset_ids"] for c in a["campaign_ids"])
    for o in ds.outcomes:
        c = campaigns[o["campaign_id"]]
        assert o["channel_id"] in c["channel_ids"]
        assert o["audience_id"] in c["audience_ids"]
        assert o["asset_id"] in c["asset_ids"]
        assert c["start_date"] <= o["date"] <= c["end_date"]
    for lead in ds.leads:
        assert lead["channel_id"] in campaigns[lead["campaign_id"]]["channel_ids"]


def test_email_and_sms_only_reach_consented_audiences(ds: DemoDataset) -> None:
    kinds = {c["id"]: c["kind"] for c in ds.channels}
    consent = {a["id"]: a["consent"] for a in ds.audiences}
    for o in ds.outcomes:
        if kinds[o["channel_id"]] in ("email", "sms"):
            assert consent[o["audience_id"]] == "marketing"


def test_outcome_natural_keys_are_unique(ds: DemoDataset) -> None:
    keys = [
        (o["date"], o["campaign_id"], o["channel_id"], o["audience_id"], o["asset_id"])
        for o in ds.outcomes
    ]
    assert len(keys) == len(set(keys))


def test_metrics_are_consistent(ds: DemoDataset) -> None:
    t = ds.table
    assert (t.spend > 0).all()
    assert (t.revenue >= 0).all()
    assert (t.clicks <= t.impressions).all()
    assert (t.conversions <= t.clicks).all()
    assert (t.leads >= 0).all()
    assert all(round(o["spend"], 2) == o["spend"] for o in ds.outcomes)
    assert all(c["budget"] > 0 for c in ds.campaigns)
    assert all(DATA_START.isoformat() <= o["date"] <= DATA_END.isoformat() for o in ds.outcomes)


def test_every_channel_kind_and_campaign_field_appears(ds: DemoDataset) -> None:
    used = {o["channel_id"] for o in ds.outcomes}
    assert {c["kind"] for c in ds.channels if c["id"] in used} == CHANNEL_KINDS
    assert {c["objective"] for c in ds.campaigns} == {
        "revenue",
        "conversions",
        "leads",
        "awareness",
    }
    assert {"completed", "active"} <= {c["status"] for c in ds.campaigns}
    for c in ds.campaigns:
        start, end = date.fromisoformat(c["start_date"]), date.fromisoformat(c["end_date"])
        assert DATA_START <= start <= end <= DATA_END


def test_assets_have_distinct_meaningful_bodies(ds: DemoDataset) -> None:
    bodies = [a["body"] for a in ds.assets]
    assert len({a["url"] for a in ds.assets}) == len(ds.assets)
    assert all(len(b) >= 80 for b in bodies)
    assert len(set(bodies)) >= 0.95 * len(bodies)
    kinds = Counter(a["kind"] for a in ds.assets)
    assert {
        "ad_copy",
        "email",
        "landing_page",
        "blog",
        "social_post",
        "guideline",
        "report",
    } <= set(kinds)
    for brand in own_brands(ds):
        mine = [a for a in ds.assets if a["brand_id"] == brand["id"]]
        assert sum(a["kind"] == "guideline" for a in mine) == 1
        assert sum(a["kind"] == "report" for a in mine) >= 1
    emails = [a["body"] for a in ds.assets if a["kind"] == "email"]
    assert all(b.startswith("Subject: ") for b in emails)


def test_brands_carry_voice_and_economics(ds: DemoDataset) -> None:
    assert len({b["currency"] for b in own_brands(ds)}) == 3
    for b in own_brands(ds):
        assert b["voice"] and b["guidelines"] and len(b["competitors"]) >= 3
        assert 1.0 < b["baseline_roas"] < 10.0


def test_competitors_are_brands_with_copy_and_nothing_else(ds: DemoDataset) -> None:
    by_name = {b["name"]: b for b in ds.brands}
    own = own_brands(ds)
    rivals = [b for b in ds.brands if b not in own]
    for b in own:
        tracked = [by_name[n] for n in b["competitors"] if n in by_name]
        assert len(tracked) == 3, b["id"]
        for rival in tracked:
            assert rival in rivals and rival["competitors"] == [b["name"]]
            assert rival["voice"] is None and rival["baseline_roas"] is None
    outcome_assets = {o["asset_id"] for o in ds.outcomes}
    for rival in rivals:
        copy = [a for a in ds.assets if a["brand_id"] == rival["id"]]
        assert len(copy) == 9
        assert {"ad_copy", "email", "landing_page", "social_post"} == {a["kind"] for a in copy}
        assert all(not a["campaign_ids"] and a["id"] not in outcome_assets for a in copy)
        assert all(len(a["body"]) >= 80 and rival["name"] not in a["title"] for a in copy)
        assert DATA_START.isoformat() <= min(a["created_at"] for a in copy)


def _pair_days(ds: DemoDataset) -> dict[tuple[str, str], np.ndarray]:
    """Per channel x audience, one (total spend, total revenue, season) row per active day."""
    brand_of = {a["id"]: a["brand_id"] for a in ds.audiences}
    cells: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for o in ds.outcomes:
        cell = cells[(o["channel_id"], o["audience_id"], o["date"])]
        cell[0] += o["spend"]
        cell[1] += o["revenue"]
    pairs: dict[tuple[str, str], list[tuple[float, float, float]]] = defaultdict(list)
    for (channel, audience, day), (spend, revenue) in cells.items():
        pairs[(channel, audience)].append((spend, revenue, ds.seasonality[brand_of[audience]][day]))
    return {pair: np.array(rows) for pair, rows in pairs.items()}


def test_revenue_shows_diminishing_returns_in_spend(ds: DemoDataset) -> None:
    pair_days = _pair_days(ds)
    busiest = max(pair_days, key=lambda pair: len(pair_days[pair]))
    spend, revenue, season = pair_days[busiest][pair_days[busiest][:, 1] > 0].T
    slope = np.polyfit(np.log(spend), np.log(revenue / season), 1)[0]
    assert 0.0 < slope < 1.0
    low, high = spend <= np.quantile(spend, 0.25), spend >= np.quantile(spend, 0.75)
    assert revenue[high].sum() / spend[high].sum() < revenue[low].sum() / spend[low].sum()


def test_truth_covers_every_pair_and_matches_the_data(ds: DemoDataset) -> None:
    pair_days = _pair_days(ds)
    assert set(pair_days) <= set(ds.truth)
    for params in ds.truth.values():
        assert params["alpha"] > 0 and params["half_saturation"] > 0 and params["shape"] > 0
    assert set(ds.seasonality) == {b["id"] for b in own_brands(ds)}
    assert all(len(days) == 365 for days in ds.seasonality.values())
    observed = expected = 0.0
    for (channel, audience), rows in pair_days.items():
        t = ds.truth[(channel, audience)]
        spend, revenue, season = rows.T
        curve = hill(spend, t["alpha"], t["half_saturation"], t["shape"]) * season
        observed += revenue.sum()
        expected += curve.sum()
    assert 0.9 < observed / expected < 1.1  # noise and campaign effects have mean one
    some = next(iter(ds.outcomes))
    assert ds.expected_revenue(some["channel_id"], some["audience_id"], 100.0, some["date"]) > 0


def test_leads_are_mostly_b2b_and_time_ordered(ds: DemoDataset) -> None:
    assert len(ds.leads) == int(ds.table.leads.sum())
    by_brand = Counter(lead["id"].split("-")[1] for lead in ds.leads)
    assert by_brand.most_common(1)[0][0] == "ledgerline"
    assert len({lead["id"] for lead in ds.leads}) == len(ds.leads)
    stages = Counter(lead["stage"] for lead in ds.leads)
    assert {"new", "won", "lost", "opportunity"} <= set(stages)
    for lead in ds.leads:
        created = datetime.fromisoformat(lead["created_at"])
        assert created.tzinfo is not None
        if lead["first_response_at"]:
            assert datetime.fromisoformat(lead["first_response_at"]) >= created
        if lead["stage"] == "won":
            assert lead["value"] > 0
            assert datetime.fromisoformat(lead["converted_at"]) >= created
        else:
            assert lead["converted_at"] is None


def test_scaling_to_100k_rows() -> None:
    big = generate(7, outcome_rows=100_000)
    assert 90_000 <= len(big.table) <= 110_000
    assert sum(1 for _ in big.iter_outcomes(chunk_size=7_000)) == len(big.table)
    keys = set(
        zip(
            big.table.day.tolist(),
            big.table.campaign.tolist(),
            big.table.channel.tolist(),
            big.table.audience.tolist(),
            strict=True,
        )
    )
    assert len(keys) == len(big.table)
    assert len({c["id"] for c in big.campaigns}) == len(big.campaigns)


def _read_back(path: Path, fmt: str) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8", newline="") as fh:
        if fmt == "jsonl":
            return [json.loads(line) for line in fh]
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_write_round_trips(ds: DemoDataset, tmp_path: Path, fmt: str) -> None:
    paths = ds.write(tmp_path, fmt)  # type: ignore[arg-type]
    assert list(paths) == list(KIND_ORDER)
    for kind, path in paths.items():
        assert path.name == f"{kind}.{fmt}"
        back = _read_back(path, fmt)
        original = list(ds.records(kind))
        if fmt == "csv":
            original = [{k: csv_cell(v) for k, v in r.items()} for r in original]
        assert back == original, kind


def test_write_rejects_unknown_format(ds: DemoDataset, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="format"):
        ds.write(tmp_path, "xml")  # type: ignore[arg-type]
