"""A line's own A/B winner taking over is no drift; a market change on the same day still is.

The lines here are drawn as the sandbox market draws them: a day's noise shared by the
line's assets, a small one of each asset's row, and each asset's revenue scaled by its own
conversion effect. For a week three variants split the line's spend, then the winner
(picked on clicks, so its conversion effect is anything) runs alone.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta

import numpy as np
import pytest

from agents.curves.hill import hill
from agents.validation import DriftConfig, Observation, detect_drift
from agents.validation.assets import AssetDay, remove_asset_mix
from agents.validation.synthetic import START, known_curve

CURVE = known_curve(residual_sigma=0.2, level_sigma=0.1)
CONFIG = DriftConfig.for_plan(8)
DAYS = 14
SWITCH = 7  # day index the winner runs alone from: the day after the first weekly check
VARIANTS = {"ast_a": 1.3, "ast_b": 1.2, "ast_c": 0.5}  # mean 1.0; the winner ast_c halves it


def _line(
    rng: np.random.Generator,
    effects: dict[str, float],
    winner: str,
    *,
    market: float = 1.0,
    days: int = DAYS,
) -> list[AssetDay]:
    """A line's rows per asset and day; the market moves by ``market`` from ``SWITCH``."""
    rows = []
    for i in range(days):
        day = START + timedelta(days=i)
        spend = CURVE.half_saturation * float(rng.uniform(0.9, 1.0))
        running = list(effects) if i < SWITCH else [winner]
        shared = math.exp(float(rng.normal(-0.5 * 0.2**2, 0.2)))
        level = market if i >= SWITCH else 1.0
        mean = float(hill(spend, CURVE.alpha, CURVE.half_saturation, CURVE.shape)) * level
        for asset in running:
            share = spend / len(running)
            row_noise = math.exp(float(rng.normal(-0.5 * 0.1**2, 0.1)))
            revenue = mean / len(running) * effects[asset] * shared * row_noise
            rows.append(AssetDay(day, asset, round(share, 2), round(revenue, 2)))
    return rows


def _totals(rows: Sequence[AssetDay]) -> list[Observation]:
    """The line's days as the agent read them before: spend and revenue summed per day."""
    days: dict[date, tuple[float, float]] = {}
    for r in rows:
        s, v = days.get(r.day, (0.0, 0.0))
        days[r.day] = (s + r.spend, v + r.actual)
    return [Observation(d, s, v) for d, (s, v) in days.items()]


def _alarms(lines: list[list[AssetDay]], adjust: bool) -> int:
    found = 0
    for rows in lines:
        obs = remove_asset_mix(rows).observations if adjust else _totals(rows)
        found += detect_drift(CURVE, obs, CONFIG).finding is not None
    return found


def test_a_winner_that_converts_at_half_alarms_on_day_totals_but_not_on_the_mix() -> None:
    lines = [_line(np.random.default_rng(seed), VARIANTS, "ast_c") for seed in range(20)]
    assert _alarms(lines, adjust=False) >= 10  # the old reading: our own switch is "drift"
    assert _alarms(lines, adjust=True) == 0


def test_a_market_halving_on_the_day_the_winner_takes_over_is_found_as_without_variants() -> None:
    # the winner converts at 1.3, so on day totals the halving shows as 0.65 and hides
    seeds = [np.random.default_rng(100 + seed) for seed in range(40)]
    switched = [_line(rng, VARIANTS, "ast_a", market=0.5) for rng in seeds]
    seeds = [np.random.default_rng(100 + seed) for seed in range(40)]
    plain = [_line(rng, {"ast_a": 1.0}, "ast_a", market=0.5) for rng in seeds]
    baseline = _alarms(plain, adjust=True)  # one asset all along: nothing to take out
    assert baseline >= 20
    assert _alarms(switched, adjust=False) <= 5
    assert _alarms(switched, adjust=True) >= baseline - 4


def test_a_market_halving_is_seen_whole_whatever_the_winner_converts_at() -> None:
    # the winner at 0.5 and a market at 0.5: the line falls to a quarter, the mix says half
    rng = np.random.default_rng(7)
    rows = _line(rng, VARIANTS, "ast_c", market=0.5, days=21)
    report = detect_drift(CURVE, remove_asset_mix(rows).observations, CONFIG)
    assert report.finding is not None and report.finding.direction == "down"
    assert report.finding.ratio == pytest.approx(0.5, rel=0.25)


def test_the_effects_are_read_from_the_days_the_variants_ran_side_by_side() -> None:
    rows = _line(np.random.default_rng(3), VARIANTS, "ast_c")
    mix = remove_asset_mix(rows)
    mean = np.mean([math.log(v) for v in VARIANTS.values()])
    for asset, effect in VARIANTS.items():
        # against the day's line (mix ≈ 1.0), within the row noise
        assert mix.effects[asset] == pytest.approx(math.log(effect) - mean, abs=0.15)
    first, last = START, START + timedelta(days=DAYS - 1)
    assert mix.factors[first] == 1.0
    assert mix.factors[last] == pytest.approx(1 / 0.5, rel=0.15)


def test_a_line_with_one_asset_or_no_overlap_is_left_as_it_is() -> None:
    day = START
    rows = [
        AssetDay(day, "ast_a", 100.0, 300.0),
        AssetDay(day + timedelta(days=1), "ast_a", 100.0, 280.0),
        # another asset that never ran beside the first: its effect cannot be told apart
        AssetDay(day + timedelta(days=2), "ast_b", 100.0, 140.0),
        AssetDay(day + timedelta(days=3), None, 0.0, 0.0),
    ]
    mix = remove_asset_mix(rows)
    assert not mix.adjusted and mix.effects == {}
    assert [(o.day, o.spend, o.actual) for o in mix.observations] == [
        (r.day, r.spend, r.actual) for r in rows
    ]


def test_one_day_side_by_side_counts_for_little() -> None:
    day = START
    rows = [
        AssetDay(day, "ast_a", 50.0, 300.0),
        AssetDay(day, "ast_b", 50.0, 100.0),  # a third of a's return, on one day
        AssetDay(day + timedelta(days=1), "ast_b", 100.0, 200.0),
    ]
    mix = remove_asset_mix(rows)
    raw = math.log(100.0 / 200.0)  # b against the day's line, unshrunk
    assert raw < mix.effects["ast_b"] < 0.0
    assert mix.effects["ast_b"] == pytest.approx(raw / 2)  # one day: as noisy as the prior
