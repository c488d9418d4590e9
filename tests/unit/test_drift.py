"""Drift detection on synthetic lines from a known Hill curve with log-normal noise."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest
from scipy.special import logsumexp
from scipy.stats import multivariate_normal

from agents.curves import DailyPoint, fit_curves
from agents.curves.hill import hill
from agents.validation import (
    DriftConfig,
    InvalidDriftConfigError,
    InvalidObservationError,
    Observation,
    detect_drift,
)
from agents.validation._shiryaev import GRID, change_log_ratios
from agents.validation.synthetic import START, known_curve, simulate_line

CURVE = known_curve(residual_sigma=0.3, level_sigma=0.1)
TAU = math.sqrt(0.1**2 + DriftConfig().new_line_sd ** 2)


def _level(rng: np.random.Generator) -> float:
    """A new line's true level: the curve's error and its own effect, as the model says."""
    return math.exp(float(rng.normal(0.0, TAU)))


def _delay(change_day: int, report_day: date | None) -> int | None:
    """Days from the change to the alarm (1 = alarmed on the first changed day)."""
    if report_day is None:
        return None
    return (report_day - (START + timedelta(days=change_day))).days + 1


# -- the statistic ---------------------------------------------------------------------------
def test_closed_form_matches_the_brute_force_marginal_likelihoods() -> None:
    rng = np.random.default_rng(0)
    n, tau, omega, delta = 6, 0.2, 0.5, math.log(0.5)
    x, s = rng.normal(0, 0.3, n), rng.uniform(0.2, 0.4, n)
    cube = change_log_ratios(x, s, tau, omega, np.array([delta]))
    z = np.linspace(-3, 3, GRID)
    log_prior = np.log(np.exp(-0.5 * z**2) / np.exp(-0.5 * z**2).sum())
    for t in range(n):
        for kappa in range(t + 1):
            shift = np.where(np.arange(t + 1) >= kappa, delta, 0.0)

            def marginal(mean: np.ndarray, t: int = t) -> float:
                logs = [
                    multivariate_normal(
                        mean, np.diag((s[: t + 1] * math.exp(o * omega)) ** 2) + tau**2
                    ).logpdf(x[: t + 1])
                    for o in z
                ]
                return float(logsumexp(np.array(logs) + log_prior))

            expected = marginal(shift) - marginal(np.zeros(t + 1))
            assert cube[0, t, kappa] == pytest.approx(expected, abs=1e-8)
    assert np.all(np.isneginf(cube[0][np.triu_indices(n, 1)]))


def test_threshold_is_the_doob_bound() -> None:
    assert DriftConfig().threshold == pytest.approx(math.log(56 / 0.05))
    per_line = DriftConfig.for_plan(10)
    assert per_line.false_alarm_rate == pytest.approx(0.005)
    assert per_line.threshold == pytest.approx(math.log(56 / 0.005))


# -- error rates by simulation ---------------------------------------------------------------
def test_null_lines_alarm_at_most_at_the_stated_rate() -> None:
    rng = np.random.default_rng(7)
    runs = 250
    alarms = sum(
        detect_drift(CURVE, simulate_line(CURVE, rng, level=_level(rng))).drifted
        for _ in range(runs)
    )
    assert alarms / runs <= DriftConfig().false_alarm_rate


def test_a_halving_is_detected_within_about_a_week() -> None:
    rng = np.random.default_rng(3)
    delays = []
    for _ in range(60):
        obs = simulate_line(CURVE, rng, level=_level(rng), change=0.5, change_day=28)
        report = detect_drift(CURVE, obs)
        assert report.finding is not None
        f = report.finding
        delays.append(_delay(28, f.detected_on))
        assert f.direction == "down" and f.statistic >= f.threshold
        assert 0.3 < f.ratio < 0.75, f.message
        assert f.days[0] == f.started_on and f.days[-1] == f.detected_on
    assert all(d is not None and d >= 1 for d in delays), "no alarm before the change"
    assert float(np.median(delays)) <= 5
    assert np.mean([d <= 7 for d in delays if d is not None]) >= 0.8


def test_the_finding_names_the_days_and_the_numbers() -> None:
    rng = np.random.default_rng(11)
    obs = simulate_line(CURVE, rng, change=0.4, change_day=20, days=40)
    f = detect_drift(CURVE, obs).finding
    assert f is not None
    assert abs((f.started_on - obs[20].day).days) <= 2
    assert f.actual == pytest.approx(sum(o.actual for o in obs if o.day in set(f.days)))
    assert f.actual < f.expected and f.days_outside >= 1
    assert "paid_social × prospects fell to" in f.message and "log(56 / 0.05)" in f.message


def test_a_rise_is_detected_as_up() -> None:
    rng = np.random.default_rng(5)
    f = detect_drift(CURVE, simulate_line(CURVE, rng, change=2.2, change_day=20, days=40)).finding
    assert f is not None and f.direction == "up" and f.ratio > 1.5


def test_a_line_far_off_its_curve_from_the_start_alarms_a_plausible_one_does_not() -> None:
    rng = np.random.default_rng(2)
    sharp = known_curve(residual_sigma=0.3, level_sigma=0.05)
    f = detect_drift(sharp, simulate_line(sharp, rng, level=0.3, days=21)).finding
    assert f is not None and f.started_on == START
    vague = known_curve(residual_sigma=0.3, level_sigma=0.4)
    assert not detect_drift(vague, simulate_line(vague, rng, level=0.8, days=56)).drifted


# -- missing days, zero spend, broken days -----------------------------------------------------
def test_missing_days_are_listed_and_do_not_stop_detection() -> None:
    rng = np.random.default_rng(13)
    skip = set(random.Random(1).sample(range(56), 17))
    obs = simulate_line(CURVE, rng, change=0.5, change_day=28, skip=skip)
    report = detect_drift(CURVE, obs)
    gone = sorted(START + timedelta(days=i) for i in skip if 0 < i < max(set(range(56)) - skip))
    assert list(report.missing) == gone
    assert report.observed_days == 56 - len(skip)
    assert report.finding is not None and report.finding.detected_on >= START + timedelta(days=28)
    null = detect_drift(CURVE, simulate_line(CURVE, np.random.default_rng(14), skip=skip))
    assert not null.drifted and len(null.missing) == len(gone)


def test_zero_spend_days_are_skipped_and_change_nothing() -> None:
    rng = np.random.default_rng(17)
    obs = simulate_line(CURVE, rng, change=0.5, change_day=25, days=40)
    paused = [Observation(START + timedelta(days=100 + i), 0.0, 0.0) for i in range(3)]
    late = [Observation(START + timedelta(days=103), 0.0, 12.5)]
    base, with_pauses = detect_drift(CURVE, obs), detect_drift(CURVE, obs + paused + late)
    assert with_pauses.finding == base.finding
    assert with_pauses.statistic == base.statistic
    assert with_pauses.observed_days == base.observed_days
    reasons = dict(with_pauses.skipped)
    assert reasons[paused[0].day] == "no spend" and reasons[late[0].day] == "outcome without spend"
    only_pauses = detect_drift(CURVE, paused)
    assert only_pauses.observed_days == 0 and not only_pauses.drifted


def test_one_broken_day_does_not_alarm_a_broken_week_does() -> None:
    rng = np.random.default_rng(19)
    obs = simulate_line(CURVE, rng, days=30)
    one = [replace(o, actual=0.0) if i == 15 else o for i, o in enumerate(obs)]
    assert not detect_drift(CURVE, obs).drifted
    report = detect_drift(CURVE, one)
    assert not report.drifted
    assert report.trace[15].outside and report.trace[15].log_ratio < -2
    week = [replace(o, actual=0.0) if 15 <= i < 22 else o for i, o in enumerate(obs)]
    f = detect_drift(CURVE, week).finding
    assert f is not None and f.direction == "down" and f.detected_on <= obs[21].day


def test_counts_are_handled_too() -> None:
    counts = known_curve(alpha=40.0, residual_sigma=1.1, level_sigma=0.1, metric="conversions")
    rng = np.random.default_rng(23)
    assert not detect_drift(counts, simulate_line(counts, rng, noise_sigma=0.2)).drifted
    obs = simulate_line(counts, rng, change=0.5, change_day=28, noise_sigma=0.2)
    f = detect_drift(counts, obs).finding
    assert f is not None and f.direction == "down"
    assert f.detected_on >= obs[28].day and (f.detected_on - obs[28].day).days < 10


# -- purity and bad input --------------------------------------------------------------------
def test_the_report_is_deterministic_and_ignores_input_order() -> None:
    obs = simulate_line(CURVE, np.random.default_rng(29), change=0.5, change_day=30)
    shuffled = list(obs)
    random.Random(4).shuffle(shuffled)
    assert detect_drift(CURVE, shuffled) == detect_drift(CURVE, obs)
    trace = detect_drift(CURVE, obs).trace
    assert [t.day for t in trace] == sorted(o.day for o in obs)
    assert all(t.low < t.expected < t.high for t in trace)


@pytest.mark.parametrize(
    ("obs", "message"),
    [
        ([Observation(START, -1.0, 10.0)], "observation 0: spend must be a non-negative"),
        ([Observation(START, 10.0, math.nan)], "observation 0: actual must be a non-negative"),
        (
            [Observation(START, 10.0, 1.0), Observation(START, 20.0, 2.0)],
            "observation 1: 2026-03-02 appears twice",
        ),
    ],
)
def test_bad_observations_are_refused(obs: list[Observation], message: str) -> None:
    with pytest.raises(InvalidObservationError, match=message):
        detect_drift(CURVE, obs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"false_alarm_rate": 0.0},
        {"horizon_days": 0},
        {"changes": ()},
        {"changes": (1.0,)},
        {"changes": (-0.5,)},
        {"new_line_sd": -0.1},
        {"noise_sd": math.inf},
    ],
)
def test_bad_config_is_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidDriftConfigError, match="invalid validation config"):
        DriftConfig(**kwargs)  # type: ignore[arg-type]


# -- with a fitted curve -----------------------------------------------------------------------
def test_on_a_curve_fitted_from_history() -> None:
    """Fit a Hill curve on 300 days of a known truth, then watch the next 8 weeks."""
    rng = np.random.default_rng(31)
    truth = {"alpha": 2_000.0, "half": 500.0, "shape": 1.2, "sigma": 0.3}
    first = START - timedelta(days=300)
    history = []
    for i in range(300):
        spend = float(rng.uniform(150.0, 1_200.0))
        mean = float(hill(spend, truth["alpha"], truth["half"], truth["shape"]))
        revenue = mean * math.exp(float(rng.normal(-0.045, truth["sigma"])))
        history.append(
            DailyPoint("ch", "aud", first + timedelta(days=i), spend, revenue, 0.0, "brand")
        )
    (curve,) = fit_curves(history)
    assert curve.residual_sigma == pytest.approx(0.3, abs=0.06)
    true_curve = known_curve(
        alpha=truth["alpha"],
        half_saturation=truth["half"],
        shape=truth["shape"],
        residual_sigma=truth["sigma"],
        channel_id="ch",
        audience_id="aud",
    )
    quiet = [simulate_line(true_curve, rng, spend=curve.median_spend) for _ in range(20)]
    assert sum(detect_drift(curve, obs).drifted for obs in quiet) <= 1
    delays = []
    for _ in range(20):
        obs = simulate_line(true_curve, rng, spend=curve.median_spend, change=0.5, change_day=28)
        f = detect_drift(curve, obs).finding
        delays.append(_delay(28, f.detected_on if f else None) or 99)
    assert min(delays) >= 1 and float(np.median(delays)) <= 5
