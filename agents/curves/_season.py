"""Seasonal factors of one brand: day-of-week times month, estimated against the curves.

Revenue moves with the calendar (weekends, months, sales events) and spend partly follows
it, so a curve fitted on raw values would credit the season to the spend. The fitter
alternates (backfitting): fit the curves on deseasonalised values, then estimate
``factor = weekday effect × month effect`` from every pair-day of the brand by ratio
estimators (observed total over curve-expected total, per month given the weekdays and per
weekday given the months; a few sweeps), and repeat. Ratios of totals work for money and
for counts of 0 or 1 alike; a day is capped at ``SPIKE`` times its expectation so that one
odd day does not move a month. The factors are normalised to a mean of 1 over the calendar
days of the data: a curve then describes an average day. Months with under two weeks of
observations keep a factor of 1. Short events (a two-day sale) are not modelled: they
raise their month's factor a little.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from agents.curves.hill import FloatArray

MIN_MONTH_ROWS = 14
SPIKE = 5.0


@dataclass(frozen=True)
class Season:
    """Multiplicative factors by weekday (Monday first) and by calendar month."""

    weekday: tuple[float, ...] = (1.0,) * 7
    month: tuple[float, ...] = (1.0,) * 12

    def factors(self, ordinals: np.ndarray) -> FloatArray:
        """Factors of days given as ``date.toordinal()`` values."""
        result: FloatArray = (
            np.asarray(self.weekday)[_weekdays(ordinals)]
            * np.asarray(self.month)[_months(ordinals)]
        )
        return result


def _weekdays(ordinals: np.ndarray) -> np.ndarray:
    return (ordinals - 1) % 7  # date.fromordinal(1) is a Monday


def _months(ordinals: np.ndarray) -> np.ndarray:
    first = int(ordinals.min()) if ordinals.size else 1
    span = int(ordinals.max()) - first + 1 if ordinals.size else 0
    table = np.array([(date.fromordinal(first + d)).month - 1 for d in range(span)], dtype=np.int64)
    result: np.ndarray = table[ordinals - first]
    return result


def estimate_season(
    ordinals: np.ndarray, observed: FloatArray, expected: FloatArray, sweeps: int = 4
) -> Season:
    """Weekday and month factors of ``observed`` against ``expected`` (deseasonalised)."""
    if ordinals.size == 0 or float(expected.sum()) <= 0:
        return Season()
    wd, months = _weekdays(ordinals), _months(ordinals)
    a, b = np.ones(7), np.ones(12)
    month_rows = np.bincount(months, minlength=12)
    for _ in range(sweeps):
        y = np.minimum(observed, SPIKE * expected * a[wd] * b[months])
        b = _ratio(months, y, expected * a[wd], 12, month_rows >= MIN_MONTH_ROWS)
        a = _ratio(wd, y, expected * b[months], 7, np.bincount(wd, minlength=7) > 0)
    first, last = int(ordinals.min()), int(ordinals.max())
    calendar = [date.fromordinal(first) + timedelta(days=d) for d in range(last - first + 1)]
    mean = float(np.mean([a[d.weekday()] * b[d.month - 1] for d in calendar]))
    root = float(np.sqrt(mean))
    return Season(
        weekday=tuple(round(float(v) / root, 6) for v in a),
        month=tuple(round(float(v) / root, 6) for v in b),
    )


def _ratio(
    keys: np.ndarray, y: FloatArray, base: FloatArray, size: int, usable: np.ndarray
) -> FloatArray:
    top = np.bincount(keys, weights=y, minlength=size)
    bottom = np.bincount(keys, weights=base, minlength=size)
    result: FloatArray = np.where(
        usable & (bottom > 0) & (top > 0), top / np.maximum(bottom, 1e-300), 1.0
    )
    return result
