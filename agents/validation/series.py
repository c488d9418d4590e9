"""A plan line's days on the scale of its response curve: log ratios and their spreads.

For a day with spend ``s`` the curve expects ``mu = curve.predict(s).mean ×
curve.season_factor(day)``. What is compared is ``x = log((actual + c) / (mu + c)) +
sd_day² / 2``: the log ratio of actual to expected, plus the half-variance that makes a
log-normal day with mean ``mu`` centre on 0. ``c`` keeps a zero day finite.

- Money (``revenue``): noise is multiplicative, ``sd_day = curve.residual_sigma`` (the
  fit's robust day scale), ``c = 5 %`` of ``mu``.
- Counts (``conversions``): ``c = 0.5`` and ``sd_day² = phi · mu / (mu + 0.5)²`` by the
  delta method, ``phi = residual_sigma²`` the fit's dispersion (1 for pure Poisson).

``sd_curve`` is how uncertain the curve itself is at that spend (its interval on the log
scale, ``log(high / mean) / z``): a level error shared by every day of the line, not noise
that averages out. Days without spend expect nothing and are left out (``skipped``), as
are days whose date repeats (refused) or that never arrived (counted as missing).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from statistics import NormalDist

from agents.curves.response_curve import ResponseCurve
from agents.validation.errors import InvalidObservationError

MONEY_OFFSET = 0.05  # of the expected value, added to actual and expected before the log
COUNT_OFFSET = 0.5


@dataclass(frozen=True, slots=True)
class Observation:
    """What one plan line did on one day: its spend and the curve's metric (revenue or
    conversions), summed over the line's channel × audience pair."""

    day: date
    spend: float
    actual: float


@dataclass(frozen=True, slots=True)
class StandardDay:
    """One observed day on the curve's scale (``skipped`` days carry only the reason)."""

    day: date
    spend: float
    actual: float
    expected: float  # mean the curve expects that day (seasonal)
    log_ratio: float  # bias-corrected log(actual / expected)
    sd_day: float  # day-to-day noise of log_ratio
    sd_curve: float  # the curve's own uncertainty (log scale), shared by all days
    skipped: str | None = None


def standardise(curve: ResponseCurve, observations: Sequence[Observation]) -> list[StandardDay]:
    """Each observation on the curve's scale, in date order.

    Raises:
        InvalidObservationError: a negative or non-finite spend or actual, or a date twice.
    """
    _check(observations)
    z = NormalDist().inv_cdf(0.5 + curve.confidence / 2.0)
    counts = curve.metric == "conversions"
    out: list[StandardDay] = []
    for obs in sorted(observations, key=lambda o: o.day):
        if obs.spend <= 0.0:
            reason = "no spend" if obs.actual == 0 else "outcome without spend"
            out.append(StandardDay(obs.day, obs.spend, obs.actual, 0.0, 0.0, 0.0, 0.0, reason))
            continue
        mean, _, high = curve.predict(obs.spend)
        expected = mean * curve.season_factor(obs.day)
        if expected <= 0.0:
            out.append(
                StandardDay(obs.day, obs.spend, obs.actual, 0.0, 0.0, 0.0, 0.0, "nothing expected")
            )
            continue
        sd_curve = math.log(high / mean) / z if mean > 0 else 0.0
        sigma = max(curve.residual_sigma, 1e-6)
        if counts:
            offset = COUNT_OFFSET
            sd_day = sigma * math.sqrt(expected) / (expected + offset)
        else:
            offset = MONEY_OFFSET * expected
            sd_day = sigma
        ratio = math.log((obs.actual + offset) / (expected + offset)) + 0.5 * sd_day**2
        out.append(StandardDay(obs.day, obs.spend, obs.actual, expected, ratio, sd_day, sd_curve))
    return out


def missing_days(observations: Sequence[Observation]) -> list[date]:
    """Calendar days between the first and last observation that have no observation."""
    days = sorted(o.day for o in observations)
    if not days:
        return []
    seen = set(days)
    span = (days[-1] - days[0]).days
    return [
        d for d in (date.fromordinal(days[0].toordinal() + i) for i in range(span)) if d not in seen
    ]


def _check(observations: Sequence[Observation]) -> None:
    seen: dict[date, int] = {}
    for i, obs in enumerate(observations):
        for field, value in (("spend", obs.spend), ("actual", obs.actual)):
            if not math.isfinite(value) or value < 0.0:
                raise InvalidObservationError(i, f"{field} must be a non-negative number: {value}")
        if obs.day in seen:
            raise InvalidObservationError(
                i, f"{obs.day.isoformat()} appears twice (also observation {seen[obs.day]})"
            )
        seen[obs.day] = i
