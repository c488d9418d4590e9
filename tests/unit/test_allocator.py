"""The allocator: exact totals, constraints, infeasibility, and value on the TRUE demo curves.

Allocations are made on curves fitted from the demo's outcomes and judged on the generator's
true curves, against an equal split, a split in proportion to last year's spend, and the
true optimum found by a dynamic programme over a fine budget grid.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

import numpy as np
import pytest

from agents.curves import ResponseCurve, fit_curves
from agents.curves.hill import inverse_marginal, marginal, tangent_point
from agents.planner import (
    Allocation,
    InfeasibleConstraintsError,
    NoCurvesError,
    UnknownObjectiveError,
    allocate,
)
from bench import markets
from bench.markets import demo_points, true_curves
from demo import DemoDataset, generate

BRAND = "brand-trailhead"
DAYS = 30


def make_curve(
    channel: str, audience: str, alpha: float, half: float, shape: float
) -> ResponseCurve:
    return markets.make_curve(channel, audience, alpha, half, shape)


def true_value(
    dataset: DemoDataset, budgets: Mapping[tuple[str, str], float], days: int = DAYS
) -> float:
    return markets.true_value(dataset, budgets, days)


def grid_optimum(
    curves: Sequence[ResponseCurve],
    budget: float,
    days: int = DAYS,
    minimums: Mapping[str, float] | None = None,
    maximums: Mapping[str, float] | None = None,
    steps: int = 1000,
) -> float:
    return markets.grid_optimum(curves, budget, days, minimums, maximums, steps)


def budgets_of(allocation: Allocation) -> dict[tuple[str, str], float]:
    return {(line.channel_id, line.audience_id): float(line.budget) for line in allocation.lines}


@pytest.fixture(scope="module")
def dataset() -> DemoDataset:
    return generate(seed=7)


@pytest.fixture(scope="module")
def curves(dataset: DemoDataset) -> list[ResponseCurve]:
    points = [p for p in demo_points(dataset) if p.brand_id == BRAND]
    return fit_curves(points)


@pytest.fixture(scope="module")
def budget(curves: list[ResponseCurve]) -> float:
    """A month at last year's average daily spend of the brand."""
    return round(sum(c.total_spend for c in curves) / 365 * DAYS, 2)


def test_lines_add_up_exactly_to_the_budget(curves: list[ResponseCurve]) -> None:
    allocation = allocate(curves, 100_000.07, 7)
    assert sum(line.budget for line in allocation.lines) == Decimal("100000.07")
    assert allocation.budget == Decimal("100000.07")
    assert all(line.budget >= 0 for line in allocation.lines)
    assert all(line.budget == line.budget.quantize(Decimal("0.01")) for line in allocation.lines)
    assert {(line.channel_id, line.audience_id) for line in allocation.lines} == {
        c.pair for c in curves
    }


def test_beats_equal_and_last_year_splits_and_nears_the_true_optimum(
    dataset: DemoDataset, curves: list[ResponseCurve], budget: float
) -> None:
    """On the TRUE curves: above an equal split and last year's mix, within 5% of the optimum
    (the 5% exploration share on thin pairs included)."""
    ours = true_value(dataset, budgets_of(allocate(curves, budget, DAYS)))
    equal = true_value(dataset, {c.pair: budget / len(curves) for c in curves})
    spent = sum(c.total_spend for c in curves)
    last_year = true_value(dataset, {c.pair: budget * c.total_spend / spent for c in curves})
    optimum = grid_optimum(true_curves(dataset, curves), budget)
    assert ours > equal
    assert ours > last_year
    assert ours >= 0.95 * optimum
    assert ours <= optimum * 1.0001


def test_the_optimiser_finds_the_optimum_of_the_curves_it_is_given(
    dataset: DemoDataset, curves: list[ResponseCurve], budget: float
) -> None:
    """Given the true curves (some S-shaped), the allocation matches the grid optimum, and
    its upper bound is above it."""
    truth = true_curves(dataset, curves)
    assert any(c.shape > 1 for c in truth) and any(c.shape < 1 for c in truth)
    allocation = allocate(truth, budget, DAYS, exploration_share=0)
    optimum = grid_optimum(truth, budget)
    assert allocation.expected_objective >= 0.9995 * optimum
    assert allocation.upper_bound >= optimum * (1 - 1e-9)
    assert true_value(dataset, budgets_of(allocation)) == pytest.approx(
        allocation.expected_objective, rel=1e-9
    )


def test_channel_minimums_and_maximums_hold(
    dataset: DemoDataset, curves: list[ResponseCurve], budget: float
) -> None:
    free = allocate(curves, budget, DAYS).by_channel()
    most = max(free, key=lambda ch: free[ch])
    least = min(free, key=lambda ch: free[ch])
    minimums = {least: round(0.1 * budget, 2), "ch-email": 1000.0}
    maximums = {most: round(float(free[most]) / 2, 2), "ch-email": 1000.0}
    allocation = allocate(curves, budget, DAYS, min_by_channel=minimums, max_by_channel=maximums)
    totals = allocation.by_channel()
    assert sum(totals.values()) == Decimal(str(budget))
    assert totals[least] == Decimal(str(minimums[least]))  # binding
    assert totals[most] == Decimal(str(maximums[most]))  # binding
    assert totals["ch-email"] == Decimal("1000.00")
    truth = true_curves(dataset, curves)
    exact = allocate(
        truth, budget, DAYS, min_by_channel=minimums, max_by_channel=maximums, exploration_share=0
    )
    optimum = grid_optimum(truth, budget, DAYS, minimums, maximums)
    assert exact.expected_objective >= 0.999 * optimum


@pytest.mark.parametrize(
    ("minimums", "maximums", "named"),
    [
        ({"ch-meta": 60_000, "ch-email": 50_000}, {}, ["ch-email", "ch-meta"]),
        ({"ch-meta": 500}, {"ch-meta": 400}, ["ch-meta"]),
        ({"ch-snapchat": 1}, {}, ["ch-snapchat"]),
        ({}, {"ch-radio": 1, "ch-meta": 5}, ["ch-radio"]),
    ],
)
def test_impossible_constraints_name_the_channels(
    minimums: dict[str, float], maximums: dict[str, float], named: list[str]
) -> None:
    curves = [
        make_curve("ch-meta", "a1", 1000, 100, 0.8),
        make_curve("ch-email", "a1", 500, 20, 0.9),
    ]
    with pytest.raises(InfeasibleConstraintsError) as caught:
        allocate(curves, 100_000, 10, min_by_channel=minimums, max_by_channel=maximums)
    assert caught.value.channels == named
    assert isinstance(caught.value, ValueError)
    for channel in named:
        assert channel in str(caught.value)


def test_every_channel_capped_below_the_budget_is_impossible() -> None:
    curves = [make_curve("ch-meta", "a1", 1000, 100, 0.8), make_curve("ch-sms", "a1", 50, 5, 1)]
    with pytest.raises(InfeasibleConstraintsError, match="less than the budget") as caught:
        allocate(curves, 1000, 10, max_by_channel={"ch-meta": 600, "ch-sms": 399.99})
    assert caught.value.channels == ["ch-meta", "ch-sms"]
    allocation = allocate(curves, 1000, 10, max_by_channel={"ch-meta": 600, "ch-sms": 400})
    assert allocation.by_channel() == {"ch-meta": Decimal("600.00"), "ch-sms": Decimal("400.00")}


@pytest.mark.parametrize("seed", range(12))
def test_s_shaped_curves_reach_the_grid_optimum(seed: int) -> None:
    """Strongly S-shaped curves, small budgets and binding bounds, where spreading the budget
    by marginal returns alone would leave pairs below their take-off point."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 9))
    curves = [
        make_curve(
            f"ch-{rng.integers(3)}",
            f"a{i}",
            float(rng.uniform(50, 500)),
            float(rng.uniform(20, 300)),
            float(rng.uniform(0.5, 3.0)),
        )
        for i in range(n)
    ]
    budget = round(float(rng.uniform(0.2, 3.0)) * sum(c.half_saturation for c in curves) * 2, 2)
    channels = sorted({c.channel_id for c in curves})
    minimums = {channels[0]: round(0.3 * budget, 2)} if seed % 2 else {}
    maximums = {channels[-1]: round(0.2 * budget, 2)} if seed % 3 == 0 and len(channels) > 1 else {}
    allocation = allocate(
        curves, budget, 10, min_by_channel=minimums, max_by_channel=maximums, exploration_share=0
    )
    optimum = grid_optimum(curves, budget, 10, minimums, maximums, steps=1000)
    assert allocation.expected_objective >= 0.995 * optimum
    assert sum(line.budget for line in allocation.lines) == Decimal(str(budget))


def test_thin_pairs_get_the_exploration_share(curves: list[ResponseCurve], budget: float) -> None:
    thin = [c for c in curves if c.thin]
    assert thin
    allocation = allocate(curves, budget, DAYS, exploration_share=0.05)
    lines = {(line.channel_id, line.audience_id): line for line in allocation.lines}
    assert 0 < allocation.exploration_budget <= Decimal(str(0.05 * budget))
    for c in thin:
        line = lines[c.pair]
        assert line.thin and line.exploration > 0
        assert line.budget >= line.exploration
        # Capped at twice the half-saturation per day: spending past saturation teaches little.
        assert float(line.exploration) <= 2 * c.half_saturation * DAYS + 0.01
    assert all(line.exploration == 0 for line in allocation.lines if not line.thin)
    none = allocate(curves, budget, DAYS, exploration_share=0)
    assert none.exploration_budget == 0


def test_exploration_gives_way_to_a_channel_maximum() -> None:
    curves = [
        make_curve("ch-meta", "a1", 1000, 100, 0.8),
        dataclasses.replace(make_curve("ch-sms", "a2", 50, 5, 1.0), thin=True),
    ]
    allocation = allocate(curves, 10_000, 10, max_by_channel={"ch-sms": 0})
    assert allocation.by_channel()["ch-sms"] == 0
    assert allocation.exploration_budget == 0
    spread = allocate(curves, 10_000, 10, exploration_share=0.05)
    assert spread.exploration_budget == Decimal("100.00")  # 2 × half-saturation × 10 days


def test_expectations_with_intervals(curves: list[ResponseCurve], budget: float) -> None:
    conversions = [
        dataclasses.replace(c, metric="conversions", alpha=c.alpha / 100) for c in curves
    ]
    allocation = allocate([*curves, *conversions], budget, DAYS)
    for line in allocation.lines:
        assert line.revenue is not None and line.conversions is not None
        assert line.revenue.low <= line.revenue.expected <= line.revenue.high
        if line.budget > 0:
            assert line.roas is not None
            assert line.roas.expected == pytest.approx(line.revenue.expected / float(line.budget))
    assert allocation.revenue is not None and allocation.roas is not None
    assert allocation.revenue.expected == pytest.approx(
        sum(line.revenue.expected for line in allocation.lines if line.revenue)
    )
    assert allocation.revenue.low < allocation.revenue.expected < allocation.revenue.high
    assert allocation.expected_objective == pytest.approx(allocation.revenue.expected, rel=1e-6)
    assert allocation.conversions is not None
    assert allocation.roas.expected == pytest.approx(allocation.revenue.expected / budget)
    by_conversions = allocate([*curves, *conversions], budget, DAYS, objective="conversions")
    assert by_conversions.objective == "conversions"
    assert sum(line.budget for line in by_conversions.lines) == Decimal(str(budget))


def test_a_start_date_applies_the_seasonal_factors(
    curves: list[ResponseCurve], budget: float
) -> None:
    average = allocate(curves, budget, DAYS)
    june = allocate(curves, budget, DAYS, start=date(2026, 6, 1))
    february = allocate(curves, budget, DAYS, start=date(2026, 2, 1))
    assert june.revenue is not None and february.revenue is not None
    assert average.revenue is not None
    assert june.revenue.expected > average.revenue.expected > february.revenue.expected
    assert sum(line.budget for line in june.lines) == Decimal(str(budget))


def test_bad_arguments(curves: list[ResponseCurve]) -> None:
    with pytest.raises(UnknownObjectiveError):
        allocate(curves, 1000, 10, objective="awareness")
    with pytest.raises(NoCurvesError):
        allocate(curves, 1000, 10, objective="conversions")
    with pytest.raises(ValueError, match="days"):
        allocate(curves, 1000, 0)
    with pytest.raises(ValueError, match="budget"):
        allocate(curves, -1, 10)
    with pytest.raises(ValueError, match="exploration_share"):
        allocate(curves, 1000, 10, exploration_share=0.9)
    with pytest.raises(ValueError, match="two revenue curves"):
        allocate([curves[0], curves[0]], 1000, 10)
    with pytest.raises(ValueError, match="minimum of ch-meta"):
        allocate(curves, 1000, 10, min_by_channel={"ch-meta": -5})


def test_a_zero_budget_allocates_nothing(curves: list[ResponseCurve]) -> None:
    allocation = allocate(curves, 0, 10)
    assert all(line.budget == 0 for line in allocation.lines)
    assert allocation.expected_objective == 0


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_inverse_marginal_inverts_the_marginal(seed: int) -> None:
    """Where the inverse says the slope falls to ``lam``, the marginal is ``lam`` again
    (concave and S-shaped curves, slopes from steep to nearly flat)."""
    rng = np.random.default_rng(seed)
    alpha = rng.uniform(10, 10_000, 200)
    half = rng.uniform(1, 2_000, 200)
    shape = rng.uniform(0.5, 2.5, 200)
    peak = np.where(
        tangent_point(half, shape) > 0,
        marginal(tangent_point(half, shape), alpha, half, shape),
        marginal(1e-9 * half, alpha, half, shape),
    )
    lam = peak * rng.uniform(1e-4, 0.99, 200)
    spend = inverse_marginal(lam, alpha, half, shape)
    assert np.all(spend > 0)
    assert np.allclose(marginal(spend, alpha, half, shape), lam, rtol=1e-7)
    assert np.all(spend >= tangent_point(half, shape))
    # Above an S-shaped curve's steepest envelope slope, nothing is worth spending.
    s_shaped = shape > 1
    assert s_shaped.any()
    beyond = inverse_marginal(peak * 1.01, alpha, half, shape)
    assert np.all(beyond[s_shaped] == 0)
