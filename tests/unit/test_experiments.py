"""The sequential A/B/n test: its math, its decisions, and its error rates by simulation."""

from __future__ import annotations

import math
from typing import Any

import pytest
from scipy.integrate import quad
from scipy.stats import norm

from agents.experiments import (
    InvalidCountsError,
    InvalidExperimentConfigError,
    SequentialTest,
    TestConfig,
    VariantCounts,
    simulate,
)
from agents.experiments.msprt import confidence_radius, log_likelihood_ratio


# -- the mixture likelihood ratio ----------------------------------------------------------
@pytest.mark.parametrize(
    ("d", "v", "tau"), [(0.0, 1e-6, 4e-3), (0.004, 2e-6, 4e-3), (-1.3, 0.5, 2.0)]
)
def test_log_likelihood_ratio_is_the_normal_mixture(d: float, v: float, tau: float) -> None:
    sd = math.sqrt(v)

    def integrand(theta: float) -> float:
        ratio = norm.pdf(d, theta, sd) / norm.pdf(d, 0.0, sd)
        return float(ratio * norm.pdf(theta, 0.0, tau))

    value, _ = quad(integrand, -12 * tau, 12 * tau, points=[0.0, d], limit=200)
    assert log_likelihood_ratio(d, v, tau) == pytest.approx(math.log(value), abs=1e-6)


def test_confidence_radius_inverts_the_test() -> None:
    v, tau, level = 3e-6, 5e-3, math.log(3 / 0.05)
    r = confidence_radius(v, tau, level)
    assert log_likelihood_ratio(r, v, tau) == pytest.approx(level, abs=1e-9)
    assert log_likelihood_ratio(0.99 * r, v, tau) < level < log_likelihood_ratio(1.01 * r, v, tau)


# -- decisions -----------------------------------------------------------------------------
def test_minimum_sample_keeps_going_and_names_the_variant() -> None:
    d = SequentialTest().evaluate({"hook-a": (400, 40), "hook-b": (5000, 500)})
    assert d.outcome == "continue" and d.winner is None
    assert "hook-a has 400 of 1,000 trials" in d.reason


def test_too_few_events_keeps_going() -> None:
    d = SequentialTest().evaluate({"a": (5000, 3), "b": (5000, 9)})
    assert d.outcome == "continue"
    assert "fewer than 20 successes or failures in b vs a" in d.reason


def test_a_clear_winner_must_beat_every_other_variant() -> None:
    test = SequentialTest()
    both = test.evaluate({"a": (9000, 100), "b": (9000, 180), "c": (9000, 260)})
    assert both.outcome == "winner" and both.winner == "c"
    assert both.statistic >= both.threshold == pytest.approx(math.log(3 / 0.05))
    assert "c beats every other" in both.reason
    assert set(both.eliminated) == {"a", "b"}
    # c and b both beat a, but not each other: a is out, nobody has won
    tied = test.evaluate({"a": (9000, 100), "b": (9000, 240), "c": (9000, 260)})
    assert tied.outcome == "continue" and tied.eliminated == ("a",)
    assert tied.leader == "c" and tied.statistic < tied.threshold
    assert "against b" in tied.reason and "significantly worse: a" in tied.reason


def test_with_a_control_the_best_significant_variant_wins() -> None:
    test = SequentialTest(TestConfig(control="a"))
    d = test.evaluate({"a": (9000, 100), "b": (9000, 180), "c": (9000, 250)})
    assert d.outcome == "winner" and d.winner == "c"
    assert d.threshold == pytest.approx(math.log(2 / 0.05))  # two comparisons, not three
    keep = test.evaluate({"a": (9000, 300), "b": (9000, 180), "c": (9000, 150)})
    assert keep.winner == "a" and "the control stays" in keep.reason


def test_horizon_without_a_winner_is_no_difference() -> None:
    test = SequentialTest(TestConfig(max_trials=20_000))
    before = test.evaluate({"a": (19_000, 400), "b": (19_000, 410)})
    assert before.outcome == "continue"
    after = test.evaluate({"a": (20_000, 420), "b": (20_000, 431)})
    assert after.outcome == "no_difference" and after.winner is None
    assert "horizon of 20,000 trials" in after.reason


def test_equivalence_margin_stops_early_when_differences_are_small() -> None:
    counts = {"a": (400_000, 20_000), "b": (400_000, 20_100)}
    assert SequentialTest(TestConfig(max_trials=10**6)).evaluate(counts).outcome == "continue"
    d = SequentialTest(TestConfig(max_trials=10**6, equivalence_margin=0.1)).evaluate(counts)
    assert d.outcome == "no_difference" and "within ±10%" in d.reason
    (c,) = d.comparisons
    assert -0.1 * 0.05 < c.ci_low < c.difference < c.ci_high < 0.1 * 0.05


def test_the_decision_is_deterministic_and_carries_its_evidence() -> None:
    counts = {"a": VariantCounts(6000, 130), "b": VariantCounts(6000, 170)}
    first, second = SequentialTest().evaluate(counts), SequentialTest().evaluate(counts)
    assert first == second
    (c,) = first.comparisons
    assert c.variant == "b" and c.baseline == "a" and c.lift == pytest.approx(40 / 130)
    assert c.ci_low < c.difference < c.ci_high and 0.0 < c.p_value <= 1.0
    assert first.counts == (("a", counts["a"]), ("b", counts["b"]))


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ({"a": (100, 10)}, "at least two variants"),
        ({"a": (100, 10), "b": (100, 101)}, "variant 'b': 101 successes exceed 100 trials"),
        ({"a": (-1, 0), "b": (100, 1)}, "variant 'a': trials must not be negative"),
        ({"a": (100, 1.5), "b": (100, 1)}, "successes must be an integer"),
        ({"a": (100, True), "b": (100, 1)}, "successes must be an integer"),
        ({"a": (100,), "b": (100, 1)}, "expected (trials, successes)"),
    ],
)
def test_bad_counts_are_refused_with_the_variant(counts: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidCountsError, match=message.replace("(", r"\(").replace(")", r"\)")):
        SequentialTest().evaluate(counts)


def test_unknown_control_is_refused() -> None:
    with pytest.raises(InvalidCountsError, match="'z': the control is not among the variants"):
        SequentialTest(TestConfig(control="z")).evaluate({"a": (10, 1), "b": (10, 1)})


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"alpha": 0.0}, "alpha"),
        ({"alpha": 1.5}, "alpha"),
        ({"min_trials": 0}, "min_trials"),
        ({"max_trials": 10, "min_trials": 100}, "max_trials"),
        ({"expected_lift": -0.1}, "expected_lift"),
        ({"expected_lift": math.nan}, "expected_lift"),
        ({"baseline_rate": 1.0}, "baseline_rate"),
        ({"equivalence_margin": 0.0}, "equivalence_margin"),
        ({"control": ""}, "control"),
    ],
)
def test_bad_config_is_refused(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidExperimentConfigError, match=f"invalid experiment config {field}"):
        TestConfig(**kwargs)


# -- error rates by simulation (fixed seeds; the full calibration is `python -m bench experiments`)
def test_false_positives_under_repeated_looks_stay_below_alpha() -> None:
    """Three equal hooks, 25 looks: the rule rarely names a winner, the naive rules always do."""
    config = TestConfig(alpha=0.05, max_trials=50_000)
    s = simulate(config, [0.02, 0.02, 0.02], trials_per_look=2_000, looks=25, runs=1_500, seed=11)
    assert s.winner_rate() <= config.alpha
    assert s.outcomes.get("no_difference", 0) == s.runs - sum(s.winners.values())
    # "highest click rate wins" at the first look declares a winner in every run
    assert sum(s.highest_rate_wins.values()) == s.runs
    # a fixed-sample z-test (same Bonferroni level) re-run at every look: far above alpha
    assert s.peeking_winners / s.runs > 3 * config.alpha


def test_the_bound_is_not_vacuous_at_a_loose_alpha() -> None:
    """At alpha 0.2 with 100 looks the rule does fire under the null, yet stays below alpha."""
    config = TestConfig(alpha=0.2, min_trials=500, max_trials=50_000)
    s = simulate(config, [0.02, 0.02], trials_per_look=500, looks=100, runs=800, seed=5)
    assert 0.25 * config.alpha < s.winner_rate() <= config.alpha
    assert s.peeking_winners / s.runs > 2 * config.alpha


def test_a_real_lift_stops_with_the_right_winner() -> None:
    config = TestConfig(alpha=0.05, max_trials=50_000)
    s = simulate(config, [0.02, 0.026, 0.02], trials_per_look=2_000, looks=25, runs=300, seed=2)
    assert s.winner_rate("v1") >= 0.95
    assert s.winner_rate() - s.winner_rate("v1") <= config.alpha  # wrong winners
    assert s.mean_trials < 0.6 * config.max_trials  # it stops early, not at the horizon
