"""From series to trends: the log ratio against the rest of the brand, the test, BH, evidence.

A group's daily value is ``log(metric of the group) - log(metric of the rest of the
brand)`` on the same day: whatever moves the whole brand (its season, a sale, a holiday
weekend) cancels, and what is left is the group gaining or losing ground. The brand's own
series is tested on ``log(metric)`` (absolute, so it still carries the yearly season: one
year of data cannot tell a season from a trend). Days where the group's denominator is
under 5 % of its median day are too thin to count and are left out; zero numerators get
half the smallest positive one added before the log. Every value is then weekday-adjusted
and tested (:mod:`agents.research.trends.stats`); q-values are taken over all series of
the brief together.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from agents.research.models import Metric, Trend, TrendMethod
from agents.research.trends.series import Series, SeriesSet
from agents.research.trends.stats import (
    VERSION,
    FloatArray,
    TrendTest,
    benjamini_hochberg,
    mann_kendall,
    weekday_adjust,
)
from graph.models import NodeRef

MIN_DAYS = 21  # days with data a series needs to be tested
THIN_SHARE = 0.05  # a day under this share of the group's median denominator is left out
TEST_NAME = "Mann-Kendall, Hamed-Rao/AR(1) variance, weekday-adjusted, Benjamini-Hochberg"
_METRIC_NAMES = {"roas": "ROAS", "conversion_rate": "conversion rate", "ctr": "CTR"}


@dataclass(frozen=True)
class Tested:
    """A series with its test and q-value."""

    series: Series
    test: TrendTest
    q: float
    relative: bool


def _log_ratio(num: FloatArray, den: FloatArray) -> FloatArray:
    positive = num[num > 0]
    offset = 0.5 * float(positive.min()) if positive.size else 0.5
    result: FloatArray = np.log((num + offset) / den)
    return result


def prepare(series: Series, brand: Series | None) -> tuple[FloatArray, FloatArray] | None:
    """(day ordinals, adjusted values) of a series, or None when too thin to test.

    With ``brand``, the value is relative to the rest of the brand on the same day.
    """
    den = series.den
    if den.size == 0 or not (den > 0).any() or not (series.num > 0).any():
        return None
    keep = den >= THIN_SHARE * float(np.median(den[den > 0]))
    keep &= den > 0
    t, num = series.ordinals, series.num
    values = _log_ratio(num, np.where(den > 0, den, 1.0))
    if brand is not None:
        where = {int(o): i for i, o in enumerate(brand.ordinals.tolist())}
        idx = np.array([where.get(int(o), -1) for o in t.tolist()], dtype=np.int64)
        keep &= idx >= 0
        safe = np.where(idx >= 0, idx, 0)
        rest_num = brand.num[safe] - num
        rest_den = brand.den[safe] - den
        keep &= rest_den > 0
        rest = _log_ratio(np.maximum(rest_num, 0.0), np.where(rest_den > 0, rest_den, 1.0))
        values = values - rest
    if int(keep.sum()) < MIN_DAYS:
        return None
    t_kept = t[keep].astype(np.float64)
    y = values[keep]
    weekdays = (t[keep] - 1) % 7  # date.fromordinal(1) is a Monday
    return t_kept, weekday_adjust(t_kept, y, weekdays.astype(np.int64))


def test_all(found: SeriesSet) -> tuple[list[Tested], int]:
    """Test the brand and every group; returns the tested series (with q) and the skipped."""
    todo: list[tuple[Series, bool]] = [(found.brand, False)]
    todo += [(s, True) for s in found.groups]
    results: list[tuple[Series, TrendTest, bool]] = []
    skipped = 0
    for series, relative in todo:
        prepared = prepare(series, found.brand if relative else None)
        if prepared is None:
            skipped += 1
            continue
        results.append((series, mann_kendall(*prepared), relative))
    qs = benjamini_hochberg([r[1].p for r in results])
    tested = [Tested(s, t, q, rel) for (s, t, rel), q in zip(results, qs, strict=True)]
    return tested, skipped


def _change(slope: float) -> float:
    return float(np.expm1(30.0 * slope))


def _day(ordinal: int) -> date:
    return date.fromordinal(ordinal)


def to_trend(item: Tested, metric: Metric, found: SeriesSet) -> Trend:
    """A significant series as a Trend (evidence added by the caller)."""
    s, test = item.series, item.test
    direction = "rising" if test.slope > 0 else "falling"
    change = _change(test.slope)
    against = "against the rest of the brand" if item.relative else "overall"
    name = _METRIC_NAMES[metric]
    first, last = _day(int(s.ordinals[0])), _day(int(s.ordinals[-1]))
    detail = (
        f"{s.family.capitalize()} '{s.label}': {name} {against} {direction} "
        f"{change:+.1%} per 30 days (95% {_change(test.slope_low):+.1%} to "
        f"{_change(test.slope_high):+.1%}; q={item.q:.3g}) over {test.n} days and {s.rows} "
        f"outcome rows, {first.isoformat()} to {last.isoformat()}."
    )
    return Trend(
        family=s.family,
        key=s.key,
        label=s.label,
        direction=direction,
        metric=metric,
        baseline="rest_of_brand" if item.relative else "none",
        change_per_30_days=round(change, 6),
        change_low=round(_change(test.slope_low), 6),
        change_high=round(_change(test.slope_high), 6),
        z=round(test.z, 4),
        p=float(f"{test.p:.6g}"),
        q=float(f"{item.q:.6g}"),
        days=test.n,
        rows=s.rows,
        window_start=first,
        window_end=last,
        on_topic=s.on_topic,
        detail=detail,
        query=series_query(s, found),
        evidence=[],
    )


def series_query(s: Series, found: SeriesSet) -> dict[str, object]:
    """The outcome filter whose rows make up the series."""
    query: dict[str, object] = {
        "brand_id": found.brand.key,
        "start": found.window.start.isoformat(),
        "end": found.window.end.isoformat(),
    }
    if s.family == "channel":
        query["channel_ids"] = [s.key]
    elif s.family == "audience":
        query["audience_ids"] = [s.key]
    elif s.family in ("hook", "topic"):
        query["asset_ids"] = list(s.members)
    return query


def significant(tested: Sequence[Tested], fdr: float) -> list[Tested]:
    """The series whose q-value is within the false discovery rate, strongest first."""
    kept = [t for t in tested if t.q <= fdr and t.test.slope != 0]
    return sorted(kept, key=lambda t: (t.q, -abs(t.test.z), t.series.family, t.series.key))


def method(
    tested: Sequence[Tested], skipped: int, metric: Metric, fdr: float, days: int
) -> TrendMethod:
    families: dict[str, int] = {}
    for t in tested:
        families[t.series.family] = families.get(t.series.family, 0) + 1
    return TrendMethod(
        test=TEST_NAME,
        version=VERSION,
        metric=metric,
        fdr=fdr,
        window_days=days,
        series_tested=len(tested),
        series_skipped=skipped,
        families=families,
    )


def group_refs(s: Series, limit: int = 5) -> list[NodeRef]:
    """The group's own nodes to cite (at most ``limit``: the channel, audience, assets…)."""
    return s.cite[:limit]
