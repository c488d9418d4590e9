"""Synthetic lines from a known Hill curve, to calibrate the detector (tests and ``bench``).

:func:`known_curve` builds a ``ResponseCurve`` with chosen parameters and uncertainty (no
fit); :func:`simulate_line` draws a line's days from a true curve: revenue log-normal
around ``hill(spend) × level × change`` (mean-one noise), or conversions Poisson around a
log-normal daily mean, with an optional change of level from a given day and days left out.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from datetime import date, timedelta

import numpy as np

from agents.curves.hill import hill
from agents.curves.response_curve import ResponseCurve
from agents.validation.series import Observation

START = date(2026, 3, 2)  # a Monday


def known_curve(
    *,
    alpha: float = 1_000.0,
    half_saturation: float = 400.0,
    shape: float = 1.0,
    residual_sigma: float = 0.3,
    level_sigma: float = 0.1,
    metric: str = "revenue",
    channel_id: str = "paid_social",
    audience_id: str = "prospects",
) -> ResponseCurve:
    """A curve with these parameters; its interval is ``level_sigma`` wide on the log scale."""
    return ResponseCurve(
        channel_id=channel_id,
        audience_id=audience_id,
        metric=metric,
        alpha=alpha,
        half_saturation=half_saturation,
        shape=shape,
        cov=(0.0,) * 9,
        level_sigma=level_sigma,
        n_days=365,
        n_rows=365,
        first_date=date(2025, 3, 1),
        last_date=date(2026, 2, 28),
        total_spend=365 * half_saturation,
        median_spend=half_saturation,
        max_spend=2 * half_saturation,
        thin=False,
        shrinkage=0.1,
        r2_holdout=None,
        mape_holdout=None,
        residual_sigma=residual_sigma,
        pool=f"{channel_id}|synthetic",
        brand_id="brand-synthetic",
        weekday_factors=(1.0,) * 7,
        month_factors=(1.0,) * 12,
        data_digest="synthetic",
    )


def simulate_line(
    curve: ResponseCurve,
    rng: np.random.Generator,
    *,
    days: int = 56,
    spend: float | None = None,
    level: float = 1.0,
    change: float = 1.0,
    change_day: int | None = None,
    noise_sigma: float | None = None,
    skip: Collection[int] = (),
    start: date = START,
) -> list[Observation]:
    """``days`` days of a line that truly follows ``curve × level`` (× ``change`` from day
    index ``change_day`` on); ``spend`` per day defaults to the curve's half-saturation,
    with ±20 % day-to-day pacing noise. Day indexes in ``skip`` are left out."""
    base = curve.half_saturation if spend is None else spend
    sigma = curve.residual_sigma if noise_sigma is None else noise_sigma
    out: list[Observation] = []
    for i in range(days):
        s = base * float(rng.uniform(0.8, 1.2))
        factor = level * (change if change_day is not None and i >= change_day else 1.0)
        day = start + timedelta(days=i)
        mean = float(hill(s, curve.alpha, curve.half_saturation, curve.shape))
        mean *= factor * curve.season_factor(day)
        noise = math.exp(float(rng.normal(-0.5 * sigma**2, sigma)))
        if curve.metric == "conversions":
            actual = float(rng.poisson(mean * noise))
        else:
            actual = round(mean * noise, 2)
        if i not in skip:
            out.append(Observation(day=day, spend=round(s, 2), actual=actual))
    return out
