"""The statistics the use cases state: Wilson intervals, a log-ratio lift interval,
one-sided tests for degradation and Holm's correction across many of them."""

from __future__ import annotations

import math
from collections.abc import Sequence

from scipy import stats

Z95 = 1.959963984540054


def wilson(successes: float, n: float, z: float = Z95) -> tuple[float | None, float | None]:
    """95 % Wilson score interval of a proportion (sound at small n and near 0 or 1)."""
    if n <= 0:
        return None, None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def quantile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile with linear interpolation between order statistics (numpy's
    default), or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo = math.floor(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def lift(
    x1: float, n1: float, x0: float, n0: float, z: float = Z95
) -> tuple[float, float, float, float] | None:
    """Relative lift of rate x1/n1 over x0/n0 with its 95 % interval and two-sided p-value.

    The interval is the log risk-ratio (Katz) interval, ``exp(log RR ± z·se)`` with
    ``se² = 1/x1 − 1/n1 + 1/x0 − 1/n0``; a zero count gets 0.5 added to both its count and
    its trials (Haldane) so the interval stays finite. None without trials on either side.
    """
    if n1 <= 0 or n0 <= 0:
        return None
    if x1 == 0 or x0 == 0:
        x1, n1, x0, n0 = x1 + 0.5, n1 + 0.5, x0 + 0.5, n0 + 0.5
    ratio = (x1 / n1) / (x0 / n0)
    se = math.sqrt(max(1 / x1 - 1 / n1 + 1 / x0 - 1 / n0, 0.0))
    log_ratio = math.log(ratio)
    p = 2 * float(stats.norm.sf(abs(log_ratio) / se)) if se > 0 else 1.0
    return ratio - 1, math.exp(log_ratio - z * se) - 1, math.exp(log_ratio + z * se) - 1, p


def proportion_greater(x1: float, n1: float, x0: float, n0: float) -> float | None:
    """One-sided p-value that rate x1/n1 exceeds x0/n0 (pooled two-proportion z-test)."""
    if n1 <= 0 or n0 <= 0:
        return None
    pooled = (x1 + x0) / (n1 + n0)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))
    if se == 0:
        return 1.0
    return float(stats.norm.sf((x1 / n1 - x0 / n0) / se))


def greater(recent: Sequence[float], baseline: Sequence[float]) -> float | None:
    """One-sided Mann-Whitney U p-value that ``recent`` values tend to exceed ``baseline``."""
    if not recent or not baseline:
        return None
    result = stats.mannwhitneyu(recent, baseline, alternative="greater")
    return float(result.pvalue)


def holm(pvalues: Sequence[float | None]) -> list[float | None]:
    """Holm-Bonferroni adjusted p-values (None stays None), controlling the family-wise error."""
    indexed = sorted((p, i) for i, p in enumerate(pvalues) if p is not None)
    m = len(indexed)
    adjusted: list[float | None] = [None] * len(pvalues)
    running = 0.0
    for rank, (p, i) in enumerate(indexed):
        running = max(running, min(1.0, (m - rank) * p))
        adjusted[i] = running
    return adjusted
