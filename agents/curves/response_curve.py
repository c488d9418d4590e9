"""The values of curve fitting: daily input points and the fitted ``ResponseCurve``."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import date
from statistics import NormalDist
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from agents.curves.hill import FloatArray, hill, log_hill_gradient
from graph.models import Node, clean_properties, sha256_hex
from graph.schema import Label

VERSION = "hill-v1"
CONFIDENCE = 0.9  # two-sided level of every low/high interval
FORM = "alpha * s^shape / (half_saturation^shape + s^shape)"
Metric = Literal["revenue", "conversions"]
METRICS: tuple[Metric, ...] = ("revenue", "conversions")


@dataclass(frozen=True, slots=True)
class DailyPoint:
    """One channel × audience pair on one day (or one campaign's part of it).

    Points of the same pair and day are summed before fitting: the curve is a function of
    the pair's total daily spend. With ``campaign_id`` set, the split by campaign also
    measures how much campaigns differ, which widens the intervals honestly.
    """

    channel_id: str
    audience_id: str
    date: date
    spend: float
    revenue: float
    conversions: float
    brand_id: str | None = None  # groups pairs for seasonality and pooling; None = one group
    rows: int = 1  # outcome rows summed into this point
    campaign_id: str | None = None  # a campaign's part of the day (optional; see _level.py)


class Prediction(NamedTuple):
    """Expected value per day with its interval (at :data:`CONFIDENCE`)."""

    mean: float
    low: float
    high: float


@dataclass(frozen=True)
class ResponseCurve:
    """A fitted Hill curve of one metric for one channel × audience pair.

    It gives the metric expected on an average day (seasonal factor 1) for a daily spend of
    the pair; :meth:`season_factor` rescales it to a given day. The intervals of
    :meth:`predict` are for that expectation, not for one day's outcome: they combine
    ``cov``, the posterior covariance of ``(log alpha, log half_saturation, log shape)``
    (row-major), with ``level_sigma``, how uncertain the pair's level is because its history
    comes from a handful of campaigns that each did better or worse than the curve (log
    scale). ``r2_holdout`` and ``mape_holdout`` score daily predictions (with seasonality)
    on every fifth day, held out of a separate fit.
    """

    channel_id: str
    audience_id: str
    metric: str
    alpha: float
    half_saturation: float
    shape: float
    cov: tuple[float, ...]
    level_sigma: float
    n_days: int
    n_rows: int
    first_date: date
    last_date: date
    total_spend: float
    median_spend: float
    max_spend: float
    thin: bool  # too few days of its own: the pooled curve, re-levelled by what data it has
    shrinkage: float  # posterior / prior variance of the parameters: 0 data, 1 pooled curve
    r2_holdout: float | None
    mape_holdout: float | None
    residual_sigma: float
    pool: str
    brand_id: str | None
    weekday_factors: tuple[float, ...]
    month_factors: tuple[float, ...]
    data_digest: str
    version: str = VERSION
    confidence: float = CONFIDENCE
    source_query: str | None = None  # the outcome query the points came from (JSON)
    # Smallest daily spend of the fit; with ``max_spend``, the range the curve has seen
    # (None on curves stored before it was kept).
    min_spend: float | None = None

    @property
    def pair(self) -> tuple[str, str]:
        return (self.channel_id, self.audience_id)

    @property
    def id(self) -> str:
        """Deterministic: the same pair, metric, version and data give the same id."""
        key = "|".join((self.channel_id, self.audience_id, self.metric, self.version))
        return "rc_" + sha256_hex(f"{key}|{self.data_digest}".encode())[:24]

    def predict_array(self, spend: npt.ArrayLike) -> tuple[FloatArray, FloatArray, FloatArray]:
        """Mean, low and high of the metric per day at daily spends ``spend``."""
        s = np.atleast_1d(np.asarray(spend, dtype=np.float64))
        mean = hill(s, self.alpha, self.half_saturation, self.shape)
        positive = np.maximum(s, 1e-300)
        _, grad = log_hill_gradient(positive, self.half_saturation, self.shape)
        cov = np.asarray(self.cov, dtype=np.float64).reshape(3, 3)
        var = np.einsum("ij,jk,ik->i", grad, cov, grad) + self.level_sigma**2
        se = np.sqrt(np.maximum(var, 0.0))
        z = NormalDist().inv_cdf(0.5 + self.confidence / 2.0)
        return mean, mean * np.exp(-z * se), mean * np.exp(z * se)

    def predict(self, spend: float) -> Prediction:
        """Expected metric per average day at a daily ``spend``, with its interval."""
        mean, low, high = self.predict_array([spend])
        return Prediction(float(mean[0]), float(low[0]), float(high[0]))

    def season_factor(self, day: date) -> float:
        """Multiplicative seasonal factor of ``day`` (weekday × month) for this pair's brand."""
        return self.weekday_factors[day.weekday()] * self.month_factors[day.month - 1]

    def to_node(self) -> Node:
        """The ResponseCurve node as stored (dates ISO, tuples as lists)."""
        props: dict[str, Any] = {f.name: getattr(self, f.name) for f in fields(self)}
        props.update(id=self.id, form=FORM, cov=list(self.cov))
        props["weekday_factors"] = list(self.weekday_factors)
        props["month_factors"] = list(self.month_factors)
        return Node(label=Label.RESPONSE_CURVE, id=self.id, properties=clean_properties(props))

    @classmethod
    def from_node(cls, node: Node) -> ResponseCurve:
        """Rebuild a curve from its stored node."""
        p = node.properties
        values: dict[str, Any] = {}
        for f in fields(cls):
            value = p.get(f.name)
            if f.name in ("first_date", "last_date"):
                value = date.fromisoformat(str(value))
            elif f.name in ("cov", "weekday_factors", "month_factors"):
                value = tuple(float(v) for v in _as_list(value))
            values[f.name] = value
        return cls(**values)


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        loaded: list[Any] = json.loads(value)
        return loaded
    return list(value)
