"""One Hill fit by MAP: robust least squares in logs for money, Poisson for counts.

Parameters are ``theta = (log alpha, log half, log shape)``, which keeps them positive and
makes the problem far better conditioned than the raw scale.

- Money (``transform="log"``): noise is multiplicative, so residuals are
  ``log(y + c) - log(hill(s) + c)`` (``c`` a small offset so a zero day does not explode)
  and go through scipy's ``soft_l1`` loss, which keeps odd days (a sale, a tracking
  glitch) from pulling the curve.
- Counts (``transform="poisson"``): conversions are often 0 or 1 a day, where logs and
  robust losses both mistake the rare 1s for outliers. Residuals are Poisson deviance
  residuals with a plain square loss, i.e. Poisson maximum likelihood.

The prior residuals ``scale * (theta - mean) / sd`` always take a plain square, so the
prior stays Gaussian.

The covariance is the Laplace (Gauss-Newton) posterior with a Newey-West (HAC) correction of
the data part: daily residuals are serially correlated (a campaign that beats the curve
beats it for weeks), and iid standard errors from the Jacobian would be several times too
narrow. See :func:`fit_hill`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.optimize import least_squares

from agents.curves.hill import FloatArray, hill, log_hill_gradient

LOG_SHAPE_BOUNDS = (math.log(0.25), math.log(4.0))
MIN_SIGMA = 0.02  # floor of the residual scale, so a perfect fit is not overconfident
Transform = Literal["log", "poisson"]


@dataclass(frozen=True)
class Prior:
    """Independent normal prior on ``theta``."""

    mean: FloatArray
    sd: FloatArray


@dataclass(frozen=True)
class HillFit:
    """Result of one fit; ``alpha`` is on the mean scale (``mean_factor`` applied)."""

    theta: FloatArray  # log alpha (median scale), log half, log shape
    mean_factor: float  # from what the fit tracks (the median, for logs) to the mean
    cov: FloatArray  # (3, 3) posterior covariance of theta
    sigma: float  # residual scale: 1.4826 × MAD in logs; the dispersion for counts
    residuals: FloatArray  # data residuals in input order
    shrinkage: float  # posterior / prior variance, averaged over the 3 parameters (0..1)

    @property
    def alpha(self) -> float:
        return math.exp(float(self.theta[0])) * self.mean_factor

    @property
    def half(self) -> float:
        return math.exp(float(self.theta[1]))

    @property
    def shape(self) -> float:
        return math.exp(float(self.theta[2]))


def _loss(n_data: int) -> object:
    """soft_l1 on the first ``n_data`` residuals, linear (a plain square) on the rest."""

    def loss(z: FloatArray) -> FloatArray:
        out = np.empty((3, z.size))
        t = 1.0 + z[:n_data]
        out[0, :n_data] = 2.0 * (np.sqrt(t) - 1.0)
        out[1, :n_data] = t**-0.5
        out[2, :n_data] = -0.5 * t**-1.5
        out[0, n_data:] = z[n_data:]
        out[1, n_data:] = 1.0
        out[2, n_data:] = 0.0
        return out

    return loss


def _bounds(spend: FloatArray, prior: Prior) -> tuple[FloatArray, FloatArray]:
    if spend.size:
        k_lo, k_hi = math.log(float(spend.min())) - 6.0, math.log(float(spend.max())) + 6.0
    else:
        k_lo, k_hi = float(prior.mean[1]) - 12.0, float(prior.mean[1]) + 12.0
    a = float(prior.mean[0])
    lower = np.array([a - 25.0, k_lo, LOG_SHAPE_BOUNDS[0]])
    upper = np.array([a + 25.0, k_hi, LOG_SHAPE_BOUNDS[1]])
    return lower, upper


def _mean_factor(
    spend: FloatArray, y: FloatArray, theta: FloatArray, sigma: float, weights: FloatArray
) -> float:
    """Scale from the fitted median curve to the mean: the ratio of the observed total to
    the median curve's total, each day counted with its weight (a ratio estimator, right for
    any noise shape, including small counts where ``log(y + c)`` is biased);
    ``exp(sigma² / 2)``, the log-normal value, with too few days."""
    fallback = math.exp(0.5 * sigma**2)
    if y.size < 5:
        return fallback
    median = hill(spend, math.exp(theta[0]), math.exp(theta[1]), math.exp(theta[2]))
    total = float((weights * median).sum())
    return float(np.clip(float((weights * y).sum()) / total, 0.5, 4.0)) if total > 0 else fallback


def _robust_scale(r: FloatArray) -> float:
    """1.4826 × median absolute deviation: the standard deviation if most residuals are normal."""
    return max(MIN_SIGMA, 1.4826 * float(np.median(np.abs(r - np.median(r)))))


def newey_west(scores: FloatArray, lags: int) -> FloatArray:
    """Long-run covariance of the rows of ``scores`` (time ordered), Bartlett weights."""
    meat: FloatArray = scores.T @ scores
    for lag in range(1, min(lags, scores.shape[0] - 1) + 1):
        gamma = scores[lag:].T @ scores[:-lag]
        meat += (1.0 - lag / (lags + 1.0)) * (gamma + gamma.T)
    return meat


def hac_lags(n: int) -> int:
    """Bandwidth in observed days: campaign effects last weeks, so at least a week."""
    return max(7, int(math.sqrt(n)))


def fit_hill(
    spend: FloatArray,
    y: FloatArray,
    prior: Prior,
    *,
    transform: Transform,
    offset: float,
    scale: float,
    x0: FloatArray | None = None,
    weights: FloatArray | None = None,
) -> HillFit:
    """Fit ``y ≈ hill(spend)`` (positive spends, in time order) by MAP under ``prior``.

    ``scale`` is the expected residual scale (of ``transform``): the soft-L1 threshold, and
    the unit of the prior residuals. ``weights`` (in (0, 1], one per day; all 1 when None)
    scale each day's part of the likelihood: recent days can count more than old ones
    (weighted least squares, so a day of weight 0.5 is worth half a day everywhere, in the
    covariance too). Covariance: posterior precision = HAC-corrected data precision
    ``H M⁻¹ H`` (``H`` the IRLS-weighted Gauss-Newton Hessian, ``M`` the Newey-West
    long-run covariance of the scores) plus the prior precision.
    """
    n = int(spend.size)
    w_day = np.ones(n) if weights is None else np.asarray(weights, dtype=np.float64)
    root_w = np.sqrt(w_day)
    log_y = np.log(y + offset)
    y_log_y = np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0)), 0.0)
    lower, upper = _bounds(spend, prior)
    start = np.clip(prior.mean if x0 is None else x0, lower + 1e-9, upper - 1e-9)

    def parts(theta: FloatArray) -> tuple[FloatArray, FloatArray]:
        log_rel, grad = log_hill_gradient(spend, math.exp(theta[1]), math.exp(theta[2]))
        m = np.exp(theta[0] + log_rel)
        if transform == "log":
            return log_y - np.log(m + offset), -(m / (m + offset))[:, None] * grad
        m = np.maximum(m, 1e-300)
        deviance = 2.0 * np.maximum(y_log_y - y * np.log(m) - y + m, 0.0)
        d = np.sign(y - m) * np.sqrt(deviance)
        tiny = np.abs(d) < 1e-8
        d_dm = np.where(tiny, -1.0 / np.sqrt(m), (1.0 - y / m) / np.where(tiny, 1.0, d))
        return d, (d_dm * m)[:, None] * grad

    def fun(theta: FloatArray) -> FloatArray:
        prior_part = scale * (theta - prior.mean) / prior.sd
        return np.concatenate([root_w * parts(theta)[0], prior_part])

    def jac(theta: FloatArray) -> FloatArray:
        return np.vstack([root_w[:, None] * parts(theta)[1], np.diag(scale / prior.sd)])

    robust = transform == "log"
    loss = _loss(n) if robust else "linear"
    result = least_squares(
        fun, start, jac=jac, bounds=(lower, upper), loss=loss, f_scale=scale, x_scale="jac"
    )
    theta = np.asarray(result.x, dtype=np.float64)
    r, j = parts(theta)
    if n < 5:
        sigma = scale
    else:  # for counts, the dispersion: 1 for pure Poisson noise, more when overdispersed
        sigma = _robust_scale(r) if robust else max(MIN_SIGMA, float(np.sqrt(np.mean(r**2))))
    prior_precision = 1.0 / prior.sd**2
    precision = np.diag(prior_precision)
    if n >= 3:
        rw = root_w * r
        irls = 1.0 / np.sqrt(1.0 + (rw / scale) ** 2) if robust else np.ones(n)  # soft_l1
        w = irls * w_day
        hessian = (j * w[:, None]).T @ j
        meat = newey_west(j * (w * r)[:, None], hac_lags(n))
        precision = precision + hessian @ np.linalg.pinv(meat) @ hessian
    cov = np.asarray(np.linalg.inv(precision), dtype=np.float64)
    # Normal-normal shrinkage factor per parameter: 1 when the data added nothing.
    shrinkage = float(np.mean(np.clip(np.diag(cov) * prior_precision, 0.0, 1.0)))
    return HillFit(
        theta=theta,
        mean_factor=_mean_factor(spend, y, theta, sigma, w_day),
        cov=cov,
        sigma=sigma,
        residuals=r,
        shrinkage=shrinkage,
    )
