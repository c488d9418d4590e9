"""Response curves: recovery of the demo generator's true curves, shrinkage, intervals, nodes.

The demo's truth per channel × audience pair is ``hill(spend) × season × noise``, with a
per-(campaign, pair) effect on top (log-normal, sigma 0.15). Even the true curve misses a
pair's realised revenue by over 6% for half the pairs (a pair's few campaigns were a little
better or worse than the curve), so the tolerances below are about that size, not tighter.
"Truth" for an average day is the true curve times the brand's mean seasonal factor, since
fitted curves describe an average day of the data.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pytest

from agents.curves import DailyPoint, ResponseCurve, fit_curves
from bench.markets import demo_points
from demo import DemoDataset, generate, hill
from graph.schema import Label

WELL_SUPPLIED_DAYS = 60


def true_average_day(dataset: DemoDataset, curve: ResponseCurve, spend: float) -> float:
    """True expected revenue of a daily spend on an average day of the brand's year."""
    t = dataset.truth[curve.pair]
    season = float(np.mean(list(dataset.seasonality[str(curve.brand_id)].values())))
    return float(hill(spend, t["alpha"], t["half_saturation"], t["shape"])) * season


@pytest.fixture(scope="module")
def dataset() -> DemoDataset:
    return generate(seed=7)


@pytest.fixture(scope="module")
def points(dataset: DemoDataset) -> list[DailyPoint]:
    return demo_points(dataset)


@pytest.fixture(scope="module")
def curves(points: list[DailyPoint]) -> list[ResponseCurve]:
    return fit_curves(points)


def _errors(dataset: DemoDataset, curves: Sequence[ResponseCurve]) -> np.ndarray:
    return np.array(
        [
            c.predict(c.median_spend).mean / true_average_day(dataset, c, c.median_spend) - 1
            for c in curves
        ]
    )


def test_every_pair_with_data_gets_one_curve(
    dataset: DemoDataset, curves: list[ResponseCurve]
) -> None:
    pairs = {
        (dataset.table.channel_ids[c], dataset.table.audience_ids[a])
        for c, a in zip(
            dataset.table.channel.tolist(), dataset.table.audience.tolist(), strict=True
        )
    }
    assert {c.pair for c in curves} == pairs
    assert len(curves) == len(pairs)
    assert all(c.metric == "revenue" and c.version == "hill-v1" for c in curves)


def test_recovers_the_true_curves_at_median_spend(
    dataset: DemoDataset, curves: list[ResponseCurve]
) -> None:
    """Well-supplied pairs (60+ days): median error under 10%, three in four within 15%."""
    supplied = [c for c in curves if c.n_days >= WELL_SUPPLIED_DAYS]
    assert len(supplied) >= 100
    errors = np.abs(_errors(dataset, supplied))
    assert np.median(errors) < 0.10
    assert np.mean(errors < 0.15) >= 0.75
    assert errors.max() < 0.5


def test_recovers_the_curves_away_from_the_median_too(
    dataset: DemoDataset, curves: list[ResponseCurve]
) -> None:
    """Half and twice the median spend: what the allocator extrapolates to."""
    supplied = [c for c in curves if c.n_days >= WELL_SUPPLIED_DAYS]
    for factor in (0.5, 2.0):
        errors = np.array(
            [
                c.predict(factor * c.median_spend).mean
                / true_average_day(dataset, c, factor * c.median_spend)
                - 1
                for c in supplied
            ]
        )
        assert np.median(np.abs(errors)) < 0.15
        assert np.mean(np.abs(errors) < 0.25) >= 0.8


def test_intervals_cover_the_truth_for_most_pairs(
    dataset: DemoDataset, curves: list[ResponseCurve]
) -> None:
    """Nominal 90% intervals: at least 75% of pairs cover the true average day."""
    covered = []
    for c in curves:
        low, high = c.predict(c.median_spend)[1:]
        covered.append(low <= true_average_day(dataset, c, c.median_spend) <= high)
    assert np.mean(covered) >= 0.75
    assert all(c.confidence == 0.9 for c in curves)


def test_thin_pairs_are_flagged_and_shrunk(curves: list[ResponseCurve]) -> None:
    thin = [c for c in curves if c.thin]
    assert thin, "the demo has pairs with under 30 days"
    assert all(c.n_days < 30 for c in thin)
    assert all(c.n_days >= 30 for c in curves if not c.thin)
    long = np.median([c.shrinkage for c in curves if c.n_days >= 200])
    assert min(c.shrinkage for c in thin) > 2 * long
    for c in thin:  # shrunk towards the channel's other audiences in the brand
        assert c.pool == f"{c.brand_id}/{c.channel_id}"


def test_a_thin_pair_takes_its_shape_from_the_channel_pool() -> None:
    """Three audiences with a year of data share a shape; a fourth has ten days at one spend
    level. It is flagged, keeps the pooled shape and half-saturation, and learns its level."""
    rng = np.random.default_rng(3)
    start = date(2026, 1, 1)
    points = []
    for audience, alpha, days, centre in (
        ("a1", 1000.0, 300, 100.0),
        ("a2", 1500.0, 300, 100.0),
        ("a3", 800.0, 300, 100.0),
        ("a4", 2000.0, 10, 60.0),
    ):
        for d in range(days):
            spend = centre * float(rng.lognormal(0.0, 0.6 if days > 10 else 0.05))
            revenue = float(hill(spend, alpha, 100.0, 0.8)) * float(rng.lognormal(-0.02, 0.2))
            day = start + timedelta(days=d)
            points.append(DailyPoint("ch-x", audience, day, spend, revenue, 0.0, "brand-x"))
    curves = {c.audience_id: c for c in fit_curves(points)}
    thin = curves["a4"]
    assert thin.thin and not any(curves[a].thin for a in ("a1", "a2", "a3"))
    assert thin.shrinkage > 0.3 > max(curves[a].shrinkage for a in ("a1", "a2", "a3"))
    assert thin.shape == pytest.approx(0.8, rel=0.2)
    assert thin.half_saturation == pytest.approx(100.0, rel=0.35)
    assert thin.predict(60.0).mean == pytest.approx(float(hill(60.0, 2000.0, 100.0, 0.8)), rel=0.1)
    assert not fit_curves(points, min_days=5)[3].thin


def test_held_out_scores(curves: list[ResponseCurve]) -> None:
    supplied = [c for c in curves if c.n_days >= WELL_SUPPLIED_DAYS]
    assert all(c.r2_holdout is not None and c.mape_holdout is not None for c in supplied)
    assert np.median([c.r2_holdout for c in supplied]) > 0.3
    assert np.median([c.mape_holdout for c in supplied]) < 0.35


def test_seasonality_is_estimated_from_the_data(
    dataset: DemoDataset, curves: list[ResponseCurve]
) -> None:
    """Ledgerline (B2B) sells little at weekends: the weekday factors find it."""
    curve = next(c for c in curves if c.brand_id == "brand-ledgerline")
    true = dataset.seasonality["brand-ledgerline"]
    weekday_means = [
        np.mean([v for d, v in true.items() if date.fromisoformat(d).weekday() == w])
        for w in range(7)
    ]
    assert np.corrcoef(weekday_means, curve.weekday_factors)[0, 1] > 0.95
    assert max(curve.weekday_factors[5:]) < 0.7 < min(curve.weekday_factors[:5])


def test_predictions_are_increasing_and_zero_at_zero(curves: list[ResponseCurve]) -> None:
    curve = curves[0]
    assert curve.predict(0.0) == (0.0, 0.0, 0.0)
    spends = np.linspace(1.0, 10 * curve.max_spend, 50)
    mean, low, high = curve.predict_array(spends)
    assert np.all(np.diff(mean) > 0)
    assert np.all((low <= mean) & (mean <= high))
    assert mean[-1] < curve.alpha


def test_conversion_curves(dataset: DemoDataset, points: list[DailyPoint]) -> None:
    """Conversions are Poisson(revenue / order value): often 0 or 1 a day for B2B."""
    order_value = {"brand-trailhead": 128.0, "brand-ledgerline": 520.0, "brand-emberoak": 34.0}
    curves = fit_curves(points, metric="conversions")
    supplied = [c for c in curves if c.n_days >= WELL_SUPPLIED_DAYS]
    errors = np.array(
        [
            c.predict(c.median_spend).mean
            / (true_average_day(dataset, c, c.median_spend) / order_value[str(c.brand_id)])
            - 1
            for c in supplied
        ]
    )
    assert all(c.metric == "conversions" for c in curves)
    assert np.median(np.abs(errors)) < 0.12
    assert np.mean(np.abs(errors) < 0.3) >= 0.85


def test_without_campaign_ids_the_level_uncertainty_comes_from_drift(
    dataset: DemoDataset,
) -> None:
    points = [p for p in demo_points(dataset, campaigns=False) if p.brand_id == "brand-emberoak"]
    curves = fit_curves(points)
    assert all(c.level_sigma > 0 for c in curves)


def test_to_node_is_deterministic_and_round_trips(curves: list[ResponseCurve]) -> None:
    curve = curves[0]
    node = curve.to_node()
    assert node.label == Label.RESPONSE_CURVE
    assert node.id == curve.id == curves[0].to_node().id
    assert node.id.startswith("rc_")
    props = node.properties
    assert props["version"] == "hill-v1"
    assert props["first_date"] == curve.first_date.isoformat()
    assert props["n_rows"] == curve.n_rows
    assert len(props["cov"]) == 9
    assert ResponseCurve.from_node(node) == curve
    changed = dataclasses.replace(curve, data_digest="other")
    assert changed.id != curve.id


def test_the_id_depends_on_the_data(points: list[DailyPoint]) -> None:
    some = [p for p in points if p.channel_id in ("ch-email", "ch-sms")]
    first = {c.pair: c.id for c in fit_curves(some)}
    again = {c.pair: c.id for c in fit_curves(some)}
    fewer = {c.pair: c.id for c in fit_curves(some[:-50])}
    assert first == again
    assert any(first[p] != fewer.get(p) for p in first)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown metric"):
        fit_curves([], metric="leads")
    with pytest.raises(ValueError, match="min_days"):
        fit_curves([], min_days=0)
    assert fit_curves([]) == []


def test_days_without_spend_are_left_out() -> None:
    start = date(2026, 3, 1)
    points = [
        DailyPoint("ch", "au", start + timedelta(days=d), 0.0 if d % 2 else 50.0, 100.0, 1.0)
        for d in range(80)
    ]
    (curve,) = fit_curves(points)
    assert curve.n_days == 40
    assert math.isfinite(curve.alpha)
