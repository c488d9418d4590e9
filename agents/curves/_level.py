"""How far a pair's level is known, beyond what its days show: campaign effects, else drift.

A pair's days come from a handful of campaigns, each of which did a little better or worse
than the pair's curve (creative, offer, timing). The curve fitted on them carries the
average effect of those particular campaigns, and daily residuals cannot reveal it: one
campaign that ran all year looks exactly like a higher curve. So:

- with campaign ids, each campaign's effect is ``log(actual / expected)`` over its share
  of the pair's days; their spread within pairs (pooled over the brand's pairs, minus
  daily noise) is the campaign-effect variance ``sigma_c²``, and a pair whose spend came
  from campaigns with spend shares ``w`` has level variance ``sigma_c² · Σ w²``
  (``1 / Σ w²`` is its effective number of campaigns);
- without them, the spread of the pair's monthly ``log(actual / expected)`` (again minus
  daily noise), at least the brand's typical spread, stands in for it; it misses a
  campaign that ran all year, so it is the weaker of the two.
"""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np

from agents.curves._data import PairData
from agents.curves._fit import HillFit
from agents.curves.hill import hill

MIN_DOF = 5  # campaign deviations needed before a brand gets its own sigma_c
MIN_BLOCK_DAYS = 7  # a month counts for the drift with at least this many days
DRIFT_DEFAULT = 0.1


def level_sigmas(pairs: list[PairData], fits: list[HillFit]) -> list[float]:
    """Level standard deviation (log scale) of each pair's curve."""
    sigma_c = _campaign_sigmas(pairs, fits)
    drifts = [_drift(p, fit) for p, fit in zip(pairs, fits, strict=True)]
    typical = _typical(pairs, drifts)
    out = []
    for p, drift in zip(pairs, drifts, strict=True):
        brand_sigma = sigma_c.get(p.brand_id, sigma_c.get(None))
        if p.campaigns and brand_sigma is not None:
            total = sum(float(c.spend.sum()) for c in p.campaigns)
            shares = np.array([float(c.spend.sum()) / total for c in p.campaigns])
            out.append(brand_sigma * math.sqrt(float(np.sum(shares**2))))
        elif drift is not None and not p.thin:
            out.append(max(drift, typical[p.brand_id]))
        else:
            out.append(typical[p.brand_id])
    return out


def _noise(p: PairData, fit: HillFit, days: int, expected: float) -> float:
    """Variance of ``log(actual / expected)`` over ``days`` days from daily noise alone."""
    if p.transform == "poisson":  # counts: dispersion / expected count
        return fit.sigma**2 / max(expected, 1e-9)
    return fit.sigma**2 / days


def _campaign_sigmas(pairs: list[PairData], fits: list[HillFit]) -> dict[str | None, float]:
    """sigma_c per brand (and under None, over all brands), where there is enough to say."""
    squares: dict[str | None, float] = defaultdict(float)
    dof: dict[str | None, int] = defaultdict(int)
    noise: dict[str | None, list[float]] = defaultdict(list)
    for p, fit in zip(pairs, fits, strict=True):
        expected_day = hill(p.spend, fit.alpha, fit.half, fit.shape) * p.factors
        effects, noises = [], []
        for c in p.campaigns:
            expected = float(np.sum(c.spend / p.spend[c.index] * expected_day[c.index]))
            actual = float(c.y.sum())
            if expected > 0 and actual > 0:
                effects.append(math.log(actual / expected))
                noises.append(_noise(p, fit, c.index.size, expected))
        if len(effects) < 2:
            continue
        deviation = float(np.sum((np.array(effects) - np.mean(effects)) ** 2))
        for key in (p.brand_id, None):
            squares[key] += deviation
            dof[key] += len(effects) - 1
            noise[key] += noises
    return {
        key: math.sqrt(max(squares[key] / dof[key] - float(np.mean(noise[key])), 0.0))
        for key in dof
        if dof[key] >= MIN_DOF
    }


def _drift(p: PairData, fit: HillFit) -> float | None:
    """Spread of monthly (30-day) log ratios of observed to expected, beyond daily noise
    (None with under 3 such months)."""
    expected_day = hill(p.spend, fit.alpha, fit.half, fit.shape) * p.factors
    months = (p.ordinals - p.ordinals.min()) // 30
    ratios, noise = [], []
    for month in np.unique(months):
        here = months == month
        expected, actual = float(expected_day[here].sum()), float(p.y[here].sum())
        if here.sum() >= MIN_BLOCK_DAYS and expected > 0 and actual > 0:
            ratios.append(math.log(actual / expected))
            noise.append(_noise(p, fit, int(here.sum()), expected))
    if len(ratios) < 3:
        return None
    return math.sqrt(max(float(np.var(ratios, ddof=1)) - float(np.mean(noise)), 0.0))


def _typical(pairs: list[PairData], drifts: list[float | None]) -> dict[str | None, float]:
    """Median drift of each brand's well-supplied pairs (for pairs without their own)."""
    by_brand: dict[str | None, list[float]] = defaultdict(list)
    for p, d in zip(pairs, drifts, strict=True):
        if d is not None and not p.thin:
            by_brand[p.brand_id].append(d)
    brands = {p.brand_id for p in pairs}
    return {b: float(np.median(by_brand[b])) if by_brand[b] else DRIFT_DEFAULT for b in brands}
