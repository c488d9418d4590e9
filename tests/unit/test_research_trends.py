"""The trend test on synthetic series: its false-positive rate on series without a trend,
its power on planted ones, the weekday adjustment, the relative series and BH control."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from agents.research.trends import benjamini_hochberg, mann_kendall, weekday_adjust
from agents.research.trends.detect import prepare
from agents.research.trends.series import Series

N = 120
T = np.arange(N, dtype=np.float64)
WEEKDAY = (np.arange(N) + 3) % 7
WEEK_EFFECT = np.array([0.1, 0.05, 0.0, 0.0, -0.05, -0.2, -0.15])


def ar1(rng: np.random.Generator, n: int, phi: float, sigma: float = 0.25) -> np.ndarray:
    noise = rng.normal(0.0, sigma, n)
    x = np.empty(n)
    x[0] = noise[0] / np.sqrt(1 - phi**2)
    for i in range(1, n):
        x[i] = phi * x[i - 1] + noise[i]
    return x


def rejection_rate(
    rng: np.random.Generator, phi: float, trend: float, runs: int, *, correct: bool = True
) -> tuple[float, float]:
    """Share of series rejected at 5 %, and share rejected in the planted direction."""
    rejected = right = 0
    for _ in range(runs):
        y = ar1(rng, N, phi) + WEEK_EFFECT[WEEKDAY] + trend * T / N
        result = mann_kendall(T, weekday_adjust(T, y, WEEKDAY), correct=correct)
        if result.p < 0.05:
            rejected += 1
            right += (result.slope > 0) == (trend > 0)
    return rejected / runs, right / runs


@pytest.mark.parametrize("phi", [0.0, 0.3, 0.5])
def test_the_false_positive_rate_is_near_the_nominal_level(phi: float) -> None:
    rate, _ = rejection_rate(np.random.default_rng(11), phi, 0.0, 600)
    assert 0.02 <= rate <= 0.085, rate


def test_without_the_correction_autocorrelated_noise_looks_like_trends() -> None:
    rng = np.random.default_rng(12)
    uncorrected, _ = rejection_rate(rng, 0.5, 0.0, 400, correct=False)
    corrected, _ = rejection_rate(rng, 0.5, 0.0, 400)
    assert uncorrected > 0.15 > corrected


@pytest.mark.parametrize(
    ("phi", "trend", "power"), [(0.0, 0.3, 0.85), (0.3, 0.3, 0.6), (0.3, 0.6, 0.95)]
)
def test_planted_trends_are_found_in_their_direction(
    phi: float, trend: float, power: float
) -> None:
    rng = np.random.default_rng(13)
    _, up = rejection_rate(rng, phi, trend, 300)
    _, down = rejection_rate(rng, phi, -trend, 300)
    assert up >= power and down >= power, (up, down)


def test_sens_slope_interval_covers_the_planted_slope() -> None:
    rng = np.random.default_rng(14)
    slope, covered, runs = 0.4 / N, 0, 300
    for _ in range(runs):
        y = ar1(rng, N, 0.3) + slope * T
        result = mann_kendall(T, y)
        covered += result.slope_low <= slope <= result.slope_high
        assert result.direction in ("rising", "falling")
    assert covered / runs >= 0.88


def test_weekday_effects_are_not_read_as_a_trend_when_the_weekdays_observed_change() -> None:
    # First half: mostly Monday-Thursday is observed; second half: mostly the weekend,
    # which sells less (a third of the other days are observed too, else the weekday
    # effects and a trend cannot be told apart). No trend at all, but a naive test sees a
    # fall.
    rng = np.random.default_rng(15)
    days = np.arange(2 * N)
    weekday = days % 7
    keep = np.where(days < N, weekday < 4, weekday >= 4) | (rng.random(days.size) < 0.3)
    t, wd = days[keep].astype(np.float64), weekday[keep]
    naive = adjusted = 0
    for _ in range(200):
        y = rng.normal(0.0, 0.2, t.size) + 3 * WEEK_EFFECT[wd]
        naive += mann_kendall(t, y).p < 0.05
        adjusted += mann_kendall(t, weekday_adjust(t, y, wd)).p < 0.05
    assert naive / 200 > 0.5
    assert adjusted / 200 < 0.1  # nominal 0.05; the estimated weekday effects add a little


def test_benjamini_hochberg_controls_the_false_discovery_rate() -> None:
    rng = np.random.default_rng(16)
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.5]) == pytest.approx(
        [0.04, 0.16 / 3, 0.16 / 3, 0.5]
    )
    proportions = []
    for _ in range(20):
        nulls = rng.uniform(size=180)
        planted = 10.0 ** -rng.uniform(3.0, 8.0, size=20)  # strong signals
        q = np.array(benjamini_hochberg([*nulls, *planted]))
        found = q <= 0.1
        false = int(found[:180].sum())
        proportions.append(false / max(1, int(found.sum())))
        assert found[180:].mean() > 0.9
    assert float(np.mean(proportions)) <= 0.15


def test_a_trend_test_needs_enough_points() -> None:
    with pytest.raises(ValueError, match="at least"):
        mann_kendall([1, 2, 3], [1.0, 2.0, 3.0])


def _series(family: str, num: np.ndarray, den: np.ndarray) -> Series:
    start = date(2026, 3, 2).toordinal()
    return Series(
        family=family,  # type: ignore[arg-type]
        key=family,
        label=family,
        ordinals=np.arange(start, start + num.size),
        num=num,
        den=den,
        rows=num.size,
        spend=float(den.sum()),
    )


def test_a_group_is_read_against_the_rest_of_the_brand() -> None:
    rng = np.random.default_rng(17)
    days = np.arange(N)
    season = np.exp(0.8 * days / N)  # the whole brand gets better: not the group's doing
    spend = np.full(N, 100.0)
    rest_revenue = 300.0 * season * np.exp(rng.normal(0, 0.1, N))
    flat = 200.0 * season * np.exp(rng.normal(0, 0.1, N))  # moves with the brand
    gaining = flat * np.exp(0.5 * days / N)  # gains on the rest of the brand
    for group, expected in ((flat, False), (gaining, True)):
        brand = _series("brand", rest_revenue + group, 2 * spend)
        prepared = prepare(_series("channel", group, spend), brand)
        assert prepared is not None
        result = mann_kendall(*prepared)
        assert (result.p < 0.01 and result.slope > 0) is expected
        absolute = prepare(_series("channel", group, spend), None)
        assert absolute is not None and mann_kendall(*absolute).slope > 0


def test_thin_or_empty_series_are_not_tested() -> None:
    zeros = np.zeros(N)
    assert prepare(_series("channel", zeros, np.full(N, 10.0)), None) is None
    short = np.ones(10)
    assert prepare(_series("channel", short, short), None) is None
