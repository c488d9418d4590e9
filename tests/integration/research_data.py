"""A small, seeded data set for the research tests: a brand, two competitors, and outcomes
with one hook planted to rise against the rest of the brand.

Trailhead (``b1``) runs one campaign with three assets for 70 days. The asset opening with
:data:`RISING_HOOK` gains on the other two by :data:`PLANTED_GAIN` over the period (log
scale, plus lognormal noise); the others only share the brand's weekly pattern. "Rival Co"
is a competitor by name (in b1's ``competitors``), "Paddle Works" by its own
``competitor_of``; Paddle Works writes about kayaks only, so it is silent on boots.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from graph.base import GraphStore
from ingest import Part, SourceInfo, ingest
from retrieval.edge import EdgeTextIndex
from retrieval.indexer import Indexer
from retrieval.retriever import HybridRetriever

BRAND = "b1"
RISING_HOOK = "Dry feet on every creek crossing."
PLANTED_GAIN = 0.8  # log change of the rising asset's ROAS over the days, against the rest
DAYS = 70
START = date(2026, 3, 2)

Record = dict[str, Any]


def records() -> dict[str, list[Record]]:
    """The records of every kind, in ingest order."""
    rng = np.random.default_rng(5)
    brands = [
        {
            "id": BRAND,
            "name": "Trailhead",
            "voice": "Plainspoken and warm.",
            "competitors": ["Rival Co", "Nobody Outdoors"],
        },
        {"id": "rival", "name": "Rival Co"},
        {"id": "paddle", "name": "Paddle Works", "competitor_of": [BRAND]},
    ]
    own = [
        (
            "a-rise",
            "Social ad: Ridgeline boots",
            f"Primary text: {RISING_HOOK} Our Ridgeline waterproof hiking boots need no "
            "break-in.\nHeadline: Ridgeline boots\nLink: https://trailhead.example/r",
        ),
        (
            "a-flat",
            "Social ad: Trail boots for weekends",
            "Primary text: Weekend plans start with the right boots. Waterproof hiking boots "
            "tested by real hikers, with the Trailhead Guarantee.\nLink: https://t.example/f",
        ),
        (
            "a-other",
            "Email: Packs for the summer",
            "Subject: Packs that carry a week of food\n\nHi there,\n\nOur Traverse pack "
            "carries a week of food with the Trailhead Guarantee.",
        ),
    ]
    rival = [
        (
            "r-1",
            "Social ad: Price match on hiking boots",
            "Primary text: Found your hiking boots cheaper? We price match any store. Up to "
            "40% off waterproof hiking boots this week.\nLink: https://rival.example/1",
        ),
        (
            "r-2",
            "Email: We price match waterproof boots",
            "Subject: We price match waterproof boots\n\nHi there,\n\nSend us the lower price "
            "and we price match it: waterproof hiking boots, trail runners, approach shoes.",
        ),
        (
            "r-3",
            "Landing page: Price match on boots",
            "H1: Price match on every hiking boot\nSubhead: Free shipping over $49 on "
            "waterproof hiking boots, price match included.",
        ),
    ]
    paddle = [
        (
            "p-1",
            "Social ad: Carbon kayak paddles",
            "Primary text: Paddle further with a carbon kayak paddle that weighs 700 g.",
        ),
        (
            "p-2",
            "Email: Kayak season",
            "Subject: Kayak season is here\n\nHi there,\n\nNew sea kayaks and paddles.",
        ),
    ]
    assets = [
        {"id": i, "brand_id": b, "kind": _kind(body), "title": t, "body": body}
        for b, items in ((BRAND, own), ("rival", rival), ("paddle", paddle))
        for i, t, body in items
    ]
    campaign = {
        "id": "c1",
        "brand_id": BRAND,
        "name": "Spring boots",
        "channel_ids": ["ch-social"],
        "audience_ids": ["aud-hikers"],
        "asset_ids": ["a-rise", "a-flat", "a-other"],
        "start_date": START.isoformat(),
        "end_date": (START + timedelta(days=DAYS - 1)).isoformat(),
    }
    outcomes = []
    weekly = np.array([1.0, 0.95, 0.95, 1.0, 1.1, 1.25, 1.2])
    for day in range(DAYS):
        when = START + timedelta(days=day)
        for asset, roas in (("a-rise", 2.0), ("a-flat", 2.5), ("a-other", 2.2)):
            spend = round(float(100 * rng.lognormal(0, 0.1)), 2)
            gain = np.exp(PLANTED_GAIN * day / DAYS) if asset == "a-rise" else 1.0
            noise = rng.lognormal(-0.5 * 0.15**2, 0.15)
            revenue = round(float(spend * roas * gain * weekly[when.weekday()] * noise), 2)
            outcomes.append(
                {
                    "date": when.isoformat(),
                    "campaign_id": "c1",
                    "channel_id": "ch-social",
                    "audience_id": "aud-hikers",
                    "asset_id": asset,
                    "spend": spend,
                    "revenue": revenue,
                    "clicks": int(spend * 3),
                    "impressions": int(spend * 100),
                    "conversions": int(revenue // 50),
                }
            )
    return {
        "brands": brands,
        "channels": [{"id": "ch-social", "name": "Social ads", "kind": "paid_social"}],
        "audiences": [{"id": "aud-hikers", "name": "Day hikers", "brand_id": BRAND}],
        "assets": assets,
        "campaigns": [campaign],
        "outcomes": outcomes,
    }


def _kind(body: str) -> str:
    if body.startswith("Subject:"):
        return "email"
    return "landing_page" if body.startswith("H1:") else "ad_copy"


def parts(data: dict[str, list[Record]]) -> list[Part]:
    out = []
    for kind, rows in data.items():
        blob = "".join(json.dumps(r, sort_keys=True) + "\n" for r in rows).encode()
        info = SourceInfo(name=f"research-test:{kind}.jsonl", sha256=_sha(blob), size=len(blob))
        out.append(Part(kind=kind, source=info, rows=enumerate(rows, start=1)))
    return out


def _sha(blob: bytes) -> str:
    import hashlib

    return hashlib.sha256(blob).hexdigest()


def write_folder(folder: Path, data: dict[str, list[Record]]) -> Path:
    """The records as ``KIND.jsonl`` files (for ``marketgraph ingest all``)."""
    folder.mkdir(parents=True, exist_ok=True)
    for kind, rows in data.items():
        (folder / f"{kind}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return folder


def load(store: GraphStore, folder: Path, part_list: Sequence[Part]) -> HybridRetriever:
    """Ingest ``part_list`` into ``store`` with an embedded (Edge) index in ``folder``."""
    index = EdgeTextIndex(folder)
    indexer = Indexer(store, index)
    ingest(store, part_list, on_written=lambda nodes: indexer.index_nodes(nodes).pending)
    return HybridRetriever(store, index)
