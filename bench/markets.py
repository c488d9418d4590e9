"""Markets with known curves: the demo generator's truth, and how to score a split on it.

Allocations are made on curves *fitted* from the generated outcomes and judged on the
*true* curves the generator drew, against the true optimum found by a dynamic programme over
a fine budget grid (exact on the grid, S-shaped curves included). Shared by the planner
benchmark and the allocator's tests.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from agents.curves import DailyPoint, ResponseCurve
from demo import DemoDataset, hill
from demo.tables import DATES

Pair = tuple[str, str]


def demo_points(dataset: DemoDataset, campaigns: bool = True) -> list[DailyPoint]:
    """One point per outcome row (campaign × pair × day) of the demo, with the brand."""
    t = dataset.table
    brand_of = {a["id"]: a["brand_id"] for a in dataset.audiences}
    days = [date.fromisoformat(d) for d in DATES]
    return [
        DailyPoint(
            channel_id=t.channel_ids[ch],
            audience_id=t.audience_ids[au],
            date=days[d],
            spend=sp,
            revenue=rv,
            conversions=float(cv),
            brand_id=brand_of[t.audience_ids[au]],
            campaign_id=t.campaign_ids[cm] if campaigns else None,
        )
        for d, cm, ch, au, sp, rv, cv in zip(
            t.day.tolist(),
            t.campaign.tolist(),
            t.channel.tolist(),
            t.audience.tolist(),
            t.spend.tolist(),
            t.revenue.tolist(),
            t.conversions.tolist(),
            strict=True,
        )
    ]


def make_curve(
    channel: str, audience: str, alpha: float, half: float, shape: float
) -> ResponseCurve:
    """A curve with given parameters and a small, fixed uncertainty (synthetic markets)."""
    return ResponseCurve(
        channel_id=channel,
        audience_id=audience,
        metric="revenue",
        alpha=alpha,
        half_saturation=half,
        shape=shape,
        cov=(0.01, 0.0, 0.0, 0.0, 0.01, 0.0, 0.0, 0.0, 0.01),
        level_sigma=0.05,
        n_days=200,
        n_rows=200,
        first_date=date(2026, 1, 1),
        last_date=date(2026, 7, 19),
        total_spend=1000.0,
        median_spend=half,
        max_spend=3 * half,
        thin=False,
        shrinkage=0.1,
        r2_holdout=None,
        mape_holdout=None,
        residual_sigma=0.2,
        pool=f"b/{channel}",
        brand_id="b",
        weekday_factors=(1.0,) * 7,
        month_factors=(1.0,) * 12,
        data_digest=f"{channel}-{audience}",
    )


def true_curves(dataset: DemoDataset, curves: Sequence[ResponseCurve]) -> list[ResponseCurve]:
    """The same pairs with the generator's true parameters (and no thin flag)."""
    out = []
    for c in curves:
        t = dataset.truth[c.pair]
        out.append(
            dataclasses.replace(
                c,
                alpha=t["alpha"],
                half_saturation=t["half_saturation"],
                shape=t["shape"],
                thin=False,
            )
        )
    return out


def true_value(dataset: DemoDataset, budgets: Mapping[Pair, float], days: int) -> float:
    """True expected revenue of period budgets per pair, spent evenly over ``days``."""
    total = 0.0
    for pair, budget in budgets.items():
        t = dataset.truth[pair]
        total += days * float(hill(budget / days, t["alpha"], t["half_saturation"], t["shape"]))
    return total


def _max_plus(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``out[j] = max_k a[j - k] + b[k]``."""
    n = a.size
    shifted = sliding_window_view(np.concatenate([np.full(n - 1, -np.inf), a]), n)[:, ::-1]
    result: np.ndarray = (shifted + b[None, :]).max(axis=1)
    return result


def grid_optimum(
    curves: Sequence[ResponseCurve],
    budget: float,
    days: int,
    minimums: Mapping[str, float] | None = None,
    maximums: Mapping[str, float] | None = None,
    steps: int = 1000,
) -> float:
    """Best expected value with budgets in steps of budget / steps: per channel, then across
    channels within their bounds."""
    grid = np.arange(steps + 1) * budget / steps
    total: np.ndarray | None = None
    for channel in sorted({c.channel_id for c in curves}):
        value: np.ndarray | None = None
        for c in curves:
            if c.channel_id == channel:
                own = days * hill(grid / days, c.alpha, c.half_saturation, c.shape)
                value = own if value is None else _max_plus(value, own)
        if value is None:
            continue
        low = (minimums or {}).get(channel, 0.0)
        high = (maximums or {}).get(channel, np.inf)
        value = np.where((grid >= low - 1e-9) & (grid <= high + 1e-9), value, -np.inf)
        total = value if total is None else _max_plus(total, value)
    if total is None:
        raise ValueError("no curves to optimise over")
    return float(total[steps])
