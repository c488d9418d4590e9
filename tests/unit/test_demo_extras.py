"""The opt-in demo extras: creative tests that split traffic without changing any total,
localised posts, a slower LinkedIn handoff; the base data set stays as it was."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import pytest

from demo import DemoDataset, generate
from ingest.records import RECORD_TYPES


@pytest.fixture(scope="module")
def pair() -> tuple[DemoDataset, DemoDataset]:
    return generate(7), generate(7, extras=True)


def sums(ds: DemoDataset) -> dict[tuple[str, str, str, str], list[float]]:
    """Metric totals per campaign, channel, audience and day."""
    out: dict[tuple[str, str, str, str], list[float]] = defaultdict(lambda: [0.0] * 6)
    for r in ds.outcomes:
        key = (r["campaign_id"], r["channel_id"], r["audience_id"], r["date"])
        for i, m in enumerate(
            ("spend", "revenue", "impressions", "clicks", "conversions", "leads")
        ):
            out[key][i] += r[m]
    return out


def test_creative_tests_split_rows_and_keep_every_total(
    pair: tuple[DemoDataset, DemoDataset],
) -> None:
    base, extra = pair
    variants = [a for a in extra.assets if "variant_of" in a]
    assert 8 <= len(variants) <= 12
    b, e = sums(base), sums(extra)
    assert b.keys() == e.keys()
    for key in b:
        assert e[key] == pytest.approx(b[key], abs=1e-6), key
    rows = [r for r in extra.outcomes if r["asset_id"] in {v["id"] for v in variants}]
    assert 14 * len(variants) <= len(rows) <= 35 * len(variants)
    for kind in ("assets", "outcomes", "campaigns", "leads"):
        for record in extra.records(kind):
            RECORD_TYPES[kind].model_validate(record)


def test_extras_leave_the_base_records_alone(pair: tuple[DemoDataset, DemoDataset]) -> None:
    base, extra = pair
    assert extra.assets[: len(base.assets)] == base.assets
    assert generate(7).outcomes == base.outcomes  # no extras: the same data as ever
    changed = [(a, b) for a, b in zip(base.leads, extra.leads, strict=True) if a != b]
    assert changed and all(b["channel_id"] == "ch-linkedin" for _, b in changed)
    for before, after in changed:
        assert after["created_at"] >= "2026-11-03"
        if after["first_response_at"]:
            late = datetime.fromisoformat(after["first_response_at"])
            early = datetime.fromisoformat(before["first_response_at"])
            assert late > early


def test_a_third_of_us_posts_are_localised_later(pair: tuple[DemoDataset, DemoDataset]) -> None:
    _, extra = pair
    by_id = {a["id"]: a for a in extra.assets}
    local = [a for a in extra.assets if "translation_of" in a]
    assert len(local) == 12
    for a in local:
        original = by_id[a["translation_of"]]
        assert a["language"] == "en-GB" and original["language"] == "en-US"
        assert a["created_at"] > original["created_at"] and "/uk/journal/" in a["url"]
