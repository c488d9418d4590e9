"""The Shiryaev-Roberts statistic of a hierarchical Gaussian model of daily log ratios.

Model: ``x_i = b + delta · [i ≥ kappa] + e_i``, ``e_i ~ N(0, (sigma · s_i)²)`` independent,
with two things about the line unknown and integrated out: its level error against the
curve, ``b ~ N(0, tau²)`` (in closed form), and its day-noise scale, ``log sigma ~
N(0, omega²)`` around the curve's (on a grid of ``GRID`` points). No change is ``kappa =
∞``. For one ``sigma`` and ``A = Σ w_i``, ``B = Σ w_i y_i``, ``C = Σ w_i y_i²``
(``w_i = 1 / (sigma s_i)²``, ``y_i = x_i - delta [i ≥ kappa]``) over days ``1..t``::

    log p(x_1..t) = -½ Σ log(2π / w_i) - ½ log(1 + tau² A) - ½ C + B² / (2 (A + 1/tau²))

``Λ_j(kappa, t) = p(x_1..t | change delta_j at kappa) / p(x_1..t | no change)`` is a
likelihood ratio: a martingale of mean 1 under the (marginal) null. So the Shiryaev-Roberts
sum ``R_t = Σ_{kappa ≤ t} Σ_j w_j Λ_j(kappa, t)`` (weights summing to 1) has ``E[R_t] = t``,
``R_t - t`` is a martingale, and Doob's maximal inequality bounds false alarms over a
horizon of ``T`` days: ``P(max_{t ≤ T} R_t ≥ T / alpha) ≤ alpha``. ``kappa = 1`` (a line
off its curve from its first day) is among the terms, so a line that sits far outside the
curve's interval from the start alarms too, once its days outweigh the curve's uncertainty.
Leaving out the changes younger than ``min_days`` keeps ``R_t`` a nonnegative
submartingale with ``E[R_T] ≤ T``, so the same bound holds.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.special import logsumexp

FloatArray = npt.NDArray[np.float64]
GRID = 15  # points of the day-noise scale, ±3 prior sds


def _noise_grid(omega: float) -> tuple[FloatArray, FloatArray]:
    """Log-scale offsets of sigma and their log prior weights (a discretised normal)."""
    if omega <= 0.0:
        return np.zeros(1), np.zeros(1)
    z = np.linspace(-3.0, 3.0, GRID)
    weights = np.exp(-0.5 * z**2)
    return z * omega, np.log(weights / weights.sum())


def change_log_ratios(
    x: FloatArray, s: FloatArray, tau: float, omega: float, deltas: FloatArray, min_days: int = 1
) -> FloatArray:
    """``log Λ_j(kappa, t)`` as a ``(changes, t, kappa)`` array; ``-inf`` where the change
    would have lasted fewer than ``min_days`` days (``kappa > t - min_days + 1``)."""
    offsets, log_prior = _noise_grid(omega)
    var = (s[None, :] * np.exp(offsets)[:, None]) ** 2  # (G, n)
    w = 1.0 / var
    cum_a, cum_b, cum_c = (np.cumsum(v, axis=1) for v in (w, w * x, w * x * x))
    cum_log = np.cumsum(np.log(2.0 * np.pi * var), axis=1)
    precision = cum_a + 1.0 / tau**2
    base = -0.5 * cum_log - 0.5 * np.log1p(tau**2 * cum_a)  # (G, t)
    null = base - 0.5 * cum_c + 0.5 * cum_b**2 / precision
    log_null = logsumexp(null + log_prior[:, None], axis=0)  # (t,)

    def before(cum: FloatArray) -> FloatArray:  # sums over days < kappa
        return np.concatenate([np.zeros((cum.shape[0], 1)), cum[:, :-1]], axis=1)

    a_k = cum_a[:, :, None] - before(cum_a)[:, None, :]  # (G, t, kappa)
    b_k = cum_b[:, :, None] - before(cum_b)[:, None, :]
    n = x.size
    valid = np.tril(np.ones((n, n), dtype=bool), k=1 - min_days)
    out = np.empty((deltas.size, n, n))
    for j, delta in enumerate(deltas.tolist()):
        c_y = cum_c[:, :, None] - 2.0 * delta * b_k + delta**2 * a_k
        b_y = cum_b[:, :, None] - delta * a_k
        alt = base[:, :, None] - 0.5 * c_y + 0.5 * b_y**2 / precision[:, :, None]
        log_alt = logsumexp(alt + log_prior[:, None, None], axis=0)  # (t, kappa)
        out[j] = np.where(valid, log_alt - log_null[:, None], -np.inf)
    return out


def shiryaev_roberts(cube: FloatArray, log_weights: FloatArray) -> FloatArray:
    """``log R_t`` for every day from the ``(changes, t, kappa)`` log-ratio cube."""
    weighted = cube + log_weights[:, None, None]
    result: FloatArray = logsumexp(weighted, axis=(0, 2))
    return result
