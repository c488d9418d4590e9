"""Fit input: daily points summed per pair and day, with each campaign's part of the days."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from agents.curves._change import Change
from agents.curves._fit import HillFit, Transform
from agents.curves.hill import FloatArray
from agents.curves.response_curve import DailyPoint, Metric
from graph.models import canonical_json, sha256_hex

# Fitting scale of each metric (see _fit.py) and the residual scale assumed before a fit.
TRANSFORMS: dict[str, tuple[Transform, float]] = {
    "revenue": ("log", 0.3),
    "conversions": ("poisson", 1.0),
}


@dataclass(frozen=True)
class CampaignPart:
    """One campaign's spend and metric on the days of a pair (``index`` into the pair's days)."""

    index: np.ndarray
    spend: FloatArray
    y: FloatArray


@dataclass
class PairData:
    """A pair's days with positive spend, in date order, and the state of its fit."""

    channel_id: str
    audience_id: str
    brand_id: str | None
    ordinals: np.ndarray
    spend: FloatArray
    y: FloatArray
    rows: int
    digest: str
    offset: float  # added to values before logs: half the smallest positive value
    factors: FloatArray  # current seasonal factor of each day
    transform: Transform
    scale: float  # current residual scale (on the transform's scale)
    campaigns: list[CampaignPart] = field(default_factory=list)
    thin: bool = False
    free: HillFit | None = None  # fit under the weak generic prior
    weights: FloatArray | None = None  # recency weight of each day (None: all 1)
    change: Change | None = None  # the level shift the days before were scaled by
    common: FloatArray | None = None  # the brand's common log move of each day
    # Days (positions) a drift alert said the pair's level moved from, with the direction.
    hints: list[tuple[int, int]] = field(default_factory=list)
    # before a change rescaled them: the days' values, campaign parts, and the reference cut
    raw: tuple[FloatArray, list[CampaignPart], int] | None = None


_Key = tuple[str | None, str, str]


def collect(points: Sequence[DailyPoint], metric: Metric) -> list[PairData]:
    """Sum points per pair and day; keep days with positive spend (the curve is 0 at 0)."""
    days: dict[_Key, dict[int, list[float]]] = defaultdict(dict)
    parts: dict[_Key, dict[str, dict[int, list[float]]]] = defaultdict(dict)
    for pt in points:
        key = (pt.brand_id, pt.channel_id, pt.audience_id)
        ordinal = pt.date.toordinal()
        value = pt.revenue if metric == "revenue" else pt.conversions
        cell = days[key].setdefault(ordinal, [0.0, 0.0, 0.0])
        cell[0] += pt.spend
        cell[1] += value
        cell[2] += pt.rows
        if pt.campaign_id is not None:
            part = parts[key].setdefault(pt.campaign_id, {}).setdefault(ordinal, [0.0, 0.0])
            part[0] += pt.spend
            part[1] += value
    transform, scale = TRANSFORMS[metric]
    pairs = []
    for key, by_day in sorted(days.items(), key=lambda kv: kv[0][1:]):
        kept = sorted((o, v) for o, v in by_day.items() if v[0] > 0)
        if not kept:
            continue
        values = np.array([v for _, v in kept], dtype=np.float64)
        y = np.maximum(values[:, 1], 0.0)
        rows = [[o, round(v[0], 2), round(v[1], 4)] for o, v in kept]
        positive = y[y > 0]
        pairs.append(
            PairData(
                channel_id=key[1],
                audience_id=key[2],
                brand_id=key[0],
                ordinals=np.array([o for o, _ in kept], dtype=np.int64),
                spend=values[:, 0],
                y=y,
                rows=int(values[:, 2].sum()),
                digest=sha256_hex(canonical_json([key[1], key[2], rows]).encode()),
                offset=0.5 * float(positive.min()) if positive.size else 0.5,
                factors=np.ones(len(kept)),
                transform=transform,
                scale=scale,
                campaigns=_campaigns(parts.get(key, {}), {o: i for i, (o, _) in enumerate(kept)}),
            )
        )
    return pairs


def _campaigns(
    by_campaign: dict[str, dict[int, list[float]]], position: dict[int, int]
) -> list[CampaignPart]:
    out = []
    for campaign in sorted(by_campaign):
        cells = sorted((position[o], v) for o, v in by_campaign[campaign].items() if o in position)
        if cells:
            out.append(
                CampaignPart(
                    index=np.array([i for i, _ in cells], dtype=np.int64),
                    spend=np.array([v[0] for _, v in cells]),
                    y=np.maximum(np.array([v[1] for _, v in cells]), 0.0),
                )
            )
    return out
