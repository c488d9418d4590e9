"""Outcome rows: daily spend, response and funnel metrics of every running campaign pair."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from demo.state import BuildState
from demo.tables import CHANNELS, DATES, N_DAYS, FloatArray, IntArray, Record
from demo.text import BRAND_COPY


@dataclass(eq=False)
class OutcomeTable:
    """Outcome rows as numpy columns; index columns point into the id lists."""

    day: IntArray  # days since DATA_START
    campaign: IntArray
    channel: IntArray
    audience: IntArray
    asset: IntArray
    spend: FloatArray
    impressions: IntArray
    clicks: IntArray
    conversions: IntArray
    revenue: FloatArray
    leads: IntArray
    season: FloatArray  # true seasonal factor of the row's brand and day (not a record field)
    campaign_ids: list[str]
    channel_ids: list[str]
    audience_ids: list[str]
    asset_ids: list[str]
    dates: list[str] = field(default_factory=lambda: list(DATES))  # ISO day of each ``day``

    def __len__(self) -> int:
        return int(self.day.size)

    def rows(self, start: int = 0, stop: int | None = None) -> list[Record]:
        """Rows ``start:stop`` as canonical outcome records."""
        sl = slice(start, stop)
        cmp, chn, aud, ast = self.campaign_ids, self.channel_ids, self.audience_ids, self.asset_ids
        return [
            {
                "date": self.dates[d],
                "campaign_id": cmp[c],
                "channel_id": chn[h],
                "spend": sp,
                "audience_id": aud[a],
                "asset_id": ast[s],
                "impressions": im,
                "clicks": cl,
                "conversions": cv,
                "revenue": rv,
                "leads": ld,
            }
            for d, c, h, sp, a, s, im, cl, cv, rv, ld in zip(
                self.day[sl].tolist(),
                self.campaign[sl].tolist(),
                self.channel[sl].tolist(),
                self.spend[sl].tolist(),
                self.audience[sl].tolist(),
                self.asset[sl].tolist(),
                self.impressions[sl].tolist(),
                self.clicks[sl].tolist(),
                self.conversions[sl].tolist(),
                self.revenue[sl].tolist(),
                self.leads[sl].tolist(),
                strict=True,
            )
        ]


def simulate(state: BuildState) -> tuple[OutcomeTable, IntArray]:
    """Daily rows for every campaign x channel x audience while the campaign runs."""
    rng = state.rng_sim
    segs = [
        (q, level, effect, p.start, p.run_days, ci, asset, p.leads, p.end)
        for ci, p in enumerate(state.plans)
        for q, level, effect, asset in zip(p.pairs, p.levels, p.effects, p.assets, strict=True)
    ]
    cols = np.array(segs, dtype=np.float64).T
    s_pair, s_start, s_days, s_cmp, s_asset, s_end = (
        cols[i].astype(np.int64) for i in (0, 3, 4, 5, 6, 8)
    )
    n = int(s_days.sum())
    seg = np.repeat(np.arange(s_days.size), s_days)
    day = s_start[seg] + np.arange(n) - np.repeat(np.cumsum(s_days) - s_days, s_days)
    order = np.argsort(day, kind="stable")
    seg, day = seg[order], day[order]
    pair = s_pair[seg]
    brand = state.p_brand[pair]
    # The curve is per channel x audience and day, so campaigns sharing a pair split the
    # spend: divide each level by the pair's average number of concurrent campaigns.
    cell = pair * N_DAYS + day
    n_pairs = len(state.pairs)
    busy = np.bincount(np.unique(cell) // N_DAYS, minlength=n_pairs)
    concurrency = np.bincount(pair, minlength=n_pairs) / np.maximum(busy, 1)
    level = cols[1] / concurrency[s_pair]
    _set_budgets(state, level, s_pair, s_start, s_end, s_cmp)
    # Budgets change once mid-flight (at a random day, by a lognormal factor).
    step_day = s_start + (s_days * rng.uniform(0.2, 0.8, s_days.size)).astype(np.int64)
    step = np.where(day >= step_day[seg], rng.lognormal(0.0, 0.35, s_days.size)[seg], 1.0)
    spend = level[seg] * step * state.spend_season[brand, day]
    spend *= rng.lognormal(-0.03, 0.25, n)
    spend = np.maximum(np.round(spend, 2), 0.01)
    total = np.bincount(cell, weights=spend, minlength=n_pairs * N_DAYS)[cell]
    shape, sigma = state.p_shape[pair], state.p_sigma[pair]
    x = total**shape
    expected = state.p_alpha[pair] * x / (state.p_k[pair] ** shape + x) * spend / total
    expected *= state.season[brand, day] * cols[2][seg]
    revenue = np.round(expected * np.exp(rng.normal(-0.5 * sigma**2, sigma)), 2)
    impressions = rng.poisson(spend / state.p_cpm[pair] * 1000.0 * rng.lognormal(0.0, 0.12, n))
    ctr = np.clip(state.p_ctr[pair] * rng.lognormal(0.0, 0.15, n), 0.0, 0.9)
    clicks = rng.binomial(impressions, ctr)
    aov = np.array([m.aov for m in state.models])[brand]
    conversions = np.minimum(rng.poisson(revenue / aov), clicks)
    per_lead = np.array([m.value_per_lead for m in state.models])[brand]
    leads = rng.poisson(np.where(cols[7][seg] > 0, revenue / per_lead, 0.0))
    pairs = np.array(state.pairs, dtype=np.int64).reshape(-1, 2)
    table = OutcomeTable(
        day=day,
        campaign=s_cmp[seg],
        channel=pairs[pair, 0],
        audience=pairs[pair, 1],
        asset=s_asset[seg],
        spend=spend,
        impressions=impressions.astype(np.int64),
        clicks=clicks.astype(np.int64),
        conversions=conversions.astype(np.int64),
        revenue=revenue,
        leads=leads.astype(np.int64),
        season=state.season[brand, day],
        campaign_ids=[p.record["id"] for p in state.plans],
        channel_ids=[c.id for c in CHANNELS],
        audience_ids=state.audience_ids,
        asset_ids=[a["id"] for a in state.assets],
    )
    return table, brand


def _set_budgets(
    state: BuildState,
    level: FloatArray,
    pair: IntArray,
    start: IntArray,
    end: IntArray,
    cmp: IntArray,
) -> None:
    """Budget = planned daily spend over the planned dates, give or take a few percent."""
    brand = state.p_brand[pair]
    cumulative = np.concatenate(
        [np.zeros((len(BRAND_COPY), 1)), np.cumsum(state.spend_season, axis=1)], axis=1
    )
    planned = level * (cumulative[brand, end + 1] - cumulative[brand, start])
    per_campaign = np.bincount(cmp, weights=planned, minlength=len(state.plans))
    margin = state.rng_sim.uniform(0.97, 1.08, len(state.plans))
    for p, budget in zip(state.plans, (per_campaign * margin / 50).round() * 50, strict=True):
        p.record["budget"] = float(budget)
