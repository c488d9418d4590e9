"""Opt-in additions to the demo data set for the marketing use cases (``generate(extras=True)``).

The base data set has one creative per campaign cell, no translations and sales teams
that answer leads at a steady pace, so three use cases would have nothing to show. With
``extras`` (what ``marketgraph demo`` loads) the generator also:

- runs A/B **creative tests**: in a few paid campaign × channel × audience cells a variant
  B asset takes about half the traffic for two to five weeks, with a true lift in
  conversions per click drawn from {-25 %, -10 %, 0, +15 %, +35 %}. The cell's rows are
  split, not added to: every day's spend, impressions, clicks, conversions, revenue and
  leads still sum to the base data set's, so response curves and the truth are unchanged;
- **localises** a third of Trailhead's US blog posts for the UK (``en-GB`` spelling and
  currency, ``translation_of`` the original) a few days to a few weeks later;
- **slows the handoff** of Ledgerline's LinkedIn leads in the last four weeks (first
  responses take four times longer), which the handoff report should flag.

It draws from its own random stream, so the base records are the same with or without it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import numpy as np

from demo.dataset import DemoDataset
from demo.outcomes import OutcomeTable
from demo.tables import CHANNELS, DATA_END, Record

TESTED_KINDS = frozenset({"paid_social", "paid_search", "display", "video"})
TESTS_PER_BRAND = 4
LIFTS = (-0.25, -0.1, 0.0, 0.15, 0.35)
_UK = {
    "color": "colour", "colors": "colours", "odor": "odour", "liter": "litre",
    "liters": "litres", "center": "centre", "gray": "grey", "favorite": "favourite",
    "fall": "autumn", "organize": "organise", "traveling": "travelling", "catalog": "catalogue",
}  # fmt: skip


def add_extras(ds: DemoDataset, seed: int) -> DemoDataset:
    """Add creative tests, localisations and a handoff slowdown to ``ds`` (in place)."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(5,)))
    _creative_tests(ds, rng)
    _localise(ds, rng)
    _slow_handoff(ds, rng)
    ds.__dict__.pop("outcomes", None)  # the cached rows are stale now
    return ds


def _next_asset_id(ds: DemoDataset, brand_key: str) -> str:
    numbers = [
        int(m.group(1))
        for a in ds.assets
        if (m := re.fullmatch(rf"ast-{brand_key}-(\d{{5}})", a["id"]))
    ]
    return f"ast-{brand_key}-{max(numbers, default=0) + 1:05d}"


def _creative_tests(ds: DemoDataset, rng: np.random.Generator) -> None:
    t = ds.table
    kinds = {c.id: c.kind for c in CHANNELS}
    by_id = {a["id"]: a for a in ds.assets}
    campaigns = {c["id"]: c for c in ds.campaigns}
    cell = t.campaign * 10_000_000 + t.channel * 10_000 + t.audience
    candidates = []
    for key in np.unique(cell).tolist():
        rows = np.flatnonzero(cell == key)
        channel = t.channel_ids[int(t.channel[rows[0]])]
        if kinds[channel] in TESTED_KINDS and rows.size >= 35:
            candidates.append(rows)
    order = rng.permutation(len(candidates))
    per_brand: dict[str, int] = {}
    splits = []
    for i in order.tolist():
        rows = candidates[i]
        campaign = campaigns[t.campaign_ids[int(t.campaign[rows[0]])]]
        brand = str(campaign["brand_id"])
        if per_brand.get(brand, 0) >= TESTS_PER_BRAND:
            continue
        per_brand[brand] = per_brand.get(brand, 0) + 1
        rows = rows[np.argsort(t.day[rows], kind="stable")]
        first = int(rng.integers(0, max(1, rows.size - 30)))
        length = int(rng.integers(14, 36))
        control = by_id[t.asset_ids[int(t.asset[rows[0]])]]
        variant = _variant(ds, control, campaign, brand.removeprefix("brand-"))
        splits.append((rows[first : first + length], variant, float(rng.choice(LIFTS))))
    for rows, index, true_lift in splits:
        _split(t, rows, index, true_lift, rng)
    order_by_day = np.argsort(t.day, kind="stable")
    for name in ("day", "campaign", "channel", "audience", "asset", "spend", "impressions",
                 "clicks", "conversions", "revenue", "leads", "season"):  # fmt: skip
        setattr(t, name, getattr(t, name)[order_by_day])


def _variant(ds: DemoDataset, control: Record, campaign: Record, brand_key: str) -> int:
    """A variant B asset of ``control`` in ``campaign``; its index in the table's asset ids."""
    asset_id = _next_asset_id(ds, brand_key)
    body = "Variant B (new hook, same offer). " + str(control.get("body") or "").replace(
        "Shop now", "See what's new"
    )
    ds.assets.append(
        {
            **control,
            "id": asset_id,
            "title": f"{control['title']} (variant B)",
            "body": body,
            "campaign_ids": [campaign["id"]],
            "variant_of": control["id"],
        }
    )
    campaign["asset_ids"] = sorted({*campaign["asset_ids"], asset_id})
    ds.table.asset_ids.append(asset_id)
    return len(ds.table.asset_ids) - 1


def _split(
    t: OutcomeTable, rows: np.ndarray, index: int, true_lift: float, rng: np.random.Generator
) -> None:
    """Give ``index`` about half of each row's traffic; the sums per row stay the same."""
    imp_b = rng.binomial(t.impressions[rows], 0.5)
    share = np.where(t.impressions[rows] > 0, imp_b / np.maximum(t.impressions[rows], 1), 0.5)
    clicks_b = rng.binomial(t.clicks[rows], share)
    click_share = np.where(t.clicks[rows] > 0, clicks_b / np.maximum(t.clicks[rows], 1), share)
    weighted = click_share * (1 + true_lift)
    conv_share = weighted / (weighted + (1 - click_share))
    conv_b = rng.binomial(t.conversions[rows], conv_share)
    leads_b = rng.binomial(t.leads[rows], conv_share)
    rev_share = np.where(
        t.conversions[rows] > 0, conv_b / np.maximum(t.conversions[rows], 1), conv_share
    )
    spend_b = np.round(t.spend[rows] * share, 2)
    revenue_b = np.round(t.revenue[rows] * rev_share, 2)
    new = {
        "day": t.day[rows],
        "campaign": t.campaign[rows],
        "channel": t.channel[rows],
        "audience": t.audience[rows],
        "asset": np.full(rows.size, index, dtype=np.int64),
        "spend": spend_b,
        "impressions": imp_b.astype(np.int64),
        "clicks": clicks_b.astype(np.int64),
        "conversions": conv_b.astype(np.int64),
        "revenue": revenue_b,
        "leads": leads_b.astype(np.int64),
        "season": t.season[rows],
    }
    t.spend[rows] = np.round(t.spend[rows] - spend_b, 2)
    t.impressions[rows] -= new["impressions"]
    t.clicks[rows] -= new["clicks"]
    t.conversions[rows] -= new["conversions"]
    t.revenue[rows] = np.round(t.revenue[rows] - revenue_b, 2)
    t.leads[rows] -= new["leads"]
    for name, values in new.items():
        setattr(t, name, np.concatenate([getattr(t, name), values]))


def _localise(ds: DemoDataset, rng: np.random.Generator) -> None:
    blogs = [a for a in ds.assets if a["kind"] == "blog" and a["language"] == "en-US"]
    for blog in blogs[::3]:
        created = datetime.fromisoformat(blog["created_at"])
        later = created + timedelta(days=float(rng.lognormal(np.log(9.0), 0.6)))
        ds.assets.append(
            {
                **blog,
                "id": _next_asset_id(ds, "trailhead"),
                "title": _british(blog["title"]),
                "body": _british(blog["body"]),
                "url": str(blog["url"]).replace("/journal/", "/uk/journal/"),
                "created_at": later.isoformat(timespec="seconds"),
                "language": "en-GB",
                "translation_of": blog["id"],
            }
        )


def _british(text: str) -> str:
    def swap(m: re.Match[str]) -> str:
        word = m.group(0)
        uk = _UK.get(word.lower(), word)
        return uk.capitalize() if word[0].isupper() else uk

    return re.sub(r"[A-Za-z]+", swap, text).replace("$", "£")


def _slow_handoff(ds: DemoDataset, rng: np.random.Generator) -> None:
    since = DATA_END - timedelta(days=27)
    end = datetime.fromisoformat(f"{DATA_END.isoformat()}T23:59:59+01:00")
    for lead in ds.leads:
        created = datetime.fromisoformat(lead["created_at"])
        slow = lead["channel_id"] == "ch-linkedin" and lead["id"].startswith("lead-ledgerline")
        if not slow or created.date() < since or not lead["first_response_at"]:
            continue
        first = datetime.fromisoformat(lead["first_response_at"])
        later = created + (first - created) * 4 + timedelta(minutes=float(rng.uniform(0, 30)))
        converted = lead["converted_at"] and datetime.fromisoformat(lead["converted_at"])
        if later > end or (converted and later > converted):
            lead["first_response_at"] = None if later > end else lead["first_response_at"]
            continue
        lead["first_response_at"] = later.isoformat(timespec="seconds")
