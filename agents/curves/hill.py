"""The Hill response curve and the derivatives the fitter and the allocator need.

``hill(s) = alpha * s**shape / (half**shape + s**shape)``: ``alpha`` is the most a pair can
return per day, ``half`` the daily spend that returns ``alpha / 2``. With ``shape <= 1`` the
curve is concave; with ``shape > 1`` it is S-shaped, and its concave envelope (the least
concave function above it) is the straight line from the origin to the tangent point
``s* = half * (shape - 1) ** (1 / shape)`` followed by the curve itself.
Everything works on numpy arrays and takes parameters as arrays (or scalars) that broadcast.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
ArrayLike = npt.ArrayLike

_LOG_BIG = 700.0  # exp() of more than this overflows a float64


def _log_u(spend: FloatArray, half: FloatArray, shape: FloatArray) -> FloatArray:
    """``log((s / half) ** shape)``, ``-inf`` at zero spend."""
    with np.errstate(divide="ignore"):
        result: FloatArray = shape * (np.log(spend) - np.log(half))
    return result


def hill(spend: ArrayLike, alpha: ArrayLike, half: ArrayLike, shape: ArrayLike) -> FloatArray:
    """Expected daily value of a daily ``spend`` (zero at zero spend)."""
    s, a, k, n = (np.asarray(v, dtype=np.float64) for v in (spend, alpha, half, shape))
    log_u = np.clip(_log_u(s, k, n), -_LOG_BIG, _LOG_BIG)
    result: FloatArray = np.where(s > 0, a / (1.0 + np.exp(-log_u)), 0.0)
    return result


def log_hill_gradient(
    spend: ArrayLike, half: ArrayLike, shape: ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """``log(hill / alpha)`` at positive spends, and its gradient in (log alpha, log half,
    log shape) as an ``(n, 3)`` array."""
    s, k, n = (np.asarray(v, dtype=np.float64) for v in (spend, half, shape))
    log_u = np.clip(_log_u(s, k, n), -_LOG_BIG, _LOG_BIG)
    log_rel = log_u - np.logaddexp(0.0, log_u)
    tail = 1.0 / (1.0 + np.exp(log_u))  # 1 / (1 + u)
    grad = np.stack(np.broadcast_arrays(np.ones_like(log_u), -n * tail, log_u * tail), axis=-1)
    return log_rel, grad


def marginal(spend: ArrayLike, alpha: ArrayLike, half: ArrayLike, shape: ArrayLike) -> FloatArray:
    """Derivative of the curve in spend (``inf`` at zero spend when ``shape < 1``)."""
    s, a, k, n = (np.asarray(v, dtype=np.float64) for v in (spend, alpha, half, shape))
    log_u = np.clip(_log_u(s, k, n), -_LOG_BIG, _LOG_BIG)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_d = np.log(a) + np.log(n) + log_u - np.log(s) - 2.0 * np.logaddexp(0.0, log_u)
        at_zero = np.where(n < 1, np.inf, np.where(n == 1, a / k, 0.0))
        result: FloatArray = np.where(s > 0, np.exp(log_d), at_zero)
    return result


def tangent_point(half: ArrayLike, shape: ArrayLike) -> FloatArray:
    """Daily spend where the line from the origin touches an S-shaped curve (0 if concave).

    It is also where the average return ``hill(s) / s`` is highest.
    """
    k, n = (np.asarray(v, dtype=np.float64) for v in (half, shape))
    with np.errstate(divide="ignore", invalid="ignore"):
        point = k * np.maximum(n - 1.0, 0.0) ** (1.0 / n)
    result: FloatArray = np.where(n > 1, point, 0.0)
    return result


def envelope(spend: ArrayLike, alpha: ArrayLike, half: ArrayLike, shape: ArrayLike) -> FloatArray:
    """The concave envelope of the curve: the curve itself when it is concave."""
    s, a, k, n = (np.asarray(v, dtype=np.float64) for v in (spend, alpha, half, shape))
    star = tangent_point(k, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(star > 0, hill(star, a, k, n) / star, 0.0)
    result: FloatArray = np.where(s < star, slope * s, hill(s, a, k, n))
    return result


def inverse_marginal(
    slope: ArrayLike, alpha: ArrayLike, half: ArrayLike, shape: ArrayLike, iterations: int = 56
) -> FloatArray:
    """Daily spend at which the concave envelope's slope falls to ``slope`` (0 if it never
    rises that high). Bisection in log-spend, vectorised over pairs."""
    lam, a, k, n = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (slope, alpha, half, shape))
    )
    star = tangent_point(k, n)
    start_slope = np.where(star > 0, marginal(star, a, k, n), marginal(0.0, a, k, n))
    log_k = np.log(k)
    # log of the slope at spend e^z: c + (n - 1) z - 2 log(1 + (e^z / k)^n)
    c = np.log(a) + np.log(n) - n * log_k
    with np.errstate(divide="ignore"):
        target = np.log(lam)
        # The slope decreases from ``start_slope`` at ``star`` (or 0) to 0 far beyond ``half``.
        lo = np.where(star > 0, np.log(star), log_k - 200.0)
    hi = log_k + 200.0
    for _ in range(iterations):
        mid = 0.5 * (lo + hi)
        above = c + (n - 1.0) * mid - 2.0 * np.logaddexp(0.0, n * (mid - log_k)) > target
        lo = np.where(above, mid, lo)
        hi = np.where(above, hi, mid)
    result: FloatArray = np.where(lam >= start_slope, 0.0, np.exp(0.5 * (lo + hi)))
    return result
