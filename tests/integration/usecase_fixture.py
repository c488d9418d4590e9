"""A small graph whose use-case KPIs are worked out by hand in the tests that use it.

Brand b1 (and b2, whose lead must never count for b1). SLA 60 minutes, as of
2026-03-04T00:00Z:

    lead  campaign channel   owner  created           first response   status
    L1    c1       ch-search Ann    03-02 09:00       09:30 (30 min)   met, won 03-03
    L2    c1       ch-search Ann    03-02 10:00       12:00 (120 min)  late, lost
    L3    c2       ch-social Bob    03-03 09:00       09:10 (10 min)   met, qualified
    L4    c2       ch-social Bob    03-03 20:00       —                open breach (+180 min)
    L5    c2       ch-social —      03-03 23:30       —                pending (30 min old)

Content (b1, window 03-01..04-10, as of 04-10 12:00):

    asset kind    unit     channel   live        note
    a1    blog    Apparel  ch-email  03-01
    a2    email   Apparel  ch-email  03-08       collides with a4
    a4    email   Camping  ch-email  03-08
    a5    blog    Apparel  ch-email  03-11       translation of a1 (de), 10 days later
    a3    blog    Apparel  ch-email  04-05       25 days after a5: a gap
    a6    ad_copy Camping  ch-social 03-01       made 02-20, live when c2 starts; channel
                                                 from its outcomes
    a7    guideline                              not content
    a8    blog    Camping  ch-email  04-20       scheduled

Creative test in c2 × ch-social × aud1: v1 (control) runs 03-01..03-03, v2 03-02..03-03.
"""

from __future__ import annotations

from typing import Any

from graph.base import GraphStore
from ingest import Part, describe, ingest, read_rows


def _part(kind: str, records: list[dict[str, Any]]) -> Part:
    import json

    data = "\n".join(json.dumps(r) for r in records).encode()
    return Part(kind=kind, source=describe(f"{kind}.jsonl", data), rows=read_rows(data, "jsonl"))


def z(day: str, clock: str) -> str:
    return f"2026-{day}T{clock}:00+00:00"


BRANDS = [{"id": "b1", "name": "Trailhead"}, {"id": "b2", "name": "Other"}]
CHANNELS = [
    {"id": "ch-search", "name": "Search", "kind": "paid_search"},
    {"id": "ch-social", "name": "Social", "kind": "paid_social"},
    {"id": "ch-email", "name": "Email", "kind": "email"},
]
AUDIENCES = [{"id": "aud1", "name": "Hikers", "brand_id": "b1"}]
CAMPAIGNS = [
    {"id": "c1", "brand_id": "b1", "name": "Spring", "business_unit": "Apparel",
     "start_date": "2026-03-01", "channel_ids": ["ch-search"]},
    {"id": "c2", "brand_id": "b1", "name": "Camp", "business_unit": "Camping",
     "start_date": "2026-03-01", "channel_ids": ["ch-social"], "objective": "conversions"},
    {"id": "cx", "brand_id": "b2", "name": "Elsewhere", "channel_ids": ["ch-search"]},
]  # fmt: skip
LEADS = [
    {"id": "L1", "created_at": z("03-02", "09:00"), "campaign_id": "c1", "channel_id": "ch-search",
     "owner": "Ann", "first_response_at": z("03-02", "09:30"), "stage": "won",
     "converted_at": z("03-03", "09:00"), "value": 900},
    {"id": "L2", "created_at": z("03-02", "10:00"), "campaign_id": "c1", "channel_id": "ch-search",
     "owner": "Ann", "first_response_at": z("03-02", "12:00"), "stage": "lost"},
    {"id": "L3", "created_at": z("03-03", "09:00"), "campaign_id": "c2", "channel_id": "ch-social",
     "owner": "Bob", "first_response_at": z("03-03", "09:10"), "stage": "qualified"},
    {"id": "L4", "created_at": z("03-03", "20:00"), "campaign_id": "c2", "channel_id": "ch-social",
     "owner": "Bob", "stage": "new"},
    {"id": "L5", "created_at": z("03-03", "23:30"), "campaign_id": "c2", "channel_id": "ch-social",
     "stage": "new"},
    {"id": "LX", "created_at": z("03-02", "09:00"), "campaign_id": "cx", "channel_id": "ch-search",
     "owner": "Zed"},
]  # fmt: skip


def _asset(asset_id: str, kind: str, **props: Any) -> dict[str, Any]:
    return {"id": asset_id, "brand_id": "b1", "kind": kind, "title": asset_id.upper(), **props}


ASSETS = [
    _asset("a1", "blog", published_at=z("03-01", "10:00"), business_unit="Apparel",
           channel_id="ch-email", created_at=z("03-01", "10:00")),
    _asset("a2", "email", published_at=z("03-08", "08:00"), business_unit="Apparel",
           channel_id="ch-email"),
    _asset("a3", "blog", published_at=z("04-05", "10:00"), business_unit="Apparel",
           channel_id="ch-email"),
    _asset("a4", "email", published_at=z("03-08", "16:00"), business_unit="Camping",
           channel_id="ch-email"),
    _asset("a5", "blog", published_at=z("03-11", "10:00"), business_unit="Apparel",
           channel_id="ch-email", language="de", translation_of="a1"),
    _asset("a6", "ad_copy", created_at=z("02-20", "12:00"), campaign_ids=["c2"]),
    _asset("a7", "guideline", created_at=z("03-02", "12:00")),
    _asset("a8", "blog", published_at=z("04-20", "10:00"), business_unit="Camping",
           channel_id="ch-email", status="scheduled"),
    _asset("v1", "ad_copy", created_at=z("02-25", "12:00"), campaign_ids=["c2"]),
    _asset("v2", "ad_copy", created_at=z("02-26", "12:00"), campaign_ids=["c2"]),
]  # fmt: skip


def _outcome(
    day: str, asset: str, impressions: int, clicks: int, conversions: int
) -> dict[str, Any]:
    return {
        "date": f"2026-{day}",
        "campaign_id": "c2",
        "channel_id": "ch-social",
        "audience_id": "aud1",
        "asset_id": asset,
        "spend": 100.0,
        "impressions": impressions,
        "clicks": clicks,
        "conversions": conversions,
    }


OUTCOMES = [
    _outcome("03-01", "v1", 1000, 50, 5),
    _outcome("03-02", "v1", 1000, 40, 4),
    _outcome("03-03", "v1", 1000, 60, 6),
    _outcome("03-02", "v2", 1000, 60, 12),
    _outcome("03-03", "v2", 1000, 60, 14),
    {"date": "2026-03-01", "campaign_id": "c2", "channel_id": "ch-social", "asset_id": "a6",
     "spend": 10.0, "impressions": 100},
]  # fmt: skip


def load(store: GraphStore) -> None:
    """Write the fixture through the ordinary ingest pipeline."""
    ingest(
        store,
        [
            _part("brands", BRANDS),
            _part("channels", CHANNELS),
            _part("audiences", AUDIENCES),
            _part("campaigns", CAMPAIGNS),
            _part("assets", ASSETS),
            _part("outcomes", OUTCOMES),
            _part("leads", LEADS),
        ],
    )
