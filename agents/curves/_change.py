"""Change points: the day a pair's level moved for good, so the fit can start from it.

A market can change overnight (a competitor, a policy change, a broken tracking tag): the
pair returns half of what it did, at every spend. A fit over a year of days, even with a
recency half-life, reads that mostly from the old days and keeps planning on the old level
for weeks. So, per pair, on the residuals of the weakly-pooled fit (``log(actual + c) -
log(curve + c)``, in time order, deseasonalised):

1. **Split**: for every day ``k`` with at least ``MIN_BEFORE`` days before and
   ``MIN_AFTER`` from it on, the difference of the mean residual after and before, divided
   by its standard error. Daily residuals are serially correlated (a campaign beats the
   curve for weeks), so the standard error of a mean of ``m`` consecutive days comes from
   the residuals' autocovariances up to ``hac_lags(n)`` (Bartlett-tapered), not from
   ``sigma / sqrt(m)``. The best split is then scored again with the autocovariances of
   residuals centred within each side (a real shift would otherwise inflate them).
2. **Latest**: when the best split is sure (``|z| >= change_z``), the search goes on in the
   days after it, so the change kept is the latest sure one whose size is at least
   ``min_change`` (e.g. 30 %): smaller sure shifts (a campaign's own effect) are left to
   the curve's level uncertainty, as before.
3. **Refit**: the days before the change are scaled to the new level (times
   ``exp(shift)``), and the pair is fitted on them as usual. The curve's shape and
   half-saturation still learn from the whole history and from the pool; its level
   learns from the days after the change; the shift's own standard error is added to the
   curve's level uncertainty, so a change read from five days is planned on with
   five days' confidence.

Residuals are clipped at 3 robust standard deviations around their median first, so one
odd day at the end is not a change.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from agents.curves._fit import hac_lags
from agents.curves.hill import FloatArray

MIN_AFTER = 5  # days on the new level before a change can be found
MAX_AFTER = 120  # the change is looked for in the last this many days
MIN_BEFORE = 14  # days on the old level it is measured against
CLIP = 5.0  # residuals clipped at this many robust standard deviations


@dataclass(frozen=True)
class Change:
    """A shift of a pair's level: from day ``index`` (position in its days) on."""

    index: int
    shift: float  # log(new level / old level)
    se: float  # standard error of ``shift``
    z: float

    @property
    def ratio(self) -> float:
        """New level over old, e.g. 0.5 when the pair's return halved."""
        return math.exp(self.shift)


def find_change(residuals: FloatArray, *, z: float, min_change: float) -> Change | None:
    """The surest level shift of at least ``min_change`` (relative) over the last
    ``MIN_AFTER`` to ``MAX_AFTER`` days of ``residuals`` (time ordered, log scale), or None
    when none reaches ``|z|``."""
    found = best_split(residuals)
    if found is None or abs(found.z) < z or abs(found.shift) < math.log1p(min_change):
        return None
    return found


def _clip(r: FloatArray) -> FloatArray:
    if r.size == 0:
        return r
    centre = float(np.median(r))
    spread = max(1.4826 * float(np.median(np.abs(r - centre))), 1e-6)
    result: FloatArray = np.clip(r, centre - CLIP * spread, centre + CLIP * spread)
    return result


def _autocov(e: FloatArray, lags: int) -> FloatArray:
    """Bartlett-tapered autocovariances of ``e`` (already centred) at lags 0..lags."""
    n = e.size
    out = np.array([float(e[lag:] @ e[: n - lag]) / n for lag in range(lags + 1)])
    taper = 1.0 - np.arange(lags + 1) / (lags + 1.0)
    result: FloatArray = out * taper
    return result


def _mean_variance(gamma: FloatArray, m: np.ndarray) -> FloatArray:
    """Variance of the mean of ``m`` consecutive days, for each ``m`` (array)."""
    lags = np.arange(1, gamma.size)
    m = np.asarray(m, dtype=np.float64)[:, None]
    factor = np.clip(1.0 - lags[None, :] / m, 0.0, None)  # (1 - l/m) for l < m
    total = gamma[0] + 2.0 * (factor * gamma[None, 1:]).sum(axis=1)
    result: FloatArray = np.maximum(total, 0.25 * gamma[0]) / m[:, 0]
    return result


def best_split(residuals: FloatArray) -> Change | None:
    """The split of ``residuals`` (time ordered, log scale) with the largest ``|z|`` over the
    last ``MIN_AFTER`` to ``MAX_AFTER`` days, whatever its size (None: too few days)."""
    r = _clip(np.asarray(residuals, dtype=np.float64))
    n = r.size
    ks = np.arange(max(MIN_BEFORE, n - MAX_AFTER), n - MIN_AFTER + 1)
    if ks.size == 0:
        return None
    lags = min(hac_lags(n), n - 1)
    sums = np.concatenate([[0.0], np.cumsum(r)])
    before = sums[ks] / ks
    after = (sums[n] - sums[ks]) / (n - ks)
    diff = after - before
    gamma = _autocov(r - r.mean(), lags)
    if gamma[0] <= 0:
        return None
    se = np.sqrt(_mean_variance(gamma, ks) + _mean_variance(gamma, n - ks))
    best = int(np.argmax(np.abs(diff) / se))
    k = int(ks[best])
    centred = np.concatenate([r[:k] - r[:k].mean(), r[k:] - r[k:].mean()])
    gamma = _autocov(centred, lags)
    if gamma[0] <= 0:
        return None
    se_k = float(np.sqrt(_mean_variance(gamma, np.array([k, n - k])).sum()))
    shift = float(diff[best])
    return Change(index=k, shift=shift, se=se_k, z=shift / se_k if se_k > 0 else math.inf)


def split_at(residuals: FloatArray, k: int) -> Change | None:
    """The level shift at day ``k`` of ``residuals`` (time ordered, log scale), measured as
    :func:`best_split` measures its best split (None: fewer than ``MIN_BEFORE`` days before
    it or ``MIN_AFTER`` from it on). For a change something else already pointed at (a
    drift alert's first day), where no search over days inflates the z."""
    r = _clip(np.asarray(residuals, dtype=np.float64))
    n = r.size
    if k < MIN_BEFORE or n - k < MIN_AFTER:
        return None
    lags = min(hac_lags(n), n - 1)
    centred = np.concatenate([r[:k] - r[:k].mean(), r[k:] - r[k:].mean()])
    gamma = _autocov(centred, lags)
    if gamma[0] <= 0:
        return None
    se = float(np.sqrt(_mean_variance(gamma, np.array([k, n - k])).sum()))
    shift = float(r[k:].mean() - r[:k].mean())
    return Change(index=k, shift=shift, se=se, z=shift / se if se > 0 else math.inf)
