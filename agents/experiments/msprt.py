"""The mixture sequential probability ratio test (mSPRT) for a difference of two rates.

For the difference ``d`` of two observed rates with variance ``V`` (normal approximation),
mixing the likelihood ratio of ``theta = d_true`` against ``theta = 0`` over a normal prior
``theta ~ N(0, tau²)`` gives (Robbins 1970; Johari, Pekelis & Walsh 2017, "Always valid
inference")::

    Λ = sqrt(V / (V + tau²)) · exp(tau² d² / (2 V (V + tau²)))

``Λ`` is a nonnegative martingale under the null, so by Ville's inequality the chance that
it *ever* reaches ``1 / alpha`` is at most ``alpha``, however often one looks: rejecting
when ``log Λ ≥ log(1 / alpha)`` is an always-valid test, ``min(1, 1 / Λ)`` an always-valid
p-value. Inverting the test gives a confidence sequence: the ``theta`` with
``Λ(d - theta) < 1 / alpha`` form the interval ``d ± radius`` that covers the true
difference at every look at once with probability ``1 - alpha``.

``tau`` is the size of differences one expects; the test is valid for any ``tau`` and
fastest for differences near it.
"""

from __future__ import annotations

import math


def log_likelihood_ratio(difference: float, variance: float, tau: float) -> float:
    """``log Λ`` of an observed ``difference`` with ``variance`` under a ``N(0, tau²)`` mixture."""
    if variance <= 0.0 or tau <= 0.0:
        raise ValueError(f"variance and tau must be positive, got {variance} and {tau}")
    total = variance + tau * tau
    return 0.5 * math.log(variance / total) + tau * tau * difference * difference / (
        2.0 * variance * total
    )


def confidence_radius(variance: float, tau: float, log_threshold: float) -> float:
    """Half-width of the confidence sequence at this look: ``|d - theta| < radius``."""
    if variance <= 0.0 or tau <= 0.0:
        raise ValueError(f"variance and tau must be positive, got {variance} and {tau}")
    total = variance + tau * tau
    budget = log_threshold - 0.5 * math.log(variance / total)
    return math.sqrt(max(budget, 0.0) * 2.0 * variance * total / (tau * tau))


def rate_variance(rate: float, trials_a: int, trials_b: int) -> float:
    """Variance of a difference of two rates with a common ``rate`` (the null's variance)."""
    p = min(max(rate, 0.0), 1.0)
    return p * (1.0 - p) * (1.0 / trials_a + 1.0 / trials_b)


def difference_variance(rate_a: float, trials_a: int, rate_b: float, trials_b: int) -> float:
    """Variance of ``rate_b - rate_a`` estimated arm by arm (for the confidence sequence)."""
    return rate_a * (1.0 - rate_a) / trials_a + rate_b * (1.0 - rate_b) / trials_b
